using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace NetbootOci.Engine.Tests.Links
{
    /// <summary>netboot-oci link, run as the real command.</summary>
    public class LinkCliTests
    {
        static (int Code, string Out, string Err) Cli(params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll"));
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("netboot-oci link did not finish"); }
            return (p.ExitCode, stdout.Result, stderr.Result);
        }

        [Fact]
        public void LinksAndReportsJsonThenIsIdempotent()
        {
            using var r = new LinkRoot();
            string[] args = { "link", "--root", r.Root, "--entry", r.Entry12, "--name", "boot/{os}-{version}-{arch}-{file}", "--name", "{os}/latest/{arch}", "--mac", "52:54:00:12:34:56", "--json" };
            var first = Cli(args);
            Assert.True(first.Code == 0, first.Err);
            using (var doc = JsonDocument.Parse(first.Out))
            {
                var items = doc.RootElement.EnumerateArray().ToList();
                Assert.Equal(9, items.Count);
                Assert.All(items, i => { Assert.Equal("Created", i.GetProperty("Action").GetString()); Assert.True(i.GetProperty("Changed").GetBoolean()); Assert.Equal("Symlink", i.GetProperty("LinkType").GetString()); });
                Assert.Contains(items, i => i.GetProperty("Name").GetString() == "host-config/52-54-00-12-34-56/vmlinuz" && i.GetProperty("SymlinkText").GetString() == "../../debian/12/amd64/vmlinuz");
            }
            Assert.Equal("kernel 12", r.Read("debian/latest/amd64/vmlinuz"));

            var second = Cli(args);
            Assert.True(second.Code == 0, second.Err);
            using (var doc = JsonDocument.Parse(second.Out))
                Assert.All(doc.RootElement.EnumerateArray(), i => Assert.False(i.GetProperty("Changed").GetBoolean()));
        }

        [Fact]
        public void DryRunTouchesNothing()
        {
            using var r = new LinkRoot();
            string before = r.Snapshot();
            var run = Cli("link", "--root", r.Root, "--entry", r.Entry12, "--mac", "aabbccddeeff", "--dry-run");
            Assert.True(run.Code == 0, run.Err);
            Assert.Contains("Created   host-config/aa-bb-cc-dd-ee-ff/vmlinuz -> ../../debian/12/amd64/vmlinuz", run.Out);
            Assert.Equal(before, r.Snapshot());
        }

        [Fact]
        public void BadInputExitsTwoAndConflictsExitOneWithTheErrorId()
        {
            using var r = new LinkRoot();
            var bad = Cli("link", "--root", r.Root, "--entry", r.Entry12, "--mac", "../../etc");
            Assert.Equal(2, bad.Code);
            Assert.Contains("InvalidMacAddress", bad.Err);

            var noEntry = Cli("link", "--root", r.Root, "registry.example/debian:12");
            Assert.Equal(2, noEntry.Code);
            Assert.Contains("--entry", noEntry.Err);

            Directory.CreateDirectory(r.P("boot"));
            File.WriteAllText(r.P("boot/debian-vmlinuz"), "hand-made");
            var conflict = Cli("link", "--root", r.Root, "--entry", r.Entry12, "--name", "boot/{os}-{file}", "--link-type", "hardlink");
            Assert.Equal(1, conflict.Code);
            Assert.Contains("LinkConflict", conflict.Err);
            Assert.Equal("hand-made", r.Read("boot/debian-vmlinuz"));
        }
    }
}
