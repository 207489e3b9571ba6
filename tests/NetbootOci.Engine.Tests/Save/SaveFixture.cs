using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;

namespace NetbootOci.Engine.Tests.Save
{
    /// <summary>One file to publish: title and bytes; zstd-compressed (with the real zstd tool) when asked.</summary>
    public sealed class FixtureFile
    {
        public FixtureFile(string name, byte[] content, bool zstd = false) { Name = name; Content = content; Zstd = zstd; }
        public string Name { get; }
        public byte[] Content { get; }
        public bool Zstd { get; }
    }

    /// <summary>
    /// Publishes netboot file sets into an OCI layout (or a real registry through skopeo) and builds the
    /// <see cref="NetbootArtifact"/> discovery would return for them.
    /// </summary>
    public static class SaveFixture
    {
        public static byte[] Bytes(string seed, int size)
        {
            var bytes = new byte[size];
            new Random(seed.GetHashCode() ^ size).NextBytes(bytes);
            return bytes;
        }

        public static byte[] Zstd(byte[] content)
        {
            using var dir = new TempDir("nboci-zstd");
            File.WriteAllBytes(dir.Combine("in"), content);
            Tools.Run("zstd", $"-q -3 -o {dir.Combine("out")} {dir.Combine("in")}");
            return File.ReadAllBytes(dir.Combine("out"));
        }

        public static async Task<NetbootArtifact> PublishAsync(IOciRepository repo, string tag, IEnumerable<FixtureFile> files,
            string os = "fedora", string version = "40", string arch = "amd64", string? entry = null, string? alt = null, string? legacy = null,
            Action<NetbootFile>? tamper = null)
        {
            var manifest = new ImageManifest { ArtifactType = "application/vnd.org.pulpproject.netboot.artifact.v1" };
            var artifact = new NetbootArtifact { Name = os, Version = version, Architecture = arch, Tag = tag, Format = NetbootFormat.Spec,
                EntryPoint = entry, AltEntryPoint = alt, LegacyEntryPoint = legacy };
            await repo.PushBlobAsync(Descriptor.EmptyJson(), () => new MemoryStream(Encoding.UTF8.GetBytes("{}")), null, CancellationToken.None);
            foreach (var f in files)
            {
                byte[] blob = f.Zstd ? Zstd(f.Content) : f.Content;
                var desc = new Descriptor { MediaType = f.Zstd ? "application/x-netboot-file+zstd" : "application/octet-stream", Digest = Digest.Sha256(blob), Size = blob.Length,
                    Annotations = new SortedDictionary<string, string> { ["org.opencontainers.image.title"] = f.Name } };
                await repo.PushBlobAsync(desc, () => new MemoryStream(blob), null, CancellationToken.None);
                manifest.Layers.Add(desc);
                var file = new NetbootFile { Name = f.Name, Digest = desc.Digest, Size = blob.Length, MediaType = desc.MediaType,
                    Compression = f.Zstd ? "zstd" : "none", ContentDigest = Digest.Sha256(f.Content), ContentSize = f.Content.Length };
                tamper?.Invoke(file);
                artifact.Files.Add(file);
            }
            string digest = await repo.PushManifestAsync(OciJson.Serialize(manifest), MediaTypes.OciManifest, tag, CancellationToken.None);
            artifact.Digest = digest;
            artifact.Repository = repo.Reference.RepositoryName;
            artifact.Reference = repo.Reference.WithTag(tag).WithDigest(digest).ToString();
            artifact.Size = artifact.Files.Sum(f => f.Size);
            return artifact;
        }

        public static FixtureFile[] FedoraLike(string seed = "f40") => new[]
        {
            new FixtureFile("shimx64.efi", Bytes(seed + "shim", 90_000)),
            new FixtureFile("grubx64.efi", Bytes(seed + "grub", 70_000)),
            new FixtureFile("vmlinuz", Bytes(seed + "kernel", 300_000)),
            new FixtureFile("initrd.img", Bytes(seed + "initrd", 500_000)),
        };

        /// <summary>Every path under <paramref name="root"/> (links not followed) with its size: compare before/after a refused run.</summary>
        public static List<string> Snapshot(string root)
        {
            var list = new List<string>();
            if (!Directory.Exists(root)) return list;
            foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                var info = new FileInfo(path);
                list.Add(path + (info.LinkTarget != null ? " -> " + info.LinkTarget : File.Exists(path) ? " " + info.Length : "/"));
            }
            list.Sort(StringComparer.Ordinal);
            return list;
        }

        public static string Inode(string path) => Tools.Run("stat", $"-L -c %i {path}").Trim();
    }

    /// <summary>Wraps a repository to count blob reads (digest and offset) and to cut a blob off after some bytes.</summary>
    public sealed class ObservedRepository : ForwardingRepository
    {
        public ObservedRepository(IOciRepository inner) : base(inner) { }
        public ConcurrentQueue<(string Digest, long Offset)> BlobReads { get; } = new ConcurrentQueue<(string, long)>();
        public long BytesServed;
        /// <summary>When set, a blob read stops with an IOException after this many bytes (a dropped connection).</summary>
        public long? FailAfter { get; set; }
        public TimeSpan Delay { get; set; }
        int _concurrent;
        public int MaxConcurrent;

        public override async Task<Stream> OpenBlobAsync(string digest, long offset, CancellationToken cancellationToken)
        {
            BlobReads.Enqueue((digest, offset));
            var s = await Inner.OpenBlobAsync(digest, offset, cancellationToken);
            return new Counting(this, s);
        }

        sealed class Counting : Stream
        {
            readonly ObservedRepository _owner;
            readonly Stream _inner;
            long _read;
            bool _entered;
            public Counting(ObservedRepository owner, Stream inner) { _owner = owner; _inner = inner; }
            public override int Read(byte[] buffer, int offset, int count)
            {
                if (!_entered)
                {
                    _entered = true;
                    int now = Interlocked.Increment(ref _owner._concurrent);
                    int max;
                    while (now > (max = _owner.MaxConcurrent) && Interlocked.CompareExchange(ref _owner.MaxConcurrent, now, max) != max) { }
                }
                if (_owner.Delay > TimeSpan.Zero) Thread.Sleep(_owner.Delay);
                if (_owner.FailAfter is long limit)
                {
                    if (_read >= limit) throw new IOException("connection reset (injected)");
                    count = (int)Math.Min(count, limit - _read);
                }
                int n = _inner.Read(buffer, offset, Math.Min(count, 16384));
                _read += n;
                Interlocked.Add(ref _owner.BytesServed, n);
                return n;
            }
            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Read(buffer, offset, count));
            protected override void Dispose(bool disposing)
            {
                if (disposing && _entered) Interlocked.Decrement(ref _owner._concurrent);
                if (disposing) _inner.Dispose();
                base.Dispose(disposing);
            }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => _read; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long o, SeekOrigin s) => throw new NotSupportedException();
            public override void SetLength(long v) => throw new NotSupportedException();
            public override void Write(byte[] b, int o, int c) => throw new NotSupportedException();
        }
    }

    /// <summary>Collects what the engine reports.</summary>
    public sealed class RecordingLog : IEngineLog
    {
        public ConcurrentQueue<string> Warnings { get; } = new ConcurrentQueue<string>();
        public ConcurrentQueue<string> Verboses { get; } = new ConcurrentQueue<string>();
        public ConcurrentQueue<TransferProgress> Progresses { get; } = new ConcurrentQueue<TransferProgress>();
        public void Verbose(string message) => Verboses.Enqueue(message);
        public void Warning(string message) => Warnings.Enqueue(message);
        public void Progress(TransferProgress progress) => Progresses.Enqueue(progress);
    }
}
