using System.Collections.Generic;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Formats
{
    /// <summary>
    /// One way a per-architecture manifest was reached: a tag naming it directly, or an entry of an index
    /// that a tag named. The same manifest is often reached several ways (<c>fedora-40-amd64</c> and the
    /// <c>fedora-40</c> index); metadata is gathered from all of them.
    /// </summary>
    internal sealed class ManifestSighting
    {
        /// <summary>The tag the walk started from; null for a digest reference.</summary>
        public string? Tag { get; set; }
        /// <summary>The digest the tag (or digest reference) resolved to.</summary>
        public string TagDigest { get; set; } = "";
        /// <summary>The innermost index holding the entry; null when the tag names the manifest itself.</summary>
        public string? IndexDigest { get; set; }
        /// <summary>Number of entries of that index (1 for podman's per-arch index, format B).</summary>
        public int IndexEntryCount { get; set; }
        /// <summary>The index's own annotations.</summary>
        public SortedDictionary<string, string>? IndexAnnotations { get; set; }
        /// <summary>Platform of the entry (the nearest one that had a platform when indexes are nested).</summary>
        public Platform? Platform { get; set; }
        /// <summary>Annotations of the entry (outer entries merged under inner ones).</summary>
        public SortedDictionary<string, string>? EntryAnnotations { get; set; }
        public string? EntryArtifactType { get; set; }

        public bool Direct => IndexDigest == null;

        /// <summary>
        /// How specific the tag is for this manifest: 0 the tag names it, 1 a one-entry index (format B's
        /// per-arch tag), 2 a multi-architecture index. Lower wins when choosing the artifact's Tag.
        /// </summary>
        public int Rank => Direct ? 0 : IndexEntryCount == 1 ? 1 : 2;

        public string? EntryAnnotation(string key) =>
            EntryAnnotations != null && EntryAnnotations.TryGetValue(key, out var v) ? v : null;

        public string? IndexAnnotation(string key) =>
            IndexAnnotations != null && IndexAnnotations.TryGetValue(key, out var v) ? v : null;

        public string Describe() =>
            (Tag != null ? $"tag '{Tag}'" : $"digest {TagDigest}") + (Direct ? "" : $" (index {IndexDigest})");
    }
}
