using System;
using System.CommandLine;
using NetbootOci.Engine;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Cli
{
    /// <summary>Options every registry-facing verb shares: --plain-http, --username/--password-stdin, --json, --verbose.</summary>
    public sealed class CommonOptions
    {
        public Option<bool> PlainHttp { get; } = new Option<bool>("--plain-http") { Description = "Talk plain HTTP to the registry (only when asked)." };
        public Option<string?> Username { get; } = new Option<string?>("--username", "-u") { Description = "Registry user name; the password is read from standard input with --password-stdin." };
        public Option<bool> PasswordStdin { get; } = new Option<bool>("--password-stdin") { Description = "Read the registry password (or token) from standard input." };
        public Option<bool> Json { get; } = new Option<bool>("--json") { Description = "Print results as JSON (same property names as the cmdlets' output objects)." };
        public Option<bool> Verbose { get; } = new Option<bool>("--verbose", "-v") { Description = "Tell each step on standard error (never secrets)." };

        public void AddTo(Command command)
        {
            command.Options.Add(PlainHttp);
            command.Options.Add(Username);
            command.Options.Add(PasswordStdin);
            command.Options.Add(Json);
            command.Options.Add(Verbose);
        }

        /// <summary>Registry options from the parsed command line; the password comes only from stdin, never argv.</summary>
        public RegistryOptions Registry(ParseResult parse, IEngineLog log)
        {
            var options = new RegistryOptions { PlainHttp = parse.GetValue(PlainHttp), Log = log };
            string? user = parse.GetValue(Username);
            if (parse.GetValue(PasswordStdin))
            {
                if (user == null)
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "--password-stdin needs --username.");
                string password = Console.In.ReadToEnd().TrimEnd('\r', '\n');
                options.Credential = new RegistryCredential(user, password);
            }
            else if (user != null)
            {
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "--username needs --password-stdin (passwords are never taken on the command line).");
            }
            return options;
        }
    }

    /// <summary>
    /// --progress auto|plain|none and --quiet for the verbs that move files (save, sync, publish). Progress only
    /// ever goes to stderr, so stdout (--json) stays the results alone.
    /// </summary>
    public sealed class ProgressOptions
    {
        public Option<string> Progress { get; } = new Option<string>("--progress")
        {
            Description = "Transfer progress on standard error: auto (live lines when stderr is a terminal, else none), plain (a line per file every few seconds and when done; for logs), none.",
            DefaultValueFactory = _ => "auto",
        };
        public Option<bool> Quiet { get; } = new Option<bool>("--quiet", "-q") { Description = "No progress (warnings and errors still go to standard error)." };

        public ProgressOptions() { Progress.AcceptOnlyFromAmong("auto", "plain", "none"); }

        public void AddTo(Command command)
        {
            command.Options.Add(Progress);
            command.Options.Add(Quiet);
        }

        public ProgressMode Mode(ParseResult parse) => ProgressRenderer.Resolve(parse.GetValue(Progress), parse.GetValue(Quiet));
    }
}
