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
                // FileSystemInfo.LinkTarget exists only on .NET 6+ (reached by reflection); .NET Framework reads the reparse point.
                var prop = typeof(FileSystemInfo).GetProperty("LinkTarget");
                if (prop == null) return Win.ReadReparsePoint(path);
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
            // POSIX: when both names are hard links to the same file, rename(2) succeeds and does nothing,
            // which would leave the staged name behind. The destination already is that file: drop the stage.
            if (!IsWindows && (File.Exists(from) || IsSymbolicLink(from))) File.Delete(from);
        }

        /// <summary>
        /// True when both paths (symbolic links followed) are the same file: same device and inode on Unix,
        /// same volume and file index on Windows. False when either does not exist.
        /// </summary>
        public static bool SameFile(string a, string b)
        {
            var ia = FileIdentity(a);
            var ib = FileIdentity(b);
            return ia != null && ib != null && ia.Value.Equals(ib.Value);
        }

        static (ulong Device, ulong Inode)? FileIdentity(string path)
        {
            if (!File.Exists(path) && !Directory.Exists(path)) return null;
            if (IsWindows) return Win.Identity(path);
            var buffer = new byte[512]; // larger than struct stat on every supported ABI
            int rc;
            try { rc = Unix.stat(path, buffer); }
            catch (EntryPointNotFoundException) { rc = Unix.__xstat(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 0, path, buffer); }
            if (rc != 0) return null;
            // st_ino is a 64-bit field at offset 8 on Linux x86_64/aarch64 and on macOS; st_dev is 64-bit at 0 on Linux, 32-bit on macOS.
            ulong device = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? BitConverter.ToUInt32(buffer, 0) : BitConverter.ToUInt64(buffer, 0);
            return (device, BitConverter.ToUInt64(buffer, 8));
        }

        static NetbootException Fail(string what, string path, string? other)
        {
            int code = Marshal.GetLastWin32Error();
            string reason = IsWindows ? new Win32Exception(code).Message : Unix.Describe(code);
            string detail = other == null ? $"'{path}'" : $"'{path}' -> '{other}'";
            string verb = what == "rename" || what == "read link" ? what : "create " + what;
            return new NetbootException(ErrorIds.LinkFailed, code == 13 || code == 1 || code == 5 ? FailureKind.PermissionDenied : FailureKind.WriteError,
                $"Cannot {verb} {detail}: {reason} (error {code}).", path);
        }

        static class Unix
        {
            [DllImport("libc", SetLastError = true)] public static extern int link(string oldpath, string newpath);
            [DllImport("libc", SetLastError = true)] public static extern int symlink(string target, string linkpath);
            [DllImport("libc", SetLastError = true)] public static extern int rename(string oldpath, string newpath);
            [DllImport("libc", SetLastError = true)] public static extern IntPtr readlink(string path, byte[] buf, IntPtr bufsiz);
            [DllImport("libc")] static extern IntPtr strerror(int errnum);
            [DllImport("libc", SetLastError = true)] public static extern int stat(string path, byte[] buf);
            [DllImport("libc", SetLastError = true)] public static extern int __xstat(int version, string path, byte[] buf);

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
            [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
            static extern IntPtr CreateFileW(string name, uint access, uint share, IntPtr security, uint disposition, uint flags, IntPtr template);
            [DllImport("kernel32.dll", SetLastError = true)]
            static extern bool GetFileInformationByHandle(IntPtr handle, out ByHandleFileInformation info);
            [DllImport("kernel32.dll", SetLastError = true)]
            static extern bool CloseHandle(IntPtr handle);

            [StructLayout(LayoutKind.Sequential, Pack = 4)] // FILETIME is two DWORDs: 4-byte aligned, unlike long
            struct ByHandleFileInformation
            {
                public uint FileAttributes;
                public long CreationTime, LastAccessTime, LastWriteTime;
                public uint VolumeSerialNumber, FileSizeHigh, FileSizeLow, NumberOfLinks, FileIndexHigh, FileIndexLow;
            }

            [DllImport("kernel32.dll", SetLastError = true)]
            static extern bool DeviceIoControl(IntPtr handle, uint code, IntPtr inBuffer, int inSize, byte[] outBuffer, int outSize, out int returned, IntPtr overlapped);

            /// <summary>
            /// The target of a symbolic link or junction as stored (REPARSE_DATA_BUFFER via FSCTL_GET_REPARSE_POINT),
            /// relative targets kept relative; null when it is another kind of reparse point (deduplication, cloud files).
            /// </summary>
            public static string? ReadReparsePoint(string path)
            {
                // FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT: open the link itself, file or directory.
                IntPtr handle = CreateFileW(path, 0, 0x7, IntPtr.Zero, 3, 0x02000000 | 0x00200000, IntPtr.Zero);
                if (handle == new IntPtr(-1)) throw Fail("read link", path, null);
                try
                {
                    var buffer = new byte[16 * 1024];
                    if (!DeviceIoControl(handle, 0x000900A8, IntPtr.Zero, 0, buffer, buffer.Length, out _, IntPtr.Zero)) throw Fail("read link", path, null);
                    uint tag = BitConverter.ToUInt32(buffer, 0);
                    int pathBuffer;
                    if (tag == 0xA000000C) pathBuffer = 20;      // IO_REPARSE_TAG_SYMLINK: 8-byte header, 4 offsets/lengths, Flags
                    else if (tag == 0xA0000003) pathBuffer = 16; // IO_REPARSE_TAG_MOUNT_POINT (junction): no Flags
                    else return null;
                    int substituteOffset = BitConverter.ToUInt16(buffer, 8), substituteLength = BitConverter.ToUInt16(buffer, 10);
                    int printOffset = BitConverter.ToUInt16(buffer, 12), printLength = BitConverter.ToUInt16(buffer, 14);
                    string print = Encoding.Unicode.GetString(buffer, pathBuffer + printOffset, printLength);
                    if (print.Length > 0) return print;
                    string substitute = Encoding.Unicode.GetString(buffer, pathBuffer + substituteOffset, substituteLength);
                    return substitute.StartsWith(@"\??\", StringComparison.Ordinal) ? substitute.Substring(4) : substitute;
                }
                finally { CloseHandle(handle); }
            }

            public static (ulong, ulong)? Identity(string path)
            {
                // No access rights needed to read the identity; FILE_FLAG_BACKUP_SEMANTICS opens directories too; links are followed.
                IntPtr handle = CreateFileW(path, 0, 0x7, IntPtr.Zero, 3, 0x02000000, IntPtr.Zero);
                if (handle == new IntPtr(-1)) return null;
                try
                {
                    if (!GetFileInformationByHandle(handle, out var info)) return null;
                    return (info.VolumeSerialNumber, ((ulong)info.FileIndexHigh << 32) | info.FileIndexLow);
                }
                finally { CloseHandle(handle); }
            }
        }
    }
}
