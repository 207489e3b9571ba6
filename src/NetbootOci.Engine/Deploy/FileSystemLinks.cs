using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// Hard links, symbolic links and rename-over-existing, which netstandard2.0 has no API for:
    /// libc <c>link</c>/<c>symlink</c>/<c>readlink</c>/<c>rename</c> on Unix, <c>CreateHardLinkW</c>/
    /// <c>CreateSymbolicLinkW</c>/<c>MoveFileExW</c> on Windows. Failures are <see cref="NetbootException"/>s
    /// naming both paths and the OS reason.
    /// </summary>
    public static class FileSystemLinks
    {
        static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static void CreateHardLink(string existingFile, string newPath)
        {
            bool ok = IsWindows ? Win.CreateHardLinkW(newPath, existingFile, IntPtr.Zero) : Unix.link(existingFile, newPath) == 0;
            if (!ok) throw Fail("hard link", newPath, existingFile);
        }

        /// <summary>Creates <paramref name="linkPath"/> pointing at <paramref name="target"/> exactly as given (relative targets stay relative).</summary>
        public static void CreateSymbolicLink(string linkPath, string target, bool targetIsDirectory)
        {
            bool ok;
            if (IsWindows)
            {
                int flags = (targetIsDirectory ? 1 : 0) | 2; // SYMBOLIC_LINK_FLAG_DIRECTORY | ALLOW_UNPRIVILEGED_CREATE (developer mode)
                ok = Win.CreateSymbolicLinkW(linkPath, target.Replace('/', '\\'), flags);
            }
            else ok = Unix.symlink(target, linkPath) == 0;
            if (!ok) throw Fail("symbolic link", linkPath, target);
        }

        /// <summary>The target text of a symbolic link, or null when <paramref name="path"/> is not a symbolic link.</summary>
        public static string? ReadSymbolicLink(string path)
        {
            if (!IsSymbolicLink(path)) return null;
            if (IsWindows)
            {
                // .NET Framework has no reader; FileSystemInfo.LinkTarget exists only on .NET 6+, reached by reflection when present.
                var prop = typeof(FileSystemInfo).GetProperty("LinkTarget");
                if (prop == null) return null;
                FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : (FileSystemInfo)new FileInfo(path);
                return (string?)prop.GetValue(info);
            }
            var buffer = new byte[4096];
            long n = Unix.readlink(path, buffer, (IntPtr)buffer.Length).ToInt64();
            if (n < 0) throw Fail("read link", path, null);
            return Encoding.UTF8.GetString(buffer, 0, (int)n);
        }

        /// <summary>True for a symbolic link (or junction), without following it.</summary>
        public static bool IsSymbolicLink(string path)
        {
            try
            {
                var attributes = File.GetAttributes(path);
                return (attributes & FileAttributes.ReparsePoint) != 0;
            }
            catch (FileNotFoundException) { return false; }
            catch (DirectoryNotFoundException) { return false; }
        }

        /// <summary>True when something (file, directory or possibly dangling link) exists at <paramref name="path"/>.</summary>
        public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || IsSymbolicLink(path);

        /// <summary>
        /// Atomically renames <paramref name="from"/> onto <paramref name="to"/>, replacing a file or symbolic link
        /// there: a reader sees the old or the new entry, never none. (On Windows MoveFileEx replaces files but
        /// is not guaranteed atomic on every file system; see README "Atomicity on Windows".)
        /// </summary>
        public static void RenameOver(string from, string to)
        {
            bool ok = IsWindows ? Win.MoveFileExW(from, to, 0x1 | 0x8) : Unix.rename(from, to) == 0;
            if (!ok) throw Fail("rename", to, from);
        }

        static NetbootException Fail(string what, string path, string? other)
        {
            int code = Marshal.GetLastWin32Error();
            string reason = IsWindows ? new Win32Exception(code).Message : Unix.Describe(code);
            string detail = other == null ? $"'{path}'" : $"'{path}' -> '{other}'";
            return new NetbootException(ErrorIds.LinkFailed, code == 13 || code == 1 || code == 5 ? FailureKind.PermissionDenied : FailureKind.WriteError,
                $"Cannot create {what} {detail}: {reason} (error {code}).", path);
        }

        static class Unix
        {
            [DllImport("libc", SetLastError = true)] public static extern int link(string oldpath, string newpath);
            [DllImport("libc", SetLastError = true)] public static extern int symlink(string target, string linkpath);
            [DllImport("libc", SetLastError = true)] public static extern int rename(string oldpath, string newpath);
            [DllImport("libc", SetLastError = true)] public static extern IntPtr readlink(string path, byte[] buf, IntPtr bufsiz);
            [DllImport("libc")] static extern IntPtr strerror(int errnum);

            public static string Describe(int errno)
            {
                try { return Marshal.PtrToStringAnsi(strerror(errno)) ?? "errno " + errno; }
                catch (EntryPointNotFoundException) { return "errno " + errno; }
            }
        }

        static class Win
        {
            [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
            public static extern bool CreateHardLinkW(string lpFileName, string lpExistingFileName, IntPtr lpSecurityAttributes);
            [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
            [return: MarshalAs(UnmanagedType.I1)]
            public static extern bool CreateSymbolicLinkW(string lpSymlinkFileName, string lpTargetFileName, int dwFlags);
            [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
            public static extern bool MoveFileExW(string lpExistingFileName, string lpNewFileName, int dwFlags);
        }
    }
}
