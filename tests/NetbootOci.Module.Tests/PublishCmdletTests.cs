using System.Linq;
using System.Reflection;
using Xunit;

namespace NetbootOci.Module.Tests
{
    /// <summary>Publish-NetbootArtifact's surface, read from the built module's metadata.</summary>
    public class PublishCmdletTests : IClassFixture<ModuleLayoutFixture>
    {
        readonly ModuleLayout _layout;
        public PublishCmdletTests(ModuleLayoutFixture f) { _layout = f.Layout; }

        System.Type Cmdlet() => _layout.Cmdlets().Single(t => ModuleLayout.CmdletName(t) == "Publish-NetbootArtifact");

        static CustomAttributeData? Attr(MemberInfo m, string name) =>
            m.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Management.Automation." + name);

        static object? Named(CustomAttributeData a, string name) =>
            a.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();

        [Fact]
        public void Supports_ShouldProcess_with_medium_impact_and_declares_its_output()
        {
            var cmdlet = ModuleLayout.CmdletAttribute(Cmdlet())!;
            Assert.Equal(true, Named(cmdlet, "SupportsShouldProcess"));
            Assert.Equal(2, (int)Named(cmdlet, "ConfirmImpact")!); // ConfirmImpact: None 0, Low 1, Medium 2, High 3
            var output = Attr(Cmdlet(), "OutputTypeAttribute")!;
            var types = (System.Collections.Generic.IEnumerable<CustomAttributeTypedArgument>)output.ConstructorArguments[0].Value!;
            Assert.Contains(types, t => ((System.Type)t.Value!).FullName == "NetbootOci.PublishResult");
        }

        [Fact]
        public void Path_binds_from_the_pipeline_by_FullName()
        {
            var path = Cmdlet().GetProperty("Path")!;
            Assert.Equal("System.String[]", path.PropertyType.FullName);
            var p = Attr(path, "ParameterAttribute")!;
            Assert.Equal(true, Named(p, "Mandatory"));
            Assert.Equal(true, Named(p, "ValueFromPipelineByPropertyName"));
            var alias = Attr(path, "AliasAttribute")!;
            var names = (System.Collections.Generic.IEnumerable<CustomAttributeTypedArgument>)alias.ConstructorArguments[0].Value!;
            Assert.Contains(names, n => (string)n.Value! == "FullName");
        }

        [Theory]
        [InlineData("Name", "System.String")]
        [InlineData("Version", "System.String")]
        [InlineData("Architecture", "System.String")]
        [InlineData("Reference", "System.String")]
        [InlineData("EntryPoint", "System.String")]
        [InlineData("AltEntryPoint", "System.String")]
        [InlineData("LegacyEntryPoint", "System.String")]
        [InlineData("Annotation", "System.Collections.Hashtable")]
        [InlineData("MountFrom", "System.String")]
        [InlineData("Chunked", "System.Management.Automation.SwitchParameter")]
        [InlineData("Credential", "System.Management.Automation.PSCredential")]
        [InlineData("PlainHttp", "System.Management.Automation.SwitchParameter")]
        public void Has_parameter(string name, string type)
        {
            var property = Cmdlet().GetProperty(name)!;
            Assert.NotNull(Attr(property, "ParameterAttribute"));
            Assert.Equal(type, property.PropertyType.FullName);
        }

        [Fact]
        public void Created_is_an_optional_DateTime()
        {
            var property = Cmdlet().GetProperty("Created")!;
            Assert.NotNull(Attr(property, "ParameterAttribute"));
            Assert.Equal("System.Nullable`1", property.PropertyType.GetGenericTypeDefinition().FullName);
            Assert.Equal("System.DateTime", property.PropertyType.GetGenericArguments()[0].FullName);
        }
    }
}
