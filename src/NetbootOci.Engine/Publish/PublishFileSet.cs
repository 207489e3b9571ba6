using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Publish
{
    /// <summary>One file to publish: its title (file name), where it is, and once hashed its digest and size.</summary>
    public sealed class PublishFile
    {
        public PublishFile(string path)
        {
            Path = path;
            Title = System.IO.Path.GetFileName(path);
        }

        public string Path { get; }
        public string Title { get; }
        public string Digest { get; internal set; } = "";
        public long Size { get; internal set; }

        public Descriptor ToLayer() => new Descriptor
        {
            MediaType = NetbootAnnotations.FileMediaType,
            Digest = Digest,
            Size = Size,
            Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [NetbootAnnotations.Title] = Title },
        };

        // A 1 MiB buffer: the HTTP content copies in 64 KiB reads, and each refill is one system call instead of sixteen.
        public Stream Open() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
    }

    /// <summary>Turns the user's paths (files or folders) into the file list, checked before anything is uploaded.</summary>
    public static class PublishFileSet
    {
        /// <summary>
        /// Expands folders to their top-level files (sub-folders are not part of a netboot artifact: titles are
        /// plain file names) and rejects missing paths and two files with one name. Sorted by title (ordinal).
        /// </summary>
        public static IReadOnlyList<PublishFile> Collect(IEnumerable<string> paths, IEngineLog log)
        {
            var files = new List<PublishFile>();
            var byTitle = new Dictionary<string, PublishFile>(StringComparer.Ordinal);
            foreach (var raw in paths)
            {
                if (string.IsNullOrWhiteSpace(raw))
                    throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, "An empty path was given as a file to publish.", raw);
                string full = System.IO.Path.GetFullPath(raw);
                IEnumerable<string> found;
                if (Directory.Exists(full))
                {
                    var inFolder = Directory.GetFiles(full).OrderBy(f => f, StringComparer.Ordinal).ToList();
                    foreach (var sub in Directory.GetDirectories(full))
                        log.Warning($"Publish takes only the files directly in '{full}'; sub-folder '{System.IO.Path.GetFileName(sub)}' is skipped.");
                    if (inFolder.Count == 0)
                        throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, $"Folder '{full}' contains no files to publish.", full);
                    found = inFolder;
                }
                else if (File.Exists(full)) found = new[] { full };
                else throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, $"File or folder '{full}' does not exist.", full);

                foreach (var path in found)
                {
                    var file = new PublishFile(path);
                    if (byTitle.TryGetValue(file.Title, out var other))
                    {
                        if (string.Equals(other.Path, file.Path, StringComparison.Ordinal)) continue; // the same file named twice
                        throw new NetbootException(ErrorIds.DuplicateFileName, FailureKind.InvalidArgument,
                            $"Two files would be published as '{file.Title}': '{other.Path}' and '{file.Path}'.", file.Title);
                    }
                    byTitle.Add(file.Title, file);
                    files.Add(file);
                }
            }
            if (files.Count == 0)
                throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, "No files were given to publish.");
            files.Sort((a, b) => string.CompareOrdinal(a.Title, b.Title));
            return files;
        }

        /// <summary>Hashes every file (streamed, memory flat), several at once. An unreadable file names itself.</summary>
        public static async Task HashAsync(IReadOnlyList<PublishFile> files, int parallelism, IEngineLog log, CancellationToken cancellationToken)
        {
            using (var gate = new SemaphoreSlim(Math.Max(1, parallelism)))
            {
                var tasks = files.Select(async file =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try { await Task.Run(() => Hash(file, cancellationToken), cancellationToken).ConfigureAwait(false); }
                    finally { gate.Release(); }
                    log.Verbose($"{file.Title}: {file.Digest} ({file.Size} bytes)");
                }).ToList();
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
        }

        /// <summary>Opens every file once, so an unreadable one is reported before anything is uploaded.</summary>
        public static void CheckReadable(IReadOnlyList<PublishFile> files)
        {
            foreach (var file in files)
            {
                try { using (new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1)) { } }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new NetbootException(ErrorIds.PathNotFound, FailureKind.PermissionDenied, $"Cannot read '{file.Path}': {e.Message}", file.Path, e);
                }
            }
        }

        /// <summary>Sets the file's digest and size from its bytes (streamed with a 1 MiB buffer).</summary>
        public static void Hash(PublishFile file, CancellationToken cancellationToken)
        {
            try
            {
                using (var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    var buffer = new byte[1 << 20];
                    long size = 0;
                    int n;
                    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        hash.AppendData(buffer, 0, n);
                        size += n;
                    }
                    file.Digest = "sha256:" + Oci.Digest.ToHex(hash.GetHashAndReset());
                    file.Size = size;
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new NetbootException(ErrorIds.PathNotFound, FailureKind.PermissionDenied, $"Cannot read '{file.Path}': {e.Message}", file.Path, e);
            }
        }
    }
}
