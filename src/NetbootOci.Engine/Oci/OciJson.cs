using System;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetbootOci.Engine.Oci
{
    /// <summary>
    /// JSON for manifests. Serialisation is deterministic (declared property order, sorted annotation
    /// maps, no indentation, '+' and '&lt;' not escaped) so the same model gives the same bytes and digest;
    /// those bytes are written once and hashed as sent.
    /// </summary>
    public static class OciJson
    {
        public static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = false,
            PropertyNameCaseInsensitive = false,
        };

        public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

        /// <summary>Parses manifest JSON; a parse failure becomes a <see cref="NetbootException"/> naming <paramref name="where"/>.</summary>
        public static T Deserialize<T>(byte[] json, string where)
        {
            try
            {
                var value = JsonSerializer.Deserialize<T>(json, Options);
                if (value == null) throw new JsonException("document is null");
                return value;
            }
            catch (JsonException e)
            {
                throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData,
                    $"Malformed JSON in {where}: {e.Message}", where, e);
            }
        }

        /// <summary>Reads the top-level <c>mediaType</c>, falling back to the shape (manifests[] = index).</summary>
        public static string? SniffMediaType(byte[] json)
        {
            try
            {
                using (var doc = JsonDocument.Parse(json))
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object) return null;
                    if (root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String) return mt.GetString();
                    if (root.TryGetProperty("manifests", out _)) return MediaTypes.OciIndex;
                    if (root.TryGetProperty("layers", out _)) return MediaTypes.OciManifest;
                    return null;
                }
            }
            catch (JsonException) { return null; }
        }
    }
}
