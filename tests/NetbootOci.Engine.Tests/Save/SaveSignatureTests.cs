using System.IO;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Signing;
using NetbootOci.Engine.Tests.Publish;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Save
{
    /// <summary>Save with a required signature: verified before anything becomes visible.</summary>
    public sealed class SaveSignatureTests
    {
        static string KeyDir => Path.Combine(TestPaths.Vectors, "encrypted-keys");

        static SigningKey Key()
        {
            var password = new SecureString();
            foreach (char c in "hello") password.AppendChar(c);
            return SigningKey.Load(Path.Combine(KeyDir, "cosign-label-ecdsa-p256.password-hello.key"), password);
        }

        static VerificationPolicy Policy(string pub) => new VerificationPolicy { TrustedKeys = { VerificationKey.Load(pub) } };

        static async Task<NetbootArtifact> PublishAsync(TempDir dir, string layout, string seed, bool sign)
        {
            var request = PublishFixture.Request(PublishFixture.WriteBootFiles(dir, "files-" + seed, seed), "oci:" + layout);
            if (sign) request.BeforeTagging = PublishSigning.BeforeTagging(Key(), SignatureFormat.Classic, NullEngineLog.Instance);
            await new ArtifactPublisher(new RegistryOptions()).PublishAsync(request, CancellationToken.None);
            using var repo = new OciLayoutRepository(layout);
            return (await ArtifactDiscovery.DiscoverAsync(repo, "fedora-40-amd64", null, NullEngineLog.Instance, CancellationToken.None)).Single();
        }

        static async Task<SaveResult> SaveAsync(string layout, NetbootArtifact artifact, string root, VerificationPolicy policy, bool required = true)
        {
            using var repo = new OciLayoutRepository(layout);
            var options = new SaveOptions { Destination = root, SignaturePolicy = policy, SignatureRequired = required };
            return await ArtifactSaver.SaveAsync(repo, artifact, options, NullEngineLog.Instance, CancellationToken.None);
        }

        [Fact]
        public async Task A_signed_artifact_deploys_and_an_unsigned_update_leaves_the_deployed_tree_exactly_as_it_was()
        {
            using var dir = new TempDir("nboci-save-sig");
            string layout = dir.Combine("layout"), root = dir.Combine("root");
            var policy = Policy(Path.Combine(KeyDir, "cosign-label-ecdsa-p256.derived.pub"));

            var v1 = await PublishAsync(dir, layout, "one", sign: true);
            var first = await SaveAsync(layout, v1, root, policy);
            Assert.True(first.Changed);
            Assert.Equal("kernel one", File.ReadAllText(Path.Combine(first.Path, "vmlinuz")));

            // The tag moves to new, unsigned content: Save refuses it and the root is untouched.
            var v2 = await PublishAsync(dir, layout, "two", sign: false);
            Assert.NotEqual(v1.Digest, v2.Digest);
            var before = SaveFixture.Snapshot(root);
            var e = await Assert.ThrowsAsync<NetbootException>(() => SaveAsync(layout, v2, root, policy));
            Assert.Equal(FailureKind.SecurityError, e.Kind);
            Assert.Contains(v2.Digest, e.Message);
            Assert.Equal(before, SaveFixture.Snapshot(root));
            Assert.Equal("kernel one", File.ReadAllText(Path.Combine(first.Path, "vmlinuz")));
        }

        [Fact]
        public async Task A_signature_by_an_untrusted_key_is_refused_before_anything_is_written()
        {
            using var dir = new TempDir("nboci-save-sig");
            string layout = dir.Combine("layout"), root = dir.Combine("root");
            var artifact = await PublishAsync(dir, layout, "one", sign: true);
            var other = Policy(Path.Combine(TestPaths.Vectors, "legacy-simplesigning", "keys", "cosign.pub"));
            // Refused even when a signature is not required: a signature exists and it is not trusted.
            var e = await Assert.ThrowsAsync<NetbootException>(() => SaveAsync(layout, artifact, root, other, required: false));
            Assert.Equal(ErrorIds.SignatureInvalid, e.ErrorId);
            Assert.Empty(SaveFixture.Snapshot(root));
        }

        [Fact]
        public async Task An_unsigned_artifact_deploys_with_a_warning_when_a_signature_is_not_required()
        {
            using var dir = new TempDir("nboci-save-sig");
            string layout = dir.Combine("layout"), root = dir.Combine("root");
            var artifact = await PublishAsync(dir, layout, "one", sign: false);
            var policy = Policy(Path.Combine(KeyDir, "cosign-label-ecdsa-p256.derived.pub"));
            var result = await SaveAsync(layout, artifact, root, policy, required: false);
            Assert.True(result.Changed);
            Assert.Contains(result.Warnings, w => w.Contains("not signed"));
            var e = await Assert.ThrowsAsync<NetbootException>(() => SaveAsync(layout, artifact, dir.Combine("root2"), policy, required: true));
            Assert.Equal(ErrorIds.SignatureNotFound, e.ErrorId);
            Assert.Empty(SaveFixture.Snapshot(dir.Combine("root2")));
        }

        [Fact]
        public async Task Save_verb_with_key_deploys_only_what_a_trusted_key_signed()
        {
            using var dir = new TempDir("nboci-save-sig-cli");
            string layout = dir.Combine("layout"), root = dir.Combine("root");
            await PublishAsync(dir, layout, "one", sign: true);
            string reference = "oci:" + layout + ":fedora-40-amd64";
            string untrusted = Path.Combine(TestPaths.Vectors, "legacy-simplesigning", "keys", "cosign.pub");

            var refused = CliProcess.Run("save", reference, "--destination", root, "--key", untrusted, "--require-signature");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains(ErrorIds.SignatureInvalid, refused.Err);
            Assert.Empty(SaveFixture.Snapshot(root));

            Assert.Equal(2, CliProcess.Run("save", reference, "--destination", root, "--require-signature").ExitCode);

            var saved = CliProcess.Run("save", reference, "--destination", root, "--key", untrusted,
                "--key", Path.Combine(KeyDir, "cosign-label-ecdsa-p256.derived.pub"), "--require-signature", "--json");
            Assert.True(saved.ExitCode == 0, saved.Err);
            Assert.Equal("kernel one", File.ReadAllText(Path.Combine(root, "fedora", "40", "amd64", "vmlinuz")));
        }
    }
}
