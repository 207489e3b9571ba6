using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// An artifact checked and turned into what Save deploys: safe file names, the store blobs they need (one per
    /// content digest, however many titles share it) and the entry-point links. Built before anything is written;
    /// every refusal names the layer and the title.
    /// </summary>
    internal sealed class DeployPlan
    {
        public static readonly string[] LinkNames = { "boot", "boot-alt", "boot-legacy" };

        public NetbootArtifact Artifact { get; private set; } = null!;
        public string ManifestDigest => Artifact.Digest;
        public List<NetbootFile> Files { get; } = new List<NetbootFile>();
        /// <summary>One representative file per content digest: what the store needs.</summary>
        public List<NetbootFile> Contents { get; } = new List<NetbootFile>();
        /// <summary>boot/boot-alt/boot-legacy → file name (only for entry points that name a file of the artifact).</summary>
        public SortedDictionary<string, string> Links { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
        public List<string> Warnings { get; } = new List<string>();

        public static DeployPlan Build(NetbootArtifact artifact, SaveOptions options)
        {
            string who = artifact.Reference.Length > 0 ? artifact.Reference : artifact.ToString();
            if (!Digest.IsValid(artifact.Digest))
                throw new NetbootException(ErrorIds.InvalidDigest, FailureKind.InvalidArgument, $"The artifact {who} has no valid manifest digest ('{artifact.Digest}').", artifact.Digest);
            if (artifact.Files.Count == 0)
                throw new NetbootException(ErrorIds.MetadataMissing, FailureKind.InvalidData, $"The artifact {who} has no files to deploy.", who);
            if (artifact.Files.Count > options.MaxFiles)
                throw new NetbootException(ErrorIds.TooManyLayers, FailureKind.InvalidData,
                    $"The artifact {who} has {artifact.Files.Count} layers; more than {options.MaxFiles} is not a netboot file set.", who);

            var plan = new DeployPlan { Artifact = artifact };
            var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var contents = new Dictionary<string, NetbootFile>(StringComparer.Ordinal);
            for (int i = 0; i < artifact.Files.Count; i++)
            {
                var file = artifact.Files[i];
                string layer = $"layer {i} ({file.Digest})";
                string? problem = FileNameRules.Problem(file.Name);
                if (problem == null && Array.IndexOf(LinkNames, file.Name) >= 0 && !string.IsNullOrEmpty(EntryFor(artifact, file.Name)))
                    problem = "it is the name of an entry-point link";
                if (problem != null)
                    throw new NetbootException(ErrorIds.UnsafeFileName, FailureKind.InvalidData,
                        $"The artifact {who} is refused: {layer} has the title '{Printable(file.Name)}', which is not a safe file name: {problem}.", file.Name);
                if (names.TryGetValue(file.Name, out int first))
                    throw new NetbootException(ErrorIds.DuplicateFileName, FailureKind.InvalidData,
                        $"The artifact {who} is refused: {layer} and layer {first} both have the title '{file.Name}' (names are compared case-insensitively, as on Windows).", file.Name);
                names[file.Name] = i;
                Digest.Validate(file.Digest, $"{layer} '{file.Name}' of {who}");
                if (file.Size < 0)
                    throw new NetbootException(ErrorIds.SizeMismatch, FailureKind.InvalidData, $"{layer} '{file.Name}' of {who} declares a negative size.", file.Name);
                if (file.Compression != "none" && file.Compression != "zstd")
                    throw new NetbootException(ErrorIds.DecompressionFailed, FailureKind.InvalidData,
                        $"{layer} '{file.Name}' of {who} is compressed with '{file.Compression}', which Save cannot read (format {artifact.Format}).", file.Name);
                string contentDigest = string.IsNullOrEmpty(file.ContentDigest) ? (file.Compression == "none" ? file.Digest : "") : file.ContentDigest;
                if (contentDigest.Length == 0)
                    throw new NetbootException(ErrorIds.MetadataMissing, FailureKind.InvalidData,
                        $"{layer} '{file.Name}' of {who} is zstd-compressed but has no org.pulpproject.netboot.src.digest to check the content against.", file.Name);
                Digest.Validate(contentDigest, $"{layer} '{file.Name}' of {who} (content digest)");
                if (file.Compression == "none" && contentDigest != file.Digest)
                    throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData,
                        $"{layer} '{file.Name}' of {who} is uncompressed but declares a content digest {contentDigest} different from its blob digest {file.Digest}.", file.Name);
                var normalised = new NetbootFile
                {
                    Name = file.Name, Digest = file.Digest, Size = file.Size, MediaType = file.MediaType, Compression = file.Compression,
                    ContentDigest = contentDigest, ContentSize = file.Compression == "none" ? file.Size : file.ContentSize,
                };
                plan.Files.Add(normalised);
                if (!contents.ContainsKey(contentDigest))
                {
                    contents[contentDigest] = normalised;
                    plan.Contents.Add(normalised);
                }
                string? small = ContentSniffer.SizeProblem(file.Name, normalised.ContentSize);
                if (small != null)
                {
                    string message = ContentSniffer.Describe(normalised, who, small);
                    if (options.Strict) throw new NetbootException(ErrorIds.SuspiciousContent, FailureKind.InvalidData, message + " Refused (-Strict).", file.Name);
                    plan.Warnings.Add(message);
                }
            }

            AddLink(plan, "boot", artifact.EntryPoint, who);
            AddLink(plan, "boot-alt", artifact.AltEntryPoint, who);
            AddLink(plan, "boot-legacy", artifact.LegacyEntryPoint, who);
            return plan;
        }

        static string? EntryFor(NetbootArtifact a, string link) =>
            link == "boot" ? a.EntryPoint : link == "boot-alt" ? a.AltEntryPoint : a.LegacyEntryPoint;

        /// <summary>nboci links the base name of the entry point; an empty one gets no link (never a dangling one).</summary>
        static void AddLink(DeployPlan plan, string link, string? entryPoint, string who)
        {
            if (string.IsNullOrEmpty(entryPoint)) return;
            string baseName = entryPoint!.Replace('\\', '/');
            baseName = baseName.Substring(baseName.LastIndexOf('/') + 1);
            var file = plan.Files.FirstOrDefault(f => f.Name == baseName);
            if (file == null)
            {
                plan.Warnings.Add($"The artifact {who} names '{entryPoint}' as its {link} entry point, but has no such file; no '{link}' link is created.");
                return;
            }
            plan.Links[link] = file.Name;
        }

        static string Printable(string name)
        {
            var chars = name.Select(c => c < 0x20 || c == 0x7f ? $"\\u{(int)c:x4}" : c.ToString());
            return string.Concat(chars);
        }
    }
}
