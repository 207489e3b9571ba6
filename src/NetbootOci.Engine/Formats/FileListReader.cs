using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Formats
{
    /// <summary>
    /// Turns a netboot manifest's layers into files (one layer, one file, named by its title) and finds
    /// the entry points. Any titled layer counts (podman guessed types such as application/vnd.efi.img);
    /// <c>+zstd</c> layers are compressed and carry the uncompressed digest in an annotation.
    /// </summary>
    internal static class FileListReader
    {
        public static List<NetbootFile> ReadFiles(ImageManifest manifest, string where, IEngineLog log)
        {
            var files = new List<NetbootFile>();
            foreach (var layer in manifest.Layers)
            {
                if (layer == null)
                    throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData, $"{where} has a null layer.", where);
                string? title = layer.Annotation(NetbootAnnotations.Title);
                // podman writes the empty descriptor as the only layer of an artifact with no files.
                if (string.IsNullOrEmpty(title) && layer.MediaType == MediaTypes.OciEmpty) continue;
                Digest.Validate(layer.Digest, $"a layer of {where}");
                if (string.IsNullOrEmpty(title))
                    throw new NetbootException(ErrorIds.MetadataMissing, FailureKind.InvalidData,
                        $"Layer {layer.Digest} of {where} has no {NetbootAnnotations.Title} annotation: its file name is unknown.", layer.Digest);
                if (layer.Size < 0)
                    throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData, $"Layer '{title}' of {where} has a negative size.", title);
                string mediaType = layer.MediaType ?? "";
                if (mediaType.Contains(".tar") || mediaType.EndsWith("+gzip", StringComparison.Ordinal))
                    throw new NetbootException(ErrorIds.UnknownFormat, FailureKind.InvalidData,
                        $"Layer '{title}' of {where} is an archive ('{mediaType}'), not a netboot file.", title);

                var file = new NetbootFile { Name = title!, Digest = layer.Digest, Size = layer.Size, MediaType = mediaType };
                if (mediaType.EndsWith("+zstd", StringComparison.Ordinal))
                {
                    file.Compression = "zstd";
                    string? source = layer.Annotation(NetbootAnnotations.SourceDigest) ?? layer.Annotation(NetbootAnnotations.PrototypeDigest);
                    if (source != null) file.ContentDigest = Digest.Validate(source, $"the uncompressed digest of '{title}' in {where}");
                    else log.Warning($"'{title}' in {where} is zstd-compressed without {NetbootAnnotations.SourceDigest}: only the compressed blob can be verified.");
                    string? size = layer.Annotation(NetbootAnnotations.SourceSize);
                    if (size != null)
                    {
                        if (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out long contentSize))
                            throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData,
                                $"{NetbootAnnotations.SourceSize} '{size}' of '{title}' in {where} is not a size in bytes.", title);
                        file.ContentSize = contentSize;
                    }
                }
                else
                {
                    file.Compression = "none";
                    file.ContentDigest = layer.Digest;
                    file.ContentSize = layer.Size;
                }
                files.Add(file);
            }
            return files;
        }

        /// <summary>
        /// Entry points from the nboci annotations (an empty value means "none": nboci writes the key anyway).
        /// Formats without them (B, C) get them from well-known names: shim*.efi, else grub*.efi, boots;
        /// grub*.efi is the alternative when there is a shim; pxelinux.0 (or grub*.0) is the legacy BIOS one.
        /// </summary>
        public static void SetEntryPoints(NetbootArtifact artifact, ImageManifest manifest)
        {
            var names = artifact.Files.Select(f => f.Name).ToList();
            string? shim = names.FirstOrDefault(n => Is(n, "shim", ".efi"));
            string? grub = names.FirstOrDefault(n => Is(n, "grub", ".efi"));
            string? legacy = names.FirstOrDefault(n => string.Equals(n, "pxelinux.0", StringComparison.OrdinalIgnoreCase)) ?? names.FirstOrDefault(n => Is(n, "grub", ".0"));

            artifact.EntryPoint = Annotated(manifest, NetbootAnnotations.EntryPoint, shim ?? grub);
            artifact.AltEntryPoint = Annotated(manifest, NetbootAnnotations.AltEntryPoint, shim != null ? grub : null);
            artifact.LegacyEntryPoint = Annotated(manifest, NetbootAnnotations.LegacyEntryPoint, legacy);
        }

        static string? Annotated(ImageManifest manifest, string key, string? inferred)
        {
            if (manifest.Annotations == null || !manifest.Annotations.TryGetValue(key, out var value)) return inferred;
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        static bool Is(string name, string prefix, string suffix) =>
            name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }
}
