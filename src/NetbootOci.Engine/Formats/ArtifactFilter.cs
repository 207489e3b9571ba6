using System.Linq;

namespace NetbootOci.Engine.Formats
{
    /// <summary>Wildcard filters (PowerShell-style * and ?), case-insensitive; null matches all.</summary>
    public sealed class ArtifactFilter
    {
        public string[]? Name { get; set; }
        public string[]? Version { get; set; }
        /// <summary>Matched against the OCI name and its other spellings, so <c>x86_64</c> selects amd64.</summary>
        public string[]? Architecture { get; set; }

        /// <summary>True when the name, version and architecture each match one of their patterns (or no pattern is given).</summary>
        public bool Matches(string name, string version, string architecture) =>
            MatchesAny(Name, name) && MatchesAny(Version, version) &&
            (Empty(Architecture) || ArchitectureNames.Spellings(architecture).Any(a => MatchesAny(Architecture, a)));

        public bool Matches(NetbootArtifact artifact) => Matches(artifact.Name, artifact.Version, artifact.Architecture);

        static bool Empty(string[]? patterns) => patterns == null || patterns.Length == 0;

        static bool MatchesAny(string[]? patterns, string value) =>
            Empty(patterns) || patterns!.Any(p => p != null && new WildcardPattern(p).IsMatch(value));
    }
}
