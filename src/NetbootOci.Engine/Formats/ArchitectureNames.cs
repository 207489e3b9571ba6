using System;
using System.Collections.Generic;
using System.Linq;

namespace NetbootOci.Engine.Formats
{
    /// <summary>
    /// Architecture names: artifacts use both kernel names (x86_64, aarch64: nboci) and OCI/GOARCH names
    /// (amd64, arm64: podman, the spec). The model always carries the OCI name.
    /// </summary>
    public static class ArchitectureNames
    {
        // OCI name -> other spellings seen in tags, annotations and on the command line.
        static readonly Dictionary<string, string[]> Aliases = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["amd64"] = new[] { "x86_64", "x86-64", "x64" },
            ["arm64"] = new[] { "aarch64", "aa64" },
            ["386"] = new[] { "i386", "i486", "i586", "i686", "x86" },
            ["arm"] = new[] { "armv7l", "armv7", "armhfp", "armhf" },
            ["ppc64le"] = new[] { "ppc64el" },
            ["ppc64"] = Array.Empty<string>(),
            ["s390x"] = Array.Empty<string>(),
            ["riscv64"] = Array.Empty<string>(),
            ["loong64"] = new[] { "loongarch64" },
            ["mips64le"] = new[] { "mips64el" },
        };

        static readonly Dictionary<string, string> ToOci = BuildLookup();

        static Dictionary<string, string> BuildLookup()
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var kv in Aliases)
            {
                map[kv.Key] = kv.Key;
                foreach (var alias in kv.Value) map[alias] = kv.Key;
            }
            return map;
        }

        /// <summary>True when <paramref name="name"/> is a known architecture in any spelling.</summary>
        public static bool IsKnown(string? name) => name != null && ToOci.ContainsKey(name);

        /// <summary>The OCI name for any known spelling (x86_64 -> amd64); unknown names are returned lower-cased.</summary>
        public static string Normalize(string name)
        {
            string trimmed = name.Trim();
            return ToOci.TryGetValue(trimmed, out var oci) ? oci : trimmed.ToLowerInvariant();
        }

        /// <summary>The OCI name followed by its other spellings (what an architecture filter may be written as).</summary>
        public static IEnumerable<string> Spellings(string ociName) =>
            Aliases.TryGetValue(ociName, out var aliases) ? new[] { ociName }.Concat(aliases) : new[] { ociName };
    }
}
