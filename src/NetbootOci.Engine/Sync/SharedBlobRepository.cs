using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Sync
{
    /// <summary>
    /// A repository view for one sync run: blobs that several proxies need are downloaded from the registry once
    /// (verified into a run-local cache, then served from there to every proxy); every byte read from the registry
    /// is counted so the summary can say what was really fetched. Everything else passes through.
    /// </summary>
    internal sealed class SharedBlobRepository : IOciRepository
    {
        readonly IOciRepository _inner;
        readonly ISet<string> _shared;
        readonly string _cacheDirectory;
        readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new ConcurrentDictionary<string, SemaphoreSlim>(StringComparer.Ordinal);
        readonly Action<long> _fetched;

        /// <param name="shared">Blob digests worth caching (needed by more than one proxy).</param>
        /// <param name="fetched">Called with each chunk of bytes received from the registry.</param>
        public SharedBlobRepository(IOciRepository inner, ISet<string> shared, string cacheDirectory, Action<long> fetched)
        {
            _inner = inner;
            _shared = shared;
            _cacheDirectory = cacheDirectory;
            _fetched = fetched;
        }

        public OciReference Reference => _inner.Reference;

        public async Task<Stream> OpenBlobAsync(string digest, long offset, CancellationToken cancellationToken)
        {
            if (!_shared.Contains(digest))
                return new CountingStream(await _inner.OpenBlobAsync(digest, offset, cancellationToken).ConfigureAwait(false), _fetched);
            string path = Path.Combine(_cacheDirectory, Digest.Algorithm(digest) + "-" + Digest.Hex(digest));
            var gate = _gates.GetOrAdd(digest, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!File.Exists(path)) await FillAsync(digest, path, cancellationToken).ConfigureAwait(false);
            }
            finally { gate.Release(); }
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            stream.Seek(offset, SeekOrigin.Begin);
            return stream;
        }

        /// <summary>Downloads the whole blob, checks its digest, and only then makes it visible in the cache.</summary>
        async Task FillAsync(string digest, string path, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(_cacheDirectory);
            string partial = path + ".partial";
            using (var hash = Digest.Algorithm(digest) == "sha512" ? (HashAlgorithm)SHA512.Create() : SHA256.Create())
            {
                using (var source = new CountingStream(await _inner.OpenBlobAsync(digest, 0, cancellationToken).ConfigureAwait(false), _fetched))
                using (var target = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    var buffer = new byte[1 << 16];
                    int n;
                    while ((n = await source.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hash.TransformBlock(buffer, 0, n, null, 0);
                        await target.WriteAsync(buffer, 0, n, cancellationToken).ConfigureAwait(false);
                    }
                }
                hash.TransformFinalBlock(new byte[0], 0, 0);
                string actual = Digest.Algorithm(digest) + ":" + BitConverter.ToString(hash.Hash!).Replace("-", "").ToLowerInvariant();
                if (actual != digest)
                {
                    File.Delete(partial);
                    throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData, $"Blob {digest} from {Reference} has digest {actual}.", digest);
                }
            }
            File.Move(partial, path);
        }

        public Task<Descriptor?> ResolveAsync(string tagOrDigest, CancellationToken cancellationToken) => _inner.ResolveAsync(tagOrDigest, cancellationToken);
        public Task<ManifestContent> GetManifestAsync(string tagOrDigest, CancellationToken cancellationToken) => _inner.GetManifestAsync(tagOrDigest, cancellationToken);
        public Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken cancellationToken) => _inner.ListTagsAsync(cancellationToken);
        public Task<bool> BlobExistsAsync(string digest, CancellationToken cancellationToken) => _inner.BlobExistsAsync(digest, cancellationToken);
        public Task<long> PushBlobAsync(Descriptor blob, Func<Stream> open, BlobPushOptions? options, CancellationToken cancellationToken) => _inner.PushBlobAsync(blob, open, options, cancellationToken);
        public Task<string> PushManifestAsync(byte[] content, string mediaType, string? tag, CancellationToken cancellationToken) => _inner.PushManifestAsync(content, mediaType, tag, cancellationToken);
        public Task<IReadOnlyList<Descriptor>> GetReferrersAsync(string digest, string? artifactType, CancellationToken cancellationToken) => _inner.GetReferrersAsync(digest, artifactType, cancellationToken);

        /// <summary>The inner repository belongs to <see cref="RegistryConnections"/>; only the gates are ours.</summary>
        public void Dispose()
        {
            foreach (var g in _gates.Values) g.Dispose();
        }

        /// <summary>Reports bytes as they are read.</summary>
        sealed class CountingStream : Stream
        {
            readonly Stream _inner;
            readonly Action<long> _count;
            public CountingStream(Stream inner, Action<long> count) { _inner = inner; _count = count; }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => _inner.Length;
            public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) { int n = _inner.Read(buffer, offset, count); if (n > 0) _count(n); return n; }
            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                int n = await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
                if (n > 0) _count(n);
                return n;
            }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            protected override void Dispose(bool disposing) { if (disposing) _inner.Dispose(); base.Dispose(disposing); }
        }
    }
}
