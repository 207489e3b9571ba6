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
        static readonly Regex SafeReference = new Regex(@"^[A-Za-z0-9._:/@\[\]-]+$", RegexOptions.CultureInvariant);

        /// <summary>Exactly the bytes cosign signs for <paramref name="dockerReference"/> (registry/repository) and <paramref name="digest"/>.</summary>
        public static byte[] Create(string dockerReference, string digest)
        {
            if (!SafeReference.IsMatch(dockerReference))
                throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument, $"'{dockerReference}' is not a docker reference to sign.", dockerReference);
            Oci.Digest.Validate(digest, "the digest to sign");
            return Encoding.UTF8.GetBytes(
                "{\"critical\":{\"identity\":{\"docker-reference\":\"" + dockerReference + "\"},\"image\":{\"docker-manifest-digest\":\"" + digest +
                "\"},\"type\":\"" + CosignType + "\"},\"optional\":null}");
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
