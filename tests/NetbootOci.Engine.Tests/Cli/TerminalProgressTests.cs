using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using NetbootOci.Engine.Tests.Save;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Cli
{
    /// <summary>
    /// Live progress as an admin sees it: netboot-oci save in a real terminal (a tmux pane), the pane captured
    /// while the throttled download runs and after it ends.
    /// </summary>
    public sealed class TerminalProgressTests : IClassFixture<ProgressFixture>
    {
        const string Tmux = "/usr/bin/tmux";
        // "  install.img  [#####---------------] 16.0 MiB of 64.0 MiB (25%)  5.9 MiB/s  9s left"
        static readonly Regex FileLine = new Regex(@"^  install\.img  \[[#-]{20}\] [\d.]+ (B|KiB|MiB) of 64\.0 MiB \(\d+%\)", RegexOptions.Multiline);
        static readonly Regex TotalLine = new Regex(@"^Saving .*fedora.*\[[#-]{20}\] [\d.]+ (B|KiB|MiB) of 68\.0 MiB \(\d+%\)", RegexOptions.Multiline);
        readonly ProgressFixture _f;
        public TerminalProgressTests(ProgressFixture f) { _f = f; }

        [Fact]
        public void Save_in_a_terminal_redraws_progress_lines_in_place_and_leaves_only_the_result()
        {
            // A peer like docker-registry: .ci/run installs it; missing, the test fails saying so.
            if (!File.Exists(Tmux)) throw new InvalidOperationException(Tmux + " is missing: install tmux (.ci/run does); it is the real terminal this test drives.");
            using var slow = new ThrottlingProxy(_f.Registry.Port, 8 << 20); // install.img: 8 s or more
            string dest = _f.Fresh("tty");
            string name = "tmux-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            string socket = Path.Combine(_f.Dir.Path, name); // its own server, and no socket left behind in /tmp/tmux-UID
            string done = socket + ".exit";
            string cli = Path.Combine(AppContext.BaseDirectory, "netboot-oci.dll");
            string script = socket + ".sh";
            File.WriteAllText(script,
                "export DOCKER_CONFIG=/tmp/nboci-no-docker-config\n" +
                $"dotnet '{cli}' save '{slow.Host}/netboot/fedora:fedora-40-amd64' -d '{dest}' --plain-http\n" +
                $"echo \"EXIT=$?\"; echo done > '{done}'; sleep 120\n");
            try
            {
                Tools.Run(Tmux, $"-S {socket} -f /dev/null new-session -d -s t -x 150 -y 30 \"bash {script}\"");
                string first = WaitFor(socket, pane => FileLine.IsMatch(pane) && TotalLine.IsMatch(pane), TimeSpan.FromSeconds(60),
                    "progress lines never showed");
                Thread.Sleep(1000);
                string second = Capture(socket);
                Assert.False(File.Exists(done), "the download ended within a second; the throttle is not slowing it:\n" + second);
                Assert.Matches(FileLine, second);
                Assert.Matches(TotalLine, second);
                Assert.NotEqual(Progress(first), Progress(second)); // redrawn: the numbers moved
                // Redrawn in place: each progress line is on the screen once, not scrolled up as a log.
                Assert.Single(FileLine.Matches(second));
                Assert.Single(TotalLine.Matches(second));

                string end = WaitFor(socket, pane => pane.Contains("EXIT="), TimeSpan.FromSeconds(120), "the save never finished");
                Assert.Contains("EXIT=0", end);
                Assert.Contains("fedora 40 amd64: " + Path.Combine(dest, "fedora", "40", "amd64") + " updated (" + ((ProgressFixture.InstallImgMiB + 4L) << 20) + " bytes downloaded)", end);
                // Gone when done: the pane holds the result line and the marker, nothing of the progress.
                Assert.DoesNotMatch(@"%\)|MiB/s|\[[#-]{20}\]|left", end);
                var visible = end.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
                Assert.True(visible.Count == 2, "pane after the save:\n" + end);
            }
            finally
            {
                try { Tools.Run(Tmux, $"-S {socket} kill-server"); } catch (InvalidOperationException) { }
            }
        }

        static string Progress(string pane) =>
            string.Join("\n", pane.Split('\n').Where(l => FileLine.IsMatch(l) || TotalLine.IsMatch(l)));

        static string Capture(string socket) => Tools.Run(Tmux, $"-S {socket} capture-pane -p -t t");

        static string WaitFor(string socket, Func<string, bool> ready, TimeSpan timeout, string what)
        {
            var clock = Stopwatch.StartNew();
            string pane = "", lastProgress = "(none)";
            while (clock.Elapsed < timeout)
            {
                pane = Capture(socket);
                if (ready(pane)) return pane;
                if (pane.Contains("%)")) lastProgress = pane;
                Thread.Sleep(200);
            }
            throw new TimeoutException(what + "; the pane:\n" + pane.TrimEnd() + "\nthe last pane with progress:\n" + lastProgress.TrimEnd());
        }
    }
}
