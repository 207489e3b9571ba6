using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Oci
{
    /// <summary>These tests change DOCKER_CONFIG and PATH, which are process-wide: they run alone.</summary>
    [CollectionDefinition("process environment", DisableParallelization = true)]
    public sealed class ProcessEnvironmentCollection { }

    /// <summary>Credentials from the Docker config: auths, credsStore and credHelpers through real helper programs.</summary>
    [Collection("process environment")]
    public class RemoteCredentialTests : IDisposable
    {
        static readonly CancellationToken None = CancellationToken.None;
        readonly TempDir _dir = new TempDir();
        readonly string? _oldConfig = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        readonly string? _oldPath = Environment.GetEnvironmentVariable("PATH");

        public RemoteCredentialTests()
        {
            Environment.SetEnvironmentVariable("DOCKER_CONFIG", _dir.Combine("docker"));
            Directory.CreateDirectory(_dir.Combine("docker"));
            Directory.CreateDirectory(_dir.Combine("bin"));
            Environment.SetEnvironmentVariable("PATH", _dir.Combine("bin") + Path.PathSeparator + _oldPath);
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("DOCKER_CONFIG", _oldConfig);
            Environment.SetEnvironmentVariable("PATH", _oldPath);
            _dir.Dispose();
        }

        void WriteConfig(object config) => File.WriteAllText(_dir.Combine("docker", "config.json"), JsonSerializer.Serialize(config));

        /// <summary>A docker-credential-NAME script: prints <paramref name="json"/> for <paramref name="server"/>, "not found" otherwise; logs stdin.</summary>
        string WriteHelper(string name, string server, string json, int exitCode = 0)
        {
            string log = _dir.Combine(name + ".stdin");
            string script = $"#!/bin/sh\n[ \"$1\" = get ] || exit 9\nread -r url || true\nprintf '%s\\n' \"$url\" >> '{log}'\n" +
                (exitCode != 0 ? $"echo 'leaked-helper-output'; exit {exitCode}\n" : "") +
                $"if [ \"$url\" = '{server}' ]; then printf '%s' '{json}'; exit 0; fi\necho 'credentials not found in native keychain'; exit 1\n";
            string path = _dir.Combine("bin", "docker-credential-" + name);
            File.WriteAllText(path, script);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return log;
        }

        static RegistryOptions Options(RecordingLog log, RegistryCredential? explicitCredential = null) =>
            new RegistryOptions { PlainHttp = true, Credential = explicitCredential, Log = log, RetryBaseDelay = TimeSpan.FromMilliseconds(20) };

        static string Auth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

        [Fact]
        public async Task AuthsEntriesGiveBasicCredentialsAndExplicitOnesWin()
        {
            using var registry = RemoteAuthTests.StartBasic();
            // Keys may carry a scheme and a path; they are matched on host:port.
            WriteConfig(new { auths = new Dictionary<string, object> { [$"http://{registry.Host}/v1/"] = new { auth = Auth(RemoteAuthTests.User, RemoteAuthTests.Password) } } });
            var log = new RecordingLog();
            using (var repo = RepositoryFactory.Open($"{registry.Host}/cfg/app", Options(log)))
                Assert.Empty(await TagsOrEmpty(repo));
            Assert.Contains(log.Lines, l => l.Contains("auths entry"));
            Assert.DoesNotContain(RemoteAuthTests.Password, log.All);

            // username/password fields, and a wrong config entry beaten by an explicit credential.
            WriteConfig(new { auths = new Dictionary<string, object> { [registry.Host] = new { username = RemoteAuthTests.User, password = "wrong-one" } } });
            using (var wrong = RepositoryFactory.Open($"{registry.Host}/cfg/app", Options(new RecordingLog())))
            {
                var e = await Assert.ThrowsAsync<NetbootException>(() => wrong.ListTagsAsync(None));
                Assert.Equal(ErrorIds.AuthenticationFailed, e.ErrorId);
            }
            using (var repo = RepositoryFactory.Open($"{registry.Host}/cfg/app", Options(new RecordingLog(), new RegistryCredential(RemoteAuthTests.User, RemoteAuthTests.Password))))
                Assert.Empty(await TagsOrEmpty(repo));

            // No entry for this host: anonymous, which this registry refuses.
            WriteConfig(new { auths = new Dictionary<string, object> { ["other.example:5000"] = new { auth = Auth("a", "b") } } });
            using (var anonymous = RepositoryFactory.Open($"{registry.Host}/cfg/app", Options(new RecordingLog())))
            {
                var e = await Assert.ThrowsAsync<NetbootException>(() => anonymous.ListTagsAsync(None));
                Assert.Contains("no credentials", e.Message);
            }
        }

        /// <summary>Listing an empty repository: NAME_UNKNOWN after authenticating proves the credentials worked.</summary>
        static async Task<IReadOnlyList<string>> TagsOrEmpty(IOciRepository repo)
        {
            try { return await repo.ListTagsAsync(None); }
            catch (NetbootException e) when (e.ErrorId == ErrorIds.RepositoryNotFound) { return new string[0]; }
        }

        [Fact]
        public async Task CredsStoreAndCredHelpersRunTheHelperWithTheServerOnStdin()
        {
            using var registry = RemoteAuthTests.StartBasic();
            string stdinLog = WriteHelper("test", registry.Host, $"{{\"ServerURL\":\"{registry.Host}\",\"Username\":\"{RemoteAuthTests.User}\",\"Secret\":\"{RemoteAuthTests.Password}\"}}");
            WriteConfig(new { credsStore = "test", auths = new Dictionary<string, object> { [registry.Host] = new { } } });
            var log = new RecordingLog();
            using (var repo = RepositoryFactory.Open($"{registry.Host}/helper/app", Options(log)))
                Assert.Empty(await TagsOrEmpty(repo));
            Assert.Equal(registry.Host, File.ReadAllText(stdinLog).Trim());
            Assert.Contains(log.Lines, l => l.Contains("credsStore -> test"));
            Assert.DoesNotContain(RemoteAuthTests.Password, log.All);

            // credHelpers for this host wins over credsStore; a failing helper is CredentialHelperFailed, its output not quoted.
            WriteHelper("broken", registry.Host, "{}", exitCode: 3);
            WriteConfig(new { credsStore = "test", credHelpers = new Dictionary<string, string> { [registry.Host] = "broken" } });
            using (var repo = RepositoryFactory.Open($"{registry.Host}/helper/app", Options(new RecordingLog())))
            {
                var e = await Assert.ThrowsAsync<NetbootException>(() => repo.ListTagsAsync(None));
                Assert.Equal(ErrorIds.CredentialHelperFailed, e.ErrorId);
                Assert.Contains("broken", e.Message);
                Assert.DoesNotContain("leaked-helper-output", e.Message);
            }

            // A helper that is not installed.
            WriteConfig(new { credHelpers = new Dictionary<string, string> { [registry.Host] = "absent-helper" } });
            using (var repo = RepositoryFactory.Open($"{registry.Host}/helper/app", Options(new RecordingLog())))
            {
                var e = await Assert.ThrowsAsync<NetbootException>(() => repo.ListTagsAsync(None));
                Assert.Equal(ErrorIds.CredentialHelperFailed, e.ErrorId);
            }

            // The store has nothing for this host: falls back to the auths entry.
            WriteHelper("empty", "some.other.host", "{}");
            WriteConfig(new { credsStore = "empty", auths = new Dictionary<string, object> { [registry.Host] = new { auth = Auth(RemoteAuthTests.User, RemoteAuthTests.Password) } } });
            using (var repo = RepositoryFactory.Open($"{registry.Host}/helper/app", Options(new RecordingLog())))
                Assert.Empty(await TagsOrEmpty(repo));
        }

        [Fact]
        public async Task IdentityTokensFromConfigAndHelpersUseTheRefreshGrant()
        {
            using var tokens = new TokenServer(TokenServer.Mode.AccessToken, new Dictionary<string, string> { [RemoteAuthTests.User] = RemoteAuthTests.Password }, anonymousPull: false);
            using var registry = RegistryServer.Start(tokens.AuthYaml, tokens.ExtraFiles);
            string identity = tokens.IssueRefreshToken(RemoteAuthTests.User);
            WriteConfig(new { auths = new Dictionary<string, object> { [registry.Host] = new { auth = "", identitytoken = identity } } });
            var log = new RecordingLog();
            using (var repo = RepositoryFactory.Open($"{registry.Host}/idt/app", Options(log)))
                Assert.Empty(await TagsOrEmpty(repo));
            Assert.Contains(tokens.Requests, r => r.StartsWith("POST grant=refresh_token"));
            Assert.DoesNotContain(identity, log.All);

            // A helper answering with Username "<token>": the secret is an identity token.
            string second = tokens.IssueRefreshToken(RemoteAuthTests.User);
            WriteHelper("tok", registry.Host, $"{{\"ServerURL\":\"{registry.Host}\",\"Username\":\"<token>\",\"Secret\":\"{second}\"}}");
            WriteConfig(new { credHelpers = new Dictionary<string, string> { [registry.Host] = "tok" } });
            int before = tokens.Requests.Count;
            using (var repo = RepositoryFactory.Open($"{registry.Host}/idt/other", Options(new RecordingLog())))
                Assert.Empty(await TagsOrEmpty(repo));
            var after = tokens.Requests;
            Assert.Contains(after, r => r.StartsWith("POST grant=refresh_token") && r.Contains("idt/other"));
        }

        [Fact]
        public async Task DockerHubUsesTheLegacyIndexKey()
        {
            WriteConfig(new { auths = new Dictionary<string, object> { ["https://index.docker.io/v1/"] = new { auth = Auth("hubuser", "hubpass") } } });
            var found = await NetbootOci.Engine.Oci.Remote.CredentialSources.ResolveAsync("docker.io", Options(new RecordingLog()), None);
            Assert.Equal("hubuser", found!.Username);
            Assert.Null(await NetbootOci.Engine.Oci.Remote.CredentialSources.ResolveAsync("quay.io", Options(new RecordingLog()), None));
            string stdinLog = WriteHelper("hub", "https://index.docker.io/v1/", "{\"Username\":\"helperuser\",\"Secret\":\"x\"}");
            WriteConfig(new { credsStore = "hub" });
            var fromHelper = await NetbootOci.Engine.Oci.Remote.CredentialSources.ResolveAsync("docker.io", Options(new RecordingLog()), None);
            Assert.Equal("helperuser", fromHelper!.Username);
            Assert.Equal("https://index.docker.io/v1/", File.ReadAllText(stdinLog).Trim());
        }
    }
}
