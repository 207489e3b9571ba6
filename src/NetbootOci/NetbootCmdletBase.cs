using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Commands
{
    /// <summary>
    /// Runs engine work off the pipeline thread and pumps its reports (verbose, warnings, progress,
    /// output) back to it, because Write* may only be called from the pipeline thread. StopProcessing
    /// (Ctrl+C) cancels the engine's token.
    /// </summary>
    public abstract class NetbootCmdletBase : PSCmdlet, IDisposable
    {
        readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        readonly BlockingCollection<Action> _pending = new BlockingCollection<Action>();
        readonly ConcurrentDictionary<int, long> _lastProgressTicks = new ConcurrentDictionary<int, long>();
        static readonly long ProgressInterval = Stopwatch.Frequency / 5; // PowerShell 5.1 renders progress slowly: at most 5 updates a second per bar.

        protected CancellationToken CancellationToken => _cancel.Token;

        protected override void StopProcessing() => _cancel.Cancel();

        public void Dispose() => _cancel.Dispose();

        /// <summary>
        /// Runs <paramref name="work"/> with a log that reaches this cmdlet's streams; returns its result on the
        /// pipeline thread. Ctrl+C (StopProcessing) or a downstream stop (Select-Object -First) cancels the
        /// engine and waits for it to clean up before the pipeline stops, so nothing partial stays visible
        /// after the prompt returns. A cancelled engine surfaces as PipelineStoppedException, as PowerShell expects.
        /// </summary>
        protected T RunEngine<T>(Func<IEngineLog, CancellationToken, Task<T>> work)
        {
            var log = new PipelineLog(this);
            var task = Task.Run(() => work(log, _cancel.Token));
            task.ContinueWith(_ => _pending.Add(() => { }), TaskScheduler.Default);
            try
            {
                while (!task.IsCompleted || _pending.Count > 0)
                {
                    if (_pending.TryTake(out var action, 100)) action();
                }
            }
            catch
            {
                // A Write* threw (pipeline stopping, downstream error): the engine must not run on unobserved.
                _cancel.Cancel();
                WaitQuietly(task);
                throw;
            }
            finally
            {
                log.CompleteOpenBars();
            }
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (!(e is NetbootException || e is OperationCanceledException || e is PipelineStoppedException))
            {
                // Anything else is a bug: a terminating error with a stable id; the original exception stays
                // inside ($_.Exception.InnerException) for a bug report.
                var unexpected = new NetbootException(ErrorIds.Unexpected, FailureKind.NotSpecified,
                    $"{MyInvocation.MyCommand?.Name ?? GetType().Name} failed unexpectedly: {e.GetType().FullName}: {string.Join(" ", e.Message.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries))} (this is a bug, please report it)", null, e);
                ThrowTerminatingError(new ErrorRecord(unexpected, ErrorIds.Unexpected, Map(ErrorIds.CategoryOf(ErrorIds.Unexpected)), null));
                throw; // not reached: ThrowTerminatingError always throws
            }
        }

        /// <summary>
        /// True when -WhatIf is in effect: -WhatIf or -WhatIf:$true bound, or $WhatIfPreference set and -WhatIf not
        /// bound to $false. When ShouldProcess says no, this tells "describe what would change" (WhatIf) from
        /// "skip it" (-Confirm answered No); -WhatIf:$false must deploy, as scripts and Ansible pass it.
        /// </summary>
        protected bool WhatIfInEffect()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound))
                return bound is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(bound);
            return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        }

        static void WaitQuietly(Task task)
        {
            try { task.Wait(TimeSpan.FromSeconds(30)); }
            catch (AggregateException) { /* the engine's own failure after cancellation is not news */ }
        }

        /// <summary>Lets engine code emit an object to the pipeline as soon as it is ready (called from any thread).</summary>
        protected void Emit(object value) => _pending.Add(() => WriteObject(value));

        /// <summary>Writes an engine failure as a non-terminating error with its stable id, category and target.</summary>
        protected void WriteEngineError(NetbootException e) => WriteError(ToErrorRecord(e));

        protected static ErrorRecord ToErrorRecord(NetbootException e) => new ErrorRecord(e, e.ErrorId, Map(ErrorIds.CategoryOf(e.ErrorId)), e.Target);

        /// <summary>
        /// A failure of one artifact among several: the record's TargetObject is the artifact (a script can retry
        /// <c>$err.TargetObject</c>) and its message names it (name, version, architecture, reference), because the
        /// layer that failed (a blob's digest, a file) only knows its own part. Id and category stay the engine's.
        /// </summary>
        protected static ErrorRecord ToErrorRecord(NetbootException e, NetbootArtifact artifact)
        {
            string who = artifact.ToString();
            string message = e.Message;
            if (message.IndexOf(who, StringComparison.Ordinal) < 0)
            {
                bool hasReference = artifact.Reference.Length > 0 && message.IndexOf(artifact.Reference, StringComparison.Ordinal) >= 0;
                message = (hasReference ? $"{artifact.Name} {artifact.Version} {artifact.Architecture}" : who) + ": " + message;
            }
            var named = message == e.Message ? e : new NetbootException(e.ErrorId, e.Kind, message, artifact, e);
            return new ErrorRecord(named, e.ErrorId, Map(ErrorIds.CategoryOf(e.ErrorId)), artifact);
        }

        protected static ErrorCategory Map(FailureKind kind)
        {
            switch (kind)
            {
                case FailureKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case FailureKind.InvalidData: return ErrorCategory.InvalidData;
                case FailureKind.ObjectNotFound: return ErrorCategory.ObjectNotFound;
                case FailureKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case FailureKind.AuthenticationError: return ErrorCategory.AuthenticationError;
                case FailureKind.ConnectionError: return ErrorCategory.ConnectionError;
                case FailureKind.ResourceBusy: return ErrorCategory.ResourceBusy;
                case FailureKind.ResourceUnavailable: return ErrorCategory.ResourceUnavailable;
                case FailureKind.SecurityError: return ErrorCategory.SecurityError;
                case FailureKind.WriteError: return ErrorCategory.WriteError;
                case FailureKind.OperationStopped: return ErrorCategory.OperationStopped;
                case FailureKind.NotImplemented: return ErrorCategory.NotImplemented;
                case FailureKind.ResourceExists: return ErrorCategory.ResourceExists;
                case FailureKind.InvalidResult: return ErrorCategory.InvalidResult;
                case FailureKind.OperationTimeout: return ErrorCategory.OperationTimeout;
                default: return ErrorCategory.NotSpecified;
            }
        }

        /// <summary>Resolves a user path through the PowerShell provider (relative to $PWD, not the process directory).</summary>
        /// <remarks>Works for TestDrive:, PSDrives and paths that do not exist yet; a path of another provider
        /// (HKLM:, Cert:) is unusable input and ends the cmdlet with <see cref="ErrorIds.InvalidArgument"/>.</remarks>
        protected string ResolvePath(string path)
        {
            string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"'{path}' is a {provider.Name} path; a file system path is needed."),
                    ErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, path));
            return resolved;
        }

        /// <summary>
        /// Makes the directory of an <c>oci:PATH[:tag][@digest]</c> reference absolute through the provider
        /// (relative to $PWD, PSDrives such as TestDrive:), because the engine would resolve it against the
        /// process directory. Registry references and references the engine cannot parse are returned as they
        /// are, so the engine reports the latter with its own error id.
        /// </summary>
        /// <summary>Registry options from the common -Credential/-PlainHttp parameters (the password leaves the SecureString only here).</summary>
        protected static RegistryOptions CreateRegistryOptions(PSCredential? credential, bool plainHttp, IEngineLog? log = null)
        {
            var options = new RegistryOptions { PlainHttp = plainHttp };
            if (log != null) options.Log = log;
            if (credential != null && credential != PSCredential.Empty) options.Credential = new RegistryCredential(credential.UserName, credential.GetNetworkCredential().Password);
            return options;
        }

        /// <summary>
        /// Registry options for one artifact. An inventory artifact (Get-NetbootArtifact -InventoryPath) carries its
        /// registry's settings and credential variable names; the engine turns them into options exactly as sync does
        /// (variables read now, no secret on the object). -Credential and -PlainHttp given on the command line win.
        /// </summary>
        protected RegistryOptions CreateRegistryOptions(NetbootArtifact artifact, PSCredential? credential, bool plainHttp, IEngineLog? log = null)
        {
            if (artifact.Registry == null) return CreateRegistryOptions(credential, plainHttp, log);
            var explicitCredential = credential != null && credential != PSCredential.Empty
                ? new RegistryCredential(credential.UserName, credential.GetNetworkCredential().Password) : null;
            var options = Engine.Sync.RegistryConnections.OptionsFor(artifact.Registry, log ?? NullEngineLog.Instance, explicitCredential);
            if (MyInvocation.BoundParameters.ContainsKey("PlainHttp")) options.PlainHttp = plainHttp;
            return options;
        }

        protected string ResolveReference(string reference) =>
            Loading.LayoutReference.TrySplit(reference, out string path, out string suffix) ? "oci:" + ResolvePath(path) + suffix : reference;

        sealed class PipelineLog : IEngineLog
        {
            readonly NetbootCmdletBase _cmdlet;
            readonly ConcurrentDictionary<int, TransferProgress> _open = new ConcurrentDictionary<int, TransferProgress>();
            public PipelineLog(NetbootCmdletBase cmdlet) { _cmdlet = cmdlet; }

            /// <summary>Closes bars the engine left open (failure, cancellation): Windows PowerShell 5.1 would
            /// otherwise keep drawing them until the session's next progress. Runs on the pipeline thread.</summary>
            public void CompleteOpenBars()
            {
                foreach (var p in _open.Values)
                {
                    var record = new ProgressRecord(p.ActivityId, string.IsNullOrEmpty(p.Activity) ? "NetbootOci" : p.Activity, "Done")
                    {
                        ParentActivityId = p.ParentActivityId,
                        RecordType = ProgressRecordType.Completed,
                    };
                    try { _cmdlet.WriteProgress(record); }
                    catch (PipelineStoppedException) { return; }
                }
                _open.Clear();
            }

            public void Verbose(string message) => _cmdlet._pending.Add(() => _cmdlet.WriteVerbose(message));
            public void Warning(string message) => _cmdlet._pending.Add(() => _cmdlet.WriteWarning(message));

            public void Progress(TransferProgress p)
            {
                long now = Stopwatch.GetTimestamp();
                long last = _cmdlet._lastProgressTicks.GetOrAdd(p.ActivityId, 0);
                if (!p.Completed && now - last < ProgressInterval) return;
                _cmdlet._lastProgressTicks[p.ActivityId] = now;
                if (p.Completed) _open.TryRemove(p.ActivityId, out _);
                else _open[p.ActivityId] = p;
                var record = new ProgressRecord(p.ActivityId, string.IsNullOrEmpty(p.Activity) ? "NetbootOci" : p.Activity, string.IsNullOrEmpty(p.Status) ? "Working" : p.Status)
                {
                    ParentActivityId = p.ParentActivityId,
                    RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                };
                if (p.BytesTotal > 0)
                {
                    record.PercentComplete = (int)Math.Min(100, p.BytesDone * 100 / p.BytesTotal);
                    if (p.BytesPerSecond > 0) record.SecondsRemaining = (int)Math.Min(int.MaxValue, (p.BytesTotal - p.BytesDone) / p.BytesPerSecond);
                    record.StatusDescription = $"{record.StatusDescription}: {Size(p.BytesDone)} of {Size(p.BytesTotal)} at {Size((long)p.BytesPerSecond)}/s";
                }
                _cmdlet._pending.Add(() => _cmdlet.WriteProgress(record));
            }

            static string Size(long bytes) =>
                bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GiB" :
                bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.0} MiB" :
                bytes >= 1L << 10 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";
        }
    }
}
