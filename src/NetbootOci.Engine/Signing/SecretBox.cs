using System;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Utilities;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// NaCl secretbox (XSalsa20-Poly1305), the cipher of cosign's encrypted keys: the first 32 keystream
    /// bytes are the one-time Poly1305 key, the rest encrypts the message; a box is tag(16) ‖ ciphertext.
    /// </summary>
    internal static class SecretBox
    {
        public const int KeySize = 32;
        public const int NonceSize = 24;
        public const int TagSize = 16;

        public static byte[] Seal(byte[] key, byte[] nonce, byte[] message)
        {
            var stream = Start(key, nonce, out byte[] polyKey);
            var box = new byte[TagSize + message.Length];
            stream.ProcessBytes(message, 0, message.Length, box, TagSize);
            var tag = Tag(polyKey, box, TagSize, message.Length);
            Array.Copy(tag, 0, box, 0, TagSize);
            return box;
        }

        /// <summary>The message, or null when the box does not authenticate under this key (wrong password).</summary>
        public static byte[]? Open(byte[] key, byte[] nonce, byte[] box)
        {
            if (box.Length < TagSize) return null;
            var stream = Start(key, nonce, out byte[] polyKey);
            var expected = Tag(polyKey, box, TagSize, box.Length - TagSize);
            var actual = new byte[TagSize];
            Array.Copy(box, 0, actual, 0, TagSize);
            if (!Arrays.FixedTimeEquals(expected, actual)) return null;
            var message = new byte[box.Length - TagSize];
            stream.ProcessBytes(box, TagSize, message.Length, message, 0);
            return message;
        }

        static XSalsa20Engine Start(byte[] key, byte[] nonce, out byte[] polyKey)
        {
            if (key.Length != KeySize) throw new ArgumentException("secretbox key must be 32 bytes");
            if (nonce.Length != NonceSize) throw new ArgumentException("secretbox nonce must be 24 bytes");
            var engine = new XSalsa20Engine();
            engine.Init(true, new ParametersWithIV(new KeyParameter(key), nonce));
            polyKey = new byte[32];
            engine.ProcessBytes(new byte[32], 0, 32, polyKey, 0);
            return engine;
        }

        static byte[] Tag(byte[] polyKey, byte[] data, int offset, int length)
        {
            var mac = new Poly1305();
            mac.Init(new KeyParameter(polyKey));
            mac.BlockUpdate(data, offset, length);
            var tag = new byte[TagSize];
            mac.DoFinal(tag, 0);
            return tag;
        }
    }
}
