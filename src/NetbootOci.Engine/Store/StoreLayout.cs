using System.IO;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Store
{
    /// <summary>
    /// Where things live under a destination root (README "Save"): <c>.netboot-oci/blobs/sha256/&lt;hex&gt;</c>
    /// (deployed content, read-only, keyed by its content digest), <c>.netboot-oci/tmp/</c> (partial downloads),
    /// <c>.netboot-oci/trees/&lt;manifest-hex&gt;/</c> (one tree per manifest, hardlinks to blobs named by title)
    /// with its index <c>trees/&lt;manifest-hex&gt;.json</c>, and the lock <c>.netboot-oci/lock</c>.
    /// </summary>
    public sealed class StoreLayout
    {
        public const string DirectoryName = ".netboot-oci";

        public StoreLayout(string root)
        {
            Root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            if (Root.Length == 0) Root = Path.DirectorySeparatorChar.ToString();
            StoreDirectory = Path.Combine(Root, DirectoryName);
        }

        public string Root { get; }
        public string StoreDirectory { get; }
        public string BlobsDirectory => Path.Combine(StoreDirectory, "blobs");
        public string TempDirectory => Path.Combine(StoreDirectory, "tmp");
        public string TreesDirectory => Path.Combine(StoreDirectory, "trees");
        public string LockPath => Path.Combine(StoreDirectory, "lock");

        public string BlobPath(string contentDigest) =>
            Path.Combine(BlobsDirectory, Digest.Algorithm(contentDigest), Digest.Hex(contentDigest));

        public string TreePath(string manifestDigest) => Path.Combine(TreesDirectory, Digest.Hex(manifestDigest));
        public string TreeIndexPath(string manifestDigest) => TreePath(manifestDigest) + ".json";

        /// <summary>The resumable download of a layer blob (compressed bytes for zstd layers).</summary>
        public string PartialPath(string layerDigest) =>
            Path.Combine(TempDirectory, Digest.Algorithm(layerDigest) + "-" + Digest.Hex(layerDigest) + ".partial");
    }
}
