using System;
using System.IO;
using System.Text;
using NetbootOci.Engine.Formats;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// Spots content that cannot be what its name says: an HTML page (a web server's error page saved as a boot
    /// file, like the 196-byte Apache 404 shipped as Fedora 40's boot.iso) or a kernel, initrd, image or
    /// bootloader far too small to be real.
    /// </summary>
    public static class ContentSniffer
    {
        /// <summary>Boot files smaller than this are implausible (the smallest real bootloaders are tens of KiB).</summary>
        public const long MinimumBootFileSize = 4096;

        /// <summary>Why the declared size is implausible for the file's role, or null.</summary>
        public static string? SizeProblem(string name, long size)
        {
            if (size < 0 || size >= MinimumBootFileSize || !IsBootBinary(name)) return null;
            return $"{size} bytes is implausibly small for a boot file";
        }

        /// <summary>Why the first bytes of <paramref name="path"/> do not look like a boot file, or null.</summary>
        public static string? ContentProblem(string path, string name)
        {
            var head = new byte[1024];
            int n;
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096))
                n = fs.Read(head, 0, head.Length);
            string text = Encoding.ASCII.GetString(head, 0, n).TrimStart(' ', '\t', '\r', '\n', '\uFEFF').ToLowerInvariant();
            if (text.StartsWith("<!doctype html") || text.StartsWith("<html") || text.StartsWith("<head") || text.StartsWith("<title") ||
                (text.StartsWith("<") && text.Contains("<body")))
                return "its content is an HTML page (a web server's error page?)";
            long size = new FileInfo(path).Length;
            return SizeProblem(name, size);
        }

        /// <summary>Kernels, initrds, images and EFI/BIOS loaders; configuration files may be tiny.</summary>
        static bool IsBootBinary(string name)
        {
            string n = name.ToLowerInvariant();
            return n.EndsWith(".efi") || n.EndsWith(".iso") || n.EndsWith(".img") || n.EndsWith(".0") || n.EndsWith(".c32") ||
                   n.StartsWith("vmlinuz") || n.StartsWith("linux") || n.StartsWith("initrd") || n.StartsWith("kernel");
        }

        internal static string Describe(NetbootFile file, string artifact, string problem) =>
            $"{ErrorIds.SuspiciousContent}: '{file.Name}' of {artifact}: {problem}.";
    }
}
