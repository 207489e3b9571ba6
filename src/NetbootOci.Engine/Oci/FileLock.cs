using System;
using System.IO;
using System.Threading;

namespace NetbootOci.Engine.Oci
{
    /// <summary>
    /// A cross-process lock held as an exclusively opened file (released by the OS if the process dies).
    /// Waits with polling until acquired or cancelled.
    /// </summary>
    public sealed class FileLock : IDisposable
    {
        readonly FileStream _stream;
        FileLock(FileStream stream) { _stream = stream; }

        public static FileLock Acquire(string path, CancellationToken cancellationToken, TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(5));
            while (true)
            {
                try
                {
                    return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    cancellationToken.WaitHandle.WaitOne(50);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}
