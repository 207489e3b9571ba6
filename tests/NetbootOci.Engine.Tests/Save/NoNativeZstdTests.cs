using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using NetbootOci.Engine.Store;
using NetbootOci.Engine.Tests.Formats;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Save
{
    /// <summary>
    /// nboci (zstd) artifacts need no native zstd library: nothing shipped imports one, and the CLI saves formats
    /// A and A0 in a process where every libzstd on the machine is hidden from the loader.
    /// </summary>
    public class NoNativeZstdTests
    {
        /// <summary>The native modules each managed assembly beside the CLI P/Invokes (from metadata, nothing loaded).</summary>
        static Dictionary<string, string[]> NativeImports(string directory)
        {
            var result = new Dictionary<string, string[]>();
            foreach (string dll in Directory.GetFiles(directory, "*.dll"))
            {
                using var pe = new PEReader(File.OpenRead(dll));
                if (!pe.HasMetadata) continue;
                var md = pe.GetMetadataReader();
                var modules = md.MethodDefinitions.Select(h => md.GetMethodDefinition(h).GetImport())
                    .Where(i => !i.Module.IsNil).Select(i => md.GetString(md.GetModuleReference(i.Module).Name)).Distinct().ToArray();
                result[Path.GetFileName(dll)] = modules;
            }
            return result;
        }

        [Fact]
        public void NothingShippedImportsANativeZstdLibraryOrCarriesOne()
        {
            string bin = AppContext.BaseDirectory;
            var imports = NativeImports(bin);
            // The check reads real metadata: the engine's own libc/kernel32 imports (links, renames) are seen.
            Assert.Contains("libc", imports["NetbootOci.Engine.dll"]);
            Assert.Equal(Path.Combine(bin, "NetbootOci.Engine.dll"), typeof(ZstdDecompressor).Assembly.Location);
            Assert.Empty(imports["ZstdSharp.dll"]);
            var zstdImports = imports.SelectMany(kv => kv.Value.Where(m => m.IndexOf("zstd", StringComparison.OrdinalIgnoreCase) >= 0).Select(m => kv.Key + " -> " + m)).ToList();
            Assert.True(zstdImports.Count == 0, "P/Invoke of a zstd library: " + string.Join(", ", zstdImports));
            var nativeFiles = Directory.GetFiles(bin, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f).IndexOf("zstd", StringComparison.OrdinalIgnoreCase) >= 0 && !f.EndsWith("ZstdSharp.dll", StringComparison.Ordinal)).ToList();
            Assert.True(nativeFiles.Count == 0, "native zstd files beside the CLI: " + string.Join(", ", nativeFiles));
        }

        /// <summary>Every libzstd the dynamic loader could find: ldconfig's cache and the usual library folders.</summary>
        static List<string> LibzstdFiles()
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (string line in Tools.Run("ldconfig", "-p").Split('\n'))
            {
                int arrow = line.IndexOf("=> ", StringComparison.Ordinal);
                if (line.Contains("libzstd") && arrow > 0) found.Add(line.Substring(arrow + 3).Trim());
            }
            foreach (string dir in new[] { "/lib", "/usr/lib", "/usr/local/lib", "/lib64", "/usr/lib64" })
                if (Directory.Exists(dir))
                    foreach (string sub in new[] { dir }.Concat(Directory.GetDirectories(dir)))
                        foreach (string f in Directory.GetFiles(sub, "libzstd*"))
                            found.Add(f);
            // Bind mounts follow links: hide the real files.
            return found.Select(f => new FileInfo(f).ResolveLinkTarget(true)?.FullName ?? f).Where(File.Exists).Distinct().OrderBy(f => f).ToList();
        }

        [Fact]
        public async System.Threading.Tasks.Task TheCliSavesNbociArtifactsWhileEveryLibzstdIsHiddenFromTheLoader()
        {
            Assert.True(OperatingSystem.IsLinux(), "Linux only: it hides libzstd with a private mount namespace (Windows never had a libzstd to hide)");
            using var dir = new TempDir("nboci-nozstd");
            var layouts = new NetbootLayouts(dir.Combine("layout"), dir.Combine("work"));
            layouts.Nboci("fedora-40-x86_64", "fedora", "40", "x86_64", "shimx64.efi", "grubx64.efi", "", "shimx64.efi", "grubx64.efi", "vmlinuz", "initrd.img");
            layouts.Prototype("fedora-39-x86_64", "fedora", "39", "x86_64", "shim.efi", "vmlinuz", "initrd.img");
            var hidden = LibzstdFiles();
            Assert.True(hidden.Count > 0, "the machine has no libzstd at all (this test proves more where one is installed, as on CI: apt zstd brings libzstd1)");

            string root = dir.Combine("tftp");
            string cli = Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll");
            string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
            // In a private mount namespace: /dev/null over each libzstd (a 0-byte file dlopen refuses), prove they
            // read empty there, then the CLI saves both artifacts from the layout.
            string script = "set -e\n"
                + string.Concat(hidden.Select(f => $"mount --bind /dev/null {Quote(f)}\n"))
                + string.Concat(hidden.Select(f => $"test ! -s {Quote(f)}\n"))
                + $"dotnet {Quote(cli)} save {Quote("oci:" + layouts.Path + ":fedora-40-x86_64")} --destination {Quote(root)} --json > {Quote(dir.Combine("a.json"))}\n"
                + $"dotnet {Quote(cli)} save {Quote("oci:" + layouts.Path + ":fedora-39-x86_64")} --destination {Quote(root)} --json > {Quote(dir.Combine("a0.json"))}\n";
            var psi = new ProcessStartInfo("unshare", "--mount --propagation private sh -s") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.Environment["DOCKER_CONFIG"] = dir.Combine("no-docker-config");
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(script);
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(180_000), "the saves did not finish");
            p.WaitForExit();
            string err = await stderr, @out = await stdout;
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode} (unshare and mount need root, as CI runs):\n{err}\n{@out}");

            // Each run saved its artifact (Changed), and the files are the uncompressed originals.
            foreach (string name in new[] { "a.json", "a0.json" })
            {
                string json = File.ReadAllText(dir.Combine(name));
                using var doc = JsonDocument.Parse(json);
                var r = doc.RootElement.ValueKind == JsonValueKind.Array ? Assert.Single(doc.RootElement.EnumerateArray()) : doc.RootElement;
                Assert.True(r.GetProperty("Changed").GetBoolean(), json);
            }
            foreach (var (version, flavour, titles) in new[] { ("40", "fedora 40 x86_64", new[] { "shimx64.efi", "grubx64.efi", "vmlinuz", "initrd.img" }), ("39", "fedora 39 x86_64", new[] { "shim.efi", "vmlinuz", "initrd.img" }) })
                foreach (string title in titles)
                    Assert.Equal(NetbootLayouts.FileBytes(title, flavour), File.ReadAllBytes(Path.Combine(root, "fedora", version, "amd64", title)));

            // Outside the namespace nothing was touched: the real library is still there.
            Assert.All(hidden, f => Assert.True(new FileInfo(f).Length > 0, f));
        }
    }
}
