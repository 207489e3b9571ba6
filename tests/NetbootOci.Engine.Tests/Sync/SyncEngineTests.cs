using System;
using System.IO;
using System.Linq;
using System.Threading;
using NetbootOci.Engine.Inventory;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Sync;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Sync
{
    public sealed class SyncEngineTests
    {
        static SyncResult Sync(string inventory, bool prune = false, string? proxy = null, bool whatIf = false, IEngineLog? log = null) =>
            SyncEngine.RunAsync(new SyncRequest
            {
                Inventory = InventoryLoader.Load(inventory),
                Prune = prune,
                Proxy = proxy,
                WhatIf = whatIf,
                ConfigureRegistry = o => { o.MaxRetries = 0; o.StallTimeout = TimeSpan.FromSeconds(20); },
            }, log ?? NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();

        static int BlobGets(RegistryServer r) => r.CountRequests("GET", "/blobs/sha256:");

        [Fact]
        public void Two_proxies_from_two_registries_and_a_layout_then_a_second_sync_changes_nothing()
        {
            using var site = new SyncSite();
            string inventory = site.WriteInventory();
            int aBefore = BlobGets(site.A), bBefore = BlobGets(site.B!);

            var first = Sync(inventory);
            Assert.True(first.Succeeded, string.Join("\n", first.Proxies.SelectMany(p => p.Failures)));
            var p1 = first.Proxies.Single(p => p.Proxy == "p1");
            var p2 = first.Proxies.Single(p => p.Proxy == "p2");
            Assert.Equal((3, 0, 0), (p1.ArtifactsChanged, p1.ArtifactsUnchanged, p1.ArtifactsFailed));
            Assert.Equal((2, 0, 0), (p2.ArtifactsChanged, p2.ArtifactsUnchanged, p2.ArtifactsFailed));
            Assert.Equal("kernel-d12", File.ReadAllText(Path.Combine(site.Root("p1"), "debian", "12", "amd64", "vmlinuz")));
            Assert.Equal("kernel-f40", File.ReadAllText(Path.Combine(site.Root("p1"), "fedora", "40", "amd64", "vmlinuz")));
            Assert.Equal("kernel-a320", File.ReadAllText(Path.Combine(site.Root("p1"), "alpine", "3.20", "amd64", "vmlinuz")));
            Assert.Equal("kernel-f40", File.ReadAllText(Path.Combine(site.Root("p2"), "images", "fedora-40", "amd64", "vmlinuz")));
            Assert.Equal("kernel-a320", File.ReadAllText(Path.Combine(site.Root("p2"), "images", "alpine-3.20", "amd64", "vmlinuz")));
            Assert.False(Directory.Exists(Path.Combine(site.Root("p2"), "debian")));
            // Links: p1's alias per file and its host entry (symlinks, the default); p2's alias as hard links.
            Assert.Equal("kernel-d12", File.ReadAllText(Path.Combine(site.Root("p1"), "boot", "debian-12-amd64-vmlinuz")));
            Assert.Equal("kernel-f40", File.ReadAllText(Path.Combine(site.Root("p1"), "boot", "fedora-40-amd64-vmlinuz")));
            Assert.NotNull(Deploy.FileSystemLinks.ReadSymbolicLink(Path.Combine(site.Root("p1"), "boot", "fedora-40-amd64-vmlinuz")));
            Assert.Equal("kernel-d12", File.ReadAllText(Path.Combine(site.Root("p1"), "host-config", "52-54-00-12-34-56", "vmlinuz")));
            string p2Alias = Path.Combine(site.Root("p2"), "latest", "alpine", "amd64", "vmlinuz");
            Assert.Equal("kernel-a320", File.ReadAllText(p2Alias));
            Assert.Null(Deploy.FileSystemLinks.ReadSymbolicLink(p2Alias));
            Assert.True(p1.LinksChanged >= 19, $"p1 links changed: {p1.LinksChanged}"); // 3 OSes x 6 names (4 files, boot, boot-alt) + the host entry
            Assert.Equal(12, p2.LinksChanged); // 2 OSes x 6 names

            // fedora is wanted by both proxies: each of its 4 blobs left registry A once.
            Assert.Equal(4, BlobGets(site.A) - aBefore);
            Assert.Equal(4, BlobGets(site.B!) - bBefore);
            long fedoraBytes = new FileInfo(Path.Combine(site.Root("p1"), "fedora", "40", "amd64", "initrd.img")).Length;
            Assert.True(p1.BytesFetched > fedoraBytes, $"p1 fetched {p1.BytesFetched}");
            // Everything p2 wants (fedora, alpine) p1 wanted too: it came from the run cache, not from a registry,
            // although p2's own store did receive it.
            Assert.Equal(0, p2.BytesFetched);
            Assert.True(p2.Artifacts.All(a => a.BytesDownloaded > 0));

            int aAfterFirst = BlobGets(site.A), bAfterFirst = BlobGets(site.B!);
            var second = Sync(inventory);
            Assert.True(second.Succeeded);
            foreach (var p in second.Proxies)
            {
                Assert.Equal(0, p.ArtifactsChanged);
                Assert.Equal(0, p.ArtifactsFailed);
                Assert.Equal(0, p.BytesFetched);
                Assert.Equal(0, p.LinksChanged);
                Assert.True(p.LinksUnchanged > 0);
                Assert.All(p.Artifacts, a => Assert.False(a.Changed));
            }
            Assert.Equal(3, second.Proxies[0].ArtifactsUnchanged);
            Assert.Equal(aAfterFirst, BlobGets(site.A));
            Assert.Equal(bAfterFirst, BlobGets(site.B!));
        }

        [Fact]
        public void One_registry_down_fails_only_its_operating_systems_and_keeps_what_it_served()
        {
            using var site = new SyncSite();
            string inventory = site.WriteInventory();
            Assert.True(Sync(inventory).Succeeded);
            string debianKernel = Path.Combine(site.Root("p1"), "debian", "12", "amd64", "vmlinuz");

            site.StopB();
            var warnings = new CollectingLog();
            var result = Sync(inventory, prune: true, log: warnings);
            Assert.False(result.Succeeded);
            var p1 = result.Proxies.Single(p => p.Proxy == "p1");
            var p2 = result.Proxies.Single(p => p.Proxy == "p2");
            Assert.True(p2.Succeeded);
            Assert.Equal(2, p2.ArtifactsUnchanged);
            Assert.Equal(1, p1.ArtifactsFailed);
            Assert.Equal(2, p1.ArtifactsUnchanged);
            var failure = Assert.Single(p1.Failures);
            Assert.Equal(("debian-12", "b", "discover"), (failure.OperatingSystem, failure.Registry, failure.Step));
            Assert.Equal(ErrorIds.RegistryUnreachable, failure.ErrorId);
            Assert.Contains(warnings.Warnings, w => w.Contains("Registry 'b'") && w.Contains("debian-12"));
            // Prune ran, but the unreachable OS keeps being served.
            Assert.Equal("kernel-d12", File.ReadAllText(debianKernel));
        }

        [Fact]
        public void Prune_removes_an_operating_system_dropped_from_the_inventory()
        {
            using var site = new SyncSite();
            Assert.True(Sync(site.WriteInventory()).Succeeded);
            string alpine = Path.Combine(site.Root("p2"), "images", "alpine-3.20", "amd64");
            Assert.True(File.Exists(Path.Combine(alpine, "vmlinuz")));

            string smaller = site.WriteInventory("smaller.yaml", p2Alpine: false);
            var dry = Sync(smaller, prune: true, proxy: "p2", whatIf: true);
            Assert.Contains(alpine, dry.Proxies.Single().PrunedPaths);
            Assert.True(File.Exists(Path.Combine(alpine, "vmlinuz")));

            var result = Sync(smaller, prune: true, proxy: "p2");
            var p2 = Assert.Single(result.Proxies);
            Assert.True(p2.Succeeded);
            Assert.False(FileSystemLinksExists(alpine));
            Assert.True(p2.Pruned >= 2, string.Join(", ", p2.PrunedPaths)); // the entry, its tree, its blobs
            Assert.True(p2.BytesFreed > 0);
            Assert.Equal("kernel-f40", File.ReadAllText(Path.Combine(site.Root("p2"), "images", "fedora-40", "amd64", "vmlinuz")));
            // p1 was not selected: still has alpine.
            Assert.True(File.Exists(Path.Combine(site.Root("p1"), "alpine", "3.20", "amd64", "vmlinuz")));
        }

        static bool FileSystemLinksExists(string path) => Deploy.FileSystemLinks.Exists(path);

        [Fact]
        public void Inventory_artifacts_carry_their_proxy_settings_for_the_pipeline_and_name_what_failed()
        {
            using var site = new SyncSite();
            string inventory = site.WriteInventory();
            var (artifacts, failures) = InventoryArtifacts.ResolveAsync(new[] { inventory }, "p1", null, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Empty(failures);
            Assert.Equal(new[] { "fedora", "debian", "alpine" }, artifacts.Select(a => a.Name));
            Assert.All(artifacts, a =>
            {
                Assert.Equal("p1", a.Proxy);
                Assert.Equal(site.Root("p1"), a.Destination);
                Assert.Equal("{os}/{version}/{arch}", a.PathTemplate);
                Assert.Null(a.LinkType);
                Assert.Equal(new[] { "boot/{os}-{version}-{arch}-{file}" }, a.Aliases);
                Assert.Equal("optional", a.SignaturePolicy);
                Assert.Empty(a.Key!);
                Assert.Contains("@sha256:", a.Reference);
            });
            Assert.Equal(new[] { "52:54:00:12:34:56" }, artifacts.Single(a => a.Name == "debian").MacAddress);
            Assert.Empty(artifacts.Single(a => a.Name == "fedora").MacAddress!);
            Assert.Equal(site.Published["fedora"].Digest, artifacts.Single(a => a.Name == "fedora").Digest);

            var (filtered, _) = InventoryArtifacts.ResolveAsync(new[] { inventory }, "p2", new NetbootOci.Engine.Formats.ArtifactFilter { Name = new[] { "alp*" } }, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
            var alpine = Assert.Single(filtered);
            Assert.Equal(("images/{os}-{version}/{arch}", "hardlink"), (alpine.PathTemplate, alpine.LinkType));

            site.StopB();
            var (rest, down) = InventoryArtifacts.ResolveAsync(new[] { inventory }, null, null, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Equal(4, rest.Count); // p1: fedora, alpine; p2: fedora, alpine
            var failure = Assert.Single(down);
            Assert.Equal(("p1", "debian-12", ErrorIds.RegistryUnreachable), (failure.Proxy, failure.OperatingSystem, failure.ErrorId));
        }

        [Fact]
        public void Signature_policy_required_deploys_the_signed_artifact_and_refuses_the_unsigned_one()
        {
            using var site = new SyncSite();
            string key = site.Dir.Combine("cosign.key"), pub = site.Dir.Combine("cosign.pub");
            Tools.Run("openssl", $"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {key}");
            Tools.Run("openssl", $"pkey -in {key} -pubout -out {pub}");
            using (var repo = RepositoryFactory.Open(site.A.Host + "/netboot/fedora", new RegistryOptions { PlainHttp = true }))
            {
                var subject = repo.ResolveAsync(site.Published["fedora"].Digest, CancellationToken.None).GetAwaiter().GetResult()!;
                NetbootOci.Engine.Signing.CosignSigner.SignAsync(repo, subject, site.A.Host + "/netboot/fedora", NetbootOci.Engine.Signing.SigningKey.Load(key),
                    NetbootOci.SignatureFormat.Classic, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
            }
            string inventory = site.WriteInventory();
            File.WriteAllText(inventory, File.ReadAllText(inventory)
                .Replace("    url: http://" + site.A.Host + "/netboot\n", "    url: http://" + site.A.Host + "/netboot\n    keys: [cosign.pub]\n    signaturePolicy: required\n")
                .Replace("    passwordEnv: " + site.PasswordEnv + "\n", "    passwordEnv: " + site.PasswordEnv + "\n    keys: [cosign.pub]\n    signaturePolicy: required\n"));
            Assert.Contains("signaturePolicy: required", File.ReadAllText(inventory));

            var result = Sync(inventory, proxy: "p1");
            var p1 = Assert.Single(result.Proxies);
            Assert.Equal((2, 1), (p1.ArtifactsChanged, p1.ArtifactsFailed));
            var failure = Assert.Single(p1.Failures);
            Assert.Equal(("debian-12", "verify", ErrorIds.SignatureNotFound), (failure.OperatingSystem, failure.Step, failure.ErrorId));
            Assert.True(File.Exists(Path.Combine(site.Root("p1"), "fedora", "40", "amd64", "vmlinuz")));
            Assert.False(Directory.Exists(Path.Combine(site.Root("p1"), "debian")));
        }

        [Fact]
        public void Unknown_proxy_is_an_input_error_before_any_request()
        {
            using var dir = new TempDir();
            string f = Path.Combine(dir.Path, "i.yaml");
            File.WriteAllText(f, "schemaVersion: 1\nproxies:\n  - name: p\n    root: r\n");
            var e = Assert.Throws<NetbootException>(() => Sync(f, proxy: "nope"));
            Assert.Equal(ErrorIds.InvalidArgument, e.ErrorId);
            Assert.Contains("has no proxy 'nope' (it has: p)", e.Message);
        }
    }

    sealed class CollectingLog : IEngineLog
    {
        public readonly System.Collections.Concurrent.ConcurrentQueue<string> Warnings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        public void Verbose(string message) { }
        public void Warning(string message) => Warnings.Enqueue(message);
        public void Progress(TransferProgress progress) { }
    }
}
