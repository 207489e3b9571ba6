using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Cli
{
    /// <summary>The --os/--os-version/--arch filter of get and save, and the hint when an --os name exists nowhere there.</summary>
    public sealed class ArtifactSelection
    {
        public Option<string[]> Os { get; } = new Option<string[]>("--os") { Description = "Operating system name (wildcards * ? [a-z]; repeatable).", AllowMultipleArgumentsPerToken = false };
        public Option<string[]> OsVersion { get; } = new Option<string[]>("--os-version") { Description = "Operating system version (wildcards; repeatable).", AllowMultipleArgumentsPerToken = false };
        public Option<string[]> Arch { get; } = new Option<string[]>("--arch") { Description = "Architecture, amd64 or x86_64, arm64 or aarch64 (wildcards; repeatable).", AllowMultipleArgumentsPerToken = false };

        public void AddTo(Command command)
        {
            command.Options.Add(Os);
            command.Options.Add(OsVersion);
            command.Options.Add(Arch);
        }

        /// <summary>
        /// The artifacts at <paramref name="reference"/> that pass the filter. An --os pattern that matches no OS name
        /// there is a typo, not an empty answer: InvalidArgument naming the names that exist. (A version or
        /// architecture that matches nothing stays an empty result.)
        /// </summary>
        public async Task<IReadOnlyList<NetbootArtifact>> DiscoverAsync(ParseResult parse, IOciRepository repository, OciReference reference, IEngineLog log, CancellationToken ct)
        {
            var filter = new ArtifactFilter { Name = parse.GetValue(Os), Version = parse.GetValue(OsVersion), Architecture = parse.GetValue(Arch) };
            var artifacts = await ArtifactDiscovery.DiscoverAsync(repository, reference, filter, log, ct).ConfigureAwait(false);
            var names = filter.Name ?? Array.Empty<string>();
            if (names.Length == 0 || names.All(n => artifacts.Any(a => new ArtifactFilter { Name = new[] { n } }.Matches(a)))) return artifacts;

            // Only on this path: list every artifact there (a second walk) to name what exists.
            IReadOnlyList<NetbootArtifact> all;
            try { all = await ArtifactDiscovery.DiscoverAsync(repository, reference, null, NullEngineLog.Instance, ct).ConfigureAwait(false); }
            catch (NetbootException) { return artifacts; }
            var existing = all.Select(a => a.Name).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
            var unknown = names.Where(n => !existing.Any(e => new ArtifactFilter { Name = new[] { n } }.Matches(e, "", ""))).ToList();
            if (unknown.Count == 0) return artifacts;
            throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument,
                $"--os {string.Join(", ", unknown.Select(n => "'" + n + "'"))}: no such operating system at {reference}; " +
                (existing.Count == 0 ? "it has no netboot artifacts." : "the names there: " + string.Join(", ", existing) + "."),
                unknown[0]);
        }
    }
}
