using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Formats
{
    /// <summary>Name, version and architecture of one artifact, and where they came from.</summary>
    internal sealed class DerivedMetadata
    {
        public string Name { get; set; } = "";
        public string Version { get; set; } = "";
        public string Architecture { get; set; } = "";
        public string Source { get; set; } = "";
    }

    /// <summary>
    /// Derives an artifact's name, version and architecture. In order of trust:
    /// the nboci manifest annotations <c>os.name/os.version/os.arch</c> (formats A0, A);
    /// an index entry's <c>platform.os.version</c> (<c>fedora-40</c>) and <c>platform.architecture</c> (B, C);
    /// the tag <c>&lt;name&gt;-&lt;version&gt;-&lt;arch&gt;</c>. Fedora-style tags (<c>40-amd64</c>) carry no
    /// name, so they need the index entry.
    /// </summary>
    internal static class MetadataDeriver
    {
        // Name and version become directory names on boot servers: no separators, no dot-only names.
        static readonly Regex SafeSegment = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._+~-]*$", RegexOptions.CultureInvariant);

        /// <summary>Returns null with the reason when name, version or architecture cannot be derived, or is unsafe.</summary>
        public static DerivedMetadata? Derive(ImageManifest manifest, IReadOnlyList<ManifestSighting> sightings, out string reason)
        {
            string? arch = NonEmpty(manifest.Annotation(NetbootAnnotations.OsArch))
                ?? sightings.Select(s => NonEmpty(s.Platform?.Architecture)).FirstOrDefault(a => a != null)
                ?? sightings.Select(s => s.Tag == null ? null : ParseTag(s.Tag)?.Arch).FirstOrDefault(a => a != null);

            string? name = null, version = null, source = null;
            string? osName = NonEmpty(manifest.Annotation(NetbootAnnotations.OsName));
            string? osVersion = NonEmpty(manifest.Annotation(NetbootAnnotations.OsVersion));
            if (osName != null && osVersion != null)
            {
                name = osName; version = osVersion; source = "nboci annotations";
            }
            if (name == null)
            {
                foreach (var s in sightings)
                {
                    string? platformVersion = NonEmpty(s.Platform?.OsVersion);
                    if (platformVersion != null && SplitNameVersion(platformVersion, out name, out version))
                    {
                        source = $"platform os.version '{platformVersion}' of index {s.IndexDigest}";
                        break;
                    }
                }
            }
            if (name == null)
            {
                foreach (var s in sightings.Where(s => s.Tag != null))
                {
                    var parsed = ParseTag(s.Tag!);
                    if (parsed?.Name != null)
                    {
                        name = parsed.Name; version = parsed.Version; source = $"tag '{s.Tag}'";
                        break;
                    }
                }
            }

            if (name == null || version == null)
            {
                reason = "no operating system name and version: no org.pulpproject.netboot.os.name/os.version annotations, no index entry with platform os.version '<name>-<version>', and no tag '<name>-<version>-<arch>'";
                return null;
            }
            if (arch == null)
            {
                reason = "no architecture: no org.pulpproject.netboot.os.arch annotation, no index entry platform, and no tag ending in an architecture";
                return null;
            }
            arch = ArchitectureNames.Normalize(arch);
            foreach (var (what, value) in new[] { ("name", name), ("version", version), ("architecture", arch) })
            {
                if (!SafeSegment.IsMatch(value))
                {
                    reason = $"the {what} '{value}' (from {source}) is not a safe directory name (letters, digits, . _ + ~ -)";
                    return null;
                }
            }
            reason = "";
            return new DerivedMetadata { Name = name, Version = version, Architecture = arch, Source = source! };
        }

        /// <summary>
        /// Splits <c>fedora-40</c> into fedora / 40 and <c>centos-stream9</c> into centos / stream9: at the first
        /// '-' that starts a number, else at the first '-' (so a dashed name like <c>fedora-coreos-40</c> stays whole).
        /// </summary>
        public static bool SplitNameVersion(string text, out string? name, out string? version)
        {
            name = version = null;
            int cut = -1;
            for (int i = 1; i < text.Length - 1; i++)
                if (text[i] == '-' && char.IsDigit(text[i + 1])) { cut = i; break; }
            if (cut < 0) cut = text.IndexOf('-');
            if (cut <= 0 || cut == text.Length - 1) return false;
            name = text.Substring(0, cut);
            version = text.Substring(cut + 1);
            return true;
        }

        internal sealed class ParsedTag
        {
            public string? Name { get; set; }
            public string? Version { get; set; }
            public string Arch { get; set; } = "";
            /// <summary>The tag without its architecture suffix (where an index tag would be).</summary>
            public string Stem { get; set; } = "";
        }

        /// <summary>Parses <c>name-version-arch</c> (nboci, Foreman) or <c>version-arch</c> (Fedora: no name); null when the tag does not end in a known architecture.</summary>
        public static ParsedTag? ParseTag(string tag)
        {
            int dash = tag.LastIndexOf('-');
            if (dash <= 0) return null;
            string arch = tag.Substring(dash + 1);
            if (!ArchitectureNames.IsKnown(arch)) return null;
            string stem = tag.Substring(0, dash);
            var parsed = new ParsedTag { Arch = arch, Stem = stem };
            if (SplitNameVersion(stem, out var name, out var version))
            {
                parsed.Name = name;
                parsed.Version = version;
            }
            return parsed;
        }

        static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s!.Trim();
    }
}
