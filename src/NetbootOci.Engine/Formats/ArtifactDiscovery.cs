using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Formats
{
    /// <summary>Finds the netboot artifacts in a repository, whatever format they were published in.</summary>
    public static class ArtifactDiscovery
    {
        /// <summary>
        /// With <paramref name="tagOrDigest"/> null: lists the repository's tags (skipping signature and referrer tags)
        /// and resolves each; otherwise resolves that one. Indexes are walked to per-architecture manifests.
        /// Returns one artifact per OS, version and architecture that passes <paramref name="filter"/>.
        /// Metadata that cannot be derived is a warning on <paramref name="log"/> naming the tag.
        /// </summary>
        public static Task<IReadOnlyList<NetbootArtifact>> DiscoverAsync(IOciRepository repository, string? tagOrDigest,
            ArtifactFilter? filter, IEngineLog log, CancellationToken cancellationToken)
        {
            throw new NotImplementedException("ArtifactDiscovery is being written (issue 2).");
        }
    }

    /// <summary>Wildcard filters (PowerShell-style * and ?), case-insensitive; null matches all.</summary>
    public sealed class ArtifactFilter
    {
        public string[]? Name { get; set; }
        public string[]? Version { get; set; }
        public string[]? Architecture { get; set; }
    }
}
