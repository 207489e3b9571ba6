using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Oci.Remote;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Oci
{
    /// <summary>One anonymous docker-registry shared by the tests of <see cref="RemoteRepositoryTests"/>.</summary>
    public sealed class AnonymousRegistryFixture : IDisposable
    {
        public RegistryServer Registry { get; } = RegistryServer.Start();
        public void Dispose() => Registry.Dispose();
    }

    public class RemoteRepositoryTests : IClassFixture<AnonymousRegistryFixture>
    {
        readonly RegistryServer _registry;
        static readonly CancellationToken None = CancellationToken.None;

        public RemoteRepositoryTests(AnonymousRegistryFixture fixture) => _registry = fixture.Registry;

        RegistryOptions Options(RecordingLog? log = null) => new RegistryOptions { PlainHttp = true, UseDockerConfig = false, Log = log ?? new RecordingLog(), RetryBaseDelay = TimeSpan.FromMilliseconds(20) };

        IOciRepository Open(string repository, RegistryOptions? options = null) => RepositoryFactory.Open($"{_registry.Host}/{repository}", options ?? Options());

        [Fact]
        public async Task SkopeoPushedArtifactIsReadByTagDigestAndBlob()
        {
            using var dir = new TempDir();
            var fixture = new ArtifactFixture(dir.Combine("layout"), "fedora-40-x86_64", new Dictionary<string, byte[]>
            {
                ["vmlinuz"] = ArtifactFixture.Bytes(300_000, 1),
                ["initrd.img"] = ArtifactFixture.Bytes(50_000, 2),
            });
            fixture.PushWithSkopeo(_registry.Host, "netboot/fedora");

            var log = new RecordingLog();
            using var repo = Open("netboot/fedora", Options(log));
            Assert.IsType<RemoteRepository>(repo);
            var resolved = await repo.ResolveAsync("fedora-40-x86_64", None);
            Assert.NotNull(resolved);
            var byTag = await repo.GetManifestAsync("fedora-40-x86_64", None);
            Assert.Equal(resolved!.Digest, byTag.Digest);
            Assert.Equal(MediaTypes.OciManifest, byTag.MediaType);
            var manifest = byTag.AsManifest("test");
            Assert.Equal(ArtifactFixture.ArtifactType, manifest.ArtifactType);
            var byDigest = await repo.GetManifestAsync(byTag.Digest, None);
            Assert.Equal(byTag.Bytes, byDigest.Bytes);

            foreach (var layer in manifest.Layers)
            {
                Assert.True(await repo.BlobExistsAsync(layer.Digest, None));
                using var blob = new VerifyingStream(await repo.OpenBlobAsync(layer.Digest, 0, None), layer.Digest, layer.Size, "test");
                var copy = new MemoryStream();
                await blob.CopyToAsync(copy);
                Assert.Equal(fixture.Files[layer.Digest], copy.ToArray());
            }
            Assert.Contains("fedora-40-x86_64", await repo.ListTagsAsync(None));
            Assert.Null(await repo.ResolveAsync("absent-tag", None));
            Assert.False(await repo.BlobExistsAsync(Digest.Sha256("nothing"), None));
            Assert.Contains(log.Lines, l => l.StartsWith("HTTP GET http://" + _registry.Host + "/v2/netboot/fedora/manifests/fedora-40-x86_64 -> 200"));
        }

        [Fact]
        public async Task RangeResumeReturnsTheRestOfTheBlob()
        {
            using var dir = new TempDir();
            var data = ArtifactFixture.Bytes(200_000, 3);
            var fixture = new ArtifactFixture(dir.Combine("layout"), "resume", new Dictionary<string, byte[]> { ["f"] = data });
            fixture.PushWithSkopeo(_registry.Host, "netboot/resume");
            using var repo = Open("netboot/resume");
            var layer = fixture.Layer(0);
            using var rest = await repo.OpenBlobAsync(layer.Digest, 150_000, None);
            var prefix = new MemoryStream(data, 0, 150_000);
            using var verified = new VerifyingStream(rest, layer.Digest, layer.Size, "resume", prefix);
            var tail = new MemoryStream();
            await verified.CopyToAsync(tail);
            Assert.Equal(data.Skip(150_000).ToArray(), tail.ToArray());
        }

        [Fact]
        public async Task OurMonolithicPushIsReadBackBySkopeo()
        {
            using var dir = new TempDir();
            var data = ArtifactFixture.Bytes(1_500_000, 4);
            var fixture = new ArtifactFixture(dir.Combine("src"), "v1", new Dictionary<string, byte[]> { ["kernel"] = data });
            using var repo = Open("pushed/mono");
            long sent = 0;
            await PushArtifact(repo, fixture, new BlobPushOptions { OnProgress = n => sent = n }, "v1");
            Assert.Equal(data.Length, sent);
            // A second push of the same blob is skipped by the HEAD check.
            Assert.Equal(0, await repo.PushBlobAsync(fixture.Layer(0), () => new MemoryStream(data), null, None));

            string raw = Tools.Skopeo($"inspect --tls-verify=false --raw docker://{_registry.Host}/pushed/mono:v1");
            Assert.Equal(Encoding.UTF8.GetString(fixture.ManifestBytes), raw.TrimEnd('\n'));
            Tools.Skopeo($"copy --src-tls-verify=false docker://{_registry.Host}/pushed/mono:v1 oci:{dir.Combine("back")}:v1");
            var back = new OciLayoutRepository(dir.Combine("back"));
            Assert.Equal(data, File.ReadAllBytes(back.BlobPath(fixture.Layer(0).Digest)));
            // The config and the kernel: one monolithic PUT each, no PATCH.
            Assert.Equal(2, _registry.CountRequests("PUT", "/v2/pushed/mono/blobs/uploads/"));
            Assert.Equal(0, _registry.CountRequests("PATCH", "/v2/pushed/mono/blobs/uploads/"));
        }

        [Fact]
        public async Task ChunkedPushUsesPatchesAndTheLatestLocation()
        {
            using var dir = new TempDir();
            var data = ArtifactFixture.Bytes(1_000_003, 5);
            var fixture = new ArtifactFixture(dir.Combine("src"), "c1", new Dictionary<string, byte[]> { ["initrd"] = data });
            using var repo = Open("pushed/chunked");
            long sent = await repo.PushBlobAsync(fixture.Layer(0), () => new MemoryStream(data), new BlobPushOptions { Chunked = true, ChunkSize = 256 * 1024 }, None);
            Assert.Equal(data.Length, sent);
            // 1_000_003 bytes in 256 KiB chunks: 4 PATCH requests, then the closing PUT.
            Assert.Equal(4, _registry.CountRequests("PATCH", "/v2/pushed/chunked/blobs/uploads/"));
            await repo.PushBlobAsync(Descriptor.EmptyJson(), () => new MemoryStream(Encoding.UTF8.GetBytes("{}")), null, None);
            await repo.PushManifestAsync(fixture.ManifestBytes, MediaTypes.OciManifest, "c1", None);
            Tools.Skopeo($"copy --src-tls-verify=false docker://{_registry.Host}/pushed/chunked:c1 oci:{dir.Combine("back")}:c1");
            Assert.Equal(data, File.ReadAllBytes(new OciLayoutRepository(dir.Combine("back")).BlobPath(fixture.Layer(0).Digest)));
        }

        [Fact]
        public async Task MountFromAnotherRepositorySendsNoBytes()
        {
            using var dir = new TempDir();
            var data = ArtifactFixture.Bytes(400_000, 6);
            var fixture = new ArtifactFixture(dir.Combine("src"), "m", new Dictionary<string, byte[]> { ["f"] = data });
            fixture.PushWithSkopeo(_registry.Host, "mount/source");
            using var target = Open("mount/target");
            int opened = 0;
            long sent = await target.PushBlobAsync(fixture.Layer(0), () => { opened++; return new MemoryStream(data); }, new BlobPushOptions { MountFrom = "mount/source" }, None);
            Assert.Equal(0, sent);
            Assert.Equal(0, opened);
            Assert.True(await target.BlobExistsAsync(fixture.Layer(0).Digest, None));

            // A mount source without the blob: the registry opens an upload (202) and the bytes are sent.
            var other = ArtifactFixture.Bytes(1000, 7);
            var otherDesc = new Descriptor { MediaType = ArtifactFixture.FileMediaType, Digest = Digest.Sha256(other), Size = other.Length };
            Assert.Equal(other.Length, await target.PushBlobAsync(otherDesc, () => new MemoryStream(other), new BlobPushOptions { MountFrom = "mount/source" }, None));
            Assert.True(await target.BlobExistsAsync(otherDesc.Digest, None));
        }

        [Fact]
        public async Task ReferrersFallBackToTheTagSchemaOnDistribution28()
        {
            using var dir = new TempDir();
            var fixture = new ArtifactFixture(dir.Combine("src"), "subject", new Dictionary<string, byte[]> { ["f"] = ArtifactFixture.Bytes(100, 8) });
            using var repo = Open("refs/app");
            await PushArtifact(repo, fixture, null, "subject");

            // A signature-like manifest whose subject is the artifact, and the fallback index that lists it.
            var sig = new ImageManifest { ArtifactType = "application/vnd.dev.cosign.artifact.sig.v1+json", Subject = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = fixture.ManifestDigest, Size = fixture.ManifestBytes.Length } };
            sig.Layers.Add(Descriptor.EmptyJson());
            byte[] sigBytes = OciJson.Serialize(sig);
            string sigDigest = await repo.PushManifestAsync(sigBytes, MediaTypes.OciManifest, null, None);
            var other = new ImageManifest { ArtifactType = "application/example.other", Subject = sig.Subject };
            other.Layers.Add(Descriptor.EmptyJson());
            byte[] otherBytes = OciJson.Serialize(other);
            string otherDigest = await repo.PushManifestAsync(otherBytes, MediaTypes.OciManifest, null, None);
            var index = new ImageIndex();
            index.Manifests.Add(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = sigDigest, Size = sigBytes.Length, ArtifactType = sig.ArtifactType });
            index.Manifests.Add(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = otherDigest, Size = otherBytes.Length, ArtifactType = other.ArtifactType });
            await repo.PushManifestAsync(OciJson.Serialize(index), MediaTypes.OciIndex, "sha256-" + Digest.Hex(fixture.ManifestDigest), None);

            var all = await repo.GetReferrersAsync(fixture.ManifestDigest, null, None);
            Assert.Equal(new[] { sigDigest, otherDigest }, all.Select(d => d.Digest).ToArray());
            var sigs = await repo.GetReferrersAsync(fixture.ManifestDigest, sig.ArtifactType, None);
            Assert.Equal(sigDigest, Assert.Single(sigs).Digest);
            // No fallback tag: no referrers. A fallback tag that is not an index: none either.
            Assert.Empty(await repo.GetReferrersAsync(sigDigest, null, None));
            await repo.PushManifestAsync(sigBytes, MediaTypes.OciManifest, "sha256-" + Digest.Hex(otherDigest), None);
            Assert.Empty(await repo.GetReferrersAsync(otherDigest, null, None));
            Assert.True(_registry.CountRequests("GET", "/v2/refs/app/referrers/" + fixture.ManifestDigest) >= 1);
        }

        [Fact]
        public async Task MissingThingsAndRejectedManifestsGiveTheirIdsAndQuoteTheRegistry()
        {
            using var repo = Open("missing/repo");
            var e1 = await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync("nope", None));
            Assert.Equal(ErrorIds.ManifestNotFound, e1.ErrorId);
            Assert.Contains("MANIFEST_UNKNOWN", e1.Message);
            var e2 = await Assert.ThrowsAsync<NetbootException>(() => repo.ListTagsAsync(None));
            Assert.Equal(ErrorIds.RepositoryNotFound, e2.ErrorId);
            Assert.Contains("NAME_UNKNOWN", e2.Message);
            var e3 = await Assert.ThrowsAsync<NetbootException>(() => repo.OpenBlobAsync(Digest.Sha256("x"), 0, None));
            Assert.Equal(ErrorIds.BlobNotFound, e3.ErrorId);

            // A manifest that references a blob the registry does not have is rejected with the registry's words.
            var manifest = new ImageManifest { ArtifactType = "application/example" };
            manifest.Layers.Add(new Descriptor { MediaType = "application/x-netboot-file", Digest = Digest.Sha256("absent"), Size = 6 });
            var e4 = await Assert.ThrowsAsync<NetbootException>(() => repo.PushManifestAsync(OciJson.Serialize(manifest), MediaTypes.OciManifest, "bad", None));
            Assert.Equal(ErrorIds.PublishRejected, e4.ErrorId);
            Assert.Contains("MANIFEST_BLOB_UNKNOWN", e4.Message);
        }

        [Fact]
        public async Task ManifestFetchedByDigestMustHashToThatDigest()
        {
            using var dir = new TempDir();
            var fixture = new ArtifactFixture(dir.Combine("src"), "d", new Dictionary<string, byte[]> { ["f"] = ArtifactFixture.Bytes(10, 9) });
            using var repo = Open("digest/check");
            await PushArtifact(repo, fixture, null, "d");
            var content = await repo.GetManifestAsync(fixture.ManifestDigest, None);
            Assert.Equal(fixture.ManifestDigest, content.Digest);
            var e = await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync("bogus tag!", None));
            Assert.Equal(ErrorIds.InvalidReference, e.ErrorId);
        }

        [Fact]
        public async Task HttpsIsTheDefaultAndAPlainRegistryIsThenUnreachable()
        {
            var options = Options();
            options.PlainHttp = false;
            options.MaxRetries = 0;
            var log = new RecordingLog();
            options.Log = log;
            using var repo = Open("any/thing", options);
            var e = await Assert.ThrowsAsync<NetbootException>(() => repo.ListTagsAsync(None));
            Assert.Equal(ErrorIds.RegistryUnreachable, e.ErrorId);
            Assert.Contains("https://" + _registry.Host + "/v2/any/thing/tags/list", e.Message);
        }

        [Fact]
        public async Task LargeBlobsStreamWithFlatMemory()
        {
            const long size = 192L << 20;
            string digest;
            using (var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
            using (var source = new PatternStream(size))
            {
                var buffer = new byte[1 << 20];
                int n;
                while ((n = source.Read(buffer, 0, buffer.Length)) > 0) hash.AppendData(buffer, 0, n);
                digest = "sha256:" + Digest.ToHex(hash.GetHashAndReset());
            }
            var blob = new Descriptor { MediaType = ArtifactFixture.FileMediaType, Digest = digest, Size = size };
            using var repo = Open("big/blob");
            GC.Collect();
            long baseline = GC.GetTotalMemory(true), peak = baseline;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(false));
                    try { await Task.Delay(20, sampling.Token); } catch (OperationCanceledException) { }
                }
            });
            Assert.Equal(size, await repo.PushBlobAsync(blob, () => new PatternStream(size), null, None));
            using (var back = new VerifyingStream(await repo.OpenBlobAsync(digest, 0, None), digest, size, "big"))
                await back.CopyToAsync(Stream.Null, 1 << 16);
            sampling.Cancel();
            await sampler;
            Assert.True(peak - baseline < 64L << 20, $"managed heap grew by {(peak - baseline) >> 20} MiB while moving {size >> 20} MiB");
        }

        /// <summary>A non-seekable stream of deterministic bytes of any length, holding nothing in memory.</summary>
        sealed class PatternStream : Stream
        {
            readonly long _length;
            long _position;
            public PatternStream(long length) => _length = length;
            public override int Read(byte[] buffer, int offset, int count)
            {
                int n = (int)Math.Min(count, _length - _position);
                for (int i = 0; i < n; i++) buffer[offset + i] = (byte)(((_position + i) * 2654435761L) >> 13);
                _position += n;
                return n;
            }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => _position; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        /// <summary>Pushes the fixture's blobs and manifest through <paramref name="repo"/>.</summary>
        internal static async Task PushArtifact(IOciRepository repo, ArtifactFixture fixture, BlobPushOptions? options, string tag)
        {
            await repo.PushBlobAsync(Descriptor.EmptyJson(), () => new MemoryStream(Encoding.UTF8.GetBytes("{}")), null, None);
            foreach (var layer in fixture.Manifest.Layers)
                await repo.PushBlobAsync(layer, () => new MemoryStream(fixture.Files[layer.Digest]), options, None);
            Assert.Equal(fixture.ManifestDigest, await repo.PushManifestAsync(fixture.ManifestBytes, MediaTypes.OciManifest, tag, None));
        }
    }

    /// <summary>An engine log that keeps everything, for assertions (and to check no secret is logged).</summary>
    public sealed class RecordingLog : IEngineLog
    {
        readonly List<string> _lines = new List<string>();
        public IReadOnlyList<string> Lines { get { lock (_lines) return _lines.ToList(); } }
        public string All => string.Join("\n", Lines);
        public void Verbose(string message) { lock (_lines) _lines.Add(message); }
        public void Warning(string message) { lock (_lines) _lines.Add("WARNING: " + message); }
        public void Progress(TransferProgress progress) { }
    }
}
