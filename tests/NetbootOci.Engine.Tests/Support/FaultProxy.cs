using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Tests.Support
{
    /// <summary>
    /// An HTTP proxy in front of a real registry, for the faults a real registry cannot produce (503/429 with
    /// Retry-After, redirects to another origin, paginated tag lists, tampered, truncated, stalled or oversized
    /// bodies, ignored Range). <see cref="Intercept"/> decides per request; anything it does not handle is
    /// forwarded verbatim (the Host header too, so the registry's Locations point back at the proxy).
    /// It answers on 127.0.0.1 and as localhost, which count as two origins.
    /// </summary>
    public sealed class FaultProxy : IDisposable
    {
        static readonly HttpClient Upstream = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
        static readonly HashSet<string> HopHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            { "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Expect", "Proxy-Connection", "TE", "Trailer", "Upgrade" };
        readonly HttpListener _listener = new HttpListener();
        readonly List<ProxyRecord> _records = new List<ProxyRecord>();
        readonly CancellationTokenSource _stop = new CancellationTokenSource();

        public FaultProxy(string upstreamHost)
        {
            UpstreamHost = upstreamHost;
            Port = RegistryServer.FreePort();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Prefixes.Add($"http://localhost:{Port}/");
            _listener.Start();
            Task.Run(LoopAsync);
        }

        public string UpstreamHost { get; }
        public int Port { get; }
        public string Host => "127.0.0.1:" + Port;
        /// <summary>The same proxy under another origin.</summary>
        public string OtherOriginHost => "localhost:" + Port;
        public CancellationToken Stopping => _stop.Token;

        /// <summary>Returns true when it answered the request itself; false to forward it.</summary>
        public Func<ProxyExchange, Task<bool>>? Intercept { get; set; }

        public IReadOnlyList<ProxyRecord> Records { get { lock (_records) return _records.ToList(); } }

        public int Count(string method, string pathPart) => Records.Count(r => r.Method == method && r.PathAndQuery.Contains(pathPart));

        async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                _ = Task.Run(() => HandleAsync(context));
            }
        }

        async Task HandleAsync(HttpListenerContext context)
        {
            var exchange = new ProxyExchange(this, context);
            lock (_records) _records.Add(new ProxyRecord(exchange.Method, exchange.Host, exchange.PathAndQuery, exchange.HasAuthorization, context.Request.Headers["Range"]) { Expect = context.Request.Headers["Expect"] });
            try
            {
                var intercept = Intercept;
                if (intercept == null || !await intercept(exchange)) await exchange.ForwardAsync();
            }
            catch (Exception)
            {
                try { context.Response.Abort(); } catch (Exception) { }
            }
        }

        internal async Task<HttpResponseMessage> SendUpstreamAsync(HttpListenerRequest request, string pathAndQuery, bool dropRange, string? authorization)
        {
            var message = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://{UpstreamHost}{pathAndQuery}");
            bool hasBody = request.HasEntityBody;
            if (hasBody)
            {
                var body = new MemoryStream();
                await request.InputStream.CopyToAsync(body);
                message.Content = new ByteArrayContent(body.ToArray());
            }
            foreach (string? name in request.Headers.AllKeys)
            {
                if (name == null || HopHeaders.Contains(name)) continue;
                if (dropRange && name.Equals("Range", StringComparison.OrdinalIgnoreCase)) continue;
                if (authorization != null && name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) continue;
                string value = request.Headers[name]!;
                if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                {
                    message.Content ??= new ByteArrayContent(new byte[0]);
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
                else message.Headers.TryAddWithoutValidation(name, value);
            }
            if (authorization != null) message.Headers.TryAddWithoutValidation("Authorization", authorization);
            message.Headers.Host = request.Headers["Host"];
            return await Upstream.SendAsync(message, HttpCompletionOption.ResponseContentRead);
        }

        public void Dispose()
        {
            _stop.Cancel();
            try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
        }
    }

    public sealed class ProxyRecord
    {
        public ProxyRecord(string method, string host, string pathAndQuery, bool hasAuthorization, string? range)
        {
            Method = method;
            Host = host;
            PathAndQuery = pathAndQuery;
            HasAuthorization = hasAuthorization;
            Range = range;
        }

        public string Method { get; }
        public string Host { get; }
        public string PathAndQuery { get; }
        public bool HasAuthorization { get; }
        public string? Range { get; }
        public string? Expect { get; set; }
        public override string ToString() => $"{Method} {Host}{PathAndQuery} auth={HasAuthorization}";
    }

    /// <summary>One request at the proxy and the ways to answer it.</summary>
    public sealed class ProxyExchange
    {
        readonly FaultProxy _proxy;

        internal ProxyExchange(FaultProxy proxy, HttpListenerContext context)
        {
            _proxy = proxy;
            Context = context;
        }

        public HttpListenerContext Context { get; }
        public string Method => Context.Request.HttpMethod;
        public string PathAndQuery => Context.Request.Url!.PathAndQuery;
        public string Path => Context.Request.Url!.AbsolutePath;
        public string Host => Context.Request.Headers["Host"] ?? "";
        public bool HasAuthorization => Context.Request.Headers["Authorization"] != null;
        public string? Range => Context.Request.Headers["Range"];
        /// <summary>The status forwarded from the registry (0 until <see cref="ForwardAsync"/> has answered).</summary>
        public int Status { get; private set; }

        public async Task RespondAsync(int status, byte[]? body = null, string? contentType = null, IDictionary<string, string>? headers = null, bool chunked = false)
        {
            // Read the request body first so the client sees our answer rather than a reset while it sends.
            if (Context.Request.HasEntityBody) await Context.Request.InputStream.CopyToAsync(Stream.Null);
            var response = Context.Response;
            response.StatusCode = status;
            if (headers != null) foreach (var h in headers) response.AddHeader(h.Key, h.Value);
            if (contentType != null) response.ContentType = contentType;
            body ??= new byte[0];
            if (chunked) response.SendChunked = true; else response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body, 0, body.Length);
            response.Close();
        }

        /// <summary>
        /// Forwards to the registry. <paramref name="transform"/> rewrites the response body; <paramref name="declaredLength"/>
        /// overrides Content-Length (a truncated body stays consistent); <paramref name="stallAfter"/> sends that many bytes
        /// and then nothing until the proxy stops; <paramref name="dropRange"/> hides Range from the registry (it then answers 200);
        /// <paramref name="pathAndQuery"/> and <paramref name="authorization"/> replace the request's; <paramref name="cutAfter"/>
        /// sends that many bytes of the promised body and drops the connection ("the response ended prematurely").
        /// </summary>
        public async Task ForwardAsync(Func<byte[], byte[]>? transform = null, int? stallAfter = null, bool dropRange = false,
            string? pathAndQuery = null, string? authorization = null, int? cutAfter = null)
        {
            using var upstream = await _proxy.SendUpstreamAsync(Context.Request, pathAndQuery ?? PathAndQuery, dropRange, authorization);
            var response = Context.Response;
            response.StatusCode = (int)upstream.StatusCode;
            foreach (var h in upstream.Headers.Concat(upstream.Content.Headers))
            {
                if (h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ||
                    h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)) continue;
                foreach (var v in h.Value) response.AddHeader(h.Key, v);
            }
            byte[] body = await upstream.Content.ReadAsByteArrayAsync();
            if (transform != null) body = transform(body);
            if (Method == "HEAD")
            {
                if (upstream.Content.Headers.ContentLength is long len) response.ContentLength64 = len;
                response.Close();
                return;
            }
            response.ContentLength64 = body.Length;
            Status = response.StatusCode;
            if (cutAfter is int cut)
            {
                await response.OutputStream.WriteAsync(body, 0, Math.Min(cut, body.Length));
                await response.OutputStream.FlushAsync();
                response.Abort();
                return;
            }
            if (stallAfter is int n)
            {
                await response.OutputStream.WriteAsync(body, 0, Math.Min(n, body.Length));
                await response.OutputStream.FlushAsync();
                try { await Task.Delay(Timeout.Infinite, _proxy.Stopping); } catch (OperationCanceledException) { }
                response.Abort();
                return;
            }
            await response.OutputStream.WriteAsync(body, 0, body.Length);
            response.Close();
        }

        /// <summary>
        /// Promises a body, sends a few bytes of it and drops the connection (HttpListener's Abort before the
        /// headers would send an empty 200 instead).
        /// </summary>
        public async Task DropMidBodyAsync()
        {
            var response = Context.Response;
            response.StatusCode = 200;
            response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            response.ContentLength64 = 1000;
            await response.OutputStream.WriteAsync(new byte[10], 0, 10);
            await response.OutputStream.FlushAsync();
            response.Abort();
        }
    }
}
