using System;
using System.Collections.Generic;
using NetbootOci.Engine.Inventory;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Sync
{
    /// <summary>
    /// Opens each repository an inventory names once per run, with that registry's transport and credentials.
    /// Credentials are read from the environment variables the inventory names, at the moment they are needed.
    /// </summary>
    public sealed class RegistryConnections : IDisposable
    {
        readonly Dictionary<string, IOciRepository> _open = new Dictionary<string, IOciRepository>(StringComparer.Ordinal);
        readonly Func<string, string?> _environment;
        readonly IEngineLog _log;

        public RegistryConnections(IEngineLog log, Func<string, string?>? environment = null)
        {
            _log = log;
            _environment = environment ?? Environment.GetEnvironmentVariable;
        }

        /// <summary>Options used for every registry (timeouts, retries); credentials and plain HTTP come from the inventory.</summary>
        public Action<RegistryOptions>? Configure { get; set; }

        /// <summary><c>host/repo</c> or <c>oci:PATH[/repo]</c> of an operating system's repository.</summary>
        public static string RepositoryName(RegistryEntry registry, OperatingSystemEntry os)
        {
            string url = registry.Url.TrimEnd('/');
            if (string.IsNullOrEmpty(os.Repository)) return url;
            if (registry.IsLayout) return "oci:" + System.IO.Path.Combine(url.Substring(4), os.Repository!.Replace('/', System.IO.Path.DirectorySeparatorChar));
            return url + "/" + os.Repository;
        }

        public IOciRepository Open(RegistryEntry registry, OperatingSystemEntry os)
        {
            string name = RepositoryName(registry, os);
            if (_open.TryGetValue(name, out var repo)) return repo;
            var options = OptionsFor(registry, _log, _environment);
            Configure?.Invoke(options);
            repo = RepositoryFactory.Open(name, options);
            _open[name] = repo;
            return repo;
        }

        /// <summary>
        /// The one way an inventory registry becomes <see cref="RegistryOptions"/> (sync, and the cmdlet pipeline):
        /// its transport, and credentials read from the environment variables it names, at this moment.
        /// <paramref name="credential"/> (given on a command line) wins over the inventory's.
        /// </summary>
        public static RegistryOptions OptionsFor(RegistryEntry registry, IEngineLog log, Func<string, string?>? environment = null, RegistryCredential? credential = null)
        {
            var options = new RegistryOptions { PlainHttp = registry.PlainHttp, Log = log, UseDockerConfig = registry.DockerConfig };
            if (credential != null) options.Credential = credential;
            else if (registry.UsernameEnv != null && registry.PasswordEnv != null)
            {
                environment ??= Environment.GetEnvironmentVariable;
                string? user = environment(registry.UsernameEnv);
                string? password = environment(registry.PasswordEnv);
                if (string.IsNullOrEmpty(user) || password == null)
                    throw new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.AuthenticationError,
                        $"Registry '{registry.Name}' takes its credentials from ${registry.UsernameEnv} and ${registry.PasswordEnv}, which are not both set.", registry.Name);
                options.Credential = new RegistryCredential(user, password);
            }
            return options;
        }

        /// <summary>Options for an artifact from Get-NetbootArtifact -InventoryPath, from the registry settings it carries.</summary>
        public static RegistryOptions OptionsFor(InventoryRegistry registry, IEngineLog log, RegistryCredential? credential = null) =>
            OptionsFor(ToEntry(registry), log, null, credential);

        /// <summary>What a pipeline artifact carries about its registry: settings and variable names, no secret.</summary>
        public static InventoryRegistry Describe(RegistryEntry registry) => new InventoryRegistry
        {
            Name = registry.Name, Url = registry.Url, PlainHttp = registry.PlainHttp,
            UsernameEnv = registry.UsernameEnv, PasswordEnv = registry.PasswordEnv, DockerConfig = registry.DockerConfig,
        };

        static RegistryEntry ToEntry(InventoryRegistry r) => new RegistryEntry
        {
            Name = r.Name, Url = r.Url, PlainHttp = r.PlainHttp, UsernameEnv = r.UsernameEnv, PasswordEnv = r.PasswordEnv, DockerConfig = r.DockerConfig,
        };

        public void Dispose()
        {
            foreach (var repo in _open.Values) repo.Dispose();
            _open.Clear();
        }
    }
}
