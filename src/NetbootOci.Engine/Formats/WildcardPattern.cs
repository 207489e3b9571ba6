using System;
using System.Text;
using System.Text.RegularExpressions;

namespace NetbootOci.Engine.Formats
{
    /// <summary>
    /// PowerShell-style wildcards, case-insensitive: <c>*</c> any run, <c>?</c> one character,
    /// <c>[abc]</c> / <c>[a-z]</c> a set, and a backtick escapes the next character. Implemented here
    /// because the engine does not reference System.Management.Automation.
    /// </summary>
    public sealed class WildcardPattern
    {
        readonly Regex _regex;

        public WildcardPattern(string pattern)
        {
            Pattern = pattern ?? throw new ArgumentNullException(nameof(pattern));
            _regex = new Regex(ToRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }

        public string Pattern { get; }

        public bool IsMatch(string? value) => value != null && _regex.IsMatch(value);

        /// <summary>True when the pattern has an unescaped wildcard character.</summary>
        public static bool ContainsWildcard(string pattern)
        {
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '`') { i++; continue; }
                if (c == '*' || c == '?' || c == '[') return true;
            }
            return false;
        }

        static string ToRegex(string pattern)
        {
            var sb = new StringBuilder("^");
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                switch (c)
                {
                    case '`':
                        if (i + 1 < pattern.Length) sb.Append(Regex.Escape(pattern[++i].ToString()));
                        else sb.Append("`");
                        break;
                    case '*': sb.Append(".*"); break;
                    case '?': sb.Append('.'); break;
                    case '[':
                        int close = FindSetEnd(pattern, i + 1);
                        if (close < 0) { sb.Append(@"\["); break; }
                        sb.Append('[').Append(SetBody(pattern.Substring(i + 1, close - i - 1))).Append(']');
                        i = close;
                        break;
                    default: sb.Append(Regex.Escape(c.ToString())); break;
                }
            }
            return sb.Append('$').ToString();
        }

        static int FindSetEnd(string pattern, int start)
        {
            for (int j = start; j < pattern.Length; j++)
            {
                if (pattern[j] == '`') { j++; continue; }
                if (pattern[j] == ']' && j > start) return j;
            }
            return -1;
        }

        // Inside a set only ranges (a-z) keep their meaning; everything else is literal.
        static string SetBody(string body)
        {
            var sb = new StringBuilder();
            for (int k = 0; k < body.Length; k++)
            {
                char c = body[k];
                if (c == '`' && k + 1 < body.Length) c = body[++k];
                else if (c == '-' && k > 0 && k < body.Length - 1) { sb.Append('-'); continue; }
                sb.Append(c == '\\' || c == ']' || c == '[' || c == '^' || c == '-' ? "\\" + c : c.ToString());
            }
            return sb.ToString();
        }
    }
}
