using System;
using System.Collections.Generic;
using System.Linq;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// What a file title or a path segment may be: one plain name valid on Linux and Windows. Titles come from
    /// the registry (org.opencontainers.image.title), so they are untrusted input.
    /// </summary>
    public static class FileNameRules
    {
        static readonly HashSet<string> ReservedWindowsNames = new HashSet<string>(
            new[] { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" }
                .Concat(Enumerable.Range(0, 10).Select(i => "COM" + i))
                .Concat(Enumerable.Range(0, 10).Select(i => "LPT" + i))
                .Concat(new[] { "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³" }),
            StringComparer.OrdinalIgnoreCase);

        /// <summary>Why <paramref name="name"/> is not a safe single file name, or null when it is.</summary>
        public static string? Problem(string? name)
        {
            if (string.IsNullOrEmpty(name)) return "it is empty";
            if (name == "." || name == "..") return "it is a relative directory reference";
            if (name!.IndexOf('/') >= 0 || name.IndexOf('\\') >= 0) return "it contains a path separator";
            if (name.Length >= 2 && name[1] == ':' && char.IsLetter(name[0])) return "it is a drive path";
            if (name.IndexOf(':') >= 0) return "it contains ':' (a Windows drive or stream separator)";
            foreach (char c in name)
                if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) return $"it contains the control character U+{(int)c:X4}";
            foreach (char c in "<>\"|?*")
                if (name.IndexOf(c) >= 0) return $"it contains '{c}', which Windows does not allow";
            if (name.EndsWith(".") || name.EndsWith(" ")) return "it ends with a dot or space, which Windows drops";
            if (name.Length > 255) return "it is longer than 255 characters";
            string stem = name.Split('.')[0].TrimEnd(' ');
            if (ReservedWindowsNames.Contains(stem)) return $"'{stem}' is a reserved device name on Windows";
            if (string.Equals(name, Store.StoreLayout.DirectoryName, StringComparison.OrdinalIgnoreCase)) return "it is the store's own directory name";
            return null;
        }
    }
}
