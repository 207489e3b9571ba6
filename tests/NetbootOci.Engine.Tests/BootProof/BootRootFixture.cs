using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using NetbootOci.Engine.Deploy.Links;
using NetbootOci.Engine.Tests.Support;

namespace NetbootOci.Engine.Tests.BootProof
{
    /// <summary>
    /// One TFTP root for the boot proof: Debian 12's real, signed netboot files deployed in Save's layout,
    /// linked by the link engine (an OS alias for every file and a host entry for QEMU's MAC), plus only the
    /// loader configuration a provisioning system would write.
    /// </summary>
    public sealed class BootRootFixture : IDisposable
    {
        public const string AliasTemplate = "boot/{os}-{version}-{arch}-{file}";
        public static readonly string HostDir = "host-config/" + QemuBoot.Mac.Replace(':', '-');
        readonly TempDir _dir = new TempDir("nboci-boot");

        public BootRootFixture()
        {
            Root = _dir.Combine("root");
            Directory.CreateDirectory(Root);
            Entry = SaveLayout.Deploy(Root, "debian", "12", "amd64", SaveLayout.DebianNetboot(), entryPoint: "bootnetx64.efi");

            var request = new LinkRequest
            {
                Root = Root,
                Entry = Entry,
                Os = "debian",
                Version = "12",
                Architecture = "amd64",
                LinkType = LinkType.Symlink,
                Names = { AliasTemplate },
                MacAddresses = { QemuBoot.Mac },
            };
            Links = LinkEngine.ApplyAsync(request, null, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
            WriteLoaderConfiguration();
        }

        public string Root { get; }
        public string Entry { get; }
        public IReadOnlyList<LinkResult> Links { get; }

        public string WorkDir(string name)
        {
            string d = _dir.Combine(name);
            Directory.CreateDirectory(d);
            return d;
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
