using System.Collections.Generic;

namespace NetbootOci
{
    /// <summary>The netboot layouts found in registries (see README "Formats").</summary>
    public enum NetbootFormat
    {
        /// <summary>A0: nboci prototype (oras CLI): zstd layers, 0-byte config, layer annotation org.pulpproject.netboot.digest.</summary>
        NbociPrototype,
        /// <summary>A: nboci: zstd layers, os.* and entry-point manifest annotations, src.digest/src.size per layer.</summary>
        Nboci,
        /// <summary>B: podman-era Foreman: metadata on index entries, per-arch tag itself an index, guessed layer types.</summary>
        PodmanIndex,
        /// <summary>C: the current specification: artifactType application/vnd.org.pulpproject.netboot.artifact.v1.</summary>
        Spec,
    }

    /// <summary>
    /// One operating system, version and architecture as published in a registry: the model every format
    /// maps to. Property names are public API: they bind by name to the next cmdlet's parameters and are
    /// the keys of the CLI's JSON.
    /// </summary>
    public sealed class NetbootArtifact
    {
        public string Name { get; set; } = "";
        public string Version { get; set; } = "";
        /// <summary>OCI architecture name (amd64, arm64, ppc64le, s390x).</summary>
        public string Architecture { get; set; } = "";
        /// <summary>A reference pinned to the manifest: <c>registry/repo:tag@sha256:…</c> (or <c>oci:PATH:tag@…</c>).</summary>
        public string Reference { get; set; } = "";
        /// <summary><c>registry/repo</c> or <c>oci:PATH</c>.</summary>
        public string Repository { get; set; } = "";
        public string? Tag { get; set; }
        /// <summary>Digest of the per-architecture manifest holding the files.</summary>
        public string Digest { get; set; } = "";
        /// <summary>Digest of the index the manifest was reached through, if any.</summary>
        public string? IndexDigest { get; set; }
        public NetbootFormat Format { get; set; }
        public List<NetbootFile> Files { get; set; } = new List<NetbootFile>();
        /// <summary>
        /// What to boot first (Secure Boot: the shim). From the nboci annotations where present (an empty value
        /// there means none); otherwise from well-known names: shim*.efi, else grub*.efi.
        /// </summary>
        public string? EntryPoint { get; set; }
        /// <summary>The boot loader without shim (grub*.efi) when there is a shim.</summary>
        public string? AltEntryPoint { get; set; }
        /// <summary>The BIOS boot file (pxelinux.0, else grub*.0).</summary>
        public string? LegacyEntryPoint { get; set; }
        public SortedDictionary<string, string> Annotations { get; set; } = new SortedDictionary<string, string>();
        /// <summary>Sum of the blob sizes (what a download costs).</summary>
        public long Size { get; set; }

        // Set only by Get-NetbootArtifact -InventoryPath: the proxy's settings, named like the parameters of the
        // next cmdlets so `| Test-NetbootSignature -PassThru | Save-NetbootArtifact | Set-NetbootLink` binds them.

        /// <summary>Inventory: the proxy this artifact is for.</summary>
        public string? Proxy { get; set; }
        /// <summary>Inventory: the proxy's TFTP/HTTP root (Save-NetbootArtifact -Destination).</summary>
        public string? Destination { get; set; }
        /// <summary>Inventory: the proxy's entry layout (Save-NetbootArtifact -PathTemplate).</summary>
        public string? PathTemplate { get; set; }
        /// <summary>Inventory: symlink, hardlink or copy; null for the platform default (Set-NetbootLink -LinkType).</summary>
        public string? LinkType { get; set; }
        /// <summary>Inventory: the proxy's OS alias templates (Set-NetbootLink -Name).</summary>
        public string[]? Aliases { get; set; }
        /// <summary>Inventory: MAC addresses of the hosts that boot this OS and architecture (Set-NetbootLink -MacAddress).</summary>
        public string[]? MacAddress { get; set; }
        /// <summary>Inventory: where host entries go (Set-NetbootLink -HostTemplate); null for the default.</summary>
        public string? HostTemplate { get; set; }
        /// <summary>Inventory: trusted public key files (Test-NetbootSignature -Key).</summary>
        public string[]? Key { get; set; }
        /// <summary>Inventory: Rekor public key files (Test-NetbootSignature -RekorKey).</summary>
        public string[]? RekorKey { get; set; }
        /// <summary>Inventory: required, optional or ignore.</summary>
        public string? SignaturePolicy { get; set; }
        /// <summary>
        /// Inventory: how to reach the registry the artifact came from (plain HTTP, the names of the credential
        /// variables, the Docker config), so Test-NetbootSignature and Save-NetbootArtifact connect as sync does.
        /// </summary>
        public InventoryRegistry? Registry { get; set; }

        public override string ToString() => $"{Name} {Version} {Architecture} ({Reference})";
    }

    /// <summary>
    /// An inventory registry as an artifact carries it: connection settings and the <em>names</em> of the environment
    /// variables holding the credentials, never their values (they are read by the engine when it connects).
    /// </summary>
    public sealed class InventoryRegistry
    {
        /// <summary>The registry's name in the inventory.</summary>
        public string Name { get; set; } = "";
        /// <summary><c>host[:port][/path]</c> (scheme removed), or <c>oci:FULLPATH</c>.</summary>
        public string Url { get; set; } = "";
        /// <summary>Plain HTTP (<c>http://</c> URL or <c>plainHttp: true</c>).</summary>
        public bool PlainHttp { get; set; }
        /// <summary>Name of the environment variable holding the user name.</summary>
        public string? UsernameEnv { get; set; }
        /// <summary>Name of the environment variable holding the password or token.</summary>
        public string? PasswordEnv { get; set; }
        /// <summary>Credentials from DOCKER_CONFIG / ~/.docker/config.json.</summary>
        public bool DockerConfig { get; set; }

        public override string ToString()
        {
            string how = UsernameEnv != null ? $"credentials from ${UsernameEnv}/${PasswordEnv}" : DockerConfig ? "Docker config" : "anonymous";
            return $"{Name} ({(PlainHttp ? "http://" : "")}{Url}, {how})";
        }
    }

    /// <summary>One boot file of an artifact: one layer.</summary>
    public sealed class NetbootFile
    {
        /// <summary>File name from org.opencontainers.image.title.</summary>
        public string Name { get; set; } = "";
        /// <summary>Digest of the layer blob as stored in the registry.</summary>
        public string Digest { get; set; } = "";
        /// <summary>Size of the layer blob.</summary>
        public long Size { get; set; }
        public string MediaType { get; set; } = "";
        /// <summary>"none" or "zstd".</summary>
        public string Compression { get; set; } = "none";
        /// <summary>Digest of the file as deployed (after decompression; equals <see cref="Digest"/> when uncompressed).</summary>
        public string ContentDigest { get; set; } = "";
        /// <summary>Size of the file as deployed, or -1 when the artifact does not say.</summary>
        public long ContentSize { get; set; } = -1;

        public override string ToString() => $"{Name} {ContentDigest}";
    }
}
