using System.Collections.Generic;
using System.Linq;

namespace NetbootOci.Engine.Inventory
{
    /// <summary>What to do about signatures for an OS: refuse unsigned (required), verify when present (optional), or skip (ignore).</summary>
    public enum SignaturePolicy
    {
        Required,
        Optional,
        Ignore,
    }

    /// <summary>A validated site description: every reference between sections resolves, every path stays inside its root.</summary>
    public sealed class SiteInventory
    {
        public const int SchemaVersion = 1;

        /// <summary>Every file read, in load order (given files, then their includes), full paths.</summary>
        public List<string> Files { get; } = new List<string>();
        public List<RegistryEntry> Registries { get; } = new List<RegistryEntry>();
        public List<OperatingSystemEntry> OperatingSystems { get; } = new List<OperatingSystemEntry>();
        public List<ProxyEntry> Proxies { get; } = new List<ProxyEntry>();

        public RegistryEntry? Registry(string name) => Registries.FirstOrDefault(r => r.Name == name);
        public OperatingSystemEntry? OperatingSystem(string id) => OperatingSystems.FirstOrDefault(o => o.Id == id);
        public ProxyEntry? Proxy(string name) => Proxies.FirstOrDefault(p => p.Name == name);
    }

    /// <summary>A registry (or an OCI image-layout directory) and how to trust and reach it. Credentials are only references.</summary>
    public sealed class RegistryEntry
    {
        public string Name { get; set; } = "";
        /// <summary><c>host[:port][/prefix]</c>, or <c>oci:FULLPATH</c> for an image-layout directory.</summary>
        public string Url { get; set; } = "";
        public bool IsLayout => Url.StartsWith("oci:", System.StringComparison.Ordinal);
        public bool PlainHttp { get; set; }
        /// <summary>Name of the environment variable holding the user name (never the value).</summary>
        public string? UsernameEnv { get; set; }
        /// <summary>Name of the environment variable holding the password or token (never the value).</summary>
        public string? PasswordEnv { get; set; }
        /// <summary>Use DOCKER_CONFIG / ~/.docker/config.json for this registry.</summary>
        public bool DockerConfig { get; set; }
        /// <summary>Trusted public keys (full paths).</summary>
        public List<string> Keys { get; } = new List<string>();
        public string? RekorKey { get; set; }
        public SignaturePolicy SignaturePolicy { get; set; } = SignaturePolicy.Optional;
        public SourceLocation Location { get; set; } = null!;
    }

    /// <summary>One operating system version to deploy, in the architectures listed.</summary>
    public sealed class OperatingSystemEntry
    {
        public string Name { get; set; } = "";
        public string Version { get; set; } = "";
        /// <summary><c>name-version</c>: how proxies and hosts refer to it.</summary>
        public string Id => Name + "-" + Version;
        public List<string> Architectures { get; } = new List<string>();
        public string Registry { get; set; } = "";
        /// <summary>Repository below the registry URL (null: the URL is the repository).</summary>
        public string? Repository { get; set; }
        public string? Tag { get; set; }
        public string? Digest { get; set; }
        /// <summary>Keys for this OS; when empty the registry's keys apply.</summary>
        public List<string> Keys { get; } = new List<string>();
        public string? RekorKey { get; set; }
        /// <summary>Null: the registry's policy applies.</summary>
        public SignaturePolicy? SignaturePolicy { get; set; }
        public SourceLocation Location { get; set; } = null!;

        public override string ToString() => Id;
    }

    /// <summary>A boot server: a TFTP/HTTP root that gets the listed OSes, their aliases and host entries.</summary>
    public sealed class ProxyEntry
    {
        public const string DefaultPathTemplate = "{os}/{version}/{arch}";

        public string Name { get; set; } = "";
        /// <summary>Full path of the TFTP/HTTP root.</summary>
        public string Root { get; set; } = "";
        public string PathTemplate { get; set; } = DefaultPathTemplate;
        /// <summary><c>symlink</c>, <c>hardlink</c> or <c>copy</c>; null: the platform default.</summary>
        public string? LinkType { get; set; }
        /// <summary>OS ids (<c>name-version</c>).</summary>
        public List<string> OperatingSystems { get; } = new List<string>();
        /// <summary>Alias templates (<c>boot/{os}-{version}-{arch}-{file}</c>) applied to every OS of this proxy.</summary>
        public List<string> Aliases { get; } = new List<string>();
        /// <summary>Where host entries go (must contain {mac}); null: the link engine's default <c>host-config/{mac}/</c>.</summary>
        public string? HostTemplate { get; set; }
        public List<HostEntry> Hosts { get; } = new List<HostEntry>();
        public SourceLocation Location { get; set; } = null!;
    }

    /// <summary>A host that boots one OS from a proxy.</summary>
    public sealed class HostEntry
    {
        /// <summary>Normalised <c>aa:bb:cc:dd:ee:ff</c>.</summary>
        public string Mac { get; set; } = "";
        /// <summary>OS id (<c>name-version</c>).</summary>
        public string OperatingSystem { get; set; } = "";
        /// <summary>Architecture: given as <c>name-version-arch</c>, or the OS's only architecture.</summary>
        public string Architecture { get; set; } = "";
        public SourceLocation Location { get; set; } = null!;
    }
}
