using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Save
{
    public class SaveLayoutTests
    {
        [Fact]
        public async Task DeploysTheNbociLayoutThroughARelativeLinkToAPerManifestTreeOfStoreHardlinks()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            var files = SaveFixture.FedoraLike().Append(new FixtureFile("pxelinux.0", SaveFixture.Bytes("pxe", 42_000))).ToArray();
            var artifact = await SaveFixture.PublishAsync(repo, "fedora-40-amd64", files, entry: "shimx64.efi", alt: "EFI/BOOT/grubx64.efi", legacy: "");
            string root = dir.Combine("tftp");

            var result = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);

            string entry = Path.Combine(root, "fedora", "40", "amd64");
            string hex = Digest.Hex(artifact.Digest);
            Assert.Equal(entry, result.Path);
            Assert.True(result.Changed);
            Assert.Null(result.PreviousDigest);
            Assert.Equal(artifact.Digest, result.Digest);
            Assert.Equal(files.Sum(f => (long)f.Content.Length), result.BytesDownloaded);
            Assert.Equal(files.Select(f => f.Name), result.Files);
            Assert.Equal("shimx64.efi", result.EntryPoint);
            Assert.Equal("grubx64.efi", result.AltEntryPoint);
            Assert.Null(result.LegacyEntryPoint);

            // The entry is a relative link into the root (a chrooted tftpd follows it); the tree holds the files.
            Assert.Equal("../../.netboot-oci/trees/" + hex, FileSystemLinks.ReadSymbolicLink(entry));
            foreach (var f in files)
            {
                Assert.Equal(f.Content, File.ReadAllBytes(Path.Combine(entry, f.Name)));
                string blob = Path.Combine(root, ".netboot-oci", "blobs", "sha256", Digest.Hex(Digest.Sha256(f.Content)));
                Assert.Equal(SaveFixture.Inode(blob), SaveFixture.Inode(Path.Combine(entry, f.Name)));
                Assert.Equal("444", Tools.Run("stat", $"-c %a {blob}").Trim());
            }
            Assert.Equal("shimx64.efi", FileSystemLinks.ReadSymbolicLink(Path.Combine(entry, "boot")));
            Assert.Equal("grubx64.efi", FileSystemLinks.ReadSymbolicLink(Path.Combine(entry, "boot-alt")));
            Assert.False(FileSystemLinks.Exists(Path.Combine(entry, "boot-legacy"))); // empty entry point: no link, never a dangling one
            Assert.Empty(Directory.GetFiles(Path.Combine(root, ".netboot-oci", "tmp")));
            Assert.False(File.Exists(Path.Combine(root, ".netboot-oci", "lock.owner")));
        }

        [Fact]
        public async Task IdenticalFilesAreDownloadedOnceAndStoredOnceAcrossTitlesAndEntries()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            byte[] iso = SaveFixture.Bytes("iso", 200_000);
            var f40 = await SaveFixture.PublishAsync(repo, "fedora-40-amd64",
                SaveFixture.FedoraLike().Append(new FixtureFile("boot.iso", iso)).Append(new FixtureFile("install.img", iso)));
            var rhel = await SaveFixture.PublishAsync(repo, "rhel-9-amd64", SaveFixture.FedoraLike(), os: "rhel", version: "9");
            string root = dir.Combine("tftp");

            var r1 = await ArtifactSaver.SaveAsync(repo, f40, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            Assert.Single(repo.BlobReads, r => r.Digest == Digest.Sha256(iso)); // two titles, one download
            Assert.Equal(SaveFixture.FedoraLike().Sum(f => (long)f.Content.Length) + iso.Length, r1.BytesDownloaded);
            string e40 = Path.Combine(root, "fedora", "40", "amd64");
            Assert.Equal(SaveFixture.Inode(Path.Combine(e40, "boot.iso")), SaveFixture.Inode(Path.Combine(e40, "install.img")));

            int reads = repo.BlobReads.Count;
            var r2 = await ArtifactSaver.SaveAsync(repo, rhel, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            Assert.Equal(reads, repo.BlobReads.Count); // every file of rhel is already in the store
            Assert.Equal(0, r2.BytesDownloaded);
            Assert.True(r2.Changed);
            string e9 = Path.Combine(root, "rhel", "9", "amd64");
            Assert.Equal(SaveFixture.Inode(Path.Combine(e40, "vmlinuz")), SaveFixture.Inode(Path.Combine(e9, "vmlinuz")));
            Assert.Equal(5, Directory.GetFiles(Path.Combine(root, ".netboot-oci", "blobs", "sha256")).Length);
        }

        [Fact]
        public async Task ResyncOfAnUnchangedArtifactReadsNoBlobAndReportsUnchanged()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            var artifact = await SaveFixture.PublishAsync(repo, "fedora-40-amd64", SaveFixture.FedoraLike(), entry: "shimx64.efi");
            string root = dir.Combine("tftp");
            await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            int reads = repo.BlobReads.Count;
            var before = SaveFixture.Snapshot(root);

            var again = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);

            Assert.False(again.Changed);
            Assert.Equal(artifact.Digest, again.PreviousDigest);
            Assert.Equal(0, again.BytesDownloaded);
            Assert.Equal(reads, repo.BlobReads.Count);
            Assert.Equal(before, SaveFixture.Snapshot(root));
        }

        [Fact]
        public async Task ANewManifestSwitchesTheEntryAndReportsThePreviousDigest()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Combine("layout"));
            var v1 = await SaveFixture.PublishAsync(repo, "fedora-40-amd64", SaveFixture.FedoraLike("a"));
            var v2 = await SaveFixture.PublishAsync(repo, "fedora-40-amd64", SaveFixture.FedoraLike("b"));
            string root = dir.Combine("tftp");
            await ArtifactSaver.SaveAsync(repo, v1, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            var r = await ArtifactSaver.SaveAsync(repo, v2, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            Assert.True(r.Changed);
            Assert.Equal(v1.Digest, r.PreviousDigest);
            Assert.Equal(SaveFixture.FedoraLike("b")[2].Content, File.ReadAllBytes(Path.Combine(r.Path, "vmlinuz")));
        }

        [Fact]
        public async Task PathTemplatePlaceholdersAndWhatIfTouchNothing()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            var artifact = await SaveFixture.PublishAsync(repo, "fedora-40-amd64", SaveFixture.FedoraLike());
            string root = dir.Combine("tftp");
            Directory.CreateDirectory(root);
            var whatIf = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root, PathTemplate = "images/{tag}/{digest}", WhatIf = true },
                NullEngineLog.Instance, CancellationToken.None);
            Assert.True(whatIf.Changed);
            Assert.Equal(artifact.Size, whatIf.BytesToDownload);
            Assert.Empty(SaveFixture.Snapshot(root));
            Assert.Empty(repo.BlobReads);

            var real = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root, PathTemplate = "images/{tag}/{digest}" },
                NullEngineLog.Instance, CancellationToken.None);
            Assert.Equal(Path.Combine(root, "images", "fedora-40-amd64", Digest.Hex(artifact.Digest)), real.Path);
            Assert.Equal("../../.netboot-oci/trees/" + Digest.Hex(artifact.Digest), FileSystemLinks.ReadSymbolicLink(real.Path));
            Assert.True(File.Exists(Path.Combine(real.Path, "vmlinuz")));
        }

        [Fact]
        public async Task EntryPointsThatNameNoFileGetNoLinkAndAWarning()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Combine("layout"));
            var artifact = await SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike(), entry: "missing.efi", legacy: "pxelinux.0");
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = dir.Combine("tftp") }, NullEngineLog.Instance, CancellationToken.None);
            Assert.Null(r.EntryPoint);
            Assert.False(FileSystemLinks.Exists(Path.Combine(r.Path, "boot")));
            Assert.False(FileSystemLinks.Exists(Path.Combine(r.Path, "boot-legacy")));
            Assert.Contains(r.Warnings, w => w.Contains("missing.efi"));
        }

        [Fact]
        public async Task DirectoryEntriesTheWindowsFallbackDeployAndResync()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            var v1 = await SaveFixture.PublishAsync(repo, "fedora-40-amd64", SaveFixture.FedoraLike("a"), entry: "shimx64.efi");
            var v2 = await SaveFixture.PublishAsync(repo, "fedora-40-amd64", SaveFixture.FedoraLike("b"), entry: "shimx64.efi");
            string root = dir.Combine("tftp");
            var options = new SaveOptions { Destination = root, DirectoryEntries = true };
            var r1 = await ArtifactSaver.SaveAsync(repo, v1, options, NullEngineLog.Instance, CancellationToken.None);
            Assert.False(FileSystemLinks.IsSymbolicLink(r1.Path));
            Assert.Equal(SaveFixture.FedoraLike("a")[0].Content, File.ReadAllBytes(Path.Combine(r1.Path, "boot")));
            int reads = repo.BlobReads.Count;
            var again = await ArtifactSaver.SaveAsync(repo, v1, options, NullEngineLog.Instance, CancellationToken.None);
            Assert.False(again.Changed);
            Assert.Equal(reads, repo.BlobReads.Count);
            var r2 = await ArtifactSaver.SaveAsync(repo, v2, options, NullEngineLog.Instance, CancellationToken.None);
            Assert.Equal(v1.Digest, r2.PreviousDigest);
            Assert.Equal(SaveFixture.FedoraLike("b")[3].Content, File.ReadAllBytes(Path.Combine(r2.Path, "initrd.img")));
            Assert.Equal(new[] { "amd64" }, Directory.GetDirectories(Path.Combine(root, "fedora", "40")).Select(Path.GetFileName));
        }
    }
}
