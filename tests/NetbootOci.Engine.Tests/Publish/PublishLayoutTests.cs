using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Publish
{
    /// <summary>Publish into OCI image-layout directories (the embedded default target).</summary>
    public sealed class PublishLayoutTests : IDisposable
    {
        readonly TempDir _dir = new TempDir("nboci-publish");
        public void Dispose() => _dir.Dispose();

        static Task<PublishResult> Publish(PublishRequest request) =>
            new ArtifactPublisher(new RegistryOptions()).PublishAsync(request, CancellationToken.None);

        static async Task<ManifestContent> Get(string layout, string tagOrDigest)
        {
            using (var repo = new OciLayoutRepository(layout)) return await repo.GetManifestAsync(tagOrDigest, CancellationToken.None);
        }

        [Fact]
        public async Task Same_files_give_the_same_manifest_bytes_in_two_fresh_layouts()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var first = await Publish(PublishFixture.Request(files, "oci:" + _dir.Combine("one")));
            // The second run sees the files in another order and through another path spelling.
            var request = PublishFixture.Request(files, "oci:" + _dir.Combine("two"));
            request.Paths = Directory.GetFiles(files).OrderByDescending(f => f, StringComparer.Ordinal).Select(f => Path.Combine(files, ".", Path.GetFileName(f))).ToList();
            var second = await Publish(request);

            Assert.Equal(first.Digest, second.Digest);
            Assert.Equal(first.IndexDigest, second.IndexDigest);
            var a = await Get(_dir.Combine("one"), "fedora-40-amd64");
            var b = await Get(_dir.Combine("two"), "fedora-40-amd64");
            Assert.Equal(a.Bytes, b.Bytes);
            Assert.Equal(first.Manifest, Encoding.UTF8.GetString(a.Bytes));
            Assert.Equal(first.Digest, Digest.Sha256(a.Bytes));
            Assert.True(first.Changed);
            Assert.Null(first.PreviousDigest);
            Assert.Equal(new[] { "grubx64.efi", "initrd.img", "shimx64.efi", "vmlinuz" }, first.Files);
            Assert.Equal(Directory.GetFiles(files).Sum(f => new FileInfo(f).Length) + 2, first.BytesUploaded);
        }

        [Fact]
        public async Task Manifest_is_format_C_with_self_describing_annotations()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var request = PublishFixture.Request(files, "oci:" + _dir.Combine("layout"));
            request.Annotations["org.opencontainers.image.source"] = "https://example.org/boot";
            var result = await Publish(request);

            var content = await Get(_dir.Combine("layout"), "fedora-40-amd64");
            Assert.Equal(MediaTypes.OciManifest, content.MediaType);
            var m = content.AsManifest("test");
            Assert.Equal(2, m.SchemaVersion);
            Assert.Equal("application/vnd.org.pulpproject.netboot.artifact.v1", m.ArtifactType);
            Assert.Equal(MediaTypes.OciEmpty, m.Config.MediaType);
            Assert.Equal(Digest.EmptyJson, m.Config.Digest);
            Assert.Equal(2, m.Config.Size);
            Assert.Equal("e30=", m.Config.Data);
            Assert.Equal(new[] { "grubx64.efi", "initrd.img", "shimx64.efi", "vmlinuz" }, m.Layers.Select(l => l.Annotation("org.opencontainers.image.title")));
            Assert.All(m.Layers, l => Assert.Equal("application/x-netboot-file", l.MediaType));
            foreach (var layer in m.Layers)
            {
                string file = Path.Combine(files, layer.Annotation("org.opencontainers.image.title")!);
                Assert.Equal(Digest.Sha256File(file), layer.Digest);
                Assert.Equal(new FileInfo(file).Length, layer.Size);
                Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(new OciLayoutRepository(_dir.Combine("layout")).BlobPath(layer.Digest)));
            }
            var expected = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["org.opencontainers.image.source"] = "https://example.org/boot",
                ["org.pulpproject.netboot.altentrypoint"] = "grubx64.efi",
                ["org.pulpproject.netboot.entrypoint"] = "shimx64.efi",
                ["org.pulpproject.netboot.os.arch"] = "amd64",
                ["org.pulpproject.netboot.os.name"] = "fedora",
                ["org.pulpproject.netboot.os.version"] = "40",
                ["org.pulpproject.netboot.version"] = "1",
            };
            Assert.Equal(expected, m.Annotations);
            Assert.DoesNotContain("created", result.Manifest);

            var index = (await Get(_dir.Combine("layout"), "fedora-40")).AsIndex("test");
            var entry = Assert.Single(index.Manifests);
            Assert.Equal(result.Digest, entry.Digest);
            Assert.Equal(content.Size, entry.Size);
            Assert.Equal("linux", entry.Platform!.Os);
            Assert.Equal("amd64", entry.Platform.Architecture);
            Assert.Equal("fedora-40", entry.Platform.OsVersion);
            Assert.Equal("application/vnd.org.pulpproject.netboot.artifact.v1", entry.ArtifactType);
            Assert.Equal("1", entry.Annotation("org.pulpproject.netboot.version"));
            Assert.Equal("1", index.Annotation("org.pulpproject.netboot.version"));
            Assert.Equal(result.IndexDigest, (await Get(_dir.Combine("layout"), "fedora-40")).Digest);
        }

        [Fact]
        public async Task Created_is_written_only_when_given_and_changes_the_digest()
        {
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var plain = await Publish(PublishFixture.Request(files, "oci:" + _dir.Combine("a")));
            var request = PublishFixture.Request(files, "oci:" + _dir.Combine("b"));
            request.Created = new DateTimeOffset(2024, 9, 9, 12, 30, 0, TimeSpan.FromHours(2));
            var dated = await Publish(request);
            Assert.NotEqual(plain.Digest, dated.Digest);
            var m = (await Get(_dir.Combine("b"), "fedora-40-amd64")).AsManifest("test");
            Assert.Equal("2024-09-09T10:30:00Z", m.Annotation("org.opencontainers.image.created"));
        }

        [Fact]
        public async Task Second_architecture_merges_into_the_index_and_republishing_replaces_only_its_entry()
        {
            string layout = _dir.Combine("layout");
            string arm = PublishFixture.WriteBootFiles(_dir, "arm", "arm");
            string x86 = PublishFixture.WriteBootFiles(_dir, "x86", "x86");
            var armResult = await Publish(PublishFixture.Request(arm, "oci:" + layout, "aarch64"));
            var x86Result = await Publish(PublishFixture.Request(x86, "oci:" + layout, "x86_64"));
            Assert.Equal("fedora-40-arm64", armResult.Tag);
            Assert.Equal("fedora-40-amd64", x86Result.Tag);
            Assert.Equal(armResult.IndexDigest, x86Result.PreviousIndexDigest);

            var index = (await Get(layout, "fedora-40")).AsIndex("test");
            Assert.Equal(new[] { "amd64", "arm64" }, index.Manifests.Select(m => m.Platform!.Architecture));
            Assert.Equal(new[] { x86Result.Digest, armResult.Digest }, index.Manifests.Select(m => m.Digest));

            // New amd64 files: the amd64 entry is replaced, arm64 is kept byte for byte.
            string x86v2 = PublishFixture.WriteBootFiles(_dir, "x86v2", "x86-second");
            var replaced = await Publish(PublishFixture.Request(x86v2, "oci:" + layout, "amd64"));
            Assert.True(replaced.Changed);
            Assert.Equal(x86Result.Digest, replaced.PreviousDigest);
            Assert.Equal(x86Result.IndexDigest, replaced.PreviousIndexDigest);
            var after = (await Get(layout, "fedora-40")).AsIndex("test");
            Assert.Equal(new[] { replaced.Digest, armResult.Digest }, after.Manifests.Select(m => m.Digest));
            Assert.Equal(OciJson.Serialize(index.Manifests[1]), OciJson.Serialize(after.Manifests[1]));
            Assert.Equal(replaced.Digest, (await Get(layout, "fedora-40-amd64")).Digest);
            Assert.Equal(armResult.Digest, (await Get(layout, "fedora-40-arm64")).Digest);
        }

        [Fact]
        public async Task An_unmoved_tag_whose_index_entry_was_replaced_only_moves_the_index()
        {
            string layout = _dir.Combine("layout");
            string first = PublishFixture.WriteBootFiles(_dir, "first", "one");
            string second = PublishFixture.WriteBootFiles(_dir, "second", "two");
            var one = await Publish(PublishFixture.Request(first, "oci:" + layout + ":t1"));
            var two = await Publish(PublishFixture.Request(second, "oci:" + layout + ":t2"));
            Assert.Equal(one.IndexDigest, two.PreviousIndexDigest);

            var back = await Publish(PublishFixture.Request(first, "oci:" + layout + ":t1"));
            Assert.True(back.Changed);
            Assert.Null(back.PreviousDigest);
            Assert.Equal(two.IndexDigest, back.PreviousIndexDigest);
            Assert.Equal(0, back.BytesUploaded);
            Assert.Equal(one.IndexDigest, back.IndexDigest);
            var index = (await Get(layout, "fedora-40")).AsIndex("test");
            Assert.Equal(one.Digest, Assert.Single(index.Manifests).Digest);
            Assert.Equal(two.Digest, (await Get(layout, "t2")).Digest);
        }

        [Fact]
        public async Task Publishing_the_same_files_again_changes_nothing()
        {
            string layout = _dir.Combine("layout");
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var first = await Publish(PublishFixture.Request(files, "oci:" + layout));
            var before = PublishFixture.Snapshot(layout);
            var again = await Publish(PublishFixture.Request(files, "oci:" + layout));
            Assert.False(again.Changed);
            Assert.Equal(0, again.BytesUploaded);
            Assert.Null(again.PreviousDigest);
            Assert.Equal(first.Digest, again.Digest);
            Assert.Equal(first.IndexDigest, again.IndexDigest);
            var after = PublishFixture.Snapshot(layout);
            Assert.Equal(before.Keys.OrderBy(k => k), after.Keys.OrderBy(k => k));
            foreach (var kv in before) Assert.Equal(kv.Value, after[kv.Key]);
        }

        [Fact]
        public async Task WhatIf_returns_the_manifest_and_writes_nothing()
        {
            string layout = _dir.Combine("layout");
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var request = PublishFixture.Request(files, "oci:" + layout);
            request.WhatIf = true;
            var plan = await Publish(request);
            Assert.False(Directory.Exists(layout));
            Assert.True(plan.WhatIf);
            Assert.True(plan.Changed);
            Assert.Equal(0, plan.BytesUploaded);
            Assert.Equal(plan.Digest, Digest.Sha256(plan.Manifest));

            request.WhatIf = false;
            var real = await Publish(request);
            Assert.Equal(plan.Digest, real.Digest);
            Assert.Equal(plan.IndexDigest, real.IndexDigest);
            Assert.Equal(plan.Manifest, Encoding.UTF8.GetString((await Get(layout, real.Tag)).Bytes));

            request.WhatIf = true;
            var before = PublishFixture.Snapshot(layout);
            var replan = await Publish(request);
            Assert.False(replan.Changed);
            Assert.Equal(before.Count, PublishFixture.Snapshot(layout).Count);
        }

        [Fact]
        public async Task A_tag_in_the_reference_replaces_the_per_architecture_tag()
        {
            string layout = _dir.Combine("layout");
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var result = await Publish(PublishFixture.Request(files, "oci:" + layout + ":40-amd64"));
            Assert.Equal("40-amd64", result.Tag);
            Assert.Equal("fedora-40", result.IndexTag);
            Assert.Equal($"oci:{layout}:40-amd64@{result.Digest}", result.Reference);
            using (var repo = new OciLayoutRepository(layout))
                Assert.Equal(new[] { "40-amd64", "fedora-40" }, await repo.ListTagsAsync(CancellationToken.None));
        }

        public static IEnumerable<object[]> BadInputs()
        {
            // (case name, expected error id, text the message must contain)
            yield return new object[] { "missing file", ErrorIds.PathNotFound, "nope.efi" };
            yield return new object[] { "entry point not among files", ErrorIds.EntryPointNotFound, "pxelinux.0" };
            yield return new object[] { "legacy entry point not among files", ErrorIds.EntryPointNotFound, "lpxelinux.0" };
            yield return new object[] { "duplicate title", ErrorIds.DuplicateFileName, "vmlinuz" };
            yield return new object[] { "upper-case name", ErrorIds.InvalidName, "Fedora" };
            yield return new object[] { "version with a slash", ErrorIds.InvalidName, "40/1" };
            yield return new object[] { "architecture with a space", ErrorIds.InvalidName, "amd 64" };
            yield return new object[] { "unknown architecture", ErrorIds.UnknownArchitecture, "mips64" };
            yield return new object[] { "reserved annotation", ErrorIds.InvalidArgument, "org.pulpproject.netboot.version" };
            yield return new object[] { "reference with digest", ErrorIds.InvalidReference, "@sha256" };
        }

        [Theory]
        [MemberData(nameof(BadInputs))]
        public async Task Bad_input_fails_before_anything_is_written(string name, string errorId, string named)
        {
            string layout = _dir.Combine("layout");
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var existing = await Publish(PublishFixture.Request(files, "oci:" + layout, "arm64"));
            var before = PublishFixture.Snapshot(layout);

            var request = PublishFixture.Request(files, "oci:" + layout);
            switch (name)
            {
                case "missing file": request.Paths.Add(_dir.Combine("nope.efi")); break;
                case "entry point not among files": request.EntryPoint = "pxelinux.0"; break;
                case "legacy entry point not among files": request.LegacyEntryPoint = "lpxelinux.0"; break;
                case "duplicate title":
                    Directory.CreateDirectory(_dir.Combine("other"));
                    File.WriteAllText(_dir.Combine("other", "vmlinuz"), "another kernel");
                    request.Paths.Add(_dir.Combine("other", "vmlinuz"));
                    break;
                case "upper-case name": request.Name = "Fedora"; break;
                case "version with a slash": request.Version = "40/1"; break;
                case "architecture with a space": request.Architecture = "amd 64"; break;
                case "unknown architecture": request.Architecture = "mips64"; break;
                case "reserved annotation": request.Annotations["org.pulpproject.netboot.version"] = "2"; break;
                case "reference with digest": request.Reference = "oci:" + layout + "@" + existing.Digest; break;
                default: throw new ArgumentException(name);
            }

            var e = await Assert.ThrowsAsync<NetbootException>(() => Publish(request));
            Assert.Equal(errorId, e.ErrorId);
            Assert.Contains(named, e.Message);
            var after = PublishFixture.Snapshot(layout);
            Assert.Equal(before.Keys.OrderBy(k => k), after.Keys.OrderBy(k => k));
            foreach (var kv in before) Assert.Equal(kv.Value, after[kv.Key]);
        }

        [Fact]
        public async Task An_index_tag_that_holds_a_single_manifest_is_not_overwritten()
        {
            string layout = _dir.Combine("layout");
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            // Someone tagged fedora-40 with a plain manifest (format A style).
            using (var repo = new OciLayoutRepository(layout))
            {
                var config = Descriptor.EmptyJson();
                await repo.PushBlobAsync(config, () => new MemoryStream(Encoding.UTF8.GetBytes("{}")), null, CancellationToken.None);
                await repo.PushManifestAsync(OciJson.Serialize(new ImageManifest()), MediaTypes.OciManifest, "fedora-40", CancellationToken.None);
            }
            var before = PublishFixture.Snapshot(layout);
            var e = await Assert.ThrowsAsync<NetbootException>(() => Publish(PublishFixture.Request(files, "oci:" + layout)));
            Assert.Equal(ErrorIds.InvalidArgument, e.ErrorId);
            Assert.Contains("fedora-40", e.Message);
            Assert.Equal(before.Count, PublishFixture.Snapshot(layout).Count);
        }

        [Fact]
        public async Task BeforeTagging_runs_with_the_manifest_stored_and_a_failure_there_moves_no_tag()
        {
            string layout = _dir.Combine("layout");
            string files = PublishFixture.WriteBootFiles(_dir, "files");
            var request = PublishFixture.Request(files, "oci:" + layout);
            string? seen = null;
            request.BeforeTagging = async (repo, result, ct) =>
            {
                Assert.NotNull(await repo.ResolveAsync(result.Digest, ct));
                Assert.Null(await repo.ResolveAsync(result.Tag, ct));
                seen = result.Digest;
                throw new NetbootException(ErrorIds.SignatureInvalid, FailureKind.InvalidData, "signing failed");
            };
            var e = await Assert.ThrowsAsync<NetbootException>(() => Publish(request));
            Assert.Equal(ErrorIds.SignatureInvalid, e.ErrorId);
            Assert.NotNull(seen);
            using (var repo = new OciLayoutRepository(layout))
                Assert.Empty(await repo.ListTagsAsync(CancellationToken.None));

            int calls = 0;
            request.BeforeTagging = (repo, result, ct) => { calls++; return Task.CompletedTask; };
            Assert.True((await Publish(request)).Changed);
            Assert.False((await Publish(request)).Changed);
            Assert.Equal(2, calls);
            request.WhatIf = true;
            await Publish(request);
            Assert.Equal(2, calls);
        }

        [Fact]
        public async Task Empty_folder_is_rejected_with_its_path()
        {
            Directory.CreateDirectory(_dir.Combine("empty"));
            var e = await Assert.ThrowsAsync<NetbootException>(() => Publish(PublishFixture.Request(_dir.Combine("empty"), "oci:" + _dir.Combine("layout"))));
            Assert.Equal(ErrorIds.PathNotFound, e.ErrorId);
            Assert.Contains(_dir.Combine("empty"), e.Message);
            Assert.False(Directory.Exists(_dir.Combine("layout")));
        }
    }
}
