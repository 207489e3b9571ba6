using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// One logical registry call. The transport builds a fresh <see cref="HttpRequestMessage"/> per attempt and
    /// per redirect hop, so the content is a factory rather than an object.
    /// </summary>
    internal sealed class RegistryRequest
    {
        public RegistryRequest(HttpMethod method, Uri uri)
        {
            Method = method;
            Uri = uri;
        }

        public HttpMethod Method { get; }
        public Uri Uri { get; }
        /// <summary>Builds the body for one attempt; null for bodyless requests.</summary>
        public Func<HttpContent>? Content { get; set; }
        public string? Accept { get; set; }
        /// <summary>Extra headers such as Range.</summary>
        public Dictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>
        /// May the transport re-send this request on 408/429/5xx, network errors, or after a 401 challenge?
        /// Streamed uploads are not: their retry is a new upload session, driven by the caller.
        /// </summary>
        public bool Replayable { get; set; } = true;
        /// <summary>Send <c>Expect: 100-continue</c> so a refusal (401, 413) arrives before a large body is sent.</summary>
        public bool ExpectContinue { get; set; }

        public HttpRequestMessage Build(Uri uri, AuthenticationHeaderValue? authorization, string userAgent)
        {
            var message = new HttpRequestMessage(Method, uri);
            message.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            if (Accept != null) message.Headers.TryAddWithoutValidation("Accept", Accept);
            foreach (var h in Headers) message.Headers.TryAddWithoutValidation(h.Key, h.Value);
            if (authorization != null) message.Headers.Authorization = authorization;
            if (ExpectContinue) message.Headers.ExpectContinue = true;
            if (Content != null) message.Content = Content();
            return message;
        }
    }
}
