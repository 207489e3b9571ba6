using System;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>How <see cref="ArtifactSaver"/> deploys an artifact under a destination root.</summary>
    public sealed class SaveOptions
    {
        public const string DefaultPathTemplate = "{os}/{version}/{arch}";

        /// <summary>The TFTP/HTTP root (created when missing).</summary>
        public string Destination { get; set; } = "";
        /// <summary>Where the OS entry goes under the root; placeholders {os} {version} {arch} {tag} {digest} (manifest digest hex).</summary>
        public string PathTemplate { get; set; } = DefaultPathTemplate;
        /// <summary>Blobs downloaded at once.</summary>
        public int Parallelism { get; set; } = 3;
        /// <summary>After deploying, remove trees and blobs no entry references.</summary>
        public bool Prune { get; set; }
        /// <summary>Re-hash the deployed files and repair those that differ.</summary>
        public bool Verify { get; set; }
        /// <summary>Refuse HTML pages and implausibly small boot files instead of warning.</summary>
        public bool Strict { get; set; }
        /// <summary>Report what would change without touching anything.</summary>
        public bool WhatIf { get; set; }
        /// <summary>Artifacts with more files than this are refused (<see cref="ErrorIds.TooManyLayers"/>).</summary>
        public int MaxFiles { get; set; } = 256;
        /// <summary>How long to wait for another run holding the store lock.</summary>
        public TimeSpan LockWait { get; set; } = TimeSpan.FromMinutes(2);
        /// <summary>
        /// Deploy the OS entry as a real directory swapped by two renames instead of a symbolic link. Chosen
        /// automatically on Windows when symbolic links cannot be created; settable to exercise it elsewhere.
        /// </summary>
        public bool DirectoryEntries { get; set; }
        /// <summary>
        /// When set, the artifact's cosign signatures (or its index's) are checked under this policy before anything
        /// is written: an invalid or untrusted signature refuses the artifact and leaves the deployed tree exactly as it was.
        /// </summary>
        public Signing.VerificationPolicy? SignaturePolicy { get; set; }
        /// <summary>With <see cref="SignaturePolicy"/>: an artifact without any signature is refused too (otherwise a warning).</summary>
        public bool SignatureRequired { get; set; }

        /// <summary>Applies an inventory artifact's keys and signature policy (see <see cref="Signing.InventorySignaturePolicy"/>).</summary>
        public static void ApplyInventorySignaturePolicy(SaveOptions options, NetbootArtifact artifact, bool required)
        {
            options.SignaturePolicy = Signing.InventorySignaturePolicy.PolicyFor(artifact);
            options.SignatureRequired = required || Signing.InventorySignaturePolicy.IsRequired(artifact);
        }
    }
}
