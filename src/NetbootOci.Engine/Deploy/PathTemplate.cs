using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>Expands a path template ({os} {version} {arch} {tag} {digest}) into the safe relative segments of an OS entry.</summary>
    public static class PathTemplate
    {
        public static IReadOnlyList<string> Expand(string template, NetbootArtifact artifact)
        {
            if (string.IsNullOrWhiteSpace(template))
                throw Bad(template, "it is empty");
            if (template.StartsWith("/") || template.StartsWith("\\") || (template.Length >= 2 && template[1] == ':'))
                throw Bad(template, "it is absolute; it must be relative to the destination");
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                ["os"] = artifact.Name,
                ["version"] = artifact.Version,
                ["arch"] = artifact.Architecture,
                ["tag"] = artifact.Tag,
                ["digest"] = Digest.IsValid(artifact.Digest) ? Digest.Hex(artifact.Digest) : null,
            };
            var text = new StringBuilder();
            for (int i = 0; i < template.Length; i++)
            {
                if (template[i] != '{') { text.Append(template[i]); continue; }
                int close = template.IndexOf('}', i);
                if (close < 0) throw Bad(template, $"'{{' at position {i} is not closed");
                string key = template.Substring(i + 1, close - i - 1);
                if (!values.TryGetValue(key, out var value))
                    throw Bad(template, $"'{{{key}}}' is not a placeholder (use {{os}} {{version}} {{arch}} {{tag}} {{digest}})");
                if (string.IsNullOrEmpty(value))
                    throw Bad(template, $"the artifact {artifact} has no value for '{{{key}}}'");
                // A value is one segment: a '/' inside a version must not create directories.
                string? problem = FileNameRules.Problem(value);
                if (problem != null)
                    throw new NetbootException(ErrorIds.UnsafeFileName, FailureKind.InvalidData,
                        $"The artifact's {key} '{value}' cannot be a directory name: {problem} (artifact {artifact.Reference}).", value);
                text.Append(value);
                i = close;
            }
            var segments = text.ToString().Replace('\\', '/').Split('/').Where(s => s.Length > 0).ToList();
            if (segments.Count == 0) throw Bad(template, "it expands to nothing");
            foreach (var segment in segments)
            {
                string? problem = FileNameRules.Problem(segment);
                if (problem != null) throw Bad(template, $"the segment '{segment}' is unsafe: {problem}");
            }
            return segments;
        }

        static NetbootException Bad(string template, string why) =>
            new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, $"Invalid path template '{template}': {why}.", template);
    }
}
