using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;
using static NetbootOci.Engine.Tests.Signing.SignatureFixtures;

namespace NetbootOci.Engine.Tests.Signing
{
    /// <summary><c>netboot-oci verify</c> run as a process: exit 0 verified, 1 not verified (reason on stderr), 2 bad input.</summary>
    public sealed class VerifyVerbTests : IDisposable
    {
        readonly TempDir _dir = new TempDir("nboci-verify-cli");

        static (int Exit, string Out, string Err) Cli(params string[] args)
        {
            var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "netboot-oci"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using (var p = Process.Start(psi)!)
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException("netboot-oci verify hung"); }
                return (p.ExitCode, stdout.Result, stderr.Result);
            }
        }

        async Task<string> SignedLayout()
        {
            var repo = new OciLayoutRepository(_dir.Combine("layout"));
            await PushImageAsync(repo, Legacy("valid", "image-manifest.json"), "v1");
            await PushSignatureManifestAsync(repo, ValidDigest, new[] { ReadLayer(Legacy("valid", "containers-image-signature-1")) });
            return "oci:" + repo.Root;
        }

        [Fact]
        public async Task VerifiedExitsZeroAndPrintsJson()
        {
            string layout = await SignedLayout();
            var (exit, stdout, stderr) = Cli("verify", layout + ":v1", "--key", Legacy("keys", "cosign2.pub"), "--key", Legacy("keys", "cosign.pub"), "--json");
            Assert.True(exit == 0, stderr);
            using (var doc = JsonDocument.Parse(stdout))
            {
                Assert.True(doc.RootElement.GetProperty("Verified").GetBoolean());
                Assert.Equal(ValidDigest, doc.RootElement.GetProperty("SignedDigest").GetString());
                Assert.Equal("Classic", doc.RootElement.GetProperty("Signatures")[0].GetProperty("Kind").GetString());
            }
        }

        [Fact]
        public async Task NotVerifiedExitsOneWithTheReasonOnStderr()
        {
            string layout = await SignedLayout();
            var (exit, _, stderr) = Cli("verify", layout + "@" + ValidDigest, "--key", Legacy("keys", "cosign2.pub"));
            Assert.Equal(1, exit);
            Assert.Contains("SignatureInvalid", stderr);
            Assert.Contains("does not verify with any trusted key", stderr);
        }

        [Fact]
        public async Task BadInputExitsTwo()
        {
            string layout = await SignedLayout();
            var corrupt = Cli("verify", layout + ":v1", "--key", Bundles("conformance-managed-key-wrong-key_fail", "key.pub"));
            Assert.Equal(2, corrupt.Exit);
            Assert.Contains("KeyInvalid", corrupt.Err);

            var tlogWithoutRekor = Cli("verify", layout + ":v1", "--key", Legacy("keys", "cosign.pub"), "--require-tlog");
            Assert.Equal(2, tlogWithoutRekor.Exit);

            var badReference = Cli("verify", "Not A Reference", "--key", Legacy("keys", "cosign.pub"));
            Assert.Equal(2, badReference.Exit);
            Assert.Contains("InvalidReference", badReference.Err);

            Assert.Equal(2, Cli("verify", layout + ":v1").Exit); // --key is required
        }

        public void Dispose() => _dir.Dispose();
    }
}
