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
        /// is the index that tag resolved to, or, when the tag names the manifest itself, a multi-architecture index
        /// seen in the same run that lists it (signatures may be on either).
        /// When two different manifests claim the same OS, version and architecture, the one in the newest format
        /// (then the first by tag) is returned and a warning names both.
        /// Broken artifacts (a layer without title, a malformed digest or JSON) are errors naming the tag;
        /// layer problems are raised only for artifacts the filter selects.
        /// </remarks>
        public static async Task<IReadOnlyList<NetbootArtifact>> DiscoverAsync(IOciRepository repository, string? tagOrDigest,
            ArtifactFilter? filter, IEngineLog log, CancellationToken cancellationToken)
        {
            if (repository == null) throw new ArgumentNullException(nameof(repository));
            log = log ?? NullEngineLog.Instance;
            filter = filter ?? new ArtifactFilter();
            string repositoryName = repository.Reference.RepositoryName;

            var roots = new List<string>();
            if (tagOrDigest != null)
            {
                if (!Digest.IsValid(tagOrDigest) && !OciReference.IsValidTag(tagOrDigest))
                    throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument,
                        $"'{tagOrDigest}' is neither a tag nor a digest (in {repositoryName}).", tagOrDigest);
                roots.Add(tagOrDigest);
            }
            else
            {
                foreach (var tag in await repository.ListTagsAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (SkippedTags.IsSignatureOrReferrer(tag, out string why))
                        log.Verbose($"{repositoryName}: skipping tag '{tag}': {why}.");
                    else
                        roots.Add(tag);
                }
                roots.Sort(StringComparer.Ordinal);
                log.Verbose($"{repositoryName}: {roots.Count} tag(s) to inspect.");
            }

            var walker = new ManifestWalker(repository, log, cancellationToken);
            var walked = await walker.WalkAsync(roots).ConfigureAwait(false);

            var candidates = new List<Candidate>();
            var notNetboot = new List<string>();
            foreach (var item in walked)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var candidate = await ConsiderAsync(item, walker, repositoryName, log, notNetboot).ConfigureAwait(false);
                if (candidate == null) continue;
                if (!filter.Matches(candidate.Metadata.Name, candidate.Metadata.Version, candidate.Metadata.Architecture))
                {
                    log.Verbose($"{repositoryName}: {candidate.Metadata.Name} {candidate.Metadata.Version} {candidate.Metadata.Architecture} ({candidate.Best.Describe()}) does not match the filter.");
                    continue;
                }
                candidates.Add(candidate);
            }

            if (tagOrDigest != null && candidates.Count == 0 && notNetboot.Count > 0 && walked.Count == notNetboot.Count)
                throw new NetbootException(ErrorIds.UnknownFormat, FailureKind.InvalidData,
                    $"{repositoryName}:{tagOrDigest} is not a netboot artifact: {string.Join("; ", notNetboot)}.", tagOrDigest);

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

        sealed class Candidate
        {
            public ManifestContent Manifest = null!;
            public ImageManifest Model = null!;
            public List<ManifestSighting> Sightings = null!;
            public ManifestSighting Best = null!;
            public NetbootFormat Format;
            public DerivedMetadata Metadata = null!;
        }

        static async Task<Candidate?> ConsiderAsync(WalkedManifest item, ManifestWalker walker, string repositoryName, IEngineLog log, List<string> notNetboot)
        {
            var sightings = item.Sightings.OrderBy(s => s.Rank).ThenBy(s => s.Tag ?? "", StringComparer.Ordinal).ToList();
            var best = sightings[0];
            string where = $"manifest {item.Content.Digest} ({best.Describe()} of {repositoryName})";
            var model = item.Content.AsManifest(where);
            if (model.Layers == null)
                throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData, $"{where} has no 'layers' list.", item.Content.Digest);

            var format = FormatDetector.Detect(model, sightings, out string notNetbootReason);
            if (format == null)
            {
                log.Verbose($"{repositoryName}: skipping {best.Describe()}: {notNetbootReason}, not a netboot artifact.");
                notNetboot.Add($"{best.Describe()} is {notNetbootReason}");
                return null;
            }

            var metadata = MetadataDeriver.Derive(model, sightings, out string missing);
            if (metadata == null)
            {
                // Fedora-style per-arch tags (40-amd64) name no OS; the index tag without the suffix (40) does.
                var sibling = sightings.Where(s => s.Direct && s.Tag != null).Select(s => MetadataDeriver.ParseTag(s.Tag!)?.Stem)
                    .FirstOrDefault(stem => stem != null && !walker.HasWalked(stem) && OciReference.IsValidTag(stem));
                if (sibling != null)
                {
                    log.Verbose($"{repositoryName}: looking for the index tag '{sibling}' to name {best.Describe()}.");
                    try
                    {
                        foreach (var extra in await walker.WalkAsync(new[] { sibling }).ConfigureAwait(false))
                            if (extra.Content.Digest == item.Content.Digest) sightings.AddRange(extra.Sightings.Where(s => !s.Direct));
                    }
                    catch (NetbootException e) when (e.ErrorId == ErrorIds.ManifestNotFound)
                    {
                        log.Verbose($"{repositoryName}: no tag '{sibling}'.");
                    }
                    metadata = MetadataDeriver.Derive(model, sightings, out missing);
                }
            }
            if (metadata == null)
            {
                log.Warning($"{repositoryName}: {best.Describe()} looks like a netboot artifact (format {format}) but is skipped: {missing}.");
                return null;
            }
            log.Verbose($"{repositoryName}: {best.Describe()} is {metadata.Name} {metadata.Version} {metadata.Architecture}, format {format} (from {metadata.Source}).");
            return new Candidate { Manifest = item.Content, Model = model, Sightings = sightings, Best = best, Format = format.Value, Metadata = metadata };
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
                IndexDigest = best.IndexDigest ?? c.Sightings.FirstOrDefault(s => s.Rank == 2)?.IndexDigest,
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
