namespace NetbootOci.Engine.Formats
{
    /// <summary>Media types and annotation keys of the netboot formats (see formats.md §0).</summary>
    public static class NetbootAnnotations
    {
        /// <summary>Format C artifactType (the current specification).</summary>
        public const string ArtifactType = "application/vnd.org.pulpproject.netboot.artifact.v1";
        /// <summary>What ORAS and podman write when not told the artifact type (formats A0, A, B).</summary>
        public const string UnknownArtifactType = "application/vnd.unknown.artifact.v1";
        /// <summary>An uncompressed netboot file layer (format C).</summary>
        public const string FileMediaType = "application/x-netboot-file";
        /// <summary>A zstd-compressed netboot file layer (formats A0, A).</summary>
        public const string ZstdFileMediaType = "application/x-netboot-file+zstd";

        public const string Prefix = "org.pulpproject.netboot.";
        /// <summary>Format marker <c>"1"</c> on manifests, indexes and index entries (formats B and C).</summary>
        public const string Version = "org.pulpproject.netboot.version";
        public const string OsName = "org.pulpproject.netboot.os.name";
        public const string OsVersion = "org.pulpproject.netboot.os.version";
        public const string OsArch = "org.pulpproject.netboot.os.arch";
        public const string EntryPoint = "org.pulpproject.netboot.entrypoint";
        public const string AltEntryPoint = "org.pulpproject.netboot.altentrypoint";
        public const string LegacyEntryPoint = "org.pulpproject.netboot.legacyentrypoint";
        /// <summary>Uncompressed digest of a zstd layer (format A).</summary>
        public const string SourceDigest = "org.pulpproject.netboot.src.digest";
        /// <summary>Uncompressed size of a zstd layer (format A).</summary>
        public const string SourceSize = "org.pulpproject.netboot.src.size";
        /// <summary>Uncompressed digest of a zstd layer in the nboci prototype (format A0).</summary>
        public const string PrototypeDigest = "org.pulpproject.netboot.digest";

        public const string Title = "org.opencontainers.image.title";
        public const string Created = "org.opencontainers.image.created";
        /// <summary>The netboot format version this module writes on manifests, index entries and the index.</summary>
        public const string CurrentFormatVersion = "1";
    }
}
