using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace NetbootOci.Engine.Tests.BootProof
{
    /// <summary>
    /// Boots QEMU (software emulation) from a TFTP root through its user-mode network, with the serial console in a
    /// file and the guest's traffic in a pcap. Succeeds when every marker has appeared on the console; fails at the
    /// time-out with the whole console log.
    /// </summary>
    public static class QemuBoot
    {
        public const string Binary = "qemu-system-x86_64";
        public const string Mac = "52:54:00:12:34:56";

        public sealed class Outcome
        {
            public bool Passed;
            public string Log = "";
            public TimeSpan Elapsed;
            public List<string> TftpRequests = new List<string>();
            public string Why = "";

            public string Describe() =>
                $"{Why} after {Elapsed.TotalSeconds:0} s.\nTFTP requests: {string.Join(", ", TftpRequests)}\n----- whole serial log -----\n{Log}";
        }

        public static Outcome Run(string workDir, IEnumerable<string> qemuArgs, string[] markers, TimeSpan timeout)
        {
            string log = Path.Combine(workDir, "serial.log");
            string pcap = Path.Combine(workDir, "net.pcap");
            var psi = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in qemuArgs) psi.ArgumentList.Add(a);
            foreach (var a in new[] { "-display", "none", "-monitor", "none", "-no-reboot", "-serial", "file:" + log, "-object", "filter-dump,id=f1,netdev=n0,file=" + pcap })
                psi.ArgumentList.Add(a);

            var outcome = new Outcome();
            var clock = Stopwatch.StartNew();
            var qemuOutput = new StringBuilder();
            using (var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + Binary))
            {
                p.OutputDataReceived += (s, e) => { if (e.Data != null) lock (qemuOutput) qemuOutput.AppendLine(e.Data); };
                p.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (qemuOutput) qemuOutput.AppendLine(e.Data); };
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                try
                {
                    while (true)
                    {
                        string text = ReadShared(log);
                        if (markers.All(m => text.Contains(m, StringComparison.Ordinal))) { outcome.Passed = true; outcome.Why = "all markers seen"; break; }
                        if (p.HasExited) { outcome.Why = $"QEMU exited ({p.ExitCode}) before every marker ({string.Join(", ", markers)}) appeared; QEMU said: {qemuOutput}"; break; }
                        if (clock.Elapsed > timeout) { outcome.Why = $"timed out waiting for {string.Join(", ", markers.Where(m => !text.Contains(m, StringComparison.Ordinal)))}"; break; }
                        Thread.Sleep(1000);
                    }
                }
                finally
                {
                    if (!p.HasExited) { p.Kill(true); p.WaitForExit(10_000); }
                }
            }
            outcome.Elapsed = clock.Elapsed;
            outcome.Log = Clean(ReadShared(log));
            outcome.TftpRequests = TftpReadRequests(pcap);
            return outcome;
        }

        static string ReadShared(string path)
        {
            if (!File.Exists(path)) return "";
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var r = new StreamReader(s, Encoding.UTF8);
            return r.ReadToEnd();
        }

        /// <summary>The console with terminal escape sequences removed, so the failure message is readable.</summary>
        static string Clean(string text) => Regex.Replace(text, @"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r", "");

        /// <summary>File names in TFTP read requests (UDP port 69, opcode 1) in a pcap written by QEMU's filter-dump.</summary>
        public static List<string> TftpReadRequests(string pcap)
        {
            var names = new List<string>();
            if (!File.Exists(pcap)) return names;
            byte[] d = File.ReadAllBytes(pcap);
            int off = 24;
            while (off + 16 <= d.Length)
            {
                int length = BitConverter.ToInt32(d, off + 8);
                int start = off + 16;
                off = start + length;
                if (off > d.Length || length < 14 + 20 + 8 + 4) continue;
                if (d[start + 12] != 0x08 || d[start + 13] != 0x00 || d[start + 14 + 9] != 17) continue; // IPv4, UDP
                int udp = start + 14 + (d[start + 14] & 0x0f) * 4;
                int port = (d[udp + 2] << 8) | d[udp + 3];
                if (port != 69 || d[udp + 8] != 0 || d[udp + 9] != 1) continue;
                int nameStart = udp + 10, end = nameStart;
                while (end < start + length && d[end] != 0) end++;
                names.Add(Encoding.ASCII.GetString(d, nameStart, end - nameStart));
            }
            return names;
        }
    }
}
