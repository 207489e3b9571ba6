using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace NetbootOci.HelpGen
{
    /// <summary>
    /// One cmdlet's help as written in module/docs/&lt;Name&gt;.md (platyPS-like headings):
    /// <c># Name</c>, <c>## SYNOPSIS</c>, <c>## DESCRIPTION</c>, <c>## EXAMPLES</c> with <c>### Example N: title</c>,
    /// a fenced code block and remarks, <c>## PARAMETERS</c> with <c>### -Name</c>, <c>## INPUTS</c> and
    /// <c>## OUTPUTS</c> with <c>### TypeName</c>, <c>## NOTES</c>, <c>## RELATED LINKS</c>.
    /// </summary>
    public sealed class MarkdownHelp
    {
        public string Name { get; private set; } = "";
        public string Synopsis { get; private set; } = "";
        public List<string> Description { get; } = new List<string>();
        public List<(string Title, string Code, List<string> Remarks)> Examples { get; } = new List<(string, string, List<string>)>();
        public Dictionary<string, List<string>> Parameters { get; } = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        public List<(string Type, List<string> Text)> Inputs { get; } = new List<(string, List<string>)>();
        public List<(string Type, List<string> Text)> Outputs { get; } = new List<(string, List<string>)>();
        public List<string> Notes { get; } = new List<string>();
        public List<(string Text, string Uri)> Links { get; } = new List<(string, string)>();

        public static MarkdownHelp Parse(string path)
        {
            var help = new MarkdownHelp();
            string section = "", sub = "";
            var body = new List<string>();
            void Flush()
            {
                help.Store(section, sub, body, path);
                body.Clear();
            }
            bool inCode = false;
            foreach (string raw in File.ReadAllLines(path))
            {
                string line = raw.TrimEnd();
                if (line.StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
                if (!inCode && line.StartsWith("# ", StringComparison.Ordinal)) { Flush(); help.Name = line.Substring(2).Trim(); section = sub = ""; continue; }
                if (!inCode && line.StartsWith("## ", StringComparison.Ordinal)) { Flush(); section = line.Substring(3).Trim().ToUpperInvariant(); sub = ""; continue; }
                if (!inCode && line.StartsWith("### ", StringComparison.Ordinal)) { Flush(); sub = line.Substring(4).Trim(); continue; }
                body.Add(line);
            }
            Flush();
            if (help.Name.Length == 0) throw new InvalidDataException($"{path}: no '# Cmdlet-Name' heading");
            if (help.Synopsis.Length == 0) throw new InvalidDataException($"{path}: no SYNOPSIS");
            if (help.Examples.Count == 0) throw new InvalidDataException($"{path}: no example");
            return help;
        }

        void Store(string section, string sub, List<string> body, string path)
        {
            switch (section)
            {
                case "SYNOPSIS": Synopsis = string.Join(" ", Paragraphs(body)); break;
                case "DESCRIPTION": Description.AddRange(Paragraphs(body)); break;
                case "EXAMPLES" when sub.Length > 0: Examples.Add(Example(sub, body, path)); break;
                case "PARAMETERS" when sub.StartsWith("-", StringComparison.Ordinal): Parameters[sub.Substring(1)] = Paragraphs(body); break;
                case "INPUTS" when sub.Length > 0: Inputs.Add((sub, Paragraphs(body))); break;
                case "OUTPUTS" when sub.Length > 0: Outputs.Add((sub, Paragraphs(body))); break;
                case "NOTES": Notes.AddRange(Paragraphs(body)); break;
                case "RELATED LINKS":
                    foreach (string l in body.Where(l => l.StartsWith("- ", StringComparison.Ordinal)))
                    {
                        var m = Regex.Match(l, @"^- \[(?<t>[^\]]+)\]\((?<u>[^)]*)\)");
                        Links.Add(m.Success ? (m.Groups["t"].Value, m.Groups["u"].Value) : (l.Substring(2).Trim(), ""));
                    }
                    break;
            }
        }

        static (string, string, List<string>) Example(string title, List<string> body, string path)
        {
            int open = body.FindIndex(l => l.StartsWith("```", StringComparison.Ordinal));
            int close = open < 0 ? -1 : body.FindIndex(open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            if (open < 0 || close < 0) throw new InvalidDataException($"{path}: example '{title}' has no fenced code block");
            string code = string.Join("\n", body.Skip(open + 1).Take(close - open - 1));
            return (title, code, Paragraphs(body.Skip(close + 1).ToList()));
        }

        /// <summary>Blank-line separated paragraphs; lines of one paragraph are joined; list items keep their own line.</summary>
        static List<string> Paragraphs(List<string> lines)
        {
            var result = new List<string>();
            var current = new List<string>();
            foreach (string l in lines.Append(""))
            {
                if (l.Trim().Length == 0 || l.StartsWith("- ", StringComparison.Ordinal))
                {
                    if (current.Count > 0) result.Add(string.Join(" ", current));
                    current.Clear();
                    if (l.Trim().Length == 0) continue;
                }
                current.Add(l.Trim());
            }
            return result;
        }
    }
}
