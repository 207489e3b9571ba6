using System;
using System.Collections.Generic;

namespace NetbootOci.Engine.Publish
{
    /// <summary>OCI (GOARCH) architecture names a netboot artifact may carry, and the common aliases mapped to them.</summary>
    public static class Architectures
    {
        public static readonly IReadOnlyList<string> Known = new[] { "amd64", "arm64", "ppc64le", "s390x", "386", "arm", "riscv64" };

        static readonly Dictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["x86_64"] = "amd64",
            ["aarch64"] = "arm64",
        };

        /// <summary>The OCI name for <paramref name="architecture"/>; throws <see cref="ErrorIds.UnknownArchitecture"/> otherwise.</summary>
        public static string Normalize(string architecture)
        {
            if (Aliases.TryGetValue(architecture, out var oci)) return oci;
            foreach (var known in Known)
                if (known == architecture) return known;
            throw new NetbootException(ErrorIds.UnknownArchitecture, FailureKind.InvalidArgument,
                $"Unknown architecture '{architecture}': use one of {string.Join(", ", Known)} (or x86_64, aarch64).", architecture);
        }
    }
}
