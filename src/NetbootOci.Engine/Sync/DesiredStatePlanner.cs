using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Inventory;

namespace NetbootOci.Engine.Sync
{
    /// <summary>
    /// Resolves what each proxy should serve: discovers every repository the selected proxies need exactly once
    /// (however many proxies and OSes share it), then picks each OS's artifact per architecture. A repository
    /// that cannot be reached fails only the OSes that come from it.
    /// </summary>
    public static class DesiredStatePlanner
    {
        public static async Task<DesiredState> PlanAsync(SiteInventory inventory, string? proxyName, RegistryConnections connections,
            IEngineLog log, CancellationToken cancellationToken)
        {
            var state = new DesiredState();
            state.Proxies.AddRange(SelectProxies(inventory, proxyName));

            // Which OSes are needed at all, grouped by the one discovery call that serves them.
            var needed = state.Proxies.SelectMany(p => p.OperatingSystems).Distinct().Select(id => inventory.OperatingSystem(id)!).ToList();
            var sources = needed.GroupBy(os => SourceKey(inventory, os)).ToList();
            var found = new Dictionary<string, IReadOnlyList<NetbootArtifact>>();
            var broken = new Dictionary<string, NetbootException>();
            foreach (var source in sources)
            {
                var first = source.First();
                var registry = inventory.Registry(first.Registry)!;
                string? tagOrDigest = first.Digest ?? first.Tag;
                bool pinned = tagOrDigest != null;
                var filter = new ArtifactFilter
                {
                    Name = pinned ? null : source.Select(o => o.Name).Distinct().ToArray(),
                    Version = pinned ? null : source.Select(o => o.Version).Distinct().ToArray(),
                    Architecture = source.SelectMany(o => o.Architectures).Distinct().ToArray(),
                };
                string where = RegistryConnections.RepositoryName(registry, first) + (tagOrDigest == null ? "" : (tagOrDigest.Contains(":") ? "@" : ":") + tagOrDigest);
                try
                {
                    log.Verbose($"Discovering {where} for {string.Join(", ", source.Select(o => o.Id))}.");
                    var repo = connections.Open(registry, first);
                    found[source.Key] = await ArtifactDiscovery.DiscoverAsync(repo, tagOrDigest, filter, log, cancellationToken).ConfigureAwait(false);
                }
                catch (NetbootException e)
                {
                    log.Warning($"Registry '{registry.Name}' ({where}) failed: {e.ErrorId}: {e.Message} Its operating systems ({string.Join(", ", source.Select(o => o.Id))}) are skipped; the others are synced.");
                    broken[source.Key] = e;
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    log.Warning($"Registry '{registry.Name}' ({where}) failed: {e.Message}");
                    broken[source.Key] = new NetbootException(ErrorIds.RegistryError, FailureKind.ConnectionError, $"{where}: {e.Message}", where, e);
                }
            }

            foreach (var proxy in state.Proxies)
            {
                foreach (string id in proxy.OperatingSystems)
                {
                    var os = inventory.OperatingSystem(id)!;
                    var registry = inventory.Registry(os.Registry)!;
                    string key = SourceKey(inventory, os);
                    if (broken.TryGetValue(key, out var error))
                    {
                        state.Failures.Add(new SyncFailure { Proxy = proxy.Name, OperatingSystem = id, Registry = registry.Name, Step = "discover", ErrorId = error.ErrorId, Message = error.Message });
                        continue;
                    }
                    foreach (string arch in os.Architectures)
                    {
                        var artifact = Pick(found[key], os, arch, pinned: os.Digest != null || os.Tag != null);
                        if (artifact == null)
                        {
                            string seen = found[key].Count == 0 ? "none" : string.Join(", ", found[key].Select(a => $"{a.Name} {a.Version} {a.Architecture}"));
                            state.Failures.Add(new SyncFailure
                            {
                                Proxy = proxy.Name, OperatingSystem = id, Architecture = arch, Registry = registry.Name, Step = "discover", ErrorId = ErrorIds.ManifestNotFound,
                                Message = $"No {os.Name} {os.Version} {arch} artifact in {RegistryConnections.RepositoryName(registry, os)}{At(os)} (found: {seen}).",
                            });
                            continue;
                        }
                        state.Artifacts.Add(new DesiredArtifact
                        {
                            Proxy = proxy,
                            OperatingSystem = os,
                            Registry = registry,
                            Artifact = artifact,
                            SignaturePolicy = os.SignaturePolicy ?? registry.SignaturePolicy,
                            Keys = os.Keys.Count > 0 ? os.Keys.ToList() : registry.Keys.ToList(),
                            RekorKey = os.RekorKey ?? registry.RekorKey,
                            Hosts = proxy.Hosts.Where(h => h.OperatingSystem == id && h.Architecture == arch).ToList(),
                        });
                    }
                }
            }
            return state;
        }

        public static IEnumerable<ProxyEntry> SelectProxies(SiteInventory inventory, string? proxyName)
        {
            if (proxyName == null) return inventory.Proxies;
            var proxy = inventory.Proxy(proxyName);
            if (proxy == null)
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument,
                    $"The inventory has no proxy '{proxyName}' (it has: {string.Join(", ", inventory.Proxies.Select(p => p.Name))}).", proxyName);
            return new[] { proxy };
        }

        static string At(OperatingSystemEntry os) => (os.Digest ?? os.Tag) is string t ? " at " + t : "";

        static string SourceKey(SiteInventory inventory, OperatingSystemEntry os) =>
            RegistryConnections.RepositoryName(inventory.Registry(os.Registry)!, os) + "|" + (os.Digest ?? os.Tag ?? "*");

        /// <summary>
        /// A pinned tag or digest names the artifact: only the architecture must match, and the inventory's name and
        /// version label it (a publisher's metadata may spell them differently). Otherwise name and version select it.
        /// </summary>
        static NetbootArtifact? Pick(IReadOnlyList<NetbootArtifact> artifacts, OperatingSystemEntry os, string arch, bool pinned)
        {
            bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
            var byArch = artifacts.Where(a => a.Architecture == arch).ToList();
            var exact = byArch.FirstOrDefault(a => Same(a.Name, os.Name) && Same(a.Version, os.Version));
            if (exact != null || !pinned) return exact == null ? null : Clone(exact, os);
            return byArch.Count == 1 ? Clone(byArch[0], os) : null;
        }

        /// <summary>A copy labelled with the inventory's name and version, so paths and aliases follow the inventory.</summary>
        static NetbootArtifact Clone(NetbootArtifact a, OperatingSystemEntry os)
        {
            var copy = Copy(a);
            copy.Name = os.Name;
            copy.Version = os.Version;
            return copy;
        }

        /// <summary>A copy of the registry-derived properties (the file list is shared: it is not modified).</summary>
        internal static NetbootArtifact Copy(NetbootArtifact a) => new NetbootArtifact
        {
            Name = a.Name, Version = a.Version, Architecture = a.Architecture, Reference = a.Reference, Repository = a.Repository,
            Tag = a.Tag, Digest = a.Digest, IndexDigest = a.IndexDigest, Format = a.Format, Files = a.Files, EntryPoint = a.EntryPoint,
            AltEntryPoint = a.AltEntryPoint, LegacyEntryPoint = a.LegacyEntryPoint, Annotations = a.Annotations, Size = a.Size,
        };
    }
}
