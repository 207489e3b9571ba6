using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Deploy.Links
{
    /// <summary>
    /// Set-NetbootLink's engine: OS aliases and per-host entries as links into what Save deployed.
    /// <see cref="PlanAsync"/> only reads (it is -WhatIf); <see cref="ApplyAsync"/> re-plans under the root's
    /// lock and makes each change atomically (a new link beside the name, renamed over it), so a boot
    /// server reading the name sees the old or the new file, never none and never a partial one.
    /// </summary>
    public static class LinkEngine
    {
        public const string LockFileName = "links.lock";

        public static Task<LinkPlan> PlanAsync(LinkRequest request, IEngineLog log, CancellationToken cancellationToken) =>
            Task.Run(() => LinkPlanner.Plan(request, null, log, cancellationToken), cancellationToken);

        /// <summary>
        /// Makes the request true. <paramref name="approve"/> (e.g. ShouldProcess) is asked for each change;
        /// refused changes are skipped and not reported. Unchanged names are reported with Changed = false.
        /// </summary>
        public static Task<IReadOnlyList<LinkResult>> ApplyAsync(LinkRequest request, Func<LinkResult, bool>? approve, IEngineLog log, CancellationToken cancellationToken) =>
            Task.Run(() => Apply(request, approve, log, cancellationToken), cancellationToken);

        static IReadOnlyList<LinkResult> Apply(LinkRequest request, Func<LinkResult, bool>? approve, IEngineLog log, CancellationToken ct)
        {
            string root = RootPaths.NormaliseRoot(request.Root);
            if (!Directory.Exists(root))
                throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, $"The root '{root}' does not exist.", root);
            string stateDir = Path.Combine(root, OwnershipRecord.StateDirectory);
            if (FileSystemLinks.IsSymbolicLink(stateDir))
                throw new NetbootException(ErrorIds.PathEscapesRoot, FailureKind.SecurityError, $"'{stateDir}' is a symbolic link; the module's state directory must be a real directory in the root.", stateDir);
            Directory.CreateDirectory(stateDir);

            using (FileLock.Acquire(Path.Combine(stateDir, LockFileName), ct))
            {
                var record = OwnershipRecord.Load(root);
                var plan = LinkPlanner.Plan(request, record, log, ct);
                var done = new List<LinkResult>();
                bool recordChanged = false;
                try
                {
                    foreach (var item in plan.Items.Where(i => i.Result.Action != LinkAction.Removed))
                    {
                        ct.ThrowIfCancellationRequested();
                        var r = item.Result;
                        if (r.Changed)
                        {
                            if (approve != null && !approve(r)) continue;
                            MakeLink(root, item, plan.LinkType, record);
                            log.Verbose($"{r.Action} {r.Name} -> {r.SymlinkText ?? r.Target} ({r.LinkType}).");
                        }
                        if (item.Record != null && !SameRecord(record, r.Name, item.Record))
                        {
                            record.Links[r.Name] = item.Record;
                            recordChanged = true;
                        }
                        done.Add(r);
                    }
                    foreach (var item in plan.Items.Where(i => i.Result.Action == LinkAction.Removed))
                    {
                        ct.ThrowIfCancellationRequested();
                        var r = item.Result;
                        if (r.Changed)
                        {
                            if (approve != null && !approve(r)) continue;
                            RemoveLink(r.LinkPath);
                            log.Verbose($"Removed {r.Name} (was -> {r.PreviousTarget}).");
                            done.Add(r);
                        }
                        record.Links.Remove(r.Name);
                        recordChanged = true;
                        RemoveEmptyDirectories(root, item.Parts, record);
                    }
                }
                finally
                {
                    // Whatever was done is recorded, even when a later link failed.
                    if (recordChanged) record.Save(root);
                }
                return done;
            }
        }

        static bool SameRecord(OwnershipRecord record, string name, ManagedLink wanted) =>
            record.Links.TryGetValue(name, out var have) && have.Target == wanted.Target && have.Type == wanted.Type && have.Os == wanted.Os
            && have.Version == wanted.Version && have.Architecture == wanted.Architecture && have.Mac == wanted.Mac;

        /// <summary>Stages the new link beside the name and renames it over, so the name is never missing.</summary>
        static void MakeLink(string root, PlannedLink item, LinkType type, OwnershipRecord record)
        {
            foreach (var dir in RootPaths.MissingParents(root, item.Parts))
            {
                Directory.CreateDirectory(RootPaths.Join(root, dir));
                record.Directories.Add(RootPaths.Name(dir));
            }
            string linkPath = item.Result.LinkPath;
            string stage = Path.Combine(Path.GetDirectoryName(linkPath)!, "." + Path.GetFileName(linkPath) + ".nboci-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                switch (type)
                {
                    case LinkType.Symlink:
                        FileSystemLinks.CreateSymbolicLink(stage, item.Result.SymlinkText!, item.TargetIsDirectory);
                        break;
                    case LinkType.Hardlink:
                        FileSystemLinks.CreateHardLink(item.SourcePath!, stage);
                        break;
                    default:
                        File.Copy(item.SourcePath!, stage, overwrite: false);
                        break;
                }
                FileSystemLinks.RenameOver(stage, linkPath);
            }
            finally
            {
                if (FileSystemLinks.Exists(stage)) RemoveLink(stage);
            }
        }

        /// <summary>Removes a link or file, never what a symbolic link points at.</summary>
        internal static void RemoveLink(string path)
        {
            if (FileSystemLinks.IsSymbolicLink(path) && Directory.Exists(path) && Path.DirectorySeparatorChar == '\\')
                Directory.Delete(path, recursive: false); // a Windows directory symlink is removed as a directory
            else
                File.Delete(path);
        }

        /// <summary>After a prune, removes the directories this module created that are now empty, deepest first.</summary>
        static void RemoveEmptyDirectories(string root, string[] parts, OwnershipRecord record)
        {
            for (int i = parts.Length - 1; i >= 1; i--)
            {
                string name = RootPaths.Name(parts.Take(i));
                if (!record.Directories.Contains(name)) return;
                string path = RootPaths.Join(root, parts.Take(i));
                if (FileSystemLinks.IsSymbolicLink(path) || !Directory.Exists(path)) { record.Directories.Remove(name); continue; }
                if (Directory.EnumerateFileSystemEntries(path).Any()) return;
                Directory.Delete(path, recursive: false);
                record.Directories.Remove(name);
            }
        }
    }
}
