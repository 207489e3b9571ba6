using System;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Org.BouncyCastle.Crypto.Generators;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// cosign's encrypted private key: PEM <c>ENCRYPTED SIGSTORE PRIVATE KEY</c> (or the older
    /// <c>ENCRYPTED COSIGN PRIVATE KEY</c>) whose body is JSON {kdf: scrypt, cipher: nacl/secretbox, ciphertext}.
    /// key = scrypt(password, salt, N, r, p, 32); plaintext = secretbox.Open(ciphertext) = the PKCS#8 key.
    /// </summary>
    public static class CosignKeyEnvelope
    {
        public const string SigstoreLabel = "ENCRYPTED SIGSTORE PRIVATE KEY";
        public const string CosignLabel = "ENCRYPTED COSIGN PRIVATE KEY";

        /// <summary>The scrypt cost parameters cosign accepts (legacy, standard, OWASP); anything else is refused as a resource guard.</summary>
        static readonly int[][] AllowedParams = { new[] { 32768, 8, 1 }, new[] { 65536, 8, 1 }, new[] { 131072, 8, 1 } };

        public static bool IsEnvelopeLabel(string label) => label == SigstoreLabel || label == CosignLabel;

        /// <summary>Decrypts the envelope JSON; <see cref="ErrorIds.KeyPasswordWrong"/> when the password does not open it.</summary>
        public static byte[] Decrypt(byte[] envelopeJson, byte[] password, string source)
        {
            Envelope env;
            try { env = JsonSerializer.Deserialize<Envelope>(envelopeJson) ?? throw new JsonException("null"); }
            catch (JsonException e) { throw Invalid(source, "the encrypted key's JSON envelope is malformed: " + e.Message); }
            if (env.Kdf?.Name != "scrypt") throw Unsupported(source, $"key derivation '{env.Kdf?.Name}' (only scrypt)");
            if (env.Cipher?.Name != "nacl/secretbox") throw Unsupported(source, $"cipher '{env.Cipher?.Name}' (only nacl/secretbox)");
            var p = env.Kdf.Params;
            if (p == null || !IsAllowed(p.N, p.R, p.P))
                throw Unsupported(source, $"scrypt parameters N={p?.N} r={p?.R} p={p?.P} (cosign allows N=32768/65536/131072 with r=8 p=1)");
            byte[] salt = Bytes(env.Kdf.Salt, "kdf.salt", source);
            byte[] nonce = Bytes(env.Cipher.Nonce, "cipher.nonce", source);
            byte[] box = Bytes(env.Ciphertext, "ciphertext", source);
            if (nonce.Length != SecretBox.NonceSize) throw Invalid(source, $"the nonce is {nonce.Length} bytes, not 24");
            byte[] key = SCrypt.Generate(password, salt, p.N, p.R, p.P, SecretBox.KeySize);
            byte[]? plain = SecretBox.Open(key, nonce, box);
            Array.Clear(key, 0, key.Length);
            if (plain == null)
                throw new NetbootException(ErrorIds.KeyPasswordWrong, FailureKind.AuthenticationError,
                    $"The password does not decrypt key '{source}' (authentication of the encrypted key failed).", source);
            return plain;
        }

        /// <summary>Encrypts a PKCS#8 key as cosign does (N=65536, r=8, p=1, random 32-byte salt and 24-byte nonce).</summary>
        public static byte[] Encrypt(byte[] pkcs8, byte[] password)
        {
            var salt = new byte[32];
            var nonce = new byte[SecretBox.NonceSize];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(salt);
                rng.GetBytes(nonce);
            }
            const int n = 65536, r = 8, par = 1;
            byte[] key = SCrypt.Generate(password, salt, n, r, par, SecretBox.KeySize);
            byte[] box = SecretBox.Seal(key, nonce, pkcs8);
            Array.Clear(key, 0, key.Length);
            var env = new Envelope
            {
                Kdf = new Kdf { Name = "scrypt", Params = new KdfParams { N = n, R = r, P = par }, Salt = Convert.ToBase64String(salt) },
                Cipher = new Cipher { Name = "nacl/secretbox", Nonce = Convert.ToBase64String(nonce) },
                Ciphertext = Convert.ToBase64String(box),
            };
            return JsonSerializer.SerializeToUtf8Bytes(env);
        }

        static bool IsAllowed(int n, int r, int p)
        {
            foreach (var a in AllowedParams)
                if (a[0] == n && a[1] == r && a[2] == p) return true;
            return false;
        }

        static byte[] Bytes(string? b64, string field, string source)
        {
            if (string.IsNullOrEmpty(b64)) throw Invalid(source, $"the encrypted key has no '{field}'");
            try { return Convert.FromBase64String(b64); }
            catch (FormatException) { throw Invalid(source, $"'{field}' of the encrypted key is not base64"); }
        }

        static NetbootException Invalid(string source, string why) =>
            new NetbootException(ErrorIds.KeyInvalid, FailureKind.InvalidData, $"Key '{source}' is not usable: {why}.", source);

        static NetbootException Unsupported(string source, string what) =>
            new NetbootException(ErrorIds.KeyUnsupported, FailureKind.NotImplemented, $"Key '{source}' is not supported: {what}.", source);

        // Field order as cosign (Go struct order) writes it.
        sealed class Envelope
        {
            [JsonPropertyName("kdf")] public Kdf? Kdf { get; set; }
            [JsonPropertyName("cipher")] public Cipher? Cipher { get; set; }
            [JsonPropertyName("ciphertext")] public string? Ciphertext { get; set; }
        }

        sealed class Kdf
        {
            [JsonPropertyName("name")] public string? Name { get; set; }
            [JsonPropertyName("params")] public KdfParams? Params { get; set; }
            [JsonPropertyName("salt")] public string? Salt { get; set; }
        }

        sealed class KdfParams
        {
            [JsonPropertyName("N")] public int N { get; set; }
            [JsonPropertyName("r")] public int R { get; set; }
            [JsonPropertyName("p")] public int P { get; set; }
        }

        sealed class Cipher
        {
            [JsonPropertyName("name")] public string? Name { get; set; }
            [JsonPropertyName("nonce")] public string? Nonce { get; set; }
        }
    }
}
