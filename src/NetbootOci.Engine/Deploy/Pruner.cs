using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Store;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// Removes what no deployed entry uses any more: trees no link or directory entry under the root refers to,
    /// store blobs no live tree lists, and leftovers in <c>tmp/</c> (partial downloads, staging). Runs under the
    /// store lock. Hardlinks to store files made outside Save's knowledge keep their data (unlinking a name does
    /// not free an inode still linked elsewhere), so they are safe but their bytes are counted as freed.
    /// </summary>
    internal sealed class Pruner
    {
        const int MaxDepth = 16;
        readonly StoreLayout _layout;
        readonly IEngineLog _log;

        public Pruner(StoreLayout layout, IEngineLog log)
        {
            _layout = layout;
            _log = log;
        }

        public sealed class Outcome
        {
            public long BytesFreed;
            public List<string> Removed = new List<string>();
        }

        public Outcome Prune(string keepManifestDigest)
        {
            var outcome = new Outcome();
            var liveTrees = new HashSet<string>(StringComparer.Ordinal) { Digest.Hex(keepManifestDigest) };
            var liveBlobs = new HashSet<string>(StringComparer.Ordinal);
            Walk(_layout.Root, 0, liveTrees, liveBlobs);

            bool blobsKnown = true;
            if (Directory.Exists(_layout.TreesDirectory))
            {
                foreach (var dir in Directory.GetDirectories(_layout.TreesDirectory))
                {
                    string hex = Path.GetFileName(dir);
                    if (liveTrees.Contains(hex))
                    {
                        var index = TreeIndex.Read(dir + ".json");
                        if (index == null) blobsKnown = false;
                        else foreach (var d in index.Files.Values) liveBlobs.Add(d);
                        continue;
                    }
                    TreeBuilder.TryDeleteTree(dir);
                    if (File.Exists(dir + ".json")) File.Delete(dir + ".json");
                    outcome.Removed.Add(dir);
                    _log.Verbose($"Pruned the tree '{dir}' (no entry refers to it).");
                }
                foreach (var json in Directory.GetFiles(_layout.TreesDirectory, "*.json"))
                    if (!Directory.Exists(json.Substring(0, json.Length - 5))) File.Delete(json);
            }

            if (!blobsKnown)
                _log.Warning("A live tree has no index; store blobs are not pruned this time (run Save for that entry again to rebuild it).");
            else if (Directory.Exists(_layout.BlobsDirectory))
            {
                foreach (var algDir in Directory.GetDirectories(_layout.BlobsDirectory))
                {
                    string alg = Path.GetFileName(algDir);
                    foreach (var blob in Directory.GetFiles(algDir))
                    {
                        if (liveBlobs.Contains(alg + ":" + Path.GetFileName(blob))) continue;
                        outcome.BytesFreed += new FileInfo(blob).Length;
                        BlobFetcher.DeleteFile(blob);
                        outcome.Removed.Add(blob);
                        _log.Verbose($"Pruned the store blob '{blob}'.");
                    }
                }
            }

            if (Directory.Exists(_layout.TempDirectory))
            {
                foreach (var leftover in Directory.GetFiles(_layout.TempDirectory))
                {
                    outcome.BytesFreed += new FileInfo(leftover).Length;
                    BlobFetcher.DeleteFile(leftover);
                    outcome.Removed.Add(leftover);
                }
            }
            return outcome;
        }

        /// <summary>Collects trees and blobs referred to by symbolic links and directory entries anywhere under the root.</summary>
        void Walk(string directory, int depth, HashSet<string> liveTrees, HashSet<string> liveBlobs)
        {
            if (depth > MaxDepth) return;
            IEnumerable<string> entries;
            try { entries = Directory.EnumerateFileSystemEntries(directory).ToList(); }
            catch (UnauthorizedAccessException) { _log.Warning($"Prune cannot read '{directory}'; links in it are not seen."); return; }
            foreach (var path in entries)
            {
                if (depth == 0 && Path.GetFileName(path) == StoreLayout.DirectoryName) continue;
                string? target = FileSystemLinks.ReadSymbolicLink(path);
                if (target != null)
                {
                    string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target));
                    Mark(full, _layout.TreesDirectory, hex => liveTrees.Add(hex));
                    Mark(full, Path.Combine(_layout.BlobsDirectory, "sha256"), hex => liveBlobs.Add("sha256:" + hex));
                    continue;
                }
                if (!Directory.Exists(path)) continue;
                string marker = Path.Combine(path, EntrySwitcher.MarkerName);
                if (File.Exists(marker))
                {
                    string digest = File.ReadAllText(marker).Trim();
                    if (Digest.IsValid(digest)) liveTrees.Add(Digest.Hex(digest));
                }
                Walk(path, depth + 1, liveTrees, liveBlobs);
            }
        }

        static void Mark(string full, string under, Action<string> add)
        {
            string prefix = under + Path.DirectorySeparatorChar;
            if (!full.StartsWith(prefix, StringComparison.Ordinal)) return;
            string rest = full.Substring(prefix.Length);
            int sep = rest.IndexOf(Path.DirectorySeparatorChar);
            add(sep < 0 ? rest : rest.Substring(0, sep));
        }
    }
}
