using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetbootOci.Engine;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Signing;

namespace NetbootOci.Commands
{
    /// <summary>
    /// Verifies cosign signatures (classic .sig and Sigstore bundle referrers) of artifacts with trusted public keys,
    /// offline. Returns one $true/$false per artifact or reference (an index reference: every platform manifest it lists);
    /// -Detailed returns a SignatureResult per manifest; -PassThru passes on only accepted artifacts and reports each refused
    /// one as a non-terminating error with its id.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "NetbootSignature", DefaultParameterSetName = ArtifactSet)]
    [OutputType(typeof(bool), typeof(SignatureResult), typeof(NetbootArtifact))]
    public sealed class TestNetbootSignatureCommand : NetbootCmdletBase
    {
        const string ArtifactSet = "Artifact";
        const string ReferenceSet = "Reference";
        VerificationPolicy? _policy;
        RegistryOptions? _options;

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ArtifactSet)]
        public NetbootArtifact InputObject { get; set; } = null!;

        /// <summary>A reference (<c>registry/repo:tag</c>, <c>…@sha256:…</c>, <c>oci:PATH:tag</c>).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ReferenceSet)]
        public string Reference { get; set; } = "";

        /// <summary>The digest to verify (overrides what the reference resolves to).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ReferenceSet)]
        public string? Digest { get; set; }

        /// <summary>
        /// Trusted public key files (cosign.pub); a signature by any one of them suffices. Optional for artifacts
        /// from an inventory, which carry their keys and signature policy.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Key { get; set; }

        /// <summary>Rekor public key files, to check signed entry timestamps offline.</summary>
        [Parameter]
        public string[]? RekorKey { get; set; }

        [Parameter] public SwitchParameter RequireTransparencyLog { get; set; }

        /// <summary>The signed docker-reference must name the artifact's repository.</summary>
        [Parameter] public SwitchParameter CheckReference { get; set; }

        /// <summary>The <c>registry/repository</c> expected with -CheckReference (default: the artifact's own).</summary>
        [Parameter] public string? ExpectedReference { get; set; }

        /// <summary>Repository holding the signatures (like cosign's COSIGN_REPOSITORY).</summary>
        [Parameter] public string? SignatureRepository { get; set; }

        [Parameter] public SwitchParameter Detailed { get; set; }
        [Parameter] public SwitchParameter PassThru { get; set; }
        [Parameter, Credential] public PSCredential? Credential { get; set; }
        [Parameter] public SwitchParameter PlainHttp { get; set; }

        protected override void BeginProcessing()
        {
            if (Key == null && ParameterSetName == ReferenceSet)
                ThrowTerminatingError(ToErrorRecord(new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument,
                    "Test-NetbootSignature -Reference needs -Key (trusted public key files).")));
            if (Key != null) _policy = Policy(Key, RekorKey);
            _options = CreateRegistryOptions(Credential, PlainHttp);
        }

        VerificationPolicy? Policy(string[] keys, string[]? rekorKeys)
        {
            try
            {
                var policy = VerificationPolicy.FromKeyFiles(keys.Select(ResolvePath), rekorKeys?.Select(ResolvePath));
                policy.RequireTransparencyLog = RequireTransparencyLog;
                policy.CheckReference = CheckReference;
                policy.ExpectedReference = ExpectedReference;
                policy.SignatureRepository = SignatureRepository;
                policy.Validate();
                return policy;
            }
            catch (NetbootException e)
            {
                ThrowTerminatingError(ToErrorRecord(e));
                return null;
            }
        }

        protected override void ProcessRecord()
        {
            // An inventory artifact brings its own keys and policy (ignore, optional, required) when -Key is not given.
            bool fromInventory = ParameterSetName == ArtifactSet && Key == null;
            VerificationPolicy? policy = _policy;
            if (fromInventory)
            {
                try { policy = InventorySignaturePolicy.PolicyFor(InputObject); }
                catch (NetbootException e) { WriteError(ToErrorRecord(e, InputObject)); return; }
                if (policy == null)
                {
                    string reason = "not checked: signaturePolicy " + InventorySignaturePolicy.Of(InputObject);
                    WriteVerbose($"{InputObject}: {reason}.");
                    if (PassThru) WriteObject(InputObject);
                    else if (Detailed) WriteObject(new SignatureResult { Reference = InputObject.Reference, Digest = InputObject.Digest, Reason = reason });
                    else WriteObject(false);
                    return;
                }
            }
            IReadOnlyList<SignatureResult> results;
            try
            {
                if (ParameterSetName == ArtifactSet)
                {
                    // An inventory artifact connects with its registry's settings (plain HTTP, credential variables).
                    var options = InputObject.Registry != null ? CreateRegistryOptions(InputObject, Credential, PlainHttp) : _options!;
                    results = new[] { RunEngine((log, ct) => { options.Log = log; return SignatureVerifier.VerifyArtifactAsync(InputObject, policy!, options, log, ct); }) };
                }
                else
                {
                    // An index reference is verified as the platform manifests it lists (what Publish and cosign sign).
                    string reference = Digest == null ? Reference : OciReference.Parse(Reference).WithDigest(Digest).ToString();
                    results = RunEngine((log, ct) => { _options!.Log = log; return SignatureVerifier.VerifyReferenceManifestsAsync(ResolveReference(reference), policy!, _options, log, ct); });
                }
            }
            catch (NetbootException e)
            {
                WriteError(ParameterSetName == ArtifactSet ? ToErrorRecord(e, InputObject) : ToErrorRecord(e));
                return;
            }

            foreach (var result in results)
                if (!result.Verified) WriteVerbose($"Not verified: {result.Reference}: {result.Reason}");
            if (PassThru)
            {
                // Only accepted artifacts go on. A refused one is a non-terminating error with its id, naming the
                // artifact, so -ErrorVariable and a scheduled sync's exit code see what the next cmdlet never will
                // (as `netboot-oci sync` exits 1); an unsigned one accepted by signaturePolicy optional is a warning.
                foreach (var result in results)
                {
                    bool accepted = fromInventory ? InventorySignaturePolicy.Accepts(InputObject, result) : result.Verified;
                    string who = ParameterSetName == ArtifactSet ? InputObject.ToString() : result.Reference;
                    if (accepted && !result.Verified) WriteWarning($"{who} is not signed; passed on because its signaturePolicy is optional.");
                    if (accepted) WriteObject(ParameterSetName == ArtifactSet ? InputObject : (object)result);
                    else WriteError(ParameterSetName == ArtifactSet ? ToErrorRecord(result.Refusal(), InputObject) : ToErrorRecord(result.Refusal()));
                }
            }
            else if (Detailed) foreach (var result in results) WriteObject(result);
            // One answer per artifact or reference: an index is True only when every platform manifest verifies.
            else WriteObject(results.Count > 0 && results.All(r => r.Verified));
        }
    }
}
