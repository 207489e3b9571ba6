using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace NetbootOci.Module.Tests
{
    /// <summary>
    /// The built module folder (output/NetbootOci) loaded into a MetadataLoadContext: types are
    /// inspected without executing them and without System.Management.Automation being loadable.
    /// </summary>
    public sealed class ModuleLayout : IDisposable
    {
        public static readonly string RepoRoot = FindRepoRoot();
        public static readonly string ModuleDir = Path.Combine(RepoRoot, "output", "NetbootOci");

        public ModuleLayout()
        {
            var paths = new List<string>(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"));
            paths.AddRange(Directory.GetFiles(ModuleDir, "*.dll"));
            paths.AddRange(Directory.GetFiles(Path.Combine(ModuleDir, "bin"), "*.dll"));
            paths.Add(SmaPath());
            paths.Add(BadCmdletsPath());
            Context = new MetadataLoadContext(new PathAssemblyResolver(paths.Distinct()), "System.Private.CoreLib");
            Module = Context.LoadFromAssemblyPath(Path.Combine(ModuleDir, "NetbootOci.dll"));
            Sma = Context.LoadFromAssemblyName("System.Management.Automation");
        }

        /// <summary>PowerShellStandard's System.Management.Automation (for the Verbs* constants).</summary>
        public Assembly Sma { get; }

        /// <summary>The deliberately broken cmdlets the rules are checked against.</summary>
        public Assembly BadCmdlets() => Context.LoadFromAssemblyPath(BadCmdletsPath());

        /// <summary>The module's cmdlets as models.</summary>
        public IReadOnlyList<CmdletInfo> CmdletInfos() => Cmdlets().Select(t => new CmdletInfo(t)).OrderBy(c => c.Name).ToList();

        /// <summary>A type of the module, the engine or the framework by full name, or null.</summary>
        public Type? FindType(string fullName) =>
            Module.GetType(fullName) ?? Context.LoadFromAssemblyName("NetbootOci.Contracts").GetType(fullName)
            ?? Context.LoadFromAssemblyName("NetbootOci.Engine").GetType(fullName) ?? Context.CoreAssembly!.GetType(fullName);

        /// <summary>Built next to this test assembly's configuration (bin/Release or bin/Debug).</summary>
        static string BadCmdletsPath()
        {
            string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            string path = Path.Combine(RepoRoot, "tests", "NetbootOci.Module.Tests.BadCmdlets", "bin", configuration, "netstandard2.0", "NetbootOci.Module.Tests.BadCmdlets.dll");
            if (!File.Exists(path)) throw new FileNotFoundException("fixture assembly not built", path);
            return path;
        }

        public MetadataLoadContext Context { get; }
        public Assembly Module { get; }

        /// <summary>The reference assembly of PowerShellStandard.Library from the NuGet cache.</summary>
        static string SmaPath()
        {
            string home = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string path = Path.Combine(home, "powershellstandard.library", "5.1.0-preview-06", "lib", "netstandard2.0", "System.Management.Automation.dll");
            if (!File.Exists(path)) throw new FileNotFoundException("PowerShellStandard.Library reference assembly not restored", path);
            return path;
        }

        public IEnumerable<Type> Cmdlets() => Module.GetTypes().Where(t => !t.IsAbstract && CmdletAttribute(t) != null);

        public static CustomAttributeData? CmdletAttribute(Type t) =>
            t.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute");

        public static string CmdletName(Type t)
        {
            var a = CmdletAttribute(t)!;
            return a.ConstructorArguments[0].Value + "-" + a.ConstructorArguments[1].Value;
        }

        /// <summary>The string array assigned to a key of NetbootOci.psd1 (simple literal form).</summary>
        public static string[] ManifestList(string key)
        {
            string text = File.ReadAllText(Path.Combine(RepoRoot, "NetbootOci.psd1"));
            var m = Regex.Match(text, key + @"\s*=\s*@\(([^)]*)\)", RegexOptions.Singleline);
            if (!m.Success) throw new InvalidOperationException(key + " not found in NetbootOci.psd1");
            return Regex.Matches(m.Groups[1].Value, "'([^']*)'").Cast<Match>().Select(x => x.Groups[1].Value).ToArray();
        }

        public static string ManifestValue(string key)
        {
            string text = File.ReadAllText(Path.Combine(RepoRoot, "NetbootOci.psd1"));
            var m = Regex.Match(text, @"(?m)^\s*" + key + @"\s*=\s*'([^']*)'");
            if (!m.Success) throw new InvalidOperationException(key + " not found in NetbootOci.psd1");
            return m.Groups[1].Value;
        }

        static string FindRepoRoot()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "NetbootOci.sln"))) return d.FullName;
            throw new InvalidOperationException("repository root not found");
        }

        public void Dispose() => Context.Dispose();
    }
}
