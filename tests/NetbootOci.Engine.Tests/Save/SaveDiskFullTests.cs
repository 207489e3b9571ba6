using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Store;
using NetbootOci.Engine.Tests.Formats;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Save
{
    /// <summary>
    /// Runs only where a small tmpfs can be mounted (Linux as root, as here and in CI); elsewhere the test is
    /// reported as skipped with the reason, never silently passed.
    /// </summary>
    public sealed class TmpfsFactAttribute : FactAttribute
    {
        public TmpfsFactAttribute()
        {
            string? reason = SmallTmpfs.WhyUnavailable();
            if (reason != null) Skip = reason;
        }
    }

    /// <summary>A tmpfs of a given size mounted by the test on a directory of its own, unmounted in Dispose.</summary>
    public sealed class SmallTmpfs : IDisposable
    {
        static readonly Lazy<string?> Probe = new Lazy<string?>(() =>
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return "needs a Linux tmpfs mount (the disk-full path is the same code on Windows, only the error codes differ)";
            try
            {
                using var dir = new TempDir("nboci-tmpfs-probe");
                using (new SmallTmpfs(dir.Path, "1m")) { }
                return null;
            }
            catch (Exception e) { return "mount -t tmpfs was refused here: " + e.Message; }
        });

        public static string? WhyUnavailable() => Probe.Value;

        public SmallTmpfs(string path, string size)
        {
            Path = path;
            Directory.CreateDirectory(path);
            Tools.Run("mount", $"-t tmpfs -o size={size} tmpfs {path}", timeoutSeconds: 30);
        }

        public string Path { get; }

        public void Resize(string size) => Tools.Run("mount", $"-o remount,size={size} {Path}", timeoutSeconds: 30);

        public void Dispose()
        {
            try { Tools.Run("umount", Path, timeoutSeconds: 30); }
            catch (Exception) { Tools.Run("umount", "-l " + Path, timeoutSeconds: 30); }
        }
    }

    /// <summary>Disk full while saving: InsufficientSpace naming what was written, the old tree still served, tmp/ cleaned next run.</summary>
    public class SaveDiskFullTests
    {
        readonly Xunit.Abstractions.ITestOutputHelper _output;
        public SaveDiskFullTests(Xunit.Abstractions.ITestOutputHelper output) { _output = output; }
        const string Os = "fedora", Version = "40", Arch = "amd64";

        /// <summary>
        /// Format A0 (nboci prototype): no uncompressed size is declared, so the free-space check before writing cannot
        /// see that 64 MiB of highly compressible content will not fit; only the decompression finds out.
        /// </summary>
        static (string Tag, byte[] Content) PushBigPrototype(NetbootLayouts layouts, string work)
        {
            var line = Encoding.UTF8.GetBytes("initrd image block that compresses very well; ");
            var content = new byte[64 << 20];
            for (int i = 0; i < content.Length; i++) content[i] = line[i % line.Length];
            string input = Path.Combine(work, "big.img");
            File.WriteAllBytes(input, content);
            Tools.Run("zstd", $"-q -3 -f \"{input}\" -o \"{input}.zst\"", timeoutSeconds: 60);
            var blob = layouts.PushBlob(File.ReadAllBytes(input + ".zst"));
            layouts.PushBlob(Array.Empty<byte>());
            var layer = new JsonObject
            {
                ["mediaType"] = NetbootLayouts.Zstd, ["digest"] = blob.Digest, ["size"] = blob.Size,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.title"] = "initrd.img", ["org.pulpproject.netboot.digest"] = Digest.Sha256(content) },
            };
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciManifest, ["artifactType"] = NetbootLayouts.UnknownType,
                ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.empty.v1+json", ["digest"] = Digest.EmptyBytes, ["size"] = 0 },
                ["layers"] = new JsonArray(layer),
                ["annotations"] = new JsonObject
                {
                    ["org.opencontainers.image.created"] = "2024-03-01T10:11:12Z",
                    ["org.pulpproject.netboot.entrypoint"] = "initrd.img",
                    ["org.pulpproject.netboot.os.arch"] = Arch,
                    ["org.pulpproject.netboot.os.name"] = Os,
                    ["org.pulpproject.netboot.os.version"] = Version,
                },
            };
            layouts.PushManifest(manifest, "big");
            return ("big", content);
        }

        /// <summary>Every regular file reachable under the OS entries (links followed), with its sha256.</summary>
        static Dictionary<string, string> ServedFiles(string root)
        {
            var served = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var top in Directory.GetDirectories(root).Where(d => Path.GetFileName(d) != StoreLayout.DirectoryName))
                foreach (var file in Directory.EnumerateFiles(top, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
                    served[Path.GetRelativePath(root, file)] = Digest.Sha256File(file);
            return served;
        }

        [TmpfsFact]
        public void A_zstd_layer_that_does_not_fit_is_InsufficientSpace_the_old_tree_stays_served_and_the_next_run_cleans_tmp()
        {
            using var dir = new TempDir("nboci-diskfull");
            var layouts = new NetbootLayouts(dir.Combine("layout"), dir.Combine("work"));
            layouts.Prototype("small", Os, Version, Arch, "vmlinuz", "initrd.img");
            var (bigTag, big) = PushBigPrototype(layouts, dir.Combine("work"));
            using var fs = new SmallTmpfs(dir.Combine("mnt"), "48m");
            string root = fs.Path, entry = Path.Combine(root, Os, Version, Arch);

            var first = CliProcess.Run("save", $"oci:{layouts.Path}:small", "--destination", root);
            Assert.True(first.ExitCode == 0, first.Err);
            string oldTarget = new FileInfo(entry).LinkTarget!;
            var before = ServedFiles(root);
            var expected = new[] { "vmlinuz", "initrd.img" }.Select(t => layouts.ContentDigests[$"{Arch}/{t}"]).OrderBy(d => d).ToList();
            Assert.Equal(expected, before.Values.Distinct().OrderBy(d => d).ToList());

            var full = CliProcess.Run("save", $"oci:{layouts.Path}:{bigTag}", "--destination", root);
            Assert.Equal(1, full.ExitCode);
            var lines = full.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            _output.WriteLine("stderr: " + full.Err);
            Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + full.Err);
            Assert.Contains(ErrorIds.InsufficientSpace, lines[0]);
            Assert.Contains("initrd.img", lines[0]);                 // the file being written
            Assert.Contains(":" + bigTag, lines[0]);                  // the artifact
            Assert.Contains(Path.Combine(root, ".netboot-oci", "tmp"), lines[0]); // where
            Assert.DoesNotContain("Unhandled", full.Err);
            Assert.DoesNotContain("   at ", full.Err);

            // The entry still resolves to the first artifact's complete tree; nothing partial is served anywhere.
            Assert.Equal(oldTarget, new FileInfo(entry).LinkTarget);
            Assert.Equal(before, ServedFiles(root));
            Assert.Empty(Directory.GetFiles(Path.Combine(root, ".netboot-oci", "tmp"), "*.content"));

            // Space again (and a leftover of a killed decompression): the next run deploys, and tmp/ ends empty.
            fs.Resize("200m");
            File.WriteAllBytes(Path.Combine(root, ".netboot-oci", "tmp", "0123abcd.deadbeef.content"), new byte[4096]);
            var again = CliProcess.Run("save", $"oci:{layouts.Path}:{bigTag}", "--destination", root);
            Assert.True(again.ExitCode == 0, again.Err);
            Assert.Equal(Digest.Sha256(big), Digest.Sha256File(Path.Combine(entry, "initrd.img")));
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(root, ".netboot-oci", "tmp")));
        }
            /// <summary>Something else fills the file system after the free-space check: the blob download itself hits ENOSPC.</summary>
        [TmpfsFact]
        public async Task A_disk_filled_by_someone_else_mid_download_is_InsufficientSpace_naming_the_partial_and_the_old_entry_stays()
        {
            using var dir = new TempDir("nboci-diskfull-blob");
            using var fs = new SmallTmpfs(dir.Combine("mnt"), "48m");
            string root = fs.Path;
            var layout = new OciLayoutRepository(dir.Combine("layout"));
            var old = await SaveFixture.PublishAsync(layout, "old", SaveFixture.FedoraLike("old"));
            var first = await ArtifactSaver.SaveAsync(layout, old, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            string oldTarget = new FileInfo(first.Path).LinkTarget!;
            var before = ServedFiles(root);

            var big = await SaveFixture.PublishAsync(layout, "new", new[] { new FixtureFile("initrd.img", SaveFixture.Bytes("new-initrd", 20 << 20)) });
            using var filling = new FillingRepository(layout, Path.Combine(root, "filler"), 40 << 20);
            var e = await Assert.ThrowsAsync<NetbootException>(() => ArtifactSaver.SaveAsync(filling, big, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None));
            Assert.Equal(ErrorIds.InsufficientSpace, e.ErrorId);
            Assert.Contains("'initrd.img' of " + big.Reference, e.Message);
            Assert.Contains(Path.Combine(root, ".netboot-oci", "tmp") + Path.DirectorySeparatorChar + "sha256-", e.Message);
            Assert.Equal(oldTarget, new FileInfo(first.Path).LinkTarget);
            File.Delete(Path.Combine(root, "filler"));
            Assert.Equal(before, ServedFiles(root));

            // With the space back, the next run resumes the partial and deploys.
            var r = await ArtifactSaver.SaveAsync(layout, big, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            Assert.True(r.BytesDownloaded < big.Files[0].Size, "the partial kept at the failure was resumed");
            Assert.Equal(big.Files[0].ContentDigest, Digest.Sha256File(Path.Combine(r.Path, "initrd.img")));
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(root, ".netboot-oci", "tmp")));
        }

        /// <summary>Writes a filler file of the given size when the first blob is opened (another writer on the same disk).</summary>
        sealed class FillingRepository : ForwardingRepository
        {
            readonly string _filler;
            readonly int _bytes;
            public FillingRepository(IOciRepository inner, string filler, int bytes) : base(inner) { _filler = filler; _bytes = bytes; }
            public override void Dispose() { } // the layout stays the test's
            public override Task<Stream> OpenBlobAsync(string digest, long offset, CancellationToken cancellationToken)
            {
                if (!File.Exists(_filler)) File.WriteAllBytes(_filler, new byte[_bytes]);
                return Inner.OpenBlobAsync(digest, offset, cancellationToken);
            }
        }
    }
}
