using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Save
{
    /// <summary>Every bad input is refused with a clear error and the root is left exactly as it was.</summary>
    public class SaveRefusalTests
    {
        static async Task<(NetbootException Error, TempDir Dir)> RefusedAsync(Func<IOciRepository, Task<NetbootArtifact>> make,
            Action<string>? prepareRoot = null, Func<SaveOptions, SaveOptions>? tweak = null)
        {
            var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            var artifact = await make(repo);
            string root = dir.Combine("tftp");
            Directory.CreateDirectory(root);
            prepareRoot?.Invoke(root);
            var before = SaveFixture.Snapshot(root);
            var options = new SaveOptions { Destination = root };
            if (tweak != null) options = tweak(options);
            var e = await Assert.ThrowsAsync<NetbootException>(() => ArtifactSaver.SaveAsync(repo, artifact, options, NullEngineLog.Instance, CancellationToken.None));
            Assert.Equal(before, SaveFixture.Snapshot(root));
            Assert.Empty(repo.BlobReads);
            return (e, dir);
        }

        [Theory]
        [InlineData("../escape")]
        [InlineData("..")]
        [InlineData("dir/vmlinuz")]
        [InlineData("dir\\vmlinuz")]
        [InlineData("/etc/passwd")]
        [InlineData("C:\\boot.ini")]
        [InlineData("C:evil")]
        [InlineData("vm\u0001linuz")]
        [InlineData("line\nbreak")]
        [InlineData("CON")]
        [InlineData("nul.txt")]
        [InlineData("COM1")]
        [InlineData("lpt9.efi")]
        [InlineData("")]
        [InlineData("trailing.")]
        [InlineData(".netboot-oci")]
        public async Task UnsafeTitlesAreRefusedNamingLayerAndTitle(string title)
        {
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t",
                SaveFixture.FedoraLike().Append(new FixtureFile("placeholder", SaveFixture.Bytes("x", 5000))), tamper: f => { if (f.Name == "placeholder") f.Name = title; }));
            using (dir)
            {
                Assert.Equal(ErrorIds.UnsafeFileName, e.ErrorId);
                Assert.Contains("layer 4", e.Message);
                Assert.Equal(title, e.Target);
            }
        }

        [Fact]
        public async Task DuplicateTitlesAreRefused()
        {
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t",
                SaveFixture.FedoraLike().Append(new FixtureFile("VMLINUZ", SaveFixture.Bytes("other", 5000)))));
            using (dir)
            {
                Assert.Equal(ErrorIds.DuplicateFileName, e.ErrorId);
                Assert.Contains("layer 4", e.Message);
                Assert.Contains("layer 2", e.Message);
            }
        }

        [Fact]
        public async Task AbsurdLayerCountsAreRefused()
        {
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t",
                Enumerable.Range(0, 300).Select(i => new FixtureFile("f" + i, Encoding.ASCII.GetBytes("x" + i)))));
            using (dir) Assert.Equal(ErrorIds.TooManyLayers, e.ErrorId);
        }

        [Fact]
        public async Task DeclaredSizesBeyondTheFreeSpaceAreRefused()
        {
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike(),
                tamper: f => { if (f.Name == "initrd.img") { f.Size = 1L << 50; f.ContentSize = 1L << 50; } }));
            using (dir)
            {
                Assert.Equal(ErrorIds.InsufficientSpace, e.ErrorId);
                Assert.Contains("available", e.Message);
            }
        }

        [Fact]
        public async Task APlantedSymlinkOnTheEntryPathIsNotWrittenThrough()
        {
            using var outside = new TempDir("nboci-outside");
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike()),
                root => FileSystemLinks.CreateSymbolicLink(Path.Combine(root, "fedora"), outside.Path, true));
            using (dir)
            {
                Assert.Equal(ErrorIds.PathEscapesRoot, e.ErrorId);
                Assert.Contains("fedora", e.Message);
                Assert.Empty(Directory.EnumerateFileSystemEntries(outside.Path));
            }
        }

        [Fact]
        public async Task APlantedSymlinkAsTheStoreDirectoryIsNotWrittenThrough()
        {
            using var outside = new TempDir("nboci-outside");
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike()),
                root => FileSystemLinks.CreateSymbolicLink(Path.Combine(root, ".netboot-oci"), outside.Path, true));
            using (dir)
            {
                Assert.Equal(ErrorIds.PathEscapesRoot, e.ErrorId);
                Assert.Empty(Directory.EnumerateFileSystemEntries(outside.Path));
            }
        }

        [Fact]
        public async Task APlantedSymlinkInsideTheStoreIsNotWrittenThrough()
        {
            using var outside = new TempDir("nboci-outside");
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike()),
                root =>
                {
                    Directory.CreateDirectory(Path.Combine(root, ".netboot-oci", "blobs"));
                    FileSystemLinks.CreateSymbolicLink(Path.Combine(root, ".netboot-oci", "blobs", "sha256"), outside.Path, true);
                });
            using (dir)
            {
                Assert.Equal(ErrorIds.PathEscapesRoot, e.ErrorId);
                Assert.Empty(Directory.EnumerateFileSystemEntries(outside.Path));
            }
        }

        [Theory]
        [InlineData("{os}/../../etc")]
        [InlineData("/srv/{os}")]
        [InlineData("{os}/{nope}")]
        public async Task UnsafePathTemplatesAreRefused(string template)
        {
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike()),
                tweak: o => { o.PathTemplate = template; return o; });
            using (dir) Assert.Equal(ErrorIds.InvalidArgument, e.ErrorId);
        }

        [Fact]
        public async Task AnOsVersionWithASeparatorIsRefused()
        {
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike(), version: "../../etc"));
            using (dir) Assert.Equal(ErrorIds.UnsafeFileName, e.ErrorId);
        }

        [Fact]
        public async Task ImplausiblySmallBootFilesAreRefusedWhenStrictBeforeAnyDownload()
        {
            var (e, dir) = await RefusedAsync(repo => SaveFixture.PublishAsync(repo, "t",
                SaveFixture.FedoraLike().Append(new FixtureFile("boot.iso", Encoding.ASCII.GetBytes("tiny")))),
                tweak: o => { o.Strict = true; return o; });
            using (dir)
            {
                Assert.Equal(ErrorIds.SuspiciousContent, e.ErrorId);
                Assert.Contains("boot.iso", e.Message);
            }
        }
    }
}
