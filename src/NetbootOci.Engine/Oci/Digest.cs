using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace NetbootOci.Engine.Oci
{
    /// <summary>Content digests (<c>sha256:&lt;64 hex&gt;</c>; sha512 is parsed but only sha256 is produced).</summary>
    public static class Digest
    {
        /// <summary>The digest of the two bytes <c>{}</c>: the OCI empty descriptor.</summary>
        public const string EmptyJson = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
        /// <summary>The digest of zero bytes (the nboci prototype's config).</summary>
        public const string EmptyBytes = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        public static bool IsValid(string? digest)
        {
            if (string.IsNullOrEmpty(digest)) return false;
            int colon = digest!.IndexOf(':');
            if (colon <= 0) return false;
            string alg = digest.Substring(0, colon), hex = digest.Substring(colon + 1);
            int expected = alg == "sha256" ? 64 : alg == "sha512" ? 128 : -1;
            if (expected < 0 || hex.Length != expected) return false;
            foreach (char c in hex)
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            return true;
        }

        /// <summary>Throws <see cref="NetbootException"/> naming <paramref name="where"/> when the digest is malformed.</summary>
        public static string Validate(string? digest, string where)
        {
            if (!IsValid(digest))
                throw new NetbootException(ErrorIds.InvalidDigest, FailureKind.InvalidData,
                    $"Invalid digest '{digest}' in {where}: expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>.", digest);
            return digest!;
        }

        public static string Algorithm(string digest) => digest.Substring(0, digest.IndexOf(':'));
        public static string Hex(string digest) => digest.Substring(digest.IndexOf(':') + 1);

        public static string Sha256(byte[] data)
        {
            using (var sha = SHA256.Create()) return "sha256:" + ToHex(sha.ComputeHash(data));
        }

        public static string Sha256(string text) => Sha256(Encoding.UTF8.GetBytes(text));

        public static string Sha256(Stream stream)
        {
            using (var sha = SHA256.Create()) return "sha256:" + ToHex(sha.ComputeHash(stream));
        }

        public static string Sha256File(string path)
        {
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                return Sha256(fs);
        }

        /// <summary>Creates the incremental hasher for a digest's algorithm.</summary>
        public static IncrementalHash CreateHasher(string digest)
        {
            switch (Algorithm(digest))
            {
                case "sha256": return IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                case "sha512": return IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
                default: throw new NetbootException(ErrorIds.InvalidDigest, FailureKind.InvalidData, $"Unsupported digest algorithm in '{digest}'.", digest);
            }
        }

        public static string ToHex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes) sb.Append(b.ToString("x2"));
            return sb.ToString();
        }
    }
}
