using System;
using System.IO;
using System.Security.Cryptography;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Store
{
    /// <summary>A write-only file stream that hashes and counts what passes through it (decompressed content).</summary>
    internal sealed class HashingWriteStream : Stream
    {
        readonly FileStream _inner;
        readonly IncrementalHash _hash;
        readonly string _algorithm;
        long _length;

        public HashingWriteStream(FileStream inner, string expectedDigest)
        {
            _inner = inner;
            _hash = Oci.Digest.CreateHasher(expectedDigest);
            _algorithm = Oci.Digest.Algorithm(expectedDigest);
        }

        public string Digest() => _algorithm + ":" + Oci.Digest.ToHex(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count)
        {
            _hash.AppendData(buffer, offset, count);
            _inner.Write(buffer, offset, count);
            _length += count;
        }

        public void Flush(bool toDisk) => _inner.Flush(toDisk);
        public override void Flush() => _inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

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
