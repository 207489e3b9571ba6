using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace NetbootOci.Module.Tests
{
    /// <summary>
    /// The cmdlet conventions of issue 8 as functions that list violations. The module's own cmdlets must
    /// have none; the deliberately broken cmdlets in NetbootOci.Module.Tests.BadCmdlets must trip each
    /// rule, which proves the rules can fail.
    /// </summary>
    public static class CmdletRules
    {
        /// <summary>Verbs whose cmdlets change state and therefore must support -WhatIf/-Confirm.</summary>
        public static readonly string[] StateChangingVerbs =
            { "Save", "Publish", "Set", "New", "Remove", "Add", "Clear", "Install", "Uninstall", "Update", "Sync", "Move", "Rename", "Copy", "Reset", "Register", "Unregister", "Start", "Stop" };

        /// <summary>Verbs that must not change state (and so must not offer -WhatIf).</summary>
        public static readonly string[] ReadOnlyVerbs = { "Get", "Test", "Find", "Measure", "Resolve", "Compare" };

        /// <summary>The approved verbs: every constant of System.Management.Automation.Verbs* in the reference assembly.</summary>
        public static HashSet<string> ApprovedVerbs(Assembly sma) =>
            new HashSet<string>(sma.GetTypes()
                .Where(t => t.Namespace == "System.Management.Automation" && t.Name.StartsWith("Verbs", StringComparison.Ordinal))
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
                .Where(f => f.IsLiteral)
                .Select(f => (string)f.GetRawConstantValue()!), StringComparer.Ordinal);

        public static IEnumerable<string> Naming(CmdletInfo c, ISet<string> approvedVerbs)
        {
            if (!approvedVerbs.Contains(c.Verb)) yield return $"{c}: verb '{c.Verb}' is not an approved verb";
            if (!c.Noun.StartsWith("Netboot", StringComparison.Ordinal) || c.Noun.Length == "Netboot".Length)
                yield return $"{c}: noun '{c.Noun}' must start with the Netboot prefix";
            if (!IsSingular(c.Noun)) yield return $"{c}: noun '{c.Noun}' must be singular";
            if (c.Type.Name != c.Verb + c.Noun + "Command") yield return $"{c}: class {c.Type.Name} should be named {c.Verb}{c.Noun}Command";
            if (c.Type.Namespace != "NetbootOci.Commands") yield return $"{c}: class must be in namespace NetbootOci.Commands";
            if (!c.Type.IsPublic || !c.Type.IsSealed) yield return $"{c}: class must be public sealed";
        }

        static bool IsSingular(string noun) =>
            !noun.EndsWith("s", StringComparison.Ordinal) || noun.EndsWith("ss", StringComparison.Ordinal) || noun.EndsWith("us", StringComparison.Ordinal) || noun.EndsWith("is", StringComparison.Ordinal);

        public static IEnumerable<string> ShouldProcess(CmdletInfo c)
        {
            if (StateChangingVerbs.Contains(c.Verb) && !c.SupportsShouldProcess)
                yield return $"{c}: verb {c.Verb} changes state, so [Cmdlet] needs SupportsShouldProcess = true";
            if (ReadOnlyVerbs.Contains(c.Verb) && c.SupportsShouldProcess)
                yield return $"{c}: verb {c.Verb} does not change state; SupportsShouldProcess would offer a meaningless -WhatIf";
        }

        public static IEnumerable<string> OutputTypes(CmdletInfo c)
        {
            if (c.OutputTypes.Count == 0) { yield return $"{c}: no [OutputType]"; yield break; }
            foreach (object o in c.OutputTypes)
            {
                if (o is not Type t) { yield return $"{c}: [OutputType] names '{o}' as a string; use typeof so it can be checked"; continue; }
                if (IsFrameworkValue(t)) continue;
                if (!t.IsPublic) yield return $"{c}: output type {t.FullName} is not public";
                if (!t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => p.GetMethod?.IsPublic == true))
                    yield return $"{c}: output type {t.FullName} has no public properties (nothing to bind or format)";
            }
        }

        /// <summary>bool, string, numbers: plain values PowerShell knows (Test-* returns $true/$false).</summary>
        static bool IsFrameworkValue(Type t) => t.IsPrimitive || t.FullName == "System.String";

        public static IEnumerable<string> Parameters(CmdletInfo c)
        {
            foreach (var p in c.Parameters)
            {
                bool secretName = p.Names.Any(n => n.IndexOf("Password", StringComparison.OrdinalIgnoreCase) >= 0 || n.IndexOf("Secret", StringComparison.OrdinalIgnoreCase) >= 0);
                if (secretName && p.Type.FullName != "System.Security.SecureString" && p.Type.FullName != "System.Management.Automation.PSCredential")
                    yield return $"{c} {p}: a secret must be a SecureString or PSCredential, not {p.Type.Name}";
                // [Credential()] on top (a user name prompts for the password) is recommended, not required.
                if (p.Names.Any(n => n.Equals("Credential", StringComparison.OrdinalIgnoreCase)) && p.Type.FullName != "System.Management.Automation.PSCredential")
                    yield return $"{c} {p}: -Credential must be a [PSCredential], not {p.Type.Name}";
                if (p.Type.FullName == "System.Boolean")
                    yield return $"{c} {p}: use SwitchParameter, not bool";
                if (p.Sets.GroupBy(s => s.Name).Any(g => g.Count() > 1))
                    yield return $"{c} {p}: more than one [Parameter] for the same parameter set";
            }
            foreach (var set in c.Parameters.SelectMany(p => p.Sets.Select(s => (p, s))).GroupBy(x => x.s.Name))
            {
                if (set.Key == "__AllParameterSets") continue;
                var byValue = set.Where(x => x.s.ValueFromPipeline).Select(x => x.p.Name)
                    .Concat(c.Parameters.Where(p => p.Sets.Any(s => s.Name == "__AllParameterSets" && s.ValueFromPipeline)).Select(p => p.Name))
                    .Distinct().ToList();
                if (byValue.Count > 1) yield return $"{c}: parameter set {set.Key} takes pipeline input by value in {string.Join(", ", byValue)}; at most one";
            }
        }

        public static IEnumerable<string> BaseClass(CmdletInfo c)
        {
            for (Type? t = c.Type.BaseType; t != null; t = t.BaseType)
                if (t.FullName == "NetbootOci.Commands.NetbootCmdletBase") yield break;
            yield return $"{c}: must derive from NetbootOci.Commands.NetbootCmdletBase (cancellation, progress, error ids)";
        }

        /// <summary>
        /// Types PowerShell sees (parameters and outputs) must come from assemblies scripts can name: this
        /// module, the engine (same load context as the cmdlets' references), PowerShell, or the framework.
        /// A YamlDotNet or BouncyCastle type would come from the private load context on PowerShell 7.
        /// </summary>
        public static IEnumerable<string> VisibleTypes(CmdletInfo c)
        {
            foreach (var p in c.Parameters)
                if (!Visible(p.Type)) yield return $"{c} {p}: parameter type {p.Type.FullName} comes from {p.Type.Assembly.GetName().Name}";
            foreach (var t in c.OutputClrTypes)
                if (!Visible(t)) yield return $"{c}: output type {t.FullName} comes from {t.Assembly.GetName().Name}";
        }

        static bool Visible(Type t)
        {
            if (t.HasElementType) return Visible(t.GetElementType()!);
            if (t.IsGenericType && !t.GetGenericArguments().All(Visible)) return false;
            string a = t.Assembly.GetName().Name!;
            // Not NetbootOci.Engine: it loads in the module's private context, where scripts cannot name its types
            // and PowerShell cannot load them while it scans the cmdlet assembly.
            return a is "NetbootOci" or "NetbootOci.Contracts" or "System.Management.Automation" or "System.Private.CoreLib" or "mscorlib" or "netstandard" or "System.Runtime"
                || a.StartsWith("System.", StringComparison.Ordinal) && !a.StartsWith("System.Text.Json", StringComparison.Ordinal);
        }

        /// <summary>
        /// The pipeline contract between an upstream cmdlet's output types and a downstream cmdlet:
        /// every ByPropertyName parameter (name or alias) must find a property of a compatible type on an
        /// upstream output, and the upstream output must bind at least one pipeline parameter (by value or
        /// by property name), otherwise `upstream | downstream` silently passes nothing.
        /// </summary>
        public static IEnumerable<string> PipelineEdge(string upstreamName, IReadOnlyCollection<Type> upstreamOutputs, CmdletInfo down, bool requireEveryByPropertyName)
        {
            bool anyBinds = false;
            var types = upstreamOutputs.Where(t => !IsFrameworkValue(t)).ToList();
            foreach (var p in down.Parameters.Where(p => p.ByPropertyName))
            {
                var matches = types.SelectMany(t => p.Names.Select(n => t.GetProperty(n, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)))
                    .Where(pi => pi != null).Select(pi => pi!).ToList();
                if (matches.Count == 0)
                {
                    if (requireEveryByPropertyName)
                        yield return $"{upstreamName} | {down}: {down} {p} binds by property name but no output of {upstreamName} ({string.Join(", ", types.Select(t => t.Name))}) has a property {string.Join(" or ", p.Names)}";
                    continue;
                }
                foreach (var prop in matches)
                {
                    if (Compatible(p.Type, prop.PropertyType)) anyBinds = true;
                    else yield return $"{upstreamName} | {down}: {prop.DeclaringType!.Name}.{prop.Name} is {prop.PropertyType.Name}, which {down} {p} ({p.Type.Name}) cannot take";
                }
            }
            foreach (var p in down.Parameters.Where(p => p.ByValue))
            {
                if (types.Any(t => Compatible(p.Type, t))) anyBinds = true;
                else if (p.Name == "InputObject" && types.Count > 0)
                    yield return $"{upstreamName} | {down}: {down} -InputObject ({p.Type.Name}) accepts none of {upstreamName}'s outputs ({string.Join(", ", types.Select(t => t.Name))})";
            }
            if (!anyBinds) yield return $"{upstreamName} | {down}: no output of {upstreamName} binds to any pipeline parameter of {down}";
        }

        /// <summary>Whether PowerShell's binder takes a value of <paramref name="value"/> for a parameter of <paramref name="parameter"/> without a lossy or impossible conversion.</summary>
        public static bool Compatible(Type parameter, Type value)
        {
            if (parameter.FullName is "System.Object" or "System.Management.Automation.PSObject") return true;
            if (parameter.IsArray) return Compatible(parameter.GetElementType()!, value) || (ElementType(value) is Type e && Compatible(parameter.GetElementType()!, e));
            if (parameter.IsAssignableFrom(value)) return true;
            if (Nullable(parameter) is Type inner) return Compatible(inner, value);
            if (Nullable(value) is Type innerValue) return Compatible(parameter, innerValue);
            if (parameter.FullName == "System.String") return value.IsPrimitive || value.IsEnum || value.FullName == "System.Guid";
            if (parameter.FullName == "System.Management.Automation.SwitchParameter") return value.FullName == "System.Boolean";
            if (parameter.IsEnum) return value.FullName == "System.String";
            return false;
        }

        static Type? Nullable(Type t) => t.IsGenericType && t.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? t.GetGenericArguments()[0] : null;

        static Type? ElementType(Type t)
        {
            if (t.IsArray) return t.GetElementType();
            if (t.IsGenericType && t.GetGenericArguments().Length == 1 && t.GetInterfaces().Any(i => i.Name == "IEnumerable`1")) return t.GetGenericArguments()[0];
            return null;
        }
    }
}
