using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Utilities;

namespace NetbootOci.Engine.Signing
{
    /// <summary>What a Rekor entry must describe to vouch for a signature.</summary>
    internal sealed class ExpectedEntry
    {
        /// <summary><c>hashedrekord</c> (classic and message signatures) or <c>dsse</c>.</summary>
        public string Kind { get; set; } = "hashedrekord";
        /// <summary>Hex SHA-256 of the signed payload (hashedrekord) or of the DSSE payload (dsse).</summary>
        public string HashHex { get; set; } = "";
        public byte[] Signature { get; set; } = Array.Empty<byte>();
        public VerificationKey Key { get; set; } = null!;
    }

    /// <summary>
    /// A Rekor v1 log entry with its signed entry timestamp (SET), checked offline: the SET is the Rekor key's
    /// signature over the canonical JSON {body, integratedTime, logID, logIndex}, and the entry body must
    /// describe this very signature (hash, signature bytes, public key), else the SET proves nothing about it.
    /// </summary>
    internal sealed class RekorEntry
    {
        public string BodyBase64 { get; private set; } = "";
        public long IntegratedTime { get; private set; }
        public long LogIndex { get; private set; }
        public string LogIdHex { get; private set; } = "";
        public byte[] SignedEntryTimestamp { get; private set; } = Array.Empty<byte>();

        /// <summary>From cosign's <c>dev.sigstore.cosign/bundle</c> layer annotation.</summary>
        public static RekorEntry FromCosignAnnotation(string json)
        {
            using (var doc = SignedJson.Parse(Encoding.UTF8.GetBytes(json)))
            {
                var root = doc.RootElement;
                var payload = SignedJson.Get(root, "Payload") ?? throw new FormatException("the Rekor bundle has no Payload");
                return new RekorEntry
                {
                    SignedEntryTimestamp = SignedJson.Base64(root, "SignedEntryTimestamp") ?? throw new FormatException("the Rekor bundle has no SignedEntryTimestamp"),
                    BodyBase64 = SignedJson.String(payload, "body") ?? throw new FormatException("the Rekor bundle has no body"),
                    IntegratedTime = SignedJson.Int64(payload, "integratedTime") ?? throw new FormatException("the Rekor bundle has no integratedTime"),
                    LogIndex = SignedJson.Int64(payload, "logIndex") ?? throw new FormatException("the Rekor bundle has no logIndex"),
                    LogIdHex = SignedJson.String(payload, "logID") ?? throw new FormatException("the Rekor bundle has no logID"),
                };
            }
        }

        /// <summary>From one <c>verificationMaterial.tlogEntries[]</c> item of a Sigstore bundle; null when it has no SET.</summary>
        public static RekorEntry? FromBundleEntry(JsonElement entry)
        {
            var promise = SignedJson.Get(entry, "inclusionPromise");
            if (promise == null) return null;
            var logId = SignedJson.Get(entry, "logId") ?? throw new FormatException("a tlog entry has no logId");
            return new RekorEntry
            {
                SignedEntryTimestamp = SignedJson.Base64(promise.Value, "signedEntryTimestamp") ?? throw new FormatException("a tlog entry has no signedEntryTimestamp"),
                BodyBase64 = SignedJson.String(entry, "canonicalizedBody") ?? throw new FormatException("a tlog entry has no canonicalizedBody"),
                IntegratedTime = SignedJson.Int64(entry, "integratedTime") ?? throw new FormatException("a tlog entry has no integratedTime"),
                LogIndex = SignedJson.Int64(entry, "logIndex") ?? throw new FormatException("a tlog entry has no logIndex"),
                LogIdHex = Oci.Digest.ToHex(SignedJson.Base64(logId, "keyId") ?? throw new FormatException("a tlog entry has no logId.keyId")),
            };
        }

        /// <summary>The exact bytes the SET signs (RFC 8785: sorted keys, no whitespace; base64 and hex need no escaping).</summary>
        public byte[] SignedContent() => Encoding.UTF8.GetBytes(
            "{\"body\":\"" + BodyBase64 + "\",\"integratedTime\":" + IntegratedTime.ToString(CultureInfo.InvariantCulture) +
            ",\"logID\":\"" + LogIdHex + "\",\"logIndex\":" + LogIndex.ToString(CultureInfo.InvariantCulture) + "}");

        /// <summary>Checks the SET and the body; returns null when it vouches for <paramref name="expected"/>, else why not.</summary>
        public string? Check(IReadOnlyList<VerificationKey> rekorKeys, ExpectedEntry expected)
        {
            if (BodyBase64.Any(c => !(char.IsLetterOrDigit(c) && c < 128 || c == '+' || c == '/' || c == '=')))
                return "the Rekor entry body is not plain base64";
            var key = rekorKeys.FirstOrDefault(k => k.KeyId == LogIdHex.ToLowerInvariant());
            if (key == null) return $"the Rekor entry is from log {LogIdHex}, for which no Rekor key was given";
            if (!key.Verify(SignedContent(), SignedEntryTimestamp)) return "the Rekor signed entry timestamp does not verify with the Rekor key";
            try { return CheckBody(Convert.FromBase64String(BodyBase64), expected); }
            catch (Exception e) when (e is FormatException || e is JsonException || e is InvalidOperationException || e is NetbootException)
            {
                return "the Rekor entry body is malformed: " + e.Message;
            }
        }

        static string? CheckBody(byte[] body, ExpectedEntry expected)
        {
            using (var doc = SignedJson.Parse(body))
            {
                var root = doc.RootElement;
                string? kind = SignedJson.String(root, "kind");
                var spec = SignedJson.Get(root, "spec") ?? throw new FormatException("no spec");
                if (kind != expected.Kind) return $"the Rekor entry is of kind '{kind}', expected '{expected.Kind}'";
                if (kind == "hashedrekord")
                {
                    var hash = Path(spec, "data", "hash");
                    if (SignedJson.String(hash, "algorithm") != "sha256" || SignedJson.String(hash, "value") != expected.HashHex)
                        return "the Rekor entry logs another payload hash";
                    var sig = Path(spec, "signature");
                    if (!Arrays.AreEqual(SignedJson.Base64(sig, "content"), expected.Signature))
                        return "the Rekor entry logs another signature";
                    var pk = Path(sig, "publicKey");
                    if (!SameKey(SignedJson.Base64(pk, "content"), expected.Key))
                        return "the Rekor entry logs another public key";
                    return null;
                }
                // dsse v0.0.1
                var payloadHash = Path(spec, "payloadHash");
                if (SignedJson.String(payloadHash, "algorithm") != "sha256" || SignedJson.String(payloadHash, "value") != expected.HashHex)
                    return "the Rekor entry logs another DSSE payload";
                var signatures = SignedJson.Get(spec, "signatures");
                if (signatures == null || signatures.Value.ValueKind != JsonValueKind.Array) return "the Rekor DSSE entry has no signatures";
                foreach (var s in signatures.Value.EnumerateArray())
                    if (Arrays.AreEqual(SignedJson.Base64(s, "signature"), expected.Signature) && SameKey(SignedJson.Base64(s, "verifier"), expected.Key))
                        return null;
                return "the Rekor entry logs another signature or key";
            }
        }

        static bool SameKey(byte[]? pemBytes, VerificationKey key)
        {
            if (pemBytes == null) return false;
            try { return VerificationKey.Parse(Encoding.UTF8.GetString(pemBytes), "Rekor entry").SameKeyAs(key); }
            catch (NetbootException) { return false; }
        }

        static JsonElement Path(JsonElement e, params string[] names)
        {
            foreach (var n in names) e = SignedJson.Get(e, n) ?? throw new FormatException($"no '{n}'");
            return e;
        }
    }
}
