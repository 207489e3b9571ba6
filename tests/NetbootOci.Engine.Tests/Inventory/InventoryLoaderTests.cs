using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetbootOci.Engine.Inventory;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Inventory
{
    public sealed class InventoryLoaderTests : IDisposable
    {
        readonly TempDir _dir = new TempDir("nboci-inventory");
        readonly Dictionary<string, string> _env = new Dictionary<string, string>();

        public void Dispose() => _dir.Dispose();

        string Write(string name, string yaml)
        {
            string path = _dir.Combine(name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, yaml.Replace("\r\n", "\n"));
            return path;
        }

        SiteInventory Load(params string[] paths) => InventoryLoader.Load(paths, n => _env.TryGetValue(n, out var v) ? v : null);

        IReadOnlyList<InventoryError> Errors(params string[] paths)
        {
            var e = Assert.Throws<InventoryException>(() => Load(paths));
            Assert.Equal(ErrorIds.InventoryInvalid, e.ErrorId);
            Assert.Equal(FailureKind.InvalidData, e.Kind); // README "Error ids": the file's content is wrong
            foreach (var err in e.Errors) Assert.Contains(err.ToString(), e.Message);
            return e.Errors;
        }

        static void Has(IReadOnlyList<InventoryError> errors, string file, int line, int column, string fragment)
        {
            Assert.True(errors.Any(e => e.File == file && e.Line == line && e.Column == column && e.Message.Contains(fragment)),
                $"expected {Path.GetFileName(file)}:{line}:{column} '{fragment}' in:\n" + string.Join("\n", errors));
        }

        const string Valid = @"schemaVersion: 1
registries:
  - name: fedora
    url: quay.io/fedora
    signaturePolicy: ignore
  - name: local
    url: oci:layout
    plainHttp: false
operatingSystems:
  - name: fedora
    version: ""40""
    architectures: [amd64, aarch64]
    registry: fedora
    repository: fedora-netboot
    tag: ""40""
  - name: debian
    version: 12
    architectures: amd64
    registry: local
proxies:
  - name: pxe1
    root: tftp1
    linkType: Symlink
    operatingSystems: [fedora-40, debian-12]
    aliases: ['boot/{os}-{version}-{arch}-{file}']
    hosts:
      - mac: 52-54-00-12-34-56
        os: debian-12
      - mac: 5254.0012.3457
        os: fedora-40-arm64
";

        [Fact]
        public void A_valid_inventory_loads_with_resolved_paths_and_normalised_values()
        {
            var inv = Load(Write("site.yaml", Valid));
            Assert.Equal(new[] { "fedora", "local" }, inv.Registries.Select(r => r.Name));
            Assert.Equal("quay.io/fedora", inv.Registries[0].Url);
            Assert.Equal(SignaturePolicy.Ignore, inv.Registries[0].SignaturePolicy);
            Assert.Equal("oci:" + _dir.Combine("layout"), inv.Registries[1].Url);
            Assert.Equal(SignaturePolicy.Optional, inv.Registries[1].SignaturePolicy);
            var fedora = inv.OperatingSystem("fedora-40")!;
            Assert.Equal(new[] { "amd64", "arm64" }, fedora.Architectures);
            Assert.Equal("fedora-netboot", fedora.Repository);
            Assert.Equal("40", fedora.Tag);
            Assert.Equal(new[] { "amd64" }, inv.OperatingSystem("debian-12")!.Architectures);
            var p = inv.Proxy("pxe1")!;
            Assert.Equal(_dir.Combine("tftp1"), p.Root);
            Assert.Equal(ProxyEntry.DefaultPathTemplate, p.PathTemplate);
            Assert.Equal("symlink", p.LinkType);
            Assert.Equal("52:54:00:12:34:56", p.Hosts[0].Mac);
            Assert.Equal(("debian-12", "amd64"), (p.Hosts[0].OperatingSystem, p.Hosts[0].Architecture));
            Assert.Equal("52:54:00:12:34:57", p.Hosts[1].Mac);
            Assert.Equal(("fedora-40", "arm64"), (p.Hosts[1].OperatingSystem, p.Hosts[1].Architecture));
        }

        [Fact]
        public void Unknown_keys_wrong_types_and_missing_fields_are_all_reported_with_positions()
        {
            string f = Write("bad.yaml", @"schemaVersion: 1
registries:
  - name: r1
    url: example.org
    plainhttp: true
    dockerConfig: maybe
    keys: {a: b}
operatingSystems:
  - name: x
    version: [1]
    architectures: [amd64]
    registry: r1
    colour: blue
proxies: nope
");
            var errors = Errors(f);
            Has(errors, f, 5, 5, "unknown key 'plainhttp' (did you mean 'plainHttp'?)");
            Has(errors, f, 6, 19, "expected true or false, found 'maybe'");
            Has(errors, f, 7, 11, "registries[0].keys: expected a list, found a mapping");
            Has(errors, f, 10, 14, "operatingSystems[0].version: expected a string, found a list");
            Has(errors, f, 13, 5, "unknown key 'colour'");
            Has(errors, f, 14, 10, "proxies: expected a list, found a scalar");
            Assert.Equal(6, errors.Count);
        }

        [Fact]
        public void Schema_version_is_required_and_checked()
        {
            string missing = Write("a.yaml", "registries: []\n");
            Has(Errors(missing), missing, 1, 1, "schemaVersion is missing");
            string wrong = Write("b.yaml", "schemaVersion: 2\n");
            Has(Errors(wrong), wrong, 1, 16, "schemaVersion 2 is not supported");
            string empty = Write("c.yaml", "");
            Has(Errors(empty), empty, 1, 1, "the file is empty");
        }

        [Fact]
        public void Yaml_syntax_errors_and_duplicate_keys_are_positioned()
        {
            string syntax = Write("syntax.yaml", "schemaVersion: 1\nregistries:\n  - name: [unclosed\n");
            var e = Errors(syntax);
            Assert.Single(e);
            Assert.Contains("YAML syntax error", e[0].Message);
            Assert.True(e[0].Line >= 3, e[0].ToString());

            string dup = Write("dup.yaml", "schemaVersion: 1\nregistries:\n  - name: a\n    url: example.org\n    name: b\n");
            Has(Errors(dup), dup, 5, 5, "duplicate key 'name' (first at line 3)");
        }

        [Fact]
        public void Inline_secrets_are_refused_and_credentials_are_references()
        {
            string f = Write("secret.yaml", @"schemaVersion: 1
registries:
  - name: site
    url: registry.example.org:5000
    password: hunter2
    token: abc
  - name: half
    url: registry.example.org
    usernameEnv: REG_USER
  - name: bad-env
    url: registry.example.org
    usernameEnv: REG_USER
    passwordEnv: 'not a name'
");
            var errors = Errors(f);
            Has(errors, f, 5, 5, "'password' is not allowed: never put credentials in the inventory");
            Has(errors, f, 6, 5, "'token' is not allowed");
            Has(errors, f, 7, 5, "usernameEnv and passwordEnv go together");
            Has(errors, f, 13, 18, "is not an environment variable name");
            Assert.DoesNotContain(errors, x => x.Message.Contains("hunter2"));
        }

        [Fact]
        public void Bad_values_are_reported_at_the_value()
        {
            string f = Write("values.yaml", @"schemaVersion: 1
registries:
  - name: Bad Name
    url: 'not a url!'
    signaturePolicy: sometimes
operatingSystems:
  - name: fedora
    version: '4*'
    architectures: [amd64, sparc, amd64]
    registry: r
    tag: 'bad tag'
  - name: centos
    version: stream9
    architectures: [amd64]
    registry: r
    tag: x
    digest: sha256:1234
proxies:
  - name: p
    root: /srv/tftp
    linkType: junction
    pathTemplate: '{os}/{release}'
");
            var errors = Errors(f);
            Has(errors, f, 3, 11, "'Bad Name' is not a valid name");
            Has(errors, f, 4, 10, "is not a registry");
            Has(errors, f, 5, 22, "'sometimes' is not one of required, optional, ignore");
            Has(errors, f, 8, 14, "'4*' is not a version");
            Has(errors, f, 9, 28, "unknown architecture 'sparc'");
            Has(errors, f, 9, 35, "'amd64' is listed twice");
            Has(errors, f, 11, 10, "'bad tag' is not a valid tag");
            Has(errors, f, 17, 13, "'sha256:1234' is not a valid digest");
            Has(errors, f, 17, 13, "give either tag or digest, not both");
            Has(errors, f, 21, 15, "'junction' is not one of symlink, hardlink, copy");
            Has(errors, f, 22, 19, "unknown placeholder '{release}'");
        }

        [Fact]
        public void Cross_references_duplicates_macs_and_escaping_templates_are_reported()
        {
            string f = Write("refs.yaml", @"schemaVersion: 1
registries:
  - name: r
    url: example.org/netboot
  - name: r
    url: example.org/other
operatingSystems:
  - name: fedora
    version: '40'
    architectures: [amd64, arm64]
    registry: nowhere
  - name: debian
    version: '12'
    architectures: [amd64]
    registry: r
  - name: fedora
    version: '40'
    architectures: [amd64]
    registry: r
proxies:
  - name: p1
    root: /srv/a
    pathTemplate: '../{os}'
    operatingSystems: [debian-12, centos-9]
    aliases: ['/boot/{file}', 'a/../../{file}', 'boot/{os}-{file}']
    hosts:
      - mac: 52:54:00:12:34:5
        os: debian-12
      - mac: 52:54:00:12:34:56
        os: fedora-40-amd64
      - mac: 52:54:00:12:34:56
        os: debian-12-arm64
  - name: p2
    root: /srv/a/
    operatingSystems: [fedora-40]
    hosts:
      - mac: 02:00:00:00:00:01
        os: fedora-40
");
            var errors = Errors(f);
            Has(errors, f, 5, 11, "registry 'r' is defined twice (first at " + f + ":3:11)");
            Has(errors, f, 11, 15, "names registry 'nowhere', which is not defined (defined: r)");
            Has(errors, f, 16, 11, "operating system 'fedora-40' is defined twice");
            Has(errors, f, 23, 19, "'../{os}' escapes the proxy root");
            Has(errors, f, 24, 35, "names operating system 'centos-9', which is not defined");
            Has(errors, f, 25, 15, "'/boot/{file}' is absolute");
            Has(errors, f, 25, 31, "'a/../../{file}' escapes the proxy root");
            Has(errors, f, 27, 14, "'52:54:00:12:34:5' is not a MAC address");
            Has(errors, f, 30, 13, "boots 'fedora-40-amd64', which is not an operating system of proxy 'p1' (the proxy has debian-12-amd64)");
            Has(errors, f, 31, 14, "host 52:54:00:12:34:56 is listed twice");
            Has(errors, f, 32, 13, "boots 'debian-12-arm64'");
            Has(errors, f, 34, 11, "proxy 'p2' uses root '/srv/a/', which proxy 'p1' already uses");
            Has(errors, f, 38, 13, "'fedora-40' has several architectures (amd64, arm64); write 'fedora-40-<arch>'");
        }

        [Fact]
        public void Required_signatures_need_keys_and_key_files_must_exist()
        {
            File.WriteAllText(_dir.Combine("cosign.pub"), "-----BEGIN PUBLIC KEY-----\n");
            string f = Write("keys.yaml", @"schemaVersion: 1
registries:
  - name: r
    url: example.org/netboot
    signaturePolicy: required
  - name: s
    url: example.org/signed
    keys: [cosign.pub, missing.pub]
    rekorKey: rekor.pub
operatingSystems:
  - name: a
    version: '1'
    architectures: [amd64]
    registry: r
  - name: b
    version: '1'
    architectures: [amd64]
    registry: r
    keys: cosign.pub
  - name: c
    version: '1'
    architectures: [amd64]
    registry: s
    signaturePolicy: required
");
            var errors = Errors(f);
            Has(errors, f, 8, 24, "key file '" + _dir.Combine("missing.pub") + "' does not exist");
            Has(errors, f, 9, 15, "rekorKey: key file");
            Has(errors, f, 11, 5, "operating system 'a-1' requires signatures but neither it nor registry 'r' lists keys");
            Assert.Equal(3, errors.Count);
        }

        [Fact]
        public void Environment_variables_expand_and_a_missing_one_is_named()
        {
            _env["SITE_REGISTRY"] = "registry.example.org:5000";
            _env["TFTP_ROOT"] = _dir.Combine("srv");
            string ok = Write("env.yaml", @"schemaVersion: 1
registries:
  - name: site
    url: ${SITE_REGISTRY}/netboot
    usernameEnv: SITE_USER
    passwordEnv: SITE_PASSWORD
proxies:
  - name: p
    root: ${TFTP_ROOT}/tftp
    aliases: ['price-$$5/{file}']
");
            var inv = Load(ok);
            Assert.Equal("registry.example.org:5000/netboot", inv.Registries[0].Url);
            Assert.Equal("SITE_USER", inv.Registries[0].UsernameEnv);
            Assert.Equal(_dir.Combine("srv", "tftp"), inv.Proxies[0].Root);
            Assert.Equal("price-$5/{file}", inv.Proxies[0].Aliases[0]);

            string bad = Write("env-bad.yaml", "schemaVersion: 1\nproxies:\n  - name: p\n    root: ${NOT_SET_ANYWHERE}/x\n    pathTemplate: '${OOPS'\n");
            var errors = Errors(bad);
            Has(errors, bad, 4, 11, "environment variable 'NOT_SET_ANYWHERE' is not set");
            Has(errors, bad, 5, 19, "unterminated '${'");
        }

        [Fact]
        public void Several_files_merge_and_includes_resolve_relative_to_the_including_file()
        {
            string regs = Write("conf/registries.yaml", "schemaVersion: 1\nregistries:\n  - name: local\n    url: oci:../layout\n");
            string oses = Write("conf/os/oses.yaml", "schemaVersion: 1\ninclude: [../registries.yaml]\noperatingSystems:\n  - name: debian\n    version: '12'\n    architectures: [amd64]\n    registry: local\n");
            string site = Write("site.yaml", "schemaVersion: 1\ninclude:\n  - conf/os/oses.yaml\n  - conf/registries.yaml\n");
            string proxies = Write("proxies.yaml", "schemaVersion: 1\nproxies:\n  - name: p\n    root: tftp\n    operatingSystems: [debian-12]\n");
            var inv = Load(site, proxies);
            Assert.Equal("oci:" + _dir.Combine("layout"), inv.Registries.Single().Url);
            Assert.Equal("local", inv.OperatingSystems.Single().Registry);
            Assert.Equal(_dir.Combine("tftp"), inv.Proxies.Single().Root);
            Assert.Equal(4, inv.Files.Count);
        }

        [Fact]
        public void Duplicates_across_merged_files_and_include_cycles_are_reported()
        {
            string a = Write("a.yaml", "schemaVersion: 1\ninclude: [b.yaml]\nregistries:\n  - name: r\n    url: example.org/x\n");
            string b = Write("b.yaml", "schemaVersion: 1\ninclude: [a.yaml]\nregistries:\n  - name: r\n    url: example.org/y\n");
            string c = Write("c.yaml", "schemaVersion: 1\nregistries:\n  - name: r\n    url: example.org/z\n");
            var errors = Errors(a, c);
            Has(errors, b, 2, 11, "include cycle: " + a + " -> " + b + " -> " + a);
            Has(errors, b, 4, 11, "registry 'r' is defined twice (first at " + a + ":4:11)");
            Has(errors, c, 3, 11, "registry 'r' is defined twice");

            string missing = Write("m.yaml", "schemaVersion: 1\ninclude: [nothere.yaml]\n");
            Has(Errors(missing), missing, 2, 11, "cannot read inventory file '" + _dir.Combine("nothere.yaml") + "'");
        }

        [Fact]
        public void Every_error_reaches_the_message_in_file_line_column_form()
        {
            string f = Write("many.yaml", "schemaVersion: 1\nregistries:\n  - name: a\n  - url: example.org\n");
            var e = Assert.Throws<InventoryException>(() => Load(f));
            Assert.Equal(2, e.Errors.Count);
            Assert.Contains($"{f}:3:5: registries[0]: 'url' is required", e.Message);
            Assert.Contains($"{f}:4:5: registries[1]: 'name' is required", e.Message);
            Assert.StartsWith("The inventory has 2 errors:", e.Message);
        }
    }
}
