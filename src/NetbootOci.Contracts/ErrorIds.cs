using System;
using System.Collections.Generic;

namespace NetbootOci
{
    /// <summary>
    /// Stable error identifiers. They are public API: scripts and the Ansible module match on them,
    /// so an id is never renamed or reused. Documented in README.md ("Error ids").
    /// </summary>
    public static class ErrorIds
    {
        // Input and references
        public const string InvalidReference = "InvalidReference";
        public const string InvalidDigest = "InvalidDigest";
        public const string InvalidArgument = "InvalidArgument";
        public const string PathNotFound = "PathNotFound";

        // Registry transport and protocol
        public const string RegistryUnreachable = "RegistryUnreachable";
        public const string RegistryError = "RegistryError";
        public const string AuthenticationFailed = "AuthenticationFailed";
        public const string AccessDenied = "AccessDenied";
        public const string ManifestNotFound = "ManifestNotFound";
        public const string BlobNotFound = "BlobNotFound";
        public const string RepositoryNotFound = "RepositoryNotFound";
        public const string ManifestTooLarge = "ManifestTooLarge";
        public const string ManifestInvalid = "ManifestInvalid";
        public const string DigestMismatch = "DigestMismatch";
        public const string SizeMismatch = "SizeMismatch";
        public const string InsecureRedirect = "InsecureRedirect";
        public const string TransferStalled = "TransferStalled";
        public const string CredentialHelperFailed = "CredentialHelperFailed";
        public const string LayoutInvalid = "LayoutInvalid";

        // Formats and discovery
        public const string UnknownFormat = "UnknownFormat";
        public const string MetadataMissing = "MetadataMissing";

        // Save / store / deploy
        public const string UnsafeFileName = "UnsafeFileName";
        public const string DuplicateFileName = "DuplicateFileName";
        public const string SuspiciousContent = "SuspiciousContent";
        public const string InsufficientSpace = "InsufficientSpace";
        public const string StoreLocked = "StoreLocked";
        public const string StaleLock = "StaleLock";
        public const string PathEscapesRoot = "PathEscapesRoot";
        public const string DecompressionFailed = "DecompressionFailed";
        public const string TooManyLayers = "TooManyLayers";

        // Publish
        public const string PublishRejected = "PublishRejected";
        public const string EntryPointNotFound = "EntryPointNotFound";
        public const string InvalidName = "InvalidName";
        public const string UnknownArchitecture = "UnknownArchitecture";

        // Signing
        public const string SignatureNotFound = "SignatureNotFound";
        public const string SignatureInvalid = "SignatureInvalid";
        public const string KeyInvalid = "KeyInvalid";
        public const string KeyPasswordWrong = "KeyPasswordWrong";
        public const string KeyUnsupported = "KeyUnsupported";
        public const string TransparencyLogMissing = "TransparencyLogMissing";

        // Links
        public const string LinkConflict = "LinkConflict";
        public const string InvalidMacAddress = "InvalidMacAddress";
        public const string LinkFailed = "LinkFailed";
        public const string LinkRecordInvalid = "LinkRecordInvalid";

        // Inventory and sync
        public const string InventoryInvalid = "InventoryInvalid";
        public const string SyncFailed = "SyncFailed";

        // Anything else
        /// <summary>A failure the program did not anticipate (a bug): the front ends report it with this id, the original exception inside.</summary>
        public const string Unexpected = "Unexpected";

        /// <summary>
        /// The category each id is reported with, one per id (the README table): what a script sees in
        /// <c>$_.CategoryInfo.Category</c>, whichever layer raised the failure and however it classified it.
        /// </summary>
        public static FailureKind CategoryOf(string errorId) =>
            Categories.TryGetValue(errorId, out FailureKind kind) ? kind : FailureKind.NotSpecified;

        static readonly Dictionary<string, FailureKind> Categories = new Dictionary<string, FailureKind>(StringComparer.Ordinal)
        {
            [InvalidReference] = FailureKind.InvalidArgument,
            [InvalidDigest] = FailureKind.InvalidArgument,
            [InvalidArgument] = FailureKind.InvalidArgument,
            [PathNotFound] = FailureKind.ObjectNotFound,
            [RegistryUnreachable] = FailureKind.ConnectionError,
            [RegistryError] = FailureKind.InvalidResult,
            [AuthenticationFailed] = FailureKind.AuthenticationError,
            [AccessDenied] = FailureKind.PermissionDenied,
            [ManifestNotFound] = FailureKind.ObjectNotFound,
            [BlobNotFound] = FailureKind.ObjectNotFound,
            [RepositoryNotFound] = FailureKind.ObjectNotFound,
            [ManifestTooLarge] = FailureKind.InvalidData,
            [ManifestInvalid] = FailureKind.InvalidData,
            [DigestMismatch] = FailureKind.InvalidData,
            [SizeMismatch] = FailureKind.InvalidData,
            [InsecureRedirect] = FailureKind.SecurityError,
            [TransferStalled] = FailureKind.OperationTimeout,
            [CredentialHelperFailed] = FailureKind.AuthenticationError,
            [LayoutInvalid] = FailureKind.InvalidData,
            [UnknownFormat] = FailureKind.InvalidData,
            [MetadataMissing] = FailureKind.InvalidData,
            [UnsafeFileName] = FailureKind.SecurityError,
            [DuplicateFileName] = FailureKind.InvalidData,
            [SuspiciousContent] = FailureKind.InvalidData,
            [InsufficientSpace] = FailureKind.ResourceUnavailable,
            [StoreLocked] = FailureKind.ResourceBusy,
            [StaleLock] = FailureKind.ResourceBusy,
            [PathEscapesRoot] = FailureKind.SecurityError,
            [DecompressionFailed] = FailureKind.InvalidData,
            [TooManyLayers] = FailureKind.InvalidData,
            [PublishRejected] = FailureKind.InvalidResult,
            [EntryPointNotFound] = FailureKind.InvalidArgument,
            [InvalidName] = FailureKind.InvalidArgument,
            [UnknownArchitecture] = FailureKind.InvalidArgument,
            [SignatureNotFound] = FailureKind.SecurityError,
            [SignatureInvalid] = FailureKind.SecurityError,
            [KeyInvalid] = FailureKind.InvalidData,
            [KeyPasswordWrong] = FailureKind.AuthenticationError,
            [KeyUnsupported] = FailureKind.NotImplemented,
            [TransparencyLogMissing] = FailureKind.SecurityError,
            [LinkConflict] = FailureKind.ResourceExists,
            [InvalidMacAddress] = FailureKind.InvalidArgument,
            [LinkFailed] = FailureKind.WriteError,
            [LinkRecordInvalid] = FailureKind.InvalidData,
            [InventoryInvalid] = FailureKind.InvalidData,
            [SyncFailed] = FailureKind.NotSpecified,
            [Unexpected] = FailureKind.NotSpecified,
        };
    }
}
