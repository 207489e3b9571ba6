using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace NetbootOci.Engine.Tests.Support
{
    /// <summary>What one run of the built netboot-oci printed and returned.</summary>
    public sealed record CliResult(int ExitCode, string Out, string Err);

    /// <summary>
    /// Runs the built netboot-oci as its own process, so exit codes and streams are real. Docker config and
    /// COSIGN_PASSWORD of the machine never leak in: each run sees only what the test gives it.
    /// </summary>
    public static class CliProcess
    {
        public static CliResult Run(params string[] args) => Run(null, null, args);

        /// <param name="stdin">written to standard input, then closed (null: closed at once).</param>
        /// <param name="environment">extra variables; a null value removes the variable.</param>
        public static CliResult Run(string? stdin, IDictionary<string, string?>? environment, params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll"));
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "nboci-no-docker-config");
            psi.Environment.Remove("COSIGN_PASSWORD");
            if (environment != null)
                foreach (var kv in environment)
                {
                    if (kv.Value == null) psi.Environment.Remove(kv.Key);
                    else psi.Environment[kv.Key] = kv.Value;
                }
            using var p = Process.Start(psi)!;
            if (stdin != null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(180_000)) { p.Kill(true); throw new TimeoutException("netboot-oci " + string.Join(" ", args) + " did not finish"); }
            p.WaitForExit();
            return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
