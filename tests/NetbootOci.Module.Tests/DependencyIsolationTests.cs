using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
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
    [Collection(LoadContextCollection.Name)]
    public class DependencyIsolationTests
    {
        static string BinDir => Path.Combine(ModuleLayout.ModuleDir, "bin");
        /// <summary>The maintained BouncyCastle (BouncyCastle.Cryptography 2.x; the retired Portable.BouncyCastle shipped BouncyCastle.Crypto.dll).</summary>
        const string BouncyCastleFile = "BouncyCastle.Cryptography.dll";

        /// <summary>One zstd frame by hand (magic, single-segment header with a 1-byte size, one raw last block): "hello".</summary>
        static readonly byte[] HelloFrame = { 0x28, 0xB5, 0x2F, 0xFD, 0x20, 0x05, 0x29, 0x00, 0x00, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' };

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

        /// <summary>
        /// A "future" BouncyCastle.Cryptography 99 with the real public key (the runtime does not check strong-name
        /// signatures, so this is what a newer release looks like to the binder): the case where a context
        /// without its own copies would take the default context's newer version instead of ours.
        /// </summary>
        static Assembly NewerBouncyCastleInDefaultContext()
        {
            AssemblyName real = AssemblyName.GetAssemblyName(Path.Combine(BinDir, BouncyCastleFile));
            var name = new AssemblyName(real.Name!) { Version = new Version(99, 0, 0, 0), CultureInfo = System.Globalization.CultureInfo.InvariantCulture };
            name.SetPublicKey(real.GetPublicKey());
            var builder = new PersistedAssemblyBuilder(name, typeof(object).Assembly);
            builder.DefineDynamicModule(real.Name + ".dll").DefineType("FakeNewerBouncyCastle.Marker", TypeAttributes.Public).CreateType();
            using var image = new MemoryStream();
            builder.Save(image);
            image.Position = 0;
            return AssemblyLoadContext.Default.LoadFromStream(image);
        }

        [Fact]
        public void EngineGetsItsOwnYamlDotNetWhileTheDefaultContextKeepsAnotherVersion()
        {
            // Other modules got there first: an older YamlDotNet and a newer BouncyCastle.
            Assembly other = AssemblyLoadContext.Default.LoadFromAssemblyPath(OtherYamlDotNet());
            Assert.Equal(15, other.GetName().Version!.Major);
            Assembly newerBouncy = NewerBouncyCastleInDefaultContext();

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

            // A newer version in the default context does not win over the engine's own either.
            AssemblyName shippedBouncy = AssemblyName.GetAssemblyName(Path.Combine(BinDir, BouncyCastleFile));
            Assembly engineBouncy = engineContext.LoadFromAssemblyName(shippedBouncy);
            Assert.Equal(Path.Combine(BinDir, BouncyCastleFile), engineBouncy.Location);
            Assert.Equal(shippedBouncy.Version, engineBouncy.GetName().Version);

            // The managed zstd decoder is in bin/ and loads privately too: the engine decompresses through it.
            AssemblyName shippedZstd = AssemblyName.GetAssemblyName(Path.Combine(BinDir, "ZstdSharp.dll"));
            Assembly engineZstd = engineContext.LoadFromAssemblyName(shippedZstd);
            Assert.Equal(Path.Combine(BinDir, "ZstdSharp.dll"), engineZstd.Location);
            var decompressed = new MemoryStream();
            engine.GetType("NetbootOci.Engine.Store.ZstdDecompressor", throwOnError: true)!.GetMethod("Decompress")!
                .Invoke(null, new object[] { new MemoryStream(HelloFrame), decompressed, "'hello' of test", System.Threading.CancellationToken.None });
            Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(decompressed.ToArray()));
            Assert.Contains(engineContext.Assemblies, a => a.GetName().Name == "ZstdSharp");

            // The default context still sees only the others' versions: nothing of bin/ but the engine leaked into it.
            Assert.Same(other, AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("YamlDotNet")));
            Assert.Same(newerBouncy, AssemblyLoadContext.Default.LoadFromAssemblyName(shippedBouncy));
            Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.Location.StartsWith(BinDir, StringComparison.Ordinal) && a != engine);

            // Remove-Module then Import-Module: a new resolver, but the same engine in the same private context.
            resolverType.GetMethod("Unregister", BindingFlags.Static | BindingFlags.NonPublic)!.Invoke(null, null);
            object again = resolverType.GetMethod("Register", BindingFlags.Static | BindingFlags.NonPublic)!.Invoke(null, new object[] { BinDir })!;
            Assert.NotSame(resolver, again);
            Assert.Same(engine, AssemblyLoadContext.Default.LoadFromAssemblyName(engineRef));
            Assert.Same(engineContext, resolverType.GetProperty("PrivateContext", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(again));

            // The Windows PowerShell 5.1 rule (AppDomain.AssemblyResolve): serve bin/'s copy only when it
            // is new enough, never a name bin/ does not hold.
            MethodInfo fromBin = resolverType.GetMethod("ResolveFromBin", BindingFlags.Instance | BindingFlags.NonPublic)!;
            var tooNew = new AssemblyName("YamlDotNet") { Version = new Version(99, 0, 0, 0) };
            Assert.Null(fromBin.Invoke(resolver, new object[] { tooNew }));
            Assert.Null(fromBin.Invoke(resolver, new object[] { new AssemblyName("Newtonsoft.Json, Version=13.0.0.0") }));
            var served = (Assembly)fromBin.Invoke(resolver, new object[] { new AssemblyName("NetbootOci.Engine, Version=0.0.0.1") })!;
            Assert.Equal("NetbootOci.Engine", served.GetName().Name);
            foreach (string dependency in new[] { "ZstdSharp", "BouncyCastle.Cryptography" })
            {
                var servedDependency = (Assembly?)fromBin.Invoke(resolver, new object[] { new AssemblyName(dependency + ", Version=0.0.0.1") });
                Assert.Equal(dependency, servedDependency?.GetName().Name);
            }
        }
    }
}
