using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;

namespace NetbootOci.Module.Tests
{
    /// <summary>
    /// Issue 8's cmdlet rules over every cmdlet in the built NetbootOci.dll (generic: cmdlets are checked
    /// as they land), and over the broken fixture cmdlets to prove each rule reports what it should.
    /// </summary>
    public class CmdletConventionTests : IClassFixture<ModuleLayoutFixture>
    {
        /// <summary>The product's five cmdlets (issues 2-7).</summary>
        public static readonly string[] ExpectedCmdlets =
            { "Get-NetbootArtifact", "Save-NetbootArtifact", "Test-NetbootSignature", "Publish-NetbootArtifact", "Set-NetbootLink" };

        /// <summary>
        /// Who feeds whom: Get | Save, Get | Test-NetbootSignature -PassThru | Save | Set-NetbootLink.
        /// An edge is checked when both ends exist.
        /// </summary>
        public static readonly (string Up, string Down)[] Pipeline =
        {
            ("Get-NetbootArtifact", "Save-NetbootArtifact"),
            ("Get-NetbootArtifact", "Test-NetbootSignature"),
            ("Test-NetbootSignature", "Save-NetbootArtifact"),
            ("Save-NetbootArtifact", "Set-NetbootLink"),
        };

        /// <summary>
        /// By-property-name bindings whose upstream property is planned by another issue. Each entry must
        /// still be a real gap (the test fails once it is fixed, so the entry is removed), and nothing else
        /// may be missing.
        /// </summary>
        public static readonly (string Edge, string Parameter, string Why)[] PendingBindings =
        {
        };

        readonly ModuleLayout _layout;
        readonly ITestOutputHelper _out;

        public CmdletConventionTests(ModuleLayoutFixture f, ITestOutputHelper output) { _layout = f.Layout; _out = output; }

        IReadOnlyList<CmdletInfo> Present()
        {
            var present = _layout.CmdletInfos();
            _out.WriteLine("cmdlets checked: " + (present.Count == 0 ? "(none built yet)" : string.Join(", ", present)));
            _out.WriteLine("expected but not built yet: " + string.Join(", ", ExpectedCmdlets.Except(present.Select(c => c.Name))));
            return present;
        }

        static void NoViolations(IEnumerable<string> violations)
        {
            var list = violations.ToList();
            Assert.True(list.Count == 0, string.Join(Environment.NewLine, list));
        }

        [Fact]
        public void OnlyTheProductsCmdletsExistAndTheManifestAndHelpCoverEachPresentOne()
        {
            var present = Present().Select(c => c.Name).ToList();
            Assert.Empty(present.Except(ExpectedCmdlets)); // a sixth cmdlet is a design decision: add it here deliberately
            Assert.Empty(ModuleLayout.ManifestList("CmdletsToExport").Except(ExpectedCmdlets));
            string readme = File.ReadAllText(Path.Combine(ModuleLayout.RepoRoot, "README.md"));
            foreach (string name in ExpectedCmdlets)
            {
                // Documented for users before and after it lands: a help page and a README mention.
                Assert.True(File.Exists(Path.Combine(ModuleLayout.RepoRoot, "module", "docs", name + ".md")), $"module/docs/{name}.md missing");
                Assert.Contains(name, readme);
            }
        }

        [Fact]
        public void NamesUseApprovedVerbsAndSingularNetbootNouns()
        {
            var verbs = CmdletRules.ApprovedVerbs(_layout.Sma);
            Assert.Contains("Publish", verbs); // the constants were really read
            NoViolations(Present().SelectMany(c => CmdletRules.Naming(c, verbs)));
        }

        [Fact]
        public void StateChangingCmdletsSupportShouldProcessAndReadOnlyOnesDoNot() =>
            NoViolations(Present().SelectMany(CmdletRules.ShouldProcess));

        [Fact]
        public void EveryCmdletDeclaresPublicOutputTypesWithProperties() =>
            NoViolations(Present().SelectMany(CmdletRules.OutputTypes));

        [Fact]
        public void ParametersKeepSecretsSecureAndFollowBindingRules() =>
            NoViolations(Present().SelectMany(CmdletRules.Parameters));

        [Fact]
        public void EveryCmdletDerivesFromNetbootCmdletBase() =>
            NoViolations(Present().SelectMany(CmdletRules.BaseClass));

        [Fact]
        public void ParameterAndOutputTypesAreVisibleToScripts() =>
            NoViolations(Present().SelectMany(CmdletRules.VisibleTypes));

        [Fact]
        public void PipelineBindingsMatchTheUpstreamOutputTypes()
        {
            var present = Present().ToDictionary(c => c.Name);
            var violations = new List<string>();
            foreach (var (up, down) in Pipeline)
            {
                if (!present.TryGetValue(up, out var u) || !present.TryGetValue(down, out var d)) { _out.WriteLine($"edge {up} | {down}: not both built yet"); continue; }
                _out.WriteLine($"edge {up} | {down}: checked");
                violations.AddRange(CmdletRules.PipelineEdge(up, u.OutputClrTypes.ToList(), d, requireEveryByPropertyName: true));
            }
            // Publish takes files from Get-ChildItem (FullName) as well as paths.
            if (present.TryGetValue("Publish-NetbootArtifact", out var publish))
            {
                Type fileInfo = _layout.FindType("System.IO.FileInfo")!;
                violations.AddRange(CmdletRules.PipelineEdge("Get-ChildItem", new[] { fileInfo }, publish, requireEveryByPropertyName: false));
            }
            foreach (var pending in PendingBindings.Where(p => present.ContainsKey(p.Edge.Split(" | ")[0]) && present.ContainsKey(p.Edge.Split(" | ")[1])))
            {
                int found = violations.RemoveAll(v => v.StartsWith(pending.Edge + ":", StringComparison.Ordinal) && v.Contains($" {pending.Parameter} binds by property name but no output"));
                Assert.True(found == 1, $"pending binding {pending.Edge} {pending.Parameter} is no longer a gap: remove it from PendingBindings");
                _out.WriteLine($"pending: {pending.Edge} {pending.Parameter} ({pending.Why})");
            }
            NoViolations(violations);
        }

        [Fact]
        public void NoPublicTypeOfTheCmdletAssemblyNeedsTheEngineToLoad()
        {
            // PowerShell scans the exported types before IModuleAssemblyInitializer.OnImport hooks the
            // resolver; a public type deriving from or implementing an engine type would fail that scan.
            var offenders = _layout.Module.GetExportedTypes()
                .Where(t => Ancestry(t).Any(a => a.Assembly.GetName().Name != "NetbootOci" && a.Assembly.GetName().Name!.StartsWith("NetbootOci", StringComparison.Ordinal)))
                .Select(t => t.FullName).ToList();
            Assert.Empty(offenders);
            Assert.Contains(_layout.Module.GetExportedTypes(), t => t.GetInterfaces().Any(i => i.Name == "IModuleAssemblyInitializer"));
        }

        static IEnumerable<Type> Ancestry(Type t)
        {
            for (Type? b = t.BaseType; b != null; b = b.BaseType) yield return b;
            foreach (var i in t.GetInterfaces()) yield return i;
        }

        // ---- the rules can fail: each is tripped by the broken fixture cmdlets ----

        IReadOnlyList<CmdletInfo> Bad() => _layout.BadCmdlets().GetTypes()
            .Where(t => CmdletInfo.Attribute(t.GetCustomAttributesData(), "CmdletAttribute") != null)
            .Select(t => new CmdletInfo(t)).ToList();

        CmdletInfo BadOne(string name) => Bad().Single(c => c.Name == name);

        [Fact]
        public void RulesReportEveryBrokenConventionInTheFixture()
        {
            var verbs = CmdletRules.ApprovedVerbs(_layout.Sma);
            var fetch = BadOne("Fetch-Artifacts");
            var naming = CmdletRules.Naming(fetch, verbs).ToList();
            Assert.Contains(naming, v => v.Contains("not an approved verb"));
            Assert.Contains(naming, v => v.Contains("Netboot prefix"));
            Assert.Contains(naming, v => v.Contains("singular"));
            Assert.Contains(naming, v => v.Contains("should be named"));
            Assert.Contains(naming, v => v.Contains("namespace"));
            Assert.Contains(CmdletRules.OutputTypes(fetch), v => v.Contains("no [OutputType]"));
            Assert.Contains(CmdletRules.BaseClass(fetch), v => v.Contains("NetbootCmdletBase"));
            var fetchParams = CmdletRules.Parameters(fetch).ToList();
            Assert.Contains(fetchParams, v => v.Contains("-Password") && v.Contains("SecureString"));
            Assert.Contains(fetchParams, v => v.Contains("-Force") && v.Contains("SwitchParameter"));
            Assert.Contains(fetchParams, v => v.Contains("-Credential") && v.Contains("[PSCredential]"));

            var save = BadOne("Save-NetbootThing");
            Assert.Contains(CmdletRules.ShouldProcess(save), v => v.Contains("SupportsShouldProcess = true"));
            Assert.Contains(CmdletRules.OutputTypes(save), v => v.Contains("as a string"));
            Assert.Contains(CmdletRules.Parameters(save), v => v.Contains("at most one"));
            // A good name passes (only its fixture namespace is wrong).
            Assert.Equal(new[] { "Save-NetbootThing: class must be in namespace NetbootOci.Commands" }, CmdletRules.Naming(save, verbs));

            var get = BadOne("Get-NetbootThing");
            Assert.Contains(CmdletRules.ShouldProcess(get), v => v.Contains("does not change state"));
            Assert.Contains(CmdletRules.OutputTypes(get), v => v.Contains("not public"));
            var getParams = CmdletRules.Parameters(get).ToList();
            Assert.Contains(getParams, v => v.Contains("-KeyPassword"));
            Assert.DoesNotContain(getParams, v => v.Contains("-GoodPassword"));

            var upstream = BadOne("Get-NetbootBad").OutputClrTypes.ToList();
            var edge = CmdletRules.PipelineEdge("Get-NetbootBad", upstream, save, requireEveryByPropertyName: true).ToList();
            Assert.Contains(edge, v => v.Contains("-Nowhere") && v.Contains("no output"));
            Assert.Contains(edge, v => v.Contains("BadArtifact.Digest is Int32"));
            Assert.Contains(CmdletRules.PipelineEdge("Get-NetbootBad", upstream, BadOne("Set-NetbootOther"), requireEveryByPropertyName: true),
                v => v.Contains("-InputObject (FileInfo) accepts none"));
            var silent = CmdletRules.PipelineEdge("Get-NetbootBad", upstream, fetch, requireEveryByPropertyName: true).ToList();
            Assert.Contains(silent, v => v.Contains("binds to any pipeline parameter"));
        }

        [Fact]
        public void CompatibilityFollowsWhatTheBinderConverts()
        {
            Type T(string n) => _layout.FindType(n) ?? _layout.Sma.GetType(n)!;
            Assert.True(CmdletRules.Compatible(T("System.String"), T("System.String")));
            Assert.True(CmdletRules.Compatible(T("System.String[]"), T("System.String")));
            Assert.True(CmdletRules.Compatible(T("System.String"), T("System.Int64")));
            Assert.True(CmdletRules.Compatible(T("System.Management.Automation.SwitchParameter"), T("System.Boolean")));
            Assert.False(CmdletRules.Compatible(T("System.Int32"), T("System.String[]")));
            Assert.False(CmdletRules.Compatible(T("System.Management.Automation.SwitchParameter"), T("System.Int32")));
            Assert.False(CmdletRules.Compatible(T("System.String"), T("System.IO.FileInfo")));
        }
    }
}
