using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NetbootOci.Engine.Deploy.Links;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Links
{
    /// <summary>A root with Save's layout and helpers to run the link engine and inspect the result.</summary>
    public sealed class LinkRoot : IDisposable
    {
        readonly TempDir _dir = new TempDir("nboci-links");

        public LinkRoot()
        {
            Root = _dir.Combine("root");
            Directory.CreateDirectory(Root);
            Outside = _dir.Combine("outside");
            Directory.CreateDirectory(Outside);
            File.WriteAllText(Path.Combine(Outside, "secret"), "outside the root");
            Entry12 = SaveLayout.Deploy(Root, "debian", "12", "amd64", SaveLayout.Small("12"));
        }

        public string Root { get; }
        /// <summary>A directory beside the root that nothing may touch.</summary>
        public string Outside { get; }
        public string Entry12 { get; }

        public string Deploy13() => SaveLayout.Deploy(Root, "debian", "13", "amd64", SaveLayout.Small("13"));

        public LinkRequest Request(string? entry = null, LinkType? type = LinkType.Symlink) =>
            new LinkRequest { Root = Root, Entry = entry ?? Entry12, LinkType = type };

        public IReadOnlyList<LinkResult> Apply(LinkRequest request, Func<LinkResult, bool>? approve = null) =>
            LinkEngine.ApplyAsync(request, approve, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();

        public NetbootException Fails(LinkRequest request) =>
            Assert.Throws<NetbootException>(() => Apply(request));

        public string P(string name) => Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar));

        public string Read(string name) => File.ReadAllText(P(name));

        /// <summary>Every entry below the root (and beside it) with its kind, link text, size and write time: equal snapshots mean nothing was touched.</summary>
        public string Snapshot()
        {
            var lines = new List<string>();
            foreach (var top in new[] { Root, Outside })
                foreach (var path in Directory.EnumerateFileSystemEntries(top, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).OrderBy(p => p, StringComparer.Ordinal))
                {
                    if (path.EndsWith(LinkEngine.LockFileName, StringComparison.Ordinal)) continue; // the lock file is not state
                    var info = new FileInfo(path);
                    string kind = info.LinkTarget != null ? "L " + info.LinkTarget : Directory.Exists(path) ? "D" : "F " + info.Length + " " + info.LastWriteTimeUtc.Ticks;
                    lines.Add(path + " " + kind);
                }
            return string.Join("\n", lines);
        }

        /// <summary>
        /// What a chrooted tftpd needs: every symbolic link under the root is relative, and following it
        /// (all hops) ends inside the root.
        /// </summary>
        public void AssertChrootSafeLinks()
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                var info = new FileInfo(path);
                if (info.LinkTarget == null) continue;
                Assert.False(Path.IsPathRooted(info.LinkTarget), $"{path} -> {info.LinkTarget} is absolute");
                var final = info.ResolveLinkTarget(returnFinalTarget: true);
                Assert.NotNull(final);
                Assert.True(final!.Exists || Directory.Exists(final.FullName), $"{path} -> {info.LinkTarget} dangles");
                Assert.StartsWith(Root + Path.DirectorySeparatorChar, Path.GetFullPath(final.FullName));
            }
        }

        public OwnershipRecord Record() => OwnershipRecord.Load(Root);

        public void Dispose() => _dir.Dispose();
    }
}
