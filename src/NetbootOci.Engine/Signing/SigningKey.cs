using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// A private key to sign with: cosign's encrypted <c>cosign.key</c> (PKCS#8 inside) or a plain PKCS#8
    /// <c>PRIVATE KEY</c> PEM (openssl genpkey). ECDSA P-256/P-384 or RSA; signatures are DER (ECDSA) or PKCS#1 v1.5.
    /// </summary>
    public sealed class SigningKey
    {
        public const string PasswordEnvironmentVariable = "COSIGN_PASSWORD";
        readonly AsymmetricKeyParameter _private;

        SigningKey(AsymmetricKeyParameter privateKey, VerificationKey publicKey, string source)
        {
            _private = privateKey;
            PublicKey = publicKey;
            Source = source;
        }

        public VerificationKey PublicKey { get; }
        public string Source { get; }
        public string KeyId => PublicKey.KeyId;

        /// <summary>
        /// Loads a key file. The password of an encrypted key is <paramref name="password"/>, else the
        /// <c>COSIGN_PASSWORD</c> environment variable when set (even empty, as cosign does).
        /// </summary>
        public static SigningKey Load(string path, SecureString? password = null)
        {
            if (!File.Exists(path))
                throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, $"Signing key file '{path}' does not exist.", path);
            byte[]? pw = password != null ? ToUtf8(password) : EnvironmentPassword();
            try { return Parse(File.ReadAllText(path), pw, path); }
            finally { if (pw != null) Array.Clear(pw, 0, pw.Length); }
        }

        /// <summary>Parses PEM text; <paramref name="password"/> (UTF-8 bytes) is needed only for an encrypted key.</summary>
        public static SigningKey Parse(string pemText, byte[]? password, string source)
        {
            var block = Pem.ReadFirst(pemText, source);
            if (CosignKeyEnvelope.IsEnvelopeLabel(block.Label))
            {
                if (password == null)
                    throw new NetbootException(ErrorIds.KeyPasswordWrong, FailureKind.AuthenticationError,
                        $"Key '{source}' is encrypted and no password was given (pass one, or set {PasswordEnvironmentVariable}).", source);
                byte[] plain = CosignKeyEnvelope.Decrypt(block.Bytes, password, source);
                try
                {
                    if (IsSec1(plain))
                        throw VerificationKey.Unsupported(source, "the encrypted envelope holds a SEC1 'EC PRIVATE KEY', not PKCS#8 (cosign refuses it too; re-create the key with 'cosign generate-key-pair' or import a PKCS#8 key)");
                    return FromPkcs8(plain, source);
                }
                finally { Array.Clear(plain, 0, plain.Length); }
            }
            switch (block.Label)
            {
                case "PRIVATE KEY":
                    if (IsSec1(block.Bytes))
                        throw VerificationKey.Unsupported(source, "the 'PRIVATE KEY' block holds SEC1 data, not PKCS#8");
                    return FromPkcs8(block.Bytes, source);
                case "EC PRIVATE KEY":
                    throw VerificationKey.Unsupported(source, "SEC1 'EC PRIVATE KEY' is not supported; convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt'");
                case "RSA PRIVATE KEY":
                    throw VerificationKey.Unsupported(source, "PKCS#1 'RSA PRIVATE KEY' is not supported; convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt'");
                case "ENCRYPTED PRIVATE KEY":
                    throw VerificationKey.Unsupported(source, "password-protected PKCS#8 ('ENCRYPTED PRIVATE KEY') is not supported; use a cosign.key or an unencrypted PKCS#8 key");
                default:
                    throw new NetbootException(ErrorIds.KeyInvalid, FailureKind.InvalidData,
                        $"Key '{source}' is not usable: PEM type '{block.Label}' is not a private key (expected '{CosignKeyEnvelope.SigstoreLabel}' or 'PRIVATE KEY').", source);
            }
        }

        /// <summary>From DER PKCS#8 PrivateKeyInfo.</summary>
        public static SigningKey FromPkcs8(byte[] der, string source)
        {
            AsymmetricKeyParameter key;
            PrivateKeyInfo info;
            try
            {
                info = PrivateKeyInfo.GetInstance(Asn1Object.FromByteArray(der));
                key = PrivateKeyFactory.CreateKey(info);
            }
            catch (Exception e) when (VerificationKey.IsParseFailure(e) || e is NotSupportedException)
            {
                throw new NetbootException(ErrorIds.KeyInvalid, FailureKind.InvalidData, $"Key '{source}' is not usable: it is not a PKCS#8 private key ({e.Message}).", source, e);
            }
            AsymmetricKeyParameter pub;
            if (key is ECPrivateKeyParameters ec)
            {
                if (ec.PublicKeyParamSet == null)
                    throw VerificationKey.Unsupported(source, "the ECDSA key does not name its curve");
                var q = ec.Parameters.G.Multiply(ec.D).Normalize();
                pub = new ECPublicKeyParameters(ec.AlgorithmName, q, ec.PublicKeyParamSet);
            }
            else if (key is RsaPrivateCrtKeyParameters rsa) pub = new RsaKeyParameters(false, rsa.Modulus, rsa.PublicExponent);
            else throw VerificationKey.Unsupported(source, $"private key algorithm {info.PrivateKeyAlgorithm.Algorithm.Id} (ECDSA P-256/P-384 or RSA)");
            byte[] spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pub).GetDerEncoded();
            return new SigningKey(key, VerificationKey.FromSubjectPublicKeyInfo(spki, source), source);
        }

        /// <summary>Signs <paramref name="data"/>: ECDSA P-256 with SHA-256, P-384 with SHA-384 (as cosign), RSA PKCS#1 v1.5 SHA-256.</summary>
        public byte[] Sign(byte[] data)
        {
            if (_private is ECPrivateKeyParameters ec)
            {
                var hash = PublicKey.Algorithm == "ECDSA-P384" ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
                return EcdsaSignature.Sign(ec, VerificationKey.Hash(hash, data));
            }
            return RsaPkcs1.Sign((RsaKeyParameters)_private, VerificationKey.Hash(HashAlgorithmName.SHA256, data));
        }

        /// <summary>The public key as PEM (what cosign.pub holds).</summary>
        public string PublicKeyPem() => Pem.Encode("PUBLIC KEY", PublicKey.SubjectPublicKeyInfo);

        /// <summary>This key as a cosign.key (ENCRYPTED SIGSTORE PRIVATE KEY) under <paramref name="password"/>.</summary>
        public string ToCosignKey(byte[] password)
        {
            byte[] pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(_private).GetDerEncoded();
            try { return Pem.Encode(CosignKeyEnvelope.SigstoreLabel, CosignKeyEnvelope.Encrypt(pkcs8, password)); }
            finally { Array.Clear(pkcs8, 0, pkcs8.Length); }
        }

        /// <summary>SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING d, … } (PKCS#8 has version 0 then an AlgorithmIdentifier).</summary>
        static bool IsSec1(byte[] der)
        {
            try
            {
                return Asn1Object.FromByteArray(der) is Asn1Sequence seq && seq.Count >= 2
                    && seq[0] is DerInteger v && v.Value.IntValue == 1 && seq[1] is Asn1OctetString;
            }
            catch (Exception e) when (VerificationKey.IsParseFailure(e)) { return false; }
        }

        static byte[]? EnvironmentPassword()
        {
            string? env = Environment.GetEnvironmentVariable(PasswordEnvironmentVariable);
            return env == null ? null : Encoding.UTF8.GetBytes(env);
        }

        static byte[] ToUtf8(SecureString secure)
        {
            IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                var chars = new char[secure.Length];
                Marshal.Copy(ptr, chars, 0, chars.Length);
                try { return Encoding.UTF8.GetBytes(chars); }
                finally { Array.Clear(chars, 0, chars.Length); }
            }
            finally { Marshal.ZeroFreeGlobalAllocUnicode(ptr); }
        }

        public override string ToString() => $"signing key {PublicKey.Algorithm} {KeyId.Substring(0, 16)}… ({Source})";
    }
}
