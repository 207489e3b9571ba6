using System.Text.RegularExpressions;

namespace NetbootOci.Engine.Inventory
{
    /// <summary>Accepts the common MAC notations (aa:bb:…, aa-bb-…, aabb.ccdd.eeff, aabbccddeeff) and normalises to aa:bb:cc:dd:ee:ff.</summary>
    internal static class InventoryMacAddress
    {
        static readonly Regex Separated = new Regex(@"^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$", RegexOptions.CultureInvariant);
        static readonly Regex Dotted = new Regex(@"^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$", RegexOptions.CultureInvariant);
        static readonly Regex Bare = new Regex(@"^[0-9A-Fa-f]{12}$", RegexOptions.CultureInvariant);

        public static string? Normalise(string text)
        {
            string hex;
            if (Separated.IsMatch(text)) hex = text.Replace(":", "").Replace("-", "");
            else if (Dotted.IsMatch(text)) hex = text.Replace(".", "");
            else if (Bare.IsMatch(text)) hex = text;
            else return null;
            hex = hex.ToLowerInvariant();
            return string.Join(":", new[] { hex.Substring(0, 2), hex.Substring(2, 2), hex.Substring(4, 2), hex.Substring(6, 2), hex.Substring(8, 2), hex.Substring(10, 2) });
        }
    }
}
