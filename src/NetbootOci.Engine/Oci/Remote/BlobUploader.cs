using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// Pushes one blob: HEAD (skip when present), optional cross-repository mount (201 done, 202 continue with
    /// the opened session), then POST + monolithic PUT streamed from the source with Content-Length, or PATCH
    /// chunks when asked or when the registry refuses the large PUT (413). Each PATCH uses the Location of the
    /// latest response (distribution 2.8 encodes the offset in its _state query). The source is verified while
    /// it is sent, so wrong bytes are never committed. A failed attempt deletes its session and starts a new
    /// one with a fresh <c>open()</c>. Memory use is one chunk at most.
    /// </summary>
    internal sealed class BlobUploader
    {
        const int MaxChunkSize = 64 << 20;
        readonly RegistryClient _client;
        readonly string _name;
        readonly string _where;

        public BlobUploader(RegistryClient client, string name, string where)
        {
            _client = client;
            _name = name;
            _where = where;
        }

        IEngineLog Log => _client.Options.Log;
        Uri Endpoint(string path) => new Uri(_client.BaseUri, "v2/" + _name + "/" + path);

        public async Task<long> PushAsync(Descriptor blob, Func<Stream> open, BlobPushOptions options, CancellationToken cancellationToken)
        {
            Digest.Validate(blob.Digest, "blob pushed to " + _where);
            if (blob.Size < 0) throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, $"Blob {blob.Digest} has a negative size.", blob.Digest);
            string what = $"Uploading blob {blob.Digest} to {_where}";
            var scopes = new[] { RegistryClient.PushScope(_name) };

            if (await ExistsAsync(blob.Digest, scopes, cancellationToken).ConfigureAwait(false))
            {
                Log.Verbose($"Blob {blob.Digest} already in {_where}; not uploading");
                return 0;
            }

            Uri? session = null;
            if (!string.IsNullOrEmpty(options.MountFrom) && options.MountFrom != _name)
            {
                session = await TryMountAsync(blob.Digest, options.MountFrom!, cancellationToken).ConfigureAwait(false);
                if (session == null) return 0;
            }

            bool chunked = options.Chunked;
            int maxAttempts = Math.Max(0, _client.Options.MaxRetries) + 1;
            for (int attempt = 1; ; attempt++)
            {
                int chunkMin = 0;
                if (session == null)
                {
                    var started = await StartAsync(scopes, what, cancellationToken).ConfigureAwait(false);
                    session = started.Item1;
                    chunkMin = started.Item2;
                }
                Uri current = session;
                session = null;
                try
                {
                    if (chunked)
                    {
                        int chunkSize = Math.Min(MaxChunkSize, Math.Max(Math.Max(options.ChunkSize, chunkMin), 1));
                        return await ChunkedAsync(current, blob, open, chunkSize, options, scopes, what, cancellationToken).ConfigureAwait(false);
                    }
                    return await MonolithicAsync(current, blob, open, options, scopes, what, cancellationToken).ConfigureAwait(false);
                }
                catch (AttemptFailed failed)
                {
                    await CancelSessionAsync(failed.Location ?? current).ConfigureAwait(false);
                    if (failed.TooLarge && !chunked)
                    {
                        Log.Verbose($"{what}: the registry refused one large PUT (413); switching to chunked upload");
                        chunked = true;
                        attempt--;
                        continue;
                    }
                    if (!failed.Retryable || attempt >= maxAttempts) throw failed.Error;
                    var wait = _client.Transport.Backoff(attempt, failed.RetryAfter);
                    Log.Verbose($"{what}: {failed.Error.Message} Retrying with a new session ({attempt}/{maxAttempts - 1}) in {wait.TotalMilliseconds:0} ms");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (RegistryTransport.IsTransient(e, cancellationToken))
                {
                    await CancelSessionAsync(current).ConfigureAwait(false);
                    if (attempt >= maxAttempts)
                        throw new NetbootException(ErrorIds.RegistryUnreachable, FailureKind.ConnectionError,
                            $"{what}: the connection failed {attempt} time(s); last: {e.Message}", _where, e);
                    var wait = _client.Transport.Backoff(attempt, null);
                    Log.Verbose($"{what}: connection failed ({e.Message}); retrying with a new session ({attempt}/{maxAttempts - 1}) in {wait.TotalMilliseconds:0} ms");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    await CancelSessionAsync(current).ConfigureAwait(false);
                    // A bad source (size or digest) surfaces from inside HttpClient's content copy: unwrap it.
                    var inner = FindNetbootException(e);
                    if (inner != null && !ReferenceEquals(inner, e)) throw inner;
                    throw;
                }
            }
        }

        static NetbootException? FindNetbootException(Exception e)
        {
            for (var x = e; x != null; x = x.InnerException)
                if (x is NetbootException n) return n;
            return null;
        }

        async Task<bool> ExistsAsync(string digest, string[] scopes, CancellationToken cancellationToken)
        {
            var request = new RegistryRequest(HttpMethod.Head, Endpoint("blobs/" + digest));
            using (var response = await _client.SendAsync(request, scopes, cancellationToken).ConfigureAwait(false))
            {
                if (response.IsSuccessStatusCode) return true;
                if (response.StatusCode == HttpStatusCode.NotFound) return false;
                throw RegistryErrors.ToException(response, new RegistryErrors.ErrorBody(), $"Checking blob {digest} in {_where}", digest, ErrorIds.BlobNotFound, ErrorIds.RegistryError);
            }
        }

        /// <summary>Returns null when mounted, or the upload session the registry opened instead.</summary>
        async Task<Uri?> TryMountAsync(string digest, string from, CancellationToken cancellationToken)
        {
            var scopes = new[] { RegistryClient.PushScope(_name), RegistryClient.PullScope(from) };
            var request = new RegistryRequest(HttpMethod.Post, Endpoint("blobs/uploads/?mount=" + Uri.EscapeDataString(digest) + "&from=" + Uri.EscapeDataString(from)))
            {
                Content = () => new ByteArrayContent(new byte[0]),
            };
            using (var response = await _client.SendAsync(request, scopes, cancellationToken).ConfigureAwait(false))
            {
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Log.Verbose($"Blob {digest} mounted into {_where} from {from}");
                    return null;
                }
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    Log.Verbose($"Blob {digest}: mount from {from} refused; uploading");
                    return SessionLocation(response, $"Mounting blob {digest} into {_where}");
                }
                throw await RegistryErrors.ToExceptionAsync(response, $"Mounting blob {digest} into {_where} from {from}", digest, ErrorIds.RepositoryNotFound, ErrorIds.PublishRejected, cancellationToken).ConfigureAwait(false);
            }
        }

        async Task<Tuple<Uri, int>> StartAsync(string[] scopes, string what, CancellationToken cancellationToken)
        {
            var request = new RegistryRequest(HttpMethod.Post, Endpoint("blobs/uploads/")) { Content = () => new ByteArrayContent(new byte[0]) };
            using (var response = await _client.SendAsync(request, scopes, cancellationToken).ConfigureAwait(false))
            {
                if (response.StatusCode != HttpStatusCode.Accepted)
                    throw await RegistryErrors.ToExceptionAsync(response, what + " (starting the upload)", _where, ErrorIds.RepositoryNotFound, ErrorIds.PublishRejected, cancellationToken).ConfigureAwait(false);
                int min = 0;
                string? minHeader = RemoteRepository.HeaderValue(response, "OCI-Chunk-Min-Length");
                if (minHeader != null) int.TryParse(minHeader, out min);
                return Tuple.Create(SessionLocation(response, what), min);
            }
        }

        /// <summary>The upload URL from Location, resolved against the request; https never becomes http.</summary>
        Uri SessionLocation(HttpResponseMessage response, string what)
        {
            var location = response.Headers.Location;
            var requestUri = response.RequestMessage?.RequestUri ?? _client.BaseUri;
            if (location == null)
                throw new NetbootException(ErrorIds.RegistryError, FailureKind.InvalidData, $"{what}: the registry answered {(int)response.StatusCode} without a Location.", _where);
            var absolute = location.IsAbsoluteUri ? location : new Uri(requestUri, location);
            if (requestUri.Scheme == Uri.UriSchemeHttps && absolute.Scheme != Uri.UriSchemeHttps)
                throw new NetbootException(ErrorIds.InsecureRedirect, FailureKind.SecurityError,
                    $"{what}: the registry sent an upload location on plain http ({absolute.Host}); refused.", _where);
            return absolute;
        }

        static Uri WithDigest(Uri location, string digest) =>
            new Uri(location.GetLeftPart(UriPartial.Query) + (location.Query.Length > 1 ? "&" : location.Query.Length == 1 ? "" : "?") + "digest=" + Uri.EscapeDataString(digest));

        async Task<long> MonolithicAsync(Uri location, Descriptor blob, Func<Stream> open, BlobPushOptions options, string[] scopes, string what, CancellationToken cancellationToken)
        {
            using (var source = new CountingStream(new VerifyingStream(open(), blob.Digest, blob.Size, what), options.OnProgress))
            {
                var request = new RegistryRequest(HttpMethod.Put, WithDigest(location, blob.Digest))
                {
                    Replayable = false,
                    ExpectContinue = blob.Size > 0,
                    Content = () =>
                    {
                        var content = new StreamContent(source, 1 << 16);
                        content.Headers.ContentLength = blob.Size;
                        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
                        return content;
                    },
                };
                using (var response = await _client.SendAsync(request, scopes, cancellationToken).ConfigureAwait(false))
                {
                    if (response.StatusCode == HttpStatusCode.Created || response.StatusCode == HttpStatusCode.NoContent || response.StatusCode == HttpStatusCode.OK)
                    {
                        Log.Verbose($"Uploaded blob {blob.Digest} ({blob.Size} bytes) to {_where}");
                        return blob.Size;
                    }
                    throw await FailedAsync(response, location, what, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        async Task<long> ChunkedAsync(Uri location, Descriptor blob, Func<Stream> open, int chunkSize, BlobPushOptions options, string[] scopes, string what, CancellationToken cancellationToken)
        {
            var buffer = new byte[(int)Math.Min(chunkSize, Math.Max(1, blob.Size))];
            long offset = 0;
            using (var source = new VerifyingStream(open(), blob.Digest, blob.Size, what))
            {
                while (true)
                {
                    int n = await ReadFullAsync(source, buffer, cancellationToken).ConfigureAwait(false);
                    if (n == 0) break;
                    // Long uploads outlive tokens: make sure a valid one is cached before each chunk.
                    await _client.PrepareAsync(scopes, cancellationToken).ConfigureAwait(false);
                    long start = offset;
                    var request = new RegistryRequest(new HttpMethod("PATCH"), location)
                    {
                        Replayable = false,
                        Content = () =>
                        {
                            var content = new ByteArrayContent(buffer, 0, n);
                            content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
                            content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + n - 1}");
                            return content;
                        },
                    };
                    using (var response = await _client.SendAsync(request, scopes, cancellationToken).ConfigureAwait(false))
                    {
                        if (response.StatusCode != HttpStatusCode.Accepted && response.StatusCode != HttpStatusCode.NoContent)
                            throw await FailedAsync(response, location, what + $" (chunk at {start})", cancellationToken).ConfigureAwait(false);
                        if (response.Headers.Location != null) location = SessionLocation(response, what);
                    }
                    offset += n;
                    options.OnProgress?.Invoke(offset);
                }
            }
            await _client.PrepareAsync(scopes, cancellationToken).ConfigureAwait(false);
            var close = new RegistryRequest(HttpMethod.Put, WithDigest(location, blob.Digest))
            {
                Replayable = false,
                Content = () => new ByteArrayContent(new byte[0]),
            };
            using (var response = await _client.SendAsync(close, scopes, cancellationToken).ConfigureAwait(false))
            {
                if (response.StatusCode != HttpStatusCode.Created && response.StatusCode != HttpStatusCode.NoContent && response.StatusCode != HttpStatusCode.OK)
                    throw await FailedAsync(response, location, what + " (closing)", cancellationToken).ConfigureAwait(false);
            }
            Log.Verbose($"Uploaded blob {blob.Digest} ({blob.Size} bytes) to {_where} in chunks of {chunkSize} bytes");
            return offset;
        }

        static async Task<int> ReadFullAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int n = await source.ReadAsync(buffer, total, buffer.Length - total, cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
            }
            return total;
        }

        async Task<AttemptFailed> FailedAsync(HttpResponseMessage response, Uri location, string what, CancellationToken cancellationToken)
        {
            var error = await RegistryErrors.ToExceptionAsync(response, what, _where, ErrorIds.RepositoryNotFound, ErrorIds.PublishRejected, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            bool retryable = RegistryTransport.IsRetryableStatus(response.StatusCode) || status == 401;
            return new AttemptFailed(error, location, retryable, status == 413, response.Headers.RetryAfter);
        }

        /// <summary>Cancels an upload session (spec: DELETE the location); failures are ignored.</summary>
        async Task CancelSessionAsync(Uri location)
        {
            try
            {
                using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                using (var response = await _client.SendAsync(new RegistryRequest(HttpMethod.Delete, location) { Replayable = false }, new[] { RegistryClient.PushScope(_name) }, timeout.Token).ConfigureAwait(false))
                {
                    Log.Verbose($"Cancelled upload session ({(int)response.StatusCode})");
                }
            }
            catch (Exception e)
            {
                Log.Verbose($"Cancelling the upload session failed (ignored): {e.Message}");
            }
        }

        sealed class AttemptFailed : Exception
        {
            public AttemptFailed(NetbootException error, Uri? location, bool retryable, bool tooLarge, RetryConditionHeaderValue? retryAfter)
                : base(error.Message, error)
            {
                Error = error;
                Location = location;
                Retryable = retryable;
                TooLarge = tooLarge;
                RetryAfter = retryAfter;
            }

            public NetbootException Error { get; }
            public Uri? Location { get; }
            public bool Retryable { get; }
            public bool TooLarge { get; }
            public RetryConditionHeaderValue? RetryAfter { get; }
        }

        /// <summary>Reports bytes read from the source as progress.</summary>
        sealed class CountingStream : Stream
        {
            readonly Stream _inner;
            readonly Action<long>? _progress;
            long _count;

            public CountingStream(Stream inner, Action<long>? progress)
            {
                _inner = inner;
                _progress = progress;
            }

            public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));
            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                Count(await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

            int Count(int n)
            {
                if (n > 0)
                {
                    _count += n;
                    _progress?.Invoke(_count);
                }
                return n;
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => _count; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing) _inner.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
