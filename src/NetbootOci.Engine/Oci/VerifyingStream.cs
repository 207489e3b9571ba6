using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci
{
    /// <summary>
    /// Wraps a blob stream, hashing while it is read. At end of stream it checks the size and digest
    /// and throws <see cref="ErrorIds.DigestMismatch"/> / <see cref="ErrorIds.SizeMismatch"/>; reading past
    /// the declared size is refused at once, so a lying server cannot fill a disk.
    /// </summary>
    public sealed class VerifyingStream : Stream
    {
        readonly Stream _inner;
        readonly IncrementalHash _hash;
        readonly string _digest;
        readonly long _size;
        readonly string _what;
        long _read;
        bool _verified;

        /// <param name="size">expected size, or -1 when unknown.</param>
        /// <param name="prefix">bytes already held (resume): hashed first, counted in the size.</param>
        public VerifyingStream(Stream inner, string digest, long size, string what, Stream? prefix = null)
        {
            _inner = inner;
            _digest = digest;
            _size = size;
            _what = what;
            _hash = Digest.CreateHasher(digest);
            if (prefix != null)
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = prefix.Read(buffer, 0, buffer.Length)) > 0)
                {
                    _hash.AppendData(buffer, 0, n);
                    _read += n;
                }
            }
        }

        public long BytesRead => _read;

        public override int Read(byte[] buffer, int offset, int count) => Account(buffer, offset, _inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Account(buffer, offset, await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

        int Account(byte[] buffer, int offset, int n)
        {
            if (n > 0)
            {
                _read += n;
                if (_size >= 0 && _read > _size)
                    throw new NetbootException(ErrorIds.SizeMismatch, FailureKind.InvalidData,
                        $"{_what}: received more than the declared {_size} bytes for {_digest}.", _digest);
                _hash.AppendData(buffer, offset, n);
            }
            else if (!_verified)
            {
                _verified = true;
                if (_size >= 0 && _read != _size)
                    throw new NetbootException(ErrorIds.SizeMismatch, FailureKind.InvalidData,
                        $"{_what}: blob {_digest} ended after {_read} of {_size} bytes (truncated).", _digest);
                string actual = Digest.Algorithm(_digest) + ":" + Digest.ToHex(_hash.GetHashAndReset());
                if (actual != _digest)
                    throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData,
                        $"{_what}: content digest {actual} does not match the expected {_digest}.", _digest);
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
