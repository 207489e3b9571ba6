using System;
using System.CommandLine;
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

    /// <summary>One CLI verb (get, save, publish, verify, link, sync).</summary>
    public interface IVerb
    {
        Command Build();
    }
}
