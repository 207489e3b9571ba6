using System.IO;
using System.Management.Automation;
using NetbootOci.Loading;

namespace NetbootOci.Commands
{
    /// <summary>
    /// Import-Module / Remove-Module hooks: the engine and its dependencies live in the module's bin/
    /// folder and are loaded by <see cref="DependencyResolver"/>, never by the default probe, so another
    /// module's YamlDotNet (powershell-yaml, Az.Aks, platyPS) cannot clash with ours.
    /// PowerShell finds this class while scanning the exported types, before OnImport runs, so no exported
    /// type may need the engine to load: parameter and output types (enums included, whose size the loader
    /// must know) come from NetbootOci.Contracts, which sits beside this assembly.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() =>
            DependencyResolver.Register(Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "bin"));

        public void OnRemove(PSModuleInfo psModuleInfo) => DependencyResolver.Unregister();
    }
}
