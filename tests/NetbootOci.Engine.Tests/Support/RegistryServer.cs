using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace NetbootOci.Engine.Tests.Support
{
    /// <summary>
    /// A real distribution 2.8 registry (Debian's docker-registry) on a free 127.0.0.1 port, with its own
    /// storage, for one test class. Its access log is captured so tests can count requests at the registry.
    /// </summary>
    public sealed class RegistryServer : IDisposable
    {
        public const string Binary = "/usr/bin/docker-registry";
        readonly Process _process;
        readonly TempDir _dir;
        readonly List<string> _log = new List<string>();

        RegistryServer(Process process, TempDir dir, int port)
        {
            _process = process;
            _dir = dir;
            Port = port;
        }

        public int Port { get; }
        /// <summary>host:port, as used in references.</summary>
        public string Host => "127.0.0.1:" + Port;
        public string Url => "http://" + Host;
        public string StorageRoot => _dir.Combine("storage");

        /// <summary>
        /// Starts a registry. <paramref name="authYaml"/> is the <c>auth:</c> section body (indented two spaces),
        /// e.g. htpasswd or token; null for anonymous. <paramref name="extraFiles"/> are written beside the config.
        /// <paramref name="extraYaml"/> is appended as top-level configuration (e.g. a <c>policy:</c> section).
        /// </summary>
        public static RegistryServer Start(string? authYaml = null, IDictionary<string, string>? extraFiles = null, string? extraYaml = null)
        {
            if (!File.Exists(Binary))
                throw new InvalidOperationException($"{Binary} is missing: install Debian's docker-registry (.ci/run does).");
            var dir = new TempDir("nboci-registry");
            int port = FreePort();
            if (extraFiles != null)
                foreach (var kv in extraFiles) File.WriteAllText(dir.Combine(kv.Key), kv.Value);
            string config = $@"version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: {dir.Combine("storage")}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
  secret: fixture-secret
{(authYaml == null ? "" : "auth:\n" + authYaml.Replace("{dir}", dir.Path))}
{extraYaml ?? ""}
";
            File.WriteAllText(dir.Combine("config.yml"), config);
            var psi = new ProcessStartInfo(Binary, "serve " + dir.Combine("config.yml"))
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            var process = Process.Start(psi)!;
            var server = new RegistryServer(process, dir, port);
            process.ErrorDataReceived += (s, e) => server.Append(e.Data);
            process.OutputDataReceived += (s, e) => server.Append(e.Data);
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            server.WaitReady();
            return server;
        }

        void Append(string? line)
        {
            if (line == null) return;
            lock (_log) _log.Add(line);
        }

        /// <summary>Access-log lines so far (combined log format: "GET /v2/... HTTP/1.1" status ...).</summary>
        public IReadOnlyList<string> AccessLog
        {
            get { lock (_log) return _log.Where(l => l.Contains("\"GET ") || l.Contains("\"HEAD ") || l.Contains("\"PUT ") || l.Contains("\"POST ") || l.Contains("\"PATCH ") || l.Contains("\"DELETE ")).ToList(); }
        }

        /// <summary>Counts access-log requests with this method whose path contains <paramref name="pathPart"/>.</summary>
        public int CountRequests(string method, string pathPart) =>
            AccessLog.Count(l => l.Contains("\"" + method + " ") && l.Contains(pathPart));

        public string FullLog { get { lock (_log) return string.Join("\n", _log); } }

        void WaitReady()
        {
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) })
            {
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (DateTime.UtcNow < deadline)
                {
                    if (_process.HasExited) throw new InvalidOperationException("docker-registry exited: " + FullLog);
                    try
                    {
                        var r = http.GetAsync(Url + "/v2/").GetAwaiter().GetResult();
                        if (r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Unauthorized) return;
                    }
                    catch (HttpRequestException) { }
                    catch (System.Threading.Tasks.TaskCanceledException) { }
                    Thread.Sleep(100);
                }
            }
            throw new TimeoutException("docker-registry did not answer on " + Url + ": " + FullLog);
        }

        public static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        public void Dispose()
        {
            try { if (!_process.HasExited) { _process.Kill(true); _process.WaitForExit(5000); } } catch (InvalidOperationException) { }
            _process.Dispose();
            _dir.Dispose();
        }
    }
}
