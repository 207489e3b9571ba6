using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using NetbootOci.Engine.Store;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Save
{
    /// <summary>
    /// The managed zstd decoder (ZstdSharp) against streams made by the real zstd tool: what it accepts (several
    /// frames, skippable frames, empty frames) and what is DecompressionFailed (corrupt, truncated, trailing garbage, empty).
    /// </summary>
    public class ZstdDecompressorTests
    {
        const string What = "'vmlinuz' of test";

        static byte[] Compressible(int size) =>
            Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("compressible kernel bytes 0123456789 ", size / 37 + 1))).Take(size).ToArray();

        static byte[] Decompress(byte[] compressed)
        {
            using var output = new MemoryStream();
            ZstdDecompressor.Decompress(new MemoryStream(compressed), output, What, CancellationToken.None);
            return output.ToArray();
        }

        static NetbootException Refused(byte[] compressed)
        {
            var e = Assert.Throws<NetbootException>(() => Decompress(compressed));
            Assert.Equal(ErrorIds.DecompressionFailed, e.ErrorId);
            Assert.Equal(FailureKind.InvalidData, e.Kind);
            Assert.Contains("vmlinuz", e.Message);
            Assert.Contains("format zstd", e.Message);
            return e;
        }

        [Fact]
        public void RoundTripsWhatTheZstdToolCompressedRawAndCompressedBlocksAlike()
        {
            byte[] random = SaveFixture.Bytes("random", 3_000_000); // incompressible: raw blocks
            byte[] text = Compressible(5_000_000);                   // entropy-coded blocks, several 1 MiB reads
            Assert.Equal(random, Decompress(SaveFixture.Zstd(random)));
            byte[] z = SaveFixture.Zstd(text);
            Assert.True(z.Length < text.Length / 20);
            Assert.Equal(text, Decompress(z));
        }

        [Fact]
        public void ConcatenatedFramesAndSkippableFramesAreOneStream()
        {
            byte[] a = Compressible(400_000), b = SaveFixture.Bytes("b", 300_000);
            // A skippable frame (magic 0x184D2A50, little-endian length, payload) between two real frames, as zstd allows.
            byte[] skippable = { 0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4 };
            byte[] stream = SaveFixture.Zstd(a).Concat(skippable).Concat(SaveFixture.Zstd(b)).ToArray();
            Assert.Equal(a.Concat(b).ToArray(), Decompress(stream));
        }

        [Fact]
        public void AFrameOfAnEmptyFileDecompressesToNothing()
        {
            Assert.Empty(Decompress(SaveFixture.Zstd(Array.Empty<byte>())));
        }

        [Fact]
        public void AnEmptyBlobIsRefused()
        {
            var e = Refused(Array.Empty<byte>());
            Assert.Contains("empty", e.Message);
        }

        [Fact]
        public void ACorruptFrameIsRefused()
        {
            // Compressible content: the damage breaks the entropy-coded data itself.
            byte[] z = SaveFixture.Zstd(Compressible(2_000_000));
            for (int i = z.Length / 3; i < z.Length / 3 + 16; i++) z[i] ^= 0x5A;
            var e = Refused(z);
            Assert.Contains("zstd error", e.Message);
        }

        [Fact]
        public void ADamagedRawBlockIsCaughtByTheFrameChecksum()
        {
            // Random content is stored in raw blocks: only the frame's XXH64 checksum (zstd writes one) sees a flipped byte.
            byte[] z = SaveFixture.Zstd(SaveFixture.Bytes("raw", 500_000));
            z[z.Length / 2] ^= 0x01;
            var e = Refused(z);
            Assert.Contains("checksum", e.Message, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void ATruncatedFrameIsRefused()
        {
            byte[] z = SaveFixture.Zstd(SaveFixture.Bytes("k", 300_000));
            foreach (int keep in new[] { 3, z.Length / 2, z.Length - 1 })
            {
                var e = Refused(z.Take(keep).ToArray());
                Assert.Contains("truncated", e.Message);
            }
        }

        [Fact]
        public void TrailingGarbageAfterTheLastFrameIsRefused()
        {
            byte[] z = SaveFixture.Zstd(Compressible(100_000));
            // Enough bytes for a frame header that is not one, and a short tail that can only be a cut-off frame.
            Refused(z.Concat(Encoding.ASCII.GetBytes("<html>not a frame</html>")).ToArray());
            var e = Refused(z.Concat(new byte[] { 0x28, 0xB5 }).ToArray());
            Assert.Contains("truncated", e.Message);
        }

        [Fact]
        public void ABlobThatIsNotZstdAtAllIsRefused()
        {
            var e = Refused(SaveFixture.Bytes("plain", 10_000));
            Assert.Contains("zstd error", e.Message);
        }

        [Fact]
        public void AWriteFailureOfTheTargetIsNotReportedAsBadData()
        {
            byte[] z = SaveFixture.Zstd(Compressible(3_000_000));
            var full = new FailingWriteStream(1 << 20);
            var e = Assert.Throws<IOException>(() => ZstdDecompressor.Decompress(new MemoryStream(z), full, What, CancellationToken.None));
            Assert.Equal("No space left on device", e.Message);
        }

        [Fact]
        public void CancellationStopsTheLoop()
        {
            byte[] z = SaveFixture.Zstd(Compressible(3_000_000));
            using var cts = new CancellationTokenSource();
            var target = new CallbackStream(() => cts.Cancel());
            Assert.Throws<OperationCanceledException>(() => ZstdDecompressor.Decompress(new MemoryStream(z), target, What, cts.Token));
            Assert.Equal(1, target.Writes);
        }

        [Fact]
        public void MemoryStaysFlatWhateverTheSizeOfTheContent()
        {
            // 512 MiB of zeros from a few KiB of frames: a whole-blob buffer anywhere would allocate hundreds of MiB.
            using var dir = new TempDir("nboci-zstd-flat");
            string z = dir.Combine("zeros.zst");
            Tools.Run("sh", $"-c \"head -c 536870912 /dev/zero | zstd -q -3 -c > '{z}'\"");
            var counter = new CountingSink();
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (var input = File.OpenRead(z)) ZstdDecompressor.Decompress(input, counter, What, CancellationToken.None);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(512L << 20, counter.Length);
            Assert.True(allocated < 4L << 20, $"decompressing 512 MiB allocated {allocated} managed bytes");
        }

        sealed class CountingSink : Stream
        {
            long _length;
            public override void Write(byte[] buffer, int offset, int count) => _length += count;
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => _length;
            public override long Position { get => _length; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }

        sealed class FailingWriteStream : MemoryStream
        {
            readonly long _limit;
            public FailingWriteStream(long limit) { _limit = limit; }
            public override void Write(byte[] buffer, int offset, int count)
            {
                if (Length + count > _limit) throw new IOException("No space left on device");
                base.Write(buffer, offset, count);
            }
        }

        sealed class CallbackStream : MemoryStream
        {
            readonly Action _onWrite;
            public CallbackStream(Action onWrite) { _onWrite = onWrite; }
            public int Writes { get; private set; }
            public override void Write(byte[] buffer, int offset, int count)
            {
                Writes++;
                base.Write(buffer, offset, count);
                _onWrite();
            }
        }
    }
}
