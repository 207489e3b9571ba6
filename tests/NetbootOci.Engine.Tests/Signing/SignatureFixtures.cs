using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Signing;
using NetbootOci.Engine.Tests.Support;

namespace NetbootOci.Engine.Tests.Signing
{
    /// <summary>One cosign signature layer as containers/image stores it: mime type, payload bytes, annotations.</summary>
    public sealed class VectorLayer
    {
        public string MediaType { get; set; } = "";
        public byte[] Payload { get; set; } = Array.Empty<byte>();
        public SortedDictionary<string, string> Annotations { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

        public VectorLayer Clone() => new VectorLayer { MediaType = MediaType, Payload = (byte[])Payload.Clone(), Annotations = new SortedDictionary<string, string>(Annotations, StringComparer.Ordinal) };
    }

    /// <summary>Serves the cosign-made vectors in ../shared/vectors as real OCI content (never copied into the repository).</summary>
    public static class SignatureFixtures
    {
        public static string Legacy(params string[] parts) => Path.Combine(TestPaths.Vectors, "legacy-simplesigning", Path.Combine(parts));
        public static string Bundles(params string[] parts) => Path.Combine(TestPaths.Vectors, "sigstore-bundles", Path.Combine(parts));
        public static string EncryptedKeys(params string[] parts) => Path.Combine(TestPaths.Vectors, "encrypted-keys", Path.Combine(parts));

        public const string ValidDigest = "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00";
        public const string RekorDigest = "sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a";
        public const string RsaDigest = "sha256:253c890b744fe3efa923b68e3a1be07bd007eb44ba29da1e7deb1d4c53b3e212";

        /// <summary>Reads a containers/image <c>signature-N</c> file: 0x00, "sigstore-json\n", then JSON {mimeType, payload, annotations}.</summary>
        public static VectorLayer ReadLayer(string path)
        {
            byte[] all = File.ReadAllBytes(path);
            const string prefix = "\0sigstore-json\n";
            if (Encoding.ASCII.GetString(all, 0, prefix.Length) != prefix) throw new InvalidDataException(path + " is not a containers/image sigstore signature");
            using (var doc = JsonDocument.Parse(all.AsMemory(prefix.Length)))
            {
                var root = doc.RootElement;
                var layer = new VectorLayer
                {
                    MediaType = root.GetProperty("mimeType").GetString()!,
                    Payload = Convert.FromBase64String(root.GetProperty("payload").GetString()!),
                };
                foreach (var p in root.GetProperty("annotations").EnumerateObject()) layer.Annotations[p.Name] = p.Value.GetString()!;
                return layer;
            }
        }

        /// <summary>Pushes a vector's image-manifest.json unchanged (so its digest is the signed one); returns the digest.</summary>
        public static async Task<string> PushImageAsync(IOciRepository repo, string manifestPath, string? tag = "image")
        {
            byte[] bytes = File.ReadAllBytes(manifestPath);
            string mediaType = OciJson.SniffMediaType(bytes) ?? MediaTypes.DockerManifest;
            return await repo.PushManifestAsync(bytes, mediaType, tag, CancellationToken.None);
        }

        /// <summary>Pushes a cosign-style signature manifest holding <paramref name="layers"/> to <c>sha256-&lt;hex&gt;.sig</c>.</summary>
        public static async Task<string> PushSignatureManifestAsync(IOciRepository repo, string digest, IEnumerable<VectorLayer> layers, bool dockerTypes = false)
        {
            var descriptors = new List<Descriptor>();
            foreach (var l in layers)
            {
                var d = new Descriptor { MediaType = l.MediaType, Digest = Digest.Sha256(l.Payload), Size = l.Payload.Length, Annotations = l.Annotations.Count == 0 ? null : l.Annotations };
                await repo.PushBlobAsync(d, () => new MemoryStream(l.Payload), null, CancellationToken.None);
                descriptors.Add(d);
            }
            byte[] config = Encoding.UTF8.GetBytes("{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" +
                string.Join(",", descriptors.Select(d => "\"" + d.Digest + "\"")) + "]},\"config\":{}}");
            var configDesc = new Descriptor { MediaType = dockerTypes ? "application/vnd.docker.container.image.v1+json" : MediaTypes.OciImageConfig, Digest = Digest.Sha256(config), Size = config.Length };
            await repo.PushBlobAsync(configDesc, () => new MemoryStream(config), null, CancellationToken.None);
            string manifestType = dockerTypes ? MediaTypes.DockerManifest : MediaTypes.OciManifest;
            var manifest = new ImageManifest { MediaType = manifestType, Config = configDesc, Layers = descriptors };
            return await repo.PushManifestAsync(OciJson.Serialize(manifest), manifestType, SignatureVerifier.SignatureTag(digest), CancellationToken.None);
        }

        /// <summary>Pushes a Sigstore bundle as an OCI referrer of <paramref name="subject"/> (untagged, as cosign does).</summary>
        public static async Task<string> PushBundleReferrerAsync(IOciRepository repo, Descriptor subject, byte[] bundle)
        {
            var layer = new Descriptor { MediaType = SigstoreBundle.MediaTypeV03, Digest = Digest.Sha256(bundle), Size = bundle.Length };
            await repo.PushBlobAsync(layer, () => new MemoryStream(bundle), null, CancellationToken.None);
            var config = Descriptor.EmptyJson();
            await repo.PushBlobAsync(config, () => new MemoryStream(Encoding.ASCII.GetBytes("{}")), null, CancellationToken.None);
            var manifest = new ImageManifest { ArtifactType = SigstoreBundle.MediaTypeV03, Config = config, Layers = { layer }, Subject = subject };
            return await repo.PushManifestAsync(OciJson.Serialize(manifest), MediaTypes.OciManifest, null, CancellationToken.None);
        }

        public static VerificationPolicy Policy(params string[] keyFiles) => VerificationPolicy.FromKeyFiles(keyFiles);

        /// <summary>The public key of a certificate, via openssl (an independent tool), written beside the temp dir.</summary>
        public static string CertificatePublicKey(TempDir dir, string certificatePem)
        {
            string output = Tools.Run("openssl", $"x509 -in {certificatePem} -pubkey -noout", timeoutSeconds: 30);
            string path = dir.Combine("cert-" + Guid.NewGuid().ToString("N").Substring(0, 6) + ".pub");
            File.WriteAllText(path, output);
            return path;
        }
    }
}
