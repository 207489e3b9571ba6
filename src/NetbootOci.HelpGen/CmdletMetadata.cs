using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace NetbootOci.HelpGen
{
    /// <summary>A parameter as PowerShell will bind it, read from the built cmdlet assembly.</summary>
    public sealed record ParameterMeta(string Name, string TypeName, bool IsSwitch, string[] Aliases, List<(string Set, bool Mandatory, int Position, bool ByValue, bool ByPropertyName)> Sets)
    {
        public bool MandatoryIn(string set) => Sets.Any(s => (s.Set == set || s.Set == AllSets) && s.Mandatory);
        public const string AllSets = "__AllParameterSets";

        public string PipelineInput()
        {
            bool v = Sets.Any(s => s.ByValue), p = Sets.Any(s => s.ByPropertyName);
            return v && p ? "True (ByValue, ByPropertyName)" : v ? "True (ByValue)" : p ? "True (ByPropertyName)" : "False";
        }
    }

    public sealed record CmdletMeta(string Name, string Verb, string Noun, bool SupportsShouldProcess, List<ParameterMeta> Parameters, List<string> OutputTypes)
    {
        /// <summary>The parameter sets, each with its parameters (those of all sets included).</summary>
        public IEnumerable<(string Set, List<ParameterMeta> Parameters)> SyntaxSets()
        {
            var named = Parameters.SelectMany(p => p.Sets.Select(s => s.Set)).Where(s => s != ParameterMeta.AllSets).Distinct().ToList();
            if (named.Count == 0) named.Add(ParameterMeta.AllSets);
            return named.Select(set => (set, Parameters.Where(p => p.Sets.Any(s => s.Set == set || s.Set == ParameterMeta.AllSets)).ToList()));
        }
    }

    /// <summary>Reads [Cmdlet]/[Parameter]/[Alias]/[OutputType] through MetadataLoadContext: nothing is executed.</summary>
    public static class CmdletMetadata
    {
        public static Dictionary<string, CmdletMeta> Read(string moduleDir)
        {
            var paths = new List<string>(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"));
            paths.AddRange(Directory.GetFiles(moduleDir, "*.dll"));
            string bin = Path.Combine(moduleDir, "bin");
            if (Directory.Exists(bin)) paths.AddRange(Directory.GetFiles(bin, "*.dll"));
            paths.Add(Path.Combine(AppContext.BaseDirectory, "System.Management.Automation.dll"));
            using var context = new MetadataLoadContext(new PathAssemblyResolver(paths.Distinct()), "System.Private.CoreLib");
            Assembly module = context.LoadFromAssemblyPath(Path.Combine(moduleDir, "NetbootOci.dll"));
            var result = new Dictionary<string, CmdletMeta>(StringComparer.OrdinalIgnoreCase);
            foreach (Type t in module.GetTypes().Where(t => !t.IsAbstract))
            {
                var cmdlet = Attr(t.GetCustomAttributesData(), "CmdletAttribute");
                if (cmdlet == null) continue;
                string verb = (string)cmdlet.ConstructorArguments[0].Value!, noun = (string)cmdlet.ConstructorArguments[1].Value!;
                var parameters = t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(Parameter).Where(p => p.Sets.Count > 0).ToList();
                var outputs = t.GetCustomAttributesData().Where(a => a.AttributeType.Name == "OutputTypeAttribute")
                    .SelectMany(a => a.ConstructorArguments).SelectMany(Items)
                    .Select(o => o is Type ot ? ot.FullName! : o.ToString()!).ToList();
                bool shouldProcess = cmdlet.NamedArguments.Any(n => n.MemberName == "SupportsShouldProcess" && n.TypedValue.Value is true);
                result[verb + "-" + noun] = new CmdletMeta(verb + "-" + noun, verb, noun, shouldProcess, parameters, outputs);
            }
            return result;
        }

        static ParameterMeta Parameter(PropertyInfo p)
        {
            var data = p.GetCustomAttributesData();
            var sets = data.Where(a => a.AttributeType.Name == "ParameterAttribute").Select(a => (
                Named(a, "ParameterSetName") as string ?? ParameterMeta.AllSets,
                Named(a, "Mandatory") is true,
                Named(a, "Position") is int pos ? pos : int.MinValue,
                Named(a, "ValueFromPipeline") is true,
                Named(a, "ValueFromPipelineByPropertyName") is true)).ToList();
            var aliases = data.Where(a => a.AttributeType.Name == "AliasAttribute").SelectMany(a => a.ConstructorArguments).SelectMany(Items).Select(o => (string)o).ToArray();
            bool isSwitch = p.PropertyType.FullName == "System.Management.Automation.SwitchParameter";
            return new ParameterMeta(p.Name, TypeName(p.PropertyType), isSwitch, aliases, sets);
        }

        static string TypeName(Type t)
        {
            if (t.IsArray) return TypeName(t.GetElementType()!) + "[]";
            if (t.IsGenericType && t.GetGenericTypeDefinition().FullName == "System.Nullable`1") return TypeName(t.GetGenericArguments()[0]);
            return t.Name;
        }

        static CustomAttributeData? Attr(IEnumerable<CustomAttributeData> data, string name) => data.FirstOrDefault(a => a.AttributeType.Name == name);
        static object? Named(CustomAttributeData a, string name) => a.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();
        static IEnumerable<object> Items(CustomAttributeTypedArgument arg) =>
            arg.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items.Select(i => i.Value!) : new[] { arg.Value! };
    }
}
