using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Store;

namespace NetbootOci.Engine.Sync
{
    /// <summary>
    /// Prune for a proxy: OS entries the inventory no longer lists are removed (only entries Save made: symbolic
    /// links straight to a store tree), then Save's own prune frees the trees and blobs nothing refers to.
    /// When an OS of the proxy could not even be discovered, its entry path is unknown, so no entry is removed
    /// that run: a broken registry must never make a proxy stop serving what it served.
    /// </summary>
    internal static class SyncPrune
    {
        const int MaxDepth = 8;

        public static async Task ApplyAsync(Inventory.ProxyEntry proxy, List<DesiredArtifact> desired, List<(DesiredArtifact Desired, SaveResult Result)> saved,
            ProxySyncResult summary, Func<DesiredArtifact, Oci.IOciRepository> open, bool whatIf, IEngineLog log, CancellationToken ct)
        {
            var layout = new StoreLayout(proxy.Root);
            if (!Directory.Exists(layout.TreesDirectory)) return;
            bool complete = !summary.Failures.Any(f => f.Step == "discover");
            if (!complete)
                log.Warning($"{proxy.Name}: some operating systems could not be discovered; no OS entry is removed this run.");
            else
            {
                var keep = new HashSet<string>(desired.Select(d => EntryPath(layout, proxy, d)), PathComparer);
                foreach (string entry in StaleEntries(layout, keep))
                {
                    summary.Pruned++;
                    summary.PrunedPaths.Add(entry);
                    if (whatIf) { log.Verbose($"What if: would remove the OS entry '{entry}'."); continue; }
                    File.Delete(entry); // a symbolic link: removes the name only, the tree goes with the store prune below
                    log.Verbose($"Removed the OS entry '{entry}' (no longer in the inventory).");
                }
            }
            if (whatIf || saved.Count == 0) return;
            // Save's prune keeps every tree an entry under the root refers to, and frees the rest.
            var item = saved[0].Desired;
            var options = new SaveOptions { Destination = proxy.Root, PathTemplate = proxy.PathTemplate, Prune = true };
            var result = await ArtifactSaver.SaveAsync(open(item), item.Artifact, options, log, ct).ConfigureAwait(false);
            summary.Pruned += result.Pruned.Count;
            summary.PrunedPaths.AddRange(result.Pruned);
            summary.BytesFreed += result.BytesFreed;
        }

        static StringComparer PathComparer => Path.DirectorySeparatorChar == '\\' ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        static string EntryPath(StoreLayout layout, Inventory.ProxyEntry proxy, DesiredArtifact d) =>
            Path.Combine(layout.Root, Path.Combine(Deploy.PathTemplate.Expand(proxy.PathTemplate, d.Artifact).ToArray()));

        /// <summary>Symbolic links under the root (outside the store) whose target is a store tree, and that are not wanted.</summary>
        static IEnumerable<string> StaleEntries(StoreLayout layout, HashSet<string> keep)
        {
            var found = new List<string>();
            Walk(layout.Root, 0);
            return found;

            void Walk(string dir, int depth)
            {
                if (depth > MaxDepth) return;
                foreach (string path in Directory.EnumerateFileSystemEntries(dir))
                {
                    if (depth == 0 && Path.GetFileName(path) == StoreLayout.DirectoryName) continue;
                    if (FileSystemLinks.IsSymbolicLink(path))
                    {
                        string? target = FileSystemLinks.ReadSymbolicLink(path);
                        if (target == null || keep.Contains(path)) continue;
                        string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target));
                        if (PathComparer.Equals(Path.GetDirectoryName(resolved.TrimEnd('/', '\\')), layout.TreesDirectory)) found.Add(path);
                        continue;
                    }
                    if (Directory.Exists(path)) Walk(path, depth + 1);
                }
            }
        }
    }
}
