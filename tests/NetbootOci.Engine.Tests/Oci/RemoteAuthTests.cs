using System;
using System.Collections.Generic;
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
    /// <summary>Registries with htpasswd Basic auth and with Bearer token auth (a real signing token server).</summary>
    public class RemoteAuthTests
    {
        public const string User = "builder";
        public const string Password = "s3cret-Pa55word";
        static readonly CancellationToken None = CancellationToken.None;

        internal static RegistryServer StartBasic() =>
            RegistryServer.Start("  htpasswd:\n    realm: basic-realm\n    path: {dir}/htpasswd\n",
                new Dictionary<string, string> { ["htpasswd"] = Tools.Run("htpasswd", $"-Bbn {User} {Password}") });

        internal static RegistryOptions Options(RegistryCredential? credential, RecordingLog log) =>
            new RegistryOptions { PlainHttp = true, UseDockerConfig = false, Credential = credential, Log = log, RetryBaseDelay = TimeSpan.FromMilliseconds(20) };

        static ArtifactFixture Fixture(TempDir dir, string tag) =>
            new ArtifactFixture(dir.Combine("layout-" + tag), tag, new Dictionary<string, byte[]> { ["vmlinuz"] = ArtifactFixture.Bytes(70_000, tag.Length) });

        static async Task AssertReadable(IOciRepository repo, ArtifactFixture fixture)
        {
            var content = await repo.GetManifestAsync(fixture.Tag, None);
            Assert.Equal(fixture.ManifestDigest, content.Digest);
            var layer = fixture.Layer(0);
            using var blob = new VerifyingStream(await repo.OpenBlobAsync(layer.Digest, 0, None), layer.Digest, layer.Size, "test");
            var copy = new MemoryStream();
            await blob.CopyToAsync(copy);
            Assert.Equal(fixture.Files[layer.Digest], copy.ToArray());
            Assert.Contains(fixture.Tag, await repo.ListTagsAsync(None));
        }

        [Fact]
        public async Task BasicAuthWithExplicitCredentialsPushesAndPulls()
        {
            using var registry = StartBasic();
            using var dir = new TempDir();
            var fromSkopeo = Fixture(dir, "skopeo");
            fromSkopeo.PushWithSkopeo(registry.Host, "basic/app", $"{User}:{Password}");
            var log = new RecordingLog();
            using var repo = RepositoryFactory.Open($"{registry.Host}/basic/app", Options(new RegistryCredential(User, Password), log));
            await AssertReadable(repo, fromSkopeo);

            var ours = Fixture(dir, "ours");
            await RemoteRepositoryTests.PushArtifact(repo, ours, null, "ours");
            string raw = Tools.Skopeo($"inspect --tls-verify=false --creds {User}:{Password} --raw docker://{registry.Host}/basic/app:ours");
            Assert.Equal(Encoding.UTF8.GetString(ours.ManifestBytes), raw.TrimEnd('\n'));
            Assert.DoesNotContain(Password, log.All);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)), log.All);
        }

        [Fact]
        public async Task BasicAuthWithoutOrWithWrongCredentialsFailsWithoutLeakingTheSecret()
        {
            using var registry = StartBasic();
            var log = new RecordingLog();
            using var anonymous = RepositoryFactory.Open($"{registry.Host}/basic/app", Options(null, log));
            var e1 = await Assert.ThrowsAsync<NetbootException>(() => anonymous.ListTagsAsync(None));
            Assert.Equal(ErrorIds.AuthenticationFailed, e1.ErrorId);
            Assert.Contains("no credentials", e1.Message);

            const string wrong = "wrong-Pa55-value";
            using var bad = RepositoryFactory.Open($"{registry.Host}/basic/app", Options(new RegistryCredential(User, wrong), log));
            var e2 = await Assert.ThrowsAsync<NetbootException>(() => bad.GetManifestAsync("latest", None));
            Assert.Equal(ErrorIds.AuthenticationFailed, e2.ErrorId);
            Assert.Contains(User, e2.Message);
            Assert.DoesNotContain(wrong, e2.Message);
            Assert.DoesNotContain(wrong, log.All);
        }

        [Fact]
        public async Task BearerTokenAuthWithCredentialsAnonymousPullAndRefusedAnonymousPush()
        {
            using var tokens = new TokenServer(TokenServer.Mode.Token, new Dictionary<string, string> { [User] = Password });
            using var registry = RegistryServer.Start(tokens.AuthYaml, tokens.ExtraFiles);
            using var dir = new TempDir();
            var fromSkopeo = Fixture(dir, "skopeo");
            fromSkopeo.PushWithSkopeo(registry.Host, "bearer/app", $"{User}:{Password}");

            var log = new RecordingLog();
            using var repo = RepositoryFactory.Open($"{registry.Host}/bearer/app", Options(new RegistryCredential(User, Password), log));
            await AssertReadable(repo, fromSkopeo);
            var ours = Fixture(dir, "ours");
            await RemoteRepositoryTests.PushArtifact(repo, ours, null, "ours");
            await AssertReadable(repo, ours);
            string raw = Tools.Skopeo($"inspect --tls-verify=false --creds {User}:{Password} --raw docker://{registry.Host}/bearer/app:ours");
            Assert.Equal(Encoding.UTF8.GetString(ours.ManifestBytes), raw.TrimEnd('\n'));
            // Tokens are cached per scope set: one for pull, one for pull+push (not one per request).
            var ourFetches = tokens.Requests.Where(r => r.StartsWith("GET basic=" + User + " scope=repository:bearer/app")).ToList();
            Assert.InRange(ourFetches.Count(r => r.EndsWith(":pull")), 1, 2);
            Assert.InRange(ourFetches.Count(r => r.EndsWith(":pull,push")), 1, 2);
            Assert.DoesNotContain(Password, log.All);

            // Anonymous: pull is granted by the token server, push is not.
            var anonLog = new RecordingLog();
            using var anonymous = RepositoryFactory.Open($"{registry.Host}/bearer/app", Options(null, anonLog));
            await AssertReadable(anonymous, ours);
            Assert.Contains(tokens.Requests, r => r.StartsWith("GET basic=- scope=repository:bearer/app:pull"));
            var denied = await Assert.ThrowsAsync<NetbootException>(() =>
                anonymous.PushManifestAsync(ours.ManifestBytes, MediaTypes.OciManifest, "anon", None));
            Assert.Equal(ErrorIds.AuthenticationFailed, denied.ErrorId);

            // Wrong password: the token server refuses it.
            using var wrong = RepositoryFactory.Open($"{registry.Host}/bearer/app", Options(new RegistryCredential(User, "nope-nope"), new RecordingLog()));
            var refused = await Assert.ThrowsAsync<NetbootException>(() => wrong.ListTagsAsync(None));
            Assert.Equal(ErrorIds.AuthenticationFailed, refused.ErrorId);
            Assert.DoesNotContain("nope-nope", refused.Message);
        }

        [Fact]
        public async Task BearerAccessTokenWithIdentityTokenUsesTheOAuth2RefreshGrant()
        {
            using var tokens = new TokenServer(TokenServer.Mode.AccessToken, new Dictionary<string, string> { [User] = Password }, anonymousPull: false);
            using var registry = RegistryServer.Start(tokens.AuthYaml, tokens.ExtraFiles);
            using var dir = new TempDir();
            var log = new RecordingLog();

            // Username + password against an access_token server.
            using (var repo = RepositoryFactory.Open($"{registry.Host}/oauth/app", Options(new RegistryCredential(User, Password), log)))
            {
                var fixture = Fixture(dir, "pw");
                await RemoteRepositoryTests.PushArtifact(repo, fixture, null, "pw");
                await AssertReadable(repo, fixture);
            }
            Assert.Contains(tokens.Requests, r => r.StartsWith("GET basic=" + User));

            // An identity token only: POST grant_type=refresh_token.
            string identity = tokens.IssueRefreshToken(User);
            using (var repo = RepositoryFactory.Open($"{registry.Host}/oauth/app", Options(new RegistryCredential(null, null, identity), log)))
            {
                var fixture = Fixture(dir, "idtoken");
                await RemoteRepositoryTests.PushArtifact(repo, fixture, null, "idtoken");
                await AssertReadable(repo, fixture);
            }
            Assert.Contains(tokens.Requests, r => r.StartsWith("POST grant=refresh_token client_id=netboot-oci scope=repository:oauth/app:pull,push"));
            Assert.DoesNotContain(identity, log.All);

            // Anonymous pull is not allowed by this token server.
            using var anonymous = RepositoryFactory.Open($"{registry.Host}/oauth/app", Options(null, new RecordingLog()));
            var e = await Assert.ThrowsAsync<NetbootException>(() => anonymous.GetManifestAsync("pw", None));
            Assert.Equal(ErrorIds.AuthenticationFailed, e.ErrorId);
        }
    }
}
