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
        public static CliResult Run(string? stdin, IDictionary<string, string?>? environment, params string[] args) =>
            RunProgram("dotnet", null, stdin, environment, Built(args));

        /// <summary>The built command started in <paramref name="workingDirectory"/> (relative paths resolve there).</summary>
        public static CliResult RunIn(string workingDirectory, params string[] args) => RunProgram("dotnet", workingDirectory, null, null, Built(args));

        /// <summary>Another build of the command (an installed tool, a published binary) under the same rules.</summary>
        public static CliResult RunCommand(string command, string? workingDirectory, params string[] args) => RunProgram(command, workingDirectory, null, null, args);

        static string[] Built(string[] args)
        {
            var all = new string[args.Length + 1];
            all[0] = Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll");
            args.CopyTo(all, 1);
            return all;
        }

        static CliResult RunProgram(string command, string? workingDirectory, string? stdin, IDictionary<string, string?>? environment, string[] args)
        {
            var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            if (workingDirectory != null) psi.WorkingDirectory = workingDirectory;
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
            if (!p.WaitForExit(180_000)) { p.Kill(true); throw new TimeoutException(command + " " + string.Join(" ", args) + " did not finish"); }
            p.WaitForExit();
            return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
