using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Signing;
using NetbootOci.Engine.Store;

namespace NetbootOci.Engine.Deploy
{
    /// <summary>
    /// Save-NetbootArtifact's engine: deploys one artifact under a TFTP/HTTP root (README "Save"). Order of work:
    /// check the whole artifact and the destination (nothing written on refusal), take the store lock, return at
    /// once when the entry already serves this manifest's complete tree (no registry request), fetch the missing
    /// blobs in parallel into the content store, build the tree, switch the entry atomically, then prune.
    /// </summary>
    public static class ArtifactSaver
    {
        public static async Task<SaveResult> SaveAsync(IOciRepository repository, NetbootArtifact artifact, SaveOptions options,
            IEngineLog log, CancellationToken cancellationToken)
        {
            if (artifact == null) throw new ArgumentNullException(nameof(artifact));
            if (string.IsNullOrWhiteSpace(options.Destination))
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "Save needs a destination directory.");
            if (options.Parallelism < 1 || options.Parallelism > 64)
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, $"Parallelism must be 1 to 64 (got {options.Parallelism}).", options.Parallelism);

            // 1. Everything that can be refused is refused here, before the first write.
            var plan = DeployPlan.Build(artifact, options);
            var segments = PathTemplate.Expand(options.PathTemplate, artifact);
            var layout = new StoreLayout(options.Destination);
            string entry = Path.Combine(layout.Root, Path.Combine(segments.ToArray()));
            var guard = new RootGuard(layout.Root);
            guard.CheckDirectories(new[] { StoreLayout.DirectoryName, "blobs", "sha256" });
            guard.CheckDirectories(new[] { StoreLayout.DirectoryName, "tmp" });
            guard.CheckDirectories(new[] { StoreLayout.DirectoryName, "trees", Digest.Hex(plan.ManifestDigest) });
            guard.CheckDirectories(segments, lastMayBeLink: true);

            var trees = new TreeBuilder(layout, log);
            var switcher = new EntrySwitcher(layout, log);
            bool directoryMode = options.DirectoryEntries || switcher.IsDirectoryEntry(entry);
            var result = new SaveResult
            {
                Name = artifact.Name, Version = artifact.Version, Architecture = artifact.Architecture,
                Reference = artifact.Reference, Digest = artifact.Digest, Destination = layout.Root, Path = entry,
                Files = plan.Files.Select(f => f.Name).ToList(), EntryPoint = Link(plan, "boot"), AltEntryPoint = Link(plan, "boot-alt"),
                LegacyEntryPoint = Link(plan, "boot-legacy"), Tree = layout.TreePath(plan.ManifestDigest),
                Aliases = artifact.Aliases, MacAddress = artifact.MacAddress, HostTemplate = artifact.HostTemplate, LinkType = artifact.LinkType,
            };
            result.PreviousDigest = switcher.CurrentDigest(entry);
            string who = artifact.Reference.Length > 0 ? artifact.Reference : artifact.ToString();

            if (options.SignaturePolicy != null)
            {
                // Reads only registry metadata; nothing under the root is touched until the signature holds.
                var signature = await SignatureVerifier.VerifyAsync(repository, artifact.Digest, artifact.IndexDigest, options.SignaturePolicy, log, cancellationToken).ConfigureAwait(false);
                if (signature.Verified) log.Verbose($"{who}: signature verified ({signature.SignedDigest}).");
                else if (signature.AcceptedWhen(options.SignatureRequired))
                {
                    string warning = $"{who} is not signed ({signature.Reason}); deploying it because no signature is required.";
                    result.Warnings.Add(warning);
                    log.Warning(warning);
                }
                else signature.ThrowIfNotVerified();
            }

            if (options.WhatIf)
            {
                var missing = plan.Contents.Where(f => !File.Exists(layout.BlobPath(f.ContentDigest))).ToList();
                bool current = switcher.PointsAt(entry, segments, plan, directoryMode) && trees.Defects(plan).Count == 0;
                result.Changed = !current || options.Verify;
                result.BytesToDownload = missing.Sum(f => f.Size);
                result.Warnings.AddRange(plan.Warnings);
                log.Verbose(current
                    ? $"What if: '{entry}' already serves {who}; nothing would change{(options.Verify ? " unless verification finds damage" : "")}."
                    : $"What if: would deploy {who} at '{entry}' (now {result.PreviousDigest ?? "absent"}), downloading {missing.Count} blob(s), {result.BytesToDownload} bytes.");
                return result;
            }

            RequireFreeSpace(layout, plan, who);

            // 2. Under the lock: nobody else changes this root meanwhile.
            guard.CreateDirectories(new[] { StoreLayout.DirectoryName });
            using (StoreLock.Acquire(layout.LockPath, options.LockWait, log, cancellationToken))
            {
                guard.CreateDirectories(new[] { StoreLayout.DirectoryName, "blobs", "sha256" });
                guard.CreateDirectories(new[] { StoreLayout.DirectoryName, "tmp" });
                guard.CreateDirectories(new[] { StoreLayout.DirectoryName, "trees" });
                BlobFetcher.CleanStaleTemp(layout, log);
                var warnings = new ConcurrentQueue<string>(plan.Warnings);
                result.PreviousDigest = switcher.CurrentDigest(entry);

                if (!options.Verify && switcher.PointsAt(entry, segments, plan, directoryMode) && trees.Defects(plan).Count == 0)
                {
                    log.Verbose($"'{entry}' already serves {who} completely; nothing to download.");
                    result.Changed = false;
                    Report(plan, layout, options, warnings, log, who);
                    result.Warnings.AddRange(warnings);
                    if (options.Prune) ApplyPrune(layout, plan, result, log);
                    return result;
                }

                // 3. Store: fetch what is missing (or damaged, with Verify), each content once.
                var relink = new List<string>();
                if (options.Verify) relink.AddRange(VerifyDeployed(layout, plan, entry, directoryMode, log, warnings));
                var missing = plan.Contents.Where(f => !File.Exists(layout.BlobPath(f.ContentDigest))).ToList();
                result.BytesDownloaded = await FetchAsync(repository, layout, plan, missing, options, who, log, warnings, cancellationToken).ConfigureAwait(false);
                Report(plan, layout, options, warnings, log, who);

                // 4. Tree, then the one-step switch.
                guard.CheckDirectories(new[] { StoreLayout.DirectoryName, "trees", Digest.Hex(plan.ManifestDigest) });
                List<string> written;
                try { written = trees.Ensure(plan, relink); }
                catch (IOException e) when (DiskFull.Is(e)) { throw DiskFull.Error($"the tree of {who}", layout.TreePath(plan.ManifestDigest), e); }
                bool switched = false;
                if (!switcher.PointsAt(entry, segments, plan, directoryMode) || (directoryMode && relink.Count > 0))
                {
                    try
                    {
                        guard.CreateDirectories(segments.Take(segments.Count - 1));
                        if (!switcher.Switch(entry, segments, plan, directoryMode, trees))
                            switcher.Switch(entry, segments, plan, true, trees);
                    }
                    catch (IOException e) when (DiskFull.Is(e)) { throw DiskFull.Error($"the entry of {who}", entry, e); }
                    switched = true;
                    log.Verbose($"'{entry}' now serves {who} (was {result.PreviousDigest ?? "absent"}).");
                }
                result.Changed = switched || written.Count > 0;
                result.Repaired = relink;
                result.Warnings.AddRange(warnings);
                if (options.Prune) ApplyPrune(layout, plan, result, log);
                return result;
            }
        }

        static string? Link(DeployPlan plan, string name) => plan.Links.TryGetValue(name, out var target) ? target : null;

        static void ApplyPrune(StoreLayout layout, DeployPlan plan, SaveResult result, IEngineLog log)
        {
            var outcome = new Pruner(layout, log).Prune(plan.ManifestDigest);
            result.BytesFreed = outcome.BytesFreed;
            result.Pruned = outcome.Removed;
            if (outcome.Removed.Count > 0) log.Verbose($"Prune freed {outcome.BytesFreed} bytes ({outcome.Removed.Count} item(s)).");
        }

        /// <summary>Downloads the missing contents, <see cref="SaveOptions.Parallelism"/> at a time; returns bytes received.</summary>
        static async Task<long> FetchAsync(IOciRepository repository, StoreLayout layout, DeployPlan plan, List<NetbootFile> missing,
            SaveOptions options, string who, IEngineLog log, ConcurrentQueue<string> warnings, CancellationToken cancellationToken)
        {
            if (missing.Count == 0) return 0;
            var fetcher = new BlobFetcher(layout, log);
            var meter = new TransferMeter(log, "Saving " + who, missing.Sum(f => f.Size));
            using (var gate = new SemaphoreSlim(options.Parallelism))
            using (var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                long total = 0;
                var tasks = missing.Select(async file =>
                {
                    await gate.WaitAsync(failed.Token).ConfigureAwait(false);
                    try
                    {
                        log.Verbose($"Downloading '{file.Name}' ({file.Digest}, {file.Size} bytes).");
                        long n = await fetcher.FetchAsync(repository, file, who, meter.Child(file.Name, file.Size),
                            (path, f) => Inspect(path, f, who, options.Strict, warnings), failed.Token).ConfigureAwait(false);
                        Interlocked.Add(ref total, n);
                    }
                    catch
                    {
                        failed.Cancel(); // one failure stops the others; their partials stay for the next run
                        throw;
                    }
                    finally { gate.Release(); }
                }).ToList();
                try { await Task.WhenAll(tasks).ConfigureAwait(false); }
                catch
                {
                    var real = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException).FirstOrDefault(e => !(e is OperationCanceledException));
                    if (real != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(real).Throw();
                    throw;
                }
                meter.Complete();
                return total;
            }
        }

        /// <summary>Content checks on a proven blob before it enters the store (HTML pages, implausible sizes).</summary>
        static void Inspect(string path, NetbootFile representative, string who, bool strict, ConcurrentQueue<string> warnings)
        {
            string? problem = ContentSniffer.ContentProblem(path, representative.Name);
            if (problem == null) return;
            string message = ContentSniffer.Describe(representative, who, problem);
            if (strict) throw new NetbootException(ErrorIds.SuspiciousContent, FailureKind.InvalidData, message + " Refused (-Strict).", representative.Name);
        }

        /// <summary>Warnings for every deployed name whose stored content looks wrong (each title, even when titles share a blob).</summary>
        static void Report(DeployPlan plan, StoreLayout layout, SaveOptions options, ConcurrentQueue<string> warnings, IEngineLog log, string who)
        {
            var already = new HashSet<string>(warnings, StringComparer.Ordinal);
            foreach (var file in plan.Files)
            {
                string blob = layout.BlobPath(file.ContentDigest);
                if (!File.Exists(blob)) continue;
                string? problem = ContentSniffer.ContentProblem(blob, file.Name);
                if (problem == null) continue;
                string message = ContentSniffer.Describe(file, who, problem);
                if (options.Strict) throw new NetbootException(ErrorIds.SuspiciousContent, FailureKind.InvalidData, message + " Refused (-Strict).", file.Name);
                if (already.Add(message)) warnings.Enqueue(message);
            }
            foreach (var w in warnings) log.Warning(w);
        }

        /// <summary>
        /// Re-hashes the store blobs and the deployed files; a damaged blob is removed (fetched again), a damaged
        /// file is relinked. Returns the file names to relink.
        /// </summary>
        static List<string> VerifyDeployed(StoreLayout layout, DeployPlan plan, string entry, bool directoryMode, IEngineLog log, ConcurrentQueue<string> warnings)
        {
            var bad = new HashSet<string>(StringComparer.Ordinal);
            foreach (var content in plan.Contents)
            {
                string blob = layout.BlobPath(content.ContentDigest);
                if (File.Exists(blob) && Digest.Sha256File(blob) != content.ContentDigest)
                {
                    warnings.Enqueue($"The store copy of '{content.Name}' ({content.ContentDigest}) is damaged; fetching it again.");
                    BlobFetcher.DeleteFile(blob);
                    bad.Add(content.ContentDigest);
                }
            }
            var relink = new List<string>();
            string tree = layout.TreePath(plan.ManifestDigest);
            foreach (var file in plan.Files)
            {
                string path = Path.Combine(tree, file.Name);
                bool damaged = bad.Contains(file.ContentDigest) || (File.Exists(path) && Digest.Sha256File(path) != file.ContentDigest);
                string deployed = Path.Combine(entry, file.Name);
                if (!damaged && directoryMode && File.Exists(deployed) && Digest.Sha256File(deployed) != file.ContentDigest) damaged = true;
                if (!damaged) continue;
                relink.Add(file.Name);
                warnings.Enqueue($"'{file.Name}' in '{entry}' did not match {file.ContentDigest}; repaired.");
            }
            if (relink.Count > 0) log.Verbose($"Verify: {relink.Count} file(s) to repair in '{entry}'.");
            return relink;
        }

        /// <summary>Refuses before writing when the file system cannot hold the blobs still to fetch (declared sizes).</summary>
        static void RequireFreeSpace(StoreLayout layout, DeployPlan plan, string who)
        {
            long need = 0;
            foreach (var f in plan.Contents)
            {
                if (File.Exists(layout.BlobPath(f.ContentDigest))) continue;
                string partial = layout.PartialPath(f.Digest);
                long kept = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                need += Math.Max(0, f.Size - kept);
                if (f.Compression == "zstd") need += f.ContentSize >= 0 ? f.ContentSize : f.Size;
            }
            if (need == 0) return;
            long? free = FreeSpace(layout.Root);
            if (free == null || need <= free.Value) return;
            throw new NetbootException(ErrorIds.InsufficientSpace, FailureKind.ResourceUnavailable,
                $"Not enough free space to save {who} under '{layout.Root}': {need} bytes needed (declared sizes), {free.Value} available.", layout.Root);
        }

        static long? FreeSpace(string root)
        {
            string? probe = root;
            while (probe != null && !Directory.Exists(probe)) probe = Path.GetDirectoryName(probe);
            if (probe == null) return null;
            try
            {
                string name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? Path.GetPathRoot(probe)! : probe;
                return new DriveInfo(name).AvailableFreeSpace;
            }
            catch (ArgumentException) { return null; }
            catch (IOException) { return null; }
        }
    }
}
