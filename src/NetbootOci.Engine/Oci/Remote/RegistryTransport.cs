using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// HTTP for registries: one shared HttpClient with automatic redirects off and no overall timeout
    /// (a 2 GB upload must not die at 100 s), our own redirect loop (Authorization kept only on the same
    /// origin, never https to http), and retries with exponential backoff, jitter and Retry-After for
    /// 408/429/5xx and network errors. Every hop is logged (method, URL, status), never a header value.
    /// </summary>
    internal sealed class RegistryTransport
    {
        public const int MaxRedirects = 10;
        static readonly Lazy<HttpClient> SharedClient = new Lazy<HttpClient>(CreateClient, LazyThreadSafetyMode.ExecutionAndPublication);
        static readonly Random Jitter = new Random();
        readonly RegistryOptions _options;

        public RegistryTransport(RegistryOptions options)
        {
            _options = options;
        }

        public RegistryOptions Options => _options;
        IEngineLog Log => _options.Log;

        static HttpClient CreateClient()
        {
            // Windows PowerShell 5.1 on older systems may not offer TLS 1.2 unless asked; SystemDefault (0) is left alone.
            if (ServicePointManager.SecurityProtocol != 0) ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls12;
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
            };
            // .NET Framework defaults to 2 connections per host; parallel transfers need more.
            try { handler.MaxConnectionsPerServer = 16; } catch (PlatformNotSupportedException) { }
            return new HttpClient(handler, true) { Timeout = Timeout.InfiniteTimeSpan };
        }

        /// <summary>Are both URLs the same scheme, host and port?</summary>
        public static bool SameOrigin(Uri a, Uri b) =>
            string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

        /// <summary>
        /// Sends with retries and redirects. Returns the final response whatever its status (the caller maps
        /// errors); a retryable status is returned once the retries are spent. Network failures after the
        /// last retry throw <see cref="ErrorIds.RegistryUnreachable"/>.
        /// </summary>
        public async Task<HttpResponseMessage> SendAsync(RegistryRequest request, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
        {
            int maxAttempts = request.Replayable ? Math.Max(0, _options.MaxRetries) + 1 : 1;
            for (int attempt = 1; ; attempt++)
            {
                HttpResponseMessage response;
                try
                {
                    response = await SendFollowingRedirectsAsync(request, authorization, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
                {
                    // A TLS handshake answered by a plain-HTTP server fails the same way every time: say so now, no retries.
                    if (attempt == 1 && request.Uri.Scheme == Uri.UriSchemeHttps && IsTlsFailure(e) &&
                        await SpeaksPlainHttpAsync(request.Uri, cancellationToken).ConfigureAwait(false))
                        throw new NetbootException(ErrorIds.RegistryUnreachable, FailureKind.ConnectionError,
                            $"{request.Method} {Display(request.Uri)} failed: the registry answered plain HTTP; use --plain-http or an http:// URL " +
                            "(PowerShell: -PlainHttp; inventory: plainHttp: true or url: http://...).", request.Uri.Host, e);
                    if (attempt >= maxAttempts)
                        throw new NetbootException(ErrorIds.RegistryUnreachable, FailureKind.ConnectionError,
                            $"{request.Method} {Display(request.Uri)} failed after {attempt} attempt(s): {Describe(e)}", request.Uri.Host, e);
                    var wait = Backoff(attempt, null);
                    Log.Verbose($"HTTP {request.Method} {Display(request.Uri)} failed ({Describe(e)}); retry {attempt}/{maxAttempts - 1} in {wait.TotalMilliseconds:0} ms");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (!IsRetryableStatus(response.StatusCode) || attempt >= maxAttempts) return response;
                var delay = Backoff(attempt, response.Headers.RetryAfter);
                Log.Verbose($"HTTP {request.Method} {Display(request.Uri)} -> {(int)response.StatusCode}; retry {attempt}/{maxAttempts - 1} in {delay.TotalMilliseconds:0} ms");
                response.Dispose();
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }

        async Task<HttpResponseMessage> SendFollowingRedirectsAsync(RegistryRequest request, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
        {
            Uri uri = request.Uri;
            var method = request.Method;
            bool keepAuthorization = authorization != null;
            for (int hop = 0; ; hop++)
            {
                if (!SameOrigin(uri, request.Uri)) keepAuthorization = false;
                var message = request.Build(uri, keepAuthorization ? authorization : null, _options.UserAgent);
                if (method != request.Method)
                {
                    message.Method = method;
                    message.Content = null;
                }
                var response = await SendOnceAsync(message, cancellationToken).ConfigureAwait(false);
                Log.Verbose($"HTTP {method} {Display(uri)} -> {(int)response.StatusCode}");
                if (!IsRedirect(response.StatusCode)) return response;
                var location = response.Headers.Location;
                if (location == null) return response;
                // A streamed upload cannot be sent twice: its caller sees the redirect and restarts the upload.
                if (request.Content != null && !request.Replayable) return response;
                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                response.Dispose();
                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                    throw new NetbootException(ErrorIds.InsecureRedirect, FailureKind.SecurityError,
                        $"{method} {Display(uri)} redirected to the unsupported scheme '{next.Scheme}'.", uri.Host);
                if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
                    throw new NetbootException(ErrorIds.InsecureRedirect, FailureKind.SecurityError,
                        $"{method} {Display(uri)} redirected from https to plain http ({next.Host}); refused.", uri.Host);
                if (hop + 1 >= MaxRedirects)
                    throw new NetbootException(ErrorIds.RegistryError, FailureKind.InvalidData,
                        $"{request.Method} {Display(request.Uri)}: more than {MaxRedirects} redirects.", request.Uri.Host);
                // 303 turns any method into GET; 301/302 do so for POST (browser behaviour the servers expect).
                if (response.StatusCode == HttpStatusCode.SeeOther && method != HttpMethod.Head) method = HttpMethod.Get;
                uri = next;
            }
        }

        async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage message, CancellationToken cancellationToken)
        {
            using (message)
            {
                // A bodyless request waiting for headers makes no progress either: bound it by the stall timeout.
                if (message.Content != null || _options.StallTimeout <= TimeSpan.Zero || _options.StallTimeout == Timeout.InfiniteTimeSpan)
                    return await SharedClient.Value.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                using (var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    stall.CancelAfter(_options.StallTimeout);
                    try
                    {
                        return await SharedClient.Value.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new NetbootException(ErrorIds.TransferStalled, FailureKind.ConnectionError,
                            $"{message.Method} {Display(message.RequestUri!)}: no response within {_options.StallTimeout.TotalSeconds:0.#} s.", message.RequestUri!.Host, e);
                    }
                }
            }
        }

        static bool IsRedirect(HttpStatusCode status)
        {
            int s = (int)status;
            return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
        }

        public static bool IsRetryableStatus(HttpStatusCode status)
        {
            int s = (int)status;
            return s == 408 || s == 429 || (s >= 500 && s <= 599 && s != 501 && s != 505);
        }

        /// <summary>A failure of the network, not of the caller: connection refused or reset, or a timeout not asked for.</summary>
        public static bool IsNetworkFailure(Exception e, CancellationToken cancellationToken)
        {
            if (e is NetbootException) return false;
            // Our own stream (a verifying source) failing inside HttpClient's content copy is not the network.
            for (var x = e.InnerException; x != null; x = x.InnerException)
                if (x is NetbootException) return false;
            if (e is OperationCanceledException) return !cancellationToken.IsCancellationRequested;
            return e is HttpRequestException || e is IOException || e is System.Net.Sockets.SocketException;
        }

        /// <summary>The TLS handshake itself failed (not a refused or reset connection).</summary>
        static bool IsTlsFailure(Exception e)
        {
            for (var x = e; x != null; x = x.InnerException)
            {
                if (x is System.Security.Authentication.AuthenticationException) return true;
                // .NET Framework (Windows PowerShell 5.1) reports it as a WebException.
                if (x is WebException w && (w.Status == WebExceptionStatus.SecureChannelFailure || w.Status == WebExceptionStatus.TrustFailure)) return true;
            }
            return false;
        }

        /// <summary>
        /// Does the server at this https URL's host and port answer a plain HTTP request? One short request
        /// (5 s at most), sent only after a TLS handshake there failed, so it carries nothing but the path.
        /// </summary>
        static async Task<bool> SpeaksPlainHttpAsync(Uri uri, CancellationToken cancellationToken)
        {
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (var tcp = new System.Net.Sockets.TcpClient(uri.HostNameType == UriHostNameType.IPv6 ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork))
            using (limit.Token.Register(() => tcp.Dispose()))
            {
                limit.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    await tcp.ConnectAsync(uri.DnsSafeHost, uri.Port).ConfigureAwait(false);
                    var stream = tcp.GetStream();
                    byte[] ask = System.Text.Encoding.ASCII.GetBytes($"GET /v2/ HTTP/1.0\r\nHost: {uri.Authority}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(ask, 0, ask.Length, limit.Token).ConfigureAwait(false);
                    var answer = new byte[5];
                    int got = 0;
                    while (got < answer.Length)
                    {
                        int n = await stream.ReadAsync(answer, got, answer.Length - got, limit.Token).ConfigureAwait(false);
                        if (n == 0) break;
                        got += n;
                    }
                    return got == answer.Length && System.Text.Encoding.ASCII.GetString(answer) == "HTTP/";
                }
                catch (Exception x) when (x is IOException || x is System.Net.Sockets.SocketException || x is ObjectDisposedException || x is OperationCanceledException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    return false;
                }
            }
        }

        /// <summary>A failure worth another attempt: the network, or our stall/connection errors from a body read.</summary>
        public static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
            IsNetworkFailure(e, cancellationToken) ||
            e is NetbootException n && (n.ErrorId == ErrorIds.RegistryUnreachable || n.ErrorId == ErrorIds.TransferStalled) && !cancellationToken.IsCancellationRequested;

        /// <summary>Exponential backoff with ±50% jitter, or the server's Retry-After (seconds or an HTTP date), capped at 2 minutes.</summary>
        public TimeSpan Backoff(int attempt, RetryConditionHeaderValue? retryAfter)
        {
            var cap = TimeSpan.FromMinutes(2);
            if (retryAfter != null)
            {
                TimeSpan? wanted = retryAfter.Delta;
                if (wanted == null && retryAfter.Date != null) wanted = retryAfter.Date.Value - DateTimeOffset.UtcNow;
                if (wanted != null) return wanted.Value < TimeSpan.Zero ? TimeSpan.Zero : wanted.Value > cap ? cap : wanted.Value;
            }
            double baseMs = Math.Max(1, _options.RetryBaseDelay.TotalMilliseconds) * Math.Pow(2, Math.Min(attempt - 1, 10));
            double factor;
            lock (Jitter) factor = 0.5 + Jitter.NextDouble();
            double ms = Math.Min(baseMs * factor, cap.TotalMilliseconds);
            return TimeSpan.FromMilliseconds(ms);
        }

        /// <summary>A URL for messages and logs: no user-info, and the query kept (our queries carry no secrets).</summary>
        public static string Display(Uri uri) =>
            uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped) : uri.ToString();

        static string Describe(Exception e)
        {
            var inner = e;
            while (inner.InnerException != null && (inner is HttpRequestException || inner is AggregateException)) inner = inner.InnerException;
            return inner is OperationCanceledException ? "timed out" : inner.Message;
        }
    }
}
