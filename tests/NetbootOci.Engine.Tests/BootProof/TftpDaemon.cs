using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NetbootOci.Engine.Tests.BootProof
{
    /// <summary>
    /// The real tftpd-hpa serving a root the way Debian and RHEL run it: chrooted (-s), in the foreground (-L),
    /// on a free loopback port. Names are fetched with curl's TFTP client. QEMU's own TFTP server follows any
    /// link, so only this daemon shows a link that breaks under chroot (absolute, or leaving the root).
    /// </summary>
    public sealed class TftpDaemon : IDisposable
    {
        public const string Binary = "/usr/sbin/in.tftpd";
        readonly Process _process;

        TftpDaemon(Process process, int port) { _process = process; Port = port; }

        public int Port { get; }

        public static TftpDaemon Start(string root)
        {
            if (!File.Exists(Binary)) throw new InvalidOperationException($"{Binary} is missing: install tftpd-hpa (.ci/run does).");
            int port = FreeUdpPort();
            var psi = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-L", "-s", "-a", "127.0.0.1:" + port, root }) psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            var daemon = new TftpDaemon(p, port);
            Thread.Sleep(300);
            if (p.HasExited) throw new InvalidOperationException($"in.tftpd exited at once ({p.ExitCode}); it must run as root to chroot.");
            return daemon;
        }

        /// <summary>Downloads a name; returns the bytes, or null with curl's exit code (68: not found, 69: access violation).</summary>
        public (byte[]? Bytes, int Code) Fetch(string name)
        {
            string tmp = Path.GetTempFileName();
            try
            {
                var psi = new ProcessStartInfo("curl") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (var a in new[] { "-sf", "--max-time", "60", "-o", tmp, $"tftp://127.0.0.1:{Port}/{name}" }) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                p.StandardError.ReadToEnd();
                if (!p.WaitForExit(90_000)) { p.Kill(true); return (null, -1); }
                return p.ExitCode == 0 ? (File.ReadAllBytes(tmp), 0) : (null, p.ExitCode);
            }
            finally { File.Delete(tmp); }
        }

        static int FreeUdpPort()
        {
            using var s = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)s.Client.LocalEndPoint!).Port;
        }

        public void Dispose()
        {
            try { if (!_process.HasExited) { _process.Kill(true); _process.WaitForExit(5000); } } catch (InvalidOperationException) { }
            _process.Dispose();
        }
    }
}
