using System;
using System.Collections.Generic;
using System.Text;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// One <c>WWW-Authenticate</c> challenge (RFC 7235): a scheme and its auth-params, e.g.
    /// <c>Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull,push"</c>.
    /// Quoted values may hold commas and backslash escapes.
    /// </summary>
    internal sealed class AuthChallenge
    {
        AuthChallenge(string scheme, Dictionary<string, string> parameters)
        {
            Scheme = scheme;
            Parameters = parameters;
        }

        public string Scheme { get; }
        public Dictionary<string, string> Parameters { get; }
        public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);
        public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);
        public string? Realm => Get("realm");
        public string? Service => Get("service");
        public string? Scope => Get("scope");
        public string? Error => Get("error");

        public string? Get(string name) => Parameters.TryGetValue(name, out var v) ? v : null;

        /// <summary>Parses every challenge in the header values; unknown schemes are kept, malformed text is skipped.</summary>
        public static List<AuthChallenge> ParseAll(IEnumerable<string> headerValues)
        {
            var result = new List<AuthChallenge>();
            foreach (var value in headerValues) ParseInto(value, result);
            return result;
        }

        /// <summary>The challenge we can answer: Bearer preferred over Basic; null when neither is offered.</summary>
        public static AuthChallenge? Choose(IEnumerable<string> headerValues)
        {
            AuthChallenge? basic = null;
            foreach (var c in ParseAll(headerValues))
            {
                if (c.IsBearer) return c;
                if (c.IsBasic && basic == null) basic = c;
            }
            return basic;
        }

        static void ParseInto(string text, List<AuthChallenge> result)
        {
            int i = 0;
            AuthChallenge? current = null;
            while (i < text.Length)
            {
                SkipSeparators(text, ref i);
                if (i >= text.Length) break;
                string token = ReadToken(text, ref i);
                if (token.Length == 0) { i++; continue; }
                SkipSpaces(text, ref i);
                if (i < text.Length && text[i] == '=' && current != null && !LooksLikeToken68(text, i))
                {
                    i++;
                    SkipSpaces(text, ref i);
                    string value = i < text.Length && text[i] == '"' ? ReadQuoted(text, ref i) : ReadToken(text, ref i);
                    current.Parameters[token.ToLowerInvariant()] = value;
                }
                else if (i < text.Length && text[i] == '=' && current == null)
                {
                    // "realm=..." before any scheme: malformed, skip the value.
                    i++;
                    if (i < text.Length && text[i] == '"') ReadQuoted(text, ref i); else ReadToken(text, ref i);
                }
                else
                {
                    current = new AuthChallenge(token, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
                    result.Add(current);
                    // token68 form (e.g. "Negotiate abc==") carries no params we use: skip it.
                    int save = i;
                    string maybe = ReadToken(text, ref i);
                    SkipSpaces(text, ref i);
                    if (maybe.Length > 0 && i < text.Length && text[i] == '=') i = save; // it was a param name
                    else if (maybe.Length > 0) { while (i < text.Length && text[i] == '=') i++; }
                }
            }
        }

        static bool LooksLikeToken68(string text, int equalsAt)
        {
            // "abc==" then end or comma: a token68 padding run, not a parameter.
            int j = equalsAt;
            while (j < text.Length && text[j] == '=') j++;
            return j - equalsAt > 1 && (j >= text.Length || text[j] == ',' || text[j] == ' ');
        }

        static void SkipSpaces(string s, ref int i) { while (i < s.Length && (s[i] == ' ' || s[i] == '\t')) i++; }
        static void SkipSeparators(string s, ref int i) { while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) i++; }

        static string ReadToken(string s, ref int i)
        {
            int start = i;
            while (i < s.Length && s[i] != ' ' && s[i] != '\t' && s[i] != ',' && s[i] != '=' && s[i] != '"') i++;
            return s.Substring(start, i - start);
        }

        static string ReadQuoted(string s, ref int i)
        {
            var sb = new StringBuilder();
            i++; // opening quote
            while (i < s.Length && s[i] != '"')
            {
                if (s[i] == '\\' && i + 1 < s.Length) i++;
                sb.Append(s[i]);
                i++;
            }
            if (i < s.Length) i++; // closing quote
            return sb.ToString();
        }

        public override string ToString() => Scheme + (Realm != null ? $" realm=\"{Realm}\"" : "") + (Service != null ? $" service=\"{Service}\"" : "");
    }
}
