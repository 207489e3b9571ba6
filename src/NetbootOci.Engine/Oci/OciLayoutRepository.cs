using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci
{
    /// <summary>
    /// An OCI image-layout directory (image-spec image-layout.md): <c>oci-layout</c>, <c>index.json</c>,
    /// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>. Tags are index.json entries annotated with
    /// <c>org.opencontainers.image.ref.name</c>, as skopeo and oras write them. Writes are atomic
    /// (temp file + rename) and index.json updates are serialised by a lock file.
    /// </summary>
    public sealed class OciLayoutRepository : IOciRepository
    {
        public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
        readonly string _root;
        readonly IEngineLog _log;
        readonly int _maxManifestBytes;
        static readonly SemaphoreSlim IndexGate = new SemaphoreSlim(1, 1);

        public OciLayoutRepository(string root, IEngineLog? log = null, int maxManifestBytes = 4 << 20)
        {
            _root = Path.GetFullPath(root);
            _log = log ?? NullEngineLog.Instance;
            _maxManifestBytes = maxManifestBytes;
            Reference = OciReference.Parse("oci:" + _root);
        }

        public OciReference Reference { get; }
        public string Root => _root;

        string IndexPath => Path.Combine(_root, "index.json");

        public string BlobPath(string digest)
        {
            Digest.Validate(digest, "blob path of " + _root);
            return Path.Combine(_root, "blobs", Digest.Algorithm(digest), Digest.Hex(digest));
        }

        void RequireLayout()
        {
            string marker = Path.Combine(_root, "oci-layout");
            if (!File.Exists(marker))
                throw new NetbootException(ErrorIds.LayoutInvalid, FailureKind.ObjectNotFound,
                    $"'{_root}' is not an OCI image-layout directory (no oci-layout file).", _root);
        }

        void EnsureLayout()
        {
            Directory.CreateDirectory(Path.Combine(_root, "blobs", "sha256"));
            string marker = Path.Combine(_root, "oci-layout");
            if (!File.Exists(marker)) WriteAtomic(marker, Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"));
            if (!File.Exists(IndexPath)) WriteAtomic(IndexPath, OciJson.Serialize(new ImageIndex()));
        }

        ImageIndex ReadIndex()
        {
            RequireLayout();
            if (!File.Exists(IndexPath)) return new ImageIndex();
            return OciJson.Deserialize<ImageIndex>(File.ReadAllBytes(IndexPath), IndexPath);
        }

        public Task<Descriptor?> ResolveAsync(string tagOrDigest, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var index = ReadIndex();
            if (Digest.IsValid(tagOrDigest))
            {
                var entry = index.Manifests.FirstOrDefault(m => m.Digest == tagOrDigest);
                if (entry != null) return Task.FromResult<Descriptor?>(Strip(entry));
                string path = BlobPath(tagOrDigest);
                if (!File.Exists(path)) return Task.FromResult<Descriptor?>(null);
                byte[] bytes = File.ReadAllBytes(path);
                return Task.FromResult<Descriptor?>(new Descriptor { Digest = tagOrDigest, Size = bytes.Length, MediaType = OciJson.SniffMediaType(bytes) ?? MediaTypes.OciManifest });
            }
            var tagged = index.Manifests.LastOrDefault(m => m.Annotation(RefNameAnnotation) == tagOrDigest);
            return Task.FromResult<Descriptor?>(tagged == null ? null : Strip(tagged));
        }

        static Descriptor Strip(Descriptor d) => new Descriptor { MediaType = d.MediaType, Digest = d.Digest, Size = d.Size, ArtifactType = d.ArtifactType, Platform = d.Platform };

        public async Task<ManifestContent> GetManifestAsync(string tagOrDigest, CancellationToken cancellationToken)
        {
            var desc = await ResolveAsync(tagOrDigest, cancellationToken).ConfigureAwait(false);
            string path = desc == null ? "" : BlobPath(desc.Digest);
            if (desc == null || !File.Exists(path))
                throw new NetbootException(ErrorIds.ManifestNotFound, FailureKind.ObjectNotFound,
                    $"Manifest '{tagOrDigest}' not found in oci:{_root}.", tagOrDigest);
            var info = new FileInfo(path);
            if (info.Length > _maxManifestBytes)
                throw new NetbootException(ErrorIds.ManifestTooLarge, FailureKind.InvalidData,
                    $"Manifest '{tagOrDigest}' in oci:{_root} is {info.Length} bytes, over the {_maxManifestBytes}-byte limit.", tagOrDigest);
            byte[] bytes = File.ReadAllBytes(path);
            string actual = Digest.Sha256(bytes);
            if (actual != desc.Digest)
                throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData,
                    $"Manifest blob {desc.Digest} in oci:{_root} is corrupt: its content hashes to {actual}.", desc.Digest);
            string mediaType = OciJson.SniffMediaType(bytes) ?? desc.MediaType;
            return new ManifestContent(bytes, mediaType, actual);
        }

        public Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken cancellationToken)
        {
            var tags = ReadIndex().Manifests.Select(m => m.Annotation(RefNameAnnotation)).Where(t => !string.IsNullOrEmpty(t))
                .Select(t => t!).Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal).ToList();
            return Task.FromResult<IReadOnlyList<string>>(tags);
        }

        public Task<bool> BlobExistsAsync(string digest, CancellationToken cancellationToken) =>
            Task.FromResult(File.Exists(BlobPath(digest)));

        public Task<Stream> OpenBlobAsync(string digest, long offset, CancellationToken cancellationToken)
        {
            string path = BlobPath(digest);
            if (!File.Exists(path))
                throw new NetbootException(ErrorIds.BlobNotFound, FailureKind.ObjectNotFound, $"Blob {digest} not found in oci:{_root}.", digest);
            var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            if (offset > 0) fs.Seek(offset, SeekOrigin.Begin);
            return Task.FromResult<Stream>(fs);
        }

        public async Task<long> PushBlobAsync(Descriptor blob, Func<Stream> open, BlobPushOptions? options, CancellationToken cancellationToken)
        {
            EnsureLayout();
            string path = BlobPath(blob.Digest);
            if (File.Exists(path)) return 0;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                long sent;
                using (var source = new VerifyingStream(open(), blob.Digest, blob.Size, $"blob {blob.Digest} for oci:{_root}"))
                using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    var buffer = new byte[1 << 16];
                    int n;
                    while ((n = await source.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        await target.WriteAsync(buffer, 0, n, cancellationToken).ConfigureAwait(false);
                        options?.OnProgress?.Invoke(source.BytesRead);
                    }
                    await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                    sent = source.BytesRead;
                }
                FileSystemRename(temp, path);
                return sent;
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        public async Task<string> PushManifestAsync(byte[] content, string mediaType, string? tag, CancellationToken cancellationToken)
        {
            if (content.Length > _maxManifestBytes)
                throw new NetbootException(ErrorIds.ManifestTooLarge, FailureKind.InvalidData, $"Manifest of {content.Length} bytes is over the {_maxManifestBytes}-byte limit.", tag);
            if (tag != null && !OciReference.IsValidTag(tag))
                throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument, $"'{tag}' is not a valid tag.", tag);
            EnsureLayout();
            string digest = Digest.Sha256(content);
            var desc = new Descriptor { MediaType = mediaType, Digest = digest, Size = content.Length };
            await PushBlobAsync(desc, () => new MemoryStream(content, false), null, cancellationToken).ConfigureAwait(false);

            // Index entries keep artifactType and platform (OCI layout readers such as oras use them for referrers).
            using (var probe = JsonDocument.Parse(content))
            {
                if (probe.RootElement.TryGetProperty("artifactType", out var at) && at.ValueKind == JsonValueKind.String) desc.ArtifactType = at.GetString();
            }

            await IndexGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using (FileLock.Acquire(Path.Combine(_root, "index.json.lock"), cancellationToken))
                {
                    var index = ReadIndex();
                    if (tag != null)
                    {
                        // A tag names one manifest: drop its previous entry.
                        index.Manifests.RemoveAll(m => m.Annotation(RefNameAnnotation) == tag);
                        desc.Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [RefNameAnnotation] = tag };
                        index.Manifests.Add(desc);
                    }
                    else if (!index.Manifests.Any(m => m.Digest == digest))
                    {
                        index.Manifests.Add(desc);
                    }
                    WriteAtomic(IndexPath, OciJson.Serialize(index));
                }
            }
            finally { IndexGate.Release(); }
            return digest;
        }

        public async Task<IReadOnlyList<Descriptor>> GetReferrersAsync(string digest, string? artifactType, CancellationToken cancellationToken)
        {
            var result = new List<Descriptor>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in ReadIndex().Manifests)
            {
                if (!seen.Add(entry.Digest) || !MediaTypes.IsManifest(entry.MediaType) && !MediaTypes.IsIndex(entry.MediaType)) continue;
                string path = BlobPath(entry.Digest);
                if (!File.Exists(path) || new FileInfo(path).Length > _maxManifestBytes) continue;
                var content = await GetManifestAsync(entry.Digest, cancellationToken).ConfigureAwait(false);
                var probe = OciJson.Deserialize<ReferrerProbe>(content.Bytes, entry.Digest);
                if (probe.Subject?.Digest != digest) continue;
                string? type = probe.ArtifactType ?? (content.IsIndex ? null : probe.Config?.MediaType);
                if (artifactType != null && type != artifactType) continue;
                result.Add(new Descriptor { MediaType = content.MediaType, Digest = content.Digest, Size = content.Size, ArtifactType = type, Annotations = probe.Annotations });
            }
            return result;
        }

        sealed class ReferrerProbe
        {
            [JsonPropertyName("artifactType")] public string? ArtifactType { get; set; }
            [JsonPropertyName("config")] public Descriptor? Config { get; set; }
            [JsonPropertyName("subject")] public Descriptor? Subject { get; set; }
            [JsonPropertyName("annotations")] public SortedDictionary<string, string>? Annotations { get; set; }
        }

        static void WriteAtomic(string path, byte[] bytes)
        {
            string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                fs.Write(bytes, 0, bytes.Length);
                fs.Flush(true);
            }
            FileSystemRename(temp, path);
        }

        static void FileSystemRename(string from, string to)
        {
            // Rename over an existing file: File.Replace needs the target to exist; File.Move refuses it on netstandard2.0.
            if (File.Exists(to)) File.Replace(from, to, null);
            else
            {
                try { File.Move(from, to); }
                catch (IOException) when (File.Exists(to)) { File.Replace(from, to, null); }
            }
        }

        public void Dispose() { }
    }
}
