using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Deploy.Links;

namespace NetbootOci.Engine.Sync
{
    /// <summary>Creates a proxy's aliases and host entries for one saved artifact through the link engine (Set-NetbootLink).</summary>
    internal static class SyncLinks
    {
        public static async Task ApplyAsync(DesiredArtifact item, SaveResult saved, ProxySyncResult summary, bool prune, bool whatIf, IEngineLog log, CancellationToken ct)
        {
            var proxy = item.Proxy;
            if (proxy.Aliases.Count == 0 && item.Hosts.Count == 0 && !prune) return;
            if (whatIf && !Directory.Exists(saved.Path))
            {
                log.Verbose($"What if: {item}: links would be made once '{saved.Path}' is deployed.");
                return;
            }
            var request = Request(item, saved.Destination, saved.Path, prune);
            var results = whatIf
                ? (await LinkEngine.PlanAsync(request, log, ct).ConfigureAwait(false)).Items.Select(i => i.Result).ToList()
                : await LinkEngine.ApplyAsync(request, null, log, ct).ConfigureAwait(false);
            foreach (var r in results)
            {
                if (!r.Changed) { summary.LinksUnchanged++; continue; }
                if (r.Action == LinkAction.Removed)
                {
                    summary.Pruned++;
                    summary.PrunedPaths.Add(r.LinkPath);
                    continue;
                }
                summary.LinksChanged++;
                summary.Links.Add(new SyncLinkChange { LinkPath = r.LinkPath, Target = r.Target ?? "", PreviousTarget = r.PreviousTarget });
            }
        }

        /// <summary>The link request for a desired artifact deployed at <paramref name="entry"/>.</summary>
        public static LinkRequest Request(DesiredArtifact item, string root, string entry, bool prune) => new LinkRequest
        {
            Root = root,
            Entry = entry,
            Os = item.Artifact.Name,
            Version = item.Artifact.Version,
            Architecture = item.Artifact.Architecture,
            Names = item.Proxy.Aliases.ToList(),
            MacAddresses = item.Hosts.Select(h => h.Mac).ToList(),
            HostTemplate = item.Proxy.HostTemplate ?? LinkTemplate.DefaultHostTemplate,
            LinkType = LinkRequest.ParseLinkType(item.Proxy.LinkType),
            Prune = prune,
        };
    }
}
