using System.Collections.Generic;

namespace NetbootOci
{
    /// <summary>
    /// What Save did to one artifact. Property names bind by name to Set-NetbootLink
    /// (<c>Destination</c>, <c>Path</c>) and are the CLI's JSON keys.
    /// </summary>
    public sealed class SaveResult
    {
        public string Name { get; set; } = "";
        public string Version { get; set; } = "";
        public string Architecture { get; set; } = "";
        /// <summary>The pinned reference that was saved.</summary>
        public string Reference { get; set; } = "";
        public string Digest { get; set; } = "";
        /// <summary>The destination root (the TFTP/HTTP root).</summary>
        public string Destination { get; set; } = "";
        /// <summary>The deployed OS entry (e.g. ROOT/fedora/40/amd64), whose files the boot server serves.</summary>
        public string Path { get; set; } = "";
        public bool Changed { get; set; }
        /// <summary>Digest deployed at <see cref="Path"/> before this run, or null when there was none.</summary>
        public string? PreviousDigest { get; set; }
        public long BytesDownloaded { get; set; }
        /// <summary>File names deployed in the entry.</summary>
        public List<string> Files { get; set; } = new List<string>();
        public List<string> Warnings { get; set; } = new List<string>();
        public string? EntryPoint { get; set; }
        public string? AltEntryPoint { get; set; }
        public string? LegacyEntryPoint { get; set; }
        /// <summary>The per-manifest tree the entry points at (ROOT/.netboot-oci/trees/&lt;hex&gt;).</summary>
        public string? Tree { get; set; }
        /// <summary>With -WhatIf: blob bytes a real run would download.</summary>
        public long BytesToDownload { get; set; }
        /// <summary>With -Verify: files that did not match and were repaired.</summary>
        public List<string> Repaired { get; set; } = new List<string>();
        /// <summary>With -Prune: bytes of store blobs and leftovers removed.</summary>
        public long BytesFreed { get; set; }
        /// <summary>With -Prune: trees, blobs and leftovers removed.</summary>
        public List<string> Pruned { get; set; } = new List<string>();

        // Carried from an inventory artifact (Get-NetbootArtifact -InventoryPath) so `| Set-NetbootLink` makes the
        // proxy's aliases and host entries without extra parameters; null when the artifact came from elsewhere.

        /// <summary>Inventory: OS alias templates (Set-NetbootLink -Name).</summary>
        public string[]? Aliases { get; set; }
        /// <summary>Inventory: hosts that boot this OS and architecture (Set-NetbootLink -MacAddress).</summary>
        public string[]? MacAddress { get; set; }
        /// <summary>Inventory: where host entries go (Set-NetbootLink -HostTemplate).</summary>
        public string? HostTemplate { get; set; }
        /// <summary>Inventory: symlink, hardlink or copy (Set-NetbootLink -LinkType).</summary>
        public string? LinkType { get; set; }
    }
}
