using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace NetbootOci.HelpGen
{
    /// <summary>Writes the MAML that Get-Help reads for binary cmdlets (the schema platyPS produces).</summary>
    public static class MamlWriter
    {
        static readonly XNamespace Msh = "http://msh";
        static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        public static XDocument Write(IEnumerable<(MarkdownHelp Help, CmdletMeta? Meta)> commands) =>
            new XDocument(new XDeclaration("1.0", "utf-8", null),
                new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                    new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command), new XAttribute(XNamespace.Xmlns + "dev", Dev),
                    commands.Select(c => CommandElement(c.Help, c.Meta))));

        static XElement CommandElement(MarkdownHelp h, CmdletMeta? meta)
        {
            string verb = h.Name.Split('-')[0], noun = h.Name.Substring(verb.Length + 1);
            var parameters = meta == null ? new List<ParameterMeta>() : WithShouldProcess(meta);
            return new XElement(Command + "command",
                new XElement(Command + "details",
                    new XElement(Command + "name", h.Name),
                    new XElement(Command + "verb", verb),
                    new XElement(Command + "noun", noun),
                    Description(new[] { h.Synopsis })),
                Description(h.Description),
                meta == null ? null : new XElement(Command + "syntax",
                    meta.SyntaxSets().Select(s => new XElement(Command + "syntaxItem",
                        new XElement(Maml + "name", h.Name),
                        WithShouldProcess(meta, s.Parameters).Select(p => Parameter(p, h, s.Set))))),
                new XElement(Command + "parameters", parameters.Select(p => Parameter(p, h, null))),
                new XElement(Command + "inputTypes", h.Inputs.Select(i => new XElement(Command + "inputType", TypeElement(i.Type), Description(i.Text)))),
                new XElement(Command + "returnValues", h.Outputs.Select(o => new XElement(Command + "returnValue", TypeElement(o.Type), Description(o.Text)))),
                new XElement(Maml + "alertSet", new XElement(Maml + "alert", h.Notes.Select(Para))),
                new XElement(Command + "examples", h.Examples.Select(e => new XElement(Command + "example",
                    new XElement(Maml + "title", $"-------------------------- {e.Title} --------------------------"),
                    new XElement(Dev + "code", e.Code),
                    new XElement(Dev + "remarks", e.Remarks.Select(Para))))),
                new XElement(Command + "relatedLinks", h.Links.Select(l => new XElement(Maml + "navigationLink",
                    new XElement(Maml + "linkText", l.Text), new XElement(Maml + "uri", l.Uri)))));
        }

        /// <summary>-WhatIf and -Confirm come from SupportsShouldProcess, not from a property; Get-Help lists them.</summary>
        static List<ParameterMeta> WithShouldProcess(CmdletMeta meta, List<ParameterMeta>? subset = null)
        {
            var list = new List<ParameterMeta>(subset ?? meta.Parameters);
            if (meta.SupportsShouldProcess)
                foreach (var (name, alias) in new[] { ("WhatIf", "wi"), ("Confirm", "cf") })
                    list.Add(new ParameterMeta(name, "SwitchParameter", true, new[] { alias },
                        new List<(string, bool, int, bool, bool)> { (ParameterMeta.AllSets, false, int.MinValue, false, false) }));
            return list;
        }

        static readonly Dictionary<string, string> ShouldProcessText = new Dictionary<string, string>
        {
            ["WhatIf"] = "Shows what would change without changing anything; the results describe the changes that would be made.",
            ["Confirm"] = "Prompts for confirmation before each change.",
        };

        static XElement Parameter(ParameterMeta p, MarkdownHelp h, string? set)
        {
            bool required = set == null ? p.Sets.Any(s => s.Mandatory) : p.MandatoryIn(set);
            var position = p.Sets.Where(s => set == null || s.Set == set || s.Set == ParameterMeta.AllSets).Select(s => s.Position).Where(x => x >= 0).DefaultIfEmpty(int.MinValue).First();
            h.Parameters.TryGetValue(p.Name, out var text);
            if (text == null && ShouldProcessText.TryGetValue(p.Name, out var sp)) text = new List<string> { sp };
            return new XElement(Command + "parameter",
                new XAttribute("required", required ? "true" : "false"),
                new XAttribute("variableLength", p.TypeName.EndsWith("[]") ? "true" : "false"),
                new XAttribute("globbing", "false"),
                new XAttribute("pipelineInput", p.PipelineInput()),
                new XAttribute("position", position >= 0 ? position.ToString() : "named"),
                new XAttribute("aliases", p.Aliases.Length == 0 ? "none" : string.Join(", ", p.Aliases)),
                new XElement(Maml + "name", p.Name),
                Description(text ?? new List<string>()),
                p.IsSwitch ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), p.TypeName),
                TypeElement(p.TypeName),
                new XElement(Dev + "defaultValue", p.IsSwitch ? "False" : "None"));
        }

        static XElement TypeElement(string name) => new XElement(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));
        static XElement Description(IEnumerable<string> paragraphs) => new XElement(Maml + "description", paragraphs.Select(Para));
        static XElement Para(string text) => new XElement(Maml + "para", text);
    }
}
