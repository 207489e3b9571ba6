using System.IO;
using System.Linq;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Deploy.Links;
using Xunit;

namespace NetbootOci.Engine.Tests.Links
{
    public class LinkOwnershipTests
    {
        [Fact]
        public void AnUnmanagedFileIsAConflictAndNothingIsChanged()
        {
            using var r = new LinkRoot();
            Directory.CreateDirectory(r.P("boot"));
            File.WriteAllText(r.P("boot/debian-vmlinuz"), "hand-made");
            string before = r.Snapshot();
            var req = r.Request();
            req.Names.Add("boot/{os}-{file}");
            var e = r.Fails(req);
            Assert.Equal(ErrorIds.LinkConflict, e.ErrorId);
            Assert.Contains("boot/debian-vmlinuz", e.Message.Replace('\\', '/'));
            Assert.Contains("-Force", e.Message);
            // The other three names were not created either: conflicts are found before any change.
            Assert.Equal(before, r.Snapshot());
            Assert.False(File.Exists(r.P("boot/debian-initrd.img")));
        }

        [Fact]
        public void ForceReplacesAndAdoptsAnUnmanagedName()
        {
            using var r = new LinkRoot();
            Directory.CreateDirectory(r.P("boot"));
            File.WriteAllText(r.P("boot/debian-vmlinuz"), "hand-made");
            var req = r.Request();
            req.Names.Add("boot/{os}-{file}");
            req.Force = true;
            var k = r.Apply(req).Single(x => x.Name == "boot/debian-vmlinuz");
            Assert.Equal(LinkAction.Replaced, k.Action);
            Assert.Null(k.PreviousTarget);
            Assert.Equal("kernel 12", r.Read("boot/debian-vmlinuz"));
            Assert.True(r.Record().Links.ContainsKey("boot/debian-vmlinuz"));
        }

        [Fact]
        public void AnUnmanagedNameThatIsAlreadyRightIsLeftAndNotAdopted()
        {
            using var r = new LinkRoot();
            Directory.CreateDirectory(r.P("boot"));
            FileSystemLinks.CreateSymbolicLink(r.P("boot/debian-vmlinuz"), "../debian/12/amd64/vmlinuz", false);
            var req = r.Request();
            req.Names.Add("boot/{os}-{file}");
            var k = r.Apply(req).Single(x => x.Name == "boot/debian-vmlinuz");
            Assert.Equal(LinkAction.Unchanged, k.Action);
            Assert.False(r.Record().Links.ContainsKey("boot/debian-vmlinuz"));

            // Not ours, so a prune leaves it alone.
            var prune = r.Request();
            prune.Names.Add("other/{os}-{file}");
            prune.Prune = true;
            r.Apply(prune);
            Assert.True(FileSystemLinks.IsSymbolicLink(r.P("boot/debian-vmlinuz")));
            Assert.False(File.Exists(r.P("boot/debian-initrd.img")));
        }

        [Fact]
        public void ARealDirectoryIsNeverReplacedEvenWithForce()
        {
            using var r = new LinkRoot();
            Directory.CreateDirectory(r.P("debian/latest/amd64"));
            File.WriteAllText(r.P("debian/latest/amd64/keep"), "x");
            var req = r.Request();
            req.Names.Add("{os}/latest/{arch}");
            req.Force = true;
            Assert.Equal(ErrorIds.LinkConflict, r.Fails(req).ErrorId);
            Assert.True(File.Exists(r.P("debian/latest/amd64/keep")));
        }

        [Fact]
        public void PruneRemovesManagedNamesOfTheOldVersionAndKeepsEverythingElse()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add("boot/{os}-{version}-{arch}-{file}");
            req.MacAddresses.Add("52:54:00:12:34:56");
            req.MacAddresses.Add("52:54:00:00:00:02");
            r.Apply(req);
            File.WriteAllText(r.P("boot/unmanaged"), "mine");
            SaveLayoutFor(r, "other");
            var otherReq = r.Request(r.P("other/1/amd64"));
            otherReq.Names.Add("boot/{os}-{version}-{arch}-{file}");
            r.Apply(otherReq);

            // debian 13 replaces 12: same aliases template, one host less.
            string entry13 = r.Deploy13();
            var next = r.RequestFor(entry13, req);
            next.MacAddresses.RemoveAt(1);
            next.Prune = true;
            var results = r.Apply(next);

            Assert.Equal(4, results.Count(x => x.Action == LinkAction.Removed && x.Name.StartsWith("boot/debian-12-")));
            Assert.Equal(4, results.Count(x => x.Action == LinkAction.Removed && x.Name.StartsWith("host-config/52-54-00-00-00-02/")));
            Assert.All(results.Where(x => x.Action == LinkAction.Removed), x => { Assert.True(x.Changed); Assert.NotNull(x.PreviousTarget); Assert.Null(x.Target); });
            Assert.False(Directory.Exists(r.P("host-config/52-54-00-00-00-02")));      // created by us, now empty: removed
            Assert.True(File.Exists(r.P("boot/debian-13-amd64-vmlinuz")));
            Assert.False(FileSystemLinks.Exists(r.P("boot/debian-12-amd64-vmlinuz")));
            Assert.Equal("mine", r.Read("boot/unmanaged"));                              // never ours
            Assert.Equal("kernel other", r.Read("boot/other-1-amd64-vmlinuz"));           // another OS: out of scope
            Assert.Equal("shim 13", r.Read("host-config/52-54-00-12-34-56/shimx64.efi"));
            Assert.True(File.Exists(r.Entry12 + "/vmlinuz"));                             // the deployed entry itself is never touched
            Assert.DoesNotContain(r.Record().Links.Keys, k => k.StartsWith("boot/debian-12-"));
        }

        [Fact]
        public void PruneRemovesAHostFileTheNewOsNoLongerHas()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.MacAddresses.Add("52:54:00:12:34:56");
            r.Apply(req);
            var fewer = r.Request();
            fewer.MacAddresses.Add("52:54:00:12:34:56");
            fewer.Files.AddRange(new[] { "vmlinuz", "initrd.img" });
            fewer.Prune = true;
            var results = r.Apply(fewer);
            Assert.Equal(new[] { "host-config/52-54-00-12-34-56/grubx64.efi", "host-config/52-54-00-12-34-56/shimx64.efi" },
                results.Where(x => x.Action == LinkAction.Removed).Select(x => x.Name).OrderBy(n => n).ToArray());
            Assert.True(File.Exists(r.P("host-config/52-54-00-12-34-56/vmlinuz")));
        }

        [Fact]
        public void PruneLeavesANameSomeoneElseReplaced()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add("boot/{os}-{version}-{file}");
            r.Apply(req);
            File.Delete(r.P("boot/debian-12-vmlinuz"));
            File.WriteAllText(r.P("boot/debian-12-vmlinuz"), "an admin's file");
            var next = r.RequestFor(r.Deploy13(), req);
            next.Prune = true;
            r.Apply(next);
            Assert.Equal("an admin's file", r.Read("boot/debian-12-vmlinuz"));
            Assert.False(FileSystemLinks.Exists(r.P("boot/debian-12-initrd.img")));
        }

        static void SaveLayoutFor(LinkRoot r, string os) => Support.SaveLayout.Deploy(r.Root, os, "1", "amd64", Support.SaveLayout.Small(os));
    }
}
