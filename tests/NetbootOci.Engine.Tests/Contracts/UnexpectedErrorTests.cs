using System;
using System.Linq;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Contracts
{
    /// <summary>
    /// Any exception that is not a NetbootException is a bug; the CLI reports it as one line with the id Unexpected and
    /// exit 1, never a stack trace. Provoked with a real input, no test hook: a registry port above 65535 passes the
    /// reference parser and fails in System.Uri (UriFormatException). When the parser learns to refuse it
    /// (InvalidReference), this test needs another input that still reaches a bug.
    /// </summary>
    public sealed class UnexpectedErrorTests
    {
        [Fact]
        public void A_bug_is_one_Unexpected_line_on_stderr_and_exit_1()
        {
            var result = CliProcess.Run("get", "localhost:99999/netboot/x:1");
            Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.Err}");
            var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
            Assert.True(lines.Count == 1, result.Err);
            Assert.StartsWith($"netboot-oci: {ErrorIds.Unexpected}: System.UriFormatException: ", lines[0]);
            Assert.Contains("(in NetbootOci.", lines[0]); // where it happened, for the bug report
            Assert.DoesNotContain("   at ", result.Err);
            Assert.DoesNotContain("Unhandled exception", result.Err);
            Assert.Equal("", result.Out);
        }

        [Fact]
        public void Unexpected_is_documented_as_NotSpecified() => Assert.Equal(FailureKind.NotSpecified, ErrorIds.CategoryOf(ErrorIds.Unexpected));
    }
}
