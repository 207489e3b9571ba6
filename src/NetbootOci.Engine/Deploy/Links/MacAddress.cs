using System;
using System.Globalization;
using System.Linq;

namespace NetbootOci.Engine.Deploy.Links
{
    /// <summary>
    /// A 48-bit hardware address read from any common notation (aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF,
    /// aabb.ccdd.eeff, aabbccddeeff, pxelinux's 01-aa-bb-…) and written as lowercase dashed
    /// (aa-bb-cc-dd-ee-ff), the smart-proxy and pxelinux convention. Anything else is refused, so a
    /// MAC can never carry path characters into a file name.
    /// </summary>
    public sealed class MacAddress : IEquatable<MacAddress>
    {
        readonly byte[] _bytes;
        MacAddress(byte[] bytes) { _bytes = bytes; }

        public static MacAddress Parse(string? text)
        {
            if (TryParse(text, out var mac)) return mac!;
            throw new NetbootException(ErrorIds.InvalidMacAddress, FailureKind.InvalidArgument,
                $"'{text}' is not a MAC address (expected six bytes as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff).", text);
        }

        public static bool TryParse(string? text, out MacAddress? mac)
        {
            mac = null;
            if (text == null) return false;
            string s = text.Trim();
            string[] groups;
            if (s.Contains(":")) groups = s.Split(':');
            else if (s.Contains("-")) groups = s.Split('-');
            else if (s.Contains(".")) groups = s.Split('.');
            else groups = new[] { s };

            // pxelinux prefixes the ARP hardware type (01 = Ethernet): 01-aa-bb-cc-dd-ee-ff.
            if (groups.Length == 7 && groups[0] == "01" && s.Contains("-")) groups = groups.Skip(1).ToArray();

            string hex;
            if (groups.Length == 6 && groups.All(g => g.Length == 1 || g.Length == 2)) hex = string.Concat(groups.Select(g => g.PadLeft(2, '0')));
            else if (groups.Length == 3 && s.Contains(".") && groups.All(g => g.Length == 4)) hex = string.Concat(groups);
            else if (groups.Length == 1 && s.Length == 12) hex = s;
            else return false;

            if (hex.Length != 12 || !hex.All(Uri.IsHexDigit)) return false;
            var bytes = new byte[6];
            for (int i = 0; i < 6; i++) bytes[i] = byte.Parse(hex.Substring(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            mac = new MacAddress(bytes);
            return true;
        }

        /// <summary>aa-bb-cc-dd-ee-ff</summary>
        public string Dashed => Format("-");
        /// <summary>aa:bb:cc:dd:ee:ff (GRUB's $net_default_mac)</summary>
        public string Colon => Format(":");

        string Format(string separator) => string.Join(separator, _bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

        public override string ToString() => Dashed;
        public bool Equals(MacAddress? other) => other != null && _bytes.SequenceEqual(other._bytes);
        public override bool Equals(object? obj) => Equals(obj as MacAddress);
        public override int GetHashCode() => Dashed.GetHashCode();
    }
}
