using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Tests.Support;

namespace NetbootOci.Engine.Tests.Sync
{
    /// <summary>
    /// A small site for sync tests: registry A (anonymous) with fedora 40, registry B (htpasswd Basic auth) with
    /// debian 12, an OCI layout with alpine 3.20, and an inventory naming two proxies.
    /// </summary>
    sealed class SyncSite : IDisposable
    {
        public const string User = "syncuser";
        public const string Password = "s3cret-pass";
        public readonly TempDir Dir = new TempDir("nboci-sync");
        public readonly RegistryServer A;
        public RegistryServer? B;
        public readonly string UserEnv = "NBOCI_TEST_USER_" + Guid.NewGuid().ToString("N").Substring(0, 8).ToUpperInvariant();
        public readonly string PasswordEnv = "NBOCI_TEST_PASS_" + Guid.NewGuid().ToString("N").Substring(0, 8).ToUpperInvariant();
        public readonly Dictionary<string, PublishResult> Published = new Dictionary<string, PublishResult>();

        public SyncSite()
        {
            A = RegistryServer.Start();
            string htpasswd = Tools.Run("htpasswd", $"-Bbn {User} {Password}");
            B = RegistryServer.Start("  htpasswd:\n    realm: sync-test\n    path: {dir}/htpasswd\n", new Dictionary<string, string> { ["htpasswd"] = htpasswd });
            Publish("fedora", "40", A.Host + "/netboot/fedora", new RegistryOptions { PlainHttp = true }, "kernel-f40", 200_000);
            Publish("debian", "12", B.Host + "/site/debian", new RegistryOptions { PlainHttp = true, Credential = new RegistryCredential(User, Password) }, "kernel-d12", 150_000);
            Publish("alpine", "3.20", "oci:" + Dir.Combine("layout"), new RegistryOptions(), "kernel-a320", 100_000);
            // Credentials reach the sync only through the environment variables the inventory names.
            Environment.SetEnvironmentVariable(UserEnv, User);
            Environment.SetEnvironmentVariable(PasswordEnv, Password);
        }

        void Publish(string name, string version, string reference, RegistryOptions options, string seed, int initrdBytes)
        {
            string folder = Dir.Combine("files", name + version);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "shimx64.efi"), "shim " + seed);
            File.WriteAllText(Path.Combine(folder, "grubx64.efi"), "grub " + seed);
            File.WriteAllText(Path.Combine(folder, "vmlinuz"), seed);
            File.WriteAllBytes(Path.Combine(folder, "initrd.img"), ArtifactFixture.Bytes(initrdBytes, seed.GetHashCode()));
            var publisher = new ArtifactPublisher(options);
            Published[name] = publisher.PublishAsync(new PublishRequest
            {
                Paths = new List<string> { folder }, Name = name, Version = version, Architecture = "amd64",
                EntryPoint = "shimx64.efi", AltEntryPoint = "grubx64.efi", Reference = reference,
            }, CancellationToken.None).GetAwaiter().GetResult();
        }

        public string Root(string proxy) => Dir.Combine("roots", proxy);

        /// <summary>The inventory: p1 gets all three OSes with an alias and a host; p2 gets fedora and alpine.</summary>
        public string WriteInventory(string name = "site.yaml", bool p2Alpine = true)
        {
            string yaml = $@"# yaml-language-server: $schema=netboot-inventory.schema.json
schemaVersion: 1
registries:
  - name: a
    url: http://{A.Host}/netboot
  - name: b
    url: {B!.Host}/site
    plainHttp: true
    usernameEnv: {UserEnv}
    passwordEnv: {PasswordEnv}
  - name: layout
    url: oci:layout
operatingSystems:
  - name: fedora
    version: '40'
    architectures: [amd64]
    registry: a
    repository: fedora
  - name: debian
    version: '12'
    architectures: [amd64]
    registry: b
    repository: debian
    tag: debian-12-amd64
  - name: alpine
    version: '3.20'
    architectures: [x86_64]
    registry: layout
proxies:
  - name: p1
    root: roots/p1
    operatingSystems: [fedora-40, debian-12, alpine-3.20]
    aliases: ['boot/{{os}}-{{version}}-{{arch}}-{{file}}']
    hosts:
      - mac: 52:54:00:12:34:56
        os: debian-12
  - name: p2
    root: roots/p2
    pathTemplate: 'images/{{os}}-{{version}}/{{arch}}'
    linkType: hardlink
    aliases: ['latest/{{os}}/{{arch}}/{{file}}']
    operatingSystems: [fedora-40{(p2Alpine ? ", alpine-3.20" : "")}]
";
            string path = Dir.Combine(name);
            File.WriteAllText(path, yaml);
            return path;
        }

        public void StopB()
        {
            B?.Dispose();
            B = null;
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable(UserEnv, null);
            Environment.SetEnvironmentVariable(PasswordEnv, null);
            A.Dispose();
            B?.Dispose();
            Dir.Dispose();
        }
    }
}
