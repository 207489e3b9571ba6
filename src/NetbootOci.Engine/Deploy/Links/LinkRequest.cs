using System;
using System.Linq;
using System.Collections.Generic;

namespace NetbootOci.Engine.Deploy.Links
{
    /// <summary>What Set-NetbootLink should make true for one deployed OS entry.</summary>
    public sealed class LinkRequest
    {
        /// <summary>The TFTP/HTTP root; every name is created under it and every link resolves inside it.</summary>
        public string Root { get; set; } = "";
        /// <summary>The OS entry Save deployed (ROOT/os/version/arch); links point at names under it.</summary>
        public string Entry { get; set; } = "";
        /// <summary>OS name, version and architecture for templates; when null they are taken from the entry path (…/os/version/arch).</summary>
        public string? Os { get; set; }
        public string? Version { get; set; }
        public string? Architecture { get; set; }
        /// <summary>OS alias templates, e.g. <c>boot/{os}-{version}-{arch}-{file}</c> or <c>{os}/latest/{arch}</c>.</summary>
        public List<string> Names { get; set; } = new List<string>();
        /// <summary>Only these files of the entry (default: every file).</summary>
        public List<string> Files { get; set; } = new List<string>();
        /// <summary>Hosts to create entries for, in any common notation.</summary>
        public List<string> MacAddresses { get; set; } = new List<string>();
        /// <summary>Where a host entry goes; must contain {mac}.</summary>
        public string HostTemplate { get; set; } = LinkTemplate.DefaultHostTemplate;
        /// <summary>Null: symlink on Linux/macOS, hardlink on Windows.</summary>
        public LinkType? LinkType { get; set; }
        /// <summary>Remove managed names of this OS (name and architecture) and of these hosts that this request does not produce.</summary>
        public bool Prune { get; set; }
        /// <summary>Replace (and adopt) names this module did not create.</summary>
        public bool Force { get; set; }
        /// <summary>
        /// What the OS entry will hold once Save has deployed it (its files and entry-point links). Set only to plan
        /// under -WhatIf after a Save -WhatIf, when the entry does not exist yet; a real run always reads the entry.
        /// </summary>
        public List<string>? PlannedFiles { get; set; }

        /// <summary>The names a Save result's entry holds: its files, then the entry-point links Save makes.</summary>
        public static List<string> EntryNames(SaveResult saved)
        {
            var names = new List<string>(saved.Files);
            if (saved.EntryPoint != null) names.Add("boot");
            if (saved.AltEntryPoint != null) names.Add("boot-alt");
            if (saved.LegacyEntryPoint != null) names.Add("boot-legacy");
            names.Sort(StringComparer.Ordinal); // the order a deployed entry is read in
            return names;
        }

        /// <summary>A request for what Save deployed: its root, OS entry, name, version and architecture.</summary>
        public static LinkRequest For(SaveResult saved) => new LinkRequest
        {
            Root = saved.Destination,
            Entry = saved.Path,
            Os = string.IsNullOrEmpty(saved.Name) ? null : saved.Name,
            Version = string.IsNullOrEmpty(saved.Version) ? null : saved.Version,
            Architecture = string.IsNullOrEmpty(saved.Architecture) ? null : saved.Architecture,
            Names = saved.Aliases?.ToList() ?? new List<string>(),
            MacAddresses = saved.MacAddress?.ToList() ?? new List<string>(),
            HostTemplate = saved.HostTemplate ?? LinkTemplate.DefaultHostTemplate,
            LinkType = ParseLinkType(saved.LinkType),
        };

        /// <summary>"symlink", "hardlink" or "copy" (any case); null for the platform default.</summary>
        public static LinkType? ParseLinkType(string? text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            if (Enum.TryParse(text, true, out LinkType type) && Enum.IsDefined(typeof(LinkType), type)) return type;
            throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, $"Unknown link type '{text}': use symlink, hardlink or copy.", text);
        }
    }
}
