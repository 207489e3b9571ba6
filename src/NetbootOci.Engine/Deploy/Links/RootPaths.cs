using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetbootOci.Engine.Deploy.Links
{
    /// <summary>
    /// Confinement to the root, as a chrooted tftpd-hpa sees it: names are root-relative '/'-separated
    /// components without '.', '..' or absolute parts; symbolic links are followed with the root as '/',
    /// and any that is absolute or climbs above the root is refused (it breaks under chroot and leaves
    /// the root on servers that do not chroot). Parent directories of a new name must be real
    /// directories, so a planted symbolic link can never redirect a write out of the root.
    /// </summary>
    public static class RootPaths
    {
        const int MaxSymlinkHops = 40;

        /// <summary>Full, normalised root path without a trailing separator.</summary>
        public static string NormaliseRoot(string root)
        {
            if (string.IsNullOrWhiteSpace(root))
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "The root (destination) is empty.");
            string full = Path.GetFullPath(root);
            string trimmed = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return trimmed.Length == 0 || trimmed.EndsWith(":", StringComparison.Ordinal) ? full : trimmed;
        }

        /// <summary>A single path component: non-empty, no separators, not '.' or '..', no NUL.</summary>
        public static void CheckComponent(string value, string what)
        {
            if (value.Length == 0 || value == "." || value == ".." || value.IndexOfAny(new[] { '/', '\\', '\0' }) >= 0 || (value.Length >= 2 && value[1] == ':'))
                throw new NetbootException(ErrorIds.PathEscapesRoot, FailureKind.SecurityError,
                    $"{what} value '{value}' is not a single file name (no '/', '\\', '.', '..', drive): it could leave the root.", value);
        }

        /// <summary>Splits a root-relative name; refuses absolute names, '.', '..', empty components and backslashes.</summary>
        public static string[] Split(string relative, string what)
        {
            string trimmed = relative.TrimEnd('/');
            if (trimmed.Length == 0 || relative.StartsWith("/", StringComparison.Ordinal) || relative.IndexOf('\\') >= 0 || relative.IndexOf('\0') >= 0
                || (relative.Length >= 2 && relative[1] == ':'))
                throw Escape($"{what} '{relative}' is not a relative name inside the root.", relative);
            var parts = trimmed.Split('/');
            foreach (var p in parts)
                if (p.Length == 0 || p == "." || p == "..")
                    throw Escape($"{what} '{relative}' has an empty, '.' or '..' component: names must stay inside the root.", relative);
            return parts;
        }

        public static string Join(string root, IEnumerable<string> parts) => Path.Combine(new[] { root }.Concat(parts).ToArray());

        public static string Name(IEnumerable<string> parts) => string.Join("/", parts);

        /// <summary>The components of <paramref name="fullPath"/> below <paramref name="root"/>, or a PathEscapesRoot error.</summary>
        public static string[] Below(string root, string fullPath, string what)
        {
            string full = Path.GetFullPath(fullPath).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            string prefix = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
            var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (!full.StartsWith(prefix, comparison))
                throw Escape($"{what} '{fullPath}' is not inside the root '{root}'.", fullPath);
            return full.Substring(prefix.Length).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        }

        /// <summary>
        /// Follows <paramref name="parts"/> from the root like a chrooted server would and returns the physical
        /// components. Refuses absolute link targets and anything that climbs above the root.
        /// </summary>
        public static List<string> Resolve(string root, IEnumerable<string> parts, string shownAs)
        {
            var pending = new LinkedList<string>(parts);
            var physical = new List<string>();
            int hops = 0;
            while (pending.Count > 0)
            {
                string c = pending.First!.Value;
                pending.RemoveFirst();
                if (c.Length == 0 || c == ".") continue;
                if (c == "..")
                {
                    if (physical.Count == 0) throw Escape($"'{shownAs}' climbs above the root '{root}'.", shownAs);
                    physical.RemoveAt(physical.Count - 1);
                    continue;
                }
                string here = Join(root, physical.Concat(new[] { c }));
                string? text = FileSystemLinks.ReadSymbolicLink(here);
                if (text == null) { physical.Add(c); continue; }
                if (++hops > MaxSymlinkHops) throw Escape($"'{shownAs}' passes through too many symbolic links (a loop?) at '{here}'.", shownAs);
                if (text.StartsWith("/", StringComparison.Ordinal) || text.StartsWith("\\", StringComparison.Ordinal) || (text.Length >= 2 && text[1] == ':'))
                    throw Escape($"'{shownAs}' passes through '{here}', an absolute symbolic link ('{text}'): it breaks under a chrooted tftpd and may leave the root.", shownAs);
                var node = pending.First;
                foreach (var t in text.Split('/', '\\'))
                {
                    if (node == null) pending.AddLast(t); else pending.AddBefore(node, t);
                }
            }
            return physical;
        }

        /// <summary>
        /// Checks the parent directories of <paramref name="parts"/>: every existing one must be a real directory
        /// (not a symbolic link, not a file). Returns the missing ones, shallowest first.
        /// </summary>
        public static List<string[]> MissingParents(string root, string[] parts)
        {
            var missing = new List<string[]>();
            for (int i = 1; i < parts.Length; i++)
            {
                var prefix = parts.Take(i).ToArray();
                string path = Join(root, prefix);
                if (missing.Count > 0) { missing.Add(prefix); continue; }
                if (FileSystemLinks.IsSymbolicLink(path))
                    throw Escape($"'{Name(parts)}' would be created through the symbolic link '{Name(prefix)}'; links are only made in real directories under the root.", Name(parts));
                if (Directory.Exists(path)) continue;
                if (File.Exists(path))
                    throw new NetbootException(ErrorIds.LinkConflict, FailureKind.WriteError,
                        $"'{Name(parts)}' cannot be created: '{Name(prefix)}' is a file, not a directory.", path);
                missing.Add(prefix);
            }
            return missing;
        }

        /// <summary>The relative text from the directory of <paramref name="linkParts"/> to <paramref name="targetParts"/>.</summary>
        public static string RelativeText(string[] linkParts, string[] targetParts)
        {
            int dirLength = linkParts.Length - 1;
            int common = 0;
            while (common < dirLength && common < targetParts.Length && linkParts[common] == targetParts[common]) common++;
            var pieces = Enumerable.Repeat("..", dirLength - common).Concat(targetParts.Skip(common)).ToList();
            return pieces.Count == 0 ? "." : string.Join("/", pieces);
        }

        static NetbootException Escape(string message, string target) =>
            new NetbootException(ErrorIds.PathEscapesRoot, FailureKind.SecurityError, message, target);
    }
}
