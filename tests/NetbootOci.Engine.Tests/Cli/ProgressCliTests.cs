using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using NetbootOci.Engine.Tests.Save;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Cli
{
    /// <summary>
    /// A real registry holding one artifact large enough that a throttled download lasts a few seconds:
    /// install.img (64 MiB random) and vmlinuz (4 MiB), published by the command itself.
    /// </summary>
    public sealed class ProgressFixture : IDisposable
    {
        public const int InstallImgMiB = 64;
        public RegistryServer Registry { get; } = RegistryServer.Start();
        public TempDir Dir { get; } = new TempDir("nboci-progress");
        public string Repository => Registry.Host + "/netboot/fedora";
        public string Reference => Repository + ":fedora-40-amd64";

        public ProgressFixture()
        {
            string files = Dir.Combine("files");
            Directory.CreateDirectory(files);
            var random = new Random(13);
            WriteRandom(Path.Combine(files, "install.img"), InstallImgMiB << 20, random);
            WriteRandom(Path.Combine(files, "vmlinuz"), 4 << 20, random);
            var publish = CliProcess.Run("publish", files, "--reference", Repository, "--os", "fedora", "--os-version", "40", "--arch", "amd64", "--plain-http");
            if (publish.ExitCode != 0) throw new InvalidOperationException("publish failed: " + publish.Err + publish.Out);
        }

        static void WriteRandom(string path, int size, Random random)
        {
            var buffer = new byte[1 << 20];
            using var f = File.Create(path);
            for (int done = 0; done < size; done += buffer.Length)
            {
                random.NextBytes(buffer);
                f.Write(buffer, 0, Math.Min(buffer.Length, size - done));
            }
        }

        public string Fresh(string name) => Dir.Combine("dest-" + name + "-" + Guid.NewGuid().ToString("N").Substring(0, 6));

        public void Dispose()
        {
            Registry.Dispose();
            Dir.Dispose();
        }
    }

    /// <summary>--progress plain|none, --quiet and --json, on the command run as a process against a real registry.</summary>
    public sealed class ProgressCliTests : IClassFixture<ProgressFixture>
    {
        // "netboot-oci: install.img  12.0 MiB of 64.0 MiB (18%)  5.9 MiB/s  9s left"
        static readonly Regex FileLine = new Regex(@"^netboot-oci: install\.img  (?<done>[\d.]+ (B|KiB|MiB|GiB)) of 64\.0 MiB \((?<pct>\d+)%\)", RegexOptions.Multiline);
        static readonly Regex AnyProgress = new Regex(@"\(\d+%\)|MiB/s|\x1b\[");
        readonly ProgressFixture _f;
        public ProgressCliTests(ProgressFixture f) { _f = f; }

        [Fact]
        public void Plain_progress_prints_occasional_lines_with_bytes_and_percentage_on_stderr_and_json_stays_clean()
        {
            // 12 MiB/s per connection: install.img takes 5 s or more, so lines between start and end must show.
            using var slow = new ThrottlingProxy(_f.Registry.Port, 12 << 20);
            string dest = _f.Fresh("plain");
            var clock = Stopwatch.StartNew();
            var r = CliProcess.Run("save", slow.Host + "/netboot/fedora:fedora-40-amd64", "-d", dest, "--plain-http", "--progress", "plain", "--json");
            double seconds = clock.Elapsed.TotalSeconds;
            Assert.True(r.ExitCode == 0, r.Err + r.Out);

            using (var doc = JsonDocument.Parse(r.Out))
            {
                var result = Assert.Single(doc.RootElement.EnumerateArray());
                Assert.True(result.GetProperty("Changed").GetBoolean());
                Assert.Equal((ProgressFixture.InstallImgMiB + 4L) << 20, result.GetProperty("BytesDownloaded").GetInt64());
            }
            Assert.False(r.Out.Contains('%'), r.Out);

            var lines = FileLine.Matches(r.Err).Select(m => int.Parse(m.Groups["pct"].Value)).ToList();
            Assert.True(lines.Any(p => p > 0 && p < 100), "no intermediate install.img line in:\n" + r.Err);
            Assert.Equal(100, lines.Last());
            Assert.Matches(@"netboot-oci: install\.img  64\.0 MiB of 64\.0 MiB \(100%\)  done", r.Err);
            Assert.Matches(@"netboot-oci: vmlinuz  4\.0 MiB of 4\.0 MiB \(100%\)  done", r.Err);
            Assert.Matches(@"netboot-oci: Saving .*fedora.*  68\.0 MiB of 68\.0 MiB \(100%\)  done", r.Err);
            // Occasional: at most one line per file every 2 s, plus the completion line.
            Assert.True(lines.Count <= seconds / 2 + 2, $"{lines.Count} install.img lines in {seconds:0.0} s:\n{r.Err}");
            Assert.False(r.Err.Contains('\u001b'), "ANSI escapes in plain progress:\n" + r.Err);
            Assert.True(File.Exists(Path.Combine(dest, "fedora", "40", "amd64", "install.img")));
        }

        [Theory]
        [InlineData("--progress", "plain", "--quiet")]
        [InlineData("--progress", "none", "--json")]
        [InlineData("--json")] // auto with stderr redirected (not a terminal): nothing
        [InlineData("-q")]
        public void Quiet_none_and_auto_off_a_terminal_print_no_progress(params string[] extra)
        {
            var r = CliProcess.Run(new[] { "save", _f.Reference, "-d", _f.Fresh("quiet"), "--plain-http" }.Concat(extra).ToArray());
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            Assert.DoesNotMatch(AnyProgress, r.Err);
            Assert.Equal("", r.Err);
            if (extra.Contains("--json")) using (JsonDocument.Parse(r.Out)) { }
            else Assert.Contains("updated (" + ((ProgressFixture.InstallImgMiB + 4L) << 20) + " bytes downloaded)", r.Out);
        }

        [Fact]
        public void An_unknown_progress_mode_is_bad_usage()
        {
            var r = CliProcess.Run("save", _f.Reference, "-d", _f.Fresh("bad"), "--plain-http", "--progress", "fancy");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("fancy", r.Err);
            Assert.Contains("plain", r.Err);
        }

        [Fact]
        public void Publish_and_sync_report_plain_progress_too()
        {
            string files = _f.Dir.Combine("small-" + Guid.NewGuid().ToString("N").Substring(0, 6));
            Directory.CreateDirectory(files);
            File.WriteAllBytes(Path.Combine(files, "vmlinuz"), Enumerable.Range(0, 3 << 20).Select(i => (byte)(i * 7 + i / 4096)).ToArray());
            var publish = CliProcess.Run("publish", files, "--reference", _f.Registry.Host + "/netboot/debian", "--os", "debian", "--os-version", "12", "--arch", "amd64", "--plain-http", "--progress", "plain", "--json");
            Assert.True(publish.ExitCode == 0, publish.Err + publish.Out);
            using (var doc = JsonDocument.Parse(publish.Out)) Assert.True(doc.RootElement.GetProperty("Changed").GetBoolean());
            Assert.Matches(@"netboot-oci: Publishing debian-12-amd64  3\.0 MiB of 3\.0 MiB \(100%\)  done", publish.Err);

            var sync = CliProcess.Run("sync", "--inventory", Inventory(), "--progress", "plain", "--json");
            Assert.True(sync.ExitCode == 0, sync.Err + sync.Out);
            using (var doc = JsonDocument.Parse(sync.Out)) Assert.True(doc.RootElement.GetProperty("Succeeded").GetBoolean());
            Assert.Matches(@"netboot-oci: install\.img  64\.0 MiB of 64\.0 MiB \(100%\)  done", sync.Err);
            // A fresh root, so this run downloads as much as the one above.
            var quiet = CliProcess.Run("sync", "--inventory", Inventory(), "--progress", "plain", "--quiet");
            Assert.True(quiet.ExitCode == 0, quiet.Err + quiet.Out);
            Assert.Contains(((ProgressFixture.InstallImgMiB + 4L) << 20) + " bytes fetched", quiet.Out);
            Assert.DoesNotMatch(AnyProgress, quiet.Err);
        }

        string Inventory()
        {
            string inventory = _f.Dir.Combine("site-" + Guid.NewGuid().ToString("N").Substring(0, 6) + ".yaml");
            File.WriteAllText(inventory, $@"schemaVersion: 1
registries:
  - name: a
    url: http://{_f.Registry.Host}/netboot
operatingSystems:
  - name: fedora
    version: '40'
    architectures: [amd64]
    registry: a
    repository: fedora
proxies:
  - name: p1
    root: {_f.Fresh("sync")}
    operatingSystems: [fedora-40]
");
            return inventory;
        }
    }
}
