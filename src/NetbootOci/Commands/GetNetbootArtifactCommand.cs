using System.Linq;
using System.Management.Automation;
using NetbootOci.Engine;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Sync;

namespace NetbootOci.Commands
{
    /// <summary>
    /// Lists the netboot artifacts of a repository (or one tag, index or digest) in any published format,
    /// one object per OS, version and architecture.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "NetbootArtifact", DefaultParameterSetName = ReferenceSet)]
    [OutputType(typeof(NetbootArtifact))]
    public sealed class GetNetbootArtifactCommand : NetbootCmdletBase
    {
        const string ReferenceSet = "Reference";
        const string InventorySet = "Inventory";

        /// <summary><c>host/repo</c>, <c>host/repo:tag</c>, <c>host/repo@sha256:…</c> or <c>oci:PATH[:tag]</c>. Binds from a NetbootArtifact's Reference.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ReferenceSet)]
        [ValidateNotNullOrEmpty]
        public string[] Reference { get; set; } = new string[0];

        /// <summary>Inventory files (merged): emits each proxy's desired artifacts carrying its root, templates, links, hosts, keys and policy.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InventorySet)]
        [ValidateNotNullOrEmpty]
        public string[] InventoryPath { get; set; } = new string[0];

        /// <summary>Only this proxy of the inventory.</summary>
        [Parameter(ParameterSetName = InventorySet)]
        public string? Proxy { get; set; }

        [Parameter]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        [Parameter]
        [SupportsWildcards]
        public string[]? Version { get; set; }

        /// <summary>OCI or kernel spelling (amd64 or x86_64, arm64 or aarch64).</summary>
        [Parameter]
        [SupportsWildcards]
        public string[]? Architecture { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        public SwitchParameter PlainHttp { get; set; }

        protected override void ProcessRecord()
        {
            var filter = new ArtifactFilter { Name = Name, Version = Version, Architecture = Architecture };
            if (ParameterSetName == InventorySet)
            {
                WriteInventoryArtifacts(filter);
                return;
            }
            foreach (string text in Reference)
            {
                try
                {
                    var reference = OciReference.Parse(ResolveReference(text));
                    var artifacts = RunEngine(async (log, ct) =>
                    {
                        var options = CreateRegistryOptions(Credential, PlainHttp.IsPresent, log);
                        using (var repository = RepositoryFactory.Open(reference.RepositoryOnly(), options))
                            return await ArtifactDiscovery.DiscoverAsync(repository, reference, filter, log, ct).ConfigureAwait(false);
                    });
                    foreach (var artifact in artifacts) WriteObject(artifact);
                }
                catch (NetbootException e)
                {
                    WriteEngineError(e);
                }
            }
        }

        /// <summary>An invalid inventory terminates (nothing can be trusted); an OS that cannot be resolved is one non-terminating error.</summary>
        void WriteInventoryArtifacts(ArtifactFilter filter)
        {
            var paths = InventoryPath.Select(ResolvePath).ToList();
            try
            {
                var (artifacts, failures) = RunEngine((log, ct) => InventoryArtifacts.ResolveAsync(paths, Proxy, filter, log, ct));
                foreach (var failure in failures)
                    WriteEngineError(new NetbootException(failure.ErrorId, ErrorIds.CategoryOf(failure.ErrorId), failure.ToString(), failure.OperatingSystem));
                foreach (var artifact in artifacts) WriteObject(artifact);
            }
            catch (NetbootException e) when (e.ErrorId == ErrorIds.InventoryInvalid || e.Kind == FailureKind.InvalidArgument)
            {
                ThrowTerminatingError(ToErrorRecord(e));
            }
        }
    }
}
