using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Cli;
using Xunit;

namespace NetbootOci.Engine.Tests.Cli
{
    /// <summary>
    /// The renderer alone, on a writer standing in for the terminal: reports from many threads at once, the
    /// stalled mark, and that the block is taken off the screen at the end (what a terminal would show is
    /// replayed from the escape sequences).
    /// </summary>
    public sealed class ProgressRendererTests
    {
        [Fact]
        public void Parallel_reports_draw_whole_frames_and_the_screen_is_clean_when_done()
        {
            var screen = new StringWriter();
            var gate = new object();
            using (var r = new ProgressRenderer(ProgressMode.Live, screen, gate, () => 100))
            {
                Parallel.For(0, 6, file =>
                {
                    for (int i = 0; i <= 400; i++)
                    {
                        r.Report(new TransferProgress { ActivityId = 10 + file, ParentActivityId = 1, Activity = "Downloading f" + file, Status = "f" + file, BytesDone = i * 1000L, BytesTotal = 400_000, BytesPerSecond = 1e6, Completed = i == 400 });
                        r.Report(new TransferProgress { ActivityId = 1, Activity = "Saving x", BytesDone = i * 1000L * 6, BytesTotal = 2_400_000, BytesPerSecond = 6e6 });
                        if (i % 100 == 0) Thread.Sleep(120); // let the 10 Hz timer draw between
                    }
                });
                lock (gate) Assert.Contains("Saving x", screen.ToString());
                r.Report(new TransferProgress { ActivityId = 1, Activity = "Saving x", BytesDone = 2_400_000, BytesTotal = 2_400_000, Completed = true });
            }
            string output = screen.ToString();
            Assert.Matches(@"  f\d  \[[#-]{20}\] [\d.]+ KiB of 390\.6 KiB \(\d+%\)  976\.6 KiB/s  \d+s left\x1b\[K\n", output);
            Assert.DoesNotContain(Replay(output), l => l.Length > 0);
        }

        [Fact]
        public void A_transfer_without_news_is_shown_as_stalled_and_plain_mode_draws_no_escapes()
        {
            var screen = new StringWriter();
            using (var r = new ProgressRenderer(ProgressMode.Live, screen, new object(), () => 120))
            {
                r.Report(new TransferProgress { ActivityId = 7, Activity = "Saving y", BytesDone = 10 << 20, BytesTotal = 100 << 20, BytesPerSecond = 1 << 20 });
                Thread.Sleep(3400);
                Assert.Contains("Saving y  [##------------------] 10.0 MiB of 100.0 MiB (10%)  stalled 3s", Replay(screen.ToString()));
            }

            var log = new StringWriter();
            using (var r = new ProgressRenderer(ProgressMode.Plain, log, new object()))
            {
                r.Report(new TransferProgress { ActivityId = 8, ParentActivityId = 7, Activity = "Downloading a", Status = "a", BytesDone = 1, BytesTotal = 2048 });
                r.Report(new TransferProgress { ActivityId = 8, ParentActivityId = 7, Activity = "Downloading a", Status = "a", BytesDone = 2048, BytesTotal = 2048, BytesPerSecond = 4096, Completed = true });
            }
            Assert.Equal("netboot-oci: a  2.0 KiB of 2.0 KiB (100%)  done at 4.0 KiB/s" + Environment.NewLine, log.ToString());
        }

        /// <summary>The lines a terminal would show after this output: cursor up, carriage return, erase line/below.</summary>
        static System.Collections.Generic.List<string> Replay(string output)
        {
            var lines = new System.Collections.Generic.List<string> { "" };
            int row = 0, col = 0;
            for (int i = 0; i < output.Length; i++)
            {
                char c = output[i];
                if (c == '\x1b')
                {
                    var m = Regex.Match(output.Substring(i), @"^\x1b\[(\d*)([AKJ])");
                    Assert.True(m.Success, "unexpected escape at " + i);
                    int n = m.Groups[1].Value.Length > 0 ? int.Parse(m.Groups[1].Value) : 1;
                    switch (m.Groups[2].Value)
                    {
                        case "A": row = Math.Max(0, row - n); break;
                        case "K": lines[row] = lines[row].Substring(0, Math.Min(col, lines[row].Length)); break;
                        case "J": lines[row] = lines[row].Substring(0, Math.Min(col, lines[row].Length)); lines.RemoveRange(row + 1, lines.Count - row - 1); break;
                    }
                    i += m.Length - 1;
                }
                else if (c == '\r') col = 0;
                else if (c == '\n') { row++; col = 0; if (row == lines.Count) lines.Add(""); }
                else
                {
                    string line = lines[row].PadRight(col);
                    lines[row] = line.Substring(0, col) + c + (col + 1 < line.Length ? line.Substring(col + 1) : "");
                    col++;
                }
            }
            return lines;
        }
    }
}
