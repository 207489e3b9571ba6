using System;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// The cosign simple-signing payload: the bytes a classic signature signs. cosign writes it with Go's
    /// encoding/json in fixed field order; readers match keys case-insensitively (Go does) but refuse duplicates.
    /// </summary>
    public static class SimpleSigningPayload
    {
        public const string MediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
        public const string CosignType = "cosign container image signature";

        /// <summary>Exactly the bytes cosign signs for <paramref name="dockerReference"/> (registry/repository) and <paramref name="digest"/>.</summary>
        public static byte[] Create(string dockerReference, string digest)
        {
            if (string.IsNullOrEmpty(dockerReference))
                throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument, "The docker reference to sign is empty.", dockerReference);
            Oci.Digest.Validate(digest, "the digest to sign");
            return Encoding.UTF8.GetBytes(
                "{\"critical\":{\"identity\":{\"docker-reference\":\"" + GoJsonEscape(dockerReference) + "\"},\"image\":{\"docker-manifest-digest\":\"" + digest +
                "\"},\"type\":\"" + CosignType + "\"},\"optional\":null}");
        }

        /// <summary>Escapes a JSON string body as Go's encoding/json does (HTML-safe: &lt; &gt; &amp; as \u00XX; other non-ASCII kept).</summary>
        static string GoJsonEscape(string value)
        {
            var sb = new StringBuilder(value.Length);
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029')
                            sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            return sb.ToString();
        }

        /// <summary>The claims of a payload; <see cref="FormatException"/> with the cause when it is not a simple-signing payload.</summary>
        public static (string Digest, string? DockerReference) Parse(byte[] payload)
        {
            try
            {
                using (var doc = SignedJson.Parse(payload))
                {
                    var critical = SignedJson.Get(doc.RootElement, "critical", ignoreCase: true)
                        ?? throw new FormatException("it has no 'critical' section");
                    var image = SignedJson.Get(critical, "image", ignoreCase: true)
                        ?? throw new FormatException("it has no 'critical.image'");
                    string digest = SignedJson.String(image, "docker-manifest-digest", ignoreCase: true)
                        ?? throw new FormatException("it has no 'critical.image.docker-manifest-digest'");
                    string? reference = null;
                    var identity = SignedJson.Get(critical, "identity", ignoreCase: true);
                    if (identity != null) reference = SignedJson.String(identity.Value, "docker-reference", ignoreCase: true);
                    return (digest, reference);
                }
            }
            catch (JsonException e) { throw new FormatException("it is not JSON: " + e.Message); }
        }
    }
}
