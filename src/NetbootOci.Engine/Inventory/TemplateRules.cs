using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace NetbootOci.Engine.Inventory
{
    /// <summary>
    /// Checks path templates (<c>{os}/{version}/{arch}</c>, aliases like <c>boot/{os}-{version}-{arch}-{file}</c>).
    /// A template is relative to the proxy root and can never leave it: no absolute or drive paths, no <c>..</c>,
    /// no unknown placeholders. (Save and the link engine check the filled-in values again.)
    /// </summary>
    public static class TemplateRules
    {
        public static readonly string[] EntryPlaceholders = { "os", "version", "arch", "tag", "digest" };
        /// <summary>What the link engine fills in an alias (Set-NetbootLink -Name).</summary>
        public static readonly string[] AliasPlaceholders = { "os", "version", "arch", "file" };
        public static readonly string[] HostPlaceholders = { "os", "version", "arch", "file", "mac" };
        static readonly Regex Placeholder = new Regex(@"\{([^{}]*)\}", RegexOptions.CultureInvariant);

        /// <summary>Returns null when <paramref name="template"/> is acceptable, else why not.</summary>
        /// <param name="directoryAllowed">A trailing '/' (a directory holding one name per file) is accepted.</param>
        public static string? Check(string template, IReadOnlyCollection<string> allowed, bool directoryAllowed = false)
        {
            if (template.Length == 0) return "the template is empty";
            if (template.StartsWith("/", StringComparison.Ordinal) || template.StartsWith("\\", StringComparison.Ordinal)
                || (template.Length >= 2 && template[1] == ':' && char.IsLetter(template[0])))
                return $"'{template}' is absolute; templates are relative to the proxy root";
            string body = directoryAllowed && template.Length > 1 && (template.EndsWith("/", StringComparison.Ordinal) || template.EndsWith("\\", StringComparison.Ordinal))
                ? template.Substring(0, template.Length - 1) : template;
            foreach (string segment in body.Split('/', '\\'))
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

        static string[] ToArray(IReadOnlyCollection<string> items) { var a = new string[items.Count]; int i = 0; foreach (var s in items) a[i++] = s; return a; }
        static IEnumerable<string> Braced(IEnumerable<string> items) { foreach (var s in items) yield return "{" + s + "}"; }
    }
}
