using System.IO;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Deploy.Links;
using Xunit;

namespace NetbootOci.Engine.Tests.Links
{
    /// <summary>Every way a template, MAC, entry or planted link could make the engine write or point outside the root.</summary>
    public class LinkEscapeTests
    {
        static void AssertRefused(LinkRoot r, LinkRequest req, string errorId)
        {
            string before = r.Snapshot();
            var e = r.Fails(req);
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(before, r.Snapshot());
            Assert.Equal("outside the root", File.ReadAllText(Path.Combine(r.Outside, "secret")));
            Assert.Single(Directory.GetFileSystemEntries(r.Outside));
        }

        [Theory]
        [InlineData("../outside/{file}")]
        [InlineData("boot/../../outside/{file}")]
        [InlineData("boot/./{file}")]
        [InlineData("/tmp/{file}")]
        [InlineData("boot//{file}")]
        [InlineData("boot\\..\\..\\{file}")]
        [InlineData("..")]
        public void TemplatesLeavingTheRootAreRefused(string template)
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add(template);
            AssertRefused(r, req, ErrorIds.PathEscapesRoot);
        }

        [Theory]
        [InlineData("../../../outside")]
        [InlineData("52:54:00:12:34:5/")]
        [InlineData("..\\..\\x")]
        public void MacAddressesWithPathCharactersAreRefused(string mac)
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.MacAddresses.Add(mac);
            AssertRefused(r, req, ErrorIds.InvalidMacAddress);
        }

        [Fact]
        public void AnOsValueWithASlashIsRefused()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Os = "../../outside";
            req.Names.Add("boot/{os}-{file}");
            AssertRefused(r, req, ErrorIds.PathEscapesRoot);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void APlantedSymlinkedParentDirectoryIsNeverFollowed(bool absolute)
        {
            using var r = new LinkRoot();
            FileSystemLinks.CreateSymbolicLink(r.P("boot"), absolute ? r.Outside : "../outside", true);
            var req = r.Request();
            req.Names.Add("boot/{os}-{file}");
            req.Force = true;
            AssertRefused(r, req, ErrorIds.PathEscapesRoot);
        }

        [Fact]
        public void APlantedSymlinkedHostDirectoryIsNeverFollowed()
        {
            using var r = new LinkRoot();
            Directory.CreateDirectory(r.P("host-config"));
            FileSystemLinks.CreateSymbolicLink(r.P("host-config/52-54-00-12-34-56"), r.Outside, true);
            var req = r.Request();
            req.MacAddresses.Add("52:54:00:12:34:56");
            AssertRefused(r, req, ErrorIds.PathEscapesRoot);
        }

        [Fact]
        public void AnEntryThatIsAPlantedLinkOutOfTheRootIsRefused()
        {
            using var r = new LinkRoot();
            Directory.CreateDirectory(r.P("evil/1"));
            FileSystemLinks.CreateSymbolicLink(r.P("evil/1/amd64"), "../../../outside", true);
            var req = r.Request(r.P("evil/1/amd64"));
            req.Names.Add("boot/{os}-{file}");
            AssertRefused(r, req, ErrorIds.PathEscapesRoot);
        }

        [Fact]
        public void AnEntryReachedThroughAnAbsoluteLinkIsRefused()
        {
            using var r = new LinkRoot();
            Directory.CreateDirectory(r.P("abs/1"));
            FileSystemLinks.CreateSymbolicLink(r.P("abs/1/amd64"), Path.GetFullPath(r.Entry12 + "/../../../.netboot-oci/trees"), true);
            var req = r.Request(r.P("abs/1/amd64"));
            req.Names.Add("boot/{os}-{file}");
            AssertRefused(r, req, ErrorIds.PathEscapesRoot);
        }

        [Fact]
        public void APlantedFileInTheTreePointingOutsideIsRefused()
        {
            using var r = new LinkRoot();
            string tree = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(r.Entry12)!, FileSystemLinks.ReadSymbolicLink(r.Entry12)!));
            FileSystemLinks.CreateSymbolicLink(Path.Combine(tree, "passwd"), Path.Combine(r.Outside, "secret"), false);
            var req = r.Request();
            req.Names.Add("boot/{os}-{file}");
            AssertRefused(r, req, ErrorIds.PathEscapesRoot);
        }

        [Fact]
        public void AnEntryOutsideTheRootIsRefused()
        {
            using var r = new LinkRoot();
            var req = r.Request(r.Outside);
            req.Names.Add("boot/{file}");
            AssertRefused(r, req, ErrorIds.PathEscapesRoot);
        }

        [Fact]
        public void APlantedStateDirectoryLinkIsRefused()
        {
            using var r = new LinkRoot();
            Directory.Move(r.P(".netboot-oci"), Path.Combine(r.Outside, "store"));
            FileSystemLinks.CreateSymbolicLink(r.P(".netboot-oci"), "../outside/store", true);
            var req = r.Request();
            req.Names.Add("boot/{file}");
            var e = r.Fails(req);
            Assert.Equal(ErrorIds.PathEscapesRoot, e.ErrorId);
            Assert.False(File.Exists(Path.Combine(r.Outside, "store", OwnershipRecord.FileName)));
        }

        [Theory]
        [InlineData(".netboot-oci/{file}")]
        [InlineData("{os}/{version}/{arch}")]
        [InlineData("{os}/{version}")]
        public void NamesInTheStoreOrOverTheEntryAreRefused(string template)
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add(template);
            req.Force = true;
            string before = r.Snapshot();
            var e = r.Fails(req);
            Assert.Contains(e.ErrorId, new[] { ErrorIds.InvalidArgument, ErrorIds.PathEscapesRoot });
            Assert.Equal(before, r.Snapshot());
        }

        [Fact]
        public void NamesWrittenThroughTheEntryLinkAreRefused()
        {
            using var r = new LinkRoot();
            var req = r.Request();
            req.Names.Add("{os}/{version}/{arch}/alias-{file}");
            AssertRefused(r, req, ErrorIds.InvalidArgument);
        }
    }
}
