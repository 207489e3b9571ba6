using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Sync
{
    /// <summary>examples/scheduled/netboot-sync.sh: the lock, the log, the state file and monitoring exit codes.</summary>
    public sealed class ScheduledSyncTests
    {
        static string Script => Path.Combine(TestPaths.RepoRoot, "examples", "scheduled", "netboot-sync.sh");

        static (int Code, string Out, string Err) Run(TempDir dir, string inventory)
        {
            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Script);
            psi.ArgumentList.Add(inventory);
            psi.Environment["NETBOOT_OCI"] = "dotnet " + Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll");
            psi.Environment["NETBOOT_SYNC_LOG"] = dir.Combine("log", "sync.log");
            psi.Environment["NETBOOT_SYNC_STATE"] = dir.Combine("state", "last-sync.json");
            psi.Environment["NETBOOT_SYNC_LOCK"] = dir.Combine("lock", "netboot-sync.lock");
            psi.Environment["NETBOOT_SYNC_ARGS"] = "--prune";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(180_000)) { p.Kill(true); throw new TimeoutException("netboot-sync.sh did not finish"); }
            return (p.ExitCode, stdout.Result, stderr.Result);
        }

        [Fact]
        public void Exit_codes_lock_log_and_state_are_what_monitoring_expects()
        {
            using var dir = new TempDir("nboci-scheduled");
            string files = dir.Combine("files");
            Directory.CreateDirectory(files);
            File.WriteAllText(Path.Combine(files, "vmlinuz"), "kernel");
            File.WriteAllBytes(Path.Combine(files, "initrd.img"), ArtifactFixture.Bytes(50_000, 7));
            new ArtifactPublisher(new RegistryOptions()).PublishAsync(new PublishRequest
            {
                Paths = new List<string> { files }, Name = "alpine", Version = "3.20", Architecture = "amd64", Reference = "oci:" + dir.Combine("layout"),
            }, CancellationToken.None).GetAwaiter().GetResult();
            string inventory = dir.Combine("site.yaml");
            File.WriteAllText(inventory, "schemaVersion: 1\nregistries:\n  - name: l\n    url: oci:layout\noperatingSystems:\n  - name: alpine\n    version: '3.20'\n    architectures: [amd64]\n    registry: l\nproxies:\n  - name: p\n    root: tftp\n    operatingSystems: [alpine-3.20]\n");

            var ok = Run(dir, inventory);
            Assert.True(ok.Code == 0, ok.Err + ok.Out);
            Assert.StartsWith("OK:", ok.Out);
            Assert.Equal("kernel", File.ReadAllText(dir.Combine("tftp", "alpine", "3.20", "amd64", "vmlinuz")));
            using (var state = JsonDocument.Parse(File.ReadAllText(dir.Combine("state", "last-sync.json"))))
                Assert.Equal(1, state.RootElement.GetProperty("Proxies")[0].GetProperty("ArtifactsChanged").GetInt32());
            string log = File.ReadAllText(dir.Combine("log", "sync.log"));
            Assert.Contains("start:", log);
            Assert.Contains("end: exit 0: OK", log);

            // A run that finds the lock taken does nothing and says UNKNOWN (3).
            var holder = Process.Start(new ProcessStartInfo("flock", $"{dir.Combine("lock", "netboot-sync.lock")} sleep 30") { UseShellExecute = false })!;
            try
            {
                Thread.Sleep(500);
                var busy = Run(dir, inventory);
                Assert.Equal(3, busy.Code);
                Assert.Contains("another sync holds", File.ReadAllText(dir.Combine("log", "sync.log")));
            }
            finally { holder.Kill(true); holder.WaitForExit(5000); }

            // An invalid inventory is CRITICAL (2), with the positioned errors in the log; the last good state stays.
            File.WriteAllText(inventory, File.ReadAllText(inventory) + "    colour: blue\n");
            var bad = Run(dir, inventory);
            Assert.Equal(2, bad.Code);
            Assert.StartsWith("CRITICAL:", bad.Out);
            Assert.Contains(inventory + ":14:5: proxies[0]: unknown key 'colour'", File.ReadAllText(dir.Combine("log", "sync.log")));
            using (var state = JsonDocument.Parse(File.ReadAllText(dir.Combine("state", "last-sync.json"))))
                Assert.True(state.RootElement.GetProperty("Succeeded").GetBoolean());
        }
    }
}
