using System;
using System.Collections.Generic;
using System.Linq;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Publish
{
    /// <summary>
    /// Puts one architecture's manifest into the multi-architecture index: the entry with the same platform
    /// (os, architecture, variant) is replaced, every other entry is kept as it was, and entries are ordered by
    /// architecture so the same set of manifests always gives the same index bytes.
    /// </summary>
    public static class IndexMerger
    {
        public static ImageIndex Merge(ImageIndex? existing, Descriptor manifest, string architecture, string osVersion)
        {
            var entry = new Descriptor
            {
                MediaType = manifest.MediaType,
                Digest = manifest.Digest,
                Size = manifest.Size,
                Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    [NetbootAnnotations.Version] = NetbootAnnotations.CurrentFormatVersion,
                },
                Platform = new Platform { Architecture = architecture, Os = "linux", OsVersion = osVersion },
                ArtifactType = NetbootAnnotations.ArtifactType,
            };

            var entries = (existing?.Manifests ?? new List<Descriptor>())
                .Where(m => !SamePlatform(m.Platform, entry.Platform))
                .ToList();
            entries.Add(entry);
            // Stable sort: equal keys keep their order from the existing index.
            entries = entries
                .Select((m, i) => new { m, i })
                .OrderBy(x => x.m.Platform?.Architecture ?? "", StringComparer.Ordinal)
                .ThenBy(x => x.m.Platform?.Variant ?? "", StringComparer.Ordinal)
                .ThenBy(x => x.i)
                .Select(x => x.m)
                .ToList();

            var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (existing?.Annotations != null)
                foreach (var kv in existing.Annotations) annotations[kv.Key] = kv.Value;
            annotations[NetbootAnnotations.Version] = NetbootAnnotations.CurrentFormatVersion;

            return new ImageIndex
            {
                SchemaVersion = 2,
                MediaType = MediaTypes.OciIndex,
                Manifests = entries,
                Annotations = annotations,
            };
        }

        static bool SamePlatform(Platform? a, Platform? b) =>
            a != null && b != null
            && string.Equals(a.Os, b.Os, StringComparison.Ordinal)
            && string.Equals(a.Architecture, b.Architecture, StringComparison.Ordinal)
            && string.Equals(a.Variant ?? "", b.Variant ?? "", StringComparison.Ordinal);
    }
}
