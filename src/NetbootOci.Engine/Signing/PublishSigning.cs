using System;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;

namespace NetbootOci.Engine.Signing
{
    /// <summary>
    /// Signing inside Publish: a <see cref="PublishRequest.BeforeTagging"/> hook that signs the stored manifest
    /// before its tag moves, so a tag never points at an unsigned artifact.
    /// </summary>
    public static class PublishSigning
    {
        /// <summary>
        /// The hook. What was written is recorded in <see cref="PublishResult.Signatures"/>;
        /// <paramref name="onSigned"/> receives the details.
        /// </summary>
        public static Func<IOciRepository, PublishResult, CancellationToken, Task> BeforeTagging(SigningKey key, SignatureFormat format, IEngineLog log,
            Action<SignResult>? onSigned = null)
        {
            return async (repository, result, ct) =>
            {
                var subject = await repository.ResolveAsync(result.Digest, ct).ConfigureAwait(false)
                    ?? throw new NetbootException(ErrorIds.ManifestNotFound, FailureKind.ObjectNotFound, $"Cannot sign {result.Digest}: it is not stored in {repository.Reference.RepositoryName}.", result.Digest);
                // cosign records the image's repository (registry/repository, no tag) as docker-reference.
                var signed = await CosignSigner.SignAsync(repository, subject, repository.Reference.RepositoryName, key, format, log, ct).ConfigureAwait(false);
                if (signed.Changed)
                {
                    if (signed.SignatureTag != null) result.Signatures.Add($"classic {signed.KeyId} {signed.SignatureTag}");
                    if (signed.BundleManifestDigest != null) result.Signatures.Add($"bundle {signed.KeyId} {signed.BundleManifestDigest}");
                }
                onSigned?.Invoke(signed);
            };
        }
    }
}
