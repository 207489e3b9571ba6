using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace NetbootOci.Engine.Oci
{
    /// <summary>An OCI content descriptor (image-spec descriptor.md). Property order is the serialised order.</summary>
    public sealed class Descriptor
    {
        [JsonPropertyName("mediaType")] public string MediaType { get; set; } = "";
        [JsonPropertyName("digest")] public string Digest { get; set; } = "";
        [JsonPropertyName("size")] public long Size { get; set; }
        [JsonPropertyName("urls")] public List<string>? Urls { get; set; }
        [JsonPropertyName("data")] public string? Data { get; set; }
        [JsonPropertyName("annotations")] public SortedDictionary<string, string>? Annotations { get; set; }
        [JsonPropertyName("platform")] public Platform? Platform { get; set; }
        [JsonPropertyName("artifactType")] public string? ArtifactType { get; set; }

        public string? Annotation(string key) =>
            Annotations != null && Annotations.TryGetValue(key, out var v) ? v : null;

        /// <summary>The OCI empty descriptor: config <c>{}</c> with its data inlined, as ORAS and podman write it.</summary>
        public static Descriptor EmptyJson() => new Descriptor
        {
            MediaType = MediaTypes.OciEmpty,
            Digest = Oci.Digest.EmptyJson,
            Size = 2,
            Data = "e30=",
        };

        public override string ToString() => $"{MediaType} {Digest} ({Size} bytes)";
    }

    /// <summary>Platform of an index entry. <c>os.version</c> carries the netboot OS name and version (<c>fedora-40</c>).</summary>
    public sealed class Platform
    {
        [JsonPropertyName("architecture")] public string Architecture { get; set; } = "";
        [JsonPropertyName("os")] public string Os { get; set; } = "";
        [JsonPropertyName("os.version")] public string? OsVersion { get; set; }
        [JsonPropertyName("os.features")] public List<string>? OsFeatures { get; set; }
        [JsonPropertyName("variant")] public string? Variant { get; set; }
    }
}
