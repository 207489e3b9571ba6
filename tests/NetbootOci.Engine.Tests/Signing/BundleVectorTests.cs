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
    /// <summary>Sigstore bundles made by sigstore tooling, attached as OCI referrers and verified with keys.</summary>
    public sealed class BundleVectorTests : IDisposable
    {
        readonly TempDir _dir = new TempDir("nboci-bundles");
        const string ConformanceDigest = "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

        async Task<OciLayoutRepository> RepoWithBundle(string name, string bundlePath, string subjectDigest)
        {
            var repo = new OciLayoutRepository(_dir.Combine(name));
            var subject = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = subjectDigest, Size = 100 };
            await PushBundleReferrerAsync(repo, subject, File.ReadAllBytes(bundlePath));
            return repo;
        }

        static Task<SignatureResult> Verify(IOciRepository repo, string digest, VerificationPolicy policy) =>
            SignatureVerifier.VerifyAsync(repo, digest, null, policy, NullEngineLog.Instance, CancellationToken.None);

        [Fact]
        public async Task ManagedKeyMessageSignatureBundleVerifiesWithItsRekorEntry()
        {
            var repo = await RepoWithBundle("managed", Bundles("conformance-managed-key-happy-path", "bundle.sigstore.json"), ConformanceDigest);
            var policy = VerificationPolicy.FromKeyFiles(new[] { Bundles("conformance-managed-key-happy-path", "key.pub") }, new[] { Bundles("trusted-roots", "rekor-public-good.pub") });
            policy.RequireTransparencyLog = true;
            var result = await Verify(repo, ConformanceDigest, policy);
            Assert.True(result.Verified, result.Reason);
            var sig = result.Signatures.Single();
            Assert.Equal(SignatureKind.BundleMessage, sig.Kind);
            Assert.Equal(TransparencyLogStatus.Verified, sig.TransparencyLog);
            Assert.Equal(771488337, sig.LogIndex);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1766077479), sig.IntegratedTime);
        }

        [Fact]
        public async Task BundleWithAnotherKeyOrDigestDoesNotVerify()
        {
            var repo = await RepoWithBundle("wrong", Bundles("conformance-managed-key-happy-path", "bundle.sigstore.json"), ConformanceDigest);
            var other = await Verify(repo, ConformanceDigest, Policy(Legacy("keys", "cosign.pub")));
            Assert.False(other.Verified);
            Assert.Contains("does not verify with any trusted key", other.Reason);

            // The same bundle attached to another digest: the message digest names a0cf…, not the subject.
            string elsewhere = "sha256:" + new string('b', 64);
            var moved = await RepoWithBundle("moved", Bundles("conformance-managed-key-happy-path", "bundle.sigstore.json"), elsewhere);
            var result = await Verify(moved, elsewhere, Policy(Bundles("conformance-managed-key-happy-path", "key.pub")));
            Assert.False(result.Verified);
            Assert.Contains($"is for {ConformanceDigest}, not {elsewhere}", result.Reason);
        }

        [Fact]
        public async Task KeylessBundleIsRejectedWithAReason()
        {
            const string digest = "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4";
            var repo = await RepoWithBundle("keyless", Bundles("cosign-oci-attestation-keyless", "oci-attestation.sigstore.json"), digest);
            var result = await Verify(repo, digest, Policy(Legacy("keys", "cosign.pub")));
            Assert.False(result.Verified);
            Assert.Equal(ErrorIds.SignatureInvalid, result.ErrorId);
            Assert.Contains("keyless", result.Reason);
        }

        [Fact]
        public async Task VersionZeroOneBundleIsRejectedAsCosignDoes()
        {
            var repo = await RepoWithBundle("v01", Bundles("sigstore-go-publish-dsse-key-v0.1", "bundle-publish.json"), ConformanceDigest);
            var result = await Verify(repo, ConformanceDigest, Policy(Bundles("sigstore-go-publish-dsse-key-v0.1", "publish_key.pub")));
            Assert.False(result.Verified);
            Assert.Contains("is not supported (only v0.3", result.Reason);
        }

        [Fact]
        public void DssePreAuthEncodingAndSignatureMatchTheVector()
        {
            string dir = Bundles("sigstore-go-publish-dsse-key-v0.1");
            byte[] payload = File.ReadAllBytes(Path.Combine(dir, "dsse-payload.json"));
            byte[] pae = Dsse.PreAuthEncoding(Dsse.InTotoPayloadType, payload);
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "dsse-pae.bin")), pae);
            var key = VerificationKey.Load(Path.Combine(dir, "publish_key.pub"));
            Assert.True(key.Verify(pae, File.ReadAllBytes(Path.Combine(dir, "dsse-signature.der"))));
        }

        [Fact]
        public void RekorSignedContentIsCanonicalJson()
        {
            var layer = ReadLayer(Legacy("key-rekor-valid", "containers-image-signature-1"));
            var entry = RekorEntry.FromCosignAnnotation(layer.Annotations[SignatureVerifier.RekorBundleAnnotation]);
            Assert.Equal(File.ReadAllBytes(Legacy("key-rekor-valid", "set-signed-content.json")), entry.SignedContent());
        }

        public void Dispose() => _dir.Dispose();
    }
}
