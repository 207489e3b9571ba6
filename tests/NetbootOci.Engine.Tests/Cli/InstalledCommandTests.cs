using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Cli
{
    /// <summary>
    /// The command as an admin installs it, made once per test run: <c>dotnet pack</c> of the CLI (already built by
    /// this run, so --no-build) into a folder feed, <c>dotnet tool install --tool-path</c> from that feed alone (a
    /// nuget.config with only it, and a package folder of its own: offline, and never an older cached 0.1.0), and
    /// <c>dotnet publish -r linux-x64</c> (self-contained, single file; the runtime pack comes from NuGet, or the
    /// machine's NuGet cache once fetched).
    /// </summary>
    public sealed class InstalledCommandFixture : IDisposable
    {
        public TempDir Dir { get; } = new TempDir("nboci-install");
        public string ToolCommand { get; }
        public string SingleFile { get; }
        public string PackageVersion { get; }
        /// <summary>The version the built command reports (its assembly's informational version, without +commit).</summary>
        public string AssemblyVersion { get; }

        public InstalledCommandFixture()
        {
            string project = Path.Combine(TestPaths.RepoRoot, "src", "NetbootOci.Cli");
            // The configuration this test run was built in (bin/Release/... or bin/Debug/...).
            string configuration = AppContext.BaseDirectory.Replace('\\', '/').Contains("/bin/Debug/") ? "Debug" : "Release";
            AssemblyVersion = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll"))
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
            // A version of this run's own: the package installed is the one packed here.
            PackageVersion = AssemblyVersion + "-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Guid.NewGuid().ToString("N").Substring(0, 6);

            string feed = Dir.Combine("feed");
            Dotnet($"pack \"{project}\" -c {configuration} --no-build -nologo -o \"{feed}\" -p:PackageVersion={PackageVersion} -p:NuspecOutputPath=\"{Dir.Combine("nuspec")}/\"");
            Assert.True(File.Exists(Path.Combine(feed, $"NetbootOci.Cli.{PackageVersion}.nupkg")), string.Join(", ", Directory.GetFiles(feed)));
            File.WriteAllText(Dir.Combine("nuget.config"),
                $"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration><packageSources><clear /><add key=\"feed\" value=\"{feed}\" /></packageSources></configuration>\n");
            string tools = Dir.Combine("tools");
            Dotnet($"tool install --tool-path \"{tools}\" --configfile \"{Dir.Combine("nuget.config")}\" --add-source \"{feed}\" NetbootOci.Cli --version {PackageVersion}",
                ("NUGET_PACKAGES", Dir.Combine("packages")));
            ToolCommand = Path.Combine(tools, "netboot-oci");

            string published = Dir.Combine("publish");
            // --artifacts-path: restore and build in a folder of its own, so the source tree's obj/ and bin/ (read by
            // other tests of this run, e.g. the dependency audit) are never rewritten while they run.
            Dotnet($"publish \"{project}\" -c {configuration} -r linux-x64 -nologo --artifacts-path \"{Dir.Combine("artifacts")}\" -o \"{published}\"");
            SingleFile = Path.Combine(published, "netboot-oci");
        }

        static void Dotnet(string arguments, params (string Name, string Value)[] environment)
        {
            var psi = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_NOLOGO"] = "1";
            foreach (var (name, value) in environment) psi.Environment[name] = value;
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(600_000)) { p.Kill(true); throw new TimeoutException("dotnet " + arguments + " did not finish in 10 minutes"); }
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"dotnet {arguments} exited {p.ExitCode}: {stderr.Result}{stdout.Result}");
        }

        public void Dispose() => Dir.Dispose();
    }

    /// <summary>The tool package and the single-file binary, installed as README says and run as processes.</summary>
    public sealed class InstalledCommandTests : IClassFixture<InstalledCommandFixture>
    {
        readonly InstalledCommandFixture _installed;
        public InstalledCommandTests(InstalledCommandFixture installed) => _installed = installed;

        [Fact]
        public void TheToolPackageInstallsTheNetbootOciCommandAndItSavesALayout()
        {
            Assert.True(File.Exists(_installed.ToolCommand), _installed.ToolCommand);
            var version = CliProcess.RunCommand(_installed.ToolCommand, null, "--version");
            Assert.True(version.ExitCode == 0, version.Err);
            Assert.Equal("netboot-oci " + _installed.AssemblyVersion, version.Out.Trim());

            using var dir = new TempDir();
            string files = dir.Combine("files");
            Directory.CreateDirectory(files);
            var random = new Random(11);
            foreach (string name in new[] { "shimx64.efi", "vmlinuz", "initrd.img" })
            {
                var bytes = new byte[50_000];
                random.NextBytes(bytes);
                File.WriteAllBytes(Path.Combine(files, name), bytes);
            }
            // Published by the command built in this run; saved by the installed one.
            var publish = CliProcess.Run("publish", files, "--reference", "oci:" + dir.Combine("layout"), "--os", "debian", "--os-version", "12", "--arch", "amd64", "--entrypoint", "shimx64.efi");
            Assert.True(publish.ExitCode == 0, publish.Err);

            var save = CliProcess.RunCommand(_installed.ToolCommand, dir.Path, "save", "oci:layout:debian-12", "--destination", "tftproot", "--json");
            Assert.True(save.ExitCode == 0, save.Err);
            Assert.Contains("\"Changed\": true", save.Out);
            foreach (string name in new[] { "shimx64.efi", "vmlinuz", "initrd.img" })
                Assert.Equal(File.ReadAllBytes(Path.Combine(files, name)), File.ReadAllBytes(dir.Combine("tftproot", "debian", "12", "amd64", name)));

            var again = CliProcess.RunCommand(_installed.ToolCommand, dir.Path, "save", "oci:layout:debian-12", "--destination", "tftproot");
            Assert.True(again.ExitCode == 0, again.Err);
            Assert.Contains("debian 12 amd64: " + dir.Combine("tftproot", "debian", "12", "amd64") + " unchanged", again.Out);
        }

        [Fact]
        public void TheSelfContainedSingleFileBinaryRunsTheQuickstart()
        {
            // One file (symbols embedded), started directly, not through the dotnet host.
            string folder = Path.GetDirectoryName(_installed.SingleFile)!;
            Assert.Equal(new[] { "netboot-oci" }, Directory.GetFiles(folder).Select(Path.GetFileName));
            Assert.False(File.Exists(Path.Combine(folder, "netboot-oci.dll")));
            var version = CliProcess.RunCommand(_installed.SingleFile, null, "--version");
            Assert.True(version.ExitCode == 0, version.Err);
            Assert.Equal("netboot-oci " + _installed.AssemblyVersion, version.Out.Trim());

            using var checkout = new TempDir("nboci-quickstart-bin");
            string dir = checkout.Combine("examples", "quickstart");
            Directory.CreateDirectory(dir);
            foreach (string name in new[] { "run-cli.sh", "inventory.yaml" })
                File.Copy(Path.Combine(TestPaths.RepoRoot, "examples", "quickstart", name), Path.Combine(dir, name));

            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(dir, "run-cli.sh"));
            psi.Environment["NETBOOT_OCI"] = _installed.SingleFile;
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException("run-cli.sh did not finish"); }
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, stderr.Result + stdout.Result);
            Assert.DoesNotContain("Building netboot-oci", stdout.Result + stderr.Result);
            Assert.Contains("local (" + Path.Combine(dir, "tftproot") + "): in sync: artifacts 1 changed, 0 unchanged, 0 failed", stdout.Result);
            string entry = Path.Combine(dir, "tftproot", "debian", "12", "amd64");
            foreach (string file in new[] { "bootnetx64.efi", "grubx64.efi", "pxelinux.0", "ldlinux.c32", "linux", "initrd.gz" })
                Assert.True(File.Exists(Path.Combine(entry, file)), file);
            Assert.Equal("../debian/12/amd64/linux", Deploy.FileSystemLinks.ReadSymbolicLink(Path.Combine(dir, "tftproot", "boot", "debian-12-amd64-linux")));
        }
    }
}
