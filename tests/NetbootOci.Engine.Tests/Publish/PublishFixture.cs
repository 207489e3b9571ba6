using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Tests.Support;

namespace NetbootOci.Engine.Tests.Publish
{
    /// <summary>Small boot-file sets written to a temp folder for publish tests.</summary>
    static class PublishFixture
    {
        /// <summary>Writes shim, grub, kernel and initrd with content that depends on <paramref name="seed"/>.</summary>
        public static string WriteBootFiles(TempDir dir, string folder, string seed = "a", int initrdBytes = 300_000)
        {
            string path = dir.Combine(folder);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "shimx64.efi"), "shim " + seed);
            File.WriteAllText(Path.Combine(path, "grubx64.efi"), "grub " + seed);
            File.WriteAllText(Path.Combine(path, "vmlinuz"), "kernel " + seed);
            var initrd = new byte[initrdBytes];
            new System.Random(seed.GetHashCode() & 0x7fffffff).NextBytes(initrd);
            File.WriteAllBytes(Path.Combine(path, "initrd.img"), initrd);
            return path;
        }

        public static PublishRequest Request(string folder, string reference, string arch = "amd64") => new PublishRequest
        {
            Paths = new List<string> { folder },
            Name = "fedora",
            Version = "40",
            Architecture = arch,
            EntryPoint = "shimx64.efi",
            AltEntryPoint = "grubx64.efi",
            Reference = reference,
        };

        /// <summary>All file names and contents below a folder, for "nothing was written" checks.</summary>
        public static Dictionary<string, byte[]> Snapshot(string root) =>
            !Directory.Exists(root) ? new Dictionary<string, byte[]>() :
            Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
    }
}
