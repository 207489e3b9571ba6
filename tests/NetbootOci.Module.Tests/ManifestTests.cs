using System.IO;
using System.Linq;
using Xunit;

namespace NetbootOci.Module.Tests
{
    public class ManifestTests : IClassFixture<ModuleLayoutFixture>
    {
        readonly ModuleLayout _layout;
        public ManifestTests(ModuleLayoutFixture f) { _layout = f.Layout; }

        [Fact]
        public void ManifestExportsExactlyTheCmdletsThatExist()
        {
            var inAssembly = _layout.Cmdlets().Select(ModuleLayout.CmdletName).OrderBy(n => n).ToArray();
            var exported = ModuleLayout.ManifestList("CmdletsToExport").OrderBy(n => n).ToArray();
            Assert.Equal(inAssembly, exported);
        }

        [Fact]
        public void ManifestSupportsDesktopAndCoreFromPowerShell51()
        {
            Assert.Equal(new[] { "Desktop", "Core" }, ModuleLayout.ManifestList("CompatiblePSEditions"));
            Assert.Equal("5.1", ModuleLayout.ManifestValue("PowerShellVersion"));
            Assert.Equal("NetbootOci.dll", ModuleLayout.ManifestValue("RootModule"));
        }

        [Fact]
        public void BuildLaysOutALoadableModuleFolder()
        {
            Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDir, "NetbootOci.psd1")));
            Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDir, "NetbootOci.dll")));
            Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDir, "bin", "NetbootOci.Engine.dll")));
            Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDir, "bin", "YamlDotNet.dll")));
            // PowerShell itself provides System.Management.Automation; shipping it would break loading.
            Assert.False(File.Exists(Path.Combine(ModuleLayout.ModuleDir, "System.Management.Automation.dll")));
            Assert.False(File.Exists(Path.Combine(ModuleLayout.ModuleDir, "bin", "System.Management.Automation.dll")));
        }
    }

    public sealed class ModuleLayoutFixture : System.IDisposable
    {
        public ModuleLayout Layout { get; } = new ModuleLayout();
        public void Dispose() => Layout.Dispose();
    }
}
