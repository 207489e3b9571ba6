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

    /// <summary>Reads one YAML file (first document) into <see cref="YamlNode"/>s.</summary>
    internal static class YamlTreeReader
    {
        /// <summary>Returns the root node, or null with an error added when the text is not valid YAML.</summary>
        public static YamlNode? Read(string displayName, TextReader text, List<InventoryError> errors)
        {
            var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            try
            {
                var parser = new Parser(text);
                parser.Consume<StreamStart>();
                if (parser.TryConsume<StreamEnd>(out _)) return null;
                parser.Consume<DocumentStart>();
                if (parser.Accept<DocumentEnd>(out _)) return null;
                var root = ReadNode(parser, displayName, anchors);
                parser.Consume<DocumentEnd>();
                if (parser.Accept<DocumentStart>(out var extra))
                    errors.Add(Loc(displayName, extra.Start).Error("only one YAML document per file is allowed"));
                return root;
            }
            catch (YamlException e)
            {
                errors.Add(Loc(displayName, e.Start).Error("YAML syntax error: " + Clean(e.Message)));
                return null;
            }
        }

        static YamlNode ReadNode(IParser parser, string file, Dictionary<string, YamlNode> anchors)
        {
            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
            }
            if (parser.TryConsume<Scalar>(out var scalar))
            {
                bool plain = scalar.Style == ScalarStyle.Plain;
                string? value = scalar.Value;
                if (plain && (value.Length == 0 || value == "~" || value == "null" || value == "Null" || value == "NULL")) value = null;
                var node = new YamlNode { Kind = YamlKind.Scalar, Location = Loc(file, scalar.Start), Value = value, Plain = plain };
                Remember(scalar.Anchor, node, anchors);
                return node;
            }
            if (parser.TryConsume<MappingStart>(out var mapStart))
            {
                var node = new YamlNode { Kind = YamlKind.Mapping, Location = Loc(file, mapStart.Start) };
                Remember(mapStart.Anchor, node, anchors);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, file, anchors);
                    var value = ReadNode(parser, file, anchors);
                    node.Pairs.Add(new KeyValuePair<YamlNode, YamlNode>(key, value));
                }
                return node;
            }
            if (parser.TryConsume<SequenceStart>(out var seqStart))
            {
                var node = new YamlNode { Kind = YamlKind.Sequence, Location = Loc(file, seqStart.Start) };
                Remember(seqStart.Anchor, node, anchors);
                while (!parser.TryConsume<SequenceEnd>(out _))
                    node.Items.Add(ReadNode(parser, file, anchors));
                return node;
            }
            var unexpected = parser.Current!;
            throw new YamlException(unexpected.Start, unexpected.End, "unexpected " + unexpected.GetType().Name);
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
