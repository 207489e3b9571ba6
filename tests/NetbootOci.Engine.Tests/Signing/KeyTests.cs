using System;
using System.IO;
using System.Security;
using System.Text;
using NetbootOci.Engine.Signing;
using NetbootOci.Engine.Tests.Support;
using Xunit;
using static NetbootOci.Engine.Tests.Signing.SignatureFixtures;

namespace NetbootOci.Engine.Tests.Signing
{
    /// <summary>Public keys, cosign's encrypted keys and openssl's PKCS#8 keys; every bad key gives its own error id and reason.</summary>
    public sealed class KeyTests : IDisposable
    {
        readonly TempDir _dir = new TempDir("nboci-keys");
        static readonly byte[] Hello = Encoding.UTF8.GetBytes("hello");

        string Write(string name, string text)
        {
            string path = _dir.Combine(name);
            File.WriteAllText(path, text);
            return path;
        }

        string OpenSsl(string args) => Tools.Run("openssl", args, timeoutSeconds: 60);

        [Fact]
        public void CosignPublicKeyParsesAsP256WithRekorStyleKeyId()
        {
            var key = VerificationKey.Load(Legacy("keys", "cosign.pub"));
            Assert.Equal("ECDSA-P256", key.Algorithm);
            var rekor = VerificationKey.Load(Legacy("keys", "rekor.pub"));
            // The public-good Rekor log id is SHA-256 of its DER SPKI.
            Assert.Equal("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d", rekor.KeyId);
            Assert.Equal("TLMsSDfG3ajPsWge+z/vX5T/zluXnmvbkTkwLIV68Tk=", VerificationKey.Load(Bundles("conformance-managed-key-happy-path", "key.pub")).Hint);
        }

        [Fact]
        public void CorruptPublicKeyIsKeyInvalid()
        {
            var e = Assert.Throws<NetbootException>(() => VerificationKey.Load(Bundles("conformance-managed-key-wrong-key_fail", "key.pub")));
            Assert.Equal(ErrorIds.KeyInvalid, e.ErrorId);
            Assert.Contains("key.pub", e.Message);

            var garbage = Assert.Throws<NetbootException>(() => VerificationKey.Load(Write("garbage.pub", "hello, I am not a key\n")));
            Assert.Equal(ErrorIds.KeyInvalid, garbage.ErrorId);
            Assert.Contains("no PEM block", garbage.Message);

            var badBase64 = Assert.Throws<NetbootException>(() => VerificationKey.Load(Write("b64.pub", "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n")));
            Assert.Contains("not valid base64", badBase64.Message);

            var truncated = Assert.Throws<NetbootException>(() => VerificationKey.Load(Write("trunc.pub", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n")));
            Assert.Contains("no matching", truncated.Message);

            var missing = Assert.Throws<NetbootException>(() => VerificationKey.Load(_dir.Combine("absent.pub")));
            Assert.Equal(ErrorIds.PathNotFound, missing.ErrorId);
        }

        [Fact]
        public void UnsupportedKeyTypesAreKeyUnsupported()
        {
            OpenSsl($"genpkey -algorithm ed25519 -out {_dir.Combine("ed.key")}");
            OpenSsl($"pkey -in {_dir.Combine("ed.key")} -pubout -out {_dir.Combine("ed.pub")}");
            var ed = Assert.Throws<NetbootException>(() => VerificationKey.Load(_dir.Combine("ed.pub")));
            Assert.Equal(ErrorIds.KeyUnsupported, ed.ErrorId);
            Assert.Contains("Ed25519", ed.Message);

            OpenSsl($"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out {_dir.Combine("p521.key")}");
            OpenSsl($"pkey -in {_dir.Combine("p521.key")} -pubout -out {_dir.Combine("p521.pub")}");
            var p521 = Assert.Throws<NetbootException>(() => VerificationKey.Load(_dir.Combine("p521.pub")));
            Assert.Equal(ErrorIds.KeyUnsupported, p521.ErrorId);
            Assert.Contains("secp521r1", p521.Message);

            var signEd = Assert.Throws<NetbootException>(() => SigningKey.Load(_dir.Combine("ed.key")));
            Assert.Equal(ErrorIds.KeyUnsupported, signEd.ErrorId);

            var cert = Assert.Throws<NetbootException>(() => VerificationKey.Load(Legacy("pki-rsa-valid", "certificate.pem")));
            Assert.Equal(ErrorIds.KeyUnsupported, cert.ErrorId);
            Assert.Contains("certificate", cert.Message);

            var priv = Assert.Throws<NetbootException>(() => VerificationKey.Load(_dir.Combine("p521.key")));
            Assert.Equal(ErrorIds.KeyInvalid, priv.ErrorId);
            Assert.Contains("private key", priv.Message);
        }

        [Theory]
        [InlineData("sigstore-label-ecdsa-p256")]
        [InlineData("cosign-label-ecdsa-p256")]
        public void CosignEncryptedKeysDecryptWithTheirPassword(string name)
        {
            var key = SigningKey.Parse(File.ReadAllText(EncryptedKeys(name + ".password-hello.key")), Hello, name);
            var expected = VerificationKey.Load(EncryptedKeys(name + ".derived.pub"));
            Assert.Equal(expected.KeyId, key.KeyId);
            Assert.Equal("ECDSA-P256", key.PublicKey.Algorithm);
            // The decrypted key really signs: its signature verifies with the derived public key.
            byte[] data = Encoding.UTF8.GetBytes("payload");
            Assert.True(expected.Verify(data, key.Sign(data)));
        }

        [Fact]
        public void WrongPasswordIsKeyPasswordWrong()
        {
            string path = EncryptedKeys("sigstore-label-ecdsa-p256.password-hello.key");
            var e = Assert.Throws<NetbootException>(() => SigningKey.Parse(File.ReadAllText(path), Encoding.UTF8.GetBytes("wrong"), path));
            Assert.Equal(ErrorIds.KeyPasswordWrong, e.ErrorId);
            Assert.Contains("password does not decrypt", e.Message);

            var none = Assert.Throws<NetbootException>(() => SigningKey.Parse(File.ReadAllText(path), null, path));
            Assert.Equal(ErrorIds.KeyPasswordWrong, none.ErrorId);
            Assert.Contains("no password was given", none.Message);
        }

        [Fact]
        public void Sec1InsideTheEnvelopeIsRefusedWithItsReason()
        {
            string path = EncryptedKeys("cosign-label-sec1-NOT-pkcs8.password-hello.key");
            var e = Assert.Throws<NetbootException>(() => SigningKey.Parse(File.ReadAllText(path), Hello, path));
            Assert.Equal(ErrorIds.KeyUnsupported, e.ErrorId);
            Assert.Contains("SEC1", e.Message);
            Assert.Contains("not PKCS#8", e.Message);
        }

        [Fact]
        public void SecureStringPasswordLoadsAKeyFile()
        {
            var password = new SecureString();
            foreach (char c in "hello") password.AppendChar(c);
            var key = SigningKey.Load(EncryptedKeys("sigstore-label-ecdsa-p256.password-hello.key"), password);
            Assert.Equal(VerificationKey.Load(EncryptedKeys("sigstore-label-ecdsa-p256.derived.pub")).KeyId, key.KeyId);
        }

        [Fact]
        public void TamperedEnvelopeParametersAreRefused()
        {
            string text = File.ReadAllText(EncryptedKeys("sigstore-label-ecdsa-p256.password-hello.key"));
            var block = Pem.ReadFirst(text, "k");
            string json = Encoding.UTF8.GetString(block.Bytes).Replace("32768", "1048576");
            var e = Assert.Throws<NetbootException>(() => SigningKey.Parse(Pem.Encode(block.Label, Encoding.UTF8.GetBytes(json)), Hello, "k"));
            Assert.Equal(ErrorIds.KeyUnsupported, e.ErrorId);
            Assert.Contains("scrypt parameters", e.Message);
        }

        [Fact]
        public void OurCosignKeyRoundTrips()
        {
            OpenSsl($"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {_dir.Combine("p256.key")}");
            var key = SigningKey.Load(_dir.Combine("p256.key"));
            string cosignKey = key.ToCosignKey(Hello);
            Assert.StartsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n", cosignKey);
            var again = SigningKey.Parse(cosignKey, Hello, "ours");
            Assert.Equal(key.KeyId, again.KeyId);
            Assert.Equal(ErrorIds.KeyPasswordWrong, Assert.Throws<NetbootException>(() => SigningKey.Parse(cosignKey, Encoding.UTF8.GetBytes("hellO"), "ours")).ErrorId);
        }

        [Fact]
        public void OpensslVerifiesOurP256Signature()
        {
            OpenSsl($"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {_dir.Combine("p256.key")}");
            OpenSsl($"pkey -in {_dir.Combine("p256.key")} -pubout -out {_dir.Combine("p256.pub")}");
            var key = SigningKey.Load(_dir.Combine("p256.key"));
            Assert.Equal(VerificationKey.Load(_dir.Combine("p256.pub")).KeyId, key.KeyId);
            byte[] payload = SimpleSigningPayload.Create("registry.example/netboot/fedora", "sha256:" + new string('a', 64));
            File.WriteAllBytes(_dir.Combine("payload.json"), payload);
            File.WriteAllBytes(_dir.Combine("sig.der"), key.Sign(payload));
            Assert.Contains("Verified OK", OpenSsl($"dgst -sha256 -verify {_dir.Combine("p256.pub")} -signature {_dir.Combine("sig.der")} {_dir.Combine("payload.json")}"));
        }

        [Fact]
        public void P384SignsWithSha384AndVerifiesBothHashes()
        {
            OpenSsl($"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out {_dir.Combine("p384.key")}");
            OpenSsl($"pkey -in {_dir.Combine("p384.key")} -pubout -out {_dir.Combine("p384.pub")}");
            var pub = VerificationKey.Load(_dir.Combine("p384.pub"));
            Assert.Equal("ECDSA-P384", pub.Algorithm);
            File.WriteAllText(_dir.Combine("data"), "boot files");
            byte[] data = File.ReadAllBytes(_dir.Combine("data"));
            foreach (var hash in new[] { "sha256", "sha384" })
            {
                OpenSsl($"dgst -{hash} -sign {_dir.Combine("p384.key")} -out {_dir.Combine(hash + ".sig")} {_dir.Combine("data")}");
                Assert.True(pub.Verify(data, File.ReadAllBytes(_dir.Combine(hash + ".sig"))), hash);
            }
            var key = SigningKey.Load(_dir.Combine("p384.key"));
            File.WriteAllBytes(_dir.Combine("ours.sig"), key.Sign(data));
            Assert.Contains("Verified OK", OpenSsl($"dgst -sha384 -verify {_dir.Combine("p384.pub")} -signature {_dir.Combine("ours.sig")} {_dir.Combine("data")}"));
        }

        [Fact]
        public void RsaPkcs8KeySignsAndOpensslVerifies()
        {
            OpenSsl($"genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out {_dir.Combine("rsa.key")}");
            OpenSsl($"pkey -in {_dir.Combine("rsa.key")} -pubout -out {_dir.Combine("rsa.pub")}");
            var key = SigningKey.Load(_dir.Combine("rsa.key"));
            Assert.Equal("RSA-2048", key.PublicKey.Algorithm);
            byte[] data = Encoding.UTF8.GetBytes("{\"critical\":{}}");
            File.WriteAllBytes(_dir.Combine("data"), data);
            File.WriteAllBytes(_dir.Combine("sig"), key.Sign(data));
            Assert.Contains("Verified OK", OpenSsl($"dgst -sha256 -verify {_dir.Combine("rsa.pub")} -signature {_dir.Combine("sig")} {_dir.Combine("data")}"));
            Assert.True(VerificationKey.Load(_dir.Combine("rsa.pub")).Verify(data, File.ReadAllBytes(_dir.Combine("sig"))));
        }

        [Fact]
        public void Sec1AndPkcs1PrivateKeysNameTheConversion()
        {
            OpenSsl($"ecparam -name prime256v1 -genkey -noout -out {_dir.Combine("sec1.key")}");
            var e = Assert.Throws<NetbootException>(() => SigningKey.Load(_dir.Combine("sec1.key")));
            Assert.Equal(ErrorIds.KeyUnsupported, e.ErrorId);
            Assert.Contains("openssl pkcs8 -topk8", e.Message);

            var pub = Assert.Throws<NetbootException>(() => SigningKey.Load(Legacy("keys", "cosign.pub")));
            Assert.Equal(ErrorIds.KeyInvalid, pub.ErrorId);
            Assert.Contains("not a private key", pub.Message);
        }

        [Fact]
        public void EcdsaSignatureInP1363FormIsAccepted()
        {
            var key = VerificationKey.Load(Legacy("keys", "cosign.pub"));
            byte[] payload = File.ReadAllBytes(Legacy("valid", "payload.json"));
            byte[] der = File.ReadAllBytes(Legacy("valid", "signature.der"));
            Assert.True(key.Verify(payload, der));
            var seq = (Org.BouncyCastle.Asn1.Asn1Sequence)Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(der);
            byte[] p1363 = new byte[64];
            byte[] r = ((Org.BouncyCastle.Asn1.DerInteger)seq[0]).Value.ToByteArrayUnsigned();
            byte[] s = ((Org.BouncyCastle.Asn1.DerInteger)seq[1]).Value.ToByteArrayUnsigned();
            Array.Copy(r, 0, p1363, 32 - r.Length, r.Length);
            Array.Copy(s, 0, p1363, 64 - s.Length, s.Length);
            Assert.True(key.Verify(payload, p1363));
            p1363[10] ^= 1;
            Assert.False(key.Verify(payload, p1363));
        }

        public void Dispose() => _dir.Dispose();
    }
}
