using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Cli
{
    /// <summary>What an admin at a shell meets first: --version, --help with examples, errors that say the fix. The built netboot-oci as a process.</summary>
    public sealed class CliUsabilityTests
    {
        static readonly string[] Verbs = { "get", "save", "publish", "verify", "link", "sync" };

        /// <summary>A layout with fedora 40 amd64 and rhel 9 arm64, published by the command itself.</summary>
        static string PublishLayout(TempDir dir)
        {
            string files = dir.Combine("files");
            Directory.CreateDirectory(files);
            var random = new Random(7);
            foreach (string name in new[] { "vmlinuz", "initrd.img" })
            {
                var bytes = new byte[40_000];
                random.NextBytes(bytes);
                File.WriteAllBytes(Path.Combine(files, name), bytes);
            }
            string layout = dir.Combine("layout");
            foreach (var (os, version, arch) in new[] { ("fedora", "40", "amd64"), ("rhel", "9", "arm64") })
            {
                var r = CliProcess.Run("publish", files, "--reference", "oci:" + layout, "--os", os, "--os-version", version, "--arch", arch);
                Assert.True(r.ExitCode == 0, r.Err);
            }
            return layout;
        }

        [Fact]
        public void VersionPrintsTheCommandNameAndTheAssemblyVersion()
        {
            string informational = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll"))
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
            var r = CliProcess.Run("--version");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("netboot-oci " + informational, r.Out.Trim());
            Assert.Matches(@"^netboot-oci \d+\.\d+\.\d+", r.Out);
            Assert.Equal("", r.Err);
        }

        [Fact]
        public void EveryVerbsHelpShowsExamplesOfThatVerb()
        {
            foreach (string verb in Verbs)
            {
                var r = CliProcess.Run(verb, "--help");
                Assert.True(r.ExitCode == 0, verb + ": " + r.Err);
                Assert.Contains("Examples:", r.Out);
                var examples = r.Out.Split('\n').SkipWhile(l => l.Trim() != "Examples:").Skip(1).TakeWhile(l => l.Trim().Length > 0).ToList();
                Assert.True(examples.Count > 0, verb);
                Assert.All(examples, l => Assert.Contains("netboot-oci " + verb + " ", l));
                Assert.True(r.Out.IndexOf("Examples:", StringComparison.Ordinal) < r.Out.IndexOf("Usage:", StringComparison.Ordinal), verb);
            }
            // The top-level help lists each verb on one line: its examples stay in the verb's own help.
            var top = CliProcess.Run("--help");
            Assert.Equal(0, top.ExitCode);
            Assert.Single(top.Out.Split('\n'), l => l.Trim() == "Examples:");
            var commands = top.Out.Split('\n').SkipWhile(l => l.Trim() != "Commands:").Skip(1).Where(l => l.Trim().Length > 0).ToList();
            Assert.Equal(Verbs.OrderBy(v => v), commands.Select(l => l.Trim().Split(' ')[0]));
        }

        [Fact]
        public void APlainHttpRegistryWithoutPlainHttpSaysSoAtOnceWithoutRetrying()
        {
            using var registry = RegistryServer.Start();
            using var dir = new TempDir();
            string layout = PublishLayout(dir);
            Tools.Skopeo($"copy --all --dest-tls-verify=false oci:{layout}:fedora-40 docker://{registry.Host}/plain/netboot:fedora-40");

            foreach (var args in new[]
            {
                new[] { "get", registry.Host + "/plain/netboot", "--verbose" },
                new[] { "save", registry.Host + "/plain/netboot:fedora-40", "--destination", dir.Combine("root"), "--verbose" },
            })
            {
                var clock = Stopwatch.StartNew();
                var r = CliProcess.Run(args);
                clock.Stop();
                Assert.Equal(1, r.ExitCode);
                Assert.Contains("netboot-oci: RegistryUnreachable: ", r.Err);
                Assert.Contains("the registry answered plain HTTP; use --plain-http or an http:// URL", r.Err);
                Assert.Contains("https://" + registry.Host + "/v2/plain/netboot/", r.Err);
                Assert.DoesNotContain("retry", r.Err);
                Assert.DoesNotContain("   at ", r.Err);
                // Five attempts with backoff took about 9 s; the hint comes after one handshake and one probe.
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
            }
            Assert.False(Directory.Exists(dir.Combine("root", "fedora")));
            // The probe is one plain GET /v2/ per command, seen by the registry itself.
            Assert.Equal(2, registry.AccessLog.Count(l => l.Contains("\"GET /v2/ HTTP/1.0\"")));

            var ok = CliProcess.Run("save", registry.Host + "/plain/netboot:fedora-40", "--destination", dir.Combine("root"), "--plain-http");
            Assert.True(ok.ExitCode == 0, ok.Err);
            Assert.True(File.Exists(dir.Combine("root", "fedora", "40", "amd64", "vmlinuz")));
        }

        [Fact]
        public void ATlsFailureAgainstAServerThatIsNotHttpIsNotCalledPlainHttp()
        {
            // An SSH daemon on the port, say: the handshake fails, but the server does not speak HTTP either.
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var stop = new CancellationTokenSource();
            var serve = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    var banner = Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
                    try { await client.GetStream().WriteAsync(banner, stop.Token); } catch (IOException) { }
                }
            });
            try
            {
                var r = CliProcess.Run("get", "127.0.0.1:" + port + "/x/netboot", "--verbose");
                Assert.Equal(1, r.ExitCode);
                Assert.Contains("RegistryUnreachable", r.Err);
                Assert.DoesNotContain("plain HTTP", r.Err);
                Assert.Contains("retry 4/4", r.Err);
            }
            finally
            {
                stop.Cancel();
                listener.Stop();
                try { serve.Wait(5000); } catch (AggregateException) { }
            }
        }

        [Fact]
        public void AMissingKeyFileIsNamedWithItsFullPath()
        {
            using var dir = new TempDir();
            string layout = PublishLayout(dir);
            var env = new System.Collections.Generic.Dictionary<string, string?>();

            var save = CliProcess.RunIn(dir.Path, "save", "oci:" + layout + ":fedora-40", "--destination", dir.Combine("root"), "--key", "keys/cosign.pub");
            Assert.Equal(2, save.ExitCode);
            Assert.Contains("netboot-oci: PathNotFound: ", save.Err);
            Assert.Contains(dir.Combine("keys", "cosign.pub"), save.Err);
            Assert.False(Directory.Exists(dir.Combine("root", "fedora")));

            var verify = CliProcess.RunIn(dir.Path, "verify", "oci:" + layout + ":fedora-40-amd64", "--key", "cosign.pub");
            Assert.Equal(2, verify.ExitCode);
            Assert.Contains("PathNotFound", verify.Err);
            Assert.Contains(dir.Combine("cosign.pub"), verify.Err);

            var publish = CliProcess.RunIn(dir.Path, "publish", dir.Combine("files"), "--reference", "oci:" + dir.Combine("signed"), "--os", "fedora", "--os-version", "40", "--arch", "amd64", "--sign-key", "cosign.key");
            Assert.Equal(2, publish.ExitCode);
            Assert.Contains("PathNotFound", publish.Err);
            Assert.Contains(dir.Combine("cosign.key"), publish.Err);
            Assert.DoesNotContain("   at ", save.Err + verify.Err + publish.Err);
        }

        [Fact]
        public void AnUnknownOsNameListsTheNamesThatExist()
        {
            using var dir = new TempDir();
            string layout = PublishLayout(dir);

            var get = CliProcess.Run("get", "oci:" + layout, "--os", "fedroa");
            Assert.Equal(2, get.ExitCode);
            Assert.Contains("netboot-oci: InvalidArgument: --os 'fedroa': no such operating system at oci:" + layout + "; the names there: fedora, rhel.", get.Err);
            Assert.Equal("", get.Out);

            // One right name and one wrong one: still the typo is reported, not half a result.
            var save = CliProcess.Run("save", "oci:" + layout, "--destination", dir.Combine("root"), "--os", "rhel", "--os", "deb*");
            Assert.Equal(2, save.ExitCode);
            Assert.Contains("--os 'deb*': no such operating system", save.Err);
            Assert.Contains("the names there: fedora, rhel.", save.Err);
            Assert.False(Directory.Exists(dir.Combine("root", "rhel")));

            // A known name with a version that does not exist is an empty answer (get) or nothing to save, not a typo.
            var none = CliProcess.Run("get", "oci:" + layout, "--os", "fedora", "--os-version", "99", "--json");
            Assert.Equal(0, none.ExitCode);
            Assert.Equal("[]", none.Out.Trim());

            var selected = CliProcess.Run("save", "oci:" + layout, "--destination", dir.Combine("root"), "--os", "RH*", "--arch", "aarch64", "--json");
            Assert.True(selected.ExitCode == 0, selected.Err);
            Assert.True(File.Exists(dir.Combine("root", "rhel", "9", "arm64", "vmlinuz")));
            Assert.False(Directory.Exists(dir.Combine("root", "fedora")));
        }

        [Fact]
        public void AnUnknownOsNameAtARealRegistryListsTheNamesThere()
        {
            using var registry = RegistryServer.Start();
            using var dir = new TempDir();
            string layout = PublishLayout(dir);
            foreach (string tag in new[] { "fedora-40", "rhel-9" })
                Tools.Skopeo($"copy --all --dest-tls-verify=false oci:{layout}:{tag} docker://{registry.Host}/os/netboot:{tag}");

            var r = CliProcess.Run("save", registry.Host + "/os/netboot", "--plain-http", "--destination", dir.Combine("root"), "--os", "centos");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"InvalidArgument: --os 'centos': no such operating system at {registry.Host}/os/netboot; the names there: fedora, rhel.", r.Err);
            Assert.False(Directory.Exists(dir.Combine("root", "fedora")));
        }

    }
}
