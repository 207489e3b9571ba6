using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using NetbootOci.Engine.Deploy;

namespace NetbootOci.Engine.Tests.Support
{
    /// <summary>
    /// Lays out a root by hand exactly as Save deploys it: blobs in ROOT/.netboot-oci/blobs/sha256/HEX, a tree
    /// ROOT/.netboot-oci/trees/MANIFESTHEX holding the files (hard links to the blobs) and the boot entry-point
    /// links, and the OS entry ROOT/os/version/arch as a relative symbolic link to the tree, switched atomically.
    /// Used where a test needs a deployed entry without running Save itself.
    /// </summary>
    public static class SaveLayout
    {
        public static string Deploy(string root, string os, string version, string arch, IDictionary<string, byte[]> files, string? entryPoint = null)
        {
            var store = Path.Combine(root, ".netboot-oci");
            var blobs = Path.Combine(store, "blobs", "sha256");
            Directory.CreateDirectory(blobs);
            using var manifestHash = SHA256.Create();
            foreach (var kv in files.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                var bytes = kv.Value;
                string hex = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
                string blob = Path.Combine(blobs, hex);
                if (!File.Exists(blob)) File.WriteAllBytes(blob, bytes);
                var line = System.Text.Encoding.UTF8.GetBytes(kv.Key + " " + hex + "\n");
                manifestHash.TransformBlock(line, 0, line.Length, null, 0);
            }
            manifestHash.TransformFinalBlock(System.Text.Encoding.UTF8.GetBytes(os + version + arch), 0, (os + version + arch).Length);
            string treeHex = Convert.ToHexString(manifestHash.Hash!).ToLowerInvariant();
            string tree = Path.Combine(store, "trees", treeHex);
            if (!Directory.Exists(tree))
            {
                Directory.CreateDirectory(tree);
                foreach (var kv in files)
                {
                    string hex = Convert.ToHexString(SHA256.HashData(kv.Value)).ToLowerInvariant();
                    FileSystemLinks.CreateHardLink(Path.Combine(blobs, hex), Path.Combine(tree, kv.Key));
                }
                if (entryPoint != null) FileSystemLinks.CreateSymbolicLink(Path.Combine(tree, "boot"), entryPoint, false);
            }
            string entryDir = Path.Combine(root, os, version);
            Directory.CreateDirectory(entryDir);
            string entry = Path.Combine(entryDir, arch);
            string stage = Path.Combine(entryDir, "." + arch + ".new");
            FileSystemLinks.CreateSymbolicLink(stage, "../../.netboot-oci/trees/" + treeHex, true);
            FileSystemLinks.RenameOver(stage, entry);
            return entry;
        }

        /// <summary>Files as Debian's netboot package ships them (the real, signed boot chain).</summary>
        public static Dictionary<string, byte[]> DebianNetboot()
        {
            const string d = "/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/";
            return new Dictionary<string, byte[]>
            {
                ["linux"] = File.ReadAllBytes(d + "linux"),
                ["initrd.gz"] = File.ReadAllBytes(d + "initrd.gz"),
                ["pxelinux.0"] = File.ReadAllBytes(d + "pxelinux.0"),
                ["ldlinux.c32"] = File.ReadAllBytes(d + "boot-screens/ldlinux.c32"),
                ["bootnetx64.efi"] = File.ReadAllBytes(d + "bootnetx64.efi"),
                ["grubx64.efi"] = File.ReadAllBytes(d + "grubx64.efi"),
            };
        }

        public static Dictionary<string, byte[]> Small(string tag) => new Dictionary<string, byte[]>
        {
            ["vmlinuz"] = System.Text.Encoding.ASCII.GetBytes("kernel " + tag),
            ["initrd.img"] = System.Text.Encoding.ASCII.GetBytes("initrd " + tag),
            ["shimx64.efi"] = System.Text.Encoding.ASCII.GetBytes("shim " + tag),
            ["grubx64.efi"] = System.Text.Encoding.ASCII.GetBytes("grub " + tag),
        };
    }
}
