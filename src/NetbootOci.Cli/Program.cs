using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.Linq;
using System.Reflection;

namespace NetbootOci.Cli
{
    /// <summary>netboot-oci: the module's verbs as one command. Exit codes: 0 ok, 1 operation failed, 2 bad usage or input.</summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            var root = new RootCommand("Move netboot files between OCI registries and TFTP/HTTP boot servers.");
            Help.AddExamples(root,
                "netboot-oci get quay.io/example/netboot --os fedora",
                "netboot-oci save quay.io/example/netboot:fedora-40 --destination /srv/tftp",
                "netboot-oci sync --inventory /etc/netboot-oci/site.yaml",
                "netboot-oci <command> --help");
            // "netboot-oci 0.1.0", what admins expect from --version; the default prints the bare informational version (with the commit).
            foreach (var version in root.Options.OfType<VersionOption>()) version.Action = new PrintVersion();
            // Each verb lives in its own file under Verbs/ and is found here, so verbs never touch each other.
            foreach (var type in typeof(Program).Assembly.GetTypes()
                         .Where(t => typeof(IVerb).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
                         .OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                root.Subcommands.Add(((IVerb)Activator.CreateInstance(type)!).Build());
            }
            var parse = root.Parse(args);
            // Bad usage (unknown verb or option, missing argument) exits 2 for every verb; System.CommandLine's own
            // error action would exit 1, which scripts read as "the operation failed". Help still wins.
            bool helpAsked = args.Any(a => a == "-h" || a == "--help" || a == "-?");
            if (helpAsked) Help.ShowExamplesOf(parse.CommandResult.Command);
            if (!helpAsked && (parse.Errors.Count > 0 || parse.UnmatchedTokens.Count > 0))
            {
                foreach (var error in parse.Errors) Console.Error.WriteLine("netboot-oci: " + error.Message);
                Console.Error.WriteLine("Run 'netboot-oci " + (parse.CommandResult.Command == root ? "" : parse.CommandResult.Command.Name + " ") + "--help' for usage.");
                return CliRunner.BadInput;
            }
            // System.CommandLine's default handler prints a stack trace; a failure that got past the verb's own
            // handling (CliRunner.Run) is a bug and gets the same one line there.
            try { return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }); }
            catch (Exception e)
            {
                Console.Error.WriteLine($"netboot-oci: {ErrorIds.Unexpected}: {CliRunner.Describe(e)}");
                return CliRunner.Failed;
            }
        }
    }

    /// <summary>--version: the command's name and the assembly's version (the informational version without a +commit suffix).</summary>
    sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var assembly = typeof(Program).Assembly;
            string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (string.IsNullOrEmpty(version)) version = assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            int plus = version!.IndexOf('+');
            parseResult.InvocationConfiguration.Output.WriteLine("netboot-oci " + (plus >= 0 ? version.Substring(0, plus) : version));
            return CliRunner.Ok;
        }
    }

    /// <summary>
    /// Examples in --help. System.CommandLine 2.0 prints a command's description as written, and also in its parent's
    /// command list, so the examples join the description only of the command whose help is shown.
    /// </summary>
    public static class Help
    {
        static readonly System.Collections.Generic.Dictionary<Command, string[]> Examples = new System.Collections.Generic.Dictionary<Command, string[]>();

        public static void AddExamples(Command command, params string[] examples) => Examples[command] = examples;

        public static void ShowExamplesOf(Command command)
        {
            if (!Examples.TryGetValue(command, out var examples)) return;
            command.Description += Environment.NewLine + Environment.NewLine + "Examples:" + Environment.NewLine +
                                   string.Join(Environment.NewLine, examples.Select(e => "  " + e));
        }
    }

    /// <summary>One CLI verb (get, save, publish, verify, link, sync).</summary>
    public interface IVerb
    {
        Command Build();
    }
}
