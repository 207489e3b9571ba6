using System;
using System.IO;
using System.Linq;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Deploy.Links;
using Xunit;
using Xunit.Abstractions;

namespace NetbootOci.Engine.Tests.BootProof
{
    /// <summary>
    /// Proof that what we deploy and link really boots: the real tftpd-hpa (chrooted) serves every linked name,
    /// and QEMU boots the linked files with BIOS through pxelinux and with UEFI Secure Boot enforced through
    /// Debian's signed shim, signed GRUB and signed kernel, up to the kernel starting /init.
    /// </summary>
    public class BootProofTests : IClassFixture<BootRootFixture>
    {
        static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(300);
        const string InitMarker = "Run /init as init process";
        readonly BootRootFixture _f;
        readonly ITestOutputHelper _out;

        public BootProofTests(BootRootFixture f, ITestOutputHelper output) { _f = f; _out = output; }

        [Fact]
        public void EveryLinkedNameIsServedByTheChrootedTftpd()
        {
            // The files came from the registry through Save into Save's layout.
            Assert.True(_f.Published.Changed);
            Assert.True(_f.Saved.Changed);
            Assert.Equal(new[] { "bootnetx64.efi", "grubx64.efi", "initrd.gz", "ldlinux.c32", "linux", "pxelinux.0" }, _f.Saved.Files.OrderBy(n => n, StringComparer.Ordinal));
            Assert.True(_f.Saved.BytesDownloaded > 50_000_000, $"Save downloaded {_f.Saved.BytesDownloaded} bytes");
            Assert.True(_f.BlobsFetched > 0, "the registry's access log shows no blob download");
            Assert.Equal(Path.Combine(_f.Root, "debian", "12", "amd64"), _f.Saved.Path);

            // Every name of the entry (the six files and Save's entry-point links) as an OS alias and in the host entry.
            var names = Directory.GetFileSystemEntries(_f.Saved.Path).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).ToList();
            Assert.Contains("boot", names);
            Assert.Equal(2 * names.Count, _f.Links.Count);
            foreach (var n in names)
            {
                Assert.Contains(_f.Links, l => l.Name == $"boot/debian-12-amd64-{n}");
                Assert.Contains(_f.Links, l => l.Name == $"{BootRootFixture.HostDir}/{n}");
            }
            using var tftpd = TftpDaemon.Start(_f.Root);
            foreach (var link in _f.Links)
            {
                Assert.Equal(LinkType.Symlink, link.LinkType);
                var (bytes, code) = tftpd.Fetch(link.Name);
                Assert.True(bytes != null, $"tftpd -s did not serve '{link.Name}' -> '{link.SymlinkText}' (curl exit {code})");
                Assert.Equal(File.ReadAllBytes(link.Target!), bytes);
            }

            // Control: the daemon really is chrooted, so an absolute link (even one pointing inside the root) is not served.
            string control = Path.Combine(_f.Root, "control-absolute");
            FileSystemLinks.CreateSymbolicLink(control, Path.Combine(_f.Saved.Path, "linux"), false);
            try { Assert.Equal(68, tftpd.Fetch("control-absolute").Code); }
            finally { File.Delete(control); }
        }

        [Fact]
        public void BiosBootsThroughPxelinuxFromTheHostEntry()
        {
            string host = BootRootFixture.HostDir;
            var outcome = QemuBoot.Run(_f.WorkDir("bios"), new[]
            {
                "-accel", "tcg", "-m", "1024",
                "-netdev", $"user,id=n0,tftp={_f.Root},bootfile={host}/pxelinux.0",
                "-device", $"e1000,netdev=n0,mac={QemuBoot.Mac}", "-boot", "n",
            }, new[] { "PXELINUX", InitMarker }, BootTimeout);

            _out.WriteLine($"{outcome.Why} after {outcome.Elapsed.TotalSeconds:0} s; TFTP requests: {string.Join(", ", outcome.TftpRequests)}");
            Assert.True(outcome.Passed, outcome.Describe());
            foreach (var name in new[] { $"{host}/pxelinux.0", $"{host}/ldlinux.c32", $"{host}/pxelinux.cfg/01-52-54-00-12-34-56", "boot/debian-12-amd64-linux", "boot/debian-12-amd64-initrd.gz" })
                Assert.True(outcome.TftpRequests.Contains(name), $"'{name}' was not requested.\n{outcome.Describe()}");
        }

        [Fact]
        public void UefiSecureBootBootsShimGrubAndTheSignedKernelFromTheHostEntry()
        {
            string host = BootRootFixture.HostDir;
            string work = _f.WorkDir("uefi");
            string vars = Path.Combine(work, "OVMF_VARS_4M.ms.fd");
            File.Copy("/usr/share/OVMF/OVMF_VARS_4M.ms.fd", vars, overwrite: true); // Microsoft keys enrolled: Secure Boot on
            var outcome = QemuBoot.Run(work, new[]
            {
                "-accel", "tcg", "-machine", "q35,smm=on", "-global", "driver=cfi.pflash01,property=secure,value=on", "-m", "1536",
                "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
                "-drive", $"if=pflash,format=raw,unit=1,file={vars}",
                "-netdev", $"user,id=n0,tftp={_f.Root},bootfile={host}/bootnetx64.efi",
                "-device", $"virtio-net-pci,netdev=n0,mac={QemuBoot.Mac},romfile=", "-device", "virtio-rng-pci", "-boot", "n",
            }, new[] { "Secure boot enabled", InitMarker }, BootTimeout);

            _out.WriteLine($"{outcome.Why} after {outcome.Elapsed.TotalSeconds:0} s; TFTP requests: {string.Join(", ", outcome.TftpRequests)}");
            Assert.True(outcome.Passed, outcome.Describe());
            foreach (var name in new[] { $"{host}/bootnetx64.efi", $"{host}/grubx64.efi", "/boot/debian-12-amd64-linux", "/boot/debian-12-amd64-initrd.gz" })
                Assert.True(outcome.TftpRequests.Contains(name), $"'{name}' was not requested.\n{outcome.Describe()}");
        }
    }
}
