using System.Collections.Generic;
using System.Linq;
using NetbootOci.Engine.Deploy;

namespace NetbootOci.Engine.Sync
{
    /// <summary>What a sync did to one proxy. Property names are the CLI's JSON keys.</summary>
    public sealed class ProxySyncResult
    {
        public string Proxy { get; set; } = "";
        public string Root { get; set; } = "";
        /// <summary>True when every artifact and link of this proxy is in the desired state.</summary>
        public bool Succeeded => Failures.Count == 0;
        public int ArtifactsChanged { get; set; }
        public int ArtifactsUnchanged { get; set; }
        /// <summary>Artifacts (OS and architecture) that could not be brought to the desired state.</summary>
        public int ArtifactsFailed { get; set; }
        /// <summary>Bytes received from registries for this proxy (shared blobs count for the first proxy that needed them).</summary>
        public long BytesFetched { get; set; }
        public int LinksChanged { get; set; }
        public int LinksUnchanged { get; set; }
        /// <summary>OS entries, links, trees and blobs removed by prune.</summary>
        public int Pruned { get; set; }
        public long BytesFreed { get; set; }
        public List<SaveResult> Artifacts { get; set; } = new List<SaveResult>();
        public List<SyncLinkChange> Links { get; set; } = new List<SyncLinkChange>();
        public List<string> PrunedPaths { get; set; } = new List<string>();
        public List<SyncFailure> Failures { get; set; } = new List<SyncFailure>();

        public override string ToString() =>
            $"{Proxy}: {ArtifactsChanged} changed, {ArtifactsUnchanged} unchanged, {ArtifactsFailed} failed, {BytesFetched} bytes fetched, {LinksChanged} links changed, {Pruned} pruned";
    }

    /// <summary>One link the sync created or replaced.</summary>
    public sealed class SyncLinkChange
    {
        public string LinkPath { get; set; } = "";
        public string Target { get; set; } = "";
        public string? PreviousTarget { get; set; }
    }

    /// <summary>The whole run: one result per proxy.</summary>
    public sealed class SyncResult
    {
        public List<ProxySyncResult> Proxies { get; set; } = new List<ProxySyncResult>();
        public bool Succeeded => Proxies.All(p => p.Succeeded);
        public bool WhatIf { get; set; }
    }
}
