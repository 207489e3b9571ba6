using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using NetbootOci.Engine;

namespace NetbootOci.Cli
{
    /// <summary>How transfer progress is shown: live lines on a terminal, occasional plain lines, or nothing.</summary>
    public enum ProgressMode { None, Plain, Live }

    /// <summary>
    /// Draws the engine's <see cref="TransferProgress"/> records on stderr. Live: one line per file in flight and a
    /// total line per artifact (bytes, percentage, rate, time left), redrawn in place with ANSI cursor movement at
    /// most 10 times a second and erased when done, so the terminal keeps only the results. Plain: one line per
    /// file at most every <see cref="PlainInterval"/>, plus one when it completes (for logs and CI).
    /// </summary>
    /// <remarks>
    /// A small renderer of our own rather than Spectre.Console: Spectre's live display owns the console while it
    /// runs, and every other write (warnings, verbose lines, errors, the verb's results on stdout) would have to go
    /// through it or corrupt the display. Here one lock serialises all of them: the console writers are wrapped so
    /// any write first erases the drawn lines, and the next tick draws them again below it. It is a few hundred lines, costs
    /// no dependency in the tool package or the single-file binary, and needs nothing from the terminal beyond
    /// cursor-up and erase (VT100, which every Linux terminal, tmux and Windows Terminal understand).
    /// </remarks>
    public sealed class ProgressRenderer : IDisposable
    {
        public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);
        static readonly long LiveTicks = Stopwatch.Frequency / 10;
        /// <summary>A transfer without news for this long is shown as stalled (what users ask about on stuck downloads).</summary>
        static readonly long StallTicks = Stopwatch.Frequency * 3;

        readonly ProgressMode _mode;
        readonly TextWriter _err;
        readonly object _gate;
        // Insertion-ordered: lines keep their place while they are in flight.
        readonly List<Entry> _entries = new List<Entry>();
        readonly Dictionary<int, Entry> _byId = new Dictionary<int, Entry>();
        readonly Func<int> _width;
        Timer? _timer;
        TextWriter? _savedOut, _savedErr;
        int _drawn;               // lines of the live block currently on the screen
        string _lastFrame = "";
        bool _atLineStart = true; // live lines are drawn only from column 0
        bool _disposed;

        sealed class Entry
        {
            public TransferProgress P = null!;
            public long LastNews, LastPrinted;
        }

        /// <param name="gate">the lock every stderr/stdout write of the command takes.</param>
        /// <param name="width">terminal columns (lines are cut to fit: a wrapped line would break cursor-up).</param>
        public ProgressRenderer(ProgressMode mode, TextWriter err, object gate, Func<int>? width = null)
        {
            _mode = mode;
            _err = err;
            _gate = gate;
            _width = width ?? TerminalWidth;
        }

        public ProgressMode Mode => _mode;

        /// <summary>auto: live when stderr is a terminal that understands cursor movement, else nothing.</summary>
        public static ProgressMode Resolve(string? option, bool quiet)
        {
            if (quiet) return ProgressMode.None;
            switch ((option ?? "auto").ToLowerInvariant())
            {
                case "none": return ProgressMode.None;
                case "plain": return ProgressMode.Plain;
                default:
                    bool terminal = !Console.IsErrorRedirected && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
                    return terminal && WindowsVirtualTerminal() ? ProgressMode.Live : ProgressMode.None;
            }
        }

        /// <summary>
        /// Live mode: routes Console.Out (when it is the terminal too) and Console.Error through the lock, so a
        /// warning or a result line never lands inside the drawn block.
        /// </summary>
        public void AttachConsole()
        {
            if (_mode != ProgressMode.Live) return;
            _savedErr = Console.Error;
            Console.SetError(new GuardedWriter(this, _savedErr));
            if (!Console.IsOutputRedirected)
            {
                _savedOut = Console.Out;
                Console.SetOut(new GuardedWriter(this, _savedOut));
            }
        }

        public void Report(TransferProgress p)
        {
            if (_mode == ProgressMode.None) return;
            long now = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                if (_disposed) return;
                if (!_byId.TryGetValue(p.ActivityId, out var e))
                {
                    if (p.Completed && _mode == ProgressMode.Live) return; // finished before it was ever shown
                    e = new Entry { LastPrinted = now };
                    _byId[p.ActivityId] = e;
                    _entries.Add(e);
                }
                e.P = p;
                e.LastNews = now;
                if (_mode == ProgressMode.Plain)
                {
                    if (p.Completed || now - e.LastPrinted >= PlainInterval.TotalSeconds * Stopwatch.Frequency)
                    {
                        e.LastPrinted = now;
                        _err.WriteLine("netboot-oci: " + Line(e, now, plain: true));
                        _err.Flush();
                    }
                    if (p.Completed) Remove(e);
                    return;
                }
                if (p.Completed)
                {
                    Remove(e);
                    // Drawn now, not at the next tick: the verb may print its result as soon as the engine returns.
                    if (_entries.Count == 0) Erase();
                    else Draw(now);
                }
                else if (_timer == null)
                {
                    _timer = new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
                }
            }
        }

        void Remove(Entry e)
        {
            _byId.Remove(e.P.ActivityId);
            _entries.Remove(e);
        }

        void Tick()
        {
            lock (_gate)
            {
                if (_disposed) return;
                Draw(Stopwatch.GetTimestamp());
            }
        }

        /// <summary>Redraws the block in one write (under the lock): up to its first line, each line, erase the rest.</summary>
        void Draw(long now)
        {
            if (!_atLineStart) return;
            var lines = Frame(now);
            string frame = string.Join("\n", lines);
            if (frame == _lastFrame && _drawn == lines.Count) return;
            var sb = new StringBuilder();
            if (_drawn > 0) sb.Append("\x1b[").Append(_drawn).Append('A');
            sb.Append('\r');
            foreach (var line in lines) sb.Append(line).Append("\x1b[K\n");
            sb.Append("\x1b[J");
            _err.Write(sb.ToString());
            _err.Flush();
            _drawn = lines.Count;
            _lastFrame = frame;
        }

        /// <summary>Takes the block off the screen; the cursor is left where the block began.</summary>
        void Erase()
        {
            if (_drawn == 0) return;
            _err.Write("\x1b[" + _drawn + "A\r\x1b[J");
            _err.Flush();
            _drawn = 0;
            _lastFrame = "";
        }

        /// <summary>Per artifact (parent record): its files, then its total. Files whose parent has not reported yet still show.</summary>
        List<string> Frame(long now)
        {
            int width = Math.Max(20, _width() - 1);
            var lines = new List<string>();
            var parents = new List<Entry>();
            foreach (var e in _entries) if (e.P.ParentActivityId < 0) parents.Add(e);
            var orphans = new List<Entry>();
            foreach (var e in _entries)
                if (e.P.ParentActivityId >= 0 && !_byId.ContainsKey(e.P.ParentActivityId)) orphans.Add(e);
            foreach (var e in orphans) lines.Add(Fit("  ", e, now, width));
            foreach (var parent in parents)
            {
                foreach (var e in _entries)
                    if (e.P.ParentActivityId == parent.P.ActivityId) lines.Add(Fit("  ", e, now, width));
                lines.Add(Fit("", parent, now, width));
            }
            return lines;
        }

        /// <summary>Cuts the label first (a reference with its digest is long), so the numbers stay in view.</summary>
        static string Fit(string indent, Entry e, long now, int width)
        {
            string label = Label(e.P);
            string figures = Figures(e, now, plain: false);
            int room = width - indent.Length - figures.Length;
            if (label.Length > room) label = room > 12 ? label.Substring(0, room - 1) + "…" : label.Substring(0, Math.Min(label.Length, 11)) + "…";
            string line = indent + label + figures;
            return line.Length <= width ? line : line.Substring(0, width - 1) + "…";
        }

        /// <summary>"initrd.img  48.0 MiB of 200.0 MiB (24%)  9.8 MiB/s  15s left", a bar in live mode.</summary>
        static string Line(Entry e, long now, bool plain) => Label(e.P) + Figures(e, now, plain);

        static string Label(TransferProgress p)
        {
            string label = p.ParentActivityId >= 0 && p.Status.Length > 0 ? p.Status : p.Activity;
            if (p.ParentActivityId < 0 && p.Status.Length > 0 && !p.Activity.StartsWith(p.Status, StringComparison.Ordinal) && p.Status != "done")
                label += " (" + p.Status + ")"; // publish: the file being uploaded
            return label;
        }

        static string Figures(Entry e, long now, bool plain)
        {
            var p = e.P;
            var sb = new StringBuilder();
            if (p.BytesTotal > 0)
            {
                int percent = (int)Math.Min(100, Math.Max(0, p.BytesDone * 100 / p.BytesTotal));
                sb.Append("  ");
                if (!plain) sb.Append(Bar(percent)).Append(' ');
                sb.Append(Size(p.BytesDone)).Append(" of ").Append(Size(p.BytesTotal)).Append(" (").Append(percent).Append("%)");
            }
            else sb.Append("  ").Append(Size(p.BytesDone));
            if (p.Completed)
            {
                sb.Append("  done");
                if (p.BytesPerSecond > 0) sb.Append(" at ").Append(Size((long)p.BytesPerSecond)).Append("/s");
                return sb.ToString();
            }
            long quiet = now - e.LastNews;
            if (quiet >= StallTicks)
                sb.Append("  stalled ").Append(quiet / Stopwatch.Frequency).Append('s');
            else if (p.BytesPerSecond > 0)
            {
                sb.Append("  ").Append(Size((long)p.BytesPerSecond)).Append("/s");
                if (p.BytesTotal > 0) sb.Append("  ").Append(Duration((p.BytesTotal - p.BytesDone) / p.BytesPerSecond)).Append(" left");
            }
            return sb.ToString();
        }

        static string Bar(int percent)
        {
            const int cells = 20;
            int full = percent * cells / 100;
            return "[" + new string('#', full) + new string('-', cells - full) + "]";
        }

        public static string Size(long bytes) =>
            bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GiB" :
            bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.0} MiB" :
            bytes >= 1L << 10 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";

        static string Duration(double seconds)
        {
            if (double.IsNaN(seconds) || seconds < 0) seconds = 0;
            if (seconds > 99 * 3600) return ">99h";
            var t = TimeSpan.FromSeconds(Math.Ceiling(seconds));
            return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s" : $"{t.Seconds}s";
        }

        /// <summary>
        /// Windows consoles interpret the cursor sequences only with virtual-terminal processing on (Windows 10+);
        /// where it cannot be switched on, auto shows nothing rather than escape codes. True elsewhere.
        /// </summary>
        static bool WindowsVirtualTerminal()
        {
            if (!OperatingSystem.IsWindows()) return true;
            try
            {
                IntPtr handle = GetStdHandle(-12); // STD_ERROR_HANDLE
                return GetConsoleMode(handle, out uint mode) && ((mode & 0x0004) != 0 || SetConsoleMode(handle, mode | 0x0004)); // ENABLE_VIRTUAL_TERMINAL_PROCESSING
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { return false; }
        }

        [System.Runtime.InteropServices.DllImport("kernel32.dll", SetLastError = true)]
        static extern IntPtr GetStdHandle(int handle);
        [System.Runtime.InteropServices.DllImport("kernel32.dll", SetLastError = true)]
        static extern bool GetConsoleMode(IntPtr handle, out uint mode);
        [System.Runtime.InteropServices.DllImport("kernel32.dll", SetLastError = true)]
        static extern bool SetConsoleMode(IntPtr handle, uint mode);

        static int TerminalWidth()
        {
            try { int w = Console.WindowWidth; if (w > 0) return w; } catch (IOException) { } catch (PlatformNotSupportedException) { }
            return int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int c) && c > 0 ? c : 80;
        }

        /// <summary>Erases what is drawn (the final output is just the results) and gives the console back.</summary>
        public void Dispose()
        {
            Timer? timer;
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                timer = _timer;
                _timer = null;
                Erase();
                _entries.Clear();
                _byId.Clear();
                if (_savedErr != null) { Console.SetError(_savedErr); _savedErr = null; }
                if (_savedOut != null) { Console.SetOut(_savedOut); _savedOut = null; }
            }
            timer?.Dispose();
        }

        /// <summary>A console writer that erases the live block before writing; the next tick draws it again below.</summary>
        sealed class GuardedWriter : TextWriter
        {
            readonly ProgressRenderer _owner;
            readonly TextWriter _inner;
            public GuardedWriter(ProgressRenderer owner, TextWriter inner) { _owner = owner; _inner = inner; }
            public override Encoding Encoding => _inner.Encoding;

            void Guarded(string? text)
            {
                if (string.IsNullOrEmpty(text)) return;
                lock (_owner._gate)
                {
                    _owner.Erase();
                    _inner.Write(text);
                    _inner.Flush();
                    _owner._atLineStart = text![text.Length - 1] == '\n';
                }
            }

            public override void Write(char value) => Guarded(value.ToString());
            public override void Write(string? value) => Guarded(value);
            public override void Write(char[] buffer, int index, int count) => Guarded(new string(buffer, index, count));
            public override void WriteLine() => Guarded(NewLine);
            public override void WriteLine(string? value) => Guarded(value + NewLine);
            public override void Flush() { lock (_owner._gate) _inner.Flush(); }
        }
    }
}
