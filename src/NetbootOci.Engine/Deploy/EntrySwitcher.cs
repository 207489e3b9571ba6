using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Store;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// Points an OS entry (<c>ROOT/os/version/arch</c>) at a tree. Normally the entry is a relative symbolic link
    /// replaced by creating the new link beside it and renaming it over the old one: one rename(2), so a reader
    /// resolves the old tree or the new one, never a mix and never nothing. Where symbolic links cannot be made
    /// (Windows without the privilege or developer mode) the entry is a real directory of hardlinks plus a marker
    /// file, swapped by two renames: there is a window of a few microseconds in which the entry is absent.
    /// </summary>
    internal sealed class EntrySwitcher
    {
        public const string MarkerName = ".netboot-oci-manifest";
        static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        readonly StoreLayout _layout;
        readonly IEngineLog _log;

        public EntrySwitcher(StoreLayout layout, IEngineLog log)
        {
            _layout = layout;
            _log = log;
        }

        /// <summary>The link text for an entry at <paramref name="segments"/> below the root: relative, inside the root (works in a chrooted tftpd).</summary>
        public static string RelativeTarget(IReadOnlyList<string> segments, string manifestDigest) =>
            string.Concat(Enumerable.Repeat("../", segments.Count - 1)) + StoreLayout.DirectoryName + "/trees/" + Digest.Hex(manifestDigest);

        /// <summary>The manifest digest the entry serves now, or null when there is no entry (or one Save does not manage).</summary>
        public string? CurrentDigest(string entry)
        {
            string? target = FileSystemLinks.ReadSymbolicLink(entry);
            if (target != null)
            {
                string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(entry)!, target));
                string prefix = _layout.TreesDirectory + Path.DirectorySeparatorChar;
                if (!full.StartsWith(prefix, StringComparison.Ordinal)) return null;
                string hex = full.Substring(prefix.Length).TrimEnd(Path.DirectorySeparatorChar);
                return hex.Length == 64 && Digest.IsValid("sha256:" + hex) ? "sha256:" + hex : null;
            }
            string marker = Path.Combine(entry, MarkerName);
            if (Directory.Exists(entry) && File.Exists(marker))
            {
                string digest = File.ReadAllText(marker).Trim();
                return Digest.IsValid(digest) ? digest : null;
            }
            return null;
        }

        public bool IsDirectoryEntry(string entry) =>
            !FileSystemLinks.IsSymbolicLink(entry) && Directory.Exists(entry) && File.Exists(Path.Combine(entry, MarkerName));

        /// <summary>
        /// True when the entry already serves the complete tree: the link text is exactly the expected one, or the
        /// directory entry's marker and files match (directory mode).
        /// </summary>
        public bool PointsAt(string entry, IReadOnlyList<string> segments, DeployPlan plan, bool directoryMode)
        {
            if (!directoryMode) return FileSystemLinks.ReadSymbolicLink(entry) == RelativeTarget(segments, plan.ManifestDigest);
            if (!IsDirectoryEntry(entry) || CurrentDigest(entry) != plan.ManifestDigest) return false;
            string tree = _layout.TreePath(plan.ManifestDigest);
            return plan.Files.All(f => File.Exists(Path.Combine(entry, f.Name)) && new FileInfo(Path.Combine(entry, f.Name)).Length == new FileInfo(Path.Combine(tree, f.Name)).Length);
        }

        /// <summary>Switches the entry to the plan's tree. Returns false when symbolic links turned out to be impossible (caller retries in directory mode).</summary>
        public bool Switch(string entry, IReadOnlyList<string> segments, DeployPlan plan, bool directoryMode, TreeBuilder trees)
        {
            string parent = Path.GetDirectoryName(entry)!;
            string name = Path.GetFileName(entry);
            string staging = Path.Combine(parent, "." + name + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".new");
            bool existsAsDirectory = Directory.Exists(entry) && !FileSystemLinks.IsSymbolicLink(entry);
            if (existsAsDirectory && !IsDirectoryEntry(entry))
                throw new NetbootException(ErrorIds.LinkConflict, FailureKind.WriteError,
                    $"'{entry}' is a directory Save does not manage (no {MarkerName}); move it away so Save can deploy {plan.Artifact.Reference} there.", entry);
            if (File.Exists(entry) && !FileSystemLinks.IsSymbolicLink(entry))
                throw new NetbootException(ErrorIds.LinkConflict, FailureKind.WriteError,
                    $"'{entry}' is a file where Save deploys the OS entry for {plan.Artifact.Reference}; move it away.", entry);

            if (!directoryMode)
            {
                try
                {
                    FileSystemLinks.CreateSymbolicLink(staging, RelativeTarget(segments, plan.ManifestDigest), true);
                }
                catch (NetbootException e) when (IsWindows && e.Kind == FailureKind.PermissionDenied)
                {
                    _log.Warning($"Cannot create symbolic links here ({e.Message}); deploying '{entry}' as a directory swapped by rename (see README \"Atomicity on Windows\").");
                    return false;
                }
                if (existsAsDirectory) SwapByTwoRenames(staging, entry);
                else FileSystemLinks.RenameOver(staging, entry);
                return true;
            }

            // Directory mode: a full copy of the tree made of hardlinks, then two renames.
            Directory.CreateDirectory(staging);
            try
            {
                string tree = _layout.TreePath(plan.ManifestDigest);
                foreach (var file in plan.Files) trees.LinkOrCopy(Path.Combine(tree, file.Name), Path.Combine(staging, file.Name));
                foreach (var link in plan.Links) trees.LinkOrCopy(Path.Combine(tree, link.Value), Path.Combine(staging, link.Key));
                File.WriteAllText(Path.Combine(staging, MarkerName), plan.ManifestDigest + "\n");
                if (FileSystemLinks.Exists(entry)) SwapByTwoRenames(staging, entry);
                else Directory.Move(staging, entry);
            }
            catch
            {
                TreeBuilder.TryDeleteTree(staging);
                throw;
            }
            return true;
        }

        /// <summary>Old entry aside, new one in, old one removed: the entry is missing only between the two renames.</summary>
        static void SwapByTwoRenames(string staging, string entry)
        {
            string parent = Path.GetDirectoryName(entry)!;
            string old = Path.Combine(parent, "." + Path.GetFileName(entry) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".old");
            MoveEntry(entry, old);
            try { MoveEntry(staging, entry); }
            catch
            {
                MoveEntry(old, entry);
                throw;
            }
            if (FileSystemLinks.IsSymbolicLink(old)) File.Delete(old);
            else TreeBuilder.TryDeleteTree(old);
        }

        static void MoveEntry(string from, string to)
        {
            if (FileSystemLinks.IsSymbolicLink(from) || File.Exists(from)) FileSystemLinks.RenameOver(from, to);
            else Directory.Move(from, to);
        }
    }
}
