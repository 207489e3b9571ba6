using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace NetbootOci.Engine.Inventory
{
    /// <summary>
    /// Checks and fills path templates (<c>{os}/{version}/{arch}</c>, aliases like <c>boot/{os}-{version}-{arch}-{file}</c>).
    /// A template is relative to the proxy root and can never leave it: no absolute or drive paths, no <c>..</c>,
    /// no unknown placeholders, and placeholder values are checked again when filled.
    /// </summary>
    public static class PathTemplate
    {
        public static readonly string[] EntryPlaceholders = { "os", "version", "arch", "tag", "digest" };
        public static readonly string[] AliasPlaceholders = { "os", "version", "arch", "tag", "digest", "file" };
        static readonly Regex Placeholder = new Regex(@"\{([^{}]*)\}", RegexOptions.CultureInvariant);

        /// <summary>Returns null when <paramref name="template"/> is acceptable, else why not.</summary>
        public static string? Check(string template, IReadOnlyCollection<string> allowed)
        {
            if (template.Length == 0) return "the template is empty";
            if (template.StartsWith("/", StringComparison.Ordinal) || template.StartsWith("\\", StringComparison.Ordinal)
                || (template.Length >= 2 && template[1] == ':' && char.IsLetter(template[0])))
                return $"'{template}' is absolute; templates are relative to the proxy root";
            foreach (string segment in template.Split('/', '\\'))
            {
                if (segment == "..") return $"'{template}' escapes the proxy root ('..')";
                if (segment.Length == 0) return $"'{template}' has an empty path segment";
            }
            foreach (char c in template)
                if (c < 0x20 || c == 0x7f) return $"'{template}' contains a control character";
            foreach (Match m in Placeholder.Matches(template))
            {
                string name = m.Groups[1].Value;
                if (Array.IndexOf(ToArray(allowed), name) < 0)
                    return $"'{template}' uses unknown placeholder '{{{name}}}' (allowed: {string.Join(", ", Braced(allowed))})";
            }
            string rest = Placeholder.Replace(template, "");
            if (rest.IndexOf('{') >= 0 || rest.IndexOf('}') >= 0) return $"'{template}' has an unbalanced brace";
            return null;
        }

        /// <summary>Fills a template; refuses values that would change the path's shape (separators, '..').</summary>
        public static string Fill(string template, IDictionary<string, string> values)
        {
            return Placeholder.Replace(template, m =>
            {
                string name = m.Groups[1].Value;
                if (!values.TryGetValue(name, out var value) || string.IsNullOrEmpty(value))
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, $"Template '{template}': no value for {{{name}}}.", template);
                // Digests carry ':' which Windows cannot have in a file name.
                if (name == "digest") value = value.Replace(':', '-');
                if (value.IndexOf('/') >= 0 || value.IndexOf('\\') >= 0 || value == ".." || value == ".")
                    throw new NetbootException(ErrorIds.PathEscapesRoot, FailureKind.InvalidArgument, $"Template '{template}': value '{value}' for {{{name}}} would change the path's shape.", template);
                return value;
            });
        }

        static string[] ToArray(IReadOnlyCollection<string> items) { var a = new string[items.Count]; int i = 0; foreach (var s in items) a[i++] = s; return a; }
        static IEnumerable<string> Braced(IEnumerable<string> items) { foreach (var s in items) yield return "{" + s + "}"; }
    }
}
