using System;
using System.Diagnostics;
using System.Text;

namespace NetbootOci.Engine.Tests.Support
{
    /// <summary>Runs external peers (skopeo, htpasswd, openssl, curl) and fails loudly with their output.</summary>
    public static class Tools
    {
        public static string Run(string file, string arguments, string? stdin = null, int timeoutSeconds = 300)
        {
            var psi = new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = stdin != null,
                UseShellExecute = false,
            };
            using (var p = Process.Start(psi)!)
            {
                var stdout = new StringBuilder();
                var stderr = new StringBuilder();
                p.OutputDataReceived += (s, e) => { if (e.Data != null) lock (stdout) stdout.AppendLine(e.Data); };
                p.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                if (stdin != null)
                {
                    p.StandardInput.Write(stdin);
                    p.StandardInput.Close();
                }
                if (!p.WaitForExit(timeoutSeconds * 1000))
                {
                    p.Kill(true);
                    throw new TimeoutException($"{file} {arguments} did not finish in {timeoutSeconds}s");
                }
                p.WaitForExit();
                if (p.ExitCode != 0)
                    throw new InvalidOperationException($"{file} {arguments} exited {p.ExitCode}: {stderr}{stdout}");
                return stdout.ToString();
            }
        }

        /// <summary>Like <see cref="Run"/> but also returns standard error (warnings a successful command printed).</summary>
        public static string RunWithStderr(string file, string arguments, out string stdout, int timeoutSeconds = 300)
        {
            var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using (var p = Process.Start(psi)!)
            {
                var errTask = p.StandardError.ReadToEndAsync();
                var outTask = p.StandardOutput.ReadToEndAsync();
                if (!p.WaitForExit(timeoutSeconds * 1000))
                {
                    p.Kill(true);
                    throw new TimeoutException($"{file} {arguments} did not finish in {timeoutSeconds}s");
                }
                stdout = outTask.GetAwaiter().GetResult();
                string stderr = errTask.GetAwaiter().GetResult();
                if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} exited {p.ExitCode}: {stderr}{stdout}");
                return stderr;
            }
        }

        /// <summary>skopeo against a plain-HTTP loopback registry.</summary>
        public static string Skopeo(string arguments) =>
            Run("skopeo", "--insecure-policy " + arguments);
    }
}
