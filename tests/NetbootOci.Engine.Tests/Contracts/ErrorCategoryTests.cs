using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Contracts
{
    /// <summary>The category a script sees for an id is the README table's, for every id (one table, no drift).</summary>
    public sealed class ErrorCategoryTests
    {
        [Fact]
        public void EveryIdHasTheReadmeCategory()
        {
            string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
            var section = Regex.Match(readme, @"(?ms)^## Error ids\s*$(.*?)(?=^## |\z)");
            Assert.True(section.Success, "README.md has no '## Error ids' section");
            var rows = Regex.Matches(section.Groups[1].Value, @"(?m)^\|\s*`(\w+)`\s*\|\s*(\w+)\s*\|")
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            var ids = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
            Assert.True(ids.Count > 40);
            var wrong = ids.Where(id => !rows.TryGetValue(id, out string? documented) || documented != ErrorIds.CategoryOf(id).ToString())
                .Select(id => $"{id}: README {(rows.TryGetValue(id, out string? d) ? d : "(missing)")}, code {ErrorIds.CategoryOf(id)}").ToList();
            Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        }

        [Fact]
        public void AnUnknownIdIsNotSpecified() => Assert.Equal(FailureKind.NotSpecified, ErrorIds.CategoryOf("NoSuchId"));
    }
}
