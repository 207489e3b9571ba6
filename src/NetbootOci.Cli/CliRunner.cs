using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine;

namespace NetbootOci.Cli
{
    /// <summary>Shared plumbing for verbs: Ctrl+C cancels the engine, engine errors become exit codes and one stderr line.</summary>
    public static class CliRunner
    {
        public const int Ok = 0;
        public const int Failed = 1;
        public const int BadInput = 2;

        /// <summary>Property names exactly as the cmdlets' output types have them (PascalCase), enums as strings.</summary>
        public static readonly JsonSerializerOptions Json = new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Converters = { new JsonStringEnumConverter() },
        };

        public static void WriteJson(object value, TextWriter? output = null) =>
            (output ?? Console.Out).WriteLine(JsonSerializer.Serialize(value, value.GetType(), Json));

        /// <summary>Runs one verb. Input errors exit 2, operation failures 1; the message names the cause.</summary>
        public static int Run(bool verbose, Func<IEngineLog, CancellationToken, Task<int>> work) => Run(verbose, ProgressMode.None, work);

        /// <summary>Runs one verb that moves files: progress as <paramref name="progress"/> says, always on stderr.</summary>
        public static int Run(bool verbose, ProgressMode progress, Func<IEngineLog, CancellationToken, Task<int>> work)
        {
            var gate = new object();
            using (var cancel = new CancellationTokenSource())
            using (var renderer = new ProgressRenderer(progress, Console.Error, gate))
            {
                renderer.AttachConsole();
                ConsoleCancelEventHandler onCancel = (s, e) => { e.Cancel = true; cancel.Cancel(); };
                Console.CancelKeyPress += onCancel;
                try
                {
                    return work(new StderrLog(verbose, renderer, gate), cancel.Token).GetAwaiter().GetResult();
                }
                catch (NetbootException e)
                {
                    Console.Error.WriteLine($"netboot-oci: {e.ErrorId}: {e.Message}");
                    return IsInputError(e) ? BadInput : Failed;
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine("netboot-oci: cancelled");
                    return Failed;
                }
                catch (Exception e)
                {
                    // Anything but a NetbootException is a bug: one line with an id, never a stack trace.
                    Console.Error.WriteLine($"netboot-oci: {ErrorIds.Unexpected}: {Describe(e)}");
                    return Failed;
                }
                finally
                {
                    Console.CancelKeyPress -= onCancel;
                }
            }
        }

        /// <summary>
        /// One line for a bug report: the exception type and message, and the NetbootOci method it came through
        /// (the throwing frame is often the runtime's).
        /// </summary>
        public static string Describe(Exception e)
        {
            string message = string.Join(" ", e.Message.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
            string? where = null;
            foreach (var frame in new System.Diagnostics.StackTrace(e, false).GetFrames())
            {
                var type = frame.GetMethod()?.DeclaringType;
                if (type?.FullName != null && type.FullName.StartsWith("NetbootOci.", StringComparison.Ordinal))
                {
                    // Async state machines are nested types named <Method>d__N; the outer type and method name read better.
                    string name = type.DeclaringType != null && type.Name.StartsWith("<", StringComparison.Ordinal)
                        ? type.DeclaringType.FullName + "." + type.Name.Substring(1, Math.Max(0, type.Name.IndexOf('>') - 1))
                        : type.FullName + "." + frame.GetMethod()!.Name;
                    where = name;
                    break;
                }
            }
            return $"{e.GetType().FullName}: {message}" + (where != null ? $" (in {where})" : "") + "; this is a bug, please report it";
        }

        /// <summary>
        /// Exit 2: the arguments, or the files they name (missing, corrupt key, wrong key password, invalid
        /// inventory), are wrong. Those ids carry their own ErrorCategory (README "Error ids"), so the kind alone
        /// does not say it.
        /// </summary>
        public static bool IsInputError(NetbootException e) =>
            e.Kind == FailureKind.InvalidArgument || Array.IndexOf(InputErrorIds, e.ErrorId) >= 0;

        static readonly string[] InputErrorIds =
            { ErrorIds.PathNotFound, ErrorIds.KeyInvalid, ErrorIds.KeyUnsupported, ErrorIds.KeyPasswordWrong, ErrorIds.InventoryInvalid };

        /// <summary>
        /// Verbose lines and warnings on stderr; progress through the renderer (live on a terminal, plain lines, or
        /// none). One lock for all of them, shared with the renderer, so lines never interleave.
        /// </summary>
        sealed class StderrLog : IEngineLog
        {
            readonly bool _verbose;
            readonly ProgressRenderer _progress;
            readonly object _gate;
            public StderrLog(bool verbose, ProgressRenderer progress, object gate) { _verbose = verbose; _progress = progress; _gate = gate; }

            public void Verbose(string message)
            {
                if (_verbose) lock (_gate) Console.Error.WriteLine("VERBOSE: " + message);
            }

            public void Warning(string message)
            {
                lock (_gate) Console.Error.WriteLine("WARNING: " + message);
            }

            public void Progress(TransferProgress progress) => _progress.Report(progress);
        }
    }
}
