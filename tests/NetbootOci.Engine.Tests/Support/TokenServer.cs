using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Tests.Support
{
    /// <summary>
    /// A small Docker token server (distribution spec/auth/token.md) on 127.0.0.1 that signs real ES256 JWTs
    /// with an x5c header; its certificate goes into the registry's <c>rootcertbundle</c>. It checks Basic
    /// credentials and grants what was asked to known users, and only pull to anonymous callers (when allowed).
    /// <see cref="Mode.Token"/> answers <c>{"token"}</c>; <see cref="Mode.AccessToken"/> answers
    /// <c>{"access_token","refresh_token"}</c> and also serves the OAuth2 POST refresh_token grant.
    /// </summary>
    public sealed class TokenServer : IDisposable
    {
        public enum Mode { Token, AccessToken }

        public const string Service = "nboci-test-registry";
        public const string Issuer = "nboci-test-issuer";
        readonly HttpListener _listener;
        readonly ECDsa _key;
        readonly X509Certificate2 _certificate;
        readonly Dictionary<string, string> _users;
        readonly ConcurrentDictionary<string, string> _refreshTokens = new ConcurrentDictionary<string, string>();
        readonly CancellationTokenSource _stop = new CancellationTokenSource();
        readonly List<string> _requests = new List<string>();

        public TokenServer(Mode mode, IDictionary<string, string> users, bool anonymousPull = true)
        {
            TokenMode = mode;
            _users = new Dictionary<string, string>(users);
            AnonymousPull = anonymousPull;
            _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=nboci test token signer", _key, HashAlgorithmName.SHA256);
            _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            Port = RegistryServer.FreePort();
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            Task.Run(LoopAsync);
        }

        public Mode TokenMode { get; }
        public bool AnonymousPull { get; }
        public int Port { get; }
        public string Realm => $"http://127.0.0.1:{Port}/token";
        public string CertificatePem => "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(_certificate.RawData, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n";

        /// <summary>Lifetime written into tokens and expires_in.</summary>
        public int ExpiresIn { get; set; } = 300;

        /// <summary>"GET basic=user scope=..." / "POST refresh_token ..." lines, for assertions.</summary>
        public IReadOnlyList<string> Requests { get { lock (_requests) return _requests.ToList(); } }

        /// <summary>Registry <c>auth:</c> section for this server; the certificate file is written as token.pem beside the config.</summary>
        public string AuthYaml => $"  token:\n    realm: {Realm}\n    service: {Service}\n    issuer: {Issuer}\n    rootcertbundle: {{dir}}/token.pem\n";
        public IDictionary<string, string> ExtraFiles => new Dictionary<string, string> { ["token.pem"] = CertificatePem };

        /// <summary>An identity (refresh) token for a user, as `docker login` would store it.</summary>
        public string IssueRefreshToken(string user)
        {
            string token = "rt-" + Guid.NewGuid().ToString("N");
            _refreshTokens[token] = user;
            return token;
        }

        async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                _ = Task.Run(() => Handle(context));
            }
        }

        void Handle(HttpListenerContext context)
        {
            try
            {
                var req = context.Request;
                string? user = null;
                bool authenticated = false;
                var scopes = new List<string>();
                string service = "";
                if (req.HttpMethod == "POST")
                {
                    string body;
                    using (var reader = new System.IO.StreamReader(req.InputStream)) body = reader.ReadToEnd();
                    var form = ParseQuery(body);
                    service = Get(form, "service") ?? "";
                    string grant = Get(form, "grant_type") ?? "";
                    Record($"POST grant={grant} client_id={Get(form, "client_id")} scope={Get(form, "scope")}");
                    if (grant == "refresh_token" && _refreshTokens.TryGetValue(Get(form, "refresh_token") ?? "", out var owner)) { user = owner; authenticated = true; }
                    else if (grant == "password" && _users.TryGetValue(Get(form, "username") ?? "", out var pw) && pw == Get(form, "password")) { user = Get(form, "username"); authenticated = true; }
                    else { Reply(context, 401, "{\"error\":\"invalid_grant\"}"); return; }
                    scopes.AddRange((Get(form, "scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
                }
                else
                {
                    var query = ParseQuery(req.Url!.Query.TrimStart('?'));
                    service = Get(query, "service") ?? "";
                    scopes.AddRange(query.Where(kv => kv.Key == "scope").Select(kv => kv.Value));
                    string? header = req.Headers["Authorization"];
                    if (header != null && header.StartsWith("Basic ", StringComparison.Ordinal))
                    {
                        string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Substring(6)));
                        int colon = decoded.IndexOf(':');
                        user = decoded.Substring(0, colon);
                        if (!_users.TryGetValue(user, out var pw) || pw != decoded.Substring(colon + 1))
                        {
                            Record($"GET basic={user} REJECTED");
                            Reply(context, 401, "{\"details\":\"incorrect username or password\"}");
                            return;
                        }
                        authenticated = true;
                    }
                    Record($"GET basic={(authenticated ? user : "-")} scope={string.Join(" ", scopes)}");
                }
                if (service != Service) { Reply(context, 400, "{\"details\":\"unknown service\"}"); return; }
                var access = new List<object>();
                foreach (var scope in scopes)
                {
                    var parts = scope.Split(':');
                    if (parts.Length < 3) continue;
                    string type = parts[0], actions = parts[parts.Length - 1], name = string.Join(":", parts.Skip(1).Take(parts.Length - 2));
                    var granted = actions.Split(',').Where(a => authenticated || (AnonymousPull && a == "pull")).ToArray();
                    if (granted.Length > 0) access.Add(new { type, name, actions = granted });
                }
                string jwt = Sign(user ?? "", access);
                string response = TokenMode == Mode.Token
                    ? JsonSerializer.Serialize(new { token = jwt, expires_in = ExpiresIn, issued_at = DateTime.UtcNow.ToString("o") })
                    : JsonSerializer.Serialize(new { access_token = jwt, refresh_token = user != null ? IssueRefreshToken(user) : null, expires_in = ExpiresIn });
                Reply(context, 200, response);
            }
            catch (Exception e)
            {
                try { Reply(context, 500, JsonSerializer.Serialize(new { details = e.Message })); } catch { }
            }
        }

        string Sign(string subject, List<object> access)
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var header = new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "ES256", ["x5c"] = new[] { Convert.ToBase64String(_certificate.RawData) } };
            var claims = new Dictionary<string, object>
            {
                ["iss"] = Issuer, ["sub"] = subject, ["aud"] = Service, ["exp"] = now + ExpiresIn, ["nbf"] = now - 10, ["iat"] = now,
                ["jti"] = Guid.NewGuid().ToString("N"), ["access"] = access,
            };
            string signingInput = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(claims));
            byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
            return signingInput + "." + B64(signature);
        }

        static string B64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        static List<KeyValuePair<string, string>> ParseQuery(string query) =>
            query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
            {
                int eq = p.IndexOf('=');
                string k = eq < 0 ? p : p.Substring(0, eq), v = eq < 0 ? "" : p.Substring(eq + 1);
                return new KeyValuePair<string, string>(Uri.UnescapeDataString(k.Replace('+', ' ')), Uri.UnescapeDataString(v.Replace('+', ' ')));
            }).ToList();

        static string? Get(List<KeyValuePair<string, string>> pairs, string key) => pairs.Where(kv => kv.Key == key).Select(kv => kv.Value).FirstOrDefault();

        void Record(string line) { lock (_requests) _requests.Add(line); }

        static void Reply(HttpListenerContext context, int status, string json)
        {
            byte[] body = Encoding.UTF8.GetBytes(json);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            context.Response.OutputStream.Write(body, 0, body.Length);
            context.Response.Close();
        }

        public void Dispose()
        {
            _stop.Cancel();
            try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
            _certificate.Dispose();
            _key.Dispose();
        }
    }
}
