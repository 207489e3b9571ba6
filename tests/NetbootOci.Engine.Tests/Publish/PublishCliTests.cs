using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Publish
{
    /// <summary>The netboot-oci publish verb, run as a process.</summary>
    public sealed class PublishCliTests : IDisposable
    {
        readonly TempDir _dir = new TempDir("nboci-publish-cli");
        public void Dispose() => _dir.Dispose();

        static (int Exit, string Out, string Err) Cli(params string[] args) => CliWithEnvironment(null, args);

        static (int Exit, string Out, string Err) CliWithEnvironment(string? cosignPassword, params string[] args)
        {
            var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "netboot-oci"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment.Remove("COSIGN_PASSWORD");
            if (cosignPassword != null) psi.Environment["COSIGN_PASSWORD"] = cosignPassword;
            using (var p = Process.Start(psi)!)
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("netboot-oci publish did not finish"); }
                return (p.ExitCode, stdout.Result, stderr.Result);
            }
        }

        [Fact]
        public async Task Publish_verb_writes_the_artifact_and_prints_the_result_as_json()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            string layout = _dir.Combine("layout");
            var (exit, output, error) = Cli("publish", Path.Combine(files, "shimx64.efi"), Path.Combine(files, "vmlinuz"), Path.Combine(files, "initrd.img"),
                "--reference", "oci:" + layout, "--os", "fedora", "--os-version", "40", "--arch", "x86_64",
                "--entrypoint", "shimx64.efi", "--annotation", "org.opencontainers.image.source=https://example.org/x=y", "--json");
            Assert.True(exit == 0, error);
            using (var doc = JsonDocument.Parse(output))
            {
                var root = doc.RootElement;
                Assert.Equal("fedora-40-amd64", root.GetProperty("Tag").GetString());
                Assert.Equal("fedora-40", root.GetProperty("IndexTag").GetString());
                Assert.True(root.GetProperty("Changed").GetBoolean());
                Assert.Equal(3, root.GetProperty("Files").GetArrayLength());
                using (var repo = new OciLayoutRepository(layout))
                {
                    var m = await repo.GetManifestAsync("fedora-40-amd64", CancellationToken.None);
                    Assert.Equal(root.GetProperty("Digest").GetString(), m.Digest);
                    Assert.Equal("https://example.org/x=y", m.AsManifest("test").Annotation("org.opencontainers.image.source"));
                }
            }

            var (again, againOut, _) = Cli("publish", files, "--reference", "oci:" + layout, "--os", "fedora", "--os-version", "40", "--arch", "amd64", "--what-if");
            Assert.Equal(0, again);
            Assert.Contains("would publish", againOut);
            Assert.Contains("\"artifactType\":\"application/vnd.org.pulpproject.netboot.artifact.v1\"", againOut);
        }

        [Fact]
        public void Bad_input_exits_2_and_names_the_value()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            string layout = _dir.Combine("layout");
            var (exit, _, error) = Cli("publish", files, "--reference", "oci:" + layout, "--os", "fedora", "--os-version", "40", "--arch", "mips");
            Assert.Equal(2, exit);
            Assert.Contains("UnknownArchitecture", error);
            Assert.Contains("'mips'", error);
            Assert.False(Directory.Exists(layout));
        }

        [Fact]
        public void Publish_verb_signs_with_a_cosign_key_before_the_tag_moves_and_verify_accepts_it()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            string layout = _dir.Combine("layout");
            string keys = Path.Combine(TestPaths.Vectors, "encrypted-keys");
            string[] publish = { "publish", Path.Combine(files, "vmlinuz"), "--reference", "oci:" + layout, "--os", "site", "--os-version", "1",
                "--arch", "amd64", "--sign-key", Path.Combine(keys, "cosign-label-ecdsa-p256.password-hello.key"), "--json" };

            // A wrong password is refused before anything is uploaded: no tag exists afterwards.
            var (badExit, _, badError) = CliWithEnvironment("wrong", publish);
            Assert.Equal(2, badExit);
            Assert.Contains("KeyPasswordWrong", badError);
            Assert.False(File.Exists(Path.Combine(layout, "index.json")) && File.ReadAllText(Path.Combine(layout, "index.json")).Contains("site-1-amd64"));

            var (exit, output, error) = CliWithEnvironment("hello", publish);
            Assert.True(exit == 0, error);
            using (var doc = JsonDocument.Parse(output))
            {
                var signatures = doc.RootElement.GetProperty("Signatures");
                Assert.Equal(1, signatures.GetArrayLength());
                Assert.StartsWith("classic ", signatures[0].GetString());
            }
            var (verifyExit, _, verifyError) = Cli("verify", "oci:" + layout + ":site-1-amd64", "--key", Path.Combine(keys, "cosign-label-ecdsa-p256.derived.pub"));
            Assert.True(verifyExit == 0, verifyError);
            // The other vector key did not sign it.
            var (otherExit, _, _) = Cli("verify", "oci:" + layout + ":site-1-amd64", "--key", Path.Combine(TestPaths.Vectors, "legacy-simplesigning", "keys", "cosign.pub"));
            Assert.Equal(1, otherExit);
        }
    }
}
