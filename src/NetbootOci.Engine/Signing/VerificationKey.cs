using System;
using System.IO;
using System.Security.Cryptography;
using NetbootOci.Engine.Oci;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// A trusted public key (cosign.pub): PEM SubjectPublicKeyInfo holding ECDSA P-256, P-384 or RSA.
    /// Parsed with BouncyCastle because .NET Framework 4.7.2 (Windows PowerShell 5.1) cannot import SPKI.
    /// </summary>
    public sealed class VerificationKey
    {
        VerificationKey(AsymmetricKeyParameter key, byte[] spki, string algorithm, string source)
        {
            Key = key;
            SubjectPublicKeyInfo = spki;
            Algorithm = algorithm;
            Source = source;
            byte[] hash;
            using (var sha = SHA256.Create()) hash = sha.ComputeHash(spki);
            KeyId = Digest.ToHex(hash);
            Hint = Convert.ToBase64String(hash);
        }

        internal AsymmetricKeyParameter Key { get; }
        /// <summary>DER SubjectPublicKeyInfo.</summary>
        public byte[] SubjectPublicKeyInfo { get; }
        /// <summary><c>ECDSA-P256</c>, <c>ECDSA-P384</c> or <c>RSA-&lt;bits&gt;</c>.</summary>
        public string Algorithm { get; }
        /// <summary>Where the key came from (a file path), for messages.</summary>
        public string Source { get; }
        /// <summary>Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo (the form Rekor log ids take).</summary>
        public string KeyId { get; }
        /// <summary>Base64 SHA-256 of the DER SubjectPublicKeyInfo: the bundle's <c>publicKey.hint</c>.</summary>
        public string Hint { get; }

        public bool IsEcdsa => Key is ECPublicKeyParameters;

        public static VerificationKey Load(string path)
        {
            if (!File.Exists(path))
                throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, $"Key file '{path}' does not exist.", path);
            return Parse(File.ReadAllText(path), path);
        }

        /// <summary>Parses PEM text (<c>PUBLIC KEY</c> or PKCS#1 <c>RSA PUBLIC KEY</c>).</summary>
        public static VerificationKey Parse(string pemText, string source)
        {
            var block = Pem.ReadFirst(pemText, source);
            switch (block.Label)
            {
                case "PUBLIC KEY":
                    return FromSubjectPublicKeyInfo(block.Bytes, source);
                case "RSA PUBLIC KEY":
                    try
                    {
                        var rsa = RsaPublicKeyStructure.GetInstance(Asn1Object.FromByteArray(block.Bytes));
                        var spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance), rsa);
                        return FromSubjectPublicKeyInfo(spki.GetDerEncoded(), source);
                    }
                    catch (Exception e) when (IsParseFailure(e)) { throw Invalid(source, "the RSA PUBLIC KEY block is not a PKCS#1 RSA public key", e); }
                case "CERTIFICATE":
                    throw Unsupported(source, "it is a certificate; keyless (certificate) verification is not supported, give the public key (openssl x509 -pubkey -noout)");
                default:
                    if (block.Label.Contains("PRIVATE KEY"))
                        throw Invalid(source, $"it is a private key ('{block.Label}'); verification needs the public key (cosign.pub)");
                    throw Invalid(source, $"PEM type '{block.Label}' is not a public key (expected 'PUBLIC KEY')");
            }
        }

        /// <summary>From DER SubjectPublicKeyInfo (also what Rekor entries and bundles embed).</summary>
        public static VerificationKey FromSubjectPublicKeyInfo(byte[] der, string source)
        {
            SubjectPublicKeyInfo info;
            try { info = Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(der)); }
            catch (Exception e) when (IsParseFailure(e)) { throw Invalid(source, "the PUBLIC KEY block is not DER SubjectPublicKeyInfo", e); }
            if (info == null) throw Invalid(source, "the PUBLIC KEY block is empty", null);
            var oid = info.Algorithm.Algorithm;
            string algorithm;
            if (oid.Equals(X9ObjectIdentifiers.IdECPublicKey))
            {
                var curve = info.Algorithm.Parameters as DerObjectIdentifier;
                if (curve == null) throw Unsupported(source, "the ECDSA key does not name its curve (explicit curve parameters are not supported)");
                if (curve.Equals(SecObjectIdentifiers.SecP256r1)) algorithm = "ECDSA-P256";
                else if (curve.Equals(SecObjectIdentifiers.SecP384r1)) algorithm = "ECDSA-P384";
                else throw Unsupported(source, $"ECDSA curve {CurveName(curve)} is not supported (only P-256 and P-384)");
            }
            else if (oid.Equals(PkcsObjectIdentifiers.RsaEncryption)) algorithm = null!;
            else if (oid.Equals(EdECObjectIdentifiers.id_Ed25519))
                throw Unsupported(source, "Ed25519 keys are not supported (cosign signs with Ed25519ph but verifies pure Ed25519; use ECDSA P-256)");
            else throw Unsupported(source, $"public key algorithm {oid.Id} is not supported (ECDSA P-256/P-384 or RSA)");

            AsymmetricKeyParameter key;
            try { key = PublicKeyFactory.CreateKey(info); }
            catch (Exception e) when (IsParseFailure(e)) { throw Invalid(source, "the public key does not decode (not a point on its curve, or a malformed RSA key)", e); }
            if (key is RsaKeyParameters rsaKey)
            {
                int bits = rsaKey.Modulus.BitLength;
                if (bits < 2048) throw Unsupported(source, $"RSA keys of {bits} bits are too weak (at least 2048)");
                algorithm = "RSA-" + bits;
            }
            return new VerificationKey(key, info.GetDerEncoded(), algorithm, source);
        }

        /// <summary>
        /// Verifies <paramref name="signature"/> over <paramref name="data"/>. ECDSA: SHA-256 (cosign's verify default),
        /// and for P-384 also SHA-384 (what cosign sign uses for that curve); DER or IEEE P1363 r‖s. RSA: PKCS#1 v1.5 SHA-256.
        /// </summary>
        public bool Verify(byte[] data, byte[] signature)
        {
            if (VerifyDigest(Hash(HashAlgorithmName.SHA256, data), HashAlgorithmName.SHA256, signature)) return true;
            return Algorithm == "ECDSA-P384" && VerifyDigest(Hash(HashAlgorithmName.SHA384, data), HashAlgorithmName.SHA384, signature);
        }

        /// <summary>Verifies a signature over an already computed SHA-256 digest (bundle message signatures).</summary>
        public bool VerifySha256Digest(byte[] digest, byte[] signature) => VerifyDigest(digest, HashAlgorithmName.SHA256, signature);

        bool VerifyDigest(byte[] digest, HashAlgorithmName hash, byte[] signature)
        {
            try
            {
                if (Key is ECPublicKeyParameters ec) return EcdsaSignature.Verify(ec, digest, signature);
                if (Key is RsaKeyParameters rsa) return RsaPkcs1.Verify(rsa, digest, hash, signature);
                return false;
            }
            catch (Exception e) when (IsParseFailure(e)) { return false; }
        }

        internal static byte[] Hash(HashAlgorithmName name, byte[] data)
        {
            using (var h = name == HashAlgorithmName.SHA384 ? (HashAlgorithm)SHA384.Create() : SHA256.Create()) return h.ComputeHash(data);
        }

        /// <summary>True when the other key is the same key (same SPKI).</summary>
        public bool SameKeyAs(VerificationKey other) => KeyId == other.KeyId;

        public override string ToString() => $"{Algorithm} key {KeyId.Substring(0, 16)}… ({Source})";

        static string CurveName(DerObjectIdentifier oid) => SecNamedCurves.GetName(oid) ?? X962NamedCurves.GetName(oid) ?? oid.Id;

        internal static bool IsParseFailure(Exception e) =>
            e is ArgumentException || e is InvalidCastException || e is IOException || e is FormatException || e is InvalidOperationException
            || e is Org.BouncyCastle.Security.SecurityUtilityException || e is CryptoException || e is IndexOutOfRangeException;

        static NetbootException Invalid(string source, string why, Exception? inner = null) =>
            new NetbootException(ErrorIds.KeyInvalid, FailureKind.InvalidData, $"Key '{source}' is not usable: {why}.", source, inner);

        internal static NetbootException Unsupported(string source, string why) =>
            new NetbootException(ErrorIds.KeyUnsupported, FailureKind.NotImplemented, $"Key '{source}' is not supported: {why}.", source);
    }
}
