using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace NetbootOci.Engine.Signing
{
    /// <summary>ECDSA over a digest: DER <c>SEQUENCE{r,s}</c> (what cosign writes) or IEEE P1363 <c>r‖s</c> (sigstore accepts both).</summary>
    internal static class EcdsaSignature
    {
        public static bool Verify(ECPublicKeyParameters key, byte[] digest, byte[] signature)
        {
            if (!TryDecode(signature, (key.Parameters.Curve.FieldSize + 7) / 8, out var r, out var s)) return false;
            var n = key.Parameters.N;
            if (r.SignValue <= 0 || s.SignValue <= 0 || r.CompareTo(n) >= 0 || s.CompareTo(n) >= 0) return false;
            var verifier = new ECDsaSigner();
            verifier.Init(false, key);
            return verifier.VerifySignature(digest, r, s);
        }

        public static byte[] Sign(ECPrivateKeyParameters key, byte[] digest)
        {
            // Deterministic k (RFC 6979): no dependence on the quality of the random source.
            var signer = new ECDsaSigner(new HMacDsaKCalculator(new Org.BouncyCastle.Crypto.Digests.Sha256Digest()));
            signer.Init(true, key);
            var rs = signer.GenerateSignature(digest);
            return new DerSequence(new DerInteger(rs[0]), new DerInteger(rs[1])).GetDerEncoded();
        }

        static bool TryDecode(byte[] signature, int fieldBytes, out BigInteger r, out BigInteger s)
        {
            r = s = BigInteger.Zero;
            if (signature.Length > 0 && signature[0] == 0x30)
            {
                try
                {
                    if (Asn1Object.FromByteArray(signature) is Asn1Sequence seq && seq.Count == 2
                        && seq[0] is DerInteger ri && seq[1] is DerInteger si)
                    {
                        // Only canonical DER: re-encoding must give the same bytes (no malleable encodings).
                        var again = new DerSequence(new DerInteger(ri.Value), new DerInteger(si.Value)).GetDerEncoded();
                        if (!Org.BouncyCastle.Utilities.Arrays.AreEqual(again, signature)) return false;
                        r = ri.Value;
                        s = si.Value;
                        return true;
                    }
                }
                catch (System.Exception e) when (VerificationKey.IsParseFailure(e)) { }
            }
            if (signature.Length == 2 * fieldBytes)
            {
                r = new BigInteger(1, signature, 0, fieldBytes);
                s = new BigInteger(1, signature, fieldBytes, fieldBytes);
                return true;
            }
            return false;
        }
    }
}
