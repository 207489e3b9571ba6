using System.IO;
using System.Reflection;
using Xunit;

namespace NetbootOci.Module.Tests
{
    /// <summary>Tests that load the built NetbootOci.dll into this process share its resolver: run them one at a time.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class LoadContextCollection { public const string Name = "module loaded in process"; }

    /// <summary>
    /// The split behind NetbootCmdletBase.ResolveReference: the path of an oci: reference as typed (to be
    /// resolved through the provider, relative to $PWD) and the tag/digest suffix, as the engine parses them.
    /// </summary>
    [Collection(LoadContextCollection.Name)]
    public class LayoutReferenceTests
    {
        static (bool, string, string) Split(string reference)
        {
            Assembly module = Assembly.LoadFrom(Path.Combine(ModuleLayout.ModuleDir, "NetbootOci.dll"));
            module.GetType("NetbootOci.Loading.DependencyResolver", true)!
                .GetMethod("Register", BindingFlags.Static | BindingFlags.NonPublic)!.Invoke(null, new object[] { Path.Combine(ModuleLayout.ModuleDir, "bin") });
            var args = new object?[] { reference, null, null };
            bool ok = (bool)module.GetType("NetbootOci.Loading.LayoutReference", true)!
                .GetMethod("TrySplit", BindingFlags.Static | BindingFlags.NonPublic)!.Invoke(null, args)!;
            return (ok, (string)args[1]!, (string)args[2]!);
        }

        const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        [Theory]
        [InlineData("oci:./layout", "./layout", "")]
        [InlineData("oci:layout:fedora-40", "layout", ":fedora-40")]
        [InlineData("oci:../a/b:v1@" + Digest, "../a/b", ":v1@" + Digest)]
        [InlineData("oci:TestDrive:/layout", "TestDrive:/layout", "")]
        [InlineData(@"oci:C:\boot\layout:tag", @"C:\boot\layout", ":tag")]
        public void SplitsThePathAsTypedFromTagAndDigest(string reference, string path, string suffix)
        {
            Assert.Equal((true, path, suffix), Split(reference));
        }

        [Theory]
        [InlineData("quay.io/example/netboot:tag")]
        [InlineData("oci:")]
        [InlineData("oci:layout@sha256:nothex")]
        public void LeavesRegistryAndUnparsableReferencesToTheEngine(string reference)
        {
            Assert.False(Split(reference).Item1);
        }
    }
}
