using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Xunit;

namespace NetbootOci.Module.Tests
{
    /// <summary>
    /// The PowerShell 7 situation: another module (powershell-yaml, Az.Aks, platyPS) has put a different
    /// YamlDotNet into the default load context before NetbootOci is imported. The module's resolver must
    /// give the engine its own YamlDotNet from bin/ in a private context, and leave the other one alone.
    /// Runs in this test process exactly as PowerShell does it: NetbootOci.dll loaded from the module
    /// folder into the default context, then the module initializer's resolver hooked.
    /// </summary>
    public class DependencyIsolationTests
    {
        static string BinDir => Path.Combine(ModuleLayout.ModuleDir, "bin");

        static string OtherYamlDotNet()
        {
            string home = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string path = Path.Combine(home, "yamldotnet", "15.3.0", "lib", "netstandard2.0", "YamlDotNet.dll");
            Assert.True(File.Exists(path), "PackageDownload of YamlDotNet 15.3.0 missing: " + path);
            return path;
        }

        static object? Parse(Assembly yamlDotNet, string yaml)
        {
            Type deserializer = yamlDotNet.GetType("YamlDotNet.Serialization.Deserializer", throwOnError: true)!;
            object instance = Activator.CreateInstance(deserializer)!;
            MethodInfo deserialize = deserializer.GetMethods()
                .Single(m => m.Name == "Deserialize" && !m.IsGenericMethodDefinition && m.GetParameters().Select(p => p.ParameterType).SequenceEqual(new[] { typeof(string) }));
            return deserialize.Invoke(instance, new object[] { yaml });
        }

        [Fact]
        public void EngineGetsItsOwnYamlDotNetWhileTheDefaultContextKeepsAnotherVersion()
        {
            // Another module got there first.
            Assembly other = AssemblyLoadContext.Default.LoadFromAssemblyPath(OtherYamlDotNet());
            Assert.Equal(15, other.GetName().Version!.Major);

            // Import-Module: the cmdlet assembly comes from the module folder into the default context.
            Assembly module = Assembly.LoadFrom(Path.Combine(ModuleLayout.ModuleDir, "NetbootOci.dll"));
            Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(module));
            AssemblyName engineRef = module.GetReferencedAssemblies().Single(n => n.Name == "NetbootOci.Engine");

            // IModuleAssemblyInitializer.OnImport does this.
            Type resolverType = module.GetType("NetbootOci.Loading.DependencyResolver", throwOnError: true)!;
            object resolver = resolverType.GetMethod("Register", BindingFlags.Static | BindingFlags.NonPublic)!.Invoke(null, new object[] { BinDir })!;
            Assert.True((bool)resolverType.GetProperty("UsesLoadContext", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(resolver)!);

            // The cmdlet assembly's reference to the engine is answered from the private context.
            Assembly engine = AssemblyLoadContext.Default.LoadFromAssemblyName(engineRef);
            AssemblyLoadContext engineContext = AssemblyLoadContext.GetLoadContext(engine)!;
            Assert.NotSame(AssemblyLoadContext.Default, engineContext);
            Assert.Equal("NetbootOci", engineContext.Name);
            Assert.Equal(Path.Combine(BinDir, "NetbootOci.Engine.dll"), engine.Location);

            // The engine's YamlDotNet reference (what it compiled against) resolves to bin/'s 16.x, privately.
            AssemblyName shipped = AssemblyName.GetAssemblyName(Path.Combine(BinDir, "YamlDotNet.dll"));
            Assert.Equal(16, shipped.Version!.Major);
            Assembly engineYaml = engineContext.LoadFromAssemblyName(shipped);
            Assert.Equal(shipped.Version, engineYaml.GetName().Version);
            Assert.Same(engineContext, AssemblyLoadContext.GetLoadContext(engineYaml));
            AssemblyName? compiledAgainst = engine.GetReferencedAssemblies().FirstOrDefault(n => n.Name == "YamlDotNet");
            if (compiledAgainst != null) Assert.Same(engineYaml, engineContext.LoadFromAssemblyName(compiledAgainst));

            // Both work side by side, each with its own types.
            var ours = Assert.IsAssignableFrom<IDictionary>(Parse(engineYaml, "os: fedora\nversions: [40, 41]\n"));
            var theirs = Assert.IsAssignableFrom<IDictionary>(Parse(other, "os: debian\n"));
            Assert.Equal("fedora", ours["os"]);
            Assert.Equal("debian", theirs["os"]);
            Assert.NotEqual(engineYaml.GetType("YamlDotNet.Serialization.Deserializer"), other.GetType("YamlDotNet.Serialization.Deserializer"));

            // The default context still sees only the other version: nothing of bin/ but the engine leaked into it.
            Assert.Same(other, AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("YamlDotNet")));
            Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "BouncyCastle.Crypto");
            Assert.Throws<FileNotFoundException>(() => AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("BouncyCastle.Crypto")));
            Assert.Contains(engineContext.Assemblies, a => a.GetName().Name == "BouncyCastle.Crypto");

            // The Windows PowerShell 5.1 rule (AppDomain.AssemblyResolve): serve bin/'s copy only when it
            // is new enough, never a name bin/ does not hold.
            MethodInfo fromBin = resolverType.GetMethod("ResolveFromBin", BindingFlags.Instance | BindingFlags.NonPublic)!;
            var tooNew = new AssemblyName("YamlDotNet") { Version = new Version(99, 0, 0, 0) };
            Assert.Null(fromBin.Invoke(resolver, new object[] { tooNew }));
            Assert.Null(fromBin.Invoke(resolver, new object[] { new AssemblyName("Newtonsoft.Json, Version=13.0.0.0") }));
            var served = (Assembly)fromBin.Invoke(resolver, new object[] { new AssemblyName("NetbootOci.Engine, Version=0.0.0.1") })!;
            Assert.Equal("NetbootOci.Engine", served.GetName().Name);
        }
    }
}
