using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Formats
{
    public class ArtifactDiscoveryTests
    {
        static Task<IReadOnlyList<NetbootArtifact>> Discover(NetbootLayouts l, string? tag = null, ArtifactFilter? filter = null, CapturingLog? log = null) =>
            ArtifactDiscovery.DiscoverAsync(l.Repository, tag, filter, log ?? new CapturingLog(), CancellationToken.None);

        static NetbootLayouts NewLayout(TempDir dir, string name = "layout") => new NetbootLayouts(dir.Combine(name), dir.Combine("work-" + name));

        [Fact]
        public async Task PrototypeFormatA0WithZeroByteConfigAndZstdLayers()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.Prototype("fedora-39-x86_64", "fedora", "39", "x86_64", "shim.efi", "vmlinuz", "initrd.img");
            var log = new CapturingLog();

            var a = Assert.Single(await Discover(l, log: log));

            Assert.Equal(("fedora", "39", "amd64"), (a.Name, a.Version, a.Architecture));
            Assert.Equal(NetbootFormat.NbociPrototype, a.Format);
            Assert.Equal("fedora-39-x86_64", a.Tag);
            Assert.Equal(l.Digests["fedora-39-x86_64"], a.Digest);
            Assert.Null(a.IndexDigest);
            Assert.Equal("oci:" + l.Repository.Root, a.Repository);
            Assert.Equal($"oci:{l.Repository.Root}:fedora-39-x86_64@{a.Digest}", a.Reference);
            Assert.Equal(new[] { "shim.efi", "vmlinuz", "initrd.img" }, a.Files.Select(f => f.Name));
            foreach (var f in a.Files)
            {
                Assert.Equal(NetbootLayouts.Zstd, f.MediaType);
                Assert.Equal("zstd", f.Compression);
                Assert.Equal(l.ContentDigests["x86_64/" + f.Name], f.ContentDigest);
                Assert.NotEqual(f.Digest, f.ContentDigest);
                Assert.Equal(-1, f.ContentSize); // the prototype recorded no uncompressed size
                Assert.True(await l.Repository.BlobExistsAsync(f.Digest, CancellationToken.None));
            }
            Assert.Equal(a.Files.Sum(f => f.Size), a.Size);
            Assert.Equal("shim.efi", a.EntryPoint);
            Assert.Null(a.AltEntryPoint);
            Assert.Null(a.LegacyEntryPoint);
            Assert.Equal("x86_64", a.Annotations["org.pulpproject.netboot.os.arch"]);
            Assert.Empty(log.Warnings);
            // The reference it gives is a valid pinned reference.
            var pinned = OciReference.Parse(a.Reference);
            Assert.Equal(a.Digest, pinned.Digest);
            Assert.Equal("fedora-39-x86_64", pinned.Tag);
        }

        [Fact]
        public async Task NbociFormatAWithEntryPointsAndSourceDigests()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.Nboci("rhel-9.3.0-x86_64", "rhel", "9.3.0", "x86_64", "shim.efi", "grubx64.efi", "pxelinux.0",
                "shim.efi", "grubx64.efi", "pxelinux.0", "vmlinuz", "initrd.img");
            // nboci writes the legacy key even when empty; that means "none", not "guess".
            l.Nboci("rhel-9.3.0-aarch64", "rhel", "9.3.0", "aarch64", "shim.efi", "grubaa64.efi", "",
                "shim.efi", "grubaa64.efi", "vmlinuz", "initrd.img", "pxelinux.0");

            var found = await Discover(l);

            Assert.Equal(new[] { "amd64", "arm64" }, found.Select(a => a.Architecture));
            var x86 = found[0];
            Assert.Equal(("rhel", "9.3.0", NetbootFormat.Nboci), (x86.Name, x86.Version, x86.Format));
            Assert.Equal(("shim.efi", "grubx64.efi", "pxelinux.0"), (x86.EntryPoint, x86.AltEntryPoint, x86.LegacyEntryPoint));
            foreach (var f in x86.Files)
            {
                Assert.Equal("zstd", f.Compression);
                Assert.Equal(l.ContentDigests["x86_64/" + f.Name], f.ContentDigest);
                Assert.Equal(NetbootLayouts.FileBytes(f.Name, "rhel 9.3.0 x86_64").Length, f.ContentSize);
                Assert.True(f.Size < f.ContentSize, "zstd made the layer smaller");
            }
            var arm = found[1];
            Assert.Equal("rhel-9.3.0-aarch64", arm.Tag);
            Assert.Equal(("shim.efi", "grubaa64.efi"), (arm.EntryPoint, arm.AltEntryPoint));
            Assert.Null(arm.LegacyEntryPoint);
        }

        [Fact]
        public async Task PodmanEraFormatBWherePerArchTagIsAnIndexOfOne()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.PodmanEra("fedora", "40", "amd64", "arm64");
            var log = new CapturingLog();

            var found = await Discover(l, log: log);

            Assert.Equal(2, found.Count);
            var amd = found[0];
            Assert.Equal(("fedora", "40", "amd64", NetbootFormat.PodmanIndex), (amd.Name, amd.Version, amd.Architecture, amd.Format));
            // Reached via fedora-40-amd64 (index of one) and fedora-40 (multi-arch): emitted once, with the per-arch tag.
            Assert.Equal("fedora-40-amd64", amd.Tag);
            Assert.Equal(l.Digests["fedora-40-amd64"], amd.IndexDigest);
            Assert.Equal(l.Digests["fedora 40 (podman) amd64"], amd.Digest);
            Assert.Equal($"oci:{l.Repository.Root}:fedora-40-amd64@{amd.Digest}", amd.Reference);
            Assert.Equal(NetbootLayouts.PodmanGuessedFiles.Select(f => f.Item2), amd.Files.Select(f => f.MediaType));
            Assert.All(amd.Files, f => Assert.Equal(("none", f.Digest, f.Size), (f.Compression, f.ContentDigest, f.ContentSize)));
            Assert.Equal(("shim.efi", "grubx64.efi", "pxelinux.0"), (amd.EntryPoint, amd.AltEntryPoint, amd.LegacyEntryPoint));
            Assert.Equal("1", amd.Annotations["org.pulpproject.netboot.version"]);
            Assert.Equal("fedora-40-arm64", found[1].Tag);
            Assert.Empty(log.Warnings);

            var viaIndex = await Discover(l, "fedora-40");
            Assert.Equal(new[] { "fedora-40", "fedora-40" }, viaIndex.Select(a => a.Tag));
            Assert.All(viaIndex, a => Assert.Equal(l.Digests["fedora-40"], a.IndexDigest));
            Assert.Equal(found.Select(a => a.Digest), viaIndex.Select(a => a.Digest));

            var one = Assert.Single(await Discover(l, "fedora-40-arm64"));
            Assert.Equal(found[1].Digest, one.Digest);
        }

        [Fact]
        public async Task ForemanSpecFormatCWithPerArchManifestsAndIndex()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.ForemanSpec("fedora", "40", new Dictionary<string, string[]>
            {
                ["amd64"] = new[] { "grubx64.efi", "initrd.img", "install.img", "pxelinux.0", "shimx64.efi", "vmlinuz" },
                ["arm64"] = new[] { "grubaa64.efi", "initrd.img", "install.img", "shimaa64.efi", "vmlinuz" },
            });
            l.ForemanSpec("centos", "stream9", new Dictionary<string, string[]> { ["amd64"] = new[] { "shimx64.efi", "grubx64.efi", "vmlinuz", "initrd.img" } });

            var found = await Discover(l);

            Assert.Equal(new[] { "centos stream9 amd64", "fedora 40 amd64", "fedora 40 arm64" }, found.Select(a => $"{a.Name} {a.Version} {a.Architecture}"));
            Assert.All(found, a => Assert.Equal(NetbootFormat.Spec, a.Format));
            // An index with a single architecture still counts as the artifact's index.
            Assert.Equal((l.Digests["centos-stream9"], "centos-stream9-amd64"), (found[0].IndexDigest, found[0].Tag));
            var amd = found[1];
            Assert.Equal("fedora-40-amd64", amd.Tag);
            Assert.Equal(l.Digests["fedora-40-amd64"], amd.Digest);
            Assert.Equal(l.Digests["fedora-40"], amd.IndexDigest);
            Assert.All(amd.Files, f => Assert.Equal((NetbootLayouts.Raw, "none", f.Digest), (f.MediaType, f.Compression, f.ContentDigest)));
            Assert.Equal(("shimx64.efi", "grubx64.efi", "pxelinux.0"), (amd.EntryPoint, amd.AltEntryPoint, amd.LegacyEntryPoint));
            var arm = found[2];
            Assert.Equal(("shimaa64.efi", "grubaa64.efi"), (arm.EntryPoint, arm.AltEntryPoint));
            Assert.Null(arm.LegacyEntryPoint);
            Assert.Equal(NetbootLayouts.ContentLength(arm), arm.Size);

            var viaIndex = await Discover(l, "fedora-40");
            Assert.Equal(new[] { "amd64", "arm64" }, viaIndex.Select(a => a.Architecture));
            Assert.All(viaIndex, a => Assert.Equal("fedora-40", a.Tag));
        }

        [Fact]
        public async Task FedoraSpecFormatCWithVersionOnlyTags()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.FedoraSpec("40", new Dictionary<string, string[]>
            {
                ["amd64"] = new[] { "boot.iso", "grubx64.efi", "initrd.img", "install.img", "pxelinux.0", "shimx64.efi", "vmlinuz" },
                ["arm64"] = new[] { "grubaa64.efi", "initrd.img", "install.img", "shimaa64.efi", "vmlinuz" },
            });

            var found = await Discover(l);
            Assert.Equal(new[] { "fedora 40 amd64 40-amd64", "fedora 40 arm64 40-arm64" }, found.Select(a => $"{a.Name} {a.Version} {a.Architecture} {a.Tag}"));
            Assert.All(found, a => Assert.Equal(l.Digests["40"], a.IndexDigest));
            Assert.Equal(NetbootLayouts.FedoraSource, found[0].Annotations["org.opencontainers.image.source"]);

            // Asked for the per-arch tag alone, the name comes from the index tag without the suffix.
            var log = new CapturingLog();
            var alone = Assert.Single(await Discover(l, "40-amd64", log: log));
            Assert.Equal(("fedora", "40", "amd64", "40-amd64"), (alone.Name, alone.Version, alone.Architecture, alone.Tag));
            Assert.Equal(l.Digests["40"], alone.IndexDigest);
            Assert.Empty(log.Warnings);
        }

        [Fact]
        public async Task NetbootArtifactWithoutDerivableNameIsAWarningNamingTheTag()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            // A Fedora-style per-arch tag whose index was never pushed, and a spec artifact under "latest".
            l.ArtifactManifest("40-amd64", NetbootLayouts.NetbootType, "orphan", "amd64", null, NetbootLayouts.SpecFiles("vmlinuz", "initrd.img"));
            l.ArtifactManifest("latest", NetbootLayouts.NetbootType, "latest", "amd64", null, NetbootLayouts.SpecFiles("vmlinuz"));
            var log = new CapturingLog();

            Assert.Empty(await Discover(l, log: log));

            Assert.Equal(2, log.Warnings.Count);
            Assert.Contains(log.Warnings, w => w.Contains("tag '40-amd64'") && w.Contains("os.version"));
            Assert.Contains(log.Warnings, w => w.Contains("tag 'latest'"));
        }

        [Fact]
        public async Task SignaturesReferrersAndContainerImagesAreSkippedWithAVerboseNote()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.ForemanSpec("fedora", "40", new Dictionary<string, string[]> { ["amd64"] = new[] { "shimx64.efi", "vmlinuz" } });
            string signed = l.Digests["fedora-40-amd64"];
            l.CosignSignature(signed);
            l.ReferrersTag(signed, (await l.Repository.GetManifestAsync(signed, CancellationToken.None)).Size);
            l.ContainerImage("busybox");
            // An untagged-looking signature manifest under an ordinary tag is recognised by content.
            l.PushManifest(JsonNode.Parse(Encoding.UTF8.GetString((await l.Repository.GetManifestAsync("sha256-" + Digest.Hex(signed) + ".sig", CancellationToken.None)).Bytes))!.AsObject(), "signature-copy");
            var log = new CapturingLog();

            var a = Assert.Single(await Discover(l, log: log));

            Assert.Equal("fedora-40-amd64", a.Tag);
            Assert.Empty(log.Warnings);
            Assert.Contains(log.VerboseLines, v => v.Contains($"skipping tag 'sha256-{Digest.Hex(signed)}.sig'") && v.Contains("cosign sig"));
            Assert.Contains(log.VerboseLines, v => v.Contains($"skipping tag 'sha256-{Digest.Hex(signed)}'") && v.Contains("referrers"));
            Assert.Contains(log.VerboseLines, v => v.Contains("tag 'busybox'") && v.Contains("a container image"));
            Assert.Contains(log.VerboseLines, v => v.Contains("tag 'signature-copy'") && v.Contains("a cosign signature"));

            // Asked for by name, a container image is an error, not an empty answer.
            var e = await Assert.ThrowsAsync<NetbootException>(() => Discover(l, "busybox"));
            Assert.Equal(ErrorIds.UnknownFormat, e.ErrorId);
            Assert.Contains("busybox", e.Message);
            Assert.Contains("container image", e.Message);
        }

        [Fact]
        public async Task FiltersUseCaseInsensitiveWildcardsAndArchitectureAliases()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.ForemanSpec("fedora", "40", new Dictionary<string, string[]> { ["amd64"] = new[] { "vmlinuz" }, ["arm64"] = new[] { "vmlinuz" } });
            l.ForemanSpec("fedora", "41", new Dictionary<string, string[]> { ["amd64"] = new[] { "vmlinuz" } });
            l.ForemanSpec("centos", "stream9", new Dictionary<string, string[]> { ["amd64"] = new[] { "vmlinuz" } });
            l.Nboci("rhel-9.3.0-x86_64", "rhel", "9.3.0", "x86_64", "vmlinuz", "", "", "vmlinuz");

            async Task<string[]> Select(ArtifactFilter f) => (await Discover(l, filter: f)).Select(a => $"{a.Name}/{a.Version}/{a.Architecture}").ToArray();

            Assert.Equal(5, (await Select(new ArtifactFilter())).Length);
            Assert.Equal(new[] { "fedora/40/amd64", "fedora/40/arm64", "fedora/41/amd64" }, await Select(new ArtifactFilter { Name = new[] { "FED*" } }));
            Assert.Equal(new[] { "fedora/40/amd64", "fedora/40/arm64" }, await Select(new ArtifactFilter { Name = new[] { "f?dora" }, Version = new[] { "4[0]" } }));
            Assert.Equal(new[] { "centos/stream9/amd64", "rhel/9.3.0/amd64" }, await Select(new ArtifactFilter { Name = new[] { "centos", "RHEL" } }));
            Assert.Equal(new[] { "centos/stream9/amd64", "fedora/40/amd64", "fedora/41/amd64", "rhel/9.3.0/amd64" }, await Select(new ArtifactFilter { Architecture = new[] { "x86_64" } }));
            Assert.Equal(new[] { "fedora/40/arm64" }, await Select(new ArtifactFilter { Architecture = new[] { "AARCH64" } }));
            Assert.Equal(new[] { "fedora/40/arm64" }, await Select(new ArtifactFilter { Architecture = new[] { "arm*" } }));
            Assert.Equal(new[] { "fedora/41/amd64", "rhel/9.3.0/amd64" }, await Select(new ArtifactFilter { Version = new[] { "41", "9.*" } }));
            Assert.Empty(await Select(new ArtifactFilter { Name = new[] { "debian" } }));
        }

        [Fact]
        public async Task TheSameOsPublishedTwiceIsReturnedOnceInTheNewestFormatWithAWarning()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.Nboci("fedora-40-x86_64", "fedora", "40", "x86_64", "shim.efi", "", "", "shim.efi", "vmlinuz");
            l.ForemanSpec("fedora", "40", new Dictionary<string, string[]> { ["amd64"] = new[] { "shimx64.efi", "vmlinuz" } });
            var log = new CapturingLog();

            var a = Assert.Single(await Discover(l, log: log));

            Assert.Equal((NetbootFormat.Spec, "fedora-40-amd64"), (a.Format, a.Tag));
            var warning = Assert.Single(log.Warnings);
            Assert.Contains("fedora-40-x86_64", warning);
            Assert.Contains("fedora-40-amd64", warning);
            // Naming the older tag still gets it.
            Assert.Equal(NetbootFormat.Nboci, Assert.Single(await Discover(l, "fedora-40-x86_64")).Format);
        }

        [Fact]
        public async Task LayersSharingOneBlobAreCountedOnceInSize()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            // The real Fedora 40 artifact once had boot.iso and install.img both pointing at one 404 page.
            byte[] page = Encoding.UTF8.GetBytes("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n");
            var blob = l.PushBlob(page);
            Assert.Equal("sha256:80c3fe2ae1062abf56456f52518bd670f9ec3917b7f85e152b347ac6b6faf880", blob.Digest);
            l.PushBlob(Encoding.UTF8.GetBytes("{}"));
            JsonObject Layer(string title) => new JsonObject
            {
                ["mediaType"] = NetbootLayouts.Raw, ["digest"] = blob.Digest, ["size"] = blob.Size,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.title"] = title },
            };
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciManifest, ["artifactType"] = NetbootLayouts.NetbootType,
                ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciEmpty, ["digest"] = Digest.EmptyJson, ["size"] = 2, ["data"] = "e30=" },
                ["layers"] = new JsonArray(Layer("boot.iso"), Layer("install.img")),
            };
            l.PushManifest(manifest, "fedora-40-amd64");

            var a = Assert.Single(await Discover(l));
            Assert.Equal(new[] { "boot.iso", "install.img" }, a.Files.Select(f => f.Name));
            Assert.Equal(196, a.Size);
        }

        [Fact]
        public async Task BrokenArtifactsAreErrorsNamingTheTag()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.PushBlob(Encoding.UTF8.GetBytes("{}"));
            var kernel = l.PushBlob(NetbootLayouts.FileBytes("vmlinuz", "broken"));
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciManifest, ["artifactType"] = NetbootLayouts.NetbootType,
                ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciEmpty, ["digest"] = Digest.EmptyJson, ["size"] = 2 },
                ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = NetbootLayouts.Raw, ["digest"] = kernel.Digest, ["size"] = kernel.Size }),
            };
            l.PushManifest(manifest, "fedora-40-amd64");
            l.TagRawBlob(Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[{"), "fedora-41-amd64");
            var zstdLayer = new JsonObject
            {
                ["mediaType"] = NetbootLayouts.Zstd, ["digest"] = kernel.Digest, ["size"] = kernel.Size,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.title"] = "vmlinuz", ["org.pulpproject.netboot.src.digest"] = "sha256:nothex" },
            };
            var badSource = (JsonObject)manifest.DeepClone();
            badSource["layers"] = new JsonArray(zstdLayer);
            l.PushManifest(badSource, "fedora-42-amd64");
            var missing = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = "sha256:" + new string('0', 64), ["size"] = 500,
                ["platform"] = new JsonObject { ["architecture"] = "amd64", ["os"] = "linux", ["os.version"] = "fedora-43" } };
            l.Index("fedora-43", null, missing);

            var noTitle = await Assert.ThrowsAsync<NetbootException>(() => Discover(l, "fedora-40-amd64"));
            Assert.Equal(ErrorIds.MetadataMissing, noTitle.ErrorId);
            Assert.Contains("tag 'fedora-40-amd64'", noTitle.Message);
            Assert.Contains("org.opencontainers.image.title", noTitle.Message);

            var malformed = await Assert.ThrowsAsync<NetbootException>(() => Discover(l, "fedora-41-amd64"));
            Assert.Equal(ErrorIds.ManifestInvalid, malformed.ErrorId);
            Assert.Contains("tag 'fedora-41-amd64'", malformed.Message);

            var badDigest = await Assert.ThrowsAsync<NetbootException>(() => Discover(l, "fedora-42-amd64"));
            Assert.Equal(ErrorIds.InvalidDigest, badDigest.ErrorId);
            Assert.Contains("tag 'fedora-42-amd64'", badDigest.Message);

            var dangling = await Assert.ThrowsAsync<NetbootException>(() => Discover(l, "fedora-43"));
            Assert.Equal(ErrorIds.ManifestNotFound, dangling.ErrorId);
            Assert.Contains("tag 'fedora-43'", dangling.Message);

            var unknown = await Assert.ThrowsAsync<NetbootException>(() => Discover(l, "sha256:" + new string('1', 64)));
            Assert.Equal(ErrorIds.ManifestNotFound, unknown.ErrorId);
            Assert.Contains(new string('1', 64), unknown.Message);

            // A filter that does not select the artifact does not trip on its layers.
            Assert.Empty(await Discover(l, "fedora-40-amd64", new ArtifactFilter { Version = new[] { "39" } }));
        }

        [Fact]
        public async Task DigestAndPinnedReferencesFindTheirMetadata()
        {
            using var dir = new TempDir();
            var l = NewLayout(dir);
            l.Nboci("rhel-9.3.0-x86_64", "rhel", "9.3.0", "x86_64", "vmlinuz", "", "", "vmlinuz");
            l.ForemanSpec("fedora", "40", new Dictionary<string, string[]> { ["amd64"] = new[] { "vmlinuz" }, ["arm64"] = new[] { "vmlinuz" } });
            l.FedoraSpec("41", new Dictionary<string, string[]> { ["amd64"] = new[] { "vmlinuz", "initrd.img" } });

            // nboci metadata is in the manifest: the digest alone is enough, and no tag is invented.
            var log = new CapturingLog();
            var rhel = Assert.Single(await Discover(l, l.Digests["rhel-9.3.0-x86_64"], log: log));
            Assert.Null(rhel.Tag);
            Assert.Equal($"oci:{l.Repository.Root}@{l.Digests["rhel-9.3.0-x86_64"]}", rhel.Reference);
            Assert.DoesNotContain(log.VerboseLines, v => v.Contains("walking all tags"));

            // Format C keeps its OS on the index: a bare digest is looked up among the repository's indexes.
            var arm = Assert.Single(await Discover(l, l.Digests["fedora-40-arm64"]));
            Assert.Equal(("fedora", "40", "arm64", "fedora-40-arm64"), (arm.Name, arm.Version, arm.Architecture, arm.Tag));
            Assert.Equal(l.Digests["fedora-40"], arm.IndexDigest);

            // A pinned reference as an artifact carries it (tag@digest) resolves the same artifact again.
            foreach (var original in await Discover(l))
            {
                var again = Assert.Single(await ArtifactDiscovery.DiscoverAsync(l.Repository, OciReference.Parse(original.Reference), null, new CapturingLog(), CancellationToken.None));
                Assert.Equal((original.Name, original.Version, original.Architecture, original.Digest, original.Reference, original.IndexDigest),
                    (again.Name, again.Version, again.Architecture, again.Digest, again.Reference, again.IndexDigest));
            }
        }
    }
}
