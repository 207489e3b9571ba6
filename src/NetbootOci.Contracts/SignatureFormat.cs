namespace NetbootOci
{
    /// <summary>Which signature storage to write.</summary>
    public enum SignatureFormat
    {
        /// <summary>The <c>sha256-&lt;hex&gt;.sig</c> manifest (cosign --new-bundle-format=false, nboci, containers/image).</summary>
        Classic,
        /// <summary>A Sigstore bundle v0.3 referrer (cosign v3's default).</summary>
        Bundle,
        Both,
    }
}
