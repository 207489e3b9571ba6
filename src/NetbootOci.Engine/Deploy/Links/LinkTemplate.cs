using System;
using System.Collections.Generic;
using System.Text;

namespace NetbootOci.Engine.Deploy.Links
{
    /// <summary>What one expanded template name stands for.</summary>
    public enum TemplateKind
    {
        /// <summary>Contains {file}: one name per file.</summary>
        PerFile,
        /// <summary>Ends with '/': a directory holding one name per file.</summary>
        Directory,
        /// <summary>Neither: one name for the whole OS entry (a directory symlink).</summary>
        EntryAlias,
    }

    /// <summary>
    /// A link name template with {os}, {version}, {arch}, {file} and (host templates only) {mac}.
    /// Placeholders are replaced by single path components only; the expanded name is then checked
    /// by <see cref="RootPaths.Split"/>, so neither a template nor a value can leave the root.
    /// </summary>
    public sealed class LinkTemplate
    {
        public const string DefaultHostTemplate = "host-config/{mac}/";
        static readonly string[] Known = { "os", "version", "arch", "file", "mac" };

        readonly List<(bool Placeholder, string Text)> _pieces;

        LinkTemplate(string text, List<(bool, string)> pieces, bool isHost)
        {
            Text = text;
            _pieces = pieces;
            IsHost = isHost;
            bool hasFile = pieces.Exists(p => p.Item1 && p.Item2 == "file");
            Kind = hasFile ? TemplateKind.PerFile : text.EndsWith("/", StringComparison.Ordinal) ? TemplateKind.Directory : TemplateKind.EntryAlias;
        }

        public string Text { get; }
        public bool IsHost { get; }
        public TemplateKind Kind { get; }

        public static LinkTemplate Parse(string? text, bool isHost)
        {
            string what = isHost ? "Host template" : "Name template";
            if (string.IsNullOrWhiteSpace(text)) throw Invalid($"{what} is empty.", text);
            var pieces = new List<(bool, string)>();
            var literal = new StringBuilder();
            for (int i = 0; i < text!.Length; i++)
            {
                char c = text[i];
                if (c == '}') throw Invalid($"{what} '{text}' has a '}}' without '{{' at position {i}.", text);
                if (c != '{') { literal.Append(c); continue; }
                int end = text.IndexOf('}', i + 1);
                if (end < 0) throw Invalid($"{what} '{text}' has a '{{' without '}}' at position {i}.", text);
                string name = text.Substring(i + 1, end - i - 1);
                if (Array.IndexOf(Known, name) < 0)
                    throw Invalid($"{what} '{text}' uses unknown placeholder '{{{name}}}' (known: {{os}}, {{version}}, {{arch}}, {{file}}, {{mac}}).", text);
                if (literal.Length > 0) { pieces.Add((false, literal.ToString())); literal.Clear(); }
                pieces.Add((true, name));
                i = end;
            }
            if (literal.Length > 0) pieces.Add((false, literal.ToString()));

            bool hasMac = pieces.Exists(p => p.Item1 && p.Item2 == "mac");
            if (isHost && !hasMac) throw Invalid($"Host template '{text}' must contain {{mac}}, or every host would share one entry.", text);
            if (!isHost && hasMac) throw Invalid($"Name template '{text}' uses {{mac}}; host entries are made with -MacAddress and -HostTemplate.", text);
            return new LinkTemplate(text, pieces, isHost);
        }

        /// <summary>The root-relative name for these values (for <see cref="TemplateKind.Directory"/>, the file name is appended).</summary>
        public string Expand(IReadOnlyDictionary<string, string?> values, string? file)
        {
            var sb = new StringBuilder();
            foreach (var (placeholder, text) in _pieces)
            {
                if (!placeholder) { sb.Append(text); continue; }
                string? value = text == "file" ? file : values.TryGetValue(text, out var v) ? v : null;
                if (value == null)
                    throw Invalid($"Template '{Text}' uses {{{text}}}, but it is not known for this entry (give it, or use a Save result / an entry path ROOT/os/version/arch).", Text);
                RootPaths.CheckComponent(value, "{" + text + "}");
                sb.Append(value);
            }
            if (Kind == TemplateKind.Directory) sb.Append(file);
            return sb.ToString();
        }

        static NetbootException Invalid(string message, string? text) =>
            new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, message, text);
    }
}
