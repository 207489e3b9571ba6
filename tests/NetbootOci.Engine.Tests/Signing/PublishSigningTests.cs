using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Signing;
using NetbootOci.Engine.Tests.Publish;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Signing
{
    /// <summary>Publish with a signing key: the published manifest verifies, in both formats.</summary>
    public sealed class PublishSigningTests : System.IDisposable
    {
        readonly TempDir _dir = new TempDir("nboci-publish-sign");

        [Fact]
        public async Task PublishedArtifactIsSignedBeforeItsTagMoves()
        {
            string keyPath = _dir.Combine("p.key");
            Tools.Run("openssl", $"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {keyPath}", timeoutSeconds: 30);
            var key = SigningKey.Load(keyPath);
            string layout = _dir.Combine("layout");
            var request = PublishFixture.Request(PublishFixture.WriteBootFiles(_dir, "files"), "oci:" + layout + ":fedora-40-amd64");
            SignResult? signed = null;
            bool tagAbsentWhileSigning = false;
            var hook = PublishSigning.BeforeTagging(key, SignatureFormat.Both, NullEngineLog.Instance, s => signed = s);
            request.BeforeTagging = async (repo, result, ct) =>
            {
                tagAbsentWhileSigning = await repo.ResolveAsync("fedora-40-amd64", ct) == null;
                await hook(repo, result, ct);
            };
            var published = await new ArtifactPublisher(new RegistryOptions()).PublishAsync(request, CancellationToken.None);

            Assert.True(tagAbsentWhileSigning);
            Assert.NotNull(signed);
            Assert.Equal(published.Digest, signed!.Digest);
            using (var repo = new OciLayoutRepository(layout))
            {
                var result = await SignatureVerifier.VerifyAsync(repo, published.Digest, published.IndexDigest,
                    new VerificationPolicy { TrustedKeys = { key.PublicKey } }, NullEngineLog.Instance, CancellationToken.None);
                Assert.True(result.Verified, result.Reason);
                Assert.Equal(published.Digest, result.SignedDigest);
                Assert.Equal(2, result.Signatures.FindAll(s => s.Verified).Count);
            }
        }

        public void Dispose() => _dir.Dispose();
    }
}
