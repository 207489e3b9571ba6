using System;
using System.IO;
using System.Text;

namespace NetbootOci.Engine.Inventory
{
    /// <summary>
    /// Reads an inventory file's text strictly: UTF-8 (a BOM is skipped), or UTF-16 with its BOM (what Windows
    /// PowerShell 5.1's Out-File writes). A byte that does not decode is an error at its line and column, never a
    /// replacement character that would silently change a path or a name.
    /// </summary>
    internal static class InventoryText
    {
        /// <summary>Largest inventory file read; real ones are a few KB, and the whole file is held in memory.</summary>
        public const int MaxBytes = 16 * 1024 * 1024;

        static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        /// <summary>Returns the text, or null with <paramref name="error"/> set (the file is too big or not valid text).</summary>
        public static string? Read(string path, out InventoryError? error)
        {
            error = null;
            byte[] bytes;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                // Read at most one byte over the cap: Length is 0 for devices and pipes.
                using (var buffer = new MemoryStream())
                {
                    var chunk = new byte[81920];
                    int n;
                    while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxBytes + 1L - buffer.Length))) > 0)
                    {
                        buffer.Write(chunk, 0, n);
                        if (buffer.Length > MaxBytes)
                        {
                            error = new InventoryError(path, 1, 1, $"the file is larger than {MaxBytes / (1024 * 1024)} MiB; an inventory is a few KB");
                            return null;
                        }
                    }
                    bytes = buffer.ToArray();
                }
            }
            if (bytes.Length >= 2 && (bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF))
            {
                var utf16 = new UnicodeEncoding(bigEndian: bytes[0] == 0xFE, byteOrderMark: false, throwOnInvalidBytes: true);
                try { return utf16.GetString(bytes, 2, bytes.Length - 2); }
                catch (DecoderFallbackException)
                {
                    error = new InventoryError(path, 1, 1, "the file starts with a UTF-16 byte-order mark but is not valid UTF-16");
                    return null;
                }
            }
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            try { return StrictUtf8.GetString(bytes, start, bytes.Length - start); }
            catch (DecoderFallbackException)
            {
                error = InvalidByte(path, bytes, start);
                return null;
            }
        }

        /// <summary>
        /// The first byte that is not UTF-8, as line and column (columns count characters, as YAML positions do).
        /// Decodes line by line: a line feed is never part of a multi-byte sequence, and the exception's index is
        /// then relative to one small buffer.
        /// </summary>
        static InventoryError InvalidByte(string path, byte[] bytes, int start)
        {
            int line = 1;
            for (int lineStart = start; lineStart <= bytes.Length;)
            {
                int end = Array.IndexOf(bytes, (byte)'\n', lineStart);
                if (end < 0) end = bytes.Length;
                try { StrictUtf8.GetString(bytes, lineStart, end - lineStart); }
                catch (DecoderFallbackException e)
                {
                    int at = Math.Max(0, Math.Min(e.Index, end - lineStart));
                    int column = StrictUtf8.GetCharCount(bytes, lineStart, at) + 1;
                    string shown = e.BytesUnknown != null && e.BytesUnknown.Length > 0 ? BitConverter.ToString(e.BytesUnknown).Replace("-", " ") : $"{bytes[lineStart + at]:X2}";
                    return new InventoryError(path, line, column, $"the file is not valid UTF-8: byte(s) {shown} (save the inventory as UTF-8)");
                }
                line++;
                lineStart = end + 1;
            }
            return new InventoryError(path, 1, 1, "the file is not valid UTF-8 (save the inventory as UTF-8)");
        }
    }
}
