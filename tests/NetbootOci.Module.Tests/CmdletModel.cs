using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Reflection;

namespace NetbootOci.Module.Tests
{
    /// <summary>A cmdlet class read through CustomAttributeData (no attribute is ever instantiated).</summary>
    public sealed class CmdletInfo
    {
        public CmdletInfo(Type type)
        {
            Type = type;
            var cmdlet = Attribute(type.GetCustomAttributesData(), "CmdletAttribute")
                ?? throw new ArgumentException(type + " has no [Cmdlet]");
            Verb = (string)cmdlet.ConstructorArguments[0].Value!;
            Noun = (string)cmdlet.ConstructorArguments[1].Value!;
            SupportsShouldProcess = Named(cmdlet, "SupportsShouldProcess") is bool b && b;
            OutputTypes = type.GetCustomAttributesData()
                .Where(a => a.AttributeType.Name == "OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(Flatten)
                .ToList();
            Parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => new ParameterInfo(p))
                .Where(p => p.Sets.Count > 0)
                .ToList();
        }

        public Type Type { get; }
        public string Verb { get; }
        public string Noun { get; }
        public string Name => Verb + "-" + Noun;
        public bool SupportsShouldProcess { get; }
        /// <summary>[OutputType] entries: <see cref="System.Type"/> or, for the string form, the type name.</summary>
        public IReadOnlyList<object> OutputTypes { get; }
        public IReadOnlyList<ParameterInfo> Parameters { get; }

        /// <summary>Output types given as types (string-named ones cannot be checked for properties).</summary>
        public IEnumerable<Type> OutputClrTypes => OutputTypes.OfType<Type>();

        static IEnumerable<object> Flatten(CustomAttributeTypedArgument arg) =>
            arg.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items
                ? items.Select(i => i.Value!)
                : new[] { arg.Value! };

        internal static CustomAttributeData? Attribute(IEnumerable<CustomAttributeData> data, string name) =>
            data.FirstOrDefault(a => a.AttributeType.Name == name && a.AttributeType.Namespace == "System.Management.Automation");

        internal static object? Named(CustomAttributeData a, string name) =>
            a.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();

        public override string ToString() => Name;
    }

    /// <summary>One cmdlet parameter: its [Parameter] attributes (one per parameter set) and aliases.</summary>
    public sealed class ParameterInfo
    {
        public ParameterInfo(PropertyInfo property)
        {
            Property = property;
            var data = property.GetCustomAttributesData();
            Sets = data.Where(a => a.AttributeType.Name == "ParameterAttribute")
                .Select(a => new ParameterSet(
                    CmdletInfo.Named(a, "ParameterSetName") as string ?? "__AllParameterSets",
                    CmdletInfo.Named(a, "Mandatory") is true,
                    CmdletInfo.Named(a, "ValueFromPipeline") is true,
                    CmdletInfo.Named(a, "ValueFromPipelineByPropertyName") is true))
                .ToList();
            Aliases = data.Where(a => a.AttributeType.Name == "AliasAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items.Select(i => (string)i.Value!) : new[] { (string)arg.Value! })
                .ToList();
            HasCredentialAttribute = CmdletInfo.Attribute(data, "CredentialAttribute") != null;
        }

        public PropertyInfo Property { get; }
        public string Name => Property.Name;
        public Type Type => Property.PropertyType;
        public IReadOnlyList<ParameterSet> Sets { get; }
        public IReadOnlyList<string> Aliases { get; }
        public bool HasCredentialAttribute { get; }
        public bool ByValue => Sets.Any(s => s.ValueFromPipeline);
        public bool ByPropertyName => Sets.Any(s => s.ValueFromPipelineByPropertyName);
        public IEnumerable<string> Names => new[] { Name }.Concat(Aliases);

        public override string ToString() => "-" + Name;
    }

    public sealed record ParameterSet(string Name, bool Mandatory, bool ValueFromPipeline, bool ValueFromPipelineByPropertyName);
}
