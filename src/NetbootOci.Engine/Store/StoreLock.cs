using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;

namespace NetbootOci.Engine.Store
{
    /// <summary>
    /// Serialises runs on one destination root across processes. The lock is an exclusively opened
    /// <c>.netboot-oci/lock</c> (flock on Unix, a share-none handle on Windows: the OS drops it when the
    /// process dies, even on kill -9). The holder records "pid host time" in <c>lock.owner</c> and removes it on
    /// release; an owner file found when the lock is free means a run died holding it (a stale lock), which is
    /// reported as <see cref="ErrorIds.StaleLock"/> and taken over. A live holder means waiting, then
    /// <see cref="ErrorIds.StoreLocked"/> naming its pid.
    /// </summary>
    public sealed class StoreLock : IDisposable
    {
        readonly FileStream _stream;
        readonly string _ownerPath;

        StoreLock(FileStream stream, string ownerPath)
        {
            _stream = stream;
            _ownerPath = ownerPath;
        }

        public static StoreLock Acquire(string lockPath, TimeSpan wait, IEngineLog log, CancellationToken cancellationToken)
        {
            string ownerPath = lockPath + ".owner";
            var deadline = DateTime.UtcNow + wait;
            bool toldWaiting = false;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                FileStream? stream = null;
                try
                {
                    stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                }
                catch (IOException) when (File.Exists(lockPath))
                {
                    string owner = ReadOwner(ownerPath);
                    if (DateTime.UtcNow >= deadline)
                        throw new NetbootException(ErrorIds.StoreLocked, FailureKind.ResourceBusy,
                            $"The store at '{Path.GetDirectoryName(lockPath)}' is locked by another run ({owner}); waited {wait.TotalSeconds:0} s.", lockPath);
                    if (!toldWaiting)
                    {
                        log.Verbose($"Waiting for the store lock '{lockPath}' held by {owner}.");
                        toldWaiting = true;
                    }
                    cancellationToken.WaitHandle.WaitOne(100);
                    continue;
                }

                ReportStale(ownerPath, lockPath, log);
                var me = Encoding.UTF8.GetBytes($"pid {Process.GetCurrentProcess().Id} host {Environment.MachineName} since {DateTime.UtcNow:O}\n");
                string temp = ownerPath + ".tmp";
                File.WriteAllBytes(temp, me);
                if (File.Exists(ownerPath)) File.Delete(ownerPath);
                File.Move(temp, ownerPath);
                return new StoreLock(stream, ownerPath);
            }
        }

        static void ReportStale(string ownerPath, string lockPath, IEngineLog log)
        {
            if (!File.Exists(ownerPath)) return;
            string owner = ReadOwner(ownerPath);
            int? pid = ParsePid(owner);
            string state = pid == null ? "an unknown process" : IsAlive(pid.Value) ? $"pid {pid} (alive, but not holding the lock)" : $"pid {pid} (dead)";
            log.Warning($"{ErrorIds.StaleLock}: the store lock '{lockPath}' was left by {state}; that run was interrupted. Taking it over; its partial downloads are resumed.");
        }

        static string ReadOwner(string ownerPath)
        {
            try { return File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "an unknown process"; }
            catch (IOException) { return "an unknown process"; }
            catch (UnauthorizedAccessException) { return "an unknown process"; }
        }

        static int? ParsePid(string owner)
        {
            var parts = owner.Split(' ');
            return parts.Length >= 2 && parts[0] == "pid" && int.TryParse(parts[1], out int pid) ? pid : (int?)null;
        }

        static bool IsAlive(int pid)
        {
            try
            {
                using (var p = Process.GetProcessById(pid)) return !p.HasExited;
            }
            catch (ArgumentException) { return false; }
            catch (InvalidOperationException) { return false; }
        }

        public void Dispose()
        {
            try { File.Delete(_ownerPath); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            _stream.Dispose();
        }
    }
}
