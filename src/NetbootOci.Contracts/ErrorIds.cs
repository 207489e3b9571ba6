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
    }
}
