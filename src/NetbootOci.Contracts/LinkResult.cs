namespace NetbootOci
{
    /// <summary>One managed name after (or, in a plan, before) Set-NetbootLink. Property names are the CLI's JSON keys.</summary>
    public sealed class LinkResult
    {
        /// <summary>Full path of the name the boot server serves.</summary>
        public string LinkPath { get; set; } = "";
        /// <summary>The same name relative to the root, with '/' separators (what a client requests).</summary>
        public string Name { get; set; } = "";
        /// <summary>Full path of what the name now serves (a name under the OS entry); null when removed.</summary>
        public string? Target { get; set; }
        /// <summary>Full path of what the name served before, or null when it did not exist or was not ours to know.</summary>
        public string? PreviousTarget { get; set; }
        /// <summary>For symbolic links: the relative text stored in the link.</summary>
        public string? SymlinkText { get; set; }
        public LinkType LinkType { get; set; }
        public LinkAction Action { get; set; }
        public bool Changed { get; set; }
        /// <summary>The host (aa-bb-cc-dd-ee-ff) for host entries, else null.</summary>
        public string? MacAddress { get; set; }
        /// <summary>The root the name lives in.</summary>
        public string Root { get; set; } = "";

        public override string ToString() => $"{Action} {Name} -> {Target ?? PreviousTarget}";
    }
}
