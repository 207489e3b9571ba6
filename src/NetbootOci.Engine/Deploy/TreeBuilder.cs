using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using NetbootOci.Engine.Store;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// Builds <c>trees/&lt;manifest-hex&gt;/</c>: one hardlink per file (a read-only copy where linking is impossible,
    /// e.g. across volumes) named by title, plus the relative entry-point links. A new tree is staged under a
    /// hidden name and renamed into place whole; an existing tree is repaired file by file with link-then-rename,
    /// so a reader of that tree never sees a missing or partial file.
    /// </summary>
    internal sealed class TreeBuilder
    {
        static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        readonly StoreLayout _layout;
        readonly IEngineLog _log;
        bool _toldCopy;

        public TreeBuilder(StoreLayout layout, IEngineLog log)
        {
            _layout = layout;
            _log = log;
        }

        /// <summary>Names (files and links) of the tree that are missing or wrong; all of them when the tree does not exist.</summary>
        public List<string> Defects(DeployPlan plan)
        {
            var defects = new List<string>();
            string tree = _layout.TreePath(plan.ManifestDigest);
            bool exists = Directory.Exists(tree) && !FileSystemLinks.IsSymbolicLink(tree);
            foreach (var file in plan.Files)
            {
                string path = Path.Combine(tree, file.Name);
                string blob = _layout.BlobPath(file.ContentDigest);
                if (!exists || !File.Exists(blob) || FileSystemLinks.IsSymbolicLink(path) || !File.Exists(path) ||
                    new FileInfo(path).Length != new FileInfo(blob).Length)
                    defects.Add(file.Name);
            }
            foreach (var link in plan.Links)
            {
                string path = Path.Combine(tree, link.Key);
                if (!exists || !LinkIsRight(path, link.Value, tree)) defects.Add(link.Key);
            }
            if (exists && TreeIndex.Read(_layout.TreeIndexPath(plan.ManifestDigest)) == null) defects.Add("(index)");
            return defects;
        }

        static bool LinkIsRight(string path, string target, string tree)
        {
            string? text = FileSystemLinks.ReadSymbolicLink(path);
            if (text != null) return text == target;
            // Windows without symlink rights: the link is a hardlink of the target file.
            return IsWindows && File.Exists(path) && File.Exists(Path.Combine(tree, target)) && new FileInfo(path).Length == new FileInfo(Path.Combine(tree, target)).Length;
        }

        /// <summary>Makes the tree complete; <paramref name="relink"/> names files to replace even if they look right (Verify). Returns the names written.</summary>
        public List<string> Ensure(DeployPlan plan, ICollection<string> relink)
        {
            string tree = _layout.TreePath(plan.ManifestDigest);
            var written = new List<string>();
            if (!Directory.Exists(tree))
            {
                string staging = Path.Combine(_layout.TreesDirectory, "." + Path.GetFileName(tree) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".staging");
                Directory.CreateDirectory(staging);
                try
                {
                    foreach (var file in plan.Files) LinkOrCopy(_layout.BlobPath(file.ContentDigest), Path.Combine(staging, file.Name));
                    foreach (var link in plan.Links) MakeEntryLink(staging, link.Key, link.Value);
                    WriteIndex(plan);
                    Directory.Move(staging, tree);
                }
                catch
                {
                    TryDeleteTree(staging);
                    throw;
                }
                written.AddRange(plan.Files.ConvertAll(f => f.Name));
                written.AddRange(plan.Links.Keys);
                return written;
            }

            var defects = new HashSet<string>(Defects(plan), StringComparer.Ordinal);
            foreach (var name in relink) defects.Add(name);
            foreach (var file in plan.Files)
            {
                if (!defects.Contains(file.Name)) continue;
                string temp = Path.Combine(tree, "." + file.Name + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
                LinkOrCopy(_layout.BlobPath(file.ContentDigest), temp);
                FileSystemLinks.RenameOver(temp, Path.Combine(tree, file.Name));
                written.Add(file.Name);
            }
            foreach (var link in plan.Links)
            {
                if (!defects.Contains(link.Key)) continue;
                string tempName = "." + link.Key + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
                MakeEntryLink(tree, tempName, link.Value);
                FileSystemLinks.RenameOver(Path.Combine(tree, tempName), Path.Combine(tree, link.Key));
                written.Add(link.Key);
            }
            if (defects.Contains("(index)")) WriteIndex(plan);
            return written;
        }

        void WriteIndex(DeployPlan plan)
        {
            var index = new TreeIndex { Manifest = plan.ManifestDigest, Reference = plan.Artifact.Reference };
            foreach (var file in plan.Files) index.Files[file.Name] = file.ContentDigest;
            foreach (var link in plan.Links) index.Links[link.Key] = link.Value;
            index.Write(_layout.TreeIndexPath(plan.ManifestDigest));
        }

        void MakeEntryLink(string directory, string linkName, string target)
        {
            string path = Path.Combine(directory, linkName);
            try { FileSystemLinks.CreateSymbolicLink(path, target, false); }
            catch (NetbootException) when (IsWindows)
            {
                // No symlink privilege: a hardlink of the target serves the same bytes under the fixed name.
                FileSystemLinks.CreateHardLink(Path.Combine(directory, target), path);
            }
        }

        internal void LinkOrCopy(string blob, string path)
        {
            try
            {
                FileSystemLinks.CreateHardLink(blob, path);
            }
            catch (NetbootException e)
            {
                if (!_toldCopy)
                {
                    _log.Warning($"Cannot hardlink store files into '{Path.GetDirectoryName(path)}' ({e.Message}); copying instead (each copy costs its size).");
                    _toldCopy = true;
                }
                File.Copy(blob, path, false);
                File.SetAttributes(path, FileAttributes.ReadOnly);
            }
        }

        internal static void TryDeleteTree(string path)
        {
            try
            {
                if (!Directory.Exists(path)) return;
                if (IsWindows)
                    foreach (var f in Directory.GetFiles(path)) File.SetAttributes(f, FileAttributes.Normal);
                Directory.Delete(path, true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
