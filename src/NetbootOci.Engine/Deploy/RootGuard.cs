using System;
using System.Collections.Generic;
using System.IO;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// Keeps every write inside the destination root: a directory Save creates or passes through below the root
    /// must be a real directory, never a symbolic link (or junction), so a link planted in the root cannot steer
    /// files elsewhere (<see cref="ErrorIds.PathEscapesRoot"/>).
    /// </summary>
    internal sealed class RootGuard
    {
        readonly string _root;

        public RootGuard(string root) { _root = root; }

        /// <summary>Throws when an existing component of <paramref name="segments"/> below the root is a link or a file.</summary>
        public void CheckDirectories(IEnumerable<string> segments, bool lastMayBeLink = false)
        {
            string path = _root;
            var list = new List<string>(segments);
            for (int i = 0; i < list.Count; i++)
            {
                path = Path.Combine(path, list[i]);
                bool last = i == list.Count - 1;
                if (FileSystemLinks.IsSymbolicLink(path))
                {
                    if (last && lastMayBeLink) return;
                    throw Escape(path);
                }
                if (File.Exists(path))
                    throw new NetbootException(ErrorIds.PathEscapesRoot, FailureKind.WriteError,
                        $"'{path}' is a file where Save needs a directory.", path);
                if (!Directory.Exists(path)) return;
            }
        }

        /// <summary>Creates the directories of <paramref name="segments"/> below the root one by one, refusing links.</summary>
        public string CreateDirectories(IEnumerable<string> segments)
        {
            if (!Directory.Exists(_root)) Directory.CreateDirectory(_root);
            string path = _root;
            foreach (var segment in segments)
            {
                path = Path.Combine(path, segment);
                if (FileSystemLinks.IsSymbolicLink(path)) throw Escape(path);
                if (!Directory.Exists(path)) Directory.CreateDirectory(path);
                // Re-check after creating: a link swapped in meanwhile is refused before anything is written through it.
                if (FileSystemLinks.IsSymbolicLink(path)) throw Escape(path);
            }
            return path;
        }

        static NetbootException Escape(string path) =>
            new NetbootException(ErrorIds.PathEscapesRoot, FailureKind.SecurityError,
                $"'{path}' is a symbolic link inside the destination; Save does not write through links (it could lead outside the root).", path);
    }
}
