using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Publish
{
    /// <summary>
    /// Publishes boot files as a format C netboot artifact: per-architecture manifest and tag, merged into the
    /// multi-architecture index. Everything the user can get wrong is checked before the first byte is sent,
    /// and no tag moves until every blob and the manifest were accepted.
    /// </summary>
    public sealed class ArtifactPublisher
    {
        static readonly Regex NamePattern = new Regex("^[a-z0-9._-]+$", RegexOptions.CultureInvariant);
        readonly Func<OciReference, IOciRepository> _open;
        readonly IEngineLog _log;

        /// <param name="open">Opens the target repository (normally <see cref="RepositoryFactory.Open(OciReference, RegistryOptions)"/>).</param>
        public ArtifactPublisher(Func<OciReference, IOciRepository> open, IEngineLog? log = null)
        {
            _open = open;
            _log = log ?? NullEngineLog.Instance;
        }

        public ArtifactPublisher(RegistryOptions options)
            : this(reference => RepositoryFactory.Open(reference, options), options.Log) { }

        public async Task<PublishResult> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
        {
            // 1. Everything that can be checked locally, before any network or disk write.
            var plan = Prepare(request);
            PublishFileSet.CheckReadable(plan.Files);

            using (var repository = _open(plan.Target))
            {
                // 2. Where the tags are now (an index tag holding a plain manifest is refused here, before any upload).
                var currentTag = await ResolveOrNullAsync(repository, plan.Tag, cancellationToken).ConfigureAwait(false);
                var currentIndex = await ReadIndexOrNullAsync(repository, plan.IndexTag, cancellationToken).ConfigureAwait(false);

                // 3. Hash the files; unless planning, each blob goes up as soon as its digest is known (HEAD skips
                //    what the target has). Blobs alone are invisible: nothing is tagged yet.
                long uploaded = 0;
                if (request.WhatIf)
                    await PublishFileSet.HashAsync(plan.Files, Math.Max(1, Environment.ProcessorCount), _log, cancellationToken).ConfigureAwait(false);
                else
                    uploaded = await HashAndPushBlobsAsync(repository, plan, request, cancellationToken).ConfigureAwait(false);

                var manifest = NetbootManifestBuilder.Build(plan.Files, plan.Name, plan.Version, plan.Architecture,
                    request.EntryPoint, request.AltEntryPoint, request.LegacyEntryPoint, request.Annotations, request.Created);
                var result = new PublishResult
                {
                    Name = plan.Name,
                    Version = plan.Version,
                    Architecture = plan.Architecture,
                    Tag = plan.Tag,
                    IndexTag = plan.IndexTag,
                    Digest = manifest.Digest,
                    Reference = plan.Target.WithTag(plan.Tag).WithDigest(manifest.Digest).ToString(),
                    Files = plan.Files.Select(f => f.Title).ToList(),
                    Manifest = Encoding.UTF8.GetString(manifest.Bytes),
                    WhatIf = request.WhatIf,
                    BytesUploaded = uploaded,
                };

                // 4. Compare digests: which tags would move, and the index they would get.
                bool tagMoves = currentTag?.Digest != manifest.Digest;
                bool indexMoves = currentIndex == null || !currentIndex.Value.Index.Manifests.Any(m =>
                    m.Digest == manifest.Digest && m.Platform?.Os == "linux" && m.Platform?.Architecture == plan.Architecture
                    && string.IsNullOrEmpty(m.Platform?.Variant));
                byte[] indexBytes;
                if (indexMoves)
                {
                    var merged = IndexMerger.Merge(currentIndex?.Index, manifest.ToDescriptor(), plan.Architecture, plan.IndexOsVersion);
                    indexBytes = OciJson.Serialize(merged);
                    result.IndexDigest = Digest.Sha256(indexBytes);
                }
                else
                {
                    indexBytes = Array.Empty<byte>();
                    result.IndexDigest = currentIndex!.Value.Digest;
                }
                result.Changed = tagMoves || indexMoves;
                if (tagMoves) result.PreviousDigest = currentTag?.Digest;
                if (indexMoves) result.PreviousIndexDigest = currentIndex?.Digest;

                if (request.WhatIf)
                {
                    _log.Verbose($"WhatIf: would publish {plan.Files.Count} files as {result.Reference}" +
                                 (result.Changed ? "" : " (already there: nothing would change)"));
                    return result;
                }
                if (!result.Changed)
                {
                    _log.Verbose($"{plan.Target.WithTag(plan.Tag)} already holds {manifest.Digest} and index {plan.IndexTag} lists it: nothing to do.");
                    if (request.BeforeTagging != null) await request.BeforeTagging(repository, result, cancellationToken).ConfigureAwait(false);
                    return result;
                }

                // 5. The manifest untagged (its blobs are all in), then the tags.
                if (tagMoves)
                {
                    await PushManifestAsync(repository, manifest.Bytes, manifest.MediaType, null, manifest.Digest, cancellationToken).ConfigureAwait(false);
                }
                if (request.BeforeTagging != null) await request.BeforeTagging(repository, result, cancellationToken).ConfigureAwait(false);
                if (tagMoves)
                {
                    await PushManifestAsync(repository, manifest.Bytes, manifest.MediaType, plan.Tag, manifest.Digest, cancellationToken).ConfigureAwait(false);
                    _log.Verbose($"Tag {plan.Tag} -> {manifest.Digest}" + (currentTag == null ? "" : $" (was {currentTag.Digest})"));
                }
                if (indexMoves)
                {
                    await PushManifestAsync(repository, indexBytes, MediaTypes.OciIndex, null, result.IndexDigest, cancellationToken).ConfigureAwait(false);
                    await PushManifestAsync(repository, indexBytes, MediaTypes.OciIndex, plan.IndexTag, result.IndexDigest, cancellationToken).ConfigureAwait(false);
                    _log.Verbose($"Tag {plan.IndexTag} -> index {result.IndexDigest}" + (currentIndex == null ? "" : $" (was {currentIndex.Value.Digest})"));
                }
                return result;
            }
        }

        sealed class Plan
        {
            public OciReference Target = null!;
            public string Name = "", Version = "", Architecture = "", Tag = "", IndexTag = "", IndexOsVersion = "";
            public IReadOnlyList<PublishFile> Files = Array.Empty<PublishFile>();
            public string? MountFrom;
        }

        Plan Prepare(PublishRequest request)
        {
            CheckName(request.Name, "name");
            CheckName(request.Version, "version");
            CheckName(request.Architecture, "architecture");
            string architecture = Architectures.Normalize(request.Architecture);

            if (string.IsNullOrWhiteSpace(request.Reference))
                throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument, "A target reference (repository[:tag] or oci:DIR) is required.");
            var reference = OciReference.Parse(request.Reference);
            if (reference.Digest != null)
                throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument,
                    $"Cannot publish to '{request.Reference}': a digest names existing content; give a repository and optionally a tag.", request.Reference);

            string? mountFrom = null;
            if (!string.IsNullOrEmpty(request.MountFrom))
            {
                var from = OciReference.Parse(request.MountFrom!);
                if (from.IsLayout || reference.IsLayout || from.Registry != reference.Registry)
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument,
                        $"Cannot mount from '{request.MountFrom}': mounting works only between repositories of the same registry as '{reference.RepositoryName}'.", request.MountFrom);
                mountFrom = from.Repository;
            }

            NetbootManifestBuilder.ValidateUserAnnotations(request.Annotations);
            var files = PublishFileSet.Collect(request.Paths, _log);
            CheckEntryPoint(request.EntryPoint, "entry point", files);
            CheckEntryPoint(request.AltEntryPoint, "alternative entry point", files);
            CheckEntryPoint(request.LegacyEntryPoint, "legacy entry point", files);

            string indexTag = request.Name + "-" + request.Version;
            string tag = reference.Tag ?? indexTag + "-" + architecture;
            foreach (var t in new[] { tag, indexTag })
                if (!OciReference.IsValidTag(t))
                    throw new NetbootException(ErrorIds.InvalidName, FailureKind.InvalidArgument,
                        $"'{t}' is not a valid tag (at most 128 characters, not starting with '.' or '-').", t);
            if (tag == indexTag)
                throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument,
                    $"The per-architecture tag '{tag}' would be the index tag too; choose another tag.", tag);

            return new Plan
            {
                Target = reference.RepositoryOnly(),
                Name = request.Name,
                Version = request.Version,
                Architecture = architecture,
                Tag = tag,
                IndexTag = indexTag,
                IndexOsVersion = indexTag,
                Files = files,
                MountFrom = mountFrom,
            };
        }

        static void CheckName(string? value, string what)
        {
            if (string.IsNullOrEmpty(value) || !NamePattern.IsMatch(value))
                throw new NetbootException(ErrorIds.InvalidName, FailureKind.InvalidArgument,
                    $"Invalid {what} '{value}': use lowercase letters, digits, '.', '_' and '-' only.", value);
        }

        static void CheckEntryPoint(string? entryPoint, string what, IReadOnlyList<PublishFile> files)
        {
            if (string.IsNullOrEmpty(entryPoint)) return;
            if (!files.Any(f => string.Equals(f.Title, entryPoint, StringComparison.Ordinal)))
                throw new NetbootException(ErrorIds.EntryPointNotFound, FailureKind.InvalidArgument,
                    $"The {what} '{entryPoint}' is not among the files to publish ({string.Join(", ", files.Select(f => f.Title))}).", entryPoint);
        }

        async Task<long> HashAndPushBlobsAsync(IOciRepository repository, Plan plan, PublishRequest request, CancellationToken cancellationToken)
        {
            var config = Descriptor.EmptyJson();
            long uploaded = await Rejected(() => repository.PushBlobAsync(config, () => new System.IO.MemoryStream(new byte[] { (byte)'{', (byte)'}' }, false),
                new BlobPushOptions { MountFrom = plan.MountFrom }, cancellationToken), "config blob").ConfigureAwait(false);

            var sizes = plan.Files.Select(f => new System.IO.FileInfo(f.Path).Length).ToArray();
            long total = sizes.Sum();
            long[] done = new long[plan.Files.Count];
            string activity = "Publishing " + plan.Tag;
            // The first failure stops the other transfers.
            using (var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (var hashGate = new SemaphoreSlim(Math.Max(1, Environment.ProcessorCount)))
            using (var pushGate = new SemaphoreSlim(Math.Max(1, request.Parallelism)))
            {
                var ct = failFast.Token;
                // Largest first: its hash (which must finish before its upload can start) overlaps the small files' uploads.
                var tasks = Enumerable.Range(0, plan.Files.Count).OrderByDescending(i => sizes[i]).Select(async i =>
                {
                    var file = plan.Files[i];
                    try
                    {
                        await hashGate.WaitAsync(ct).ConfigureAwait(false);
                        try { await Task.Run(() => PublishFileSet.Hash(file, ct), ct).ConfigureAwait(false); }
                        finally { hashGate.Release(); }
                        _log.Verbose($"{file.Title}: {file.Digest} ({file.Size} bytes)");

                        await pushGate.WaitAsync(ct).ConfigureAwait(false);
                        try
                        {
                            var options = new BlobPushOptions
                            {
                                MountFrom = plan.MountFrom,
                                Chunked = request.Chunked,
                                ChunkSize = request.ChunkSize,
                                OnProgress = sent =>
                                {
                                    Interlocked.Exchange(ref done[i], sent);
                                    _log.Progress(new TransferProgress { ActivityId = 1, Activity = activity, Status = file.Title, BytesDone = done.Sum(), BytesTotal = total });
                                },
                            };
                            long sent = await Rejected(() => repository.PushBlobAsync(file.ToLayer(), file.Open, options, ct), file.Title).ConfigureAwait(false);
                            Interlocked.Add(ref uploaded, sent);
                            _log.Verbose(sent > 0 ? $"{file.Title}: uploaded {sent} bytes" : $"{file.Title}: already in the repository (or mounted)");
                        }
                        finally { pushGate.Release(); }
                    }
                    catch
                    {
                        failFast.Cancel();
                        throw;
                    }
                }).ToList();
                try { await Task.WhenAll(tasks).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Report the failure that stopped the others, not their cancellation.
                    var first = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException).FirstOrDefault(e => !(e is OperationCanceledException));
                    if (first != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
                    throw;
                }
            }
            _log.Progress(new TransferProgress { ActivityId = 1, Activity = activity, Status = "done", BytesDone = total, BytesTotal = total, Completed = true });
            return uploaded;
        }

        static async Task PushManifestAsync(IOciRepository repository, byte[] bytes, string mediaType, string? tag, string expected, CancellationToken cancellationToken)
        {
            string what = tag == null ? (MediaTypes.IsIndex(mediaType) ? "index " : "manifest ") + expected : "tag " + tag;
            string digest = await Rejected(() => repository.PushManifestAsync(bytes, mediaType, tag, cancellationToken), what, manifest: true).ConfigureAwait(false);
            if (digest != expected)
                throw new NetbootException(ErrorIds.PublishRejected, FailureKind.InvalidData,
                    $"{repository.Reference.RepositoryName} stored {what} as {digest}, not {expected}: the registry altered the bytes.", repository.Reference.ToString());
        }

        /// <summary>
        /// A refusal by the target becomes <see cref="ErrorIds.PublishRejected"/>, keeping the registry's own message
        /// (its error body). For manifests a 403 is a refusal too: the blobs were just accepted with the same
        /// credentials, so it is a policy about the content (distribution's "unknown manifest class"), not access.
        /// </summary>
        static async Task<T> Rejected<T>(Func<Task<T>> push, string what, bool manifest = false)
        {
            try { return await push().ConfigureAwait(false); }
            catch (NetbootException e) when (IsRejection(e) || manifest && (e.ErrorId == ErrorIds.AccessDenied || e.Kind == FailureKind.PermissionDenied))
            {
                throw new NetbootException(ErrorIds.PublishRejected, e.Kind, $"The target rejected {what}: {e.Message}", e.Target, e);
            }
        }

        // A 4xx answer about the content. Network trouble, 5xx after retries, auth failures and a file that changed
        // on disk while it was sent (DigestMismatch/SizeMismatch) keep their own ids.
        static bool IsRejection(NetbootException e) =>
            (e.Kind == FailureKind.InvalidData || e.Kind == FailureKind.InvalidArgument)
            && e.ErrorId != ErrorIds.DigestMismatch && e.ErrorId != ErrorIds.SizeMismatch;

        static async Task<Descriptor?> ResolveOrNullAsync(IOciRepository repository, string tag, CancellationToken cancellationToken)
        {
            try { return await repository.ResolveAsync(tag, cancellationToken).ConfigureAwait(false); }
            catch (NetbootException e) when (IsAbsent(e)) { return null; }
        }

        async Task<(ImageIndex Index, string Digest)?> ReadIndexOrNullAsync(IOciRepository repository, string tag, CancellationToken cancellationToken)
        {
            var desc = await ResolveOrNullAsync(repository, tag, cancellationToken).ConfigureAwait(false);
            if (desc == null) return null;
            ManifestContent content;
            try { content = await repository.GetManifestAsync(desc.Digest, cancellationToken).ConfigureAwait(false); }
            catch (NetbootException e) when (IsAbsent(e)) { return null; }
            if (!content.IsIndex)
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument,
                    $"Tag '{tag}' in {repository.Reference.RepositoryName} holds a single manifest ({content.Digest}), not an index; refusing to replace it with the multi-architecture index.", tag);
            return (content.AsIndex($"index {tag} in {repository.Reference.RepositoryName}"), content.Digest);
        }

        // A target that does not exist yet (an empty folder, a new repository) simply has no tags.
        static bool IsAbsent(NetbootException e) =>
            e.ErrorId == ErrorIds.LayoutInvalid || e.ErrorId == ErrorIds.RepositoryNotFound || e.ErrorId == ErrorIds.ManifestNotFound;
    }
}
