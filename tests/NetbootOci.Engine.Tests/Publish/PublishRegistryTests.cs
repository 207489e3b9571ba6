using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Publish
{
    /// <summary>Publish against the real docker-registry (distribution 2.8), read back by skopeo.</summary>
    public sealed class PublishRegistryTests : IDisposable
    {
        readonly RegistryServer _registry = RegistryServer.Start();
        readonly TempDir _dir = new TempDir("nboci-publish-reg");

        public void Dispose()
        {
            _registry.Dispose();
            _dir.Dispose();
        }

        static RegistryOptions Options() => new RegistryOptions { PlainHttp = true, MaxRetries = 1, UseDockerConfig = false };

        static Task<PublishResult> Publish(PublishRequest request) =>
            new ArtifactPublisher(Options()).PublishAsync(request, CancellationToken.None);

        string Repo(string name) => _registry.Host + "/netboot/" + name;

        static string SkopeoRaw(string reference) =>
            Tools.Skopeo($"inspect --raw --tls-verify=false docker://{reference}").TrimEnd('\n');

        [Fact]
        public async Task Skopeo_reads_back_our_exact_bytes_and_copies_identical_blobs()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var result = await Publish(PublishFixture.Request(files, Repo("fedora")));
            Assert.True(result.Changed);
            Assert.Equal($"{Repo("fedora")}:fedora-40-amd64@{result.Digest}", result.Reference);

            Assert.Equal(result.Manifest, SkopeoRaw(Repo("fedora") + ":fedora-40-amd64"));
            string index = SkopeoRaw(Repo("fedora") + ":fedora-40");
            Assert.Equal(result.IndexDigest, Digest.Sha256(index));
            Assert.Contains(result.Digest, index);

            string copy = _dir.Combine("copy");
            Tools.Skopeo($"copy --src-tls-verify=false docker://{Repo("fedora")}:fedora-40-amd64 dir:{copy}");
            Assert.Equal(result.Manifest, File.ReadAllText(Path.Combine(copy, "manifest.json")));
            var manifest = OciJson.Deserialize<ImageManifest>(File.ReadAllBytes(Path.Combine(copy, "manifest.json")), "copy");
            foreach (var layer in manifest.Layers)
            {
                string source = Path.Combine(files, layer.Annotation("org.opencontainers.image.title")!);
                Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(Path.Combine(copy, Digest.Hex(layer.Digest))));
            }
            Assert.Equal("{}", File.ReadAllText(Path.Combine(copy, Digest.Hex(Digest.EmptyJson))));
        }

        [Fact]
        public async Task Two_architectures_merge_and_republishing_moves_nothing()
        {
            string x86 = PublishFixture.WriteBootFiles(_dir, "x86", "x86");
            string arm = PublishFixture.WriteBootFiles(_dir, "arm", "arm");
            var a = await Publish(PublishFixture.Request(x86, Repo("fedora"), "amd64"));
            var b = await Publish(PublishFixture.Request(arm, Repo("fedora"), "arm64"));
            var index = OciJson.Deserialize<ImageIndex>(Encoding.UTF8.GetBytes(SkopeoRaw(Repo("fedora") + ":fedora-40")), "index");
            Assert.Equal(new[] { ("amd64", a.Digest), ("arm64", b.Digest) }, index.Manifests.Select(m => (m.Platform!.Architecture, m.Digest)));
            Assert.Equal(b.IndexDigest, Digest.Sha256(SkopeoRaw(Repo("fedora") + ":fedora-40")));

            int putsBefore = _registry.CountRequests("PUT", "/manifests/");
            int uploadsBefore = _registry.CountRequests("POST", "/blobs/uploads/");
            var again = await Publish(PublishFixture.Request(x86, Repo("fedora"), "amd64"));
            Assert.False(again.Changed);
            Assert.Equal(0, again.BytesUploaded);
            Assert.Equal(b.IndexDigest, again.IndexDigest);
            Assert.Equal(putsBefore, _registry.CountRequests("PUT", "/manifests/"));
            Assert.Equal(uploadsBefore, _registry.CountRequests("POST", "/blobs/uploads/"));
        }

        [Fact]
        public async Task Chunked_upload_sends_patches_and_gives_the_same_manifest()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files", "chunks", initrdBytes: 3 * 1024 * 1024 + 17);
            var request = PublishFixture.Request(files, Repo("chunked"));
            request.Chunked = true;
            request.ChunkSize = 1 << 20;
            var result = await Publish(request);
            Assert.True(_registry.CountRequests("PATCH", "/v2/netboot/chunked/blobs/uploads/") >= 4,
                "expected at least 4 PATCH requests for a 3 MiB file in 1 MiB chunks:\n" + string.Join("\n", _registry.AccessLog));
            Assert.Equal(result.Manifest, SkopeoRaw(Repo("chunked") + ":fedora-40-amd64"));
            string copy = _dir.Combine("copy");
            Tools.Skopeo($"copy --src-tls-verify=false docker://{Repo("chunked")}:fedora-40-amd64 dir:{copy}");
            var initrd = OciJson.Deserialize<ImageManifest>(Encoding.UTF8.GetBytes(result.Manifest), "m").Layers.Single(l => l.Annotation("org.opencontainers.image.title") == "initrd.img");
            Assert.Equal(File.ReadAllBytes(Path.Combine(files, "initrd.img")), File.ReadAllBytes(Path.Combine(copy, Digest.Hex(initrd.Digest))));
        }

        [Fact]
        public async Task Blobs_are_mounted_from_another_repository_instead_of_uploaded()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var first = await Publish(PublishFixture.Request(files, Repo("source")));
            Assert.True(first.BytesUploaded > 0);
            var request = PublishFixture.Request(files, Repo("mirror"));
            request.MountFrom = Repo("source");
            var mounted = await Publish(request);
            Assert.Equal(first.Digest, mounted.Digest);
            Assert.Equal(0, mounted.BytesUploaded);
            Assert.True(_registry.CountRequests("POST", "/v2/netboot/mirror/blobs/uploads/?mount=") >= 4,
                "expected mount POSTs:\n" + string.Join("\n", _registry.AccessLog));
            Assert.Equal(0, _registry.CountRequests("PATCH", "/v2/netboot/mirror/"));
            Assert.Equal(mounted.Manifest, SkopeoRaw(Repo("mirror") + ":fedora-40-amd64"));
        }

        [Fact]
        public async Task A_rejected_manifest_quotes_the_registry_and_moves_no_tag()
        {
            // distribution's resource policy accepts only image-config manifests: a real content rejection (403 DENIED).
            using (var strict = RegistryServer.Start(extraYaml: "policy:\n  repository:\n    classes:\n      - image\n"))
            {
                string files = PublishFixture.WriteBootFiles(_dir, "files");
                string repo = strict.Host + "/netboot/fedora";
                var e = await Assert.ThrowsAsync<NetbootException>(() => Publish(PublishFixture.Request(files, repo)));
                Assert.Equal(ErrorIds.PublishRejected, e.ErrorId);
                Assert.Contains("unknown manifest class", e.Message);
                Assert.Equal(0, strict.CountRequests("PUT", "/manifests/fedora-40"));
                using (var target = RepositoryFactory.Open(repo, Options()))
                {
                    Assert.Null(await target.ResolveAsync("fedora-40-amd64", CancellationToken.None));
                    Assert.Null(await target.ResolveAsync("fedora-40", CancellationToken.None));
                }
            }
        }

        [Fact]
        public async Task WhatIf_against_a_registry_uploads_nothing()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var request = PublishFixture.Request(files, Repo("plan"));
            request.WhatIf = true;
            var plan = await Publish(request);
            Assert.True(plan.Changed);
            Assert.Equal(0, _registry.CountRequests("POST", "/blobs/uploads/"));
            Assert.Equal(0, _registry.CountRequests("PUT", "/"));
            request.WhatIf = false;
            Assert.Equal(plan.Digest, (await Publish(request)).Digest);
        }
    }
}
