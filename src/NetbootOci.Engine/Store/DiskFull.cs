using System;
using System.IO;
using System.Runtime.InteropServices;

namespace NetbootOci.Engine.Store
{
    /// <summary>
    /// Recognises "the file system is full" among I/O errors and turns it into <see cref="ErrorIds.InsufficientSpace"/>
    /// naming what was being written: ENOSPC (28) and EDQUOT (122) on Linux, ERROR_DISK_FULL (112) and
    /// ERROR_HANDLE_DISK_FULL (39) on Windows (HResult 0x8007xxxx there, the raw errno on Unix).
    /// </summary>
    internal static class DiskFull
    {
        static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static bool Is(Exception e)
        {
            for (var x = e; x != null; x = x.InnerException)
            {
                if (!(x is IOException)) continue;
                int h = x.HResult;
                if (IsWindows || (h & unchecked((int)0xFFFF0000)) == unchecked((int)0x80070000))
                {
                    int code = h & 0xFFFF;
                    if ((h & unchecked((int)0xFFFF0000)) == unchecked((int)0x80070000) && (code == 112 || code == 39)) return true;
                }
                else if (h == 28 || h == 122) return true;
            }
            return false;
        }

        /// <param name="what">the artifact and file, e.g. "'initrd.img' of fedora:40"</param>
        /// <param name="path">the file (or directory) being written</param>
        public static NetbootException Error(string what, string path, Exception e) =>
            new NetbootException(ErrorIds.InsufficientSpace, FailureKind.ResourceUnavailable,
                $"No space left on the device while writing {what} to '{path}'; the entry still serves what it served before. " +
                "Free space (prune removes unused trees and blobs) and run again.", path, e);
    }
}
