using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Tests.Support
{
    /// <summary>
    /// A small netboot-like artifact (empty config, one layer per file) written to an OCI layout, ready to be
    /// pushed to a registry by skopeo or read back for comparison.
    /// </summary>
    public sealed class ArtifactFixture
    {
        public const string ArtifactType = "application/vnd.org.pulpproject.netboot.artifact.v1";
        public const string FileMediaType = "application/x-netboot-file";

        public ArtifactFixture(string layoutDir, string tag, IDictionary<string, byte[]> files)
        {
            LayoutDir = layoutDir;
            Tag = tag;
            var repo = new OciLayoutRepository(layoutDir);
            repo.PushBlobAsync(Descriptor.EmptyJson(), () => new MemoryStream(Encoding.UTF8.GetBytes("{}")), null, CancellationToken.None).GetAwaiter().GetResult();
            var manifest = new ImageManifest { ArtifactType = ArtifactType };
            foreach (var f in files)
            {
                var d = new Descriptor
                {
                    MediaType = FileMediaType, Digest = Digest.Sha256(f.Value), Size = f.Value.Length,
                    Annotations = new SortedDictionary<string, string> { ["org.opencontainers.image.title"] = f.Key },
                };
                repo.PushBlobAsync(d, () => new MemoryStream(f.Value), null, CancellationToken.None).GetAwaiter().GetResult();
                manifest.Layers.Add(d);
                Files[d.Digest] = f.Value;
            }
            ManifestBytes = OciJson.Serialize(manifest);
            ManifestDigest = repo.PushManifestAsync(ManifestBytes, MediaTypes.OciManifest, tag, CancellationToken.None).GetAwaiter().GetResult();
            Manifest = manifest;
        }

        public string LayoutDir { get; }
        public string Tag { get; }
        public ImageManifest Manifest { get; }
        public byte[] ManifestBytes { get; }
        public string ManifestDigest { get; }
        public Dictionary<string, byte[]> Files { get; } = new Dictionary<string, byte[]>();
        public Descriptor Layer(int i) => Manifest.Layers[i];

        /// <summary>skopeo copy to a plain-http registry; <paramref name="creds"/> is user:pass or null.</summary>
        public void PushWithSkopeo(string registryHost, string repository, string? creds = null) =>
            Tools.Skopeo($"copy --dest-tls-verify=false {(creds != null ? "--dest-creds " + creds + " " : "")}oci:{LayoutDir}:{Tag} docker://{registryHost}/{repository}:{Tag}");

        /// <summary>Deterministic pseudo-random bytes.</summary>
        public static byte[] Bytes(int size, int seed)
        {
            var data = new byte[size];
            new System.Random(seed).NextBytes(data);
            return data;
        }
    }
}
