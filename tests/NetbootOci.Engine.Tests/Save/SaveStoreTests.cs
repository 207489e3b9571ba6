using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Store;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Save
{
    /// <summary>The content store: resume, parallel dedup, zstd, verify, prune, the lock, suspicious content.</summary>
    public class SaveStoreTests
    {
        [Fact]
        public async Task AnInterruptedDownloadResumesWithARangeAndNoByteIsFetchedTwice()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            byte[] big = SaveFixture.Bytes("big", 3_000_000);
            var artifact = await SaveFixture.PublishAsync(repo, "t", new[] { new FixtureFile("initrd.img", big) });
            string root = dir.Combine("tftp");

            repo.FailAfter = 1_234_567;
            await Assert.ThrowsAnyAsync<IOException>(() => ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None));
            Assert.False(FileSystemLinks.Exists(Path.Combine(root, "fedora", "40", "amd64")));
            string partial = Directory.GetFiles(Path.Combine(root, ".netboot-oci", "tmp"), "*.partial").Single();
            Assert.Equal(1_234_567, new FileInfo(partial).Length);

            repo.FailAfter = null;
            long servedBefore = repo.BytesServed;
            var log = new RecordingLog();
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, log, CancellationToken.None);
            Assert.Equal((Digest.Sha256(big), 1_234_567L), repo.BlobReads.Last());
            Assert.Equal(big.Length - 1_234_567, repo.BytesServed - servedBefore);
            Assert.Equal(big.Length - 1_234_567, r.BytesDownloaded);
            Assert.Equal(big, File.ReadAllBytes(Path.Combine(r.Path, "initrd.img")));
            Assert.Contains(log.Verboses, v => v.Contains("Resuming") && v.Contains("1234567"));
        }

        [Fact]
        public async Task ACorruptPartialIsDetectedAndRefetchedOnce()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            byte[] big = SaveFixture.Bytes("big", 500_000);
            var artifact = await SaveFixture.PublishAsync(repo, "t", new[] { new FixtureFile("initrd.img", big) });
            string root = dir.Combine("tftp");
            var layout = new StoreLayout(root);
            Directory.CreateDirectory(layout.TempDirectory);
            File.WriteAllBytes(layout.PartialPath(Digest.Sha256(big)), new byte[1000]); // zeros: what a power cut can leave
            var log = new RecordingLog();
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, log, CancellationToken.None);
            Assert.Equal(big, File.ReadAllBytes(Path.Combine(r.Path, "initrd.img")));
            Assert.Contains(log.Warnings, w => w.Contains("did not verify"));
            Assert.Equal(new long[] { 1000, 0 }, repo.BlobReads.Select(b => b.Offset));
        }

        [Fact]
        public async Task BlobsDownloadInParallelEachDigestOnce()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout"))) { Delay = TimeSpan.FromMilliseconds(2) };
            byte[] same = SaveFixture.Bytes("same", 100_000);
            var files = SaveFixture.FedoraLike().Append(new FixtureFile("a.img", same)).Append(new FixtureFile("b.img", same)).ToArray();
            var artifact = await SaveFixture.PublishAsync(repo, "t", files);
            var log = new RecordingLog();
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = dir.Combine("tftp"), Parallelism = 3 }, log, CancellationToken.None);
            Assert.Equal(5, repo.BlobReads.Count);
            Assert.Equal(5, repo.BlobReads.Select(b => b.Digest).Distinct().Count());
            Assert.Equal(3, repo.MaxConcurrent);
            // One run-level progress record (bytes and rate) plus child records per blob.
            var parents = log.Progresses.Where(p => p.ParentActivityId == -1).ToList();
            Assert.Contains(parents, p => p.Completed && p.BytesDone == r.BytesDownloaded && p.BytesTotal == r.BytesDownloaded);
            Assert.Equal(5, log.Progresses.Where(p => p.ParentActivityId == parents[0].ActivityId && p.Completed).Select(p => p.ActivityId).Distinct().Count());
        }

        [Fact]
        public async Task ZstdLayersRoundTripAndAreCheckedAgainstTheSourceDigest()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Combine("layout"));
            byte[] kernel = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("compressible kernel bytes ", 40_000)));
            var artifact = await SaveFixture.PublishAsync(repo, "t", new[] { new FixtureFile("vmlinuz", kernel, zstd: true), new FixtureFile("shim.efi", SaveFixture.Bytes("s", 9000)) });
            var zfile = artifact.Files[0];
            Assert.True(zfile.Size < kernel.Length / 10);
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = dir.Combine("tftp") }, NullEngineLog.Instance, CancellationToken.None);
            Assert.Equal(kernel, File.ReadAllBytes(Path.Combine(r.Path, "vmlinuz")));
            Assert.True(File.Exists(new StoreLayout(dir.Combine("tftp")).BlobPath(Digest.Sha256(kernel))));
            Assert.Empty(Directory.GetFiles(Path.Combine(dir.Combine("tftp"), ".netboot-oci", "tmp")));
        }

        [Fact]
        public async Task AZstdLayerWhoseContentDoesNotMatchItsSourceDigestIsRefusedAndNotDeployed()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Combine("layout"));
            byte[] kernel = SaveFixture.Bytes("k", 200_000);
            string wrong = Digest.Sha256(Encoding.ASCII.GetBytes("something else"));
            var artifact = await SaveFixture.PublishAsync(repo, "t", new[] { new FixtureFile("vmlinuz", kernel, zstd: true) }, tamper: f => f.ContentDigest = wrong);
            string root = dir.Combine("tftp");
            var e = await Assert.ThrowsAsync<NetbootException>(() => ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None));
            Assert.Equal(ErrorIds.DigestMismatch, e.ErrorId);
            Assert.Contains("src.digest", e.Message);
            Assert.Contains("vmlinuz", e.Message);
            Assert.False(FileSystemLinks.Exists(Path.Combine(root, "fedora")));
            Assert.Empty(Directory.GetFiles(Path.Combine(root, ".netboot-oci", "blobs", "sha256")));
            Assert.Empty(Directory.GetDirectories(Path.Combine(root, ".netboot-oci", "trees")));
        }

        [Fact]
        public async Task ATruncatedZstdStreamIsADecompressionError()
        {
            byte[] z = SaveFixture.Zstd(SaveFixture.Bytes("k", 300_000));
            var e = Assert.Throws<NetbootException>(() => ZstdDecompressor.Decompress(new MemoryStream(z, 0, z.Length / 2), Stream.Null, "'vmlinuz' of test", CancellationToken.None));
            Assert.Equal(ErrorIds.DecompressionFailed, e.ErrorId);
            Assert.Contains("zstd", e.Message);
            Assert.Contains("vmlinuz", e.Message);
        }

        [Fact]
        public async Task VerifyRepairsADamagedDeployedFile()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            var artifact = await SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike());
            string root = dir.Combine("tftp");
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            string kernel = Path.Combine(r.Path, "vmlinuz");
            File.SetAttributes(kernel, FileAttributes.Normal);
            using (var fs = new FileStream(kernel, FileMode.Open, FileAccess.Write)) { fs.Position = 100; fs.WriteByte(0xff); fs.WriteByte(0xfe); }

            var plain = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            Assert.False(plain.Changed); // same size: only -Verify re-hashes
            var verified = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root, Verify = true }, NullEngineLog.Instance, CancellationToken.None);
            Assert.True(verified.Changed);
            Assert.Equal(new[] { "vmlinuz" }, verified.Repaired);
            Assert.Equal(SaveFixture.FedoraLike()[2].Content, File.ReadAllBytes(kernel));
            Assert.Equal(SaveFixture.FedoraLike()[2].Content.Length, verified.BytesDownloaded);
        }

        [Fact]
        public async Task PruneRemovesTreesAndBlobsNoEntryReferencesAndReportsBytesFreed()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Combine("layout"));
            var shared = SaveFixture.FedoraLike("a");
            var v1 = await SaveFixture.PublishAsync(repo, "t", shared);
            var v2files = shared.Take(3).Append(new FixtureFile("initrd.img", SaveFixture.Bytes("new initrd", 333_333))).ToArray();
            var v2 = await SaveFixture.PublishAsync(repo, "t", v2files);
            var other = await SaveFixture.PublishAsync(repo, "o", SaveFixture.FedoraLike("o"), os: "rhel");
            string root = dir.Combine("tftp");
            var layout = new StoreLayout(root);
            await ArtifactSaver.SaveAsync(repo, v1, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            await ArtifactSaver.SaveAsync(repo, other, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            var r = await ArtifactSaver.SaveAsync(repo, v2, new SaveOptions { Destination = root, Prune = true }, NullEngineLog.Instance, CancellationToken.None);

            Assert.Equal(shared[3].Content.Length, r.BytesFreed);
            Assert.False(Directory.Exists(layout.TreePath(v1.Digest)));
            Assert.False(File.Exists(layout.BlobPath(Digest.Sha256(shared[3].Content))));
            Assert.True(Directory.Exists(layout.TreePath(other.Digest)));
            Assert.True(File.Exists(Path.Combine(root, "rhel", "40", "amd64", "vmlinuz")));
            foreach (var f in v2files) Assert.Equal(f.Content, File.ReadAllBytes(Path.Combine(r.Path, f.Name)));
            Assert.Equal(8, Directory.GetFiles(Path.Combine(layout.BlobsDirectory, "sha256")).Length);

            // Removing the rhel entry and pruning frees its blobs.
            File.Delete(Path.Combine(root, "rhel", "40", "amd64"));
            var again = await ArtifactSaver.SaveAsync(repo, v2, new SaveOptions { Destination = root, Prune = true }, NullEngineLog.Instance, CancellationToken.None);
            Assert.False(again.Changed);
            Assert.Equal(SaveFixture.FedoraLike("o").Sum(f => (long)f.Content.Length), again.BytesFreed);
            Assert.Equal(4, Directory.GetFiles(Path.Combine(layout.BlobsDirectory, "sha256")).Length);
        }

        [Fact]
        public async Task AStaleLockFromADeadProcessIsReportedAndTakenOver()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Combine("layout"));
            var artifact = await SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike());
            string root = dir.Combine("tftp");
            var layout = new StoreLayout(root);
            Directory.CreateDirectory(layout.StoreDirectory);
            int deadPid;
            using (var p = Process.Start("true")!) { p.WaitForExit(); deadPid = p.Id; }
            File.WriteAllText(layout.LockPath + ".owner", $"pid {deadPid} host test since 2026-01-01T00:00:00Z\n");
            var log = new RecordingLog();
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, log, CancellationToken.None);
            Assert.True(r.Changed);
            Assert.Contains(log.Warnings, w => w.StartsWith(ErrorIds.StaleLock) && w.Contains($"pid {deadPid} (dead)"));
            Assert.False(File.Exists(layout.LockPath + ".owner"));
        }

        [Fact]
        public async Task ALiveLockHeldByAnotherProcessMakesSaveWaitThenFail()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Combine("layout"));
            var artifact = await SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike());
            string root = dir.Combine("tftp");
            var layout = new StoreLayout(root);
            Directory.CreateDirectory(layout.StoreDirectory);
            // util-linux flock(1) takes the same flock(2) lock .NET takes for FileShare.None.
            using var holder = Process.Start(new ProcessStartInfo("flock", $"-x {layout.LockPath} sleep 30") { UseShellExecute = false })!;
            try
            {
                File.WriteAllText(layout.LockPath + ".owner", $"pid {holder.Id} host test since now\n");
                Thread.Sleep(300);
                var watch = Stopwatch.StartNew();
                var e = await Assert.ThrowsAsync<NetbootException>(() => ArtifactSaver.SaveAsync(repo, artifact,
                    new SaveOptions { Destination = root, LockWait = TimeSpan.FromSeconds(1) }, NullEngineLog.Instance, CancellationToken.None));
                Assert.Equal(ErrorIds.StoreLocked, e.ErrorId);
                Assert.Contains($"pid {holder.Id}", e.Message);
                Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9));
                Assert.False(FileSystemLinks.Exists(Path.Combine(root, "fedora")));
            }
            finally
            {
                holder.Kill();
                holder.WaitForExit(5000);
            }
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            Assert.True(r.Changed);
        }

        [Fact]
        public async Task AnHtmlPageSavedAsABootFileIsAWarningAndRefusedWhenStrict()
        {
            using var dir = new TempDir();
            var repo = new ObservedRepository(new OciLayoutRepository(dir.Combine("layout")));
            byte[] page = Encoding.ASCII.GetBytes("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n"
                + new string(' ', 5000));
            var artifact = await SaveFixture.PublishAsync(repo, "t", SaveFixture.FedoraLike().Append(new FixtureFile("boot.iso", page)));
            string strictRoot = dir.Combine("strict");
            var e = await Assert.ThrowsAsync<NetbootException>(() => ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = strictRoot, Strict = true }, NullEngineLog.Instance, CancellationToken.None));
            Assert.Equal(ErrorIds.SuspiciousContent, e.ErrorId);
            Assert.Contains("boot.iso", e.Message);
            Assert.Contains("HTML", e.Message);
            Assert.False(FileSystemLinks.Exists(Path.Combine(strictRoot, "fedora")));
            Assert.False(File.Exists(new StoreLayout(strictRoot).BlobPath(Digest.Sha256(page))));

            var log = new RecordingLog();
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = dir.Combine("lenient") }, log, CancellationToken.None);
            Assert.Contains(r.Warnings, w => w.Contains("boot.iso") && w.Contains("HTML"));
            Assert.Contains(log.Warnings, w => w.Contains("boot.iso"));
            Assert.True(File.Exists(Path.Combine(r.Path, "boot.iso")));
        }
    }
}
