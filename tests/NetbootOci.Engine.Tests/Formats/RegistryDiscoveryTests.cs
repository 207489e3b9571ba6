using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Formats
{
    /// <summary>One anonymous docker-registry for the discovery tests against a real registry.</summary>
    public sealed class FormatsRegistryFixture : IDisposable
    {
        public RegistryServer Registry { get; } = RegistryServer.Start();
        public void Dispose() => Registry.Dispose();
    }

    /// <summary>Every format copied by skopeo to a real distribution registry is discovered as from the layout.</summary>
    public class RegistryDiscoveryTests : IClassFixture<FormatsRegistryFixture>
    {
        readonly RegistryServer _registry;
        public RegistryDiscoveryTests(FormatsRegistryFixture fixture) => _registry = fixture.Registry;

        static readonly Dictionary<string, Action<NetbootLayouts>> Formats = new Dictionary<string, Action<NetbootLayouts>>
        {
            ["prototype"] = l => l.Prototype("fedora-39-x86_64", "fedora", "39", "x86_64", "shim.efi", "vmlinuz", "initrd.img"),
            ["nboci"] = l =>
            {
                l.Nboci("rhel-9.3.0-x86_64", "rhel", "9.3.0", "x86_64", "shim.efi", "grubx64.efi", "pxelinux.0", "shim.efi", "grubx64.efi", "pxelinux.0", "vmlinuz", "initrd.img");
                l.Nboci("rhel-9.3.0-aarch64", "rhel", "9.3.0", "aarch64", "shim.efi", "grubaa64.efi", "", "shim.efi", "grubaa64.efi", "vmlinuz", "initrd.img");
            },
            ["podman"] = l => l.PodmanEra("fedora", "40", "amd64", "arm64"),
            ["foreman"] = l => l.ForemanSpec("centos", "stream9", new Dictionary<string, string[]>
            {
                ["amd64"] = new[] { "grubx64.efi", "initrd.img", "install.img", "pxelinux.0", "shimx64.efi", "vmlinuz" },
                ["arm64"] = new[] { "grubaa64.efi", "initrd.img", "install.img", "shimaa64.efi", "vmlinuz" },
            }),
            ["fedora"] = l => l.FedoraSpec("40", new Dictionary<string, string[]>
            {
                ["amd64"] = new[] { "boot.iso", "grubx64.efi", "initrd.img", "install.img", "pxelinux.0", "shimx64.efi", "vmlinuz" },
                ["arm64"] = new[] { "grubaa64.efi", "initrd.img", "install.img", "shimaa64.efi", "vmlinuz" },
            }),
            ["noise"] = l =>
            {
                l.ForemanSpec("fedora", "41", new Dictionary<string, string[]> { ["amd64"] = new[] { "shimx64.efi", "vmlinuz" } });
                string signed = l.Digests["fedora-41-amd64"];
                l.CosignSignature(signed);
                l.ReferrersTag(signed, l.Repository.GetManifestAsync(signed, CancellationToken.None).GetAwaiter().GetResult().Size);
                l.ContainerImage("busybox");
            },
        };

        [Theory]
        [InlineData("prototype", 1)]
        [InlineData("nboci", 2)]
        [InlineData("podman", 2)]
        [InlineData("foreman", 2)]
        [InlineData("fedora", 2)]
        [InlineData("noise", 1)]
        public async Task FormatCopiedBySkopeoIsDiscoveredOnTheRegistry(string format, int expected)
        {
            using var dir = new TempDir();
            var layout = new NetbootLayouts(dir.Combine("layout"), dir.Combine("work"));
            Formats[format](layout);
            string repository = "netboot/" + format;
            foreach (var tag in await layout.Repository.ListTagsAsync(CancellationToken.None))
                Tools.Skopeo($"copy --all --dest-tls-verify=false oci:{layout.Path}:{tag} docker://{_registry.Host}/{repository}:{tag}");

            var local = await ArtifactDiscovery.DiscoverAsync(layout.Repository, (string?)null, null, new CapturingLog(), CancellationToken.None);
            var log = new CapturingLog();
            using var remote = RepositoryFactory.Open($"{_registry.Host}/{repository}", new RegistryOptions { PlainHttp = true, UseDockerConfig = false, Log = log });
            var found = await ArtifactDiscovery.DiscoverAsync(remote, (string?)null, null, log, CancellationToken.None);

            Assert.Equal(expected, found.Count);
            Assert.Empty(log.Warnings);
            Assert.Equal(Summaries(local), Summaries(found));
            // skopeo rewrites indexes (it drops the entries' artifactType), so index digests are the registry's own.
            var remoteIndexes = new HashSet<string>();
            foreach (var tag in await remote.ListTagsAsync(CancellationToken.None))
            {
                var d = await remote.ResolveAsync(tag, CancellationToken.None);
                if (MediaTypes.IsIndex(d!.MediaType)) remoteIndexes.Add(d.Digest);
            }
            Assert.Equal(local.Select(a => a.IndexDigest == null), found.Select(a => a.IndexDigest == null));
            foreach (var a in found)
            {
                if (a.IndexDigest != null) Assert.Contains(a.IndexDigest, remoteIndexes);
                Assert.Equal($"{_registry.Host}/{repository}", a.Repository);
                Assert.Equal($"{_registry.Host}/{repository}:{a.Tag}@{a.Digest}", a.Reference);
                foreach (var f in a.Files) Assert.True(await remote.BlobExistsAsync(f.Digest, CancellationToken.None));
            }
        }

        [Fact]
        public async Task PinnedRegistryReferenceOfAFedoraStyleArtifactResolvesAgain()
        {
            using var dir = new TempDir();
            var layout = new NetbootLayouts(dir.Combine("layout"), dir.Combine("work"));
            Formats["fedora"](layout);
            foreach (var tag in new[] { "40-amd64", "40-arm64", "40" })
                Tools.Skopeo($"copy --all --dest-tls-verify=false oci:{layout.Path}:{tag} docker://{_registry.Host}/fedora/pinned:{tag}");
            using var remote = RepositoryFactory.Open($"{_registry.Host}/fedora/pinned", new RegistryOptions { PlainHttp = true, UseDockerConfig = false });

            var all = await ArtifactDiscovery.DiscoverAsync(remote, (string?)null, new ArtifactFilter { Architecture = new[] { "aarch64" } }, new CapturingLog(), CancellationToken.None);
            var arm = Assert.Single(all);
            var again = Assert.Single(await ArtifactDiscovery.DiscoverAsync(remote, OciReference.Parse(arm.Reference), null, new CapturingLog(), CancellationToken.None));

            string index = (await remote.ResolveAsync("40", CancellationToken.None))!.Digest;
            Assert.Equal(("fedora", "40", "arm64", arm.Digest, index), (again.Name, again.Version, again.Architecture, again.Digest, again.IndexDigest));
            Assert.Equal(_registry.Host + "/fedora/pinned:40-arm64@" + arm.Digest, again.Reference);
        }

        static string[] Summaries(IEnumerable<NetbootArtifact> artifacts) => artifacts.Select(a =>
            $"{a.Name} {a.Version} {a.Architecture} {a.Format} {a.Tag} {a.Digest} {a.Size} {a.EntryPoint}/{a.AltEntryPoint}/{a.LegacyEntryPoint} " +
            string.Join(",", a.Files.Select(f => $"{f.Name}={f.Digest}:{f.Size}:{f.MediaType}:{f.Compression}:{f.ContentDigest}:{f.ContentSize}")) + " " +
            string.Join(",", a.Annotations.Select(kv => kv.Key + "=" + kv.Value))).ToArray();
    }
}
