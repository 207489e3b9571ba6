using NetbootOci.Engine.Formats;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// The signature policy an inventory artifact carries (Get-NetbootArtifact -InventoryPath): required (a verified
    /// signature or nothing), optional (a signature that exists must verify; none is a warning), ignore (not checked).
    /// Artifacts without a policy are treated as required.
    /// </summary>
    public static class InventorySignaturePolicy
    {
        public static string Of(NetbootArtifact artifact) => (artifact.SignaturePolicy ?? "required").ToLowerInvariant();

        /// <summary>Null when the artifact's signatures are not to be checked (ignore, or optional without keys).</summary>
        public static VerificationPolicy? PolicyFor(NetbootArtifact artifact)
        {
            string policy = Of(artifact);
            if (policy == "ignore" || artifact.Key == null || artifact.Key.Length == 0)
            {
                if (policy == "required")
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument,
                        $"{artifact}: a signature is required but no trusted key was given (-Key) or carried by the artifact.", artifact.Reference);
                return null;
            }
            return VerificationPolicy.FromKeyFiles(artifact.Key, artifact.RekorKey);
        }

        public static bool IsRequired(NetbootArtifact artifact) => Of(artifact) == "required";

        /// <summary>Whether a verification result lets the artifact through under its policy.</summary>
        public static bool Accepts(NetbootArtifact artifact, SignatureResult result) =>
            result.AcceptedWhen(signatureRequired: Of(artifact) != "optional");
    }
}
