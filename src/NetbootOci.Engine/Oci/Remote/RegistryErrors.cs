using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// Turns registry failures into <see cref="NetbootException"/>s that quote what the registry said: the JSON
    /// <c>{"errors":[{"code","message"}]}</c> body when there is one, otherwise the first line of the text.
    /// </summary>
    internal static class RegistryErrors
    {
        const int MaxErrorBodyBytes = 64 << 10;

        /// <summary>
        /// Reads a body, failing as soon as it passes <paramref name="limit"/> bytes (nothing larger is buffered) or
        /// when a read makes no progress for <paramref name="stallTimeout"/>.
        /// </summary>
        public static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, long limit, TimeSpan stallTimeout, CancellationToken cancellationToken, Func<long, Exception>? tooLarge = null)
        {
            long? declared = response.Content?.Headers.ContentLength;
            if (declared > limit && tooLarge != null) throw tooLarge(declared.Value);
            if (response.Content == null) return new byte[0];
            var what = response.RequestMessage?.RequestUri is Uri uri ? $"{response.RequestMessage.Method} {RegistryTransport.Display(uri)}" : "response body";
            using (var stream = new StallGuardStream(await response.Content.ReadAsStreamAsync().ConfigureAwait(false), response, stallTimeout, what))
            using (var buffer = new MemoryStream())
            {
                var chunk = new byte[1 << 15];
                int n;
                while ((n = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + n > limit)
                    {
                        if (tooLarge != null) throw tooLarge(buffer.Length + n);
                        buffer.Write(chunk, 0, (int)(limit - buffer.Length));
                        break;
                    }
                    buffer.Write(chunk, 0, n);
                }
                return buffer.ToArray();
            }
        }

        /// <summary>The error codes and a one-line summary of an error response.</summary>
        public sealed class ErrorBody
        {
            public List<string> Codes { get; } = new List<string>();
            public string Summary { get; set; } = "";
            public bool IsJson { get; set; }
            public bool Has(string code) => Codes.Contains(code, StringComparer.OrdinalIgnoreCase);
        }

        public static async Task<ErrorBody> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            byte[] bytes;
            try { bytes = await ReadCappedAsync(response, MaxErrorBodyBytes, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false); }
            catch (Exception e) when (!(e is OperationCanceledException)) { bytes = new byte[0]; }
            return Parse(bytes);
        }

        public static ErrorBody Parse(byte[] bytes)
        {
            var result = new ErrorBody();
            if (bytes.Length == 0) return result;
            try
            {
                using (var doc = JsonDocument.Parse(bytes))
                {
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                    {
                        result.IsJson = true;
                        var parts = new List<string>();
                        foreach (var e in errors.EnumerateArray())
                        {
                            if (e.ValueKind != JsonValueKind.Object) continue;
                            string code = e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
                            string message = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                            string detail = e.TryGetProperty("detail", out var d) && d.ValueKind != JsonValueKind.Null ? d.GetRawText() : "";
                            if (code.Length > 0) result.Codes.Add(code);
                            var text = code + (message.Length > 0 ? ": " + message : "");
                            if (detail.Length > 0 && detail.Length <= 300) text += " (" + detail + ")";
                            parts.Add(text);
                        }
                        result.Summary = Clip(string.Join("; ", parts));
                        return result;
                    }
                }
            }
            catch (JsonException) { }
            string raw = Encoding.UTF8.GetString(bytes);
            string firstLine = raw.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
            result.Summary = Clip(firstLine);
            return result;
        }

        static string Clip(string s) => s.Length > 400 ? s.Substring(0, 400) + "…" : s;

        /// <summary>
        /// The exception for a failed response. <paramref name="notFoundId"/> is the id for a 404 (NAME_UNKNOWN wins:
        /// the repository itself is missing); <paramref name="rejectedId"/> for other 4xx answers.
        /// </summary>
        public static async Task<NetbootException> ToExceptionAsync(HttpResponseMessage response, string what, string target,
            string notFoundId, string rejectedId, CancellationToken cancellationToken)
        {
            var body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
            return ToException(response, body, what, target, notFoundId, rejectedId);
        }

        public static NetbootException ToException(HttpResponseMessage response, ErrorBody body, string what, string target, string notFoundId, string rejectedId)
        {
            int status = (int)response.StatusCode;
            string said = $"{status} {response.ReasonPhrase}" + (body.Summary.Length > 0 ? $": {body.Summary}" : "");
            string message = $"{what}: the registry answered {said}";
            if (status == 401)
                return new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.AuthenticationError, message, target);
            if (status == 403)
                return new NetbootException(ErrorIds.AccessDenied, FailureKind.PermissionDenied, message, target);
            if (status == 404)
                return body.Has("NAME_UNKNOWN")
                    ? new NetbootException(ErrorIds.RepositoryNotFound, FailureKind.ObjectNotFound, message, target)
                    : new NetbootException(notFoundId, FailureKind.ObjectNotFound, message, target);
            if (status == 408 || status == 429 || status >= 500)
                return new NetbootException(ErrorIds.RegistryError, FailureKind.ResourceUnavailable, message, target);
            return new NetbootException(rejectedId, FailureKind.InvalidData, message, target);
        }
    }
}
