using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Oci
{
    /// <summary>Faults injected by <see cref="FaultProxy"/> in front of a real docker-registry.</summary>
    public class RemoteFaultTests : IClassFixture<AnonymousRegistryFixture>
    {
        readonly RegistryServer _registry;
        static readonly CancellationToken None = CancellationToken.None;

        public RemoteFaultTests(AnonymousRegistryFixture fixture) => _registry = fixture.Registry;

        static RegistryOptions Options(RecordingLog? log = null, int retries = 4) => new RegistryOptions
        {
            PlainHttp = true, UseDockerConfig = false, Log = log ?? new RecordingLog(), MaxRetries = retries, RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        };

        ArtifactFixture Pushed(TempDir dir, string repository, string tag, int size = 100_000)
        {
            var fixture = new ArtifactFixture(dir.Combine("layout"), tag, new Dictionary<string, byte[]> { ["file"] = ArtifactFixture.Bytes(size, repository.Length + size) });
            fixture.PushWithSkopeo(_registry.Host, repository);
            return fixture;
        }

        static async Task<byte[]> ReadVerified(IOciRepository repo, Descriptor layer)
        {
            using var blob = new VerifyingStream(await repo.OpenBlobAsync(layer.Digest, 0, None), layer.Digest, layer.Size, "test");
            var copy = new MemoryStream();
            await blob.CopyToAsync(copy);
            return copy.ToArray();
        }

        [Fact]
        public async Task ServiceUnavailableAndTooManyRequestsAreRetriedHonouringRetryAfter()
        {
            using var dir = new TempDir();
            var fixture = Pushed(dir, "faults/retry", "t");
            using var proxy = new FaultProxy(_registry.Host);
            int manifestHits = 0, blobHits = 0;
            proxy.Intercept = async x =>
            {
                if (x.Method == "GET" && x.Path.Contains("/manifests/") && Interlocked.Increment(ref manifestHits) <= 2)
                {
                    await x.RespondAsync(503, Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"maintenance\"}]}"), "application/json", new Dictionary<string, string> { ["Retry-After"] = "1" });
                    return true;
                }
                if (x.Method == "GET" && x.Path.Contains("/blobs/") && Interlocked.Increment(ref blobHits) == 1)
                {
                    await x.RespondAsync(429, null, null, new Dictionary<string, string> { ["Retry-After"] = DateTimeOffset.UtcNow.AddSeconds(1).ToString("r") });
                    return true;
                }
                return false;
            };
            var log = new RecordingLog();
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/retry", Options(log));
            var sw = Stopwatch.StartNew();
            var content = await repo.GetManifestAsync("t", None);
            Assert.Equal(fixture.ManifestDigest, content.Digest);
            Assert.Equal(3, manifestHits);
            Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(1.9), $"Retry-After: 1 twice should wait about 2 s, took {sw.Elapsed}");
            Assert.Equal(fixture.Files[fixture.Layer(0).Digest], await ReadVerified(repo, fixture.Layer(0)));
            Assert.Equal(2, blobHits);
            Assert.Contains(log.Lines, l => l.Contains("-> 503; retry 1/4"));

            // Retries run out: the last answer is reported with the registry's words.
            proxy.Intercept = async x =>
            {
                await x.RespondAsync(503, Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"still down\"}]}"), "application/json");
                return true;
            };
            using var impatient = RepositoryFactory.Open($"{proxy.Host}/faults/retry", Options(null, retries: 1));
            int before = proxy.Count("GET", "/manifests/t");
            var e = await Assert.ThrowsAsync<NetbootException>(() => impatient.GetManifestAsync("t", None));
            Assert.Equal(ErrorIds.RegistryError, e.ErrorId);
            Assert.Contains("still down", e.Message);
            Assert.Equal(2, proxy.Count("GET", "/manifests/t") - before);
        }

        [Fact]
        public async Task DroppedConnectionsAreRetriedAndThenReported()
        {
            using var dir = new TempDir();
            var fixture = Pushed(dir, "faults/drop", "t");
            using var proxy = new FaultProxy(_registry.Host);
            int hits = 0;
            proxy.Intercept = async x =>
            {
                if (Interlocked.Increment(ref hits) == 1) { await x.DropMidBodyAsync(); return true; }
                return false;
            };
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/drop", Options());
            Assert.Equal(fixture.ManifestDigest, (await repo.GetManifestAsync("t", None)).Digest);
            Assert.Equal(2, proxy.Count("GET", "/manifests/t"));

            // Nobody listening at all: RegistryUnreachable after the retries.
            using var nowhere = RepositoryFactory.Open($"127.0.0.1:{RegistryServer.FreePort()}/x/y", Options(null, retries: 1));
            var e = await Assert.ThrowsAsync<NetbootException>(() => nowhere.ListTagsAsync(None));
            Assert.Equal(ErrorIds.RegistryUnreachable, e.ErrorId);
        }

        [Fact]
        public async Task RedirectsKeepAuthorizationOnTheSameOriginOnlyAndFollowToStorage()
        {
            using var registry = RemoteAuthTests.StartBasic();
            using var dir = new TempDir();
            var fixture = new ArtifactFixture(dir.Combine("layout"), "r", new Dictionary<string, byte[]> { ["file"] = ArtifactFixture.Bytes(90_000, 11) });
            fixture.PushWithSkopeo(registry.Host, "faults/redirect", $"{RemoteAuthTests.User}:{RemoteAuthTests.Password}");
            using var proxy = new FaultProxy(registry.Host);
            string basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(RemoteAuthTests.User + ":" + RemoteAuthTests.Password));
            proxy.Intercept = async x =>
            {
                // Same origin hop: only a request that still carries Authorization gets past the registry.
                if (x.Method == "GET" && x.Path.EndsWith("/manifests/r") && !x.PathAndQuery.Contains("hop=1"))
                {
                    await x.RespondAsync(307, null, null, new Dictionary<string, string> { ["Location"] = x.PathAndQuery + "?hop=1" });
                    return true;
                }
                // Blob: off to "storage" on another origin, like S3 behind distribution.
                if (x.Method == "GET" && x.Path.StartsWith("/v2/") && x.Path.Contains("/blobs/sha256:"))
                {
                    await x.RespondAsync(307, null, null, new Dictionary<string, string> { ["Location"] = $"http://{proxy.OtherOriginHost}/storage/{x.Path.Substring(x.Path.LastIndexOf('/') + 1)}?sig=abc" });
                    return true;
                }
                if (x.Path.StartsWith("/storage/"))
                {
                    string digest = x.Path.Substring("/storage/".Length);
                    await x.ForwardAsync(pathAndQuery: "/v2/faults/redirect/blobs/" + digest, authorization: basic);
                    return true;
                }
                return false;
            };
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/redirect", RemoteAuthTests.Options(new RegistryCredential(RemoteAuthTests.User, RemoteAuthTests.Password), new RecordingLog()));
            Assert.Equal(fixture.ManifestDigest, (await repo.GetManifestAsync("r", None)).Digest);
            Assert.Contains(proxy.Records, r => r.PathAndQuery.EndsWith("/manifests/r?hop=1") && r.HasAuthorization);
            Assert.Equal(fixture.Files[fixture.Layer(0).Digest], await ReadVerified(repo, fixture.Layer(0)));
            var storage = proxy.Records.Where(r => r.PathAndQuery.StartsWith("/storage/")).ToList();
            Assert.NotEmpty(storage);
            Assert.All(storage, r => Assert.False(r.HasAuthorization, "Authorization leaked to another origin: " + r));
            Assert.Contains(proxy.Records, r => r.PathAndQuery.Contains("/blobs/sha256:") && r.HasAuthorization);
        }

        [Fact]
        public async Task TagListFollowsLinkPagesWithACapAndDetectsLoops()
        {
            using var dir = new TempDir();
            Pushed(dir, "faults/tags", "real");
            using var proxy = new FaultProxy(_registry.Host);
            var pages = new Dictionary<string, (string[] tags, string? next)>
            {
                ["1"] = (new[] { "a", "b" }, "</v2/faults/tags/tags/list?n=2&last=b&page=2>; rel=\"next\""),
                ["2"] = (new[] { "c", "d" }, "<http://" + proxy.Host + "/v2/faults/tags/tags/list?page=3>; rel=\"next\""),
                ["3"] = (new[] { "e" }, null),
                ["loop"] = (new[] { "x" }, "</v2/faults/tags/tags/list?page=loop>; rel=\"next\""),
            };
            string mode = "pages";
            proxy.Intercept = async x =>
            {
                if (!x.Path.EndsWith("/tags/list") || mode == "real") return false;
                var query = x.PathAndQuery;
                string page = query.Contains("page=") ? query.Substring(query.IndexOf("page=") + 5).Split('&')[0] : mode == "loop" ? "loop" : "1";
                var (tags, next) = pages[page];
                var headers = new Dictionary<string, string>();
                if (next != null) headers["Link"] = next;
                await x.RespondAsync(200, Encoding.UTF8.GetBytes("{\"name\":\"faults/tags\",\"tags\":[" + string.Join(",", tags.Select(t => "\"" + t + "\"")) + "]}"), "application/json", headers);
                return true;
            };
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/tags", Options());
            Assert.Equal(new[] { "a", "b", "c", "d", "e" }, await repo.ListTagsAsync(None));

            var capped = Options();
            capped.MaxTagPages = 2;
            using var cappedRepo = RepositoryFactory.Open($"{proxy.Host}/faults/tags", capped);
            var e1 = await Assert.ThrowsAsync<NetbootException>(() => cappedRepo.ListTagsAsync(None));
            Assert.Equal(ErrorIds.RegistryError, e1.ErrorId);
            Assert.Contains("MaxTagPages", e1.Message);

            mode = "loop";
            var e2 = await Assert.ThrowsAsync<NetbootException>(() => repo.ListTagsAsync(None));
            Assert.Contains("points back", e2.Message);

            // distribution 2.8 ignores n and answers with every tag in one page, no Link.
            mode = "real";
            using var direct = RepositoryFactory.Open($"{_registry.Host}/faults/tags", Options());
            for (int i = 0; i < 3; i++)
            {
                var m = await direct.GetManifestAsync("real", None);
                await direct.PushManifestAsync(m.Bytes, m.MediaType, "extra-" + i, None);
            }
            Assert.Equal(new[] { "extra-0", "extra-1", "extra-2", "real" }, (await direct.ListTagsAsync(None)).OrderBy(t => t, StringComparer.Ordinal));
            Assert.Contains(_registry.AccessLog, l => l.Contains("/v2/faults/tags/tags/list?n="));
        }

        [Fact]
        public async Task TamperedTruncatedAndStalledBodiesFail()
        {
            using var dir = new TempDir();
            var fixture = Pushed(dir, "faults/body", "t", 300_000);
            var layer = fixture.Layer(0);
            using var proxy = new FaultProxy(_registry.Host);
            string fault = "tamper";
            proxy.Intercept = async x =>
            {
                bool isBlob = x.Method == "GET" && x.Path.Contains("/blobs/" + layer.Digest);
                bool isManifest = x.Method == "GET" && x.Path.Contains("/manifests/sha256:");
                if (!isBlob && !(isManifest && fault == "tamper-manifest")) return false;
                switch (fault)
                {
                    case "tamper":
                        await x.ForwardAsync(b => { var c = (byte[])b.Clone(); c[1000] ^= 0xff; return c; });
                        return true;
                    case "tamper-manifest":
                        await x.ForwardAsync(b => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(b).Replace("\"size\"", " \"size\"")));
                        return true;
                    case "truncate":
                        await x.ForwardAsync(b => b.Take(b.Length / 2).ToArray());
                        return true;
                    case "stall":
                        await x.ForwardAsync(stallAfter: 5000);
                        return true;
                }
                return false;
            };
            var options = Options();
            options.StallTimeout = TimeSpan.FromSeconds(1);
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/body", options);

            var e1 = await Assert.ThrowsAsync<NetbootException>(() => ReadVerified(repo, layer));
            Assert.Equal(ErrorIds.DigestMismatch, e1.ErrorId);

            fault = "tamper-manifest";
            var e2 = await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync(fixture.ManifestDigest, None));
            Assert.Equal(ErrorIds.DigestMismatch, e2.ErrorId);

            fault = "truncate";
            var e3 = await Assert.ThrowsAsync<NetbootException>(() => ReadVerified(repo, layer));
            Assert.Equal(ErrorIds.SizeMismatch, e3.ErrorId);

            fault = "stall";
            var sw = Stopwatch.StartNew();
            var e4 = await Assert.ThrowsAsync<NetbootException>(() => ReadVerified(repo, layer));
            Assert.Equal(ErrorIds.TransferStalled, e4.ErrorId);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"stall detected after {sw.Elapsed}");

            // Cancellation reaches a body read that is waiting: the caller's cancel, not a stall.
            var patient = Options();
            patient.StallTimeout = TimeSpan.FromSeconds(60);
            using var slow = RepositoryFactory.Open($"{proxy.Host}/faults/body", patient);
            using var cancel = new CancellationTokenSource();
            using var stream = await slow.OpenBlobAsync(layer.Digest, 0, cancel.Token);
            cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
            sw.Restart();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.CopyToAsync(Stream.Null, 81920, cancel.Token));
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        }

        [Fact]
        public async Task OversizedManifestIsRefusedWhileReading()
        {
            using var proxy = new FaultProxy(_registry.Host);
            byte[] huge = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"annotations\":{\"x\":\"" + new string('a', 5 << 20) + "\"}}");
            bool chunked = false;
            proxy.Intercept = async x =>
            {
                if (!x.Path.Contains("/manifests/")) return false;
                await x.RespondAsync(200, huge, MediaTypes.OciManifest, null, chunked);
                return true;
            };
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/huge", Options());
            var e1 = await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync("big", None));
            Assert.Equal(ErrorIds.ManifestTooLarge, e1.ErrorId);
            // Without Content-Length (chunked transfer) the cap still holds while reading.
            chunked = true;
            var e2 = await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync("big", None));
            Assert.Equal(ErrorIds.ManifestTooLarge, e2.ErrorId);
        }

        [Fact]
        public async Task RangeIgnoredByTheServerStillResumesCorrectly()
        {
            using var dir = new TempDir();
            var fixture = Pushed(dir, "faults/range", "t", 120_000);
            var layer = fixture.Layer(0);
            var data = fixture.Files[layer.Digest];
            using var proxy = new FaultProxy(_registry.Host);
            proxy.Intercept = async x =>
            {
                if (!x.Path.Contains("/blobs/")) return false;
                await x.ForwardAsync(dropRange: true);
                return true;
            };
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/range", Options());
            using var rest = new VerifyingStream(await repo.OpenBlobAsync(layer.Digest, 100_000, None), layer.Digest, layer.Size, "resume", new MemoryStream(data, 0, 100_000));
            var tail = new MemoryStream();
            await rest.CopyToAsync(tail);
            Assert.Equal(data.Skip(100_000).ToArray(), tail.ToArray());
            Assert.Contains(proxy.Records, r => r.Range == "bytes=100000-");
        }

        [Fact]
        public async Task FailedUploadsRestartWithANewSessionAndTooLargeFallsBackToChunks()
        {
            using var dir = new TempDir();
            var data = ArtifactFixture.Bytes(600_000, 12);
            var blob = new Descriptor { MediaType = ArtifactFixture.FileMediaType, Digest = Digest.Sha256(data), Size = data.Length };
            using var proxy = new FaultProxy(_registry.Host);
            int puts = 0;
            proxy.Intercept = async x =>
            {
                if (x.Method == "PUT" && x.Path.Contains("/blobs/uploads/") && Interlocked.Increment(ref puts) == 1)
                {
                    await x.RespondAsync(500, Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk hiccup\"}]}"), "application/json");
                    return true;
                }
                return false;
            };
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/upload", Options());
            int opened = 0;
            Assert.Equal(data.Length, await repo.PushBlobAsync(blob, () => { opened++; return new MemoryStream(data); }, null, None));
            Assert.Equal(2, opened);
            Assert.Equal(2, proxy.Count("POST", "/blobs/uploads/"));
            Assert.Equal(1, proxy.Count("DELETE", "/blobs/uploads/"));
            Assert.True(await repo.BlobExistsAsync(blob.Digest, None));

            // A proxy that refuses large bodies (413) on the monolithic PUT: chunked PATCH uploads instead.
            var data2 = ArtifactFixture.Bytes(700_000, 13);
            var blob2 = new Descriptor { MediaType = ArtifactFixture.FileMediaType, Digest = Digest.Sha256(data2), Size = data2.Length };
            proxy.Intercept = async x =>
            {
                if (x.Method == "PUT" && x.Path.Contains("/blobs/uploads/") && x.Context.Request.ContentLength64 > 0)
                {
                    await x.RespondAsync(413, Encoding.UTF8.GetBytes("<html>413 Request Entity Too Large</html>"), "text/html");
                    return true;
                }
                return false;
            };
            Assert.Equal(data2.Length, await repo.PushBlobAsync(blob2, () => new MemoryStream(data2), new BlobPushOptions { ChunkSize = 300_000 }, None));
            Assert.Equal(3, proxy.Count("PATCH", "/blobs/uploads/"));
            // The large PUT asked for 100-continue, so a refusal can come before the body.
            Assert.Contains(proxy.Records, r => r.Method == "PUT" && r.Expect == "100-continue");
            Assert.True(await repo.BlobExistsAsync(blob2.Digest, None));

            // A source whose bytes do not match the descriptor is never committed.
            var lie = new Descriptor { MediaType = ArtifactFixture.FileMediaType, Digest = Digest.Sha256("other"), Size = data.Length };
            proxy.Intercept = null;
            var e = await Assert.ThrowsAsync<NetbootException>(() => repo.PushBlobAsync(lie, () => new MemoryStream(data), null, None));
            Assert.Equal(ErrorIds.DigestMismatch, e.ErrorId);
            Assert.False(await repo.BlobExistsAsync(lie.Digest, None));
        }

        [Fact]
        public async Task ReferrersApiIsUsedWhenTheRegistryHasOne()
        {
            using var dir = new TempDir();
            var fixture = Pushed(dir, "faults/refs", "t");
            using var proxy = new FaultProxy(_registry.Host);
            string d1 = Digest.Sha256("one"), d2 = Digest.Sha256("two"), d3 = Digest.Sha256("three");
            string Index(params (string digest, string type)[] entries) =>
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" +
                string.Join(",", entries.Select(e => $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{e.digest}\",\"size\":10,\"artifactType\":\"{e.type}\"}}")) + "]}";
            string contentType = MediaTypes.OciIndex;
            proxy.Intercept = async x =>
            {
                if (!x.Path.Contains("/referrers/")) return false;
                bool second = x.PathAndQuery.Contains("page=2");
                var headers = new Dictionary<string, string>();
                if (!second) headers["Link"] = $"<{x.Path}?page=2>; rel=\"next\"";
                string body = second ? Index((d3, "application/sig")) : Index((d1, "application/sig"), (d2, "application/sbom"));
                await x.RespondAsync(200, Encoding.UTF8.GetBytes(body), contentType, headers);
                return true;
            };
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/refs", Options());
            Assert.Equal(new[] { d1, d2, d3 }, (await repo.GetReferrersAsync(fixture.ManifestDigest, null, None)).Select(r => r.Digest));
            // The filter is applied on our side too (this server ignores artifactType).
            Assert.Equal(new[] { d1, d3 }, (await repo.GetReferrersAsync(fixture.ManifestDigest, "application/sig", None)).Select(r => r.Digest));
            Assert.Contains(proxy.Records, r => r.PathAndQuery.Contains("artifactType=application%2Fsig"));

            // A 200 that is not an index (an HTML portal page): treated as no referrers API; the fallback tag is absent.
            contentType = "text/html";
            Assert.Empty(await repo.GetReferrersAsync(fixture.ManifestDigest, null, None));
            Assert.Contains(proxy.Records, r => r.PathAndQuery.Contains("/manifests/sha256-" + Digest.Hex(fixture.ManifestDigest)));

            // 404 NAME_UNKNOWN: the repository itself is missing.
            proxy.Intercept = null;
            using var missing = RepositoryFactory.Open($"{proxy.Host}/faults/absent", Options());
            proxy.Intercept = async x =>
            {
                if (!x.Path.Contains("/referrers/")) return false;
                await x.RespondAsync(404, Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}"), "application/json");
                return true;
            };
            var e = await Assert.ThrowsAsync<NetbootException>(() => missing.GetReferrersAsync(fixture.ManifestDigest, null, None));
            Assert.Equal(ErrorIds.RepositoryNotFound, e.ErrorId);
        }

        [Fact]
        public async Task ForbiddenIsAccessDeniedWithTheRegistrysWords()
        {
            using var dir = new TempDir();
            var fixture = Pushed(dir, "faults/denied", "t");
            using var proxy = new FaultProxy(_registry.Host);
            proxy.Intercept = async x =>
            {
                if (x.Method != "PUT") return false;
                await x.RespondAsync(403, Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}"), "application/json");
                return true;
            };
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/denied", Options());
            var e = await Assert.ThrowsAsync<NetbootException>(() => repo.PushManifestAsync(fixture.ManifestBytes, MediaTypes.OciManifest, "again", None));
            Assert.Equal(ErrorIds.AccessDenied, e.ErrorId);
            Assert.Contains("DENIED: requested access to the resource is denied", e.Message);
        }

        [Fact]
        public async Task StalledManifestBodyIsRetriedThenReportedAsStalled()
        {
            using var dir = new TempDir();
            var fixture = Pushed(dir, "faults/mstall", "t");
            using var proxy = new FaultProxy(_registry.Host);
            proxy.Intercept = async x =>
            {
                if (x.Method != "GET" || !x.Path.Contains("/manifests/")) return false;
                await x.ForwardAsync(stallAfter: 10);
                return true;
            };
            var options = Options(null, retries: 1);
            options.StallTimeout = TimeSpan.FromSeconds(1);
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/mstall", options);
            var e = await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync("t", None));
            Assert.Equal(ErrorIds.TransferStalled, e.ErrorId);
            Assert.Equal(2, proxy.Count("GET", "/manifests/t"));
        }

        [Fact]
        public async Task ManifestHeadersThatContradictTheBodyAreRefused()
        {
            using var proxy = new FaultProxy(_registry.Host);
            byte[] body = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + Digest.EmptyJson + "\",\"size\":2},\"layers\":[]}");
            proxy.Intercept = async x =>
            {
                if (x.Path.EndsWith("/manifests/lying-digest"))
                    await x.RespondAsync(200, body, MediaTypes.OciManifest, new Dictionary<string, string> { ["Docker-Content-Digest"] = Digest.Sha256("something else") });
                else if (x.Path.EndsWith("/manifests/lying-type"))
                    await x.RespondAsync(200, body, MediaTypes.OciIndex);
                else if (x.Path.EndsWith("/manifests/empty"))
                    await x.RespondAsync(200, new byte[0], MediaTypes.OciManifest);
                else return false;
                return true;
            };
            using var repo = RepositoryFactory.Open($"{proxy.Host}/faults/headers", Options());
            Assert.Equal(ErrorIds.DigestMismatch, (await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync("lying-digest", None))).ErrorId);
            Assert.Equal(ErrorIds.ManifestInvalid, (await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync("lying-type", None))).ErrorId);
            Assert.Equal(ErrorIds.ManifestInvalid, (await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync("empty", None))).ErrorId);
        }
    }
}
