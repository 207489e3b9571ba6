using System;
using System.Collections.Generic;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NetbootOci.Engine.Inventory
{
    /// <summary>Where something is in an inventory file (1-based line and column).</summary>
    public sealed class SourceLocation
    {
        public SourceLocation(string file, int line, int column)
        {
            File = file;
            Line = line;
            Column = column;
        }

        public string File { get; }
        public int Line { get; }
        public int Column { get; }

        /// <summary>The problem <paramref name="message"/> reported at this place.</summary>
        public InventoryError Error(string message) => new InventoryError(File, Line, Column, message);

        public override string ToString() => $"{File}:{Line}:{Column}";
    }

    internal enum YamlKind { Scalar, Mapping, Sequence }

    /// <summary>
    /// A YAML node with its position. Built from YamlDotNet's parser events rather than its
    /// representation model so that duplicate keys are reported (not thrown) and every node keeps its mark.
    /// </summary>
    internal sealed class YamlNode
    {
        public YamlKind Kind { get; set; }
        public SourceLocation Location { get; set; } = null!;
        /// <summary>Scalar text (null for a plain null: empty, ~ or null).</summary>
        public string? Value { get; set; }
        /// <summary>True when the scalar was written plain (unquoted): only plain scalars are booleans or numbers.</summary>
        public bool Plain { get; set; }
        public List<KeyValuePair<YamlNode, YamlNode>> Pairs { get; } = new List<KeyValuePair<YamlNode, YamlNode>>();
        public List<YamlNode> Items { get; } = new List<YamlNode>();

        public string Describe() => Kind == YamlKind.Scalar ? (Value == null ? "null" : "a scalar") : Kind == YamlKind.Mapping ? "a mapping" : "a list";
    }

    /// <summary>
    /// Reads one YAML file (first document) into <see cref="YamlNode"/>s. Whatever YamlDotNet throws on bad input
    /// becomes one positioned error, and nesting stops at <see cref="MaxDepth"/>: the reader recurses, and a
    /// stack overflow cannot be caught (a 100 KB file of <c>[</c> would abort the process).
    /// </summary>
    internal static class YamlTreeReader
    {
        /// <summary>Deepest nesting of mappings and lists; an inventory needs 5.</summary>
        public const int MaxDepth = 64;

        /// <summary>Returns the root node, or null with an error added when the text is not valid YAML.</summary>
        public static YamlNode? Read(string displayName, string text, List<InventoryError> errors)
        {
            var scanner = new Scanner(new StringReader(text), skipComments: true);
            var reader = new Reading(displayName);
            try
            {
                var parser = new Parser(scanner);
                parser.Consume<StreamStart>();
                if (parser.TryConsume<StreamEnd>(out _)) return null;
                parser.Consume<DocumentStart>();
                if (parser.Accept<DocumentEnd>(out _)) return null;
                var root = reader.ReadNode(parser, 1);
                parser.Consume<DocumentEnd>();
                if (parser.Accept<DocumentStart>(out var extra))
                    errors.Add(Loc(displayName, extra.Start).Error("only one YAML document per file is allowed"));
                return root;
            }
            catch (YamlException e)
            {
                string message = Clean(e.Message);
                errors.Add(Loc(displayName, IsTabProblem(message) ? TabMark(text, scanner.CurrentPosition, e.Start) : e.Start).Error("YAML syntax error: " + message));
                return null;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                // YamlDotNet's scanner throws InvalidOperationException (and could throw others) on some bad input,
                // for example an unclosed flow list followed by more keys: the input is wrong, not the program.
                errors.Add(Loc(displayName, scanner.CurrentPosition).Error("YAML syntax error: " + reader.Unparsable(text, scanner.CurrentPosition)));
                return null;
            }
        }

        static bool IsTabProblem(string message) => message.IndexOf("tab", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>
        /// YamlDotNet reports a tab used as indentation at the start of the enclosing node (often 1:1); the scanner
        /// stops at the tab itself. Falls back to the first tab after the reported start, then to that start.
        /// </summary>
        static Mark TabMark(string text, Mark current, Mark reported)
        {
            if (current.Index >= 0 && current.Index < text.Length && text[(int)current.Index] == '\t') return current;
            int from = (int)Math.Max(0, Math.Min(reported.Index, text.Length));
            int tab = text.IndexOf('\t', from);
            if (tab < 0) return reported;
            int line = 1, lineStart = 0;
            for (int i = 0; i < tab; i++)
                if (text[i] == '\n') { line++; lineStart = i + 1; }
            return new Mark(tab, line, tab - lineStart + 1);
        }

        sealed class Reading
        {
            readonly string _file;
            readonly Dictionary<string, YamlNode> _anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            // Flow collections ('[' and '{') open at the moment: an unparsable spot inside one is most often its missing close.
            readonly Stack<(char Open, Mark At)> _openFlows = new Stack<(char, Mark)>();

            public Reading(string file) { _file = file; }

            public string Unparsable(string text, Mark at)
            {
                if (_openFlows.Count > 0)
                {
                    var (open, start) = _openFlows.Peek();
                    return $"the '{open}' at line {start.Line}, column {start.Column} is not closed (a '{(open == '[' ? ']' : '}')}' is missing before this point)";
                }
                // The parser fails before it reports the collection: find the last bracket still open before here.
                var unclosed = LastUnclosedBracket(text, (int)Math.Min(Math.Max(0, at.Index), text.Length));
                if (unclosed is (char o, int line, int column))
                    return $"the text cannot be parsed here; is the '{o}' at line {line}, column {column} closed (a '{(o == '[' ? ']' : '}')}' missing)?";
                return "the text cannot be parsed here";
            }

            /// <summary>A rough scan (quotes and comments skipped) for a hint only; the error's position is the scanner's.</summary>
            static (char, int, int)? LastUnclosedBracket(string text, int end)
            {
                var open = new Stack<(char, int, int)>();
                int line = 1, column = 1;
                char quote = '\0';
                bool comment = false;
                for (int i = 0; i < end; i++, column++)
                {
                    char c = text[i];
                    if (c == '\n') { line++; column = 0; comment = false; if (quote == '\0') continue; }
                    if (comment) continue;
                    if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
                    if (c == '#' && (i == 0 || char.IsWhiteSpace(text[i - 1]))) comment = true;
                    else if (c == '\'' || c == '"') quote = c;
                    else if (c == '[' || c == '{') open.Push((c, line, column));
                    else if ((c == ']' || c == '}') && open.Count > 0) open.Pop();
                }
                return open.Count > 0 ? open.Peek() : ((char, int, int)?)null;
            }

            public YamlNode ReadNode(IParser parser, int depth)
            {
                if (parser.TryConsume<AnchorAlias>(out var alias))
                {
                    if (_anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                    throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
                }
                if (parser.TryConsume<Scalar>(out var scalar))
                {
                    bool plain = scalar.Style == ScalarStyle.Plain;
                    string? value = scalar.Value;
                    if (plain && (value.Length == 0 || value == "~" || value == "null" || value == "Null" || value == "NULL")) value = null;
                    var node = new YamlNode { Kind = YamlKind.Scalar, Location = Loc(_file, scalar.Start), Value = value, Plain = plain };
                    Remember(scalar.Anchor, node, _anchors);
                    return node;
                }
                if (parser.TryConsume<MappingStart>(out var mapStart))
                {
                    CheckDepth(depth, mapStart);
                    bool flow = mapStart.Style == MappingStyle.Flow;
                    if (flow) _openFlows.Push(('{', mapStart.Start));
                    var node = new YamlNode { Kind = YamlKind.Mapping, Location = Loc(_file, mapStart.Start) };
                    Remember(mapStart.Anchor, node, _anchors);
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var key = ReadNode(parser, depth + 1);
                        var value = ReadNode(parser, depth + 1);
                        node.Pairs.Add(new KeyValuePair<YamlNode, YamlNode>(key, value));
                    }
                    if (flow) _openFlows.Pop();
                    return node;
                }
                if (parser.TryConsume<SequenceStart>(out var seqStart))
                {
                    CheckDepth(depth, seqStart);
                    bool flow = seqStart.Style == SequenceStyle.Flow;
                    if (flow) _openFlows.Push(('[', seqStart.Start));
                    var node = new YamlNode { Kind = YamlKind.Sequence, Location = Loc(_file, seqStart.Start) };
                    Remember(seqStart.Anchor, node, _anchors);
                    while (!parser.TryConsume<SequenceEnd>(out _))
                        node.Items.Add(ReadNode(parser, depth + 1));
                    if (flow) _openFlows.Pop();
                    return node;
                }
                var unexpected = parser.Current!;
                throw new YamlException(unexpected.Start, unexpected.End, "unexpected " + unexpected.GetType().Name);
            }

            static void CheckDepth(int depth, ParsingEvent start)
            {
                if (depth > MaxDepth)
                    throw new YamlException(start.Start, start.End, $"nesting is deeper than {MaxDepth} levels (an inventory needs 5)");
            }
        }

        static void Remember(AnchorName anchor, YamlNode node, Dictionary<string, YamlNode> anchors)
        {
            if (!anchor.IsEmpty) anchors[anchor.Value] = node;
        }

        static SourceLocation Loc(string file, Mark mark) => new SourceLocation(file, (int)mark.Line, (int)mark.Column);

        // YamlDotNet prefixes messages with "(Line: 1, Col: 2, Idx: 3) - (…): "; the location is reported separately.
        static string Clean(string message)
        {
            int i = message.LastIndexOf("): ", StringComparison.Ordinal);
            return i >= 0 && message.StartsWith("(", StringComparison.Ordinal) ? message.Substring(i + 3) : message;
        }
    }
}
