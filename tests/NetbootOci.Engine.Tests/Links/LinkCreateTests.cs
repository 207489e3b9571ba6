using System.IO;
using System.Linq;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Deploy.Links;
using Xunit;

namespace NetbootOci.Engine.Tests.Links
{
    public class LinkCreateTests
    {
        [Fact]
        public void OsAliasesAreRelativeSymlinksToNamesUnderTheEntry()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add("boot/{os}-{version}-{arch}-{file}");
            var results = r.Apply(req);

            Assert.Equal(new[] { "boot/debian-12-amd64-grubx64.efi", "boot/debian-12-amd64-initrd.img", "boot/debian-12-amd64-shimx64.efi", "boot/debian-12-amd64-vmlinuz" },
                results.Select(x => x.Name).OrderBy(n => n).ToArray());
            Assert.All(results, x => { Assert.Equal(LinkAction.Created, x.Action); Assert.True(x.Changed); Assert.Null(x.PreviousTarget); Assert.Equal(LinkType.Symlink, x.LinkType); });
            Assert.Equal("../debian/12/amd64/vmlinuz", FileSystemLinks.ReadSymbolicLink(r.P("boot/debian-12-amd64-vmlinuz")));
            Assert.Equal(Path.Combine(r.Root, "debian", "12", "amd64", "vmlinuz"), results.Single(x => x.Name.EndsWith("vmlinuz")).Target);
            Assert.Equal("kernel 12", r.Read("boot/debian-12-amd64-vmlinuz"));
            r.AssertChrootSafeLinks();
            Assert.Equal(4, r.Record().Links.Count);
            Assert.Contains("boot", r.Record().Directories);
        }

        [Fact]
        public void OnlyTheListedFilesAreLinked()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add("boot/{os}-{file}");
            req.Files.AddRange(new[] { "vmlinuz", "initrd.img" });
            Assert.Equal(2, r.Apply(req).Count);
            Assert.False(File.Exists(r.P("boot/debian-shimx64.efi")));

            req.Files.Add("missing.efi");
            Assert.Equal(ErrorIds.PathNotFound, r.Fails(req).ErrorId);
        }

        [Fact]
        public void HostEntryLinksEveryBootFileIntoTheMacDirectory()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.MacAddresses.Add("52:54:00:12:34:56");
            req.MacAddresses.Add("AA-BB-CC-DD-EE-FF");
            var results = r.Apply(req);
            Assert.Equal(8, results.Count);
            Assert.Equal("../../debian/12/amd64/shimx64.efi", FileSystemLinks.ReadSymbolicLink(r.P("host-config/52-54-00-12-34-56/shimx64.efi")));
            Assert.Equal("grub 12", r.Read("host-config/aa-bb-cc-dd-ee-ff/grubx64.efi"));
            Assert.All(results, x => Assert.NotNull(x.MacAddress));
            r.AssertChrootSafeLinks();
        }

        [Fact]
        public void HostTemplateIsConfigurable()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.MacAddresses.Add("5254.0012.3456");
            req.HostTemplate = "grub2/{mac}/";
            r.Apply(req);
            Assert.Equal("shim 12", r.Read("grub2/52-54-00-12-34-56/shimx64.efi"));
        }

        [Fact]
        public void DirectoryAliasFollowsSavesAtomicSwitch()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add("{os}/latest/{arch}");
            var result = r.Apply(req).Single();
            Assert.Equal("debian/latest/amd64", result.Name);
            Assert.Equal("../12/amd64", result.SymlinkText);
            Assert.Equal("kernel 12", r.Read("debian/latest/amd64/vmlinuz"));

            // Save switches the entry to a new tree: the alias serves it without re-linking.
            Support.SaveLayout.Deploy(r.Root, "debian", "12", "amd64", Support.SaveLayout.Small("respin"));
            Assert.Equal("kernel respin", r.Read("debian/latest/amd64/vmlinuz"));
            r.AssertChrootSafeLinks();
        }

        [Fact]
        public void DirectoryAliasNeedsSymlinkMode()
        {
            using var r = new LinkRoot();
            var req = r.Request(type: LinkType.Hardlink);
            req.Names.Add("{os}/latest/{arch}");
            Assert.Equal(ErrorIds.InvalidArgument, r.Fails(req).ErrorId);
        }

        [Theory]
        [InlineData(LinkType.Symlink)]
        [InlineData(LinkType.Hardlink)]
        [InlineData(LinkType.Copy)]
        public void EachModeServesTheFileAndASecondRunChangesNothing(LinkType type)
        {
            using var r = new LinkRoot();
            var req = r.Request(type: type);
            req.Names.Add("boot/{os}-{version}-{file}");
            req.MacAddresses.Add("52:54:00:12:34:56");
            var first = r.Apply(req);
            Assert.All(first, x => Assert.True(x.Changed));
            string link = r.P("boot/debian-12-vmlinuz");
            string source = Path.Combine(r.Entry12, "vmlinuz");
            Assert.Equal("kernel 12", File.ReadAllText(link));
            Assert.Equal(type == LinkType.Symlink, FileSystemLinks.IsSymbolicLink(link));
            Assert.Equal(type == LinkType.Hardlink, !FileSystemLinks.IsSymbolicLink(link) && FileSystemLinks.SameFile(link, source));
            if (type == LinkType.Copy) Assert.False(FileSystemLinks.SameFile(link, source));

            string before = r.Snapshot();
            var second = r.Apply(req);
            Assert.Equal(first.Count, second.Count);
            Assert.All(second, x => { Assert.False(x.Changed); Assert.Equal(LinkAction.Unchanged, x.Action); });
            Assert.Equal(before, r.Snapshot());
        }

        [Fact]
        public void ChangingModeReplacesManagedNames()
        {
            using var r = new LinkRoot();
            var req = r.Request(type: LinkType.Symlink);
            req.Names.Add("boot/{os}-{file}");
            r.Apply(req);
            req.LinkType = LinkType.Hardlink;
            var results = r.Apply(req);
            Assert.All(results, x => Assert.Equal(LinkAction.Replaced, x.Action));
            Assert.False(FileSystemLinks.IsSymbolicLink(r.P("boot/debian-vmlinuz")));
            Assert.True(FileSystemLinks.SameFile(r.P("boot/debian-vmlinuz"), Path.Combine(r.Entry12, "vmlinuz")));
            Assert.Equal(LinkType.Hardlink, r.Record().Links["boot/debian-vmlinuz"].Type);
        }

        [Fact]
        public void RelinkingToANewVersionReportsWhatWasThere()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.MacAddresses.Add("52:54:00:12:34:56");
            r.Apply(req);
            string entry13 = r.Deploy13();
            var results = r.Apply(r.RequestFor(entry13, req));
            var shim = results.Single(x => x.Name.EndsWith("shimx64.efi"));
            Assert.Equal(LinkAction.Replaced, shim.Action);
            Assert.Equal(Path.Combine(r.Root, "debian", "12", "amd64", "shimx64.efi"), shim.PreviousTarget);
            Assert.Equal(Path.Combine(r.Root, "debian", "13", "amd64", "shimx64.efi"), shim.Target);
            Assert.Equal("shim 13", r.Read("host-config/52-54-00-12-34-56/shimx64.efi"));
        }

        [Fact]
        public void HardlinkRelinkPointsAtTheNewFileAndRecordsThePrevious()
        {
            using var r = new LinkRoot();
            var req = r.Request(type: LinkType.Hardlink);
            req.Names.Add("boot/{os}-{file}");
            r.Apply(req);
            string entry13 = r.Deploy13();
            var results = r.Apply(r.RequestFor(entry13, req));
            var k = results.Single(x => x.Name == "boot/debian-vmlinuz");
            Assert.Equal(LinkAction.Replaced, k.Action);
            Assert.Equal(Path.Combine(r.Root, "debian", "12", "amd64", "vmlinuz"), k.PreviousTarget);
            Assert.Equal("kernel 13", r.Read("boot/debian-vmlinuz"));
        }
    }

    static class LinkRootExtensions
    {
        public static LinkRequest RequestFor(this LinkRoot r, string entry, LinkRequest like) => new LinkRequest
        {
            Root = r.Root,
            Entry = entry,
            LinkType = like.LinkType,
            Names = like.Names.ToList(),
            Files = like.Files.ToList(),
            MacAddresses = like.MacAddresses.ToList(),
            HostTemplate = like.HostTemplate,
            Prune = like.Prune,
            Force = like.Force,
        };
    }
}
