using System;

namespace NetbootOci.Engine.Oci
{
    /// <summary>How to reach registries: transport, credentials, limits. One instance may serve many repositories.</summary>
    public sealed class RegistryOptions
    {
        /// <summary>Speak plain HTTP to the registry. Only when asked (--plain-http, inventory plainHttp: true).</summary>
        public bool PlainHttp { get; set; }
        /// <summary>Explicit credentials; they win over the Docker config.</summary>
        public RegistryCredential? Credential { get; set; }
        /// <summary>Look in DOCKER_CONFIG / ~/.docker/config.json (auths, credHelpers, credsStore) when no explicit credential is given.</summary>
        public bool UseDockerConfig { get; set; } = true;
        /// <summary>A body read that makes no progress for this long fails with <see cref="ErrorIds.TransferStalled"/>.</summary>
        public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>Attempts after the first for 408/429/5xx and network errors.</summary>
        public int MaxRetries { get; set; } = 4;
        /// <summary>Base delay of the exponential backoff (doubling, with jitter) when no Retry-After is given.</summary>
        public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
        /// <summary>Client-side cap on tag-list pages followed through Link headers.</summary>
        public int MaxTagPages { get; set; } = 1000;
        /// <summary>Maximum accepted manifest size (distribution's own limit is 4 MiB).</summary>
        public int MaxManifestBytes { get; set; } = 4 << 20;
        public IEngineLog Log { get; set; } = NullEngineLog.Instance;
        public string UserAgent { get; set; } = "netboot-oci/" + typeof(RegistryOptions).Assembly.GetName().Version;
    }

    /// <summary>A username and password, or an identity (refresh) token. Never printed.</summary>
    public sealed class RegistryCredential
    {
        public RegistryCredential(string? username, string? password, string? identityToken = null)
        {
            Username = username;
            Password = password;
            IdentityToken = identityToken;
        }

        public string? Username { get; }
        public string? Password { get; }
        /// <summary>OAuth2 refresh token (Docker config "identitytoken", or a credential helper's "&lt;token&gt;" user).</summary>
        public string? IdentityToken { get; }

        public override string ToString() => $"credential for '{Username}' (secret hidden)";
    }
}
