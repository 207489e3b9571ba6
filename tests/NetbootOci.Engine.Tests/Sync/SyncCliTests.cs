using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Sync
{
    /// <summary>netboot-oci sync, run as the real command: exit codes 0 (in sync), 1 (something failed), 2 (bad inventory).</summary>
    public sealed class SyncCliTests
    {
        internal static (int Code, string Out, string Err) Cli(string workingDirectory, params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll"));
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(240_000)) { p.Kill(true); throw new TimeoutException("netboot-oci sync did not finish"); }
            return (p.ExitCode, stdout.Result, stderr.Result);
        }

        [Fact]
        public void Sync_exits_0_when_in_sync_and_1_when_a_registry_is_down_while_the_rest_syncs()
        {
            using var site = new SyncSite();
            string inventory = site.WriteInventory();
            var first = Cli(site.Dir.Path, "sync", "--inventory", inventory, "--json");
            Assert.True(first.Code == 0, first.Err + first.Out);
            using (var doc = JsonDocument.Parse(first.Out))
            {
                var proxies = doc.RootElement.GetProperty("Proxies").EnumerateArray().ToList();
                Assert.Equal(new[] { "p1", "p2" }, proxies.Select(p => p.GetProperty("Proxy").GetString()));
                Assert.Equal(3, proxies[0].GetProperty("ArtifactsChanged").GetInt32());
                Assert.True(proxies[0].GetProperty("BytesFetched").GetInt64() > 0);
                Assert.True(doc.RootElement.GetProperty("Succeeded").GetBoolean());
            }
            Assert.DoesNotContain(SyncSite.Password, first.Out + first.Err);

            var again = Cli(site.Dir.Path, "sync", "--inventory", inventory);
            Assert.True(again.Code == 0, again.Err);
            Assert.Contains("p1 (" + site.Root("p1") + "): in sync: artifacts 0 changed, 3 unchanged, 0 failed; 0 bytes fetched; links 0 changed", again.Out);

            site.StopB();
            var down = Cli(site.Dir.Path, "sync", "--inventory", inventory, "--proxy", "p1");
            Assert.Equal(1, down.Code);
            Assert.Contains("p1: debian-12: discover failed: RegistryUnreachable", down.Err);
            Assert.Contains("p1 (" + site.Root("p1") + "): FAILED: artifacts 0 changed, 2 unchanged, 1 failed", down.Out);
        }

        [Fact]
        public void A_bad_inventory_exits_2_with_every_error_as_file_line_column_and_touches_nothing()
        {
            using var dir = new TempDir("nboci-sync-cli");
            string a = Path.Combine(dir.Path, "a.yaml");
            string b = Path.Combine(dir.Path, "b.yaml");
            File.WriteAllText(a, "schemaVersion: 1\nregistries:\n  - name: r\n    url: oci:layout\n    password: x\nproxies:\n  - name: p\n    root: tftp\n    operatingSystems: [nope-1]\n");
            File.WriteAllText(b, "schemaVersion: 1\nregistries:\n  - name: r\n    url: oci:other\n");
            var result = Cli(dir.Path, "sync", "--inventory", a, "--inventory", b);
            Assert.Equal(2, result.Code);
            Assert.Contains("InventoryInvalid", result.Err);
            Assert.Contains($"{a}:5:5: registries[0]: 'password' is not allowed", result.Err);
            Assert.Contains($"{a}:9:24: proxy 'p' names operating system 'nope-1', which is not defined", result.Err);
            Assert.Contains($"{b}:3:11: registry 'r' is defined twice (first at {a}:3:11)", result.Err);
            Assert.False(Directory.Exists(Path.Combine(dir.Path, "tftp")));
        }

        [Fact]
        public void Check_validates_the_site_example_without_network()
        {
            var result = Cli(TestPaths.RepoRoot, "sync", "--inventory", Path.Combine("examples", "site.yaml"), "--check");
            Assert.True(result.Code == 0, result.Err);
            Assert.Contains("valid (3 registries, 3 operating systems, 2 proxies)", result.Out);
        }
    }
}
