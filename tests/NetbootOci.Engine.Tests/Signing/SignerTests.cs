using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Signing;
using NetbootOci.Engine.Tests.Support;
using Xunit;
using static NetbootOci.Engine.Tests.Signing.SignatureFixtures;

namespace NetbootOci.Engine.Tests.Signing
{
    /// <summary>Our own signatures, written and read back through the same store: classic .sig, bundle referrer, both.</summary>
    public abstract class SignerTests : IDisposable
    {
        protected readonly TempDir Dir = new TempDir("nboci-signer");
        protected abstract IOciRepository NewRepository(string name);
        static readonly CancellationToken None = CancellationToken.None;
        const string DockerReference = "registry.example/netboot/fedora";

        SigningKey NewKey(string name)
        {
            string path = Dir.Combine(name + ".key");
            Tools.Run("openssl", $"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {path}", timeoutSeconds: 30);
            return SigningKey.Load(path);
        }

        static VerificationPolicy Trusting(params SigningKey[] keys)
        {
            var policy = new VerificationPolicy();
            policy.TrustedKeys.AddRange(keys.Select(k => k.PublicKey));
            return policy;
        }

        /// <summary>A small artifact manifest (empty config, one layer) to sign.</summary>
        static async Task<Descriptor> PushArtifactAsync(IOciRepository repo, string text, string tag = "v1")
        {
            byte[] file = Encoding.UTF8.GetBytes(text);
            var layer = new Descriptor { MediaType = "application/x-netboot-file", Digest = Digest.Sha256(file), Size = file.Length };
            await repo.PushBlobAsync(layer, () => new MemoryStream(file), null, None);
            await repo.PushBlobAsync(Descriptor.EmptyJson(), () => new MemoryStream(Encoding.ASCII.GetBytes("{}")), null, None);
            byte[] manifest = OciJson.Serialize(new ImageManifest { ArtifactType = "application/vnd.org.pulpproject.netboot.artifact.v1", Layers = { layer } });
            string digest = await repo.PushManifestAsync(manifest, MediaTypes.OciManifest, tag, None);
            return new Descriptor { MediaType = MediaTypes.OciManifest, Digest = digest, Size = manifest.Length };
        }

        static Task<SignatureResult> Verify(IOciRepository repo, string digest, VerificationPolicy policy, string? index = null) =>
            SignatureVerifier.VerifyAsync(repo, digest, index, policy, NullEngineLog.Instance, None);

        [Fact]
        public async Task ClassicSignatureRoundTripsAndAppendingKeepsOthers()
        {
            var first = NewKey("first");
            var second = NewKey("second");
            using (var repo = NewRepository("classic"))
            {
                var subject = await PushArtifactAsync(repo, "vmlinuz");
                Assert.Equal(ErrorIds.SignatureNotFound, (await Verify(repo, subject.Digest, Trusting(first))).ErrorId);

                var one = await CosignSigner.SignAsync(repo, subject, DockerReference, first, SignatureFormat.Classic, NullEngineLog.Instance, None);
                Assert.True(one.Changed);
                Assert.Null(one.PreviousSignatureManifestDigest);
                Assert.Equal(SignatureVerifier.SignatureTag(subject.Digest), one.SignatureTag);
                Assert.Null(one.BundleManifestDigest);

                var two = await CosignSigner.SignAsync(repo, subject, DockerReference, second, SignatureFormat.Classic, NullEngineLog.Instance, None);
                Assert.Equal(one.SignatureManifestDigest, two.PreviousSignatureManifestDigest);
                var sigManifest = (await repo.GetManifestAsync(two.SignatureTag!, None)).AsManifest("test");
                Assert.Equal(2, sigManifest.Layers.Count);

                foreach (var key in new[] { first, second })
                {
                    var result = await Verify(repo, subject.Digest, Trusting(key));
                    Assert.True(result.Verified, result.Reason);
                    var sig = result.Signatures.Single(s => s.Verified);
                    Assert.Equal(SignatureKind.Classic, sig.Kind);
                    Assert.Equal(key.KeyId, sig.KeyId);
                    Assert.Equal(DockerReference, sig.DockerReference);
                }

                // Same key, same payload: nothing new is written.
                var again = await CosignSigner.SignAsync(repo, subject, DockerReference, first, SignatureFormat.Classic, NullEngineLog.Instance, None);
                Assert.False(again.Changed);
                Assert.Equal(2, (await repo.GetManifestAsync(two.SignatureTag!, None)).AsManifest("test").Layers.Count);
            }
        }

        [Fact]
        public async Task AppendingToACosignMadeSignatureKeepsIt()
        {
            var ours = NewKey("ours");
            using (var repo = NewRepository("append-cosign"))
            {
                // The vector's image manifest is signed by cosign; a registry refuses it without blobs, so sign it where it can live.
                if (!(repo is OciLayoutRepository)) return;
                await PushImageAsync(repo, Legacy("valid", "image-manifest.json"));
                await PushSignatureManifestAsync(repo, ValidDigest, new[] { ReadLayer(Legacy("valid", "containers-image-signature-1")) });
                var subject = (await repo.ResolveAsync(ValidDigest, None))!;
                await CosignSigner.SignAsync(repo, subject, "192.168.64.2:5000/cosign-signed-single-sample", ours, SignatureFormat.Classic, NullEngineLog.Instance, None);
                Assert.True((await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign.pub")))).Verified);
                Assert.True((await Verify(repo, ValidDigest, Trusting(ours))).Verified);
            }
        }

        [Fact]
        public async Task BundleSignatureRoundTripsAsAReferrer()
        {
            var key = NewKey("bundle");
            using (var repo = NewRepository("bundle"))
            {
                var subject = await PushArtifactAsync(repo, "initrd");
                var signed = await CosignSigner.SignAsync(repo, subject, DockerReference, key, SignatureFormat.Bundle, NullEngineLog.Instance, None);
                Assert.Null(signed.SignatureTag);
                Assert.NotNull(signed.BundleManifestDigest);

                var referrers = await repo.GetReferrersAsync(subject.Digest, SigstoreBundle.MediaTypeV03, None);
                Assert.Contains(referrers, r => r.Digest == signed.BundleManifestDigest);
                var manifest = (await repo.GetManifestAsync(signed.BundleManifestDigest!, None)).AsManifest("test");
                Assert.Equal(SigstoreBundle.MediaTypeV03, manifest.ArtifactType);
                Assert.Equal(subject.Digest, manifest.Subject!.Digest);
                Assert.Equal("dsse-envelope", manifest.Annotation(CosignSigner.BundleContentAnnotation));

                var result = await Verify(repo, subject.Digest, Trusting(key));
                Assert.True(result.Verified, result.Reason);
                var sig = result.Signatures.Single();
                Assert.Equal(SignatureKind.BundleDsse, sig.Kind);
                Assert.Equal(key.KeyId, sig.KeyId);
                Assert.Equal(DockerReference, sig.DockerReference);

                var policy = Trusting(key);
                policy.CheckReference = true;
                policy.ExpectedReference = DockerReference + ":latest";
                Assert.True((await Verify(repo, subject.Digest, policy)).Verified);
                policy.ExpectedReference = "registry.example/other";
                Assert.False((await Verify(repo, subject.Digest, policy)).Verified);

                Assert.False((await Verify(repo, subject.Digest, Trusting(NewKey("stranger")))).Verified);
            }
        }

        [Fact]
        public async Task BothFormatsAreWrittenAndEachVerifies()
        {
            var key = NewKey("both");
            using (var repo = NewRepository("both"))
            {
                var subject = await PushArtifactAsync(repo, "shimx64.efi");
                var signed = await CosignSigner.SignAsync(repo, subject, DockerReference, key, SignatureFormat.Both, NullEngineLog.Instance, None);
                Assert.NotNull(signed.SignatureTag);
                Assert.NotNull(signed.BundleManifestDigest);
                var result = await Verify(repo, subject.Digest, Trusting(key));
                Assert.True(result.Verified, result.Reason);
                Assert.Equal(new[] { SignatureKind.Classic, SignatureKind.BundleDsse }, result.Signatures.Where(s => s.Verified).Select(s => s.Kind).OrderBy(k => k));
            }
        }

        [Fact]
        public async Task ArtifactIsAcceptedThroughASignedIndexThatPinsIt()
        {
            var key = NewKey("index");
            using (var repo = NewRepository("index"))
            {
                var manifest = await PushArtifactAsync(repo, "grubx64.efi", "per-arch");
                var other = await PushArtifactAsync(repo, "unrelated", "other");
                var index = new ImageIndex { Manifests = { manifest } };
                byte[] indexBytes = OciJson.Serialize(index);
                string indexDigest = await repo.PushManifestAsync(indexBytes, MediaTypes.OciIndex, "multi", None);
                var indexDesc = new Descriptor { MediaType = MediaTypes.OciIndex, Digest = indexDigest, Size = indexBytes.Length };
                await CosignSigner.SignAsync(repo, indexDesc, DockerReference, key, SignatureFormat.Classic, NullEngineLog.Instance, None);

                var result = await Verify(repo, manifest.Digest, Trusting(key), indexDigest);
                Assert.True(result.Verified, result.Reason);
                Assert.Equal(manifest.Digest, result.Digest);
                Assert.Equal(indexDigest, result.SignedDigest);

                // The index does not list this manifest: its signature says nothing about it.
                var notPinned = await Verify(repo, other.Digest, Trusting(key), indexDigest);
                Assert.False(notPinned.Verified);
                Assert.Equal(ErrorIds.SignatureNotFound, notPinned.ErrorId);
            }
        }

        [Fact]
        public async Task OpensslVerifiesOurStoredClassicSignature()
        {
            var key = NewKey("openssl");
            File.WriteAllText(Dir.Combine("openssl.pub"), key.PublicKeyPem());
            using (var repo = NewRepository("openssl"))
            {
                var subject = await PushArtifactAsync(repo, "pxelinux.0");
                var signed = await CosignSigner.SignAsync(repo, subject, DockerReference, key, SignatureFormat.Classic, NullEngineLog.Instance, None);
                var layer = (await repo.GetManifestAsync(signed.SignatureTag!, None)).AsManifest("test").Layers.Single();
                using (var blob = await repo.OpenBlobAsync(layer.Digest, 0, None))
                using (var file = File.Create(Dir.Combine("payload.json")))
                    await blob.CopyToAsync(file);
                File.WriteAllBytes(Dir.Combine("sig.der"), Convert.FromBase64String(layer.Annotation(SignatureVerifier.SignatureAnnotation)!));
                string output = Tools.Run("openssl", $"dgst -sha256 -verify {Dir.Combine("openssl.pub")} -signature {Dir.Combine("sig.der")} {Dir.Combine("payload.json")}", timeoutSeconds: 30);
                Assert.Contains("Verified OK", output);
                Assert.Equal($"{{\"critical\":{{\"identity\":{{\"docker-reference\":\"{DockerReference}\"}},\"image\":{{\"docker-manifest-digest\":\"{subject.Digest}\"}},\"type\":\"cosign container image signature\"}},\"optional\":null}}",
                    File.ReadAllText(Dir.Combine("payload.json")));
            }
        }

        public void Dispose() => Dir.Dispose();
    }

    public sealed class SignerLayoutTests : SignerTests
    {
        protected override IOciRepository NewRepository(string name) => new OciLayoutRepository(Dir.Combine(name));
    }

    /// <summary>Against distribution 2.8 (no referrers API): the bundle is found through the fallback index tag we maintain.</summary>
    public sealed class SignerRegistryTests : SignerTests, IClassFixture<SigningRegistryFixture>
    {
        readonly SigningRegistryFixture _fixture;
        public SignerRegistryTests(SigningRegistryFixture fixture) => _fixture = fixture;
        protected override IOciRepository NewRepository(string name) => _fixture.Open("signer/" + name);

        [Fact]
        public async Task BundleReferrerIsListedInTheFallbackTag()
        {
            var keyPath = Dir.Combine("fallback.key");
            Tools.Run("openssl", $"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {keyPath}", timeoutSeconds: 30);
            var key = SigningKey.Load(keyPath);
            var otherPath = Dir.Combine("fallback2.key");
            Tools.Run("openssl", $"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {otherPath}", timeoutSeconds: 30);
            var other = SigningKey.Load(otherPath);
            using (var repo = NewRepository("fallback"))
            {
                byte[] file = Encoding.UTF8.GetBytes("ldlinux.c32");
                var layer = new Descriptor { MediaType = "application/x-netboot-file", Digest = Digest.Sha256(file), Size = file.Length };
                await repo.PushBlobAsync(layer, () => new MemoryStream(file), null, CancellationToken.None);
                await repo.PushBlobAsync(Descriptor.EmptyJson(), () => new MemoryStream(Encoding.ASCII.GetBytes("{}")), null, CancellationToken.None);
                byte[] manifest = OciJson.Serialize(new ImageManifest { Layers = { layer } });
                string digest = await repo.PushManifestAsync(manifest, MediaTypes.OciManifest, "v1", CancellationToken.None);
                var subject = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = digest, Size = manifest.Length };

                var first = await CosignSigner.SignAsync(repo, subject, "x/y", key, SignatureFormat.Bundle, NullEngineLog.Instance, CancellationToken.None);
                var second = await CosignSigner.SignAsync(repo, subject, "x/y", other, SignatureFormat.Bundle, NullEngineLog.Instance, CancellationToken.None);
                var fallback = (await repo.GetManifestAsync(SignatureVerifier.ReferrersTag(digest), CancellationToken.None)).AsIndex("test");
                Assert.Equal(new[] { first.BundleManifestDigest, second.BundleManifestDigest }.OrderBy(d => d, StringComparer.Ordinal), fallback.Manifests.Select(m => m.Digest));
                Assert.All(fallback.Manifests, m => Assert.Equal(SigstoreBundle.MediaTypeV03, m.ArtifactType));
                // Our remote client reads the fallback tag on this registry, so each key's bundle verifies.
                foreach (var k in new[] { key, other })
                {
                    var policy = new VerificationPolicy { TrustedKeys = { k.PublicKey } };
                    var result = await SignatureVerifier.VerifyAsync(repo, digest, null, policy, NullEngineLog.Instance, CancellationToken.None);
                    Assert.True(result.Verified, result.Reason);
                    Assert.Equal(SignatureKind.BundleDsse, result.Signatures.Single(s => s.Verified).Kind);
                }
                Assert.True(_fixture.Registry.CountRequests("GET", "/referrers/" + digest) >= 1);
            }
        }
    }
}
