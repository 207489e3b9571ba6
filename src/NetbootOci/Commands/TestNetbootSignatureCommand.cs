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
    /// offline. Returns $true/$false; -Detailed returns the SignatureResult; -PassThru passes on only verified artifacts.
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
            SignatureResult result;
            // An inventory artifact brings its own keys and policy (ignore, optional, required) when -Key is not given.
            bool fromInventory = ParameterSetName == ArtifactSet && Key == null;
            VerificationPolicy? policy = _policy;
            if (fromInventory)
            {
                try { policy = InventorySignaturePolicy.PolicyFor(InputObject); }
                catch (NetbootException e) { WriteEngineError(e); return; }
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
            try
            {
                if (ParameterSetName == ArtifactSet)
                {
                    // An inventory artifact connects with its registry's settings (plain HTTP, credential variables).
                    var options = InputObject.Registry != null ? CreateRegistryOptions(InputObject, Credential, PlainHttp) : _options!;
                    result = RunEngine((log, ct) => { options.Log = log; return SignatureVerifier.VerifyArtifactAsync(InputObject, policy!, options, log, ct); });
                }
                else
                {
                    string reference = Digest == null ? Reference : OciReference.Parse(Reference).WithDigest(Digest).ToString();
                    result = RunEngine((log, ct) => { _options!.Log = log; return SignatureVerifier.VerifyReferenceAsync(ResolveReference(reference), policy!, _options, log, ct); });
                }
            }
            catch (NetbootException e)
            {
                WriteEngineError(e);
                return;
            }

            if (!result.Verified) WriteVerbose($"Not verified: {result.Reason}");
            if (PassThru)
            {
                bool accepted = fromInventory ? InventorySignaturePolicy.Accepts(InputObject, result) : result.Verified;
                if (accepted && !result.Verified) WriteWarning($"{result.Reference} is not signed; passed on because its signaturePolicy is optional.");
                if (accepted) WriteObject(ParameterSetName == ArtifactSet ? InputObject : (object)result);
                else WriteEngineError(new NetbootException(result.ErrorId ?? ErrorIds.SignatureInvalid, FailureKind.SecurityError,
                    $"{result.Reference} is not passed on: {result.Reason}", result.Reference));
            }
            else if (Detailed) WriteObject(result);
            else WriteObject(result.Verified);
        }
    }
}
