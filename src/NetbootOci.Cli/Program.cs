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
            return root.Parse(args).Invoke();
        }
    }

    /// <summary>One CLI verb (get, save, publish, verify, link, sync).</summary>
    public interface IVerb
    {
        Command Build();
    }
}
