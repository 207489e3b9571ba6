using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Publish
{
    /// <summary>The manifest exactly as it will be pushed: its bytes (serialised once) and their digest.</summary>
    public sealed class BuiltManifest
    {
        public BuiltManifest(ImageManifest model, byte[] bytes)
        {
            Model = model;
            Bytes = bytes;
            Digest = Oci.Digest.Sha256(bytes);
        }

        public ImageManifest Model { get; }
        public byte[] Bytes { get; }
        public string Digest { get; }
        public string MediaType => MediaTypes.OciManifest;
        public Descriptor ToDescriptor() => new Descriptor { MediaType = MediaType, Digest = Digest, Size = Bytes.LongLength };
    }

    /// <summary>
    /// Builds the format C manifest: empty <c>{}</c> config, the netboot artifactType, one
    /// <c>application/x-netboot-file</c> layer per file sorted by title, and annotations that let the
    /// manifest describe itself without an index (format version, os.name/version/arch, entry points).
    /// </summary>
    public static class NetbootManifestBuilder
    {
        static readonly HashSet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
        {
            NetbootAnnotations.Version, NetbootAnnotations.OsName, NetbootAnnotations.OsVersion, NetbootAnnotations.OsArch,
            NetbootAnnotations.EntryPoint, NetbootAnnotations.AltEntryPoint, NetbootAnnotations.LegacyEntryPoint, NetbootAnnotations.Created,
        };

        /// <summary>Rejects user annotations that are empty or that would overwrite the keys Publish sets itself.</summary>
        public static void ValidateUserAnnotations(IDictionary<string, string> annotations)
        {
            foreach (var kv in annotations)
            {
                if (string.IsNullOrWhiteSpace(kv.Key))
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "An annotation has an empty key.");
                if (Reserved.Contains(kv.Key))
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument,
                        $"Annotation '{kv.Key}' is set by Publish itself; use the matching parameter instead.", kv.Key);
                if (kv.Value == null)
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, $"Annotation '{kv.Key}' has no value.", kv.Key);
            }
        }

        /// <param name="files">Hashed files; layers follow title order (ordinal) whatever order they come in.</param>
        /// <param name="architecture">OCI architecture name (already normalised).</param>
        public static BuiltManifest Build(IEnumerable<PublishFile> files, string name, string version, string architecture,
            string? entryPoint, string? altEntryPoint, string? legacyEntryPoint, IDictionary<string, string>? userAnnotations, DateTimeOffset? created)
        {
            var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (userAnnotations != null)
                foreach (var kv in userAnnotations) annotations[kv.Key] = kv.Value;
            annotations[NetbootAnnotations.Version] = NetbootAnnotations.CurrentFormatVersion;
            annotations[NetbootAnnotations.OsName] = name;
            annotations[NetbootAnnotations.OsVersion] = version;
            annotations[NetbootAnnotations.OsArch] = architecture;
            if (!string.IsNullOrEmpty(entryPoint)) annotations[NetbootAnnotations.EntryPoint] = entryPoint!;
            if (!string.IsNullOrEmpty(altEntryPoint)) annotations[NetbootAnnotations.AltEntryPoint] = altEntryPoint!;
            if (!string.IsNullOrEmpty(legacyEntryPoint)) annotations[NetbootAnnotations.LegacyEntryPoint] = legacyEntryPoint!;
            if (created.HasValue)
                annotations[NetbootAnnotations.Created] = created.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

            var manifest = new ImageManifest
            {
                SchemaVersion = 2,
                MediaType = MediaTypes.OciManifest,
                ArtifactType = NetbootAnnotations.ArtifactType,
                Config = Descriptor.EmptyJson(),
                Layers = files.OrderBy(f => f.Title, StringComparer.Ordinal).Select(f => f.ToLayer()).ToList(),
                Annotations = annotations,
            };
            return new BuiltManifest(manifest, OciJson.Serialize(manifest));
        }
    }
}
