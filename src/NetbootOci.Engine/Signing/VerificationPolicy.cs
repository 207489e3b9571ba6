using System.Collections.Generic;
using System.Linq;

namespace NetbootOci.Engine.Signing
{
    /// <summary>What a signature must satisfy to count.</summary>
    public sealed class VerificationPolicy
    {
        /// <summary>Trusted public keys; a signature by any one of them suffices.</summary>
        public List<VerificationKey> TrustedKeys { get; set; } = new List<VerificationKey>();
        /// <summary>Rekor public keys for checking signed entry timestamps offline (selected by log id).</summary>
        public List<VerificationKey> RekorKeys { get; set; } = new List<VerificationKey>();
        /// <summary>Only signatures with a verified Rekor entry count.</summary>
        public bool RequireTransparencyLog { get; set; }
        /// <summary>The signed docker-reference (bundle: subject name) must name <see cref="ExpectedReference"/> (repository compared, tag ignored).</summary>
        public bool CheckReference { get; set; }
        /// <summary><c>registry/repository</c> expected with <see cref="CheckReference"/>; defaults to the artifact's repository.</summary>
        public string? ExpectedReference { get; set; }
        /// <summary>Repository holding the signatures instead of the artifact's own (cosign's COSIGN_REPOSITORY).</summary>
        public string? SignatureRepository { get; set; }
        /// <summary>At most this many signature layers and referrers are examined (cosign: 1000 layers).</summary>
        public int MaxSignatures { get; set; } = 1000;
        /// <summary>Largest payload or bundle blob read (they are a few hundred bytes; this bounds a hostile registry).</summary>
        public long MaxPayloadBytes { get; set; } = 4 << 20;

        /// <summary>A policy from key files (PEM), as the cmdlet and the CLI take them.</summary>
        public static VerificationPolicy FromKeyFiles(IEnumerable<string> keyFiles, IEnumerable<string>? rekorKeyFiles = null)
        {
            var policy = new VerificationPolicy();
            policy.TrustedKeys.AddRange(keyFiles.Select(VerificationKey.Load));
            if (rekorKeyFiles != null) policy.RekorKeys.AddRange(rekorKeyFiles.Select(VerificationKey.Load));
            return policy;
        }

        /// <summary>Refuses policies that can never verify anything.</summary>
        public void Validate()
        {
            if (TrustedKeys.Count == 0)
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "Signature verification needs at least one trusted public key.");
            if (RequireTransparencyLog && RekorKeys.Count == 0)
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "Requiring the transparency log needs a Rekor public key to check entries with.");
        }
    }
}
