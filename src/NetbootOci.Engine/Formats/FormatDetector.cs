using System;
using System.Collections.Generic;
using System.Linq;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Formats
{
    /// <summary>
    /// Tells which netboot format a manifest is in (formats.md §0), from the manifest and every index
    /// entry that pointed at it. Returns null, with the reason, for anything that is not netboot
    /// (container images, cosign signatures, other artifacts).
    /// </summary>
    internal static class FormatDetector
    {
        const string CosignSignatureLayer = "application/vnd.dev.cosign.simplesigning.v1+json";
        static readonly string[] ImageConfigTypes = { MediaTypes.OciImageConfig, "application/vnd.docker.container.image.v1+json" };

        public static NetbootFormat? Detect(ImageManifest manifest, IReadOnlyCollection<ManifestSighting> sightings, out string reason)
        {
            var layers = manifest.Layers;
            bool zstdLayers = layers.Any(l => l.MediaType == NetbootAnnotations.ZstdFileMediaType);
            bool rawLayers = layers.Any(l => l.MediaType == NetbootAnnotations.FileMediaType);
            bool prototypeLayers = layers.Any(l => l.Annotation(NetbootAnnotations.PrototypeDigest) != null);
            bool sourceLayers = layers.Any(l => l.Annotation(NetbootAnnotations.SourceDigest) != null);
            bool nbociAnnotations = manifest.Annotations != null && manifest.Annotations.Keys.Any(k =>
                k.StartsWith(NetbootAnnotations.Prefix + "os.", StringComparison.Ordinal) || k.EndsWith("entrypoint", StringComparison.Ordinal) && k.StartsWith(NetbootAnnotations.Prefix, StringComparison.Ordinal));
            bool zeroByteConfig = manifest.Config?.Digest == Digest.EmptyBytes;
            bool markedOnIndex = sightings.Any(s =>
                s.EntryAnnotation(NetbootAnnotations.Version) != null || s.EntryArtifactType == NetbootAnnotations.ArtifactType ||
                s.IndexAnnotation(NetbootAnnotations.Version) != null);
            bool markedOnManifest = manifest.Annotation(NetbootAnnotations.Version) != null;

            reason = "";
            if (manifest.ArtifactType == NetbootAnnotations.ArtifactType) return NetbootFormat.Spec;
            // The prototype pushed with oras: a 0-byte "empty" config and the layer annotation ...netboot.digest.
            if (prototypeLayers || zstdLayers && zeroByteConfig && !sourceLayers) return NetbootFormat.NbociPrototype;
            if (zstdLayers || sourceLayers || nbociAnnotations) return NetbootFormat.Nboci;
            // Spec-shaped layers whose producer did not set the artifactType (spec drafts before 516b45e).
            if (rawLayers) return NetbootFormat.Spec;
            // podman 5 without --artifact-type: only the index entry says this is netboot; layer types are guessed.
            if (markedOnIndex || markedOnManifest) return NetbootFormat.PodmanIndex;

            reason = Describe(manifest);
            return null;
        }

        static string Describe(ImageManifest manifest)
        {
            if (manifest.Layers.Any(l => l.MediaType == CosignSignatureLayer)) return "a cosign signature";
            if (manifest.Subject != null) return $"a referrer of {manifest.Subject.Digest} (artifact type '{manifest.ArtifactType ?? manifest.Config?.MediaType}')";
            if (manifest.Config != null && ImageConfigTypes.Contains(manifest.Config.MediaType)) return "a container image";
            return $"an artifact of type '{manifest.ArtifactType ?? manifest.Config?.MediaType ?? "none"}' without netboot markers";
        }
    }
}
