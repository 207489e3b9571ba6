using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NetbootOci.Module.Tests
{
    /// <summary>Get-NetbootArtifact's public surface, read from the built module: parameters, sets, pipeline binding, wildcards, output type.</summary>
    public class GetNetbootArtifactCommandTests : IClassFixture<ModuleLayoutFixture>
    {
        readonly Type _type;

        public GetNetbootArtifactCommandTests(ModuleLayoutFixture f) =>
            _type = f.Layout.Cmdlets().Single(t => ModuleLayout.CmdletName(t) == "Get-NetbootArtifact");

        static CustomAttributeData? Attribute(MemberInfo m, string name) =>
            m.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.Name == name && a.AttributeType.Namespace == "System.Management.Automation");

        static object? Named(CustomAttributeData a, string name) =>
            a.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();

        PropertyInfo Parameter(string name) => _type.GetProperty(name) ?? throw new InvalidOperationException("no parameter " + name);

        IEnumerable<string> ParameterNames() =>
            _type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => Attribute(p, "ParameterAttribute") != null).Select(p => p.Name);

        [Fact]
        public void OutputsNetbootArtifactAndDoesNotChangeState()
        {
            var output = Attribute(_type, "OutputTypeAttribute")!;
            var types = output.ConstructorArguments.SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.Value!).Select(v => ((Type)v.Value!).FullName);
            Assert.Equal(new[] { "NetbootOci.NetbootArtifact" }, types);
            var cmdlet = Attribute(_type, "CmdletAttribute")!;
            Assert.Null(Named(cmdlet, "SupportsShouldProcess"));
            Assert.Equal("Reference", Named(cmdlet, "DefaultParameterSetName"));
            Assert.Equal("NetbootOci.Commands.GetNetbootArtifactCommand", _type.FullName);
            Assert.True(_type.IsPublic && _type.IsSealed);
            Assert.Equal("NetbootOci.Commands.NetbootCmdletBase", _type.BaseType!.FullName);
        }

        [Fact]
        public void ReferenceIsMandatoryPositionalAndTakesPipelineInput()
        {
            var p = Parameter("Reference");
            Assert.Equal("System.String[]", p.PropertyType.FullName);
            var parameter = Attribute(p, "ParameterAttribute")!;
            Assert.Equal(true, Named(parameter, "Mandatory"));
            Assert.Equal(0, Named(parameter, "Position"));
            Assert.Equal(true, Named(parameter, "ValueFromPipeline"));
            Assert.Equal(true, Named(parameter, "ValueFromPipelineByPropertyName"));
            Assert.Equal("Reference", Named(parameter, "ParameterSetName"));
            Assert.NotNull(Attribute(p, "ValidateNotNullOrEmptyAttribute"));
            // Its own output pipes back in by property name: NetbootArtifact.Reference is the pinned reference.
            var output = (Type)Attribute(_type, "OutputTypeAttribute")!.ConstructorArguments
                .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.Value!).Single().Value!;
            Assert.Equal("System.String", output.GetProperty("Reference")!.PropertyType.FullName);
        }

        [Theory]
        [InlineData("Name")]
        [InlineData("Version")]
        [InlineData("Architecture")]
        public void FiltersAreOptionalWildcardStringArrays(string name)
        {
            var p = Parameter(name);
            Assert.Equal("System.String[]", p.PropertyType.FullName);
            var parameter = Attribute(p, "ParameterAttribute")!;
            Assert.Null(Named(parameter, "Mandatory"));
            Assert.Null(Named(parameter, "ValueFromPipeline"));
            Assert.Null(Named(parameter, "Position"));
            Assert.NotNull(Attribute(p, "SupportsWildcardsAttribute"));
        }

        [Fact]
        public void CredentialAndPlainHttpAreTheRegistryOptions()
        {
            Assert.Equal("System.Management.Automation.PSCredential", Parameter("Credential").PropertyType.FullName);
            Assert.NotNull(Attribute(Parameter("Credential"), "CredentialAttribute"));
            Assert.Equal("System.Management.Automation.SwitchParameter", Parameter("PlainHttp").PropertyType.FullName);
            Assert.Equal(new[] { "Architecture", "Credential", "InventoryPath", "Name", "PlainHttp", "Proxy", "Reference", "Version" }, ParameterNames().OrderBy(n => n));
        }
    }
}
