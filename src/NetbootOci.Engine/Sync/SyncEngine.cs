using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Inventory;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Signing;

namespace NetbootOci.Engine.Sync
{
    /// <summary>
    /// Makes every selected proxy match the inventory: discover (each repository once), verify by the inventory's
    /// signature policy, save into the proxy root, link aliases and hosts, optionally prune. A failure stops only
    /// the artifact it concerns; the summary says what happened per proxy.
    /// </summary>
    public static class SyncEngine
    {
        public static async Task<SyncResult> RunAsync(SyncRequest request, IEngineLog log, CancellationToken cancellationToken)
        {
            if (request.Inventory == null) throw new ArgumentNullException(nameof(request.Inventory));
            var result = new SyncResult { WhatIf = request.WhatIf };
            string cache = Path.Combine(request.CacheDirectory ?? Path.GetTempPath(), "netboot-sync-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            using (var connections = new RegistryConnections(log, request.Environment) { Configure = request.ConfigureRegistry })
            {
                var state = await DesiredStatePlanner.PlanAsync(request.Inventory, request.Proxy, connections, log, cancellationToken).ConfigureAwait(false);
                var run = new Run(request, connections, state, cache, log);
                try
                {
                    foreach (var proxy in state.Proxies)
                        result.Proxies.Add(await run.SyncProxyAsync(proxy, cancellationToken).ConfigureAwait(false));
                }
                finally
                {
                    run.Dispose();
                    TryDeleteDirectory(cache, log);
                }
            }
            foreach (var p in result.Proxies) log.Verbose(p.ToString());
            return result;
        }

        /// <summary>State shared by the proxies of one run: repository views, signature results.</summary>
        sealed class Run : IDisposable
        {
            readonly SyncRequest _request;
            readonly RegistryConnections _connections;
            readonly DesiredState _state;
            readonly string _cache;
            readonly IEngineLog _log;
            readonly HashSet<string> _shared;
            readonly Dictionary<string, SharedBlobRepository> _views = new Dictionary<string, SharedBlobRepository>(StringComparer.Ordinal);
            readonly Dictionary<string, Task<SignatureResult>> _signatures = new Dictionary<string, Task<SignatureResult>>(StringComparer.Ordinal);
            long _fetched;

            public Run(SyncRequest request, RegistryConnections connections, DesiredState state, string cache, IEngineLog log)
            {
                _request = request;
                _connections = connections;
                _state = state;
                _cache = cache;
                _log = log;
                // Blobs of artifacts that more than one proxy wants go through the run cache: one registry download each.
                _shared = new HashSet<string>(state.Artifacts
                    .GroupBy(a => a.Artifact.Digest)
                    .Where(g => g.Select(a => a.Proxy.Name).Distinct().Count() > 1)
                    .SelectMany(g => g.First().Artifact.Files.Select(f => f.Digest)), StringComparer.Ordinal);
            }

            IOciRepository View(DesiredArtifact desired)
            {
                string name = RegistryConnections.RepositoryName(desired.Registry, desired.OperatingSystem);
                if (!_views.TryGetValue(name, out var view))
                {
                    var inner = _connections.Open(desired.Registry, desired.OperatingSystem);
                    view = new SharedBlobRepository(inner, _shared, _cache, n => Interlocked.Add(ref _fetched, n));
                    _views[name] = view;
                }
                return view;
            }

            public async Task<ProxySyncResult> SyncProxyAsync(ProxyEntry proxy, CancellationToken ct)
            {
                var summary = new ProxySyncResult { Proxy = proxy.Name, Root = proxy.Root };
                long fetchedBefore = Interlocked.Read(ref _fetched);
                foreach (var failure in _state.Failures.Where(f => f.Proxy == proxy.Name))
                {
                    summary.Failures.Add(failure);
                    summary.ArtifactsFailed += failure.Architecture != null ? 1
                        : _request.Inventory.OperatingSystem(failure.OperatingSystem)?.Architectures.Count ?? 1;
                }
                var desired = _state.Artifacts.Where(a => a.Proxy == proxy).ToList();
                var saved = new List<(DesiredArtifact Desired, SaveResult Result)>();
                foreach (var item in desired)
                {
                    ct.ThrowIfCancellationRequested();
                    string step = "verify";
                    try
                    {
                        if (!await SignatureAcceptedAsync(item, summary, ct).ConfigureAwait(false)) continue;
                        step = "save";
                        var options = new SaveOptions
                        {
                            Destination = proxy.Root,
                            PathTemplate = proxy.PathTemplate,
                            Parallelism = _request.Parallelism,
                            Strict = _request.Strict,
                            WhatIf = _request.WhatIf,
                        };
                        var result = await ArtifactSaver.SaveAsync(View(item), item.Artifact, options, _log, ct).ConfigureAwait(false);
                        summary.Artifacts.Add(result);
                        if (result.Changed) summary.ArtifactsChanged++; else summary.ArtifactsUnchanged++;
                        saved.Add((item, result));
                        step = "link";
                        await SyncLinks.ApplyAsync(item, result, summary, _request.Prune, _request.WhatIf, _log, ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!(e is OperationCanceledException) || !ct.IsCancellationRequested)
                    {
                        Fail(summary, item, step, e);
                    }
                }
                if (_request.Prune)
                {
                    try { await SyncPrune.ApplyAsync(proxy, desired, saved, summary, View, _request.WhatIf, _log, ct).ConfigureAwait(false); }
                    catch (Exception e) when (!(e is OperationCanceledException) || !ct.IsCancellationRequested)
                    {
                        summary.Failures.Add(new SyncFailure { Proxy = proxy.Name, Step = "prune", ErrorId = (e as NetbootException)?.ErrorId ?? ErrorIds.SyncFailed, Message = e.Message });
                        _log.Warning($"{proxy.Name}: prune failed: {e.Message}");
                    }
                }
                summary.BytesFetched = Interlocked.Read(ref _fetched) - fetchedBefore;
                return summary;
            }

            void Fail(ProxySyncResult summary, DesiredArtifact item, string step, Exception e)
            {
                var ne = e as NetbootException;
                var failure = new SyncFailure
                {
                    Proxy = item.Proxy.Name, OperatingSystem = item.OperatingSystem.Id, Architecture = item.Artifact.Architecture,
                    Registry = item.Registry.Name, Step = step, ErrorId = ne?.ErrorId ?? ErrorIds.SyncFailed, Message = e.Message,
                };
                summary.Failures.Add(failure);
                if (step != "link") summary.ArtifactsFailed++;
                _log.Warning(failure.ToString());
            }

            /// <summary>
            /// required: a valid signature by a listed key or nothing is deployed. optional: a signature that exists
            /// must verify; none at all is a warning. ignore: not checked.
            /// </summary>
            async Task<bool> SignatureAcceptedAsync(DesiredArtifact item, ProxySyncResult summary, CancellationToken ct)
            {
                if (item.SignaturePolicy == SignaturePolicy.Ignore) return true;
                if (item.Keys.Count == 0)
                {
                    _log.Verbose($"{item}: signature policy {item.SignaturePolicy} but no keys listed; not verified.");
                    return true; // the validator refuses "required" without keys
                }
                string key = item.Artifact.Digest + "|" + string.Join("|", item.Keys) + "|" + item.RekorKey;
                if (!_signatures.TryGetValue(key, out var task))
                {
                    var policy = VerificationPolicy.FromKeyFiles(item.Keys, item.RekorKey == null ? null : new[] { item.RekorKey });
                    task = SignatureVerifier.VerifyAsync(View(item), item.Artifact.Digest, item.Artifact.IndexDigest, policy, _log, ct);
                    _signatures[key] = task;
                }
                var result = await task.ConfigureAwait(false);
                if (result.Verified)
                {
                    _log.Verbose($"{item}: signature verified ({result.SignedDigest}).");
                    return true;
                }
                if (result.AcceptedWhen(signatureRequired: item.SignaturePolicy != SignaturePolicy.Optional))
                {
                    _log.Warning($"{item}: not signed ({result.Reason}); deployed anyway (signaturePolicy: optional).");
                    return true;
                }
                throw new NetbootException(result.ErrorId ?? ErrorIds.SignatureInvalid, FailureKind.SecurityError,
                    $"{item.Artifact.Reference}: signature not verified: {result.Reason}", item.Artifact.Reference);
            }

            public void Dispose()
            {
                foreach (var v in _views.Values) v.Dispose();
            }
        }

        static void TryDeleteDirectory(string path, IEngineLog log)
        {
            try { if (Directory.Exists(path)) Directory.Delete(path, true); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                log.Warning($"Could not remove the run cache '{path}': {e.Message}");
            }
        }
    }
}
