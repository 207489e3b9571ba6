using System;

namespace NetbootOci.Engine.Formats
{
    /// <summary>
    /// Tags that never hold netboot files: cosign signatures, attestations and SBOMs
    /// (<c>sha256-&lt;hex&gt;.sig|.att|.sbom</c>) and the referrers fallback tags (<c>sha256-&lt;hex&gt;</c>).
    /// </summary>
    public static class SkippedTags
    {
        static readonly string[] Suffixes = { ".sig", ".att", ".sbom" };

        /// <summary>True (with the reason) when a repository listing should not look at <paramref name="tag"/>.</summary>
        public static bool IsSignatureOrReferrer(string tag, out string reason)
        {
            foreach (var suffix in Suffixes)
            {
                if (tag.EndsWith(suffix, StringComparison.Ordinal))
                {
                    reason = $"a cosign {suffix.Substring(1)} tag";
                    return true;
                }
            }
            if (tag.StartsWith("sha256-", StringComparison.Ordinal) || tag.StartsWith("sha512-", StringComparison.Ordinal))
            {
                reason = "a referrers (digest-named) tag";
                return true;
            }
            reason = "";
            return false;
        }
    }
}
