using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NetbootOci.Engine.Inventory;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Inventory
{
    /// <summary>
    /// Inventories that used to crash the reader (issue 12): an unclosed flow list, nesting deep enough to overflow the
    /// stack, a tab as indentation, bytes that are not UTF-8. Each is one InventoryInvalid error at the place of the
    /// problem, from the loader and from <c>netboot-oci sync --check</c> as a process.
    /// </summary>
    public sealed class InventoryHostileInputTests : IDisposable
    {
        readonly TempDir _dir = new TempDir("nboci-inventory-hostile");

        public void Dispose() => _dir.Dispose();

        string Write(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

        string WriteBytes(string name, byte[] bytes)
        {
            string path = _dir.Combine(name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        static InventoryError Single(string path)
        {
            var e = Assert.Throws<InventoryException>(() => InventoryLoader.Load(new[] { path }, _ => null));
            Assert.Equal(ErrorIds.InventoryInvalid, e.ErrorId);
            Assert.True(e.Errors.Count == 1, string.Join("\n", e.Errors));
            Assert.Equal(path, e.Errors[0].File);
            return e.Errors[0];
        }

        static void At(InventoryError error, int line, int column, string fragment)
        {
            Assert.True(error.Line == line && error.Column == column && error.Message.Contains(fragment),
                $"expected {line}:{column} '{fragment}', got {error}");
        }

        /// <summary>A typo seen in the field: the ']' is forgotten and the next keys follow.</summary>
        internal const string UnclosedSequence = "schemaVersion: 1\nregistries:\n  - name: r\n    url: oci:layout\noperatingSystems:\n  - name: fedora\n    version: \"40\"\n    architectures: [amd64\n    registry: r\nproxies:\n  - name: p\n    root: tftp\n";

        /// <summary>100 KB of '[': the recursive reader overflowed the stack and the process aborted.</summary>
        internal static string DeepSequence => "schemaVersion: 1\nproxies: " + new string('[', 50_000) + new string(']', 50_000) + "\n";

        internal static string DeepMapping => "schemaVersion: 1\nproxies: " + string.Concat(Enumerable.Repeat("{a: ", 25_000)) + "b" + new string('}', 25_000) + "\n";

        [Fact]
        public void An_unclosed_flow_sequence_is_an_inventory_error_at_the_next_key_naming_the_bracket()
        {
            // YamlDotNet's scanner throws InvalidOperationException here, not YamlException.
            var error = Single(Write("unclosed.yaml", UnclosedSequence));
            At(error, 9, 5, "YAML syntax error");
            Assert.Contains("'[' at line 8, column 20", error.Message);
        }

        [Theory]
        [InlineData("[")]
        [InlineData("{a: ")]
        public void Nesting_beyond_the_limit_is_an_error_where_the_limit_is_crossed(string opener)
        {
            string text = opener == "[" ? DeepSequence : DeepMapping;
            var error = Single(Write("deep.yaml", text));
            // The root mapping is level 1, the value of proxies level 2 (column 10): level 65 is opener number 64.
            At(error, 2, 10 + 63 * opener.Length, $"nesting is deeper than {YamlTreeReader.MaxDepth} levels");
        }

        [Fact]
        public void Nesting_up_to_the_limit_still_reads()
        {
            // 63 nested lists below the root mapping: the schema error proves the reader got through.
            string f = Write("deep-ok.yaml", "schemaVersion: 1\nproxies: " + new string('[', 63) + new string(']', 63) + "\n");
            At(Single(f), 2, 11, "proxies[0]: expected a mapping, found a list");
        }

        [Fact]
        public void A_tab_used_as_indentation_is_reported_at_the_tab()
        {
            const string head = "schemaVersion: 1\nregistries:\n  - name: r\n    url: oci:layout\noperatingSystems:\n  - name: debian\n    version: \"12\"\n    architectures: [amd64]\n    registry: r\nproxies:\n  - name: p\n    root: tftp\n";
            var sequence = Single(Write("tab-seq.yaml", head + "    hosts:\n    \t- mac: 52:54:00:12:34:56\n      os: debian-12\n"));
            At(sequence, 14, 5, "tab");
            var mapping = Single(Write("tab-map.yaml", head + "\toperatingSystems: [debian-12]\n"));
            At(mapping, 13, 1, "tab");
            var list = Single(Write("tab-list.yaml", "schemaVersion: 1\nproxies:\n\t- name: p\n"));
            At(list, 3, 1, "tab");
        }

        [Fact]
        public void A_byte_that_is_not_utf8_is_an_error_at_its_line_and_column()
        {
            // "é" is two bytes and one column; 0xFF is never UTF-8. Before, it became U+FFFD in the proxy's root.
            var bytes = Encoding.UTF8.GetBytes("schemaVersion: 1\nproxies:\n  - name: p\n    root: /srv/é-").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("tftp\n")).ToArray();
            var error = Single(WriteBytes("latin1.yaml", bytes));
            At(error, 4, 18, "not valid UTF-8: byte(s) FF");

            var truncated = Encoding.UTF8.GetBytes("schemaVersion: 1\n# \u20ac").Take(21).ToArray(); // the euro sign cut after 2 of its 3 bytes
            At(Single(WriteBytes("cut.yaml", truncated)), 2, 3, "not valid UTF-8: byte(s) E2 82");
        }

        [Fact]
        public void Utf8_and_utf16_with_a_byte_order_mark_still_read()
        {
            const string yaml = "schemaVersion: 1\nproxies:\n  - name: p\n    root: /srv/tftp-é\n";
            foreach (var (name, encoding) in new (string, Encoding)[] { ("bom8.yaml", new UTF8Encoding(true)), ("utf16.yaml", new UnicodeEncoding(false, true)), ("utf16be.yaml", new UnicodeEncoding(true, true)) })
            {
                string f = WriteBytes(name, encoding.GetPreamble().Concat(encoding.GetBytes(yaml)).ToArray());
                var inv = InventoryLoader.Load(new[] { f }, _ => null);
                Assert.Equal(Path.GetFullPath("/srv/tftp-é"), inv.Proxies.Single().Root);
            }
        }

        [Fact]
        public void A_file_over_the_size_cap_is_refused_before_parsing()
        {
            var bytes = new byte[InventoryText.MaxBytes + 1];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)'#';
            At(Single(WriteBytes("huge.yaml", bytes)), 1, 1, "larger than 16 MiB");
        }

        public static IEnumerable<object[]> CliCases() => new[]
        {
            new object[] { "unclosed", 9, 5, "'[' at line 8, column 20" },
            new object[] { "deep-sequence", 2, 73, "nesting is deeper than 64 levels" },
            new object[] { "deep-mapping", 2, 262, "nesting is deeper than 64 levels" },
            new object[] { "tab", 3, 1, "tab" },
            new object[] { "not-utf8", 4, 11, "not valid UTF-8" },
        };

        [Theory]
        [MemberData(nameof(CliCases))]
        public void Sync_check_exits_2_with_one_file_line_column_line_and_no_stack_trace(string name, int line, int column, string fragment)
        {
            string f = name switch
            {
                "unclosed" => Write("unclosed.yaml", UnclosedSequence),
                "deep-sequence" => Write("deep.yaml", DeepSequence),
                "deep-mapping" => Write("deep.yaml", DeepMapping),
                "tab" => Write("tab.yaml", "schemaVersion: 1\nproxies:\n\t- name: p\n"),
                _ => WriteBytes("bad.yaml", Encoding.UTF8.GetBytes("schemaVersion: 1\nproxies:\n  - name: p\n    root: ").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\n")).ToArray()),
            };
            var result = CliProcess.Run("sync", "--inventory", f, "--check");
            Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\n{result.Err}{result.Out}");
            var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
            Assert.Equal(new[] { "netboot-oci: InventoryInvalid: The inventory has 1 error:" }, lines.Take(1));
            Assert.Equal(2, lines.Count);
            Assert.StartsWith($"  {f}:{line}:{column}: ", lines[1]);
            Assert.Contains(fragment, lines[1]);
            Assert.DoesNotContain("   at ", result.Err);
            Assert.Equal("", result.Out);
        }
    }
}
