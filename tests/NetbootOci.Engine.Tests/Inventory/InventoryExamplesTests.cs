using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using NetbootOci.Engine.Inventory;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Inventory
{
    /// <summary>The shipped examples validate, and the JSON Schema editors use knows exactly the keys the loader knows.</summary>
    public sealed class InventoryExamplesTests
    {
        static string Examples => Path.Combine(TestPaths.RepoRoot, "examples");

        [Fact]
        public void Site_example_validates_with_its_registries_proxies_and_hosts()
        {
            var inv = InventoryLoader.Load(new[] { Path.Combine(Examples, "site.yaml") }, _ => null);
            Assert.Equal(new[] { "fedora", "foreman", "site" }, inv.Registries.Select(r => r.Name));
            var site = inv.Registry("site")!;
            Assert.Equal(("SITE_REGISTRY_USER", "SITE_REGISTRY_PASSWORD"), (site.UsernameEnv, site.PasswordEnv));
            Assert.Equal(SignaturePolicy.Required, site.SignaturePolicy);
            Assert.True(File.Exists(site.Keys.Single()));
            Assert.Equal(new[] { "fedora-40", "fedora-39", "debian-12" }, inv.OperatingSystems.Select(o => o.Id));
            Assert.Equal(new[] { "pxe-dc1", "pxe-branch" }, inv.Proxies.Select(p => p.Name));
            Assert.Equal(new[] { "52:54:00:12:34:56", "52:54:00:ab:cd:ef" }, inv.Proxy("pxe-dc1")!.Hosts.Select(h => h.Mac));
            Assert.Equal("arm64", inv.Proxy("pxe-dc1")!.Hosts[1].Architecture);
            Assert.Equal("08:00:27:aa:bb:cc", inv.Proxy("pxe-branch")!.Hosts.Single().Mac);
        }

        [Fact]
        public void Every_example_inventory_references_the_schema_and_validates()
        {
            var files = Directory.EnumerateFiles(Examples, "*.yaml", SearchOption.AllDirectories)
                .Where(f => File.ReadAllText(f).Contains("schemaVersion:")).ToList();
            Assert.NotEmpty(files);
            foreach (string f in files)
            {
                string first = File.ReadLines(f).First();
                Assert.StartsWith("# yaml-language-server: $schema=", first);
                string schema = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(f)!, first.Substring(first.IndexOf('=') + 1)));
                Assert.Equal(Path.Combine(Examples, "netboot-inventory.schema.json"), schema);
                InventoryLoader.Load(new[] { f }, name => "placeholder-" + name.ToLowerInvariant());
            }
        }

        [Fact]
        public void Json_schema_lists_the_same_keys_as_the_loader()
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Examples, "netboot-inventory.schema.json")));
            var root = doc.RootElement;
            var defs = root.GetProperty("$defs");
            Assert.Equal(Known("TopKeys"), Props(root));
            Assert.Equal(Known("RegistryKeys"), Props(defs.GetProperty("registry")));
            Assert.Equal(Known("OsKeys"), Props(defs.GetProperty("operatingSystem")));
            Assert.Equal(Known("ProxyKeys"), Props(defs.GetProperty("proxy")));
            Assert.Equal(Known("HostKeys"), Props(defs.GetProperty("proxy").GetProperty("properties").GetProperty("hosts").GetProperty("items")));
            foreach (var def in new[] { "registry", "operatingSystem", "proxy" })
                Assert.False(defs.GetProperty(def).GetProperty("additionalProperties").GetBoolean());
        }

        static List<string> Props(JsonElement e) => e.GetProperty("properties").EnumerateObject().Select(p => p.Name).OrderBy(n => n).ToList();

        static List<string> Known(string field) =>
            ((string[])typeof(InventoryLoader).Assembly.GetType("NetbootOci.Engine.Inventory.InventoryFileReader")!
                .GetField(field, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!).OrderBy(n => n).ToList();
    }
}
