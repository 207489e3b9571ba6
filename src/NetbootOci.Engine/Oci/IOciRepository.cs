using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci
{
    /// <summary>
    /// One repository on a registry, or one OCI image-layout directory. The shape follows oras-dotnet's
    /// Repository (manifest and blob stores behind one object); both implementations behave alike so
    /// every feature works on the embedded default (a layout) as on a registry.
    /// </summary>
    public interface IOciRepository : IDisposable
    {
        /// <summary>The repository (no tag, no digest).</summary>
        OciReference Reference { get; }

        /// <summary>Resolves a tag or digest to the manifest's descriptor (HEAD); null when it does not exist.</summary>
        Task<Descriptor?> ResolveAsync(string tagOrDigest, CancellationToken cancellationToken);

        /// <summary>
        /// Fetches a manifest or index by tag or digest. The body is capped at 4 MiB and its digest is
        /// computed from the bytes received; when fetched by digest it must match.
        /// Throws <see cref="ErrorIds.ManifestNotFound"/> when absent.
        /// </summary>
        Task<ManifestContent> GetManifestAsync(string tagOrDigest, CancellationToken cancellationToken);

        /// <summary>All tags, following pagination (with a client-side page cap).</summary>
        Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken cancellationToken);

        Task<bool> BlobExistsAsync(string digest, CancellationToken cancellationToken);

        /// <summary>
        /// Opens a blob's bytes starting at <paramref name="offset"/> (an HTTP Range request when non-zero).
        /// The stream is raw: wrap it in <see cref="VerifyingStream"/> (or hash it yourself when resuming).
        /// </summary>
        Task<Stream> OpenBlobAsync(string digest, long offset, CancellationToken cancellationToken);

        /// <summary>
        /// Uploads a blob unless the repository already has it. <paramref name="open"/> is called for each
        /// attempt (a retry starts a new upload session). Returns the bytes actually sent (0 when skipped or mounted).
        /// </summary>
        Task<long> PushBlobAsync(Descriptor blob, Func<Stream> open, BlobPushOptions? options, CancellationToken cancellationToken);

        /// <summary>Stores a manifest or index under a tag, or untagged when <paramref name="tag"/> is null. Returns its digest.</summary>
        Task<string> PushManifestAsync(byte[] content, string mediaType, string? tag, CancellationToken cancellationToken);

        /// <summary>
        /// Manifests whose <c>subject</c> is <paramref name="digest"/>: the referrers API where the registry has it,
        /// otherwise the fallback index at tag <c>sha256-&lt;hex&gt;</c>. Filtered by artifact type when given.
        /// </summary>
        Task<IReadOnlyList<Descriptor>> GetReferrersAsync(string digest, string? artifactType, CancellationToken cancellationToken);
    }

    /// <summary>A manifest or index as received: exact bytes, media type and the digest of those bytes.</summary>
    public sealed class ManifestContent
    {
        public ManifestContent(byte[] bytes, string mediaType, string digest)
        {
            Bytes = bytes;
            MediaType = mediaType;
            Digest = digest;
        }

        public byte[] Bytes { get; }
        public string MediaType { get; }
        public string Digest { get; }
        public long Size => Bytes.LongLength;
        public bool IsIndex => MediaTypes.IsIndex(MediaType);

        public Descriptor ToDescriptor() => new Descriptor { MediaType = MediaType, Digest = Digest, Size = Size };
        public ImageManifest AsManifest(string where) => OciJson.Deserialize<ImageManifest>(Bytes, where);
        public ImageIndex AsIndex(string where) => OciJson.Deserialize<ImageIndex>(Bytes, where);
    }

    public sealed class BlobPushOptions
    {
        /// <summary>Repository (same registry) to mount the blob from instead of uploading it.</summary>
        public string? MountFrom { get; set; }
        /// <summary>Upload with PATCH chunks of <see cref="ChunkSize"/> bytes instead of one PUT.</summary>
        public bool Chunked { get; set; }
        public int ChunkSize { get; set; } = 8 << 20;
        /// <summary>Called with the bytes sent so far, for progress.</summary>
        public Action<long>? OnProgress { get; set; }
    }
}
