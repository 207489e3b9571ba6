using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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
    /// <summary>
    /// A blob body broken mid-transfer (cut, stalled) is resumed within the same run with a Range request, through
    /// the fault proxy in front of the real docker-registry; the registry's access log shows what it sent.
    /// </summary>
    public class SaveResumeInRunTests : IClassFixture<SaveRegistryFixture>
    {
        const int Size = 4_000_000;
        readonly RegistryServer _registry;
        readonly Xunit.Abstractions.ITestOutputHelper _output;
        public SaveResumeInRunTests(SaveRegistryFixture fixture, Xunit.Abstractions.ITestOutputHelper output) { _registry = fixture.Registry; _output = output; }

        async Task<(NetbootArtifact Artifact, byte[] Data)> PublishAsync(TempDir dir, string repository)
        {
            byte[] data = SaveFixture.Bytes(repository, Size);
            string layout = dir.Combine("layout");
            var artifact = await SaveFixture.PublishAsync(new OciLayoutRepository(layout), "t", new[] { new FixtureFile("initrd.img", data) }, entry: "initrd.img");
            Tools.Skopeo($"copy --dest-tls-verify=false oci:{layout}:t docker://{_registry.Host}/{repository}:t");
            artifact.Repository = $"{_registry.Host}/{repository}";
            artifact.Reference = $"{_registry.Host}/{repository}:t@{artifact.Digest}";
            return (artifact, data);
        }

        static IOciRepository Open(FaultProxy proxy, string repository, RecordingLog log) => RepositoryFactory.Open($"{proxy.Host}/{repository}",
            new RegistryOptions { PlainHttp = true, UseDockerConfig = false, RetryBaseDelay = TimeSpan.FromMilliseconds(20), StallTimeout = TimeSpan.FromSeconds(1), Log = log });

        /// <summary>(status, bytes sent) of each blob GET in the registry's access log, once the expected lines are written.</summary>
        List<(int Status, long Bytes)> RegistryBlobGets(string digest, int expected)
        {
            List<(int, long)> Read() => _registry.AccessLog.Where(l => l.Contains("\"GET ") && l.Contains("/blobs/" + digest))
                .Select(l => Regex.Match(l, "HTTP/1\\.1\" (\\d{3}) (\\d+)")).Where(m => m.Success)
                .Select(m => (int.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value))).ToList();
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (Read().Count < expected && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Thread.Sleep(300);
            return Read();
        }

        static long RangeStart(string? range) => long.Parse(Regex.Match(range ?? "", "^bytes=(\\d+)-$").Groups[1].Value);

        [Theory]
        [InlineData("cut", 0.4)]
        [InlineData("cut", 0.9)]
        [InlineData("stall", 0.4)]
        public async Task A_body_broken_once_mid_transfer_is_resumed_in_the_same_run_with_a_Range_for_exactly_the_missing_bytes(string fault, double at)
        {
            using var dir = new TempDir();
            string repository = $"netboot/inrun-{fault}-{(int)(at * 100)}";
            var (artifact, data) = await PublishAsync(dir, repository);
            string digest = artifact.Files[0].Digest;
            int breakAt = (int)(Size * at);
            using var proxy = new FaultProxy(_registry.Host);
            int blobGets = 0;
            proxy.Intercept = async x =>
            {
                if (x.Method != "GET" || !x.Path.EndsWith("/blobs/" + digest) || Interlocked.Increment(ref blobGets) > 1) return false;
                if (fault == "cut") await x.ForwardAsync(cutAfter: breakAt);
                else await x.ForwardAsync(stallAfter: breakAt);
                return true;
            };
            var log = new RecordingLog();
            using var repo = Open(proxy, repository, log);
            string root = dir.Combine("tftp");

            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, log, CancellationToken.None);

            Assert.True(r.Changed);
            Assert.Equal(data, File.ReadAllBytes(Path.Combine(r.Path, "initrd.img")));
            // Ranges as the proxy received them (a stalled answer is still held open by the proxy, so no status here).
            var requests = proxy.Records.Where(q => q.Method == "GET" && q.PathAndQuery.EndsWith("/blobs/" + digest)).ToList();
            Assert.Equal(2, requests.Count);
            Assert.Null(requests[0].Range);
            long resumedAt = RangeStart(requests[1].Range);
            Assert.InRange(resumedAt, 1, breakAt); // what had reached the disk before the break
            Assert.Equal(breakAt, resumedAt); // every byte the proxy sent before the break was kept
            Assert.Equal(Size, r.BytesDownloaded);  // each byte once
            var gets = RegistryBlobGets(digest, 2);
            _output.WriteLine($"{fault} at {breakAt}: ranges {string.Join(", ", requests.Select(q => q.Range ?? "(none)"))}; registry sent {string.Join(", ", gets)}");
            Assert.Equal(2, gets.Count);
            Assert.Equal((206, (long)Size - resumedAt), gets[1]); // the registry sent exactly the missing bytes
            Assert.Contains(log.Verboses, v => v.Contains("resuming with a Range request"));
            Assert.Empty(Directory.GetFiles(Path.Combine(root, ".netboot-oci", "tmp")));
        }

        [Fact]
        public async Task A_body_cut_on_every_attempt_fails_after_four_attempts_with_RegistryUnreachable_and_nothing_partial_is_served()
        {
            using var dir = new TempDir();
            const string repository = "netboot/inrun-always";
            var (artifact, data) = await PublishAsync(dir, repository);
            string digest = artifact.Files[0].Digest;
            using var proxy = new FaultProxy(_registry.Host);
            bool faulty = true;
            proxy.Intercept = async x =>
            {
                if (!faulty || x.Method != "GET" || !x.Path.EndsWith("/blobs/" + digest)) return false;
                long start = x.Range == null ? 0 : RangeStart(x.Range);
                await x.ForwardAsync(cutAfter: (int)((Size - start) * 0.4));
                return true;
            };
            var log = new RecordingLog();
            using var repo = Open(proxy, repository, log);
            string root = dir.Combine("tftp");

            var e = await Assert.ThrowsAsync<NetbootException>(() => ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, log, CancellationToken.None));
            _output.WriteLine(e.ErrorId + ": " + e.Message);
            Assert.Equal(ErrorIds.RegistryUnreachable, e.ErrorId);
            Assert.Contains(digest, e.Message);
            Assert.Contains("'initrd.img' of " + artifact.Reference, e.Message);
            Assert.Contains("4 time(s)", e.Message);
            Assert.Equal(4, proxy.Count("GET", "/blobs/" + digest));
            Assert.False(FileSystemLinks.Exists(Path.Combine(root, "fedora", "40", "amd64")));
            Assert.False(Directory.Exists(Path.Combine(root, "fedora")));
            string partial = Directory.GetFiles(Path.Combine(root, ".netboot-oci", "tmp"), "*.partial").Single();
            long kept = new FileInfo(partial).Length;
            Assert.InRange(kept, 1, Size - 1);

            // The next run (faults gone) resumes from what was kept.
            faulty = false;
            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = root }, log, CancellationToken.None);
            Assert.Equal(Size - kept, r.BytesDownloaded);
            Assert.Equal(data, File.ReadAllBytes(Path.Combine(r.Path, "initrd.img")));
        }

        [Fact]
        public async Task A_server_that_answers_the_resume_with_200_instead_of_206_still_gives_a_byte_exact_file()
        {
            using var dir = new TempDir();
            const string repository = "netboot/inrun-norange";
            var (artifact, data) = await PublishAsync(dir, repository);
            string digest = artifact.Files[0].Digest;
            using var proxy = new FaultProxy(_registry.Host);
            var seen = new ConcurrentQueue<(string? Range, int Status)>();
            int blobGets = 0;
            proxy.Intercept = async x =>
            {
                if (x.Method != "GET" || !x.Path.EndsWith("/blobs/" + digest)) return false;
                if (Interlocked.Increment(ref blobGets) == 1) await x.ForwardAsync(cutAfter: Size * 4 / 10);
                else await x.ForwardAsync(dropRange: true); // the registry never sees the Range: 200 with the whole blob
                seen.Enqueue((x.Range, x.Status));
                return true;
            };
            var log = new RecordingLog();
            using var repo = Open(proxy, repository, log);

            var r = await ArtifactSaver.SaveAsync(repo, artifact, new SaveOptions { Destination = dir.Combine("tftp") }, log, CancellationToken.None);

            Assert.Equal(data, File.ReadAllBytes(Path.Combine(r.Path, "initrd.img")));
            var requests = seen.ToList();
            Assert.Equal(2, requests.Count);
            Assert.NotNull(requests[1].Range);
            Assert.Equal(200, requests[1].Status);
            Assert.Equal(new[] { 200, 200 }, RegistryBlobGets(digest, 2).Select(g => g.Status));
            Assert.Contains(log.Verboses, v => v.Contains("ignored Range"));
        }
    }
}
