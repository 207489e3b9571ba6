using System;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Loading
{
    /// <summary>
    /// Splits an <c>oci:PATH[:tag][@digest]</c> reference into the path as the user typed it and what follows
    /// it, exactly as the engine's parser does, so the cmdlets can resolve the path through the PowerShell
    /// provider. Free of System.Management.Automation so tests can call it without PowerShell.
    /// </summary>
    internal static class LayoutReference
    {
        const string Scheme = "oci:";

        /// <returns>False for registry references and for references the engine cannot parse (left to its errors).</returns>
        internal static bool TrySplit(string? reference, out string path, out string suffix)
        {
            path = suffix = "";
            if (reference == null || !reference.StartsWith(Scheme, StringComparison.Ordinal)) return false;
            if (!OciReference.TryParse(reference, out var parsed) || parsed == null) return false;
            suffix = parsed.ToString().Substring(parsed.RepositoryName.Length);
            path = reference.Substring(Scheme.Length, reference.Length - Scheme.Length - suffix.Length);
            return true;
        }
    }
}
