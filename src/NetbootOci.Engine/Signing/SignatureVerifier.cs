using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// Verifies cosign signatures of a manifest digest offline, as <c>cosign verify --key</c> does: Sigstore
    /// bundle v0.3 referrers and classic <c>sha256-&lt;hex&gt;.sig</c> layers; at least one signature by a
    /// trusted key that names the digest must count. An artifact reached through an index also verifies when
    /// the index (which pins the manifest digest) carries such a signature.
    /// </summary>
    public static class SignatureVerifier
    {
        public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";
        public const string RekorBundleAnnotation = "dev.sigstore.cosign/bundle";
        const int MaxReferrers = 100;
        const int MaxIndexDepth = 2;

        /// <summary>cosign's classic signature tag for a digest: <c>sha256-&lt;hex&gt;.sig</c>.</summary>
        public static string SignatureTag(string digest) => Digest.Algorithm(digest) + "-" + Digest.Hex(digest) + ".sig";

        /// <summary>The OCI referrers fallback tag for a digest: <c>sha256-&lt;hex&gt;</c>.</summary>
        public static string ReferrersTag(string digest) => Digest.Algorithm(digest) + "-" + Digest.Hex(digest);

        /// <summary>Opens the repositories of <paramref name="reference"/>, resolves it to a digest (an index is verified as itself) and verifies it.</summary>
        public static async Task<SignatureResult> VerifyReferenceAsync(string reference, VerificationPolicy policy, RegistryOptions options, IEngineLog log, CancellationToken ct)
        {
            var parsed = OciReference.Parse(reference);
            using (var repo = RepositoryFactory.Open(parsed.RepositoryOnly(), options))
            {
                string digest;
                if (parsed.Digest != null) digest = parsed.Digest;
                else
                {
                    var desc = await repo.ResolveAsync(parsed.Tag ?? "latest", ct).ConfigureAwait(false)
                        ?? throw new NetbootException(ErrorIds.ManifestNotFound, FailureKind.ObjectNotFound, $"{reference} does not exist.", reference);
                    digest = desc.Digest;
                }
                return await VerifyWithOverrideAsync(repo, digest, null, policy, options, log, ct).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Test-NetbootSignature -Reference: a manifest is verified as itself; an index (what a tag such as
        /// <c>fedora-40</c> names) as each platform manifest it lists, every one accepted by its own signature or the
        /// index's, just as <c>Get-NetbootArtifact | Test-NetbootSignature</c> does. Publish and cosign sign the
        /// per-platform manifests, so checking only the index's own signatures would report their artifacts unsigned.
        /// An index listing no platform manifest is verified as itself.
        /// </summary>
        public static async Task<IReadOnlyList<SignatureResult>> VerifyReferenceManifestsAsync(string reference, VerificationPolicy policy, RegistryOptions options, IEngineLog log, CancellationToken ct)
        {
            var parsed = OciReference.Parse(reference);
            using (var repo = RepositoryFactory.Open(parsed.RepositoryOnly(), options))
            {
                string digest = parsed.Digest ?? (await repo.ResolveAsync(parsed.Tag ?? "latest", ct).ConfigureAwait(false)
                    ?? throw new NetbootException(ErrorIds.ManifestNotFound, FailureKind.ObjectNotFound, $"{reference} does not exist.", reference)).Digest;
                var manifests = new List<string>();
                await CollectPlatformManifestsAsync(repo, digest, MaxIndexDepth, manifests, ct).ConfigureAwait(false);
                if (manifests.Count == 0)
                    return new[] { await VerifyWithOverrideAsync(repo, digest, null, policy, options, log, ct).ConfigureAwait(false) };
                log.Verbose($"{reference} is index {digest}: verifying its {manifests.Count} platform manifest(s).");
                var results = new List<SignatureResult>();
                foreach (string manifest in manifests)
                    results.Add(await VerifyWithOverrideAsync(repo, manifest, digest, policy, options, log, ct).ConfigureAwait(false));
                return results;
            }
        }

        /// <summary>The image manifests an index lists (nested indexes followed to <paramref name="depth"/>), skipping attestation manifests.</summary>
        static async Task CollectPlatformManifestsAsync(IOciRepository repo, string digest, int depth, List<string> into, CancellationToken ct)
        {
            var content = await repo.GetManifestAsync(digest, ct).ConfigureAwait(false);
            if (!content.IsIndex || depth <= 0) return;
            foreach (var entry in content.AsIndex(digest).Manifests ?? new List<Descriptor>())
            {
                if (entry.Annotation("vnd.docker.reference.type") == "attestation-manifest") continue;
                if (MediaTypes.IsIndex(entry.MediaType)) await CollectPlatformManifestsAsync(repo, entry.Digest, depth - 1, into, ct).ConfigureAwait(false);
                else if (MediaTypes.IsManifest(entry.MediaType) && !into.Contains(entry.Digest)) into.Add(entry.Digest);
            }
        }

        /// <summary>Verifies an artifact found by Get-NetbootArtifact (its manifest, or the index it came through).</summary>
        public static async Task<SignatureResult> VerifyArtifactAsync(NetbootArtifact artifact, VerificationPolicy policy, RegistryOptions options, IEngineLog log, CancellationToken ct)
        {
            var parsed = OciReference.Parse(string.IsNullOrEmpty(artifact.Reference) ? artifact.Repository : artifact.Reference);
            using (var repo = RepositoryFactory.Open(parsed.RepositoryOnly(), options))
            {
                var result = await VerifyWithOverrideAsync(repo, artifact.Digest, artifact.IndexDigest, policy, options, log, ct).ConfigureAwait(false);
                // The artifact's own pinned reference keeps its tag, so results and messages say which artifact this is.
                if (!string.IsNullOrEmpty(artifact.Reference) && artifact.Reference.EndsWith("@" + artifact.Digest, StringComparison.Ordinal)) result.Reference = artifact.Reference;
                return result;
            }
        }

        static async Task<SignatureResult> VerifyWithOverrideAsync(IOciRepository repo, string digest, string? indexDigest, VerificationPolicy policy, RegistryOptions options, IEngineLog log, CancellationToken ct)
        {
            if (string.IsNullOrEmpty(policy.SignatureRepository))
                return await VerifyAsync(repo, digest, indexDigest, policy, log, ct).ConfigureAwait(false);
            var sigRef = OciReference.Parse(policy.SignatureRepository!);
            if (sigRef.Tag != null || sigRef.Digest != null)
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, $"Signature repository '{policy.SignatureRepository}' must name a repository without tag or digest.", policy.SignatureRepository);
            using (var sigRepo = RepositoryFactory.Open(sigRef, options))
                return await VerifyAsync(repo, digest, indexDigest, policy, log, ct, sigRepo).ConfigureAwait(false);
        }

        /// <summary>
        /// Verifies <paramref name="digest"/> in <paramref name="repo"/> (signatures read from <paramref name="signatureRepository"/>
        /// when given). Bad signature content never throws: the result says why nothing counted. Registry failures throw.
        /// </summary>
        public static async Task<SignatureResult> VerifyAsync(IOciRepository repo, string digest, string? indexDigest, VerificationPolicy policy,
            IEngineLog log, CancellationToken ct, IOciRepository? signatureRepository = null)
        {
            policy.Validate();
            Digest.Validate(digest, "the digest to verify");
            if (indexDigest != null) Digest.Validate(indexDigest, "the index digest");
            var sigRepo = signatureRepository ?? repo;
            string? expected = policy.ExpectedReference ?? (repo.Reference.IsLayout ? null : repo.Reference.RepositoryName);
            var result = new SignatureResult { Reference = repo.Reference.WithDigest(digest).ToString(), Digest = digest };

            await CollectAsync(sigRepo, digest, policy, expected, result.Signatures, log, ct).ConfigureAwait(false);
            if (result.Signatures.Any(s => s.Verified)) result.SignedDigest = digest;
            else if (indexDigest != null && indexDigest != digest)
            {
                if (await IndexPinsAsync(repo, indexDigest, digest, MaxIndexDepth, ct).ConfigureAwait(false))
                {
                    log.Verbose($"No signature counts for {digest}; trying the index {indexDigest} that pins it.");
                    int before = result.Signatures.Count;
                    await CollectAsync(sigRepo, indexDigest, policy, expected, result.Signatures, log, ct).ConfigureAwait(false);
                    if (result.Signatures.Skip(before).Any(s => s.Verified)) result.SignedDigest = indexDigest;
                }
                else log.Warning($"Index {indexDigest} does not list {digest}; its signatures do not cover it.");
            }

            result.Verified = result.SignedDigest != null;
            if (!result.Verified) Explain(result, sigRepo, indexDigest);
            foreach (var s in result.Signatures)
                log.Verbose(s.Verified ? $"Signature {s.Location}: verified with key {s.KeyId} (transparency log: {s.TransparencyLog})." : $"Signature {s.Location}: {s.Reason}");
            return result;
        }

        static void Explain(SignatureResult result, IOciRepository sigRepo, string? indexDigest)
        {
            if (result.Signatures.Count == 0)
            {
                result.ErrorId = ErrorIds.SignatureNotFound;
                result.Reason = $"no signature found for {result.Digest}" + (indexDigest != null ? $" or its index {indexDigest}" : "") +
                                $" in {sigRepo.Reference.RepositoryName} (looked for tag {SignatureTag(result.Digest)} and Sigstore bundle referrers)";
                return;
            }
            result.ErrorId = result.Signatures.All(s => s.TransparencyLogMissing) ? ErrorIds.TransparencyLogMissing : ErrorIds.SignatureInvalid;
            result.Reason = string.Join("; ", result.Signatures.Select(s => s.Reason).Where(r => r != null).Distinct());
        }

        static async Task CollectAsync(IOciRepository sigRepo, string digest, VerificationPolicy policy, string? expected, List<SignatureInfo> found, IEngineLog log, CancellationToken ct)
        {
            await CollectBundlesAsync(sigRepo, digest, policy, expected, found, log, ct).ConfigureAwait(false);
            await CollectClassicAsync(sigRepo, digest, policy, expected, found, log, ct).ConfigureAwait(false);
        }

        static async Task CollectClassicAsync(IOciRepository sigRepo, string digest, VerificationPolicy policy, string? expected, List<SignatureInfo> found, IEngineLog log, CancellationToken ct)
        {
            string tag = SignatureTag(digest);
            string where = $"{sigRepo.Reference.RepositoryName}:{tag}";
            ManifestContent content;
            try { content = await sigRepo.GetManifestAsync(tag, ct).ConfigureAwait(false); }
            catch (NetbootException e) when (e.ErrorId == ErrorIds.ManifestNotFound || e.ErrorId == ErrorIds.RepositoryNotFound)
            {
                log.Verbose($"No classic signature: {where} does not exist.");
                return;
            }
            var whole = new SignatureInfo { Kind = SignatureKind.Classic, SignedDigest = digest, Location = where };
            if (!MediaTypes.IsManifest(content.MediaType))
            {
                found.Add(Reject(whole, $"{where} is a {content.MediaType}, not a signature manifest"));
                return;
            }
            ImageManifest manifest;
            try { manifest = content.AsManifest(where); }
            catch (NetbootException e) when (e.ErrorId == ErrorIds.ManifestInvalid)
            {
                found.Add(Reject(whole, e.Message));
                return;
            }
            var layers = manifest.Layers.Where(l => l.MediaType == SimpleSigningPayload.MediaType).ToList();
            if (layers.Count == 0)
            {
                found.Add(Reject(whole, $"the signature manifest {where} has no {SimpleSigningPayload.MediaType} layers"));
                return;
            }
            if (layers.Count > policy.MaxSignatures)
            {
                log.Warning($"{where} has {layers.Count} signature layers; only the first {policy.MaxSignatures} are examined.");
                layers = layers.Take(policy.MaxSignatures).ToList();
            }
            for (int i = 0; i < layers.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var info = new SignatureInfo { Kind = SignatureKind.Classic, SignedDigest = digest, Location = $"{where} layer {i + 1}" };
                found.Add(await CheckClassicLayerAsync(sigRepo, layers[i], digest, policy, expected, info, ct).ConfigureAwait(false));
            }
        }

        static async Task<SignatureInfo> CheckClassicLayerAsync(IOciRepository sigRepo, Descriptor layer, string digest, VerificationPolicy policy, string? expected, SignatureInfo info, CancellationToken ct)
        {
            string? b64 = layer.Annotation(SignatureAnnotation);
            if (string.IsNullOrEmpty(b64)) return Reject(info, $"{info.Location} has no {SignatureAnnotation} annotation");
            byte[] sig;
            try { sig = Convert.FromBase64String(Pem.StripWhitespace(b64!)); }
            catch (FormatException) { return Reject(info, $"the signature annotation of {info.Location} is not base64"); }

            byte[] payload;
            try { payload = await ReadBlobAsync(sigRepo, layer, policy.MaxPayloadBytes, $"signature payload of {info.Location}", ct).ConfigureAwait(false); }
            catch (NetbootException e) when (e.Kind == FailureKind.InvalidData || e.ErrorId == ErrorIds.BlobNotFound)
            {
                return Reject(info, e.Message);
            }

            var key = policy.TrustedKeys.FirstOrDefault(k => k.Verify(payload, sig));
            if (key == null) return Reject(info, $"the signature in {info.Location} does not verify with any trusted key (or the payload was altered)");
            info.KeyId = key.KeyId;

            string claimed;
            try { (claimed, info.DockerReference) = SimpleSigningPayload.Parse(payload); }
            catch (FormatException e) { return Reject(info, $"the payload of {info.Location} is not a simple-signing payload: {e.Message}"); }
            if (claimed != digest) return Reject(info, $"the payload of {info.Location} is signed for {claimed}, not {digest}");
            if (!ReferenceMatches(policy, expected, info)) return info;
            info.Verified = true;

            var entries = new List<RekorEntry>();
            string? rekor = layer.Annotation(RekorBundleAnnotation);
            if (!string.IsNullOrEmpty(rekor))
            {
                try { entries.Add(RekorEntry.FromCosignAnnotation(rekor!)); }
                catch (Exception e) when (e is FormatException || e is System.Text.Json.JsonException)
                {
                    info.TransparencyLog = TransparencyLogStatus.Invalid;
                    return Reject(info, $"the Rekor bundle of {info.Location} is malformed: {e.Message}");
                }
            }
            ApplyTransparencyLog(info, entries, new ExpectedEntry { HashHex = Digest.Hex(Digest.Sha256(payload)), Signature = sig, Key = key }, policy);
            return info;
        }

        static async Task CollectBundlesAsync(IOciRepository sigRepo, string digest, VerificationPolicy policy, string? expected, List<SignatureInfo> found, IEngineLog log, CancellationToken ct)
        {
            IReadOnlyList<Descriptor> referrers;
            try { referrers = await sigRepo.GetReferrersAsync(digest, null, ct).ConfigureAwait(false); }
            catch (NetbootException e) when (e.Kind == FailureKind.NotImplemented || e.ErrorId == ErrorIds.ManifestNotFound || e.ErrorId == ErrorIds.RepositoryNotFound)
            {
                log.Verbose($"No referrers for {digest}: {e.Message}");
                return;
            }
            foreach (var d in referrers.Take(MaxReferrers))
            {
                ct.ThrowIfCancellationRequested();
                // The fallback index may carry no or an empty artifactType: open those; skip other known kinds (SBOMs, attestations by type).
                if (!string.IsNullOrEmpty(d.ArtifactType) && d.ArtifactType != MediaTypes.OciEmpty && !d.ArtifactType!.StartsWith(SigstoreBundle.MediaTypePrefix, StringComparison.Ordinal)) continue;
                if (!MediaTypes.IsManifest(d.MediaType)) continue;
                string where = $"{sigRepo.Reference.RepositoryName}@{d.Digest}";
                ImageManifest m;
                try { m = (await sigRepo.GetManifestAsync(d.Digest, ct).ConfigureAwait(false)).AsManifest(where); }
                catch (NetbootException e) when (e.Kind == FailureKind.InvalidData || e.Kind == FailureKind.ObjectNotFound)
                {
                    log.Verbose($"Referrer {where} skipped: {e.Message}");
                    continue;
                }
                if (m.Layers.Count != 1 || !m.Layers[0].MediaType.StartsWith(SigstoreBundle.MediaTypePrefix, StringComparison.Ordinal)) continue;
                var info = new SignatureInfo { Kind = SignatureKind.BundleDsse, SignedDigest = digest, Location = where };
                if (m.Subject?.Digest != digest) { found.Add(Reject(info, $"the referrer {where} names subject {m.Subject?.Digest}, not {digest}")); continue; }
                byte[] bundle;
                try { bundle = await ReadBlobAsync(sigRepo, m.Layers[0], policy.MaxPayloadBytes, $"Sigstore bundle of {where}", ct).ConfigureAwait(false); }
                catch (NetbootException e) when (e.Kind == FailureKind.InvalidData || e.ErrorId == ErrorIds.BlobNotFound)
                {
                    found.Add(Reject(info, e.Message));
                    continue;
                }
                found.Add(SigstoreBundle.Verify(bundle, digest, where, policy, expected));
            }
        }

        /// <summary>Sets the transparency-log status of a signature that verified; a bad or (when required) missing entry makes it not count.</summary>
        internal static void ApplyTransparencyLog(SignatureInfo info, IReadOnlyList<RekorEntry> entries, ExpectedEntry expected, VerificationPolicy policy)
        {
            if (entries.Count == 0)
            {
                info.TransparencyLog = TransparencyLogStatus.None;
                if (policy.RequireTransparencyLog)
                {
                    Reject(info, $"{info.Location} has no transparency-log entry, and one is required");
                    info.TransparencyLogMissing = true;
                }
                return;
            }
            if (policy.RekorKeys.Count == 0)
            {
                info.TransparencyLog = TransparencyLogStatus.NotChecked;
                return;
            }
            string? why = null;
            foreach (var entry in entries)
            {
                why = entry.Check(policy.RekorKeys, expected);
                if (why != null) continue;
                info.TransparencyLog = TransparencyLogStatus.Verified;
                info.IntegratedTime = DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime);
                info.LogIndex = entry.LogIndex;
                return;
            }
            info.TransparencyLog = TransparencyLogStatus.Invalid;
            Reject(info, $"{info.Location}: {why}");
        }

        /// <summary>With <see cref="VerificationPolicy.CheckReference"/>: the signed reference must name the expected repository (tag ignored).</summary>
        internal static bool ReferenceMatches(VerificationPolicy policy, string? expected, SignatureInfo info)
        {
            if (!policy.CheckReference) return true;
            if (expected == null)
            {
                Reject(info, "no expected reference to check the signed docker-reference against (give one for image-layout sources)");
                return false;
            }
            if (info.DockerReference == null)
            {
                Reject(info, $"{info.Location} names no repository, so it cannot be checked against {expected}");
                return false;
            }
            if (Normalize(info.DockerReference) != Normalize(expected))
            {
                Reject(info, $"{info.Location} is signed for '{info.DockerReference}', not '{expected}'");
                return false;
            }
            return true;
        }

        static string Normalize(string reference) =>
            OciReference.TryParse(reference, out var parsed) ? parsed!.RepositoryName : reference.Trim();

        /// <summary>True when the index (fetched by digest, so its content is what the digest pins) lists the manifest, directly or through a nested index.</summary>
        static async Task<bool> IndexPinsAsync(IOciRepository repo, string indexDigest, string digest, int depth, CancellationToken ct)
        {
            ManifestContent content;
            try { content = await repo.GetManifestAsync(indexDigest, ct).ConfigureAwait(false); }
            catch (NetbootException e) when (e.ErrorId == ErrorIds.ManifestNotFound) { return false; }
            if (!content.IsIndex) return false;
            var index = content.AsIndex(indexDigest);
            if (index.Manifests.Any(m => m.Digest == digest)) return true;
            if (depth <= 1) return false;
            foreach (var child in index.Manifests.Where(m => MediaTypes.IsIndex(m.MediaType)))
                if (await IndexPinsAsync(repo, child.Digest, digest, depth - 1, ct).ConfigureAwait(false)) return true;
            return false;
        }

        internal static async Task<byte[]> ReadBlobAsync(IOciRepository repo, Descriptor blob, long max, string what, CancellationToken ct)
        {
            if (blob.Size < 0 || blob.Size > max)
                throw new NetbootException(ErrorIds.SignatureInvalid, FailureKind.InvalidData, $"{what} declares {blob.Size} bytes, over the {max}-byte limit.", blob.Digest);
            if (!Digest.IsValid(blob.Digest))
                throw new NetbootException(ErrorIds.InvalidDigest, FailureKind.InvalidData, $"{what} has an invalid digest '{blob.Digest}'.", blob.Digest);
            using (var raw = await repo.OpenBlobAsync(blob.Digest, 0, ct).ConfigureAwait(false))
            using (var verified = new VerifyingStream(raw, blob.Digest, blob.Size, what))
            using (var copy = new MemoryStream())
            {
                await verified.CopyToAsync(copy, 1 << 16, ct).ConfigureAwait(false);
                return copy.ToArray();
            }
        }

        static SignatureInfo Reject(SignatureInfo info, string reason)
        {
            info.Verified = false;
            info.Reason = reason;
            return info;
        }
    }
}
