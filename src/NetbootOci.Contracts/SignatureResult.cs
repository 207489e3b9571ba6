using System;
using System.Collections.Generic;
using System.Linq;

namespace NetbootOci
{
    /// <summary>Where a signature was stored.</summary>
    public enum SignatureKind
    {
        /// <summary>A simple-signing layer of the <c>sha256-&lt;hex&gt;.sig</c> manifest (cosign before v3, nboci, containers/image).</summary>
        Classic,
        /// <summary>A Sigstore bundle v0.3 referrer holding a DSSE in-toto statement (cosign v3's default).</summary>
        BundleDsse,
        /// <summary>A Sigstore bundle v0.3 referrer holding a message signature over the manifest.</summary>
        BundleMessage,
    }

    /// <summary>What the transparency log says about one signature.</summary>
    public enum TransparencyLogStatus
    {
        /// <summary>The signature carries no Rekor entry.</summary>
        None,
        /// <summary>It carries one, but no Rekor public key was given to check it.</summary>
        NotChecked,
        /// <summary>The signed entry timestamp verifies with a trusted Rekor key and the entry describes this signature.</summary>
        Verified,
        /// <summary>The entry does not verify or describes another signature.</summary>
        Invalid,
    }

    /// <summary>One signature examined (valid or not).</summary>
    public sealed class SignatureInfo
    {
        public SignatureKind Kind { get; set; }
        public bool Verified { get; set; }
        /// <summary>Hex SHA-256 of the trusted key's SubjectPublicKeyInfo that verified it; null when none did.</summary>
        public string? KeyId { get; set; }
        /// <summary>The digest the signature is attached to (the artifact's manifest, or the index it was reached through).</summary>
        public string SignedDigest { get; set; } = "";
        /// <summary>Where it was read: <c>repo:sha256-….sig</c> layer n, or the referrer manifest's digest.</summary>
        public string Location { get; set; } = "";
        /// <summary>The docker-reference (classic) or statement subject name (bundle) the signer claimed, if any.</summary>
        public string? DockerReference { get; set; }
        public TransparencyLogStatus TransparencyLog { get; set; }
        /// <summary>When Rekor logged it (only when <see cref="TransparencyLog"/> is Verified).</summary>
        public DateTimeOffset? IntegratedTime { get; set; }
        public long? LogIndex { get; set; }
        /// <summary>Why it does not count, when <see cref="Verified"/> is false.</summary>
        public string? Reason { get; set; }

        /// <summary>Set when the signature was valid and only the required transparency-log entry was missing.</summary>
        internal bool TransparencyLogMissing { get; set; }

        public override string ToString() => $"{Kind} {(Verified ? "verified" : "rejected")} {SignedDigest} {Reason}";
    }

    /// <summary>The outcome of verifying one artifact: verified when at least one signature by a trusted key counts.</summary>
    public sealed class SignatureResult
    {
        public string Reference { get; set; } = "";
        public string Digest { get; set; } = "";
        public bool Verified { get; set; }
        /// <summary>The digest whose signature was accepted: <see cref="Digest"/> itself or the index that pins it.</summary>
        public string? SignedDigest { get; set; }
        public List<SignatureInfo> Signatures { get; set; } = new List<SignatureInfo>();
        /// <summary>Why not verified (null when verified).</summary>
        public string? Reason { get; set; }
        /// <summary><see cref="ErrorIds.SignatureNotFound"/>, <see cref="ErrorIds.SignatureInvalid"/> or <see cref="ErrorIds.TransparencyLogMissing"/> when not verified.</summary>
        public string? ErrorId { get; set; }

        /// <summary>
        /// The one acceptance rule: a verified signature always passes; an artifact with no signature at all passes
        /// only when a signature is not required; a signature that exists and fails never passes.
        /// </summary>
        public bool AcceptedWhen(bool signatureRequired) =>
            Verified || (!signatureRequired && ErrorId == ErrorIds.SignatureNotFound);

        /// <summary>Throws the failure as a <see cref="NetbootException"/> (for Save's -RequireSignature).</summary>
        public void ThrowIfNotVerified()
        {
            if (!Verified) throw Refusal();
        }

        /// <summary>The failure as the error an artifact refused for it is reported with (its id, SecurityError).</summary>
        public NetbootException Refusal() =>
            new NetbootException(ErrorId ?? ErrorIds.SignatureInvalid, FailureKind.SecurityError, $"Signature verification of {Reference} failed: {Reason}", Reference);

        public IEnumerable<SignatureInfo> VerifiedSignatures() => Signatures.Where(s => s.Verified);

        public override string ToString() => Verified ? $"{Reference}: verified ({SignedDigest})" : $"{Reference}: NOT verified: {Reason}";
    }
}
