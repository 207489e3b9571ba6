using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace NetbootOci.Engine.Oci
{
    /// <summary>An OCI image manifest (or Docker schema 2, which has the same shape).</summary>
    public sealed class ImageManifest
    {
        [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; set; } = 2;
        [JsonPropertyName("mediaType")] public string? MediaType { get; set; } = MediaTypes.OciManifest;
        [JsonPropertyName("artifactType")] public string? ArtifactType { get; set; }
        [JsonPropertyName("config")] public Descriptor Config { get; set; } = Descriptor.EmptyJson();
        [JsonPropertyName("layers")] public List<Descriptor> Layers { get; set; } = new List<Descriptor>();
        [JsonPropertyName("subject")] public Descriptor? Subject { get; set; }
        [JsonPropertyName("annotations")] public SortedDictionary<string, string>? Annotations { get; set; }

        public string? Annotation(string key) =>
            Annotations != null && Annotations.TryGetValue(key, out var v) ? v : null;
    }

    /// <summary>An OCI image index (or Docker manifest list).</summary>
    public sealed class ImageIndex
    {
        [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; set; } = 2;
        [JsonPropertyName("mediaType")] public string? MediaType { get; set; } = MediaTypes.OciIndex;
        [JsonPropertyName("artifactType")] public string? ArtifactType { get; set; }
        [JsonPropertyName("manifests")] public List<Descriptor> Manifests { get; set; } = new List<Descriptor>();
        [JsonPropertyName("subject")] public Descriptor? Subject { get; set; }
        [JsonPropertyName("annotations")] public SortedDictionary<string, string>? Annotations { get; set; }

        public string? Annotation(string key) =>
            Annotations != null && Annotations.TryGetValue(key, out var v) ? v : null;
    }
}
