namespace NetbootOci.Engine.Publish
{
    /// <summary>Annotation keys and types of the netboot artifact format C as this module writes it.</summary>
    public static class NetbootAnnotations
    {
        public const string ArtifactType = "application/vnd.org.pulpproject.netboot.artifact.v1";
        public const string FileMediaType = "application/x-netboot-file";

        public const string Title = "org.opencontainers.image.title";
        public const string Created = "org.opencontainers.image.created";
        public const string FormatVersion = "org.pulpproject.netboot.version";
        public const string OsName = "org.pulpproject.netboot.os.name";
        public const string OsVersion = "org.pulpproject.netboot.os.version";
        public const string OsArch = "org.pulpproject.netboot.os.arch";
        public const string EntryPoint = "org.pulpproject.netboot.entrypoint";
        public const string AltEntryPoint = "org.pulpproject.netboot.altentrypoint";
        public const string LegacyEntryPoint = "org.pulpproject.netboot.legacyentrypoint";

        /// <summary>The netboot format version written on manifests, index entries and the index.</summary>
        public const string CurrentFormatVersion = "1";
    }
}
