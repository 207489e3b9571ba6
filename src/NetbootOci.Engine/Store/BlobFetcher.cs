using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Store
{
    /// <summary>How often a blob body broken mid-transfer is resumed within the run (the remote repository follows its options).</summary>
    internal interface IBlobRetryPolicy
    {
        /// <summary>Attempts in all, the first included.</summary>
        int BodyAttempts { get; }
        TimeSpan BodyBackoff(int attempt);
    }

    /// <summary>
    /// Brings one layer into the content store: streams the blob into <c>tmp/&lt;layer&gt;.partial</c> while hashing,
    /// resumes a partial left by an interrupted run with a ranged request (the kept bytes are re-hashed locally,
    /// never fetched again), fsyncs, decompresses zstd layers and checks them against the content digest, and
    /// renames the content into <c>blobs/</c> only once it is proven. Memory per transfer is one fixed buffer.
    /// </summary>
    internal sealed class BlobFetcher
    {
        const int BufferSize = 1 << 20;
        readonly StoreLayout _layout;
        readonly IEngineLog _log;

        public BlobFetcher(StoreLayout layout, IEngineLog log)
        {
            _layout = layout;
            _log = log;
        }

        /// <summary>
        /// Fetches <paramref name="file"/>'s layer and stores its content. <paramref name="inspect"/> sees the proven
        /// content (path, file) before it enters the store and may refuse it by throwing. Returns bytes received from the repository.
        /// </summary>
        public async Task<long> FetchAsync(IOciRepository repository, NetbootFile file, string artifact, Action<long> progress,
            Action<string, NetbootFile> inspect, CancellationToken cancellationToken)
        {
            string partial = _layout.PartialPath(file.Digest);
            string what = $"'{file.Name}' of {artifact}";
            long received = 0;
            for (int attempt = 0; ; attempt++)
            {
                long kept = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                if (kept > file.Size)
                {
                    _log.Warning($"Discarding the partial download of {what}: it is longer ({kept} bytes) than the declared {file.Size}.");
                    DeleteFile(partial);
                    kept = 0;
                }
                if (kept > 0) _log.Verbose($"Resuming {what} ({file.Digest}) at byte {kept} of {file.Size}.");
                try
                {
                    received += await DownloadAsync(repository, file, partial, kept, what, progress, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (NetbootException e) when (kept > 0 && attempt == 0 && (e.ErrorId == ErrorIds.DigestMismatch || e.ErrorId == ErrorIds.SizeMismatch))
                {
                    // The kept bytes were not what the registry holds (e.g. lost at a power failure): start over once.
                    _log.Warning($"The partial download of {what} did not verify ({e.Message}); downloading it again from the start.");
                    DeleteFile(partial);
                }
                catch (NetbootException e) when (e.ErrorId == ErrorIds.DigestMismatch || e.ErrorId == ErrorIds.SizeMismatch)
                {
                    DeleteFile(partial);
                    throw;
                }
            }

            string target = _layout.BlobPath(file.ContentDigest);
            if (file.Compression == "zstd")
            {
                string content = Path.Combine(_layout.TempDirectory, Digest.Hex(file.ContentDigest) + "." + Guid.NewGuid().ToString("N") + ".content");
                try
                {
                    try { await Task.Run(() => Decompress(partial, content, file, artifact, cancellationToken), cancellationToken).ConfigureAwait(false); }
                    catch (IOException e) when (DiskFull.Is(e)) { throw DiskFull.Error($"the decompressed content of {what}", content, e); }
                    inspect(content, file);
                    Commit(content, target);
                }
                finally { TryDelete(content); }
                DeleteFile(partial);
            }
            else
            {
                try { inspect(partial, file); }
                catch { DeleteFile(partial); throw; }
                Commit(partial, target);
            }
            return received;
        }

        /// <summary>
        /// Streams the blob into <paramref name="partial"/> from byte <paramref name="kept"/>. A body cut, reset or stalled
        /// mid-transfer is resumed within the run with a Range request from the bytes already on disk (re-hashed, never
        /// fetched again), up to <see cref="IBlobRetryPolicy.BodyAttempts"/> times with backoff; a server that ignores
        /// Range is skipped to the same offset by <see cref="IOciRepository.OpenBlobAsync"/>, so nothing is appended twice.
        /// The digest and size are checked over the whole file at the end, whatever the number of attempts.
        /// </summary>
        async Task<long> DownloadAsync(IOciRepository repository, NetbootFile file, string partial, long kept, string what,
            Action<long> progress, CancellationToken cancellationToken)
        {
            var policy = repository as IBlobRetryPolicy ?? DefaultPolicy.Instance;
            int attempts = Math.Max(1, policy.BodyAttempts);
            long received = 0;
            for (int attempt = 1; ; attempt++)
            {
                if (attempt > 1) kept = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                try
                {
                    received += await DownloadOnceAsync(repository, file, partial, kept, what, progress, cancellationToken).ConfigureAwait(false);
                    return received;
                }
                catch (BodyFailure f)
                {
                    received += f.Received;
                    var e = f.Cause;
                    long now = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                    if (attempt >= attempts)
                        throw new NetbootException(e.ErrorId, e.Kind,
                            $"Downloading {what} (blob {file.Digest}) failed {attempt} time(s) mid-transfer, the last at byte {now} of {file.Size}: {e.Message} " +
                            "The bytes received are kept and the next run resumes from them.", file.Digest, e);
                    var wait = policy.BodyBackoff(attempt);
                    _log.Verbose($"{what}: the transfer broke at byte {now} of {file.Size} ({e.Message}); resuming with a Range request, attempt {attempt + 1}/{attempts} in {wait.TotalMilliseconds:0} ms.");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>A transient failure of the response body (not of the request, which the transport already retried).</summary>
        sealed class BodyFailure : Exception
        {
            public BodyFailure(NetbootException cause, long received) : base(cause.Message, cause) { Cause = cause; Received = received; }
            public NetbootException Cause { get; }
            public long Received { get; }
        }

        sealed class DefaultPolicy : IBlobRetryPolicy
        {
            public static readonly DefaultPolicy Instance = new DefaultPolicy();
            public int BodyAttempts => 4;
            public TimeSpan BodyBackoff(int attempt) => TimeSpan.FromMilliseconds(500 * Math.Pow(2, Math.Min(attempt - 1, 6)));
        }

        static bool IsTransientBodyFailure(Exception e, CancellationToken cancellationToken) =>
            e is NetbootException n && (n.ErrorId == ErrorIds.RegistryUnreachable || n.ErrorId == ErrorIds.TransferStalled) && !cancellationToken.IsCancellationRequested;

        async Task<long> DownloadOnceAsync(IOciRepository repository, NetbootFile file, string partial, long kept, string what,
            Action<long> progress, CancellationToken cancellationToken)
        {
            Stream? prefix = kept > 0 ? new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan) : null;
            VerifyingStream source;
            try
            {
                Stream remote = kept == file.Size ? new MemoryStream(new byte[0], false) : await repository.OpenBlobAsync(file.Digest, kept, cancellationToken).ConfigureAwait(false);
                source = new VerifyingStream(remote, file.Digest, file.Size, what, prefix);
            }
            finally { prefix?.Dispose(); }

            long received = 0;
            using (source)
            {
                FileStream target;
                try { target = new FileStream(partial, kept > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None); }
                catch (IOException e) when (DiskFull.Is(e)) { throw DiskFull.Error(what, partial, e); }
                using (target)
                {
                    var buffer = new byte[BufferSize];
                    progress(kept);
                    bool written = false;
                    try
                    {
                        while (true)
                        {
                            int n;
                            try { n = await source.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false); }
                            catch (NetbootException e) when (IsTransientBodyFailure(e, cancellationToken)) { throw new BodyFailure(e, received); }
                            if (n == 0) break;
                            try { await target.WriteAsync(buffer, 0, n, cancellationToken).ConfigureAwait(false); }
                            catch (IOException e) when (DiskFull.Is(e)) { throw DiskFull.Error(what, partial, e); }
                            received += n;
                            progress(kept + received);
                        }
                        written = true;
                    }
                    finally
                    {
                        // Whatever arrived stays for a resume (in this run or the next); it is re-hashed before being trusted.
                        try { target.Flush(true); }
                        catch (IOException e) when (written && DiskFull.Is(e)) { throw DiskFull.Error(what, partial, e); }
                        catch (IOException) when (!written) { }
                    }
                }
            }
            return received;
        }

        static void Decompress(string compressed, string content, NetbootFile file, string artifact, CancellationToken cancellationToken)
        {
            string what = $"'{file.Name}' of {artifact}";
            using (var input = new FileStream(compressed, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            using (var output = new HashingWriteStream(new FileStream(content, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16), file.ContentDigest))
            {
                ZstdDecompressor.Decompress(input, output, what, cancellationToken);
                output.Flush(true);
                string actual = output.Digest();
                if (file.ContentSize >= 0 && output.Length != file.ContentSize)
                    throw new NetbootException(ErrorIds.SizeMismatch, FailureKind.InvalidData,
                        $"{what}: decompressed to {output.Length} bytes, but org.pulpproject.netboot.src.size says {file.ContentSize}.", file.Name);
                if (actual != file.ContentDigest)
                    throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData,
                        $"{what}: the decompressed content hashes to {actual}, but org.pulpproject.netboot.src.digest says {file.ContentDigest}.", file.Name);
            }
        }

        /// <summary>Marks the proven file read-only and renames it into the store (same directory tree, same file system).</summary>
        static void Commit(string source, string target)
        {
            File.SetAttributes(source, FileAttributes.ReadOnly);
            if (FileSystemLinks.Exists(target))
            {
                // Another run stored it meanwhile (or Verify removed a corrupt copy and this replaces it).
                MakeWritable(target);
            }
            FileSystemLinks.RenameOver(source, target);
        }

        internal static void MakeWritable(string path)
        {
            if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0 && System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
                File.SetAttributes(path, FileAttributes.Normal);
        }

        /// <summary>Cleanup on a failure path: a second error (e.g. a full disk refusing metadata) must not hide the first.</summary>
        static void TryDelete(string path)
        {
            try { DeleteFile(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>
        /// Removes what an earlier run left in <c>tmp/</c> that no run can resume (decompression output, staging files),
        /// keeping the <c>.partial</c> downloads. Called under the store lock, so nothing in there is in use.
        /// </summary>
        internal static void CleanStaleTemp(StoreLayout layout, IEngineLog log)
        {
            if (!Directory.Exists(layout.TempDirectory)) return;
            foreach (var leftover in Directory.GetFiles(layout.TempDirectory))
            {
                if (leftover.EndsWith(".partial", StringComparison.Ordinal)) continue;
                log.Verbose($"Removing '{leftover}', left in the store's tmp/ by an earlier run.");
                TryDelete(leftover);
            }
        }

        internal static void DeleteFile(string path)
        {
            if (!FileSystemLinks.Exists(path)) return;
            MakeWritable(path);
            File.Delete(path);
        }
    }
}
