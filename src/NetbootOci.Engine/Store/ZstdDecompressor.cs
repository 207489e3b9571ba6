using System;
using System.IO;
using System.Threading;
using ZstdSharp;

namespace NetbootOci.Engine.Store
{
    /// <summary>
    /// Streaming zstd decompression with ZstdSharp (a managed port of the reference zstd): no native library to
    /// find on any platform, fixed-size buffers, so memory does not grow with the blob. Bad, truncated or empty
    /// input is <see cref="ErrorIds.DecompressionFailed"/> naming the artifact and file.
    /// </summary>
    public static class ZstdDecompressor
    {
        // 128 KiB in (ZSTD_BLOCKSIZE_MAX, what ZSTD_DStreamInSize recommends); 1 MiB out: one copy loop per MiB.
        const int InputBuffer = 1 << 17;
        const int OutputBuffer = 1 << 20;

        /// <summary>Decompresses all frames of <paramref name="input"/> into <paramref name="output"/>; <paramref name="what"/> names the artifact and file for errors.</summary>
        public static void Decompress(Stream input, Stream output, string what, CancellationToken cancellationToken)
        {
            var counted = new CountingReadStream(input);
            var outBytes = new byte[OutputBuffer];
            // checkEndOfStream: input that ends inside a frame is an error, not a short file.
            using (var zstd = new DecompressionStream(counted, InputBuffer, checkEndOfStream: true, leaveOpen: true))
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int n;
                    try { n = zstd.Read(outBytes, 0, outBytes.Length); }
                    catch (ZstdException e) { throw Fail(what, "zstd error: " + e.Message, e); }
                    catch (EndOfStreamException e) when (!counted.SourceFailed) { throw Fail(what, "the zstd stream is truncated (the last frame is incomplete)", e); }
                    if (n == 0) break;
                    // Outside the try: a full disk or a closed target is an I/O error of its own, not bad data.
                    output.Write(outBytes, 0, n);
                }
            }
            if (counted.BytesRead == 0) throw Fail(what, "the compressed blob is empty", null);
        }

        static NetbootException Fail(string what, string why, Exception? inner) =>
            new NetbootException(ErrorIds.DecompressionFailed, FailureKind.InvalidData, $"Cannot decompress {what} (format zstd): {why}.", what, inner);

        /// <summary>Counts what the decoder read (an empty blob is an error) and marks failures of the source itself.</summary>
        sealed class CountingReadStream : Stream
        {
            readonly Stream _inner;
            public CountingReadStream(Stream inner) { _inner = inner; }
            public long BytesRead { get; private set; }
            public bool SourceFailed { get; private set; }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n;
                try { n = _inner.Read(buffer, offset, count); }
                catch { SourceFailed = true; throw; }
                BytesRead += n;
                return n;
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
