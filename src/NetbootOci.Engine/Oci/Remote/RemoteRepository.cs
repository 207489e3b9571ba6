using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// A repository on an OCI distribution registry (distribution-spec v1.1). HTTPS unless
    /// <see cref="RegistryOptions.PlainHttp"/>. Manifests are capped and hashed as received; blobs stream
    /// (the caller verifies them with <see cref="VerifyingStream"/>); pushes go through <see cref="BlobUploader"/>.
    /// </summary>
    public sealed class RemoteRepository : IOciRepository, Store.IBlobRetryPolicy
    {
        readonly RegistryClient _client;
        readonly RegistryOptions _options;
        readonly string _name;
        readonly string[] _pull;
        readonly string[] _push;

        public RemoteRepository(OciReference reference, RegistryOptions? options = null)
        {
            if (reference.IsLayout || reference.Registry == null)
                throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument, $"'{reference}' is not a registry reference.", reference.ToString());
            _options = options ?? new RegistryOptions();
            Reference = reference.RepositoryOnly();
            _name = reference.Repository;
            var baseUri = new Uri((_options.PlainHttp ? "http" : "https") + "://" + reference.ApiHost + "/");
            _client = new RegistryClient(new RegistryTransport(_options), reference.Registry, baseUri);
            _pull = new[] { RegistryClient.PullScope(_name) };
            _push = new[] { RegistryClient.PushScope(_name) };
        }

        public OciReference Reference { get; }
        IEngineLog Log => _options.Log;
        string Where => Reference.ToString();

        Uri Endpoint(string path) => new Uri(_client.BaseUri, "v2/" + _name + "/" + path);

        /// <summary>Tags and digests are validated first and hold only URL-safe characters; sent as they are (':' unescaped, as every client does).</summary>
        static string Escape(string tagOrDigest) => tagOrDigest;

        void ValidateTagOrDigest(string tagOrDigest)
        {
            if (Digest.IsValid(tagOrDigest) || OciReference.IsValidTag(tagOrDigest)) return;
            throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument,
                $"'{tagOrDigest}' is neither a valid tag nor a digest (in {Where}).", tagOrDigest);
        }

        // ---- manifests -------------------------------------------------------------------------

        public async Task<Descriptor?> ResolveAsync(string tagOrDigest, CancellationToken cancellationToken)
        {
            ValidateTagOrDigest(tagOrDigest);
            var request = new RegistryRequest(HttpMethod.Head, Endpoint("manifests/" + Escape(tagOrDigest))) { Accept = MediaTypes.ManifestAccept };
            using (var response = await _client.SendAsync(request, _pull, cancellationToken).ConfigureAwait(false))
            {
                if (response.StatusCode == HttpStatusCode.NotFound) return null;
                if (!response.IsSuccessStatusCode)
                    throw RegistryErrors.ToException(response, new RegistryErrors.ErrorBody(), $"Resolving {Where}:{tagOrDigest}", tagOrDigest, ErrorIds.ManifestNotFound, ErrorIds.RegistryError);
                string? digest = HeaderValue(response, "Docker-Content-Digest");
                string? mediaType = response.Content?.Headers.ContentType?.MediaType;
                long? size = response.Content?.Headers.ContentLength;
                if (digest != null && Digest.IsValid(tagOrDigest) && digest != tagOrDigest)
                    throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData,
                        $"Resolving {Where}@{tagOrDigest}: the registry reported digest {digest}.", tagOrDigest);
                if (digest == null || !Digest.IsValid(digest) || size == null || !MediaTypes.IsIndex(mediaType) && !MediaTypes.IsManifest(mediaType))
                {
                    // Not enough in the headers: fetch the body and describe what was received.
                    var content = await GetManifestAsync(tagOrDigest, cancellationToken).ConfigureAwait(false);
                    return content.ToDescriptor();
                }
                return new Descriptor { MediaType = mediaType!, Digest = digest, Size = size.Value };
            }
        }

        public async Task<ManifestContent> GetManifestAsync(string tagOrDigest, CancellationToken cancellationToken)
        {
            ValidateTagOrDigest(tagOrDigest);
            string what = $"Manifest {Where}{(Digest.IsValid(tagOrDigest) ? "@" : ":")}{tagOrDigest}";
            var request = new RegistryRequest(HttpMethod.Get, Endpoint("manifests/" + Escape(tagOrDigest))) { Accept = MediaTypes.ManifestAccept };
            int max = _options.MaxManifestBytes;
            // The transport retries until headers arrive; a connection lost in the (small) body is retried here.
            for (int attempt = 1; ; attempt++)
            {
                var response = await _client.SendAsync(request, _pull, cancellationToken).ConfigureAwait(false);
                byte[] bytes;
                try
                {
                    if (!response.IsSuccessStatusCode)
                        throw await RegistryErrors.ToExceptionAsync(response, what, tagOrDigest, ErrorIds.ManifestNotFound, ErrorIds.RegistryError, cancellationToken).ConfigureAwait(false);
                    bytes = await RegistryErrors.ReadCappedAsync(response, max, _options.StallTimeout, cancellationToken, n =>
                        new NetbootException(ErrorIds.ManifestTooLarge, FailureKind.InvalidData,
                            $"{what} is larger than the {max}-byte manifest limit ({n} bytes or more).", tagOrDigest)).ConfigureAwait(false);
                }
                catch (Exception e) when (RegistryTransport.IsTransient(e, cancellationToken) && attempt <= _options.MaxRetries)
                {
                    response.Dispose();
                    var wait = _client.Transport.Backoff(attempt, null);
                    Log.Verbose($"{what}: connection lost while reading ({e.Message}); retry {attempt}/{_options.MaxRetries} in {wait.TotalMilliseconds:0} ms");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (Exception e) when (RegistryTransport.IsNetworkFailure(e, cancellationToken))
                {
                    response.Dispose();
                    throw new NetbootException(ErrorIds.RegistryUnreachable, FailureKind.ConnectionError, $"{what}: the connection failed while reading ({e.Message}).", tagOrDigest, e);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
                using (response) return DescribeReceived(response, bytes, tagOrDigest, what);
            }
        }

        /// <summary>Checks what was received (a JSON object, the digest asked for, Docker-Content-Digest) and describes it.</summary>
        ManifestContent DescribeReceived(HttpResponseMessage response, byte[] bytes, string tagOrDigest, string what)
        {
            bool isObject;
            using (var probe = TryParse(bytes)) isObject = probe != null && probe.RootElement.ValueKind == JsonValueKind.Object;
            if (!isObject)
                throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData,
                    $"{what}: the registry sent {(bytes.Length == 0 ? "an empty body" : "a body that is not a JSON object")}.", tagOrDigest);
            string algorithmOf = Digest.IsValid(tagOrDigest) ? tagOrDigest : "sha256:";
            string actual;
            using (var hash = Digest.CreateHasher(algorithmOf))
            {
                hash.AppendData(bytes);
                actual = Digest.Algorithm(algorithmOf) + ":" + Digest.ToHex(hash.GetHashAndReset());
            }
            if (Digest.IsValid(tagOrDigest) && actual != tagOrDigest)
                throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData,
                    $"{what}: the received bytes hash to {actual}.", tagOrDigest);
            string? header = HeaderValue(response, "Docker-Content-Digest");
            if (header != null && Digest.IsValid(header) && Digest.Algorithm(header) == Digest.Algorithm(actual) && header != actual)
                throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData,
                    $"{what}: the registry says its digest is {header} but the received bytes hash to {actual}.", tagOrDigest);
            string mediaType = ManifestMediaType(response, bytes, what, tagOrDigest);
            return new ManifestContent(bytes, mediaType, actual);
        }

        /// <summary>Content-Type when it names a manifest type (it must then agree with the body's mediaType), else the body's own.</summary>
        static string ManifestMediaType(HttpResponseMessage response, byte[] bytes, string what, string target)
        {
            string? header = response.Content?.Headers.ContentType?.MediaType;
            string? sniffed = OciJson.SniffMediaType(bytes);
            bool known = MediaTypes.IsIndex(header) || MediaTypes.IsManifest(header);
            if (known)
            {
                using (var doc = TryParse(bytes))
                {
                    if (doc != null && doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("mediaType", out var mt) &&
                        mt.ValueKind == JsonValueKind.String && mt.GetString() != header)
                        throw new NetbootException(ErrorIds.ManifestInvalid, FailureKind.InvalidData,
                            $"{what}: Content-Type {header} disagrees with the document's mediaType {mt.GetString()}.", target);
                }
                return header!;
            }
            return sniffed ?? header ?? MediaTypes.OciManifest;
        }

        static JsonDocument? TryParse(byte[] bytes)
        {
            try { return JsonDocument.Parse(bytes); }
            catch (JsonException) { return null; }
        }

        public async Task<string> PushManifestAsync(byte[] content, string mediaType, string? tag, CancellationToken cancellationToken)
        {
            if (content.Length > _options.MaxManifestBytes)
                throw new NetbootException(ErrorIds.ManifestTooLarge, FailureKind.InvalidData,
                    $"Manifest of {content.Length} bytes for {Where} is over the {_options.MaxManifestBytes}-byte limit.", tag);
            if (tag != null && !OciReference.IsValidTag(tag))
                throw new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument, $"'{tag}' is not a valid tag.", tag);
            if (string.IsNullOrEmpty(mediaType))
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "A manifest needs a media type (it is sent as Content-Type).", tag);
            string digest = Digest.Sha256(content);
            string reference = tag ?? digest;
            string what = $"Publishing manifest {digest} to {Where}{(tag != null ? ":" + tag : "")}";
            var request = new RegistryRequest(HttpMethod.Put, Endpoint("manifests/" + Escape(reference)))
            {
                Content = () =>
                {
                    var body = new ByteArrayContent(content);
                    // Exactly the given type: distribution falls back to schema1 parsing on anything else.
                    body.Headers.TryAddWithoutValidation("Content-Type", mediaType);
                    return body;
                },
            };
            using (var response = await _client.SendAsync(request, _push, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                    throw await RegistryErrors.ToExceptionAsync(response, what, reference, ErrorIds.PublishRejected, ErrorIds.PublishRejected, cancellationToken).ConfigureAwait(false);
                string? answered = HeaderValue(response, "Docker-Content-Digest");
                if (answered != null && Digest.IsValid(answered) && Digest.Algorithm(answered) == "sha256" && answered != digest)
                    throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData,
                        $"{what}: the registry stored it as {answered}.", reference);
                Log.Verbose($"Pushed manifest {digest} ({content.Length} bytes, {mediaType}) to {Where}{(tag != null ? ":" + tag : "")}");
                return digest;
            }
        }

        // ---- tags -------------------------------------------------------------------------------

        public async Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken cancellationToken)
        {
            var tags = new List<string>();
            var seenTags = new HashSet<string>(StringComparer.Ordinal);
            var visited = new HashSet<string>(StringComparer.Ordinal);
            Uri? next = Endpoint("tags/list?n=1000");
            int pages = 0;
            while (next != null)
            {
                if (!visited.Add(next.AbsoluteUri))
                    throw new NetbootException(ErrorIds.RegistryError, FailureKind.InvalidData,
                        $"Listing tags of {Where}: the registry's Link header points back to a page already read ({RegistryTransport.Display(next)}).", Where);
                if (++pages > _options.MaxTagPages)
                    throw new NetbootException(ErrorIds.RegistryError, FailureKind.InvalidData,
                        $"Listing tags of {Where}: more than {_options.MaxTagPages} pages (RegistryOptions.MaxTagPages); stopped.", Where);
                var request = new RegistryRequest(HttpMethod.Get, next) { Accept = "application/json" };
                using (var response = await _client.SendAsync(request, _pull, cancellationToken).ConfigureAwait(false))
                {
                    if (!response.IsSuccessStatusCode)
                        throw await RegistryErrors.ToExceptionAsync(response, $"Listing tags of {Where}", Where, ErrorIds.RepositoryNotFound, ErrorIds.RegistryError, cancellationToken).ConfigureAwait(false);
                    int max = _options.MaxManifestBytes;
                    byte[] body = await RegistryErrors.ReadCappedAsync(response, max, _options.StallTimeout, cancellationToken, n =>
                        new NetbootException(ErrorIds.RegistryError, FailureKind.InvalidData, $"Listing tags of {Where}: a page is over {max} bytes.", Where)).ConfigureAwait(false);
                    foreach (var tag in ParseTags(body)) if (seenTags.Add(tag)) tags.Add(tag);
                    next = LinkHeader.Next(response, next);
                }
            }
            return tags;
        }

        IEnumerable<string> ParseTags(byte[] body)
        {
            var result = new List<string>();
            try
            {
                using (var doc = JsonDocument.Parse(body))
                {
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
                        foreach (var t in tags.EnumerateArray())
                            if (t.ValueKind == JsonValueKind.String) result.Add(t.GetString()!);
                }
            }
            catch (JsonException e)
            {
                throw new NetbootException(ErrorIds.RegistryError, FailureKind.InvalidData, $"Listing tags of {Where}: the answer is not JSON ({e.Message}).", Where, e);
            }
            return result;
        }

        // ---- blobs ------------------------------------------------------------------------------

        public async Task<bool> BlobExistsAsync(string digest, CancellationToken cancellationToken)
        {
            Digest.Validate(digest, "blob of " + Where);
            var request = new RegistryRequest(HttpMethod.Head, Endpoint("blobs/" + digest));
            using (var response = await _client.SendAsync(request, _pull, cancellationToken).ConfigureAwait(false))
            {
                if (response.StatusCode == HttpStatusCode.NotFound) return false;
                if (!response.IsSuccessStatusCode)
                    throw RegistryErrors.ToException(response, new RegistryErrors.ErrorBody(), $"Checking blob {digest} in {Where}", digest, ErrorIds.BlobNotFound, ErrorIds.RegistryError);
                return true;
            }
        }

        public async Task<Stream> OpenBlobAsync(string digest, long offset, CancellationToken cancellationToken)
        {
            Digest.Validate(digest, "blob of " + Where);
            if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset));
            string what = $"Blob {digest} of {Where}";
            var request = new RegistryRequest(HttpMethod.Get, Endpoint("blobs/" + digest));
            if (offset > 0) request.Headers["Range"] = $"bytes={offset}-";
            var response = await _client.SendAsync(request, _pull, cancellationToken).ConfigureAwait(false);
            try
            {
                if (!response.IsSuccessStatusCode)
                    throw await RegistryErrors.ToExceptionAsync(response, what, digest, ErrorIds.BlobNotFound, ErrorIds.RegistryError, cancellationToken).ConfigureAwait(false);
                string? header = HeaderValue(response, "Docker-Content-Digest");
                if (header != null && Digest.IsValid(header) && header != digest)
                    throw new NetbootException(ErrorIds.DigestMismatch, FailureKind.InvalidData, $"{what}: the registry answered with blob {header}.", digest);
                var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var stream = new StallGuardStream(body, response, _options.StallTimeout, what);
                if (offset > 0)
                {
                    if (response.StatusCode == HttpStatusCode.PartialContent)
                    {
                        var range = response.Content.Headers.ContentRange;
                        if (range?.From != null && range.From.Value != offset)
                        {
                            stream.Dispose();
                            throw new NetbootException(ErrorIds.RegistryError, FailureKind.InvalidData,
                                $"{what}: asked for bytes from {offset} but the registry sent a range starting at {range.From}.", digest);
                        }
                    }
                    else
                    {
                        // The server ignored Range and sent everything: drop what we already have.
                        Log.Verbose($"{what}: the registry ignored Range; skipping {offset} bytes");
                        await SkipAsync(stream, offset, what, digest, cancellationToken).ConfigureAwait(false);
                    }
                }
                return stream;
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        // A blob body broken mid-transfer is resumed by the fetcher with a Range request: at most 4 attempts in all
        // (fewer when MaxRetries asks for fewer), with the transport's backoff.
        int Store.IBlobRetryPolicy.BodyAttempts => Math.Min(4, Math.Max(0, _options.MaxRetries) + 1);
        TimeSpan Store.IBlobRetryPolicy.BodyBackoff(int attempt) => _client.Transport.Backoff(attempt, null);

        static async Task SkipAsync(Stream stream, long count, string what, string digest, CancellationToken cancellationToken)
        {
            var buffer = new byte[1 << 16];
            long left = count;
            while (left > 0)
            {
                int n = await stream.ReadAsync(buffer, 0, (int)Math.Min(buffer.Length, left), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    stream.Dispose();
                    throw new NetbootException(ErrorIds.SizeMismatch, FailureKind.InvalidData, $"{what} ended before the resume offset {count}.", digest);
                }
                left -= n;
            }
        }

        public Task<long> PushBlobAsync(Descriptor blob, Func<Stream> open, BlobPushOptions? options, CancellationToken cancellationToken) =>
            new BlobUploader(_client, _name, Where).PushAsync(blob, open, options ?? new BlobPushOptions(), cancellationToken);

        // ---- referrers --------------------------------------------------------------------------

        public async Task<IReadOnlyList<Descriptor>> GetReferrersAsync(string digest, string? artifactType, CancellationToken cancellationToken)
        {
            Digest.Validate(digest, "referrers subject in " + Where);
            string what = $"Referrers of {Where}@{digest}";
            var found = new List<Descriptor>();
            Uri? next = Endpoint("referrers/" + digest + (artifactType != null ? "?artifactType=" + Uri.EscapeDataString(artifactType) : ""));
            var visited = new HashSet<string>(StringComparer.Ordinal);
            while (next != null)
            {
                if (!visited.Add(next.AbsoluteUri) || visited.Count > _options.MaxTagPages)
                    throw new NetbootException(ErrorIds.RegistryError, FailureKind.InvalidData, $"{what}: the registry's pagination loops or never ends.", digest);
                var request = new RegistryRequest(HttpMethod.Get, next) { Accept = MediaTypes.OciIndex };
                using (var response = await _client.SendAsync(request, _pull, cancellationToken).ConfigureAwait(false))
                {
                    int status = (int)response.StatusCode;
                    string? type = response.Content?.Headers.ContentType?.MediaType;
                    if (status == 404 || status == 405 || status == 400)
                    {
                        var error = await RegistryErrors.ReadAsync(response, cancellationToken).ConfigureAwait(false);
                        if (status == 404 && error.Has("NAME_UNKNOWN"))
                            throw RegistryErrors.ToException(response, error, what, Where, ErrorIds.RepositoryNotFound, ErrorIds.RegistryError);
                        Log.Verbose($"{what}: no referrers API ({status}); using the tag schema");
                        return await ReferrersFromTagSchemaAsync(digest, artifactType, cancellationToken).ConfigureAwait(false);
                    }
                    if (!response.IsSuccessStatusCode)
                        throw await RegistryErrors.ToExceptionAsync(response, what, digest, ErrorIds.ManifestNotFound, ErrorIds.RegistryError, cancellationToken).ConfigureAwait(false);
                    if (type != MediaTypes.OciIndex)
                    {
                        Log.Verbose($"{what}: the referrers answer is {type ?? "untyped"}, not an index; using the tag schema");
                        return await ReferrersFromTagSchemaAsync(digest, artifactType, cancellationToken).ConfigureAwait(false);
                    }
                    int max = _options.MaxManifestBytes;
                    byte[] body = await RegistryErrors.ReadCappedAsync(response, max, _options.StallTimeout, cancellationToken, n =>
                        new NetbootException(ErrorIds.ManifestTooLarge, FailureKind.InvalidData, $"{what}: the referrers index is over {max} bytes.", digest)).ConfigureAwait(false);
                    ImageIndex index;
                    try { index = JsonSerializer.Deserialize<ImageIndex>(body, OciJson.Options) ?? new ImageIndex(); }
                    catch (JsonException)
                    {
                        Log.Verbose($"{what}: the referrers answer is not JSON; using the tag schema");
                        return await ReferrersFromTagSchemaAsync(digest, artifactType, cancellationToken).ConfigureAwait(false);
                    }
                    found.AddRange(index.Manifests ?? new List<Descriptor>());
                    next = LinkHeader.Next(response, next);
                }
            }
            return Filter(found, artifactType);
        }

        async Task<IReadOnlyList<Descriptor>> ReferrersFromTagSchemaAsync(string digest, string? artifactType, CancellationToken cancellationToken)
        {
            string tag = Digest.Algorithm(digest) + "-" + Digest.Hex(digest);
            if (tag.Length > 128) tag = tag.Substring(0, 128);
            ManifestContent content;
            try { content = await GetManifestAsync(tag, cancellationToken).ConfigureAwait(false); }
            catch (NetbootException e) when (e.ErrorId == ErrorIds.ManifestNotFound)
            {
                return new List<Descriptor>();
            }
            // Some registries (GitLab) resolve "sha256-<hex>" to the subject itself: only an index counts.
            if (!content.IsIndex || content.Digest == digest)
            {
                Log.Verbose($"Referrers of {Where}@{digest}: tag {tag} is not a referrers index; assuming none");
                return new List<Descriptor>();
            }
            var index = content.AsIndex($"referrers index {Where}:{tag}");
            return Filter(index.Manifests ?? new List<Descriptor>(), artifactType);
        }

        static IReadOnlyList<Descriptor> Filter(List<Descriptor> all, string? artifactType)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            return all.Where(d => artifactType == null || d.ArtifactType == artifactType).Where(d => seen.Add(d.Digest)).ToList();
        }

        internal static string? HeaderValue(HttpResponseMessage response, string name)
        {
            if (response.Headers.TryGetValues(name, out var values)) return values.FirstOrDefault()?.Trim();
            if (response.Content != null && response.Content.Headers.TryGetValues(name, out var contentValues)) return contentValues.FirstOrDefault()?.Trim();
            return null;
        }

        public void Dispose() { }
    }
}
