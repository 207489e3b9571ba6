using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetbootOci.Engine;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Deploy.Links;

namespace NetbootOci.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates OS aliases and per-host entries as links into what Save deployed.</para>
    /// <para type="description">Names come from templates ({os}, {version}, {arch}, {file}; {mac} for hosts). Links are
    /// relative symbolic links that resolve inside the root (default on Linux), hard links (default on Windows)
    /// or copies; each is replaced atomically. Only names this module created are replaced or pruned without -Force.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "NetbootLink", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InputSet)]
    [OutputType(typeof(LinkResult))]
    public sealed class SetNetbootLinkCommand : NetbootCmdletBase
    {
        const string PathSet = "Path";
        const string InputSet = "InputObject";

        /// <summary>A Save result (Save-NetbootArtifact's output).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        public SaveResult? InputObject { get; set; }

        /// <summary>The TFTP/HTTP root Save deployed into.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [Alias("Root")]
        public string Destination { get; set; } = "";

        /// <summary>The deployed OS entry (ROOT/os/version/arch).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        public string Path { get; set; } = "";

        /// <summary>OS alias templates, e.g. 'boot/{os}-{version}-{arch}-{file}' or '{os}/latest/{arch}'.</summary>
        [Parameter]
        public string[] Name { get; set; } = new string[0];

        /// <summary>Link only these files of the entry (default: all).</summary>
        [Parameter]
        public string[] File { get; set; } = new string[0];

        /// <summary>Hosts to create entries for (aa:bb:cc:dd:ee:ff, AA-BB-…, aabb.ccdd.eeff, aabbccddeeff).</summary>
        [Parameter]
        [Alias("Mac")]
        public string[] MacAddress { get; set; } = new string[0];

        /// <summary>Where host entries go; must contain {mac}. Default 'host-config/{mac}/'.</summary>
        [Parameter]
        public string HostTemplate { get; set; } = LinkTemplate.DefaultHostTemplate;

        /// <summary>Symlink (default on Linux), Hardlink (default on Windows) or Copy.</summary>
        [Parameter]
        public LinkType LinkType { get; set; }

        /// <summary>Remove managed names of this OS (name and architecture) and of these hosts that this call does not produce.</summary>
        [Parameter]
        public SwitchParameter Prune { get; set; }

        /// <summary>Replace (and take over) names this module did not create.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            LinkRequest request;
            try
            {
                request = BuildRequest();
            }
            catch (NetbootException e)
            {
                WriteEngineError(e);
                return;
            }
            // After Save -WhatIf nothing is deployed yet: plan from what Save would deploy, so -WhatIf describes the
            // whole change (a scheduled sync or Ansible check mode on a new OS), never touching the root.
            if (InputObject != null && WhatIfInEffect()) request.PlannedFiles = LinkRequest.EntryNames(InputObject);
            bool fromInventory = InputObject != null && (InputObject.Aliases != null || InputObject.MacAddress != null);
            if (fromInventory && request.Names.Count == 0 && request.MacAddresses.Count == 0 && !request.Prune)
            {
                // A piped Save result whose inventory asks for no aliases or hosts: nothing to do, not an error.
                // (Any other Save result without -Name/-MacAddress is the engine's "Nothing to link".)
                WriteVerbose($"{InputObject!.Path}: no aliases or hosts to link.");
                return;
            }
            try
            {
                var plan = RunEngine((log, ct) => LinkEngine.PlanAsync(request, log, ct));
                var approved = new HashSet<string>();
                foreach (var item in plan.Items.Where(i => i.Result.Changed))
                {
                    var r = item.Result;
                    string what = r.Action == LinkAction.Removed ? $"Remove {r.LinkType.ToString().ToLowerInvariant()}" : $"{r.Action} {r.LinkType.ToString().ToLowerInvariant()} to '{r.Target}'";
                    if (ShouldProcess(r.LinkPath, what)) approved.Add(Key(r));
                }
                if (WhatIfInEffect())
                {
                    // The same objects a real run returns, describing what would change; nothing is touched,
                    // not even the ownership record.
                    foreach (var item in plan.Items) WriteObject(item.Result);
                    return;
                }
                if (approved.Count == 0 && plan.Items.Any(i => i.Result.Changed))
                {
                    // -Confirm answered No to every change: the root stays exactly as it was (not even the lock
                    // file); only the names already right are reported, as a real run would.
                    foreach (var item in plan.Items.Where(i => !i.Result.Changed)) WriteObject(item.Result);
                    return;
                }
                var results = RunEngine((log, ct) => LinkEngine.ApplyAsync(request, r => approved.Contains(Key(r)), log, ct));
                foreach (var r in results) WriteObject(r);
            }
            catch (NetbootException e)
            {
                WriteEngineError(e);
            }
        }

        LinkRequest BuildRequest()
        {
            var request = InputObject != null ? LinkRequest.For(InputObject) : new LinkRequest { Root = Destination, Entry = Path };
            request.Root = ResolvePath(request.Root);
            request.Entry = ResolvePath(request.Entry);
            // A Save result from an inventory already carries its proxy's aliases, hosts and link type; parameters win.
            var bound = MyInvocation.BoundParameters;
            if (InputObject == null || bound.ContainsKey(nameof(Name))) request.Names = Name.ToList();
            if (InputObject == null || bound.ContainsKey(nameof(MacAddress))) request.MacAddresses = MacAddress.ToList();
            if (InputObject == null || bound.ContainsKey(nameof(HostTemplate))) request.HostTemplate = HostTemplate;
            if (InputObject == null || bound.ContainsKey(nameof(LinkType))) request.LinkType = bound.ContainsKey(nameof(LinkType)) ? LinkType : (LinkType?)null;
            request.Files = File.ToList();
            request.Prune = Prune.IsPresent;
            request.Force = Force.IsPresent;
            return request;
        }


        static string Key(LinkResult r) => r.Action + "\n" + r.Name;
    }
}
