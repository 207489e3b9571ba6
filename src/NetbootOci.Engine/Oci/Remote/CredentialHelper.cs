using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// The docker credential-helper protocol: run <c>docker-credential-&lt;name&gt; get</c> from PATH with the
    /// server URL on stdin; stdout is <c>{"ServerURL","Username","Secret"}</c>. A Username of
    /// <c>&lt;token&gt;</c> means Secret is an identity (refresh) token. "credentials not found" is no credential,
    /// not an error. The helper's output is never quoted (it may hold the secret).
    /// </summary>
    internal static class CredentialHelper
    {
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

        public static async Task<RegistryCredential?> GetAsync(string helper, string serverUrl, IEngineLog log, CancellationToken cancellationToken)
        {
            string program = "docker-credential-" + helper;
            var psi = new ProcessStartInfo(program, "get")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                CreateNoWindow = true,
            };
            Process process;
            try { process = Process.Start(psi) ?? throw new Win32Exception("not started"); }
            catch (Win32Exception e)
            {
                throw Failed(helper, serverUrl, $"'{program}' could not be started ({e.Message}); is it on PATH?", e);
            }
            using (process)
            {
                log.Verbose($"Credentials for {serverUrl}: asking {program}");
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                await process.StandardInput.WriteAsync(serverUrl).ConfigureAwait(false);
                process.StandardInput.Close();
                var exited = Task.Run(() => process.WaitForExit((int)Timeout.TotalMilliseconds));
                var done = await Task.WhenAny(exited, Task.Delay(System.Threading.Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
                if (done != exited || !exited.Result)
                {
                    try { process.Kill(); } catch (InvalidOperationException) { }
                    cancellationToken.ThrowIfCancellationRequested();
                    throw Failed(helper, serverUrl, $"'{program}' did not answer within {Timeout.TotalSeconds:0} s.", null);
                }
                string output = await stdout.ConfigureAwait(false);
                string errors = await stderr.ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    if ((output + errors).IndexOf("credentials not found", StringComparison.OrdinalIgnoreCase) >= 0)
                    {
                        log.Verbose($"Credentials for {serverUrl}: {program} has none");
                        return null;
                    }
                    throw Failed(helper, serverUrl, $"'{program} get' exited with code {process.ExitCode}.", null);
                }
                return Parse(output, helper, serverUrl);
            }
        }

        static RegistryCredential? Parse(string output, string helper, string serverUrl)
        {
            try
            {
                using (var doc = JsonDocument.Parse(output))
                {
                    var root = doc.RootElement;
                    string? user = root.TryGetProperty("Username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                    string? secret = root.TryGetProperty("Secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                    if (string.IsNullOrEmpty(secret)) return null;
                    if (user == "<token>") return new RegistryCredential(null, null, secret);
                    return new RegistryCredential(user, secret);
                }
            }
            catch (JsonException)
            {
                // The parser's message may quote the output: not passed on.
                throw Failed(helper, serverUrl, $"'docker-credential-{helper} get' printed something that is not JSON.", null);
            }
        }

        static NetbootException Failed(string helper, string serverUrl, string why, Exception? inner) =>
            new NetbootException(ErrorIds.CredentialHelperFailed, FailureKind.AuthenticationError,
                $"Credential helper '{helper}' failed for {serverUrl}: {why}", serverUrl, inner);
    }
}
