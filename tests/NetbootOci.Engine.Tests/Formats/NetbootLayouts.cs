using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;

namespace NetbootOci.Engine.Tests.Formats
{
    /// <summary>
    /// Writes OCI image layouts holding netboot artifacts exactly as each producer shaped them
    /// (formats.md §0-5): field order as Go marshals the structs, annotation maps sorted, compact JSON.
    /// zstd layers are compressed by the real zstd binary.
    /// </summary>
    public sealed class NetbootLayouts
    {
        public const string NetbootType = "application/vnd.org.pulpproject.netboot.artifact.v1";
        public const string UnknownType = "application/vnd.unknown.artifact.v1";
        public const string Raw = "application/x-netboot-file";
        public const string Zstd = "application/x-netboot-file+zstd";
        const string Empty = "application/vnd.oci.empty.v1+json";
        static readonly JsonSerializerOptions Compact = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        readonly string _work;

        public NetbootLayouts(string path, string work)
        {
            Path = path;
            _work = work;
            Directory.CreateDirectory(work);
            Repository = new OciLayoutRepository(path);
        }

        public string Path { get; }
        public OciLayoutRepository Repository { get; }
        /// <summary>Manifest and index digests by tag (and by "name" for untagged ones).</summary>
        public Dictionary<string, string> Digests { get; } = new Dictionary<string, string>();
        /// <summary>Uncompressed sha256 of every file written, by "arch/title".</summary>
        public Dictionary<string, string> ContentDigests { get; } = new Dictionary<string, string>();

        /// <summary>Distinct, non-trivial content for one boot file (over 4 KiB, so it never looks like an error page).</summary>
        public static byte[] FileBytes(string title, string flavour) =>
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"{title} for {flavour}; ", 400)));

        // ---- format A0: nboci prototype (oras push, 0-byte config, ...netboot.digest) ----
        public string Prototype(string tag, string name, string version, string arch, params string[] titles)
        {
            PushBlob(Array.Empty<byte>());
            var layers = titles.Select(t => ZstdLayer(t, $"{name} {version} {arch}", arch, prototype: true)).ToArray();
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciManifest,
                ["artifactType"] = UnknownType,
                ["config"] = new JsonObject { ["mediaType"] = Empty, ["digest"] = Digest.EmptyBytes, ["size"] = 0 },
                ["layers"] = new JsonArray(layers),
                ["annotations"] = Sorted(new Dictionary<string, string>
                {
                    ["org.opencontainers.image.created"] = "2024-02-28T10:11:12Z",
                    ["org.pulpproject.netboot.os.name"] = name,
                    ["org.pulpproject.netboot.os.version"] = version,
                    ["org.pulpproject.netboot.os.arch"] = arch,
                    ["org.pulpproject.netboot.entrypoint"] = titles[0],
                }),
            };
            return PushManifest(manifest, tag);
        }

        // ---- format A: nboci (zstd, os.*, entry points, src.digest/src.size) ----
        public string Nboci(string tag, string name, string version, string arch, string entry, string alt, string legacy, params string[] titles)
        {
            PushEmptyConfig();
            var layers = titles.Select(t => ZstdLayer(t, $"{name} {version} {arch}", arch, prototype: false)).ToArray();
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciManifest,
                ["artifactType"] = UnknownType,
                ["config"] = EmptyConfig(),
                ["layers"] = new JsonArray(layers),
                ["annotations"] = Sorted(new Dictionary<string, string>
                {
                    ["org.pulpproject.netboot.entrypoint"] = entry,
                    ["org.pulpproject.netboot.altentrypoint"] = alt,
                    ["org.pulpproject.netboot.legacyentrypoint"] = legacy,
                    ["org.pulpproject.netboot.os.arch"] = arch,
                    ["org.pulpproject.netboot.os.name"] = name,
                    ["org.pulpproject.netboot.os.version"] = version,
                }),
            };
            return PushManifest(manifest, tag);
        }

        /// <summary>A content manifest as podman's <c>manifest add --artifact</c> writes it (guessed types unless given).</summary>
        public (string Digest, long Size) ArtifactManifest(string? tag, string? artifactType, string flavour, string arch,
            IDictionary<string, string>? annotations, params (string Title, string MediaType)[] files)
        {
            PushEmptyConfig();
            var layers = files.Select(f => RawLayer(f.Title, f.MediaType, flavour, arch)).ToArray();
            var manifest = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciManifest };
            if (artifactType != null) manifest["artifactType"] = artifactType;
            manifest["config"] = EmptyConfig();
            manifest["layers"] = new JsonArray(layers);
            if (annotations != null) manifest["annotations"] = Sorted(annotations);
            byte[] bytes = Bytes(manifest);
            string digest = Repository.PushManifestAsync(bytes, MediaTypes.OciManifest, tag, CancellationToken.None).GetAwaiter().GetResult();
            Digests[tag ?? $"{flavour} {arch}"] = digest;
            return (digest, bytes.Length);
        }

        /// <summary>An index entry as podman writes it: platform, then artifactType; annotations before platform (Go field order).</summary>
        public static JsonObject Entry((string Digest, long Size) manifest, string arch, string? osVersion, string? artifactType, IDictionary<string, string>? annotations)
        {
            var entry = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = manifest.Digest, ["size"] = manifest.Size };
            if (annotations != null) entry["annotations"] = Sorted(annotations);
            var platform = new JsonObject { ["architecture"] = arch, ["os"] = "linux" };
            if (osVersion != null) platform["os.version"] = osVersion;
            entry["platform"] = platform;
            if (artifactType != null) entry["artifactType"] = artifactType;
            return entry;
        }

        public (string Digest, long Size) Index(string? tag, IDictionary<string, string>? annotations, params JsonObject[] entries)
        {
            var index = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciIndex,
                ["manifests"] = new JsonArray(entries.Select(e => (JsonNode)e.DeepClone()).ToArray()),
            };
            if (annotations != null) index["annotations"] = Sorted(annotations);
            byte[] bytes = Bytes(index);
            string digest = Repository.PushManifestAsync(bytes, MediaTypes.OciIndex, tag, CancellationToken.None).GetAwaiter().GetResult();
            if (tag != null) Digests[tag] = digest;
            return (digest, bytes.Length);
        }

        // ---- format B: podman 5 era Foreman (per-arch tag is an index of one; metadata on entries) ----
        public static readonly (string, string)[] PodmanGuessedFiles =
        {
            ("grubx64.efi", "application/octet-stream"), ("initrd.img", "application/vnd.efi.img"), ("install.img", "application/vnd.efi.img"),
            ("pxelinux.0", "application/octet-stream"), ("shim.efi", "application/octet-stream"), ("vmlinuz", "application/octet-stream"),
        };

        public void PodmanEra(string distro, string version, params string[] arches)
        {
            var version1 = new Dictionary<string, string> { ["org.pulpproject.netboot.version"] = "1" };
            var entries = new List<JsonObject>();
            foreach (var arch in arches)
            {
                var m = ArtifactManifest(null, UnknownType, $"{distro} {version} (podman)", arch, null, PodmanGuessedFiles);
                var entry = Entry(m, arch, $"{distro}-{version}", UnknownType, version1);
                Index($"{distro}-{version}-{arch}", null, entry);
                entries.Add(entry);
            }
            Index($"{distro}-{version}", null, entries.ToArray());
        }

        // ---- format C: the spec (Foreman nboci-files and Fedora kickstart-artifacts) ----
        public static (string, string)[] SpecFiles(params string[] titles) => titles.Select(t => (t, Raw)).ToArray();

        /// <summary>Foreman: per-arch tags <c>distro-version-arch</c>, index <c>distro-version</c>; podman cannot annotate the manifest.</summary>
        public void ForemanSpec(string distro, string version, IDictionary<string, string[]> filesByArch)
        {
            var version1 = new Dictionary<string, string> { ["org.pulpproject.netboot.version"] = "1" };
            var entries = new List<JsonObject>();
            foreach (var kv in filesByArch)
            {
                var m = ArtifactManifest($"{distro}-{version}-{kv.Key}", NetbootType, $"{distro} {version} (foreman)", kv.Key, null, SpecFiles(kv.Value));
                entries.Add(Entry(m, kv.Key, $"{distro}-{version}", NetbootType, version1));
            }
            Index($"{distro}-{version}", version1, entries.ToArray());
        }

        public const string FedoraSource = "https://gitlab.com/fedora/bootc/artifacts/kickstart-artifacts";

        /// <summary>Fedora kickstart-artifacts: per-arch tags <c>version-arch</c>, index <c>version</c>, source annotation everywhere.</summary>
        public void FedoraSpec(string version, IDictionary<string, string[]> filesByArch)
        {
            var annotations = new Dictionary<string, string> { ["org.opencontainers.image.source"] = FedoraSource, ["org.pulpproject.netboot.version"] = "1" };
            var entries = new List<JsonObject>();
            foreach (var kv in filesByArch)
            {
                var m = ArtifactManifest($"{version}-{kv.Key}", NetbootType, $"fedora {version} (fedora)", kv.Key, annotations, SpecFiles(kv.Value));
                entries.Add(Entry(m, kv.Key, $"fedora-{version}", NetbootType, annotations));
            }
            Index(version, annotations, entries.ToArray());
        }

        // ---- things that are not netboot ----
        /// <summary>A plain single-layer container image (real image config, gzip layer).</summary>
        public string ContainerImage(string tag)
        {
            byte[] config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"config\":{}}");
            var configDesc = PushBlob(config);
            byte[] layer = GzipOf(Encoding.UTF8.GetBytes("not a tar, but skopeo does not care"));
            var layerDesc = PushBlob(layer);
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciManifest,
                ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciImageConfig, ["digest"] = configDesc.Digest, ["size"] = configDesc.Size },
                ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip", ["digest"] = layerDesc.Digest, ["size"] = layerDesc.Size }),
            };
            return PushManifest(manifest, tag);
        }

        /// <summary>A cosign signature of <paramref name="signed"/> under cosign's tag <c>sha256-&lt;hex&gt;.sig</c>.</summary>
        public string CosignSignature(string signed)
        {
            string payload = "{\"critical\":{\"identity\":{\"docker-reference\":\"example/netboot\"},\"image\":{\"docker-manifest-digest\":\"" + signed + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
            var payloadDesc = PushBlob(Encoding.UTF8.GetBytes(payload));
            byte[] config = Encoding.UTF8.GetBytes("{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + payloadDesc.Digest + "\"]},\"config\":{}}");
            var configDesc = PushBlob(config);
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciManifest,
                ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciImageConfig, ["digest"] = configDesc.Digest, ["size"] = configDesc.Size },
                ["layers"] = new JsonArray(new JsonObject
                {
                    ["mediaType"] = "application/vnd.dev.cosign.simplesigning.v1+json",
                    ["digest"] = payloadDesc.Digest,
                    ["size"] = payloadDesc.Size,
                    ["annotations"] = Sorted(new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = "MEUCIQDfakeButWellFormedBase64AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }),
                }),
            };
            return PushManifest(manifest, "sha256-" + Digest.Hex(signed) + ".sig");
        }

        /// <summary>The referrers fallback tag <c>sha256-&lt;hex&gt;</c>: an index of artifacts whose subject is <paramref name="subject"/>.</summary>
        public string ReferrersTag(string subject, long subjectSize)
        {
            PushEmptyConfig();
            var note = PushBlob(Encoding.UTF8.GetBytes("{\"predicateType\":\"https://example.com/sbom\"}"));
            var attestation = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciManifest,
                ["artifactType"] = "application/vnd.example.sbom",
                ["config"] = EmptyConfig(),
                ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = "application/vnd.example.sbom+json", ["digest"] = note.Digest, ["size"] = note.Size }),
                ["subject"] = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = subject, ["size"] = subjectSize },
            };
            byte[] bytes = Bytes(attestation);
            string digest = Repository.PushManifestAsync(bytes, MediaTypes.OciManifest, null, CancellationToken.None).GetAwaiter().GetResult();
            var entry = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = digest, ["size"] = bytes.Length, ["artifactType"] = "application/vnd.example.sbom" };
            return Index("sha256-" + Digest.Hex(subject), null, entry).Digest;
        }

        // ---- building blocks ----
        JsonObject ZstdLayer(string title, string flavour, string arch, bool prototype)
        {
            byte[] raw = FileBytes(title, flavour);
            string rawDigest = Digest.Sha256(raw);
            ContentDigests[$"{arch}/{title}"] = rawDigest;
            string input = System.IO.Path.Combine(_work, Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(input, raw);
            Tools.Run("zstd", $"-q -19 -f \"{input}\" -o \"{input}.zst\"", timeoutSeconds: 60);
            byte[] compressed = File.ReadAllBytes(input + ".zst");
            var desc = PushBlob(compressed);
            var annotations = prototype
                ? new Dictionary<string, string> { ["org.opencontainers.image.title"] = title, ["org.pulpproject.netboot.digest"] = rawDigest }
                : new Dictionary<string, string>
                {
                    ["org.opencontainers.image.title"] = title,
                    ["org.pulpproject.netboot.src.digest"] = rawDigest,
                    ["org.pulpproject.netboot.src.size"] = raw.Length.ToString(),
                };
            return new JsonObject { ["mediaType"] = Zstd, ["digest"] = desc.Digest, ["size"] = desc.Size, ["annotations"] = Sorted(annotations) };
        }

        JsonObject RawLayer(string title, string mediaType, string flavour, string arch)
        {
            byte[] raw = FileBytes(title, flavour + " " + arch);
            var desc = PushBlob(raw);
            ContentDigests[$"{arch}/{title}"] = desc.Digest;
            return new JsonObject
            {
                ["mediaType"] = mediaType, ["digest"] = desc.Digest, ["size"] = desc.Size,
                ["annotations"] = Sorted(new Dictionary<string, string> { ["org.opencontainers.image.title"] = title }),
            };
        }

        public Descriptor PushBlob(byte[] bytes)
        {
            var desc = new Descriptor { MediaType = MediaTypes.OctetStream, Digest = Digest.Sha256(bytes), Size = bytes.Length };
            Repository.PushBlobAsync(desc, () => new MemoryStream(bytes, false), null, CancellationToken.None).GetAwaiter().GetResult();
            return desc;
        }

        void PushEmptyConfig() => PushBlob(Encoding.UTF8.GetBytes("{}"));

        static JsonObject EmptyConfig() => new JsonObject { ["mediaType"] = Empty, ["digest"] = Digest.EmptyJson, ["size"] = 2, ["data"] = "e30=" };

        public string PushManifest(JsonObject manifest, string? tag)
        {
            byte[] bytes = Bytes(manifest);
            string digest = Repository.PushManifestAsync(bytes, MediaTypes.OciManifest, tag, CancellationToken.None).GetAwaiter().GetResult();
            if (tag != null) Digests[tag] = digest;
            return digest;
        }

        /// <summary>What downloading an artifact costs: its distinct layer blobs.</summary>
        public static long ContentLength(NetbootOci.NetbootArtifact a) => a.Files.GroupBy(f => f.Digest).Sum(g => g.First().Size);

        public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(Compact));

        static JsonObject Sorted(IDictionary<string, string> map)
        {
            var o = new JsonObject();
            foreach (var kv in map.OrderBy(k => k.Key, StringComparer.Ordinal)) o[kv.Key] = kv.Value;
            return o;
        }

        static byte[] GzipOf(byte[] data)
        {
            using var ms = new MemoryStream();
            using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Optimal, true)) gz.Write(data, 0, data.Length);
            return ms.ToArray();
        }

        /// <summary>Tags a blob written by hand (for malformed manifests the repository would refuse to push).</summary>
        public void TagRawBlob(byte[] bytes, string tag, string mediaType = MediaTypes.OciManifest)
        {
            var desc = PushBlob(bytes);
            string indexPath = System.IO.Path.Combine(Path, "index.json");
            var index = JsonNode.Parse(File.ReadAllText(indexPath))!.AsObject();
            index["manifests"]!.AsArray().Add(new JsonObject
            {
                ["mediaType"] = mediaType, ["digest"] = desc.Digest, ["size"] = desc.Size,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag },
            });
            File.WriteAllText(indexPath, index.ToJsonString(Compact));
        }
    }
}
