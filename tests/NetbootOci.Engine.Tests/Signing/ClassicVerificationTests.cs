using System;
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
    /// <summary>
    /// Classic cosign signatures made by cosign itself (the vectors), served as real OCI content and verified
    /// through our repository client. Subclasses choose where the content lives (an image layout, a real registry).
    /// </summary>
    public abstract class ClassicVerificationTests : IDisposable
    {
        protected readonly TempDir Dir = new TempDir("nboci-sig");
        protected abstract IOciRepository NewRepository(string name);

        /// <summary>Stores the signed image manifest where the store accepts it (a registry refuses it: the vectors carry no layer blobs).</summary>
        protected virtual Task PushImage(IOciRepository repo, string manifestPath) => PushImageAsync(repo, manifestPath);

        static Task<SignatureResult> Verify(IOciRepository repo, string digest, VerificationPolicy policy, string? indexDigest = null) =>
            SignatureVerifier.VerifyAsync(repo, digest, indexDigest, policy, NullEngineLog.Instance, CancellationToken.None);

        async Task<IOciRepository> RepoWith(string name, string imageCase, params string[] signatureFiles)
        {
            var repo = NewRepository(name);
            string digest = Digest.Sha256(File.ReadAllBytes(Legacy(imageCase, "image-manifest.json")));
            await PushImage(repo, Legacy(imageCase, "image-manifest.json"));
            if (signatureFiles.Length > 0)
                await PushSignatureManifestAsync(repo, digest, signatureFiles.Select(f => ReadLayer(Legacy(f))));
            return repo;
        }

        [Fact]
        public async Task CosignSignatureVerifiesWithItsKey()
        {
            using (var repo = await RepoWith("valid", "valid", "valid/containers-image-signature-1"))
            {
                var key = VerificationKey.Load(Legacy("keys", "cosign.pub"));
                var result = await Verify(repo, ValidDigest, new VerificationPolicy { TrustedKeys = { key } });
                Assert.True(result.Verified, result.Reason);
                Assert.Equal(ValidDigest, result.SignedDigest);
                var sig = Assert.Single(result.Signatures);
                Assert.Equal(SignatureKind.Classic, sig.Kind);
                Assert.Equal(key.KeyId, sig.KeyId);
                Assert.Equal("192.168.64.2:5000/cosign-signed-single-sample", sig.DockerReference);
                Assert.Equal(TransparencyLogStatus.None, sig.TransparencyLog);
                Assert.Null(result.Reason);
            }
        }

        [Fact]
        public async Task CosignSignatureFailsWithAnotherKey()
        {
            using (var repo = await RepoWith("other-key", "valid", "valid/containers-image-signature-1"))
            {
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign2.pub")));
                Assert.False(result.Verified);
                Assert.Equal(ErrorIds.SignatureInvalid, result.ErrorId);
                Assert.Contains("does not verify with any trusted key", result.Reason);
                Assert.Null(result.SignedDigest);
            }
        }

        [Fact]
        public async Task AnyOfSeveralTrustedKeysSuffices()
        {
            using (var repo = await RepoWith("several", "valid", "valid/containers-image-signature-1"))
            {
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign2.pub"), Legacy("keys", "cosign.pub")));
                Assert.True(result.Verified, result.Reason);
                Assert.Equal(VerificationKey.Load(Legacy("keys", "cosign.pub")).KeyId, result.Signatures[0].KeyId);
            }
        }

        [Fact]
        public async Task TwoSignatureLayersBothVerify()
        {
            using (var repo = await RepoWith("two", "valid", "valid/containers-image-signature-1", "valid-2/containers-image-signature-2"))
            {
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign.pub")));
                Assert.True(result.Verified, result.Reason);
                Assert.Equal(2, result.Signatures.Count(s => s.Verified));
            }
        }

        [Fact]
        public async Task OneGoodLayerAmongJunkSuffices()
        {
            var repo = NewRepository("junk");
            using (repo)
            {
                await PushImage(repo, Legacy("valid", "image-manifest.json"));
                var junk = ReadLayer(Legacy("valid", "containers-image-signature-1"));
                junk.Annotations[SignatureVerifier.SignatureAnnotation] = Convert.ToBase64String(new byte[] { 1, 2, 3 });
                junk.Payload = Encoding.UTF8.GetBytes("{\"critical\":{}}");
                await PushSignatureManifestAsync(repo, ValidDigest, new[] { junk, ReadLayer(Legacy("valid", "containers-image-signature-1")) });
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign.pub")));
                Assert.True(result.Verified, result.Reason);
                Assert.Equal(new[] { false, true }, result.Signatures.Select(s => s.Verified));
            }
        }

        [Fact]
        public async Task ContainersImageSignatureWithTagAndOptionalClaimsVerifies()
        {
            using (var repo = await RepoWith("with-tag", "valid-with-tag", "valid-with-tag/containers-image-signature-1"))
            {
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign.pub")));
                Assert.True(result.Verified, result.Reason);
                Assert.Contains(":tag", result.Signatures[0].DockerReference);
            }
        }

        [Fact]
        public async Task RsaSignatureWithLineBrokenBase64Verifies()
        {
            using (var repo = await RepoWith("rsa", "pki-rsa-valid", "pki-rsa-valid/containers-image-signature-1"))
            {
                Assert.Contains("\n", ReadLayer(Legacy("pki-rsa-valid", "containers-image-signature-1")).Annotations[SignatureVerifier.SignatureAnnotation]);
                var key = VerificationKey.Load(CertificatePublicKey(Dir, Legacy("pki-rsa-valid", "certificate.pem")));
                Assert.Equal("RSA-4096", key.Algorithm);
                var result = await Verify(repo, RsaDigest, new VerificationPolicy { TrustedKeys = { key } });
                Assert.True(result.Verified, result.Reason);
            }
        }

        [Fact]
        public async Task RekorSignedEntryTimestampVerifiesOffline()
        {
            using (var repo = await RepoWith("rekor", "key-rekor-valid", "key-rekor-valid/containers-image-signature-1"))
            {
                var policy = VerificationPolicy.FromKeyFiles(new[] { Legacy("keys", "cosign2.pub") }, new[] { Legacy("keys", "rekor.pub") });
                policy.RequireTransparencyLog = true;
                var result = await Verify(repo, RekorDigest, policy);
                Assert.True(result.Verified, result.Reason);
                var sig = result.Signatures.Single();
                Assert.Equal(TransparencyLogStatus.Verified, sig.TransparencyLog);
                Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1674251859), sig.IntegratedTime);
                Assert.Equal(11608800, sig.LogIndex);

                // Without a Rekor key the entry is reported, not checked.
                var unchecked_ = await Verify(repo, RekorDigest, Policy(Legacy("keys", "cosign2.pub")));
                Assert.True(unchecked_.Verified);
                Assert.Equal(TransparencyLogStatus.NotChecked, unchecked_.Signatures[0].TransparencyLog);
            }
        }

        [Fact]
        public async Task TamperedRekorEntryMakesTheSignatureInvalid()
        {
            var repo = NewRepository("rekor-tampered");
            using (repo)
            {
                await PushImage(repo, Legacy("key-rekor-valid", "image-manifest.json"));
                var layer = ReadLayer(Legacy("key-rekor-valid", "containers-image-signature-1"));
                layer.Annotations[SignatureVerifier.RekorBundleAnnotation] = layer.Annotations[SignatureVerifier.RekorBundleAnnotation].Replace("1674251859", "1674251860");
                await PushSignatureManifestAsync(repo, RekorDigest, new[] { layer });
                var policy = VerificationPolicy.FromKeyFiles(new[] { Legacy("keys", "cosign2.pub") }, new[] { Legacy("keys", "rekor.pub") });
                var result = await Verify(repo, RekorDigest, policy);
                Assert.False(result.Verified);
                Assert.Equal(TransparencyLogStatus.Invalid, result.Signatures[0].TransparencyLog);
                Assert.Contains("signed entry timestamp does not verify", result.Reason);
            }
        }

        [Fact]
        public async Task RequiredTransparencyLogMissingIsItsOwnFailure()
        {
            using (var repo = await RepoWith("no-tlog", "valid", "valid/containers-image-signature-1"))
            {
                var policy = VerificationPolicy.FromKeyFiles(new[] { Legacy("keys", "cosign.pub") }, new[] { Legacy("keys", "rekor.pub") });
                policy.RequireTransparencyLog = true;
                var result = await Verify(repo, ValidDigest, policy);
                Assert.False(result.Verified);
                Assert.Equal(ErrorIds.TransparencyLogMissing, result.ErrorId);
                Assert.Contains("no transparency-log entry", result.Reason);
            }
        }

        [Fact]
        public async Task DockerMediaTypeSignatureManifestIsRead()
        {
            var repo = NewRepository("docker-types");
            using (repo)
            {
                await PushImage(repo, Legacy("valid", "image-manifest.json"));
                await PushSignatureManifestAsync(repo, ValidDigest, new[] { ReadLayer(Legacy("valid", "containers-image-signature-1")) }, dockerTypes: true);
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign.pub")));
                Assert.True(result.Verified, result.Reason);
            }
        }

        [Fact]
        public async Task CheckReferenceComparesTheSignedRepository()
        {
            using (var repo = await RepoWith("check-ref", "valid", "valid/containers-image-signature-1"))
            {
                var policy = Policy(Legacy("keys", "cosign.pub"));
                policy.CheckReference = true;
                policy.ExpectedReference = "192.168.64.2:5000/cosign-signed-single-sample:whatever-tag";
                Assert.True((await Verify(repo, ValidDigest, policy)).Verified);

                policy.ExpectedReference = "192.168.64.2:5000/another-repo";
                var result = await Verify(repo, ValidDigest, policy);
                Assert.False(result.Verified);
                Assert.Contains("is signed for '192.168.64.2:5000/cosign-signed-single-sample', not '192.168.64.2:5000/another-repo'", result.Reason);
            }
        }

        [Fact]
        public async Task NoSignatureAtAllIsNotFound()
        {
            using (var repo = await RepoWith("unsigned", "valid"))
            {
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign.pub")));
                Assert.False(result.Verified);
                Assert.Equal(ErrorIds.SignatureNotFound, result.ErrorId);
                Assert.Contains(SignatureVerifier.SignatureTag(ValidDigest), result.Reason);
                Assert.Empty(result.Signatures);
            }
        }

        [Fact]
        public async Task SignatureManifestWithoutSignatureLayersIsRejected()
        {
            var repo = NewRepository("no-layers");
            using (repo)
            {
                await PushImage(repo, Legacy("valid", "image-manifest.json"));
                var notASignature = ReadLayer(Legacy("valid", "containers-image-signature-1"));
                notASignature.MediaType = "application/vnd.oci.image.layer.v1.tar";
                await PushSignatureManifestAsync(repo, ValidDigest, new[] { notASignature });
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign.pub")));
                Assert.False(result.Verified);
                Assert.Equal(ErrorIds.SignatureInvalid, result.ErrorId);
                Assert.Contains("has no application/vnd.dev.cosign.simplesigning.v1+json layers", result.Reason);
            }
        }

        [Fact]
        public async Task PayloadForAnotherDigestIsRejected()
        {
            var repo = NewRepository("other-digest");
            using (repo)
            {
                // A valid signature of image 634a… stored under the .sig tag of image 0489….
                await PushImage(repo, Legacy("key-rekor-valid", "image-manifest.json"));
                await PushSignatureManifestAsync(repo, RekorDigest, new[] { ReadLayer(Legacy("valid", "containers-image-signature-1")) });
                var result = await Verify(repo, RekorDigest, Policy(Legacy("keys", "cosign.pub")));
                Assert.False(result.Verified);
                Assert.Contains($"is signed for {ValidDigest}, not {RekorDigest}", result.Reason);
            }
        }

        [Fact]
        public async Task TamperedPayloadIsRejected()
        {
            var repo = NewRepository("tampered");
            using (repo)
            {
                await PushImage(repo, Legacy("valid", "image-manifest.json"));
                var layer = ReadLayer(Legacy("valid", "containers-image-signature-1"));
                layer.Payload = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(layer.Payload).Replace("single-sample", "single-evil"));
                await PushSignatureManifestAsync(repo, ValidDigest, new[] { layer });
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign.pub")));
                Assert.False(result.Verified);
                Assert.Contains("does not verify with any trusted key (or the payload was altered)", result.Reason);
            }
        }

        [Fact]
        public async Task CorruptBase64SignatureIsRejected()
        {
            var repo = NewRepository("bad-b64");
            using (repo)
            {
                await PushImage(repo, Legacy("valid", "image-manifest.json"));
                var layer = ReadLayer(Legacy("valid", "containers-image-signature-1"));
                layer.Annotations[SignatureVerifier.SignatureAnnotation] = "not*base64";
                await PushSignatureManifestAsync(repo, ValidDigest, new[] { layer });
                var result = await Verify(repo, ValidDigest, Policy(Legacy("keys", "cosign.pub")));
                Assert.False(result.Verified);
                Assert.Contains("is not base64", result.Reason);
            }
        }

        public void Dispose() => Dir.Dispose();
    }

    /// <summary>The vectors served from an OCI image layout.</summary>
    public sealed class ClassicVerificationLayoutTests : ClassicVerificationTests
    {
        protected override IOciRepository NewRepository(string name) => new OciLayoutRepository(Dir.Combine(name));

        [Fact]
        public async Task PayloadBlobNotMatchingItsDigestIsRejected()
        {
            var repo = new OciLayoutRepository(Dir.Combine("corrupt-blob"));
            await PushImageAsync(repo, Legacy("valid", "image-manifest.json"));
            var layer = ReadLayer(Legacy("valid", "containers-image-signature-1"));
            await PushSignatureManifestAsync(repo, ValidDigest, new[] { layer });
            // Another payload of the same length under the original digest: what a tampering storage would serve.
            var forged = (byte[])layer.Payload.Clone();
            forged[forged.Length - 3] ^= 0x01;
            File.WriteAllBytes(repo.BlobPath(Digest.Sha256(layer.Payload)), forged);
            var result = await SignatureVerifier.VerifyAsync(repo, ValidDigest, null, Policy(Legacy("keys", "cosign.pub")), NullEngineLog.Instance, CancellationToken.None);
            Assert.False(result.Verified);
            Assert.Contains("does not match the expected", result.Reason);
        }
    }
}

namespace NetbootOci.Engine.Tests.Signing
{
    /// <summary>One anonymous docker-registry (distribution 2.8.2: no referrers API) for the signing tests.</summary>
    public sealed class SigningRegistryFixture : IDisposable
    {
        public RegistryServer Registry { get; } = RegistryServer.Start();
        public void Dispose() => Registry.Dispose();

        public RegistryOptions Options() => new RegistryOptions { PlainHttp = true, UseDockerConfig = false, RetryBaseDelay = TimeSpan.FromMilliseconds(20) };
        public IOciRepository Open(string repository) => RepositoryFactory.Open($"{Registry.Host}/{repository}", Options());
    }

    /// <summary>The same vectors pushed to the real docker-registry and verified through our remote client.</summary>
    public sealed class ClassicVerificationRegistryTests : ClassicVerificationTests, IClassFixture<SigningRegistryFixture>
    {
        readonly SigningRegistryFixture _fixture;
        public ClassicVerificationRegistryTests(SigningRegistryFixture fixture) => _fixture = fixture;

        protected override IOciRepository NewRepository(string name) => _fixture.Open("sig/" + name);

        // distribution refuses a manifest whose blobs it lacks, and the vectors hold only the image manifest:
        // the signatures are pushed alone and verified by digest (verification never needs the image itself).
        protected override Task PushImage(IOciRepository repo, string manifestPath) => Task.CompletedTask;

        [Fact]
        public async Task VerifyReferenceReadsTheSignatureTagOverHttp()
        {
            using (var repo = NewRepository("by-ref"))
                await PushSignatureManifestAsync(repo, ValidDigest, new[] { ReadLayer(Legacy("valid", "containers-image-signature-1")) });
            var result = await SignatureVerifier.VerifyReferenceAsync($"{_fixture.Registry.Host}/sig/by-ref@{ValidDigest}", Policy(Legacy("keys", "cosign.pub")),
                _fixture.Options(), NullEngineLog.Instance, CancellationToken.None);
            Assert.True(result.Verified, result.Reason);
            Assert.Equal($"{_fixture.Registry.Host}/sig/by-ref@{ValidDigest}", result.Reference);
            Assert.True(_fixture.Registry.CountRequests("GET", "/v2/sig/by-ref/manifests/" + SignatureVerifier.SignatureTag(ValidDigest)) >= 1);
        }

        [Fact]
        public async Task SignatureRepositoryOverrideReadsSignaturesElsewhere()
        {
            using (var sigs = NewRepository("override-signatures"))
                await PushSignatureManifestAsync(sigs, ValidDigest, new[] { ReadLayer(Legacy("valid", "containers-image-signature-1")) });
            var policy = Policy(Legacy("keys", "cosign.pub"));
            string reference = $"{_fixture.Registry.Host}/sig/override-image@{ValidDigest}";
            var without = await SignatureVerifier.VerifyReferenceAsync(reference, policy, _fixture.Options(), NullEngineLog.Instance, CancellationToken.None);
            Assert.Equal(ErrorIds.SignatureNotFound, without.ErrorId);
            policy.SignatureRepository = $"{_fixture.Registry.Host}/sig/override-signatures";
            var with = await SignatureVerifier.VerifyReferenceAsync(reference, policy, _fixture.Options(), NullEngineLog.Instance, CancellationToken.None);
            Assert.True(with.Verified, with.Reason);
        }
    }
}
