using System;
using System.Diagnostics;
using System.IO;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Sync
{
    /// <summary>README's route without pwsh (run-cli.sh), on a clean copy of examples/quickstart (no layout, no tftproot yet).</summary>
    public sealed class QuickstartTests
    {
        const string DebianImages = "/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64";

        static (int Code, string Out, string Err) RunScript(string script)
        {
            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(script);
            psi.Environment["NETBOOT_OCI"] = "dotnet " + Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll");
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException("run-cli.sh did not finish"); }
            return (p.ExitCode, stdout.Result, stderr.Result);
        }

        [Fact]
        public void Quickstart_publishes_into_a_layout_and_syncs_a_tftp_root_then_changes_nothing()
        {
            using var checkout = new TempDir("nboci-quickstart");
            string dir = checkout.Combine("examples", "quickstart");
            Directory.CreateDirectory(dir);
            foreach (string name in new[] { "run-cli.sh", "inventory.yaml" })
                File.Copy(Path.Combine(TestPaths.RepoRoot, "examples", "quickstart", name), Path.Combine(dir, name));
            string script = Path.Combine(dir, "run-cli.sh");

            var first = RunScript(script);
            Assert.True(first.Code == 0, first.Err + first.Out);
            Assert.Contains("local (" + Path.Combine(dir, "tftproot") + "): in sync: artifacts 1 changed, 0 unchanged, 0 failed", first.Out);

            string root = Path.Combine(dir, "tftproot");
            string entry = Path.Combine(root, "debian", "12", "amd64");
            foreach (string file in new[] { "bootnetx64.efi", "grubx64.efi", "pxelinux.0", "ldlinux.c32", "linux", "initrd.gz" })
                Assert.True(File.Exists(Path.Combine(entry, file)), file);
            if (File.Exists(Path.Combine(DebianImages, "linux")))
                Assert.Equal(File.ReadAllBytes(Path.Combine(DebianImages, "linux")), File.ReadAllBytes(Path.Combine(entry, "linux")));
            // The alias and the host entry are relative symbolic links that stay inside the root (tftpd-hpa chroots).
            string alias = Path.Combine(root, "boot", "debian-12-amd64-linux");
            Assert.Equal("../debian/12/amd64/linux", Deploy.FileSystemLinks.ReadSymbolicLink(alias));
            Assert.Equal(File.ReadAllBytes(Path.Combine(entry, "linux")), File.ReadAllBytes(alias));
            Assert.True(File.Exists(Path.Combine(root, "host-config", "52-54-00-12-34-56", "linux")));

            var second = RunScript(script);
            Assert.True(second.Code == 0, second.Err + second.Out);
            Assert.Contains("in sync: artifacts 0 changed, 1 unchanged, 0 failed; 0 bytes fetched; links 0 changed", second.Out);
        }
    }
}
