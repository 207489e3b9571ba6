using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Formats
{
    /// <summary>What this module publishes (format C plus nboci annotations) is read back by discovery.</summary>
    public class PublishedArtifactDiscoveryTests
    {
        [Fact]
        public async Task PublishedArtifactsAreDiscoveredAsSpecWithTheirEntryPoints()
        {
            using var dir = new TempDir();
            string layout = dir.Combine("layout");
            var publisher = new ArtifactPublisher(new RegistryOptions());
            foreach (var (arch, files, entry) in new[]
            {
                ("x86_64", new[] { "shimx64.efi", "grubx64.efi", "pxelinux.0", "vmlinuz", "initrd.img" }, "shimx64.efi"),
                ("aarch64", new[] { "shimaa64.efi", "grubaa64.efi", "vmlinuz", "initrd.img" }, "shimaa64.efi"),
            })
            {
                string source = dir.Combine("src-" + arch);
                Directory.CreateDirectory(source);
                foreach (var f in files) File.WriteAllBytes(Path.Combine(source, f), NetbootLayouts.FileBytes(f, "published " + arch));
                await publisher.PublishAsync(new PublishRequest
                {
                    Paths = files.Select(f => Path.Combine(source, f)).ToList(),
                    Name = "fedora", Version = "40", Architecture = arch,
                    EntryPoint = entry, AltEntryPoint = files[1],
                    Reference = "oci:" + layout,
                }, CancellationToken.None);
            }
            var log = new CapturingLog();

            var found = await ArtifactDiscovery.DiscoverAsync(new OciLayoutRepository(layout), (string?)null, null, log, CancellationToken.None);

            Assert.Empty(log.Warnings);
            Assert.Equal(new[] { "fedora 40 amd64", "fedora 40 arm64" }, found.Select(a => $"{a.Name} {a.Version} {a.Architecture}"));
            Assert.All(found, a => Assert.Equal(NetbootFormat.Spec, a.Format));
            Assert.All(found, a => Assert.NotNull(a.IndexDigest));
            Assert.Equal(("shimx64.efi", "grubx64.efi"), (found[0].EntryPoint, found[0].AltEntryPoint));
            Assert.Equal(("shimaa64.efi", "grubaa64.efi"), (found[1].EntryPoint, found[1].AltEntryPoint));
            Assert.Equal(new[] { "grubx64.efi", "initrd.img", "pxelinux.0", "shimx64.efi", "vmlinuz" }, found[0].Files.Select(f => f.Name).OrderBy(n => n, System.StringComparer.Ordinal));
            Assert.All(found[0].Files, f => Assert.Equal(Digest.Sha256(NetbootLayouts.FileBytes(f.Name, "published x86_64")), f.ContentDigest));
        }
    }
}
