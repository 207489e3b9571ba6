using System.Collections.Generic;

namespace NetbootOci.Engine.Deploy
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
    }
}
