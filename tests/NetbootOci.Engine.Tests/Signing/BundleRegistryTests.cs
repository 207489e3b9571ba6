using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Signing;
using Xunit;
using static NetbootOci.Engine.Tests.Signing.SignatureFixtures;

namespace NetbootOci.Engine.Tests.Signing
{
    /// <summary>A Sigstore bundle vector served by distribution 2.8, which has no referrers API: found through the fallback tag.</summary>
    public sealed class BundleRegistryTests : IClassFixture<SigningRegistryFixture>
    {
        readonly SigningRegistryFixture _fixture;
        public BundleRegistryTests(SigningRegistryFixture fixture) => _fixture = fixture;
        const string ConformanceDigest = "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

        [Fact]
        public async Task MessageSignatureBundleIsFoundThroughTheFallbackTag()
        {
            using (var repo = _fixture.Open("bundles/conformance"))
            {
                var subject = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = ConformanceDigest, Size = 100 };
                string referrer = await PushBundleReferrerAsync(repo, subject, File.ReadAllBytes(Bundles("conformance-managed-key-happy-path", "bundle.sigstore.json")));
                var policy = VerificationPolicy.FromKeyFiles(new[] { Bundles("conformance-managed-key-happy-path", "key.pub") }, new[] { Bundles("trusted-roots", "rekor-public-good.pub") });

                // Pushed untagged, a registry without the referrers API does not list it: nothing found yet.
                var before = await SignatureVerifier.VerifyAsync(repo, ConformanceDigest, null, policy, NullEngineLog.Instance, CancellationToken.None);
                Assert.Equal(ErrorIds.SignatureNotFound, before.ErrorId);

                var manifest = await repo.GetManifestAsync(referrer, CancellationToken.None);
                var index = new ImageIndex { Manifests = { new Descriptor { MediaType = manifest.MediaType, Digest = referrer, Size = manifest.Size, ArtifactType = MediaTypes.OciEmpty } } };
                await repo.PushManifestAsync(OciJson.Serialize(index), MediaTypes.OciIndex, SignatureVerifier.ReferrersTag(ConformanceDigest), CancellationToken.None);

                var after = await SignatureVerifier.VerifyAsync(repo, ConformanceDigest, null, policy, NullEngineLog.Instance, CancellationToken.None);
                Assert.True(after.Verified, after.Reason);
                Assert.Equal(TransparencyLogStatus.Verified, after.Signatures.Single().TransparencyLog);
            }
        }
    }
}
