using System.IO;
using System.Linq;
using System.Threading;
using NetbootOci.Engine.Deploy.Links;
using Xunit;

namespace NetbootOci.Engine.Tests.Links
{
    public class LinkWhatIfTests
    {
        [Fact]
        public void APlanReportsEveryChangeAndTouchesNothing()
        {
            using var r = new LinkRoot();
            var first = r.Request();
            first.Names.Add("boot/{os}-{version}-{file}");
            r.Apply(first);
            var req = r.RequestFor(r.Deploy13(), first);
            req.MacAddresses.Add("52:54:00:12:34:56");
            req.Prune = true;
            string before = r.Snapshot();

            var plan = LinkEngine.PlanAsync(req, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();

            Assert.Equal(before, r.Snapshot());
            var actions = plan.Items.GroupBy(i => i.Result.Action).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(8, actions[LinkAction.Created]);   // 4 aliases for 13, 4 host links
            Assert.Equal(4, actions[LinkAction.Removed]);   // the 12 aliases
            Assert.False(Directory.Exists(r.P("host-config")));
        }

        [Fact]
        public void RefusedChangesAreNotMade()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add("boot/{os}-{file}");
            string before = r.Snapshot();
            int asked = 0;
            var results = r.Apply(req, approve: x => { asked++; return false; });
            Assert.Equal(4, asked);
            Assert.Empty(results);
            Assert.Equal(before, r.Snapshot());
            Assert.False(File.Exists(r.P(".netboot-oci/links.json")));
        }

        [Fact]
        public void OnlyApprovedChangesAreMade()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add("boot/{os}-{file}");
            var results = r.Apply(req, approve: x => x.Name.EndsWith("vmlinuz"));
            Assert.Equal("boot/debian-vmlinuz", Assert.Single(results).Name);
            Assert.Single(r.Record().Links);
            Assert.False(File.Exists(r.P("boot/debian-initrd.img")));
        }
    }
}
