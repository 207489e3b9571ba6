using System.Linq;
using System.Reflection;
using Xunit;

namespace NetbootOci.Module.Tests
{
    /// <summary>Test-NetbootSignature's public surface, read from the built module (no pwsh here).</summary>
    public class TestNetbootSignatureMetadataTests : IClassFixture<ModuleLayoutFixture>
    {
        readonly ModuleLayout _layout;
        public TestNetbootSignatureMetadataTests(ModuleLayoutFixture f) { _layout = f.Layout; }

        [Fact]
        public void DeclaresItsOutputTypesAndPipelineParameters()
        {
            var type = _layout.Cmdlets().Single(t => ModuleLayout.CmdletName(t) == "Test-NetbootSignature");
            var outputTypes = type.GetCustomAttributesData().Where(a => a.AttributeType.Name == "OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments.SelectMany(c => ((System.Collections.Generic.IEnumerable<CustomAttributeTypedArgument>)c.Value!).Select(v => ((System.Type)v.Value!).Name)))
                .ToArray();
            Assert.Equal(new[] { "Boolean", "SignatureResult", "NetbootArtifact" }, outputTypes);

            string[] Named(string property, string argument) => type.GetProperty(property)!.GetCustomAttributesData()
                .Where(a => a.AttributeType.Name == "ParameterAttribute")
                .SelectMany(a => a.NamedArguments).Where(n => n.MemberName == argument && (bool)n.TypedValue.Value!).Select(n => n.MemberName).ToArray();
            Assert.NotEmpty(Named("InputObject", "ValueFromPipeline"));
            Assert.NotEmpty(Named("Reference", "ValueFromPipelineByPropertyName"));
            Assert.NotEmpty(Named("Digest", "ValueFromPipelineByPropertyName"));
            // Not mandatory: artifacts from an inventory carry their keys (the cmdlet requires -Key with -Reference).
            Assert.Empty(Named("Key", "Mandatory"));
            foreach (var p in new[] { "RekorKey", "RequireTransparencyLog", "CheckReference", "SignatureRepository", "Detailed", "PassThru", "Credential", "PlainHttp" })
                Assert.NotNull(type.GetProperty(p));
        }
    }
}
