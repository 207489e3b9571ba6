using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Formats
{
    /// <summary><c>netboot-oci get</c>, run as the built program (its own process: exit codes and streams are real).</summary>
    public class GetVerbTests : IClassFixture<FormatsRegistryFixture>
    {
        readonly RegistryServer _registry;
        public GetVerbTests(FormatsRegistryFixture fixture) => _registry = fixture.Registry;

        sealed record CliResult(int ExitCode, string Out, string Err);

        static CliResult Cli(params string[] args) => CliWithInput(null, args);

        static CliResult CliWithInput(string? stdin, params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll"));
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "nboci-no-docker-config");
            using var p = Process.Start(psi)!;
            if (stdin != null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException("netboot-oci " + string.Join(" ", args)); }
            p.WaitForExit();
            return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
        }

        static NetbootLayouts Mixed(TempDir dir)
        {
            var l = new NetbootLayouts(dir.Combine("layout"), dir.Combine("work"));
            l.ForemanSpec("fedora", "40", new Dictionary<string, string[]>
            {
                ["amd64"] = new[] { "shimx64.efi", "grubx64.efi", "pxelinux.0", "vmlinuz", "initrd.img" },
                ["arm64"] = new[] { "shimaa64.efi", "grubaa64.efi", "vmlinuz", "initrd.img" },
            });
            l.Nboci("rhel-9.3.0-x86_64", "rhel", "9.3.0", "x86_64", "shim.efi", "grubx64.efi", "pxelinux.0", "shim.efi", "grubx64.efi", "pxelinux.0", "vmlinuz", "initrd.img");
            l.ContainerImage("busybox");
            return l;
        }

        [Fact]
        public async Task JsonIsAnArrayOfArtifactsWithTheModelsPropertyNames()
        {
            using var dir = new TempDir();
            var l = Mixed(dir);
            var expected = await ArtifactDiscovery.DiscoverAsync(l.Repository, (string?)null, null, new CapturingLog(), CancellationToken.None);

            var r = Cli("get", "oci:" + l.Path, "--json");

            Assert.True(r.ExitCode == 0, r.Err);
            using var doc = JsonDocument.Parse(r.Out);
            var items = doc.RootElement.EnumerateArray().ToList();
            Assert.Equal(3, items.Count);
            var modelNames = typeof(NetbootArtifact).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).OrderBy(n => n);
            Assert.Equal(modelNames, items[0].EnumerateObject().Select(p => p.Name).OrderBy(n => n));
            var fileNames = typeof(NetbootFile).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).OrderBy(n => n);
            Assert.Equal(fileNames, items[0].GetProperty("Files")[0].EnumerateObject().Select(p => p.Name).OrderBy(n => n));
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Reference, items[i].GetProperty("Reference").GetString());
                Assert.Equal(expected[i].Format.ToString(), items[i].GetProperty("Format").GetString());
                Assert.Equal(expected[i].Size, items[i].GetProperty("Size").GetInt64());
                Assert.Equal(expected[i].Files.Select(f => f.ContentDigest), items[i].GetProperty("Files").EnumerateArray().Select(f => f.GetProperty("ContentDigest").GetString()));
            }
            // Round trip: the JSON deserialises into the model.
            var back = JsonSerializer.Deserialize<List<NetbootArtifact>>(r.Out, NetbootOci.Cli.CliRunner.Json)!;
            Assert.Equal(expected.Select(a => a.ToString()), back.Select(a => a.ToString()));
        }

        [Fact]
        public void FiltersSelectByNameVersionAndArchitectureAlias()
        {
            using var dir = new TempDir();
            var l = Mixed(dir);

            var r = Cli("get", "oci:" + l.Path, "--os", "FED*", "--arch", "x86_64", "--json");
            Assert.True(r.ExitCode == 0, r.Err);
            var only = JsonDocument.Parse(r.Out).RootElement.EnumerateArray().Single();
            Assert.Equal(("fedora", "40", "amd64"), (only.GetProperty("Name").GetString(), only.GetProperty("Version").GetString(), only.GetProperty("Architecture").GetString()));

            var none = Cli("get", "oci:" + l.Path, "--os-version", "99", "--json");
            Assert.Equal(0, none.ExitCode);
            Assert.Equal("[]", none.Out.Trim());

            var two = Cli("get", "oci:" + l.Path, "--os", "rhel", "--os", "fedora", "--arch", "amd64", "--json");
            Assert.Equal(2, JsonDocument.Parse(two.Out).RootElement.GetArrayLength());
        }

        [Fact]
        public void TableListsOneArtifactPerLine()
        {
            using var dir = new TempDir();
            var l = Mixed(dir);

            var r = Cli("get", "oci:" + l.Path + ":fedora-40");

            Assert.True(r.ExitCode == 0, r.Err);
            var lines = r.Out.TrimEnd().Split('\n');
            Assert.Equal(3, lines.Length);
            Assert.Matches(@"^NAME\s+VERSION\s+ARCH\s+FORMAT\s+FILES\s+SIZE\s+TAG\s+DIGEST$", lines[0]);
            Assert.Matches(@"^fedora\s+40\s+amd64\s+Spec\s+5\s+[0-9.]+ KiB\s+fedora-40\s+sha256:[0-9a-f]{12}$", lines[1]);
            Assert.Matches(@"^fedora\s+40\s+arm64\s+Spec\s+4\s+", lines[2]);
        }

        [Fact]
        public void ExitCodesSeparateBadInputFromFailures()
        {
            using var dir = new TempDir();
            var l = Mixed(dir);

            var badReference = Cli("get", "Not A Reference");
            Assert.Equal(2, badReference.ExitCode);
            Assert.Contains("InvalidReference", badReference.Err);
            Assert.Contains("Not A Reference", badReference.Err);

            var missingArgument = Cli("get");
            Assert.Equal(2, missingArgument.ExitCode);
            Assert.Contains("get", missingArgument.Err);

            var unknownOption = Cli("get", "oci:" + l.Path, "--no-such-option");
            Assert.Equal(2, unknownOption.ExitCode);
            Assert.Contains("--no-such-option", unknownOption.Err);

            var notALayout = Cli("get", "oci:" + dir.Combine("nothing-here"));
            Assert.Equal(1, notALayout.ExitCode);
            Assert.Contains("LayoutInvalid", notALayout.Err);

            var containerImage = Cli("get", "oci:" + l.Path + ":busybox");
            Assert.Equal(1, containerImage.ExitCode);
            Assert.Contains("UnknownFormat", containerImage.Err);
            Assert.Contains("container image", containerImage.Err);

            var missingTag = Cli("get", "oci:" + l.Path + ":fedora-99");
            Assert.Equal(1, missingTag.ExitCode);
            Assert.Contains("fedora-99", missingTag.Err);
        }

        [Fact]
        public void GetsFromARealRegistryOverPlainHttp()
        {
            using var dir = new TempDir();
            var l = Mixed(dir);
            foreach (var tag in new[] { "fedora-40-amd64", "fedora-40-arm64", "fedora-40", "rhel-9.3.0-x86_64" })
                Tools.Skopeo($"copy --all --dest-tls-verify=false oci:{l.Path}:{tag} docker://{_registry.Host}/cli/netboot:{tag}");

            var r = Cli("get", $"{_registry.Host}/cli/netboot", "--plain-http", "--json", "--verbose");

            Assert.True(r.ExitCode == 0, r.Err);
            var refs = JsonDocument.Parse(r.Out).RootElement.EnumerateArray().Select(a => a.GetProperty("Reference").GetString()).ToList();
            Assert.Equal(3, refs.Count);
            Assert.All(refs, x => Assert.StartsWith($"{_registry.Host}/cli/netboot:", x));
            Assert.Contains("VERBOSE:", r.Err);
        }

        [Fact]
        public void GetsFromAnHtpasswdRegistryWithThePasswordOnStandardInput()
        {
            using var registry = RegistryServer.Start("  htpasswd:\n    realm: basic-realm\n    path: {dir}/htpasswd\n",
                new Dictionary<string, string> { ["htpasswd"] = Tools.Run("htpasswd", "-Bbn netboot s3cret-pass") });
            using var dir = new TempDir();
            var l = Mixed(dir);
            Tools.Skopeo($"copy --all --dest-tls-verify=false --dest-creds netboot:s3cret-pass oci:{l.Path}:rhel-9.3.0-x86_64 docker://{registry.Host}/auth/netboot:rhel-9.3.0-x86_64");

            var ok = CliWithInput("s3cret-pass\n", "get", $"{registry.Host}/auth/netboot", "--plain-http", "--username", "netboot", "--password-stdin", "--json", "--verbose");
            Assert.True(ok.ExitCode == 0, ok.Err);
            Assert.Equal("rhel", JsonDocument.Parse(ok.Out).RootElement.EnumerateArray().Single().GetProperty("Name").GetString());
            Assert.DoesNotContain("s3cret-pass", ok.Out + ok.Err);

            var anonymous = Cli("get", $"{registry.Host}/auth/netboot", "--plain-http");
            Assert.Equal(1, anonymous.ExitCode);
            Assert.Contains("AuthenticationFailed", anonymous.Err);

            var wrong = CliWithInput("Xq9-not-the-pw\n", "get", $"{registry.Host}/auth/netboot", "--plain-http", "--username", "netboot", "--password-stdin");
            Assert.Equal(1, wrong.ExitCode);
            Assert.Contains("AuthenticationFailed", wrong.Err);
            Assert.DoesNotContain("Xq9-not-the-pw", wrong.Err);
        }
    }
}
