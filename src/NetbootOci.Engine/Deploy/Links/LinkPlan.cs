using System.Collections.Generic;

namespace NetbootOci.Engine.Deploy.Links
{
    /// <summary>One name and what should happen to it.</summary>
    public sealed class PlannedLink
    {
        internal PlannedLink(LinkResult result, string[] parts) { Result = result; Parts = parts; }

        /// <summary>The name and its planned action (Changed is what applying would do).</summary>
        public LinkResult Result { get; }
        internal string[] Parts { get; }
        /// <summary>Physical file a hard link or copy is made from.</summary>
        internal string? SourcePath { get; set; }
        internal bool TargetIsDirectory { get; set; }
        /// <summary>What the ownership record should say after applying; null leaves the record alone (unmanaged, unchanged).</summary>
        internal ManagedLink? Record { get; set; }
    }

    /// <summary>
    /// Everything Set-NetbootLink would do, computed without touching the root: the names to create, replace,
    /// leave or remove. Applying recomputes it under the root's lock, so a plan is a report, not a promise.
    /// </summary>
    public sealed class LinkPlan
    {
        internal LinkPlan(string root, LinkType linkType, List<PlannedLink> items, OwnershipRecord record)
        {
            Root = root;
            LinkType = linkType;
            Items = items;
            Record = record;
        }

        public string Root { get; }
        public LinkType LinkType { get; }
        public IReadOnlyList<PlannedLink> Items { get; }
        internal OwnershipRecord Record { get; }
    }
}
