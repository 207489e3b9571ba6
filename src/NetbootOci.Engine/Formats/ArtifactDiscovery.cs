using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Formats
{
    /// <summary>Finds the netboot artifacts in a repository, whatever format they were published in.</summary>
    public static class ArtifactDiscovery
    {
        /// <summary>
        /// With <paramref name="tagOrDigest"/> null: lists the repository's tags (skipping signature and referrer tags)
        /// and resolves each; otherwise resolves that one. Indexes are walked to per-architecture manifests.
        /// Returns one artifact per OS, version and architecture that passes <paramref name="filter"/>.
        /// Metadata that cannot be derived is a warning on <paramref name="log"/> naming the tag.
        /// </summary>
        /// <remarks>
        /// The same manifest is usually reachable several ways (<c>fedora-40-amd64</c> and the <c>fedora-40</c>
        /// index). It is emitted once, with metadata gathered from all of them. Its <see cref="NetbootArtifact.Tag"/>
        /// is the most specific tag: one naming the manifest itself, else a one-entry index (format B), else a
        /// multi-architecture index; ties go to the first tag in ordinal order. <see cref="NetbootArtifact.IndexDigest"/>
        /// is the index that tag resolved to, or, when the tag names the manifest itself, an index seen in the same run
        /// that lists it (the index tag without the arch suffix is looked up for that; signatures may be on either).
        /// When two different manifests claim the same OS, version and architecture, the one in the newest format
        /// (then the first by tag) is returned and a warning names both.
        /// Broken artifacts (a layer without title, a malformed digest or JSON) are errors naming the tag;
        /// layer problems are raised only for artifacts the filter selects.
        /// </remarks>
        public static Task<IReadOnlyList<NetbootArtifact>> DiscoverAsync(IOciRepository repository, string? tagOrDigest,
            ArtifactFilter? filter, IEngineLog log, CancellationToken cancellationToken)
        {
            if (repository == null) throw new ArgumentNullException(nameof(repository));
            string? tag = null, digest = null;
            if (tagOrDigest != null)
            {
                if (Digest.IsValid(tagOrDigest)) digest = tagOrDigest;
                else if (OciReference.IsValidTag(tagOrDigest)) tag = tagOrDigest;
                else throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument,
                    $"'{tagOrDigest}' is neither a tag nor a digest (in {repository.Reference.RepositoryName}).", tagOrDigest);
            }
            return DiscoverCoreAsync(repository, tag, digest, filter, log, cancellationToken);
        }

        /// <summary>
        /// As <see cref="DiscoverAsync(IOciRepository, string, ArtifactFilter, IEngineLog, CancellationToken)"/> for the tag and
        /// digest of <paramref name="reference"/> (its repository part is ignored: <paramref name="repository"/> is used).
        /// A pinned <c>repo:tag@digest</c> (what <see cref="NetbootArtifact.Reference"/> holds) reads the digest and uses the
        /// tag only as a hint for metadata that lives on its index (formats B and C), so a moved tag changes nothing.
        /// </summary>
        public static Task<IReadOnlyList<NetbootArtifact>> DiscoverAsync(IOciRepository repository, OciReference reference,
            ArtifactFilter? filter, IEngineLog log, CancellationToken cancellationToken)
        {
            if (repository == null) throw new ArgumentNullException(nameof(repository));
            if (reference == null) throw new ArgumentNullException(nameof(reference));
            return DiscoverCoreAsync(repository, reference.Tag, reference.Digest, filter, log, cancellationToken);
        }

        static async Task<IReadOnlyList<NetbootArtifact>> DiscoverCoreAsync(IOciRepository repository, string? tag, string? digest,
            ArtifactFilter? filter, IEngineLog log, CancellationToken cancellationToken)
        {
            log = log ?? NullEngineLog.Instance;
            filter = filter ?? new ArtifactFilter();
            var session = new Session(repository, log, cancellationToken);
            string repositoryName = session.RepositoryName;
            string? asked = digest != null ? (tag != null ? $"{tag}@{digest}" : digest) : tag;

            List<WalkedManifest> walked;
            if (digest != null)
            {
                walked = await session.Walker.WalkAsync(new[] { digest }).ConfigureAwait(false);
                if (tag != null) await session.AddHintAsync(tag, walked).ConfigureAwait(false);
            }
            else if (tag != null)
            {
                walked = await session.Walker.WalkAsync(new[] { tag }).ConfigureAwait(false);
            }
            else
            {
                walked = await session.Walker.WalkAsync(await session.ListTagsAsync().ConfigureAwait(false)).ConfigureAwait(false);
                session.WalkedAllTags = true;
            }

            var candidates = new List<Candidate>();
            var notNetboot = new List<string>();
            foreach (var item in walked)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var candidate = await ConsiderAsync(item, session, notNetboot).ConfigureAwait(false);
                if (candidate == null) continue;
                if (!filter.Matches(candidate.Metadata.Name, candidate.Metadata.Version, candidate.Metadata.Architecture))
                {
                    log.Verbose($"{repositoryName}: {candidate.Metadata.Name} {candidate.Metadata.Version} {candidate.Metadata.Architecture} ({candidate.Best.Describe()}) does not match the filter.");
                    continue;
                }
                candidates.Add(candidate);
            }

            if (asked != null && candidates.Count == 0 && walked.Count > 0 && walked.Count == notNetboot.Count)
                throw new NetbootException(ErrorIds.UnknownFormat, FailureKind.InvalidData,
                    $"{repositoryName}:{asked} is not a netboot artifact: {string.Join("; ", notNetboot)}.", asked);

            var artifacts = new List<NetbootArtifact>();
            foreach (var group in candidates.GroupBy(c => (c.Metadata.Name.ToLowerInvariant(), c.Metadata.Version.ToLowerInvariant(), c.Metadata.Architecture)))
            {
                var ordered = group.OrderByDescending(c => (int)c.Format).ThenBy(c => c.Best.Tag ?? "", StringComparer.Ordinal).ToList();
                var chosen = ordered[0];
                if (ordered.Count > 1)
                    log.Warning($"{repositoryName}: {chosen.Metadata.Name} {chosen.Metadata.Version} {chosen.Metadata.Architecture} is published more than once (" +
                        string.Join(", ", ordered.Select(c => $"{c.Best.Describe()} = {c.Manifest.Digest}, format {c.Format}")) +
                        $"); using {chosen.Best.Describe()}. Name the tag to get another.");
                artifacts.Add(Build(chosen, repository.Reference, log));
            }

            return artifacts
                .OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase)
                .ThenBy(a => a.Version, StringComparer.OrdinalIgnoreCase)
                .ThenBy(a => a.Architecture, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>One discovery run: the walker (and its manifest cache) plus the lazily listed tags.</summary>
        sealed class Session
        {
            public Session(IOciRepository repository, IEngineLog log, CancellationToken cancellationToken)
            {
                Repository = repository;
                Log = log;
                Walker = new ManifestWalker(repository, log, cancellationToken);
                CancellationToken = cancellationToken;
            }

            public CancellationToken CancellationToken { get; }

            public IOciRepository Repository { get; }
            public IEngineLog Log { get; }
            public ManifestWalker Walker { get; }
            public string RepositoryName => Repository.Reference.RepositoryName;
            public bool WalkedAllTags { get; set; }
            List<WalkedManifest>? _allTags;

            public async Task<List<string>> ListTagsAsync()
            {
                var roots = new List<string>();
                foreach (var tag in await Repository.ListTagsAsync(CancellationToken).ConfigureAwait(false))
                {
                    if (SkippedTags.IsSignatureOrReferrer(tag, out string why))
                        Log.Verbose($"{RepositoryName}: skipping tag '{tag}': {why}.");
                    else
                        roots.Add(tag);
                }
                roots.Sort(StringComparer.Ordinal);
                Log.Verbose($"{RepositoryName}: {roots.Count} tag(s) to inspect.");
                return roots;
            }

            /// <summary>Walks <paramref name="tag"/> and adds its sightings of manifests already found. It is only a hint: a missing or broken tag is a verbose note.</summary>
            public async Task AddHintAsync(string tag, List<WalkedManifest> found)
            {
                foreach (var extra in await Walker.WalkAsync(new[] { tag }, tolerant: true).ConfigureAwait(false))
                    foreach (var item in found.Where(f => f.Content.Digest == extra.Content.Digest))
                        item.Sightings.AddRange(extra.Sightings);
            }

            /// <summary>Every tag walked once (for a digest whose metadata lives on an index somewhere in the repository).</summary>
            public async Task<List<WalkedManifest>> AllTagsAsync()
            {
                if (_allTags == null)
                {
                    Log.Verbose($"{RepositoryName}: walking all tags to find the indexes that describe a digest.");
                    // Other tags' problems are not this digest's: they are noted, not raised.
                    _allTags = await Walker.WalkAsync(await ListTagsAsync().ConfigureAwait(false), tolerant: true).ConfigureAwait(false);
                }
                return _allTags;
            }
        }

        sealed class Candidate
        {
            public ManifestContent Manifest = null!;
            public ImageManifest Model = null!;
            public List<ManifestSighting> Sightings = null!;
            public ManifestSighting Best = null!;
            public NetbootFormat Format;
            public DerivedMetadata Metadata = null!;
        }

        static async Task<Candidate?> ConsiderAsync(WalkedManifest item, Session session, List<string> notNetboot)
        {
            string repositoryName = session.RepositoryName;
            var log = session.Log;
            var sightings = Ordered(item.Sightings);
            var best = sightings[0];
            string where = $"manifest {item.Content.Digest} ({best.Describe()} of {repositoryName})";
            var model = item.Content.AsManifest(where);
            if (model.Layers == null)
                throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData, $"{where} has no 'layers' list.", item.Content.Digest);

            var format = FormatDetector.Detect(model, sightings, out string notNetbootReason);
            if (format == null && !session.WalkedAllTags && sightings.All(s => s.Tag == null))
            {
                // Reached by digest only: format B's marker lives on an index entry somewhere in the repository.
                sightings = await WithRepositorySightingsAsync(item, session).ConfigureAwait(false);
                format = FormatDetector.Detect(model, sightings, out notNetbootReason);
            }
            if (format == null)
            {
                log.Verbose($"{repositoryName}: skipping {best.Describe()}: {notNetbootReason}, not a netboot artifact.");
                notNetboot.Add($"{best.Describe()} is {notNetbootReason}");
                return null;
            }

            if (sightings.All(s => s.Direct))
            {
                // A per-arch tag (fedora-40-amd64, 40-amd64) has its index under the tag without the suffix (formats.md §8):
                // the index gives IndexDigest and, for Fedora-style tags that name no OS, the name.
                var sibling = sightings.Where(s => s.Tag != null).Select(s => MetadataDeriver.ParseTag(s.Tag!)?.Stem)
                    .FirstOrDefault(stem => stem != null && !session.Walker.HasWalked(stem) && OciReference.IsValidTag(stem));
                if (sibling != null)
                {
                    log.Verbose($"{repositoryName}: looking for the index tag '{sibling}' of {best.Describe()}.");
                    var one = new List<WalkedManifest> { new WalkedManifest(item.Content) };
                    await session.AddHintAsync(sibling, one).ConfigureAwait(false);
                    sightings = Ordered(sightings.Concat(one[0].Sightings.Where(s => !s.Direct)));
                }
            }
            var metadata = MetadataDeriver.Derive(model, sightings, out string missing);
            if (metadata == null && !session.WalkedAllTags && sightings.All(s => s.Tag == null))
            {
                sightings = await WithRepositorySightingsAsync(item, session).ConfigureAwait(false);
                metadata = MetadataDeriver.Derive(model, sightings, out missing);
            }
            if (metadata == null)
            {
                log.Warning($"{repositoryName}: {best.Describe()} looks like a netboot artifact (format {format}) but is skipped: {missing}.");
                return null;
            }
            best = sightings[0];
            log.Verbose($"{repositoryName}: {best.Describe()} is {metadata.Name} {metadata.Version} {metadata.Architecture}, format {format} (from {metadata.Source}).");
            return new Candidate { Manifest = item.Content, Model = model, Sightings = sightings, Best = best, Format = format.Value, Metadata = metadata };
        }

        /// <summary>Tagged sightings first, then the most specific (direct, one-entry index, multi-arch index), then by tag.</summary>
        static List<ManifestSighting> Ordered(IEnumerable<ManifestSighting> sightings) =>
            sightings.OrderBy(s => s.Tag == null ? 1 : 0).ThenBy(s => s.Rank).ThenBy(s => s.Tag ?? "", StringComparer.Ordinal).ToList();

        static async Task<List<ManifestSighting>> WithRepositorySightingsAsync(WalkedManifest item, Session session)
        {
            var all = await session.AllTagsAsync().ConfigureAwait(false);
            var more = all.Where(w => w.Content.Digest == item.Content.Digest).SelectMany(w => w.Sightings);
            return Ordered(item.Sightings.Concat(more));
        }

        static NetbootArtifact Build(Candidate c, OciReference repository, IEngineLog log)
        {
            var best = c.Best;
            string where = $"manifest {c.Manifest.Digest} ({best.Describe()} of {repository.RepositoryName})";
            var pinned = best.Tag != null ? repository.WithTag(best.Tag).WithDigest(c.Manifest.Digest) : repository.RepositoryOnly().WithDigest(c.Manifest.Digest);

            var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (c.Model.Annotations != null)
                foreach (var kv in c.Model.Annotations) annotations[kv.Key] = kv.Value;
            foreach (var s in c.Sightings.Where(s => s.EntryAnnotations != null))
                foreach (var kv in s.EntryAnnotations!)
                    if (!annotations.ContainsKey(kv.Key)) annotations[kv.Key] = kv.Value;

            var artifact = new NetbootArtifact
            {
                Name = c.Metadata.Name,
                Version = c.Metadata.Version,
                Architecture = c.Metadata.Architecture,
                Reference = pinned.ToString(),
                Repository = repository.RepositoryName,
                Tag = best.Tag,
                Digest = c.Manifest.Digest,
                IndexDigest = best.IndexDigest ?? c.Sightings.FirstOrDefault(s => !s.Direct)?.IndexDigest,
                Format = c.Format,
                Files = FileListReader.ReadFiles(c.Model, where, log),
                Annotations = annotations,
            };
            if (artifact.Files.Count == 0)
                log.Warning($"{where} ({artifact.Name} {artifact.Version} {artifact.Architecture}) has no files.");
            FileListReader.SetEntryPoints(artifact, c.Model);
            artifact.Size = artifact.Files.GroupBy(f => f.Digest, StringComparer.Ordinal).Sum(g => g.First().Size);
            return artifact;
        }
    }
}
