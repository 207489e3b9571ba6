using System.Collections.Generic;
using System.Management.Automation;
using NetbootOci.Engine;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Signing;
using System.Linq;

namespace NetbootOci.Commands
{
    /// <summary>
    /// <para type="synopsis">Deploys netboot artifacts onto a TFTP/HTTP root: verified, deduplicated, switched atomically.</para>
    /// <para type="description">Each file is downloaded once into a content store under the destination, checked against its
    /// digest, and linked into a per-manifest tree; the OS entry (os/version/arch) then switches to it in one step.
    /// A re-sync of unchanged content downloads nothing. See README "Save".</para>
    /// </summary>
    [Cmdlet(VerbsData.Save, "NetbootArtifact", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(SaveResult))]
    public sealed class SaveNetbootArtifactCommand : NetbootCmdletBase
    {
        const string InputObjectSet = "InputObject";
        const string ReferenceSet = "Reference";

        /// <summary><para type="description">Artifacts from Get-NetbootArtifact.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public NetbootArtifact[] InputObject { get; set; } = new NetbootArtifact[0];

        /// <summary><para type="description">A reference (registry/repo:tag or oci:PATH:tag); every artifact it resolves to is saved.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ReferenceSet)]
        public string Reference { get; set; } = "";

        /// <summary><para type="description">The TFTP/HTTP root.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string Destination { get; set; } = "";

        /// <summary><para type="description">Entry path under the root; placeholders {os} {version} {arch} {tag} {digest}. Default {os}/{version}/{arch}.</para></summary>
        [Parameter]
        public string PathTemplate { get; set; } = SaveOptions.DefaultPathTemplate;

        [Parameter]
        [ValidateRange(1, 64)]
        public int Parallelism { get; set; } = 3;

        [Parameter] public SwitchParameter Prune { get; set; }
        [Parameter] public SwitchParameter Verify { get; set; }
        [Parameter] public SwitchParameter Strict { get; set; }
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }
        [Parameter] public SwitchParameter PlainHttp { get; set; }

        /// <summary><para type="description">Trusted cosign public keys: signatures are verified before anything becomes visible.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Key { get; set; }

        /// <summary><para type="description">With -Key: refuse artifacts that carry no signature (otherwise a warning).</para></summary>
        [Parameter] public SwitchParameter RequireSignature { get; set; }

        protected override void ProcessRecord()
        {
            string destination = ResolvePath(Destination);
            var registry = CreateRegistryOptions(Credential, PlainHttp.IsPresent);
            var artifacts = new List<NetbootArtifact>();
            if (ParameterSetName == ReferenceSet)
            {
                try
                {
                    artifacts.AddRange(RunEngine(async (log, ct) =>
                    {
                        var reference = OciReference.Parse(ResolveReference(Reference));
                        registry.Log = log;
                        using (var repo = RepositoryFactory.Open(reference, registry))
                            return await ArtifactDiscovery.DiscoverAsync(repo, reference.TagOrDigest, null, log, ct).ConfigureAwait(false);
                    }));
                }
                catch (NetbootException e)
                {
                    WriteEngineError(e);
                    return;
                }
            }
            else artifacts.AddRange(InputObject);

            foreach (var artifact in artifacts)
            {
                bool whatIf = false;
                if (!ShouldProcess(destination, $"Save {artifact}") && !(whatIf = WhatIfInEffect())) continue;
                // An inventory artifact carries its proxy's path template, keys and signature policy; parameters win.
                bool templateBound = MyInvocation.BoundParameters.ContainsKey(nameof(PathTemplate));
                var options = new SaveOptions
                {
                    Destination = destination, PathTemplate = templateBound ? PathTemplate : artifact.PathTemplate ?? PathTemplate,
                    Parallelism = Parallelism, Prune = Prune.IsPresent, Verify = Verify.IsPresent, Strict = Strict.IsPresent, WhatIf = whatIf,
                };
                RegistryOptions artifactRegistry;
                try
                {
                    ApplySignaturePolicy(options, artifact);
                    artifactRegistry = ParameterSetName == InputObjectSet ? CreateRegistryOptions(artifact, Credential, PlainHttp.IsPresent) : registry;
                }
                catch (NetbootException e)
                {
                    WriteError(ToErrorRecord(e, artifact));
                    continue;
                }
                try
                {
                    var result = RunEngine(async (log, ct) =>
                    {
                        artifactRegistry.Log = log;
                        using (var repo = RepositoryFactory.Open(artifact.Repository.Length > 0 ? artifact.Repository : artifact.Reference, artifactRegistry))
                            return await ArtifactSaver.SaveAsync(repo, artifact, options, log, ct).ConfigureAwait(false);
                    });
                    WriteObject(result);
                }
                catch (NetbootException e)
                {
                    WriteError(ToErrorRecord(e, artifact));
                }
            }
        }

        void ApplySignaturePolicy(SaveOptions options, NetbootArtifact artifact)
        {
            if (Key != null)
            {
                options.SignaturePolicy = VerificationPolicy.FromKeyFiles(Key.Select(ResolvePath));
                options.SignatureRequired = RequireSignature.IsPresent;
            }
            else if (artifact.SignaturePolicy != null || RequireSignature.IsPresent)
                SaveOptions.ApplyInventorySignaturePolicy(options, artifact, RequireSignature.IsPresent);
        }
    }
}
