using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Publish
{
    /// <summary>What Publish writes is what discovery (Get/Save's reader) reads back as format C.</summary>
    public sealed class PublishDiscoveryTests : IDisposable
    {
        readonly RegistryServer _registry = RegistryServer.Start();
        readonly TempDir _dir = new TempDir("nboci-publish-disc");

        public void Dispose()
        {
            _registry.Dispose();
            _dir.Dispose();
        }

        static RegistryOptions Options() => new RegistryOptions { PlainHttp = true, MaxRetries = 1, UseDockerConfig = false };

        [Theory]
        [InlineData("registry")]
        [InlineData("layout")]
        public async Task Published_architectures_are_discovered_as_format_C_with_their_metadata(string target)
        {
            string reference = target == "registry" ? _registry.Host + "/netboot/os" : "oci:" + _dir.Combine("layout");
            string x86 = PublishFixture.WriteBootFiles(_dir, "x86", "x86");
            string arm = PublishFixture.WriteBootFiles(_dir, "arm", "arm");
            var publisher = new ArtifactPublisher(Options());
            // A name with a dash: os.version "centos-stream-9" alone could not be split; the manifest annotations say it.
            var amd = PublishFixture.Request(x86, reference, "amd64");
            amd.Name = "centos-stream";
            amd.Version = "9";
            amd.LegacyEntryPoint = "vmlinuz";
            var a = await publisher.PublishAsync(amd, CancellationToken.None);
            var armRequest = PublishFixture.Request(arm, reference, "arm64");
            armRequest.Name = "centos-stream";
            armRequest.Version = "9";
            var b = await publisher.PublishAsync(armRequest, CancellationToken.None);

            using (var repo = RepositoryFactory.Open(reference, Options()))
            {
                var found = await ArtifactDiscovery.DiscoverAsync(repo, (string?)null, null, NullEngineLog.Instance, CancellationToken.None);
                Assert.Equal(2, found.Count);
                foreach (var (artifact, published, files) in new[] { (found.Single(f => f.Architecture == "amd64"), a, x86), (found.Single(f => f.Architecture == "arm64"), b, arm) })
                {
                    Assert.Equal(NetbootFormat.Spec, artifact.Format);
                    Assert.Equal("centos-stream", artifact.Name);
                    Assert.Equal("9", artifact.Version);
                    Assert.Equal(published.Digest, artifact.Digest);
                    Assert.Equal("shimx64.efi", artifact.EntryPoint);
                    Assert.Equal("grubx64.efi", artifact.AltEntryPoint);
                    Assert.Equal(published.Files, artifact.Files.Select(f => f.Name).OrderBy(n => n, StringComparer.Ordinal));
                    foreach (var file in artifact.Files)
                    {
                        Assert.Equal(Digest.Sha256File(System.IO.Path.Combine(files, file.Name)), file.ContentDigest);
                        Assert.Equal("none", file.Compression);
                    }
                }
                Assert.Equal("vmlinuz", found.Single(f => f.Architecture == "amd64").LegacyEntryPoint);
                Assert.Null(found.Single(f => f.Architecture == "arm64").LegacyEntryPoint);

                // Save deploys exactly the published files.
                var saved = await ArtifactSaver.SaveAsync(repo, found.Single(f => f.Architecture == "amd64"),
                    new SaveOptions { Destination = _dir.Combine("tftp") }, NullEngineLog.Instance, CancellationToken.None);
                Assert.Equal(a.Digest, saved.Digest);
                foreach (var name in a.Files)
                    Assert.Equal(System.IO.File.ReadAllBytes(System.IO.Path.Combine(x86, name)), System.IO.File.ReadAllBytes(System.IO.Path.Combine(saved.Path, name)));

                // The pinned reference Publish returns is one Get/Save accept.
                var pinned = await ArtifactDiscovery.DiscoverAsync(repo, OciReference.Parse(a.Reference), null, NullEngineLog.Instance, CancellationToken.None);
                Assert.Equal(a.Digest, Assert.Single(pinned).Digest);
                var viaIndex = await ArtifactDiscovery.DiscoverAsync(repo, b.IndexTag, new ArtifactFilter { Architecture = new[] { "arm64" } }, NullEngineLog.Instance, CancellationToken.None);
                Assert.Equal(b.Digest, Assert.Single(viaIndex).Digest);
            }
        }
    }
}
