using System;
using NetbootOci.Engine.Inventory;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Sync
{
    /// <summary>What <see cref="SyncEngine"/> should make so.</summary>
    public sealed class SyncRequest
    {
        public SiteInventory Inventory { get; set; } = null!;
        /// <summary>Only this proxy; null: all.</summary>
        public string? Proxy { get; set; }
        /// <summary>Remove OS entries, links and store content the inventory no longer wants.</summary>
        public bool Prune { get; set; }
        /// <summary>Report what would change; touch nothing.</summary>
        public bool WhatIf { get; set; }
        /// <summary>Refuse suspicious content (HTML pages, implausibly small boot files) instead of warning.</summary>
        public bool Strict { get; set; }
        /// <summary>Blobs downloaded at once per artifact.</summary>
        public int Parallelism { get; set; } = 3;
        /// <summary>Where blobs several proxies share are kept during the run (a fresh subdirectory, removed afterwards); default: the temp directory.</summary>
        public string? CacheDirectory { get; set; }
        /// <summary>Environment lookup for credentials; the process environment when null.</summary>
        public Func<string, string?>? Environment { get; set; }
        /// <summary>Adjusts transport options for every registry (timeouts, retries).</summary>
        public Action<RegistryOptions>? ConfigureRegistry { get; set; }
    }
}
