using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Deploy.Links;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Tests.Support;

namespace NetbootOci.Engine.Tests.BootProof
{
    /// <summary>
    /// One TFTP root for the boot proof, made the way an operator would: Debian 12's real, signed netboot files are
    /// published with the Publish engine to a real docker-registry, discovered and saved from it into a fresh root,
    /// and linked by the link engine from the Save result (an OS alias for every file and a host entry for QEMU's
    /// MAC). The test then writes only the loader configuration a provisioning system would write.
    /// </summary>
    public sealed class BootRootFixture : IDisposable
    {
        public const string AliasTemplate = "boot/{os}-{version}-{arch}-{file}";
        public static readonly string HostDir = "host-config/" + QemuBoot.Mac.Replace(':', '-');
        const string DebianImages = "/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/";
        readonly TempDir _dir = new TempDir("nboci-boot");

        public BootRootFixture()
        {
            Root = _dir.Combine("root");
            var options = new RegistryOptions { PlainHttp = true, UseDockerConfig = false };
            using (var registry = RegistryServer.Start())
            {
                Published = new ArtifactPublisher(options).PublishAsync(new PublishRequest
                {
                    Paths = StageDebianFiles(),
                    Name = "debian",
                    Version = "12",
                    Architecture = "amd64",
                    EntryPoint = "bootnetx64.efi",
                    Reference = registry.Host + "/netboot/debian",
                }, CancellationToken.None).GetAwaiter().GetResult();

                using var repository = RepositoryFactory.Open(Published.Reference, options);
                var artifact = ArtifactDiscovery.DiscoverAsync(repository, OciReference.Parse(Published.Reference), null, NullEngineLog.Instance, CancellationToken.None)
                    .GetAwaiter().GetResult().Single();
                Saved = ArtifactSaver.SaveAsync(repository, artifact, new SaveOptions { Destination = Root }, NullEngineLog.Instance, CancellationToken.None)
                    .GetAwaiter().GetResult();
                BlobsFetched = registry.CountRequests("GET", "/v2/netboot/debian/blobs/");
            }

            var request = LinkRequest.For(Saved);
            request.LinkType = LinkType.Symlink;
            request.Names.Add(AliasTemplate);
            request.MacAddresses.Add(QemuBoot.Mac);
            Links = LinkEngine.ApplyAsync(request, null, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
            WriteLoaderConfiguration();
        }

        public string Root { get; }
        public PublishResult Published { get; }
        public SaveResult Saved { get; }
        public int BlobsFetched { get; }
        public IReadOnlyList<LinkResult> Links { get; }

        public string WorkDir(string name)
        {
            string d = _dir.Combine(name);
            Directory.CreateDirectory(d);
            return d;
        }

        /// <summary>The six files a Debian netboot needs, under the names they are published with.</summary>
        List<string> StageDebianFiles()
        {
            string stage = _dir.Combine("publish");
            Directory.CreateDirectory(stage);
            var files = new Dictionary<string, string>
            {
                ["linux"] = DebianImages + "linux",
                ["initrd.gz"] = DebianImages + "initrd.gz",
                ["pxelinux.0"] = DebianImages + "pxelinux.0",
                ["ldlinux.c32"] = DebianImages + "boot-screens/ldlinux.c32",
                ["bootnetx64.efi"] = DebianImages + "bootnetx64.efi",
                ["grubx64.efi"] = DebianImages + "grubx64.efi",
            };
            foreach (var kv in files) File.Copy(kv.Value, Path.Combine(stage, kv.Key));
            return files.Keys.Select(k => Path.Combine(stage, k)).ToList();
        }

        /// <summary>
        /// pxelinux looks for its per-MAC file beside itself (the host entry); Debian's signed GRUB always reads
        /// /debian-installer/amd64/grub/grub.cfg. Both boot the OS alias names with the console on serial.
        /// </summary>
        void WriteLoaderConfiguration()
        {
            string mac = QemuBoot.Mac.Replace(':', '-');
            string pxeDir = Path.Combine(Root, HostDir, "pxelinux.cfg");
            Directory.CreateDirectory(pxeDir);
            File.WriteAllText(Path.Combine(pxeDir, "01-" + mac),
                "SERIAL 0 115200\nDEFAULT install\nPROMPT 0\nTIMEOUT 1\nLABEL install\n" +
                "  KERNEL ::boot/debian-12-amd64-linux\n" +
                "  APPEND initrd=::boot/debian-12-amd64-initrd.gz console=ttyS0,115200n8 ---\n");

            string grubDir = Path.Combine(Root, "debian-installer", "amd64", "grub");
            Directory.CreateDirectory(grubDir);
            File.WriteAllText(Path.Combine(grubDir, "grub.cfg"),
                "serial --unit=0 --speed=115200\nterminal_input serial console\nterminal_output serial console\n" +
                "echo \"netboot-oci proof: mac=$net_default_mac\"\n" +
                "linux /boot/debian-12-amd64-linux console=ttyS0,115200n8 ---\n" +
                "initrd /boot/debian-12-amd64-initrd.gz\nboot\n");
        }

        public void Dispose() => _dir.Dispose();
    }
}
