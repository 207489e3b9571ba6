using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Inventory;

namespace NetbootOci.Engine.Sync
{
    /// <summary>
    /// Get-NetbootArtifact -InventoryPath: the desired artifacts of a site as pipeline objects carrying their
    /// proxy's settings, plus what could not be resolved (each a failure, the rest still returned).
    /// </summary>
    public static class InventoryArtifacts
    {
        public static async Task<(IReadOnlyList<NetbootArtifact> Artifacts, IReadOnlyList<SyncFailure> Failures)> ResolveAsync(
            IEnumerable<string> inventoryPaths, string? proxy, ArtifactFilter? filter, IEngineLog log, CancellationToken ct)
        {
            var inventory = InventoryLoader.Load(inventoryPaths);
            using (var connections = new RegistryConnections(log))
            {
                var state = await DesiredStatePlanner.PlanAsync(inventory, proxy, connections, log, ct).ConfigureAwait(false);
                var artifacts = state.Artifacts.Where(d => filter == null || filter.Matches(d.Artifact)).Select(ToPipeline).ToList();
                return (artifacts, state.Failures);
            }
        }

        /// <summary>A copy of the artifact with the proxy's root, templates, link settings, hosts, keys, policy and registry settings.</summary>
        public static NetbootArtifact ToPipeline(DesiredArtifact d)
        {
            var copy = DesiredStatePlanner.Copy(d.Artifact);
            copy.Proxy = d.Proxy.Name;
            copy.Destination = d.Proxy.Root;
            copy.PathTemplate = d.Proxy.PathTemplate;
            copy.LinkType = d.Proxy.LinkType;
            copy.Aliases = d.Proxy.Aliases.ToArray();
            copy.MacAddress = d.Hosts.Select(h => h.Mac).ToArray();
            copy.HostTemplate = d.Proxy.HostTemplate;
            copy.Key = d.SignaturePolicy == SignaturePolicy.Ignore ? new string[0] : d.Keys.ToArray();
            copy.RekorKey = d.RekorKey == null ? new string[0] : new[] { d.RekorKey };
            copy.SignaturePolicy = d.SignaturePolicy.ToString().ToLowerInvariant();
            copy.Registry = RegistryConnections.Describe(d.Registry);
            return copy;
        }
    }
}
