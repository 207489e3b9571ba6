using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Signing
{
    /// <summary>What signing wrote.</summary>
    public sealed class SignResult
    {
        public string Digest { get; set; } = "";
        public string KeyId { get; set; } = "";
        /// <summary>The classic signature tag, when written.</summary>
        public string? SignatureTag { get; set; }
        public string? SignatureManifestDigest { get; set; }
        /// <summary>The signature manifest the tag named before (null when there was none).</summary>
        public string? PreviousSignatureManifestDigest { get; set; }
        public string? BundleManifestDigest { get; set; }
        /// <summary>True when something was written (false when an identical signature by this key already existed).</summary>
        public bool Changed { get; set; }
    }

    /// <summary>
    /// Signs a manifest as <c>cosign sign --key</c> does, without a transparency log: a classic simple-signing
    /// layer appended to <c>sha256-&lt;hex&gt;.sig</c> (other signatures kept), and/or a Sigstore bundle v0.3
    /// DSSE referrer (with the referrers fallback index updated where the registry has no referrers API).
    /// </summary>
    public static class CosignSigner
    {
        public const string BundleContentAnnotation = "dev.sigstore.bundle.content";
        public const string BundlePredicateAnnotation = "dev.sigstore.bundle.predicateType";
        public const string CreatedAnnotation = "org.opencontainers.image.created";

        /// <param name="subject">the manifest (or index) to sign; it must exist in <paramref name="repo"/>.</param>
        /// <param name="dockerReference"><c>registry/repository</c> recorded in the signature (cosign: the image's repository, no tag).</param>
        public static async Task<SignResult> SignAsync(IOciRepository repo, Descriptor subject, string dockerReference, SigningKey key,
            SignatureFormat format, IEngineLog log, CancellationToken ct)
        {
            Digest.Validate(subject.Digest, "the manifest to sign");
            if (Digest.Algorithm(subject.Digest) != "sha256")
                throw new NetbootException(ErrorIds.InvalidDigest, FailureKind.InvalidArgument, $"Only sha256 manifests can be signed ({subject.Digest}).", subject.Digest);
            if (await repo.ResolveAsync(subject.Digest, ct).ConfigureAwait(false) == null)
                throw new NetbootException(ErrorIds.ManifestNotFound, FailureKind.ObjectNotFound, $"Cannot sign {subject.Digest}: it is not in {repo.Reference.RepositoryName}.", subject.Digest);
            var result = new SignResult { Digest = subject.Digest, KeyId = key.KeyId };
            if (format != SignatureFormat.Bundle)
                await WriteClassicAsync(repo, subject, dockerReference, key, result, log, ct).ConfigureAwait(false);
            if (format != SignatureFormat.Classic)
                await WriteBundleAsync(repo, subject, dockerReference, key, result, log, ct).ConfigureAwait(false);
            return result;
        }

        static async Task WriteClassicAsync(IOciRepository repo, Descriptor subject, string dockerReference, SigningKey key, SignResult result, IEngineLog log, CancellationToken ct)
        {
            string tag = SignatureVerifier.SignatureTag(subject.Digest);
            result.SignatureTag = tag;
            byte[] payload = SimpleSigningPayload.Create(dockerReference, subject.Digest);
            string payloadDigest = Digest.Sha256(payload);

            var layers = new List<Descriptor>();
            try
            {
                var existing = await repo.GetManifestAsync(tag, ct).ConfigureAwait(false);
                result.PreviousSignatureManifestDigest = existing.Digest;
                if (MediaTypes.IsManifest(existing.MediaType)) layers.AddRange(existing.AsManifest($"{repo.Reference.RepositoryName}:{tag}").Layers);
            }
            catch (NetbootException e) when (e.ErrorId == ErrorIds.ManifestNotFound) { }

            // Like cosign's duplicate detector: the same payload already signed by this key is not signed again.
            foreach (var l in layers.Where(l => l.Digest == payloadDigest))
            {
                string? b64 = l.Annotation(SignatureVerifier.SignatureAnnotation);
                if (b64 == null) continue;
                byte[] old;
                try { old = Convert.FromBase64String(Pem.StripWhitespace(b64)); }
                catch (FormatException) { continue; }
                if (key.PublicKey.Verify(payload, old))
                {
                    log.Verbose($"{repo.Reference.RepositoryName}:{tag} already holds a signature of {subject.Digest} by key {key.KeyId}.");
                    result.SignatureManifestDigest = result.PreviousSignatureManifestDigest;
                    return;
                }
            }

            byte[] signature = key.Sign(payload);
            var layer = new Descriptor
            {
                MediaType = SimpleSigningPayload.MediaType,
                Digest = payloadDigest,
                Size = payload.Length,
                Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [SignatureVerifier.SignatureAnnotation] = Convert.ToBase64String(signature) },
            };
            layers.Add(layer);
            await PushBytesAsync(repo, layer, payload, ct).ConfigureAwait(false);

            byte[] config = SignatureConfig(layers);
            var configDesc = new Descriptor { MediaType = MediaTypes.OciImageConfig, Digest = Digest.Sha256(config), Size = config.Length };
            await PushBytesAsync(repo, configDesc, config, ct).ConfigureAwait(false);
            var manifest = new ImageManifest { MediaType = MediaTypes.OciManifest, Config = configDesc, Layers = layers };
            result.SignatureManifestDigest = await repo.PushManifestAsync(OciJson.Serialize(manifest), MediaTypes.OciManifest, tag, ct).ConfigureAwait(false);
            result.Changed = true;
            log.Verbose($"Signed {subject.Digest} with key {key.KeyId}: {repo.Reference.RepositoryName}:{tag} now holds {layers.Count} signature(s).");
        }

        /// <summary>The image config cosign writes for a signature manifest: one history entry and diff_id per layer (payloads are uncompressed).</summary>
        static byte[] SignatureConfig(IReadOnlyList<Descriptor> layers)
        {
            var sb = new StringBuilder("{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[");
            sb.Append(string.Join(",", layers.Select(_ => "{\"created\":\"0001-01-01T00:00:00Z\"}")));
            sb.Append("],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
            sb.Append(string.Join(",", layers.Select(l => "\"" + l.Digest + "\"")));
            sb.Append("]},\"config\":{}}");
            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        static async Task WriteBundleAsync(IOciRepository repo, Descriptor subject, string dockerReference, SigningKey key, SignResult result, IEngineLog log, CancellationToken ct)
        {
            byte[] bundle = SigstoreBundle.CreateDsse(key, subject.Digest, dockerReference);
            var layer = new Descriptor { MediaType = SigstoreBundle.MediaTypeV03, Digest = Digest.Sha256(bundle), Size = bundle.Length };
            await PushBytesAsync(repo, layer, bundle, ct).ConfigureAwait(false);
            var config = Descriptor.EmptyJson();
            await PushBytesAsync(repo, config, Encoding.ASCII.GetBytes("{}"), ct).ConfigureAwait(false);
            var manifest = new ImageManifest
            {
                MediaType = MediaTypes.OciManifest,
                ArtifactType = SigstoreBundle.MediaTypeV03,
                Config = config,
                Layers = new List<Descriptor> { layer },
                Subject = new Descriptor { MediaType = subject.MediaType, Digest = subject.Digest, Size = subject.Size },
                Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    [BundleContentAnnotation] = "dsse-envelope",
                    [BundlePredicateAnnotation] = SigstoreBundle.CosignSignPredicate,
                    [CreatedAnnotation] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            };
            byte[] content = OciJson.Serialize(manifest);
            string digest = await repo.PushManifestAsync(content, MediaTypes.OciManifest, null, ct).ConfigureAwait(false);
            result.BundleManifestDigest = digest;
            result.Changed = true;

            // Registries without the referrers API (distribution 2.8) list referrers through the fallback index tag.
            var listed = await repo.GetReferrersAsync(subject.Digest, SigstoreBundle.MediaTypeV03, ct).ConfigureAwait(false);
            if (listed.Any(d => d.Digest == digest)) return;
            await AddToFallbackIndexAsync(repo, subject.Digest, new Descriptor
            {
                MediaType = MediaTypes.OciManifest,
                Digest = digest,
                Size = content.Length,
                ArtifactType = SigstoreBundle.MediaTypeV03,
                Annotations = manifest.Annotations,
            }, ct).ConfigureAwait(false);
            log.Verbose($"Updated the referrers fallback tag {SignatureVerifier.ReferrersTag(subject.Digest)} with bundle {digest}.");
        }

        static async Task AddToFallbackIndexAsync(IOciRepository repo, string subjectDigest, Descriptor referrer, CancellationToken ct)
        {
            string tag = SignatureVerifier.ReferrersTag(subjectDigest);
            var index = new ImageIndex();
            try
            {
                var existing = await repo.GetManifestAsync(tag, ct).ConfigureAwait(false);
                if (existing.IsIndex) index = existing.AsIndex($"{repo.Reference.RepositoryName}:{tag}");
            }
            catch (NetbootException e) when (e.ErrorId == ErrorIds.ManifestNotFound) { }
            index.MediaType = MediaTypes.OciIndex;
            index.Manifests.RemoveAll(m => m.Digest == referrer.Digest);
            index.Manifests.Add(referrer);
            index.Manifests = index.Manifests.OrderBy(m => m.Digest, StringComparer.Ordinal).ToList();
            await repo.PushManifestAsync(OciJson.Serialize(index), MediaTypes.OciIndex, tag, ct).ConfigureAwait(false);
        }

        static Task<long> PushBytesAsync(IOciRepository repo, Descriptor desc, byte[] bytes, CancellationToken ct) =>
            repo.PushBlobAsync(desc, () => new MemoryStream(bytes, false), null, ct);
    }
}
