using System;
using System.Text;

namespace NetbootOci.Engine.Signing
{
    /// <summary>One PEM block: its label (<c>PUBLIC KEY</c>, <c>ENCRYPTED SIGSTORE PRIVATE KEY</c>…) and decoded body.</summary>
    public sealed class PemBlock
    {
        public PemBlock(string label, byte[] bytes)
        {
            Label = label;
            Bytes = bytes;
        }

        public string Label { get; }
        public byte[] Bytes { get; }
    }

    /// <summary>Reads and writes PEM text (RFC 7468). Like cosign, only the first block of a file is used.</summary>
    public static class Pem
    {
        const string Begin = "-----BEGIN ";
        const string End = "-----END ";
        const string Dashes = "-----";

        /// <summary>The first PEM block of <paramref name="text"/>; <see cref="ErrorIds.KeyInvalid"/> naming <paramref name="source"/> when there is none or it is corrupt.</summary>
        public static PemBlock ReadFirst(string text, string source)
        {
            int begin = text.IndexOf(Begin, StringComparison.Ordinal);
            if (begin < 0) throw Invalid(source, "it holds no PEM block (-----BEGIN …-----)");
            int labelStart = begin + Begin.Length;
            int labelEnd = text.IndexOf(Dashes, labelStart, StringComparison.Ordinal);
            if (labelEnd < 0) throw Invalid(source, "the PEM BEGIN line is not closed");
            string label = text.Substring(labelStart, labelEnd - labelStart);
            string endLine = End + label + Dashes;
            int bodyStart = labelEnd + Dashes.Length;
            int end = text.IndexOf(endLine, bodyStart, StringComparison.Ordinal);
            if (end < 0) throw Invalid(source, $"the PEM block '{label}' has no matching '{endLine}' line");
            string body = text.Substring(bodyStart, end - bodyStart);
            if (body.IndexOf(':') >= 0)
                throw Invalid(source, $"the PEM block '{label}' has headers (legacy OpenSSL encryption is not supported; use PKCS#8)");
            byte[] bytes;
            try { bytes = Convert.FromBase64String(StripWhitespace(body)); }
            catch (FormatException) { throw Invalid(source, $"the body of the PEM block '{label}' is not valid base64"); }
            if (bytes.Length == 0) throw Invalid(source, $"the PEM block '{label}' is empty");
            return new PemBlock(label, bytes);
        }

        /// <summary>PEM text with 64-character lines and a final newline, as Go's encoding/pem writes it.</summary>
        public static string Encode(string label, byte[] bytes)
        {
            string b64 = Convert.ToBase64String(bytes);
            var sb = new StringBuilder();
            sb.Append(Begin).Append(label).Append(Dashes).Append('\n');
            for (int i = 0; i < b64.Length; i += 64)
                sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
            sb.Append(End).Append(label).Append(Dashes).Append('\n');
            return sb.ToString();
        }

        /// <summary>Removes the whitespace (line breaks) base64 text may carry; cosign's decoder ignores CR and LF too.</summary>
        public static string StripWhitespace(string text)
        {
            var sb = new StringBuilder(text.Length);
            foreach (char c in text)
                if (!char.IsWhiteSpace(c)) sb.Append(c);
            return sb.ToString();
        }

        static NetbootException Invalid(string source, string why) =>
            new NetbootException(ErrorIds.KeyInvalid, FailureKind.InvalidData, $"Key '{source}' is not usable: {why}.", source);
    }
}
