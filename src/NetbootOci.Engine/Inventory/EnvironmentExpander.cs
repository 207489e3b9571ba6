using System;
using System.Text;

namespace NetbootOci.Engine.Inventory
{
    /// <summary>
    /// Expands <c>${NAME}</c> in inventory values from the environment; <c>$$</c> is a literal <c>$</c>.
    /// A variable that is not set is an error naming it, never an empty string that would silently change a path.
    /// </summary>
    internal sealed class EnvironmentExpander
    {
        readonly Func<string, string?> _lookup;

        public EnvironmentExpander(Func<string, string?>? lookup)
        {
            _lookup = lookup ?? Environment.GetEnvironmentVariable;
        }

        /// <summary>Returns the expanded text, or null with <paramref name="error"/> set.</summary>
        public string? Expand(string text, out string? error)
        {
            error = null;
            if (text.IndexOf('$') < 0) return text;
            var sb = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c != '$' || i + 1 >= text.Length) { sb.Append(c); continue; }
                char next = text[i + 1];
                if (next == '$') { sb.Append('$'); i++; continue; }
                if (next != '{') { sb.Append(c); continue; }
                int close = text.IndexOf('}', i + 2);
                if (close < 0) { error = $"unterminated '${{' in '{text}'"; return null; }
                string name = text.Substring(i + 2, close - i - 2);
                if (!IsName(name)) { error = $"'${{{name}}}' is not a valid environment variable reference"; return null; }
                string? value = _lookup(name);
                if (value == null) { error = $"environment variable '{name}' is not set"; return null; }
                sb.Append(value);
                i = close;
            }
            return sb.ToString();
        }

        internal static bool IsName(string name)
        {
            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_')) return false;
            foreach (char ch in name)
                if (!(ch < 128 && (char.IsLetterOrDigit(ch) || ch == '_'))) return false;
            return true;
        }
    }
}
