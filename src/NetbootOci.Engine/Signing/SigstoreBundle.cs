using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// Sigstore bundle v0.3 (protobuf-specs sigstore_bundle.proto, JSON form) as cosign v3 attaches it to an image:
    /// key-based verification of a DSSE in-toto statement or a message signature, plus its Rekor entries.
    /// </summary>
    public static class SigstoreBundle
    {
        public const string MediaTypeV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
        public const string MediaTypePrefix = "application/vnd.dev.sigstore.bundle";
        public const string StatementTypeV1 = "https://in-toto.io/Statement/v1";
        public const string CosignSignPredicate = "https://sigstore.dev/cosign/sign/v1";

        static readonly string[] AcceptedMediaTypes = { MediaTypeV03, "application/vnd.dev.sigstore.bundle+json;version=0.3" };

        /// <summary>
        /// Checks one bundle against the policy for <paramref name="digest"/> (the manifest the referrer points at).
        /// Never throws for bad content: the returned info says why it does not count.
        /// </summary>
        internal static SignatureInfo Verify(byte[] bundleJson, string digest, string location, VerificationPolicy policy, string? expectedReference)
        {
            var info = new SignatureInfo { Kind = SignatureKind.BundleDsse, SignedDigest = digest, Location = location };
            try
            {
                using (var doc = SignedJson.Parse(bundleJson))
                {
                    var root = doc.RootElement;
                    string? mediaType = SignedJson.String(root, "mediaType");
                    if (!AcceptedMediaTypes.Contains(mediaType))
                        return Reject(info, $"bundle media type '{mediaType}' is not supported (only v0.3, which cosign writes to registries)");
                    var material = SignedJson.Get(root, "verificationMaterial") ?? throw new FormatException("no verificationMaterial");
                    if (SignedJson.Get(material, "certificate") != null || SignedJson.Get(material, "x509CertificateChain") != null)
                        return Reject(info, "the bundle is keyless (signed with a certificate); only key-based signatures are supported");
                    if (SignedJson.Get(material, "publicKey") == null)
                        return Reject(info, "the bundle names no public key");

                    var dsse = SignedJson.Get(root, "dsseEnvelope");
                    var message = SignedJson.Get(root, "messageSignature");
                    ExpectedEntry? expected;
                    if (dsse != null && message == null) expected = VerifyDsse(dsse.Value, digest, policy, expectedReference, info);
                    else if (message != null && dsse == null) { info.Kind = SignatureKind.BundleMessage; expected = VerifyMessage(message.Value, digest, policy, expectedReference, info); }
                    else return Reject(info, "the bundle must hold exactly one of dsseEnvelope and messageSignature");
                    if (expected == null) return info;

                    var entries = new List<RekorEntry>();
                    var tlog = SignedJson.Get(material, "tlogEntries");
                    if (tlog != null && tlog.Value.ValueKind == JsonValueKind.Array)
                        foreach (var e in tlog.Value.EnumerateArray())
                        {
                            var entry = RekorEntry.FromBundleEntry(e);
                            if (entry != null) entries.Add(entry);
                        }
                    SignatureVerifier.ApplyTransparencyLog(info, entries, expected, policy);
                    return info;
                }
            }
            catch (Exception e) when (e is FormatException || e is JsonException || e is InvalidOperationException)
            {
                return Reject(info, "the bundle is malformed: " + e.Message);
            }
        }

        static ExpectedEntry? VerifyDsse(JsonElement env, string digest, VerificationPolicy policy, string? expectedReference, SignatureInfo info)
        {
            string? type = SignedJson.String(env, "payloadType");
            if (type != Dsse.InTotoPayloadType) { Reject(info, $"DSSE payload type '{type}' is not an in-toto statement"); return null; }
            byte[] payload = SignedJson.Base64(env, "payload") ?? throw new FormatException("the DSSE envelope has no payload");
            var sigs = SignedJson.Get(env, "signatures");
            if (sigs == null || sigs.Value.ValueKind != JsonValueKind.Array || sigs.Value.GetArrayLength() != 1)
            {
                Reject(info, "the DSSE envelope must carry exactly one signature");
                return null;
            }
            byte[] sig = SignedJson.Base64(sigs.Value[0], "sig") ?? throw new FormatException("the DSSE signature has no 'sig'");
            var key = policy.TrustedKeys.FirstOrDefault(k => k.Verify(Dsse.PreAuthEncoding(type, payload), sig));
            if (key == null) { Reject(info, "the DSSE signature does not verify with any trusted key"); return null; }
            info.KeyId = key.KeyId;

            using (var statement = SignedJson.Parse(payload))
            {
                var st = statement.RootElement;
                string? stType = SignedJson.String(st, "_type");
                if (stType != StatementTypeV1 && stType != "https://in-toto.io/Statement/v0.1")
                { Reject(info, $"the DSSE payload is not an in-toto statement ('{stType}')"); return null; }
                string? predicate = SignedJson.String(st, "predicateType");
                if (predicate != CosignSignPredicate)
                { Reject(info, $"the statement is an attestation of type '{predicate}', not a signature ({CosignSignPredicate})"); return null; }
                var subjects = SignedJson.Get(st, "subject");
                if (subjects == null || subjects.Value.ValueKind != JsonValueKind.Array) { Reject(info, "the statement has no subject"); return null; }
                JsonElement? match = null;
                foreach (var s in subjects.Value.EnumerateArray())
                {
                    var d = SignedJson.Get(s, "digest");
                    if (d != null && SignedJson.String(d.Value, "sha256") == Digest.Hex(digest)) { match = s; break; }
                }
                if (match == null) { Reject(info, $"the statement is signed for other digests, not {digest}"); return null; }
                info.DockerReference = SignedJson.String(match.Value, "name");
                if (!SignatureVerifier.ReferenceMatches(policy, expectedReference, info)) return null;
            }
            info.Verified = true;
            return new ExpectedEntry { Kind = "dsse", HashHex = Digest.Hex(Digest.Sha256(payload)), Signature = sig, Key = key };
        }

        static ExpectedEntry? VerifyMessage(JsonElement msg, string digest, VerificationPolicy policy, string? expectedReference, SignatureInfo info)
        {
            var md = SignedJson.Get(msg, "messageDigest") ?? throw new FormatException("the message signature has no messageDigest");
            if (SignedJson.String(md, "algorithm") != "SHA2_256" || Digest.Algorithm(digest) != "sha256")
            { Reject(info, "the message digest is not SHA-256"); return null; }
            byte[] signed = SignedJson.Base64(md, "digest") ?? throw new FormatException("the message digest is empty");
            if (Digest.ToHex(signed) != Digest.Hex(digest)) { Reject(info, $"the message signature is for sha256:{Digest.ToHex(signed)}, not {digest}"); return null; }
            byte[] sig = SignedJson.Base64(msg, "signature") ?? throw new FormatException("the message signature has no signature");
            var key = policy.TrustedKeys.FirstOrDefault(k => k.VerifySha256Digest(signed, sig));
            if (key == null) { Reject(info, "the message signature does not verify with any trusted key"); return null; }
            info.KeyId = key.KeyId;
            // A message signature names no repository: with CheckReference it cannot count.
            if (!SignatureVerifier.ReferenceMatches(policy, expectedReference, info)) return null;
            info.Verified = true;
            return new ExpectedEntry { Kind = "hashedrekord", HashHex = Digest.Hex(digest), Signature = sig, Key = key };
        }

        /// <summary>The bundle cosign v3 writes for <c>cosign sign --key</c> without a transparency log: a DSSE in-toto statement.</summary>
        public static byte[] CreateDsse(SigningKey key, string digest, string? subjectName)
        {
            byte[] statement = Statement(digest, subjectName);
            byte[] sig = key.Sign(Dsse.PreAuthEncoding(Dsse.InTotoPayloadType, statement));
            var bundle = new Dictionary<string, object>
            {
                ["mediaType"] = MediaTypeV03,
                ["verificationMaterial"] = new Dictionary<string, object> { ["publicKey"] = new Dictionary<string, string> { ["hint"] = key.PublicKey.Hint } },
                ["dsseEnvelope"] = new Dictionary<string, object>
                {
                    ["payload"] = Convert.ToBase64String(statement),
                    ["payloadType"] = Dsse.InTotoPayloadType,
                    ["signatures"] = new[] { new Dictionary<string, string> { ["sig"] = Convert.ToBase64String(sig) } },
                },
            };
            return JsonSerializer.SerializeToUtf8Bytes(bundle, OciJson.Options);
        }

        static byte[] Statement(string digest, string? subjectName)
        {
            var subject = new Dictionary<string, object>();
            if (!string.IsNullOrEmpty(subjectName)) subject["name"] = subjectName!;
            subject["digest"] = new Dictionary<string, string> { ["sha256"] = Digest.Hex(digest) };
            var statement = new Dictionary<string, object>
            {
                ["_type"] = StatementTypeV1,
                ["subject"] = new[] { subject },
                ["predicateType"] = CosignSignPredicate,
                ["predicate"] = new Dictionary<string, object>(),
            };
            return JsonSerializer.SerializeToUtf8Bytes(statement, OciJson.Options);
        }

        static SignatureInfo Reject(SignatureInfo info, string reason)
        {
            info.Verified = false;
            info.Reason = reason;
            return info;
        }
    }
}
