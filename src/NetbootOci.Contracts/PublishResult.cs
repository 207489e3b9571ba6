using System.Collections.Generic;

namespace NetbootOci
{
    /// <summary>What Publish did (or, with WhatIf, would do). Property names are the CLI's JSON keys.</summary>
    public sealed class PublishResult
    {
        /// <summary>The per-architecture manifest, pinned: <c>repo:tag@sha256:…</c>.</summary>
        public string Reference { get; set; } = "";
        public string Name { get; set; } = "";
        public string Version { get; set; } = "";
        public string Architecture { get; set; } = "";
        /// <summary>Per-architecture tag (<c>name-version-arch</c> unless the reference named one).</summary>
        public string Tag { get; set; } = "";
        /// <summary>Digest of the per-architecture manifest.</summary>
        public string Digest { get; set; } = "";
        /// <summary>Multi-architecture index tag (<c>name-version</c>).</summary>
        public string IndexTag { get; set; } = "";
        public string IndexDigest { get; set; } = "";
        /// <summary>File names published, in layer order.</summary>
        public List<string> Files { get; set; } = new List<string>();
        /// <summary>True when a tag moved (or, with WhatIf, would move).</summary>
        public bool Changed { get; set; }
        /// <summary>Digest the per-architecture tag named before, when it moved (null when it was new or did not move).</summary>
        public string? PreviousDigest { get; set; }
        /// <summary>Digest the index tag named before, when it moved.</summary>
        public string? PreviousIndexDigest { get; set; }
        /// <summary>Blob bytes actually sent (skipped and mounted blobs count 0).</summary>
        public long BytesUploaded { get; set; }
        public bool WhatIf { get; set; }
        /// <summary>The manifest JSON exactly as pushed (or as it would be pushed).</summary>
        public string Manifest { get; set; } = "";

        /// <summary>Signatures written by this run (with a signing key): "classic KEYID sha256-….sig" / "bundle KEYID sha256:…".</summary>
        public List<string> Signatures { get; set; } = new List<string>();
    }
}
