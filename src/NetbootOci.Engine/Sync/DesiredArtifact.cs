using System.Collections.Generic;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Inventory;

namespace NetbootOci.Engine.Sync
{
    /// <summary>One artifact one proxy should serve, with everything the inventory says about it.</summary>
    public sealed class DesiredArtifact
    {
        public ProxyEntry Proxy { get; set; } = null!;
        public OperatingSystemEntry OperatingSystem { get; set; } = null!;
        public RegistryEntry Registry { get; set; } = null!;
        public NetbootArtifact Artifact { get; set; } = null!;
        public SignaturePolicy SignaturePolicy { get; set; }
        /// <summary>The OS's keys, else the registry's.</summary>
        public List<string> Keys { get; set; } = new List<string>();
        public string? RekorKey { get; set; }
        /// <summary>Hosts of this proxy that boot this OS and architecture.</summary>
        public List<HostEntry> Hosts { get; set; } = new List<HostEntry>();

        public override string ToString() => $"{Proxy.Name}: {OperatingSystem.Id} {Artifact.Architecture}";
    }

    /// <summary>Something that could not be synced, and why. Other artifacts still are.</summary>
    public sealed class SyncFailure
    {
        public string Proxy { get; set; } = "";
        /// <summary>OS id (<c>name-version</c>), or empty for a proxy-wide failure (e.g. prune).</summary>
        public string OperatingSystem { get; set; } = "";
        public string? Architecture { get; set; }
        /// <summary>Registry name from the inventory.</summary>
        public string? Registry { get; set; }
        /// <summary>discover, verify, save, link or prune.</summary>
        public string Step { get; set; } = "";
        public string ErrorId { get; set; } = "";
        public string Message { get; set; } = "";

        public override string ToString() => $"{Proxy}: {OperatingSystem}{(Architecture != null ? " " + Architecture : "")}: {Step} failed: {ErrorId}: {Message}";
    }

    /// <summary>The desired artifacts of the selected proxies, and the OSes that could not be resolved.</summary>
    public sealed class DesiredState
    {
        public List<DesiredArtifact> Artifacts { get; } = new List<DesiredArtifact>();
        public List<SyncFailure> Failures { get; } = new List<SyncFailure>();
        /// <summary>Proxies in inventory order.</summary>
        public List<ProxyEntry> Proxies { get; } = new List<ProxyEntry>();
    }
}
