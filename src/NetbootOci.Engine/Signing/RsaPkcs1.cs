using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace NetbootOci.Engine.Signing
{
    /// <summary>RSASSA-PKCS1-v1_5 over a digest: the signature opens to DigestInfo{hash OID, digest}.</summary>
    internal static class RsaPkcs1
    {
        public static bool Verify(RsaKeyParameters key, byte[] digest, HashAlgorithmName hash, byte[] signature)
        {
            var engine = new Pkcs1Encoding(new RsaBlindedEngine());
            engine.Init(false, key);
            byte[] opened;
            try { opened = engine.ProcessBlock(signature, 0, signature.Length); }
            catch (Org.BouncyCastle.Crypto.InvalidCipherTextException) { return false; }
            catch (Org.BouncyCastle.Crypto.DataLengthException) { return false; }
            return Org.BouncyCastle.Utilities.Arrays.FixedTimeEquals(opened, DigestInfo(digest, hash));
        }

        public static byte[] Sign(RsaKeyParameters privateKey, byte[] digest)
        {
            var engine = new Pkcs1Encoding(new RsaBlindedEngine());
            engine.Init(true, privateKey);
            byte[] info = DigestInfo(digest, HashAlgorithmName.SHA256);
            return engine.ProcessBlock(info, 0, info.Length);
        }

        static byte[] DigestInfo(byte[] digest, HashAlgorithmName hash)
        {
            var oid = hash == HashAlgorithmName.SHA384 ? NistObjectIdentifiers.IdSha384 : NistObjectIdentifiers.IdSha256;
            return new Org.BouncyCastle.Asn1.X509.DigestInfo(new AlgorithmIdentifier(oid, DerNull.Instance), digest).GetDerEncoded();
        }
    }
}
