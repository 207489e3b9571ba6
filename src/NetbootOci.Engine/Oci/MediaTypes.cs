namespace NetbootOci.Engine.Oci
{
    /// <summary>Media types the client and the formats speak.</summary>
    public static class MediaTypes
    {
        public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
        public const string OciIndex = "application/vnd.oci.image.index.v1+json";
        public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
        public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
        public const string OciEmpty = "application/vnd.oci.empty.v1+json";
        public const string OciImageConfig = "application/vnd.oci.image.config.v1+json";
        public const string OctetStream = "application/octet-stream";

        /// <summary>Accept header for manifests: OCI first (distribution 2.8 answers 404 for OCI content without it).</summary>
        public const string ManifestAccept = OciManifest + ", " + OciIndex + ", " + DockerManifest + ", " + DockerManifestList;

        public static bool IsIndex(string? mediaType) => mediaType == OciIndex || mediaType == DockerManifestList;
        public static bool IsManifest(string? mediaType) => mediaType == OciManifest || mediaType == DockerManifest;
    }
}
