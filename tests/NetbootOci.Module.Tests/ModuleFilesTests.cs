using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace NetbootOci.Module.Tests
{
    /// <summary>What ships beside the dll: the format file, the help, and the README's error id table.</summary>
    public class ModuleFilesTests : IClassFixture<ModuleLayoutFixture>
    {
        static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        readonly ModuleLayout _layout;
        public ModuleFilesTests(ModuleLayoutFixture f) { _layout = f.Layout; }

        [Fact]
        public void ManifestFormatsExistInTheSourceAndTheBuiltModule()
        {
            var formats = ModuleLayout.ManifestList("FormatsToProcess");
            Assert.Equal(new[] { "NetbootOci.Format.ps1xml" }, formats);
            foreach (string f in formats)
            {
                Assert.True(File.Exists(Path.Combine(ModuleLayout.RepoRoot, "module", f)), "module/" + f);
                Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDir, f)), "output/NetbootOci/" + f);
            }
            Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDir, "en-US", "about_NetbootOci.help.txt")));
            Assert.False(Directory.Exists(Path.Combine(ModuleLayout.ModuleDir, "docs")), "markdown help sources must not ship");
        }

        [Fact]
        public void FormatViewsNameRealPublicTypesAndTheirProperties()
        {
            var doc = XDocument.Load(Path.Combine(ModuleLayout.RepoRoot, "module", "NetbootOci.Format.ps1xml"));
            var views = doc.Descendants("View").ToList();
            Assert.Equal(5, views.Count);
            int resolved = 0;
            foreach (var view in views)
            {
                string typeName = view.Element("ViewSelectedBy")!.Element("TypeName")!.Value;
                var headers = view.Descendants("TableColumnHeader").Count();
                var items = view.Descendants("TableColumnItem").ToList();
                Assert.True(headers == items.Count, $"{typeName}: {headers} headers but {items.Count} columns");
                Type? type = _layout.FindType(typeName);
                if (type == null) continue; // its cmdlet has not landed yet; checked as soon as the type exists
                resolved++;
                Assert.True(type.IsPublic, typeName + " is not public");
                foreach (string property in items.Select(i => i.Element("PropertyName")?.Value).Where(p => p != null)!)
                    Assert.True(type.GetProperty(property!, BindingFlags.Public | BindingFlags.Instance) != null, $"{typeName} has no property {property}");
                foreach (string script in items.Select(i => i.Element("ScriptBlock")?.Value).Where(s => s != null)!)
                    foreach (Match m in Regex.Matches(script!, @"\$_\.(\w+)"))
                        Assert.True(type.GetProperty(m.Groups[1].Value, BindingFlags.Public | BindingFlags.Instance) != null, $"{typeName}: script column uses missing property {m.Groups[1].Value}");
            }
            Assert.True(resolved >= 2, "NetbootArtifact and SaveResult exist on main and must be checked");
        }

        [Fact]
        public void EveryBuiltCmdletHasGeneratedHelpWithSynopsisExamplesAndEveryParameterDescribed()
        {
            var maml = XDocument.Load(Path.Combine(ModuleLayout.ModuleDir, "en-US", "NetbootOci.dll-Help.xml"));
            var commands = maml.Root!.Elements(Command + "command").ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value);
            Assert.Equal(CmdletConventionTests.ExpectedCmdlets.OrderBy(n => n), commands.Keys.OrderBy(n => n));
            foreach (var (name, command) in commands)
            {
                Assert.False(string.IsNullOrWhiteSpace(command.Element(Command + "details")!.Element(Maml + "description")!.Value), name + ": no synopsis");
                var examples = command.Descendants(Command + "example").ToList();
                Assert.True(examples.Count > 0, name + ": no example");
                Assert.All(examples, e => Assert.Contains(name, e.Element(Dev + "code")!.Value));
            }
            foreach (var cmdlet in _layout.CmdletInfos())
            {
                Assert.True(commands.ContainsKey(cmdlet.Name), cmdlet.Name + " has no help");
                var described = commands[cmdlet.Name].Element(Command + "parameters")!.Elements(Command + "parameter")
                    .ToDictionary(p => p.Element(Maml + "name")!.Value, p => p.Element(Maml + "description")!.Value.Trim());
                foreach (var p in cmdlet.Parameters)
                    Assert.True(described.TryGetValue(p.Name, out var text) && text.Length > 0, $"{cmdlet.Name} -{p.Name}: no description in module/docs/{cmdlet.Name}.md");
                var documented = Regex.Matches(File.ReadAllText(Path.Combine(ModuleLayout.RepoRoot, "module", "docs", cmdlet.Name + ".md")), @"(?m)^### -(\w+)").Select(m => m.Groups[1].Value);
                foreach (string d in documented)
                    Assert.True(cmdlet.Parameters.Any(p => p.Name.Equals(d, StringComparison.OrdinalIgnoreCase)), $"module/docs/{cmdlet.Name}.md documents -{d}, which {cmdlet.Name} does not have");
                if (cmdlet.SupportsShouldProcess) Assert.Contains("WhatIf", described.Keys);
            }
        }

        [Fact]
        public void ReadmeErrorIdTableListsExactlyTheErrorIdConstants()
        {
            Type errorIds = _layout.Context.LoadFromAssemblyName("NetbootOci.Contracts").GetType("NetbootOci.ErrorIds", throwOnError: true)!;
            var constants = errorIds.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
                .Select(f => (Name: f.Name, Value: (string)f.GetRawConstantValue()!)).ToList();
            Assert.True(constants.Count > 10);
            Assert.All(constants, c => Assert.Equal(c.Name, c.Value)); // the id is its constant's name
            Assert.Equal(constants.Count, constants.Select(c => c.Value).Distinct().Count());

            string readme = File.ReadAllText(Path.Combine(ModuleLayout.RepoRoot, "README.md"));
            var section = Regex.Match(readme, @"(?ms)^## Error ids\s*$(.*?)(?=^## |\z)");
            Assert.True(section.Success, "README.md has no '## Error ids' section");
            var rows = Regex.Matches(section.Groups[1].Value, @"(?m)^\|\s*`(\w+)`\s*\|\s*(\w+)\s*\|\s*([^|]*\S)\s*\|\s*$")
                .Select(m => (Id: m.Groups[1].Value, Category: m.Groups[2].Value, Meaning: m.Groups[3].Value)).ToList();
            Assert.Equal(constants.Select(c => c.Value).OrderBy(v => v, StringComparer.Ordinal), rows.Select(r => r.Id).OrderBy(v => v, StringComparer.Ordinal));
            var categories = _layout.Sma.GetType("System.Management.Automation.ErrorCategory", throwOnError: true)!.GetEnumNames();
            Assert.All(rows, r => Assert.Contains(r.Category, categories));
        }
    }
}
