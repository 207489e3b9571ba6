using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Dependencies
{
    /// <summary>
    /// Fails when a referenced package (direct, transitive or PackageDownload) of any project under src/ or tests/
    /// has a known vulnerability: NuGet's audit findings from the restore (NU1901-NU1904, when the package source
    /// serves vulnerability data) and, always, the advisories in known-advisories.json.
    /// </summary>
    public class DependencyAuditTests
    {
        static string AdvisoryFile => Path.Combine(TestPaths.RepoRoot, "tests", "NetbootOci.Engine.Tests", "Dependencies", "known-advisories.json");

        /// <summary>Projects of the solution (their restore output must exist: tests run after the build).</summary>
        static IEnumerable<string> SolutionProjects() =>
            File.ReadLines(Path.Combine(TestPaths.RepoRoot, "NetbootOci.sln"))
                .Where(l => l.StartsWith("Project(", StringComparison.Ordinal))
                .Select(l => l.Split(',')[1].Trim().Trim('"').Replace('\\', Path.DirectorySeparatorChar))
                .Where(p => p.EndsWith(".csproj", StringComparison.Ordinal))
                .Select(p => Path.Combine(TestPaths.RepoRoot, p));

        static string AssetsOf(string project) => Path.Combine(Path.GetDirectoryName(project)!, "obj", "project.assets.json");

        /// <summary>Every package the project resolved, in any target framework, plus its PackageDownloads.</summary>
        internal static IEnumerable<(string Id, string Version)> ResolvedPackages(JsonElement assets)
        {
            foreach (var target in assets.GetProperty("targets").EnumerateObject())
                foreach (var lib in target.Value.EnumerateObject())
                {
                    if (!lib.Value.TryGetProperty("type", out var type) || type.GetString() != "package") continue;
                    int slash = lib.Name.IndexOf('/');
                    yield return (lib.Name.Substring(0, slash), lib.Name.Substring(slash + 1));
                }
            if (assets.TryGetProperty("project", out var project) && project.TryGetProperty("frameworks", out var frameworks))
                foreach (var fw in frameworks.EnumerateObject())
                    if (fw.Value.TryGetProperty("downloadDependencies", out var downloads))
                        foreach (var d in downloads.EnumerateArray())
                            // "[13.7.1, 13.7.1];[18.1.0, 18.1.0]": exact versions, one interval each.
                            foreach (string v in d.GetProperty("version").GetString()!.Split(';'))
                                yield return (d.GetProperty("name").GetString()!, v.Trim().Trim('[', ']').Split(',')[0].Trim());
        }

        internal sealed record Advisory(string Package, string Versions, string Url, string Why);

        internal static List<Advisory> KnownAdvisories()
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(AdvisoryFile));
            return doc.RootElement.GetProperty("advisories").EnumerateArray()
                .Select(a => new Advisory(a.GetProperty("package").GetString()!, a.GetProperty("versions").GetString()!, a.GetProperty("advisory").GetString()!, a.GetProperty("why").GetString()!))
                .ToList();
        }

        internal static IEnumerable<string> Findings(IEnumerable<(string Id, string Version)> packages, IEnumerable<Advisory> advisories) =>
            from p in packages.Distinct()
            from a in advisories
            where string.Equals(a.Package, p.Id, StringComparison.OrdinalIgnoreCase) && NuGetRange.Contains(a.Versions, p.Version)
            select $"{p.Id} {p.Version}: {a.Url} ({a.Why})";

        [Fact]
        public void NoProjectResolvesAPackageWithAKnownAdvisory()
        {
            var advisories = KnownAdvisories();
            Assert.NotEmpty(advisories);
            var findings = new List<string>();
            int projects = 0;
            foreach (string project in SolutionProjects())
            {
                string assets = AssetsOf(project);
                Assert.True(File.Exists(assets), $"{assets} is missing: build the solution before testing");
                using var doc = JsonDocument.Parse(File.ReadAllText(assets));
                var packages = ResolvedPackages(doc.RootElement).ToList();
                findings.AddRange(Findings(packages, advisories).Select(f => Path.GetFileName(project) + ": " + f));
                projects++;
            }
            Assert.True(projects >= 5, $"only {projects} projects found in NetbootOci.sln");
            Assert.True(findings.Count == 0, "packages with known vulnerabilities:\n" + string.Join("\n", findings.Distinct()));
        }

        [Fact]
        public void NuGetAuditReportedNoVulnerabilityDuringRestore()
        {
            // NU1901-NU1904 are NuGet's audit warnings (low..critical); restore records them in the assets file.
            var findings = new List<string>();
            foreach (string project in SolutionProjects())
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(AssetsOf(project)));
                var restore = doc.RootElement.GetProperty("project").GetProperty("restore");
                Assert.True(!restore.TryGetProperty("restoreAuditProperties", out var audit) || audit.GetProperty("enableAudit").GetString() != "false",
                    $"{project} turned NuGet audit off");
                if (!doc.RootElement.TryGetProperty("logs", out var logs)) continue;
                foreach (var log in logs.EnumerateArray())
                {
                    string code = log.GetProperty("code").GetString()!;
                    if (code is "NU1901" or "NU1902" or "NU1903" or "NU1904")
                        findings.Add($"{Path.GetFileName(project)}: {code} {log.GetProperty("message").GetString()}");
                }
            }
            Assert.True(findings.Count == 0, string.Join("\n", findings));
        }

        [Fact]
        public void TheCheckFlagsVulnerableVersionsAndPassesFixedOnes()
        {
            var advisories = KnownAdvisories();
            var flagged = Findings(new[] { ("Portable.BouncyCastle", "1.8.10"), ("BouncyCastle.Cryptography", "2.2.1"), ("system.text.json", "8.0.4"), ("YamlDotNet", "4.3.2") }, advisories).ToList();
            Assert.Contains(flagged, f => f.StartsWith("Portable.BouncyCastle 1.8.10", StringComparison.Ordinal));
            Assert.Equal(3, flagged.Count(f => f.StartsWith("BouncyCastle.Cryptography 2.2.1", StringComparison.Ordinal)));
            Assert.Contains(flagged, f => f.StartsWith("system.text.json 8.0.4: https://github.com/advisories/GHSA-8g4q-xg66-9fp4", StringComparison.Ordinal));
            Assert.Contains(flagged, f => f.StartsWith("YamlDotNet 4.3.2", StringComparison.Ordinal));
            Assert.Empty(Findings(new[] { ("BouncyCastle.Cryptography", "2.3.1"), ("BouncyCastle.Cryptography", "2.7.0"), ("System.Text.Json", "8.0.5"), ("System.Text.Json", "10.0.15"), ("YamlDotNet", "16.3.0") }, advisories));

            // The assets reader sees transitive packages and PackageDownloads, not projects.
            using var assets = JsonDocument.Parse("""
                {"targets":{"net10.0":{"A/1.0.0":{"type":"package"},"Lib/1.0.0":{"type":"project"},"Portable.BouncyCastle/1.8.10":{"type":"package"}}},
                 "project":{"frameworks":{"net10.0":{"downloadDependencies":[{"name":"YamlDotNet","version":"[13.7.1, 13.7.1];[18.1.0, 18.1.0]"}]}}}}
                """);
            Assert.Equal(new[] { ("A", "1.0.0"), ("Portable.BouncyCastle", "1.8.10"), ("YamlDotNet", "13.7.1"), ("YamlDotNet", "18.1.0") }, ResolvedPackages(assets.RootElement).ToArray());
        }

        [Theory]
        [InlineData("[0.0.0,2.3.1)", "2.3.0", true)]
        [InlineData("[0.0.0,2.3.1)", "2.3.1", false)]
        [InlineData("[0.0.0,2.3.1)", "2.3.1-beta1", true)]
        [InlineData("[8.0.0,8.0.5)", "8.0.0", true)]
        [InlineData("[8.0.0,8.0.5)", "8.0.0-preview.1", false)]
        [InlineData("[8.0.0,8.0.5)", "10.0.15", false)]
        [InlineData("(1.0,2.0]", "1.0", false)]
        [InlineData("(1.0,2.0]", "2.0.0", true)]
        [InlineData("[0.0.0,)", "99.1", true)]
        public void NuGetRangesFollowTheIntervalNotation(string range, string version, bool inside) =>
            Assert.Equal(inside, NuGetRange.Contains(range, version));
    }

    /// <summary>NuGet version ranges in interval notation, enough for advisories: numeric parts, prerelease before release.</summary>
    internal static class NuGetRange
    {
        public static bool Contains(string range, string version)
        {
            range = range.Trim();
            bool minInclusive = range[0] == '[', maxInclusive = range[range.Length - 1] == ']';
            string[] bounds = range.Substring(1, range.Length - 2).Split(',');
            if (bounds.Length != 2) throw new FormatException("not an interval: " + range);
            string min = bounds[0].Trim(), max = bounds[1].Trim();
            if (min.Length > 0) { int c = Compare(version, min); if (c < 0 || c == 0 && !minInclusive) return false; }
            if (max.Length > 0) { int c = Compare(version, max); if (c > 0 || c == 0 && !maxInclusive) return false; }
            return true;
        }

        static int Compare(string a, string b)
        {
            var (na, pa) = Parse(a);
            var (nb, pb) = Parse(b);
            for (int i = 0; i < 4; i++)
                if (na[i] != nb[i]) return na[i].CompareTo(nb[i]);
            if (pa == pb) return 0;
            if (pa.Length == 0) return 1;  // a release sorts after its prereleases
            if (pb.Length == 0) return -1;
            return string.Compare(pa, pb, StringComparison.OrdinalIgnoreCase);
        }

        static (long[] Numbers, string Prerelease) Parse(string v)
        {
            int dash = v.IndexOf('-');
            string core = dash < 0 ? v : v.Substring(0, dash);
            string pre = dash < 0 ? "" : v.Substring(dash + 1);
            var numbers = new long[4];
            string[] parts = core.Split('+')[0].Split('.');
            for (int i = 0; i < parts.Length && i < 4; i++) numbers[i] = long.Parse(parts[i]);
            return (numbers, pre);
        }
    }
}
