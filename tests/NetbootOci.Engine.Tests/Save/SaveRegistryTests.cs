using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Save
{
    public sealed class SaveRegistryFixture : IDisposable
    {
        public RegistryServer Registry { get; } = RegistryServer.Start();
        public void Dispose() => Registry.Dispose();
    }

    /// <summary>Save against a real docker-registry: requests are counted in the registry's own access log.</summary>
    public class SaveRegistryTests : IClassFixture<SaveRegistryFixture>
    {
        readonly RegistryServer _registry;
        public SaveRegistryTests(SaveRegistryFixture fixture) { _registry = fixture.Registry; }

        IOciRepository Open(string repository) => RepositoryFactory.Open($"{_registry.Host}/{repository}",
            new RegistryOptions { PlainHttp = true, UseDockerConfig = false, RetryBaseDelay = TimeSpan.FromMilliseconds(20) });

        /// <summary>Publishes to a layout, copies it to the registry with skopeo, and points the artifact at the registry.</summary>
        async Task<NetbootArtifact> PublishAsync(TempDir dir, string repository, string tag, IEnumerable<FixtureFile> files, string version = "40")
        {
            string layout = dir.Combine("layout-" + tag);
            var artifact = await SaveFixture.PublishAsync(new OciLayoutRepository(layout), tag, files, version: version, entry: "shimx64.efi");
            Tools.Skopeo($"copy --dest-tls-verify=false oci:{layout}:{tag} docker://{_registry.Host}/{repository}:{tag}");
            artifact.Repository = $"{_registry.Host}/{repository}";
            artifact.Reference = $"{_registry.Host}/{repository}:{tag}@{artifact.Digest}";
            return artifact;
        }

        /// <summary>(status, bytes sent) of each blob GET for <paramref name="digest"/> in the access log (combined log format).</summary>
        List<(int Status, long Bytes)> BlobGets(string digest) =>
            _registry.AccessLog.Where(l => l.Contains("\"GET ") && l.Contains("/blobs/" + digest))
                .Select(l => Regex.Match(l, "HTTP/1\\.1\" (\\d{3}) (\\d+)"))
                .Where(m => m.Success).Select(m => (int.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value))).ToList();

        /// <summary>The registry writes its access log after the response: wait for the expected lines (and a little more for extras).</summary>
        List<(int Status, long Bytes)> SettledBlobGets(string digest, int expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (BlobGets(digest).Count < expected && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Thread.Sleep(300);
            return BlobGets(digest);
        }

        int SettledCount(string method, string path, int atLeast)
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (_registry.CountRequests(method, path) < atLeast && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Thread.Sleep(300);
            return _registry.CountRequests(method, path);
        }

        [Fact]
        public async Task ResyncMakesZeroBlobRequestsAtTheRegistry()
        {
            using var dir = new TempDir();
            var artifact = await PublishAsync(dir, "netboot/resync", "fedora-40-amd64", SaveFixture.FedoraLike());
            using var repo = Open("netboot/resync");
            string root = dir.Combine("tftp");
            var first = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            Assert.True(first.Changed);
            int blobGets = SettledCount("GET", "/v2/netboot/resync/blobs/", 4);
            int blobHeads = _registry.CountRequests("HEAD", "/v2/netboot/resync/blobs/"); // skopeo's push checks
            Assert.Equal(4, blobGets);

            var second = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            Assert.False(second.Changed);
            Assert.Equal(0, second.BytesDownloaded);
            Assert.Equal(blobGets, SettledCount("GET", "/v2/netboot/resync/blobs/", 0));
            Assert.Equal(blobHeads, _registry.CountRequests("HEAD", "/v2/netboot/resync/blobs/"));
        }

        [Fact]
        public async Task ADownloadCancelledMidBlobResumesWithARangeAndTheRegistrySendsEachByteOnce()
        {
            using var dir = new TempDir();
            byte[] big = SaveFixture.Bytes("registry-big", 48 << 20);
            var artifact = await PublishAsync(dir, "netboot/resume", "big", new[] { new FixtureFile("initrd.img", big) });
            string digest = artifact.Files[0].Digest;
            using var repo = Open("netboot/resume");
            string root = dir.Combine("tftp");

            using (var cancel = new CancellationTokenSource())
            {
                var log = new CancelAfterBytesLog(cancel, 8 << 20);
                // Slowed on the client side so the cancellation lands mid-blob however fast the loopback is.
                var slow = new ObservedRepository(repo) { Delay = TimeSpan.FromMilliseconds(1) };
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                    ArtifactSaver.SaveAsync(slow, artifact, new SaveOptions { Destination = root }, log, cancel.Token));
            }
            string partial = Directory.GetFiles(Path.Combine(root, ".netboot-oci", "tmp"), "*.partial").Single();
            long kept = new FileInfo(partial).Length;
            Assert.InRange(kept, 8 << 20, big.Length - 1);

            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            Assert.Equal(big.Length - kept, r.BytesDownloaded);
            Assert.Equal(big, File.ReadAllBytes(Path.Combine(r.Path, "initrd.img")));
            var gets = SettledBlobGets(digest, 2);
            Assert.Equal(2, gets.Count);
            Assert.Equal(206, gets[1].Status); // the second request was a Range request
            Assert.Equal(big.Length - kept, gets[1].Bytes);
            // The first response may have been cut by the cancellation, so the registry logs what it wrote to the socket;
            // what reached disk and what the resume fetched add up exactly to the blob.
            Assert.True(gets[0].Bytes >= kept);
        }

        [Fact]
        public async Task TitlesSharingADigestCostOneRegistryRequest()
        {
            using var dir = new TempDir();
            byte[] iso = SaveFixture.Bytes("iso", 1 << 20);
            var artifact = await PublishAsync(dir, "netboot/dedup", "f40", SaveFixture.FedoraLike().Append(new FixtureFile("boot.iso", iso)).Append(new FixtureFile("install.img", iso)));
            using var repo = Open("netboot/dedup");
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = dir.Combine("tftp"), Parallelism = 3 }, NullEngineLog.Instance, CancellationToken.None);
            Assert.Equal(5, SettledCount("GET", "/v2/netboot/dedup/blobs/", 5));
            Assert.Single(BlobGets(Digest.Sha256(iso)));
            Assert.Equal(SaveFixture.Inode(Path.Combine(r.Path, "boot.iso")), SaveFixture.Inode(Path.Combine(r.Path, "install.img")));
        }

        [Fact]
        public async Task AfterTheCliIsKilledWithSigkillMidBlobTheNextRunResumesAndNoByteIsSentTwice()
        {
            using var dir = new TempDir();
            byte[] big = SaveFixture.Bytes("kill-9", 48 << 20);
            var artifact = await PublishAsync(dir, "netboot/kill", "fedora-40-amd64", new[] { new FixtureFile("install.img", big), new FixtureFile("shimx64.efi", SaveFixture.Bytes("shim", 50_000)) });
            string digest = artifact.Files[0].Digest;
            string root = dir.Combine("tftp");
            string partial = Path.Combine(root, ".netboot-oci", "tmp", "sha256-" + Digest.Hex(digest) + ".partial");
            string cli = Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll");
            // The killed run goes through a slow link (a proxy pacing the real registry's bytes), the resume straight to the registry.
            using var slow = new ThrottlingProxy(_registry.Port, 8 << 20);
            string Args(string host) => $"{cli} save {host}/netboot/kill:fedora-40-amd64 --destination {root} --plain-http";

            using (var first = Process.Start(new ProcessStartInfo("dotnet", Args(slow.Host)) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!)
            {
                var deadline = DateTime.UtcNow.AddSeconds(120);
                long seen = -1; int polls = 0;
                while (!(File.Exists(partial) && (seen = new FileInfo(partial).Length) >= 8 << 20))
                {
                    polls++;
                    if (first.HasExited) Assert.Fail($"the CLI finished (exit {(first.HasExited ? first.ExitCode : 0)}) before it could be killed (partial seen at {seen} bytes after {polls} polls): {first.StandardError.ReadToEnd()}");
                    Assert.True(DateTime.UtcNow < deadline, "the download never started");
                    Thread.Sleep(5);
                }
                first.Kill(); // SIGKILL: no cleanup code runs
                first.WaitForExit(10_000);
            }
            long kept = new FileInfo(partial).Length;
            Assert.InRange(kept, 8 << 20, big.Length - 1);
            Assert.True(File.Exists(Path.Combine(root, ".netboot-oci", "lock.owner")), "the killed run left its lock owner behind");
            Assert.False(FileSystemLinks.Exists(Path.Combine(root, "fedora", "40", "amd64")));

            string stderr = Tools.RunWithStderr("dotnet", Args(_registry.Host) + " --json", out string stdout);
            var result = System.Text.Json.JsonDocument.Parse(stdout).RootElement[0];
            Assert.True(result.GetProperty("Changed").GetBoolean());
            Assert.Contains(ErrorIds.StaleLock, stderr);
            Assert.Equal(big, File.ReadAllBytes(Path.Combine(root, "fedora", "40", "amd64", "install.img")));

            var gets = SettledBlobGets(digest, 2);
            Assert.Equal(2, gets.Count);
            Assert.Equal(206, gets[1].Status);
            Assert.Equal(big.Length - kept, gets[1].Bytes); // the resume asked only for what was not on disk
            Assert.True(gets[0].Bytes >= kept);
        }

        /// <summary>Cancels the run once a blob's progress passes a byte count (what Ctrl+C mid-download does).</summary>
        sealed class CancelAfterBytesLog : IEngineLog
        {
            readonly CancellationTokenSource _cancel;
            readonly long _after;
            public CancelAfterBytesLog(CancellationTokenSource cancel, long after) { _cancel = cancel; _after = after; }
            public void Verbose(string message) { }
            public void Warning(string message) { }
            public void Progress(TransferProgress p)
            {
                if (p.ParentActivityId != -1 && p.BytesDone >= _after) _cancel.Cancel();
            }
        }
    }
}
