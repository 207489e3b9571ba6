using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Formats
{
    /// <summary>A per-architecture manifest and every way it was reached.</summary>
    internal sealed class WalkedManifest
    {
        public WalkedManifest(ManifestContent content) { Content = content; }
        public ManifestContent Content { get; }
        public List<ManifestSighting> Sightings { get; } = new List<ManifestSighting>();
    }

    /// <summary>
    /// Resolves tags (or digests) and walks indexes down to per-architecture manifests, fetching each
    /// distinct manifest once. Tags are fetched a few at a time; results come back in the order asked.
    /// </summary>
    internal sealed class ManifestWalker
    {
        const int MaxIndexDepth = 4;
        const int Parallelism = 4;
        const string DockerReferenceType = "vnd.docker.reference.type";

        readonly IOciRepository _repository;
        readonly IEngineLog _log;
        readonly CancellationToken _cancellationToken;
        readonly ConcurrentDictionary<string, Lazy<Task<ManifestContent>>> _byDigest = new ConcurrentDictionary<string, Lazy<Task<ManifestContent>>>(StringComparer.Ordinal);
        readonly ConcurrentDictionary<string, bool> _walked = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        public ManifestWalker(IOciRepository repository, IEngineLog log, CancellationToken cancellationToken)
        {
            _repository = repository;
            _log = log;
            _cancellationToken = cancellationToken;
        }

        string RepositoryName => _repository.Reference.RepositoryName;

        /// <summary>True when this tag or digest has been walked already.</summary>
        public bool HasWalked(string tagOrDigest) => _walked.ContainsKey(tagOrDigest);

        /// <summary>
        /// Walks each tag or digest; manifests are returned in the order first reached. A failure is raised,
        /// or with <paramref name="tolerant"/> noted on the verbose log and that tag left out.
        /// </summary>
        public async Task<List<WalkedManifest>> WalkAsync(IReadOnlyList<string> tagsOrDigests, bool tolerant = false)
        {
            var perTag = new List<(ManifestContent, ManifestSighting)>[tagsOrDigests.Count];
            using (var gate = new SemaphoreSlim(Parallelism, Parallelism))
            {
                var tasks = tagsOrDigests.Select(async (t, i) =>
                {
                    await gate.WaitAsync(_cancellationToken).ConfigureAwait(false);
                    try { perTag[i] = await WalkOneAsync(t).ConfigureAwait(false); }
                    catch (NetbootException e) when (tolerant)
                    {
                        _log.Verbose($"{RepositoryName}: ignoring '{t}': {e.Message}");
                        perTag[i] = new List<(ManifestContent, ManifestSighting)>();
                    }
                    finally { gate.Release(); }
                }).ToList();
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }

            var result = new List<WalkedManifest>();
            var index = new Dictionary<string, WalkedManifest>(StringComparer.Ordinal);
            foreach (var found in perTag)
            {
                foreach (var (content, sighting) in found)
                {
                    if (!index.TryGetValue(content.Digest, out var walked))
                    {
                        walked = new WalkedManifest(content);
                        index.Add(content.Digest, walked);
                        result.Add(walked);
                    }
                    walked.Sightings.Add(sighting);
                }
            }
            return result;
        }

        async Task<List<(ManifestContent, ManifestSighting)>> WalkOneAsync(string tagOrDigest)
        {
            _walked[tagOrDigest] = true;
            bool isDigest = Digest.IsValid(tagOrDigest);
            string? tag = isDigest ? null : tagOrDigest;
            string what = isDigest ? $"digest {tagOrDigest}" : $"tag '{tagOrDigest}'";
            var found = new List<(ManifestContent, ManifestSighting)>();
            try
            {
                var content = await _repository.GetManifestAsync(tagOrDigest, _cancellationToken).ConfigureAwait(false);
                _byDigest.TryAdd(content.Digest, new Lazy<Task<ManifestContent>>(() => Task.FromResult(content)));
                if (content.IsIndex)
                {
                    _log.Verbose($"{RepositoryName}: {what} is an index ({content.Digest}).");
                    await WalkIndexAsync(tag, content.Digest, content, null, null, null, 1, what, found).ConfigureAwait(false);
                }
                else if (MediaTypes.IsManifest(content.MediaType))
                {
                    _log.Verbose($"{RepositoryName}: {what} is a manifest ({content.Digest}).");
                    found.Add((content, new ManifestSighting { Tag = tag, TagDigest = content.Digest }));
                }
                else
                {
                    _log.Verbose($"{RepositoryName}: skipping {what}: media type '{content.MediaType}' is neither a manifest nor an index.");
                }
            }
            catch (NetbootException e) when (!e.Message.Contains(what))
            {
                throw new NetbootException(e.ErrorId, e.Kind, $"{RepositoryName}, {what}: {e.Message}", e.Target ?? tagOrDigest, e);
            }
            return found;
        }

        async Task WalkIndexAsync(string? tag, string tagDigest, ManifestContent content, Platform? outerPlatform,
            SortedDictionary<string, string>? outerAnnotations, string? outerArtifactType, int depth, string what,
            List<(ManifestContent, ManifestSighting)> found)
        {
            var index = content.AsIndex($"index {content.Digest} ({what} of {RepositoryName})");
            if (index.Manifests == null)
                throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData,
                    $"Index {content.Digest} ({what} of {RepositoryName}) has no 'manifests' list.", content.Digest);
            foreach (var entry in index.Manifests)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (entry == null) continue;
                Digest.Validate(entry.Digest, $"an entry of index {content.Digest} ({what} of {RepositoryName})");
                if (entry.Annotation(DockerReferenceType) != null)
                {
                    _log.Verbose($"{RepositoryName}: skipping {entry.Digest} in {what}: a '{entry.Annotation(DockerReferenceType)}' entry.");
                    continue;
                }
                if (!MediaTypes.IsIndex(entry.MediaType) && !MediaTypes.IsManifest(entry.MediaType))
                {
                    _log.Verbose($"{RepositoryName}: skipping {entry.Digest} in {what}: media type '{entry.MediaType}'.");
                    continue;
                }
                var child = await FetchAsync(entry.Digest).ConfigureAwait(false);
                if (child.Size != entry.Size)
                    throw new NetbootException(ErrorIds.SizeMismatch, FailureKind.InvalidData,
                        $"Index {content.Digest} ({what} of {RepositoryName}) says {entry.Digest} is {entry.Size} bytes; it is {child.Size}.", entry.Digest);
                var platform = entry.Platform ?? outerPlatform;
                var annotations = Merge(outerAnnotations, entry.Annotations);
                string? artifactType = entry.ArtifactType ?? outerArtifactType;
                if (child.IsIndex)
                {
                    if (depth >= MaxIndexDepth)
                        throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData,
                            $"Indexes nest more than {MaxIndexDepth} deep under {what} of {RepositoryName}.", entry.Digest);
                    await WalkIndexAsync(tag, tagDigest, child, platform, annotations, artifactType, depth + 1, what, found).ConfigureAwait(false);
                    continue;
                }
                found.Add((child, new ManifestSighting
                {
                    Tag = tag,
                    TagDigest = tagDigest,
                    IndexDigest = content.Digest,
                    IndexEntryCount = index.Manifests.Count,
                    IndexAnnotations = index.Annotations,
                    Platform = platform,
                    EntryAnnotations = annotations,
                    EntryArtifactType = artifactType,
                }));
            }
        }

        Task<ManifestContent> FetchAsync(string digest) =>
            _byDigest.GetOrAdd(digest, d => new Lazy<Task<ManifestContent>>(() => _repository.GetManifestAsync(d, _cancellationToken))).Value;

        static SortedDictionary<string, string>? Merge(SortedDictionary<string, string>? outer, SortedDictionary<string, string>? inner)
        {
            if (outer == null) return inner;
            if (inner == null) return outer;
            var merged = new SortedDictionary<string, string>(outer, StringComparer.Ordinal);
            foreach (var kv in inner) merged[kv.Key] = kv.Value;
            return merged;
        }
    }
}
