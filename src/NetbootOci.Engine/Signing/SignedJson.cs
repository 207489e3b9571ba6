using System;
using System.Text.Json;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// Reading signed JSON (payloads, statements, bundles, Rekor entries) by hand: a signed document is data to
    /// be judged, so a duplicate key (which parsers resolve differently) is an error, never a silent choice.
    /// </summary>
    internal static class SignedJson
    {
        /// <summary>The property <paramref name="name"/>; null when absent; throws <see cref="FormatException"/> on duplicates.</summary>
        public static JsonElement? Get(JsonElement obj, string name, bool ignoreCase = false)
        {
            if (obj.ValueKind != JsonValueKind.Object) return null;
            JsonElement? found = null;
            var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            foreach (var p in obj.EnumerateObject())
            {
                if (!string.Equals(p.Name, name, comparison)) continue;
                if (found != null) throw new FormatException($"key '{name}' appears twice");
                found = p.Value;
            }
            return found;
        }

        public static string? String(JsonElement obj, string name, bool ignoreCase = false)
        {
            var v = Get(obj, name, ignoreCase);
            if (v == null || v.Value.ValueKind == JsonValueKind.Null) return null;
            if (v.Value.ValueKind != JsonValueKind.String) throw new FormatException($"'{name}' is not a string");
            return v.Value.GetString();
        }

        /// <summary>An integer written as a JSON number or (protobuf JSON int64) a string.</summary>
        public static long? Int64(JsonElement obj, string name)
        {
            var v = Get(obj, name);
            if (v == null) return null;
            if (v.Value.ValueKind == JsonValueKind.Number && v.Value.TryGetInt64(out long n)) return n;
            if (v.Value.ValueKind == JsonValueKind.String && long.TryParse(v.Value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n)) return n;
            throw new FormatException($"'{name}' is not an integer");
        }

        public static byte[]? Base64(JsonElement obj, string name)
        {
            string? s = String(obj, name);
            if (s == null) return null;
            try { return Convert.FromBase64String(Pem.StripWhitespace(s)); }
            catch (FormatException) { throw new FormatException($"'{name}' is not base64"); }
        }

        public static JsonDocument Parse(byte[] json) =>
            JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
    }
}
