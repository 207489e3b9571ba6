using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// Finds credentials for a registry, in this order: the explicit <see cref="RegistryOptions.Credential"/>;
    /// then the Docker config (<c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>): a
    /// <c>credHelpers</c> entry for the host, else <c>credsStore</c>, else the <c>auths</c> entry
    /// (<c>auth</c> = base64 user:pass, <c>username</c>/<c>password</c>, <c>identitytoken</c>); then anonymous (null).
    /// </summary>
    internal static class CredentialSources
    {
        /// <summary>Docker Hub's key in config.json and for credential helpers.</summary>
        public const string DockerHubServer = "https://index.docker.io/v1/";

        public static async Task<RegistryCredential?> ResolveAsync(string registry, RegistryOptions options, CancellationToken cancellationToken)
        {
            if (options.Credential != null)
            {
                options.Log.Verbose($"Credentials for {registry}: explicit");
                return options.Credential;
            }
            if (!options.UseDockerConfig) return null;
            string? path = DockerConfigPath();
            if (path == null || !File.Exists(path))
            {
                options.Log.Verbose($"Credentials for {registry}: none (no Docker config), anonymous");
                return null;
            }
            var found = await FromDockerConfigAsync(path, registry, options.Log, cancellationToken).ConfigureAwait(false);
            if (found == null) options.Log.Verbose($"Credentials for {registry}: none in {path}, anonymous");
            return found;
        }

        public static string? DockerConfigPath()
        {
            string? dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
            if (string.IsNullOrEmpty(dir))
            {
                string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                if (string.IsNullOrEmpty(home)) home = Environment.GetEnvironmentVariable("HOME") ?? "";
                if (home.Length == 0) return null;
                dir = Path.Combine(home, ".docker");
            }
            return Path.Combine(dir!, "config.json");
        }

        static bool IsDockerHub(string registry) =>
            registry == OciReference.DockerHub || registry == "index.docker.io" || registry == "registry-1.docker.io";

        /// <summary>The server address helpers and config keys use: Docker Hub's legacy URL, else host[:port].</summary>
        public static string ServerAddress(string registry) => IsDockerHub(registry) ? DockerHubServer : registry;

        /// <summary>A config key without scheme and path ("https://reg.example:5000/v1/" is "reg.example:5000").</summary>
        static string NormaliseKey(string key)
        {
            string k = key.Trim();
            int scheme = k.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0) k = k.Substring(scheme + 3);
            int slash = k.IndexOf('/');
            if (slash >= 0) k = k.Substring(0, slash);
            return k.ToLowerInvariant();
        }

        static bool KeyMatches(string key, string registry)
        {
            string k = NormaliseKey(key);
            if (IsDockerHub(registry)) return IsDockerHub(k);
            return string.Equals(k, registry, StringComparison.OrdinalIgnoreCase);
        }

        static async Task<RegistryCredential?> FromDockerConfigAsync(string path, string registry, IEngineLog log, CancellationToken cancellationToken)
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(File.ReadAllBytes(path)); }
            catch (Exception e) when (e is JsonException || e is IOException || e is UnauthorizedAccessException)
            {
                log.Warning($"Docker config {path} is unreadable or not JSON; ignoring it ({e.GetType().Name}).");
                return null;
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) return null;
                if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
                {
                    foreach (var h in helpers.EnumerateObject())
                    {
                        if (!KeyMatches(h.Name, registry) || h.Value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(h.Value.GetString())) continue;
                        log.Verbose($"Credentials for {registry}: credHelpers -> {h.Value.GetString()}");
                        return await CredentialHelper.GetAsync(h.Value.GetString()!, ServerAddress(registry), log, cancellationToken).ConfigureAwait(false);
                    }
                }
                if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(store.GetString()))
                {
                    log.Verbose($"Credentials for {registry}: credsStore -> {store.GetString()}");
                    var fromStore = await CredentialHelper.GetAsync(store.GetString()!, ServerAddress(registry), log, cancellationToken).ConfigureAwait(false);
                    if (fromStore != null) return fromStore;
                }
                if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in auths.EnumerateObject())
                    {
                        if (!KeyMatches(entry.Name, registry) || entry.Value.ValueKind != JsonValueKind.Object) continue;
                        var credential = FromAuthEntry(entry.Value, entry.Name, path);
                        if (credential != null)
                        {
                            log.Verbose($"Credentials for {registry}: auths entry '{entry.Name}' in {path}");
                            return credential;
                        }
                    }
                }
                return null;
            }
        }

        static RegistryCredential? FromAuthEntry(JsonElement entry, string key, string path)
        {
            string? Str(string name) => entry.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0 ? v.GetString() : null;
            string? user = Str("username"), password = Str("password"), identity = Str("identitytoken");
            string? auth = Str("auth");
            if (auth != null)
            {
                string decoded;
                try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth)); }
                catch (FormatException)
                {
                    throw new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.InvalidData,
                        $"The 'auth' value of '{key}' in {path} is not valid base64.", path);
                }
                int colon = decoded.IndexOf(':');
                if (colon < 0)
                    throw new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.InvalidData,
                        $"The 'auth' value of '{key}' in {path} does not decode to user:password.", path);
                user = decoded.Substring(0, colon);
                password = decoded.Substring(colon + 1);
            }
            if (identity != null) return new RegistryCredential(user, null, identity);
            if (user != null && password != null) return new RegistryCredential(user, password);
            return null;
        }
    }
}
