using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// The Docker token flow (distribution docs spec/auth/token.md and oauth.md): GET the realm with
    /// service and scopes (anonymous or with Basic credentials) and read <c>token</c> or <c>access_token</c>;
    /// when an identity (refresh) token is held, POST an OAuth2 refresh_token grant instead.
    /// </summary>
    internal sealed class TokenClient
    {
        const int MaxTokenResponseBytes = 1 << 20;
        public const string ClientId = "netboot-oci";
        readonly RegistryTransport _transport;

        public TokenClient(RegistryTransport transport)
        {
            _transport = transport;
        }

        public sealed class TokenResult
        {
            public TokenResult(string token, TimeSpan lifetime)
            {
                Token = token;
                Lifetime = lifetime;
            }

            public string Token { get; }
            public TimeSpan Lifetime { get; }
        }

        public async Task<TokenResult> FetchAsync(Uri registry, AuthChallenge challenge, IReadOnlyCollection<string> scopes, RegistryCredential? credential, CancellationToken cancellationToken)
        {
            var realm = ValidateRealm(registry, challenge);
            string service = challenge.Service ?? "";
            RegistryRequest request;
            AuthenticationHeaderValue? basic = null;
            bool oauth = !string.IsNullOrEmpty(credential?.IdentityToken);
            if (oauth)
            {
                var form = new List<KeyValuePair<string, string>>
                {
                    new KeyValuePair<string, string>("grant_type", "refresh_token"),
                    new KeyValuePair<string, string>("refresh_token", credential!.IdentityToken!),
                    new KeyValuePair<string, string>("service", service),
                    new KeyValuePair<string, string>("client_id", ClientId),
                };
                if (scopes.Count > 0) form.Add(new KeyValuePair<string, string>("scope", string.Join(" ", scopes)));
                request = new RegistryRequest(HttpMethod.Post, realm) { Content = () => new FormUrlEncodedContent(form), Accept = "application/json" };
            }
            else
            {
                var query = new StringBuilder();
                if (service.Length > 0) Append(query, "service", service);
                foreach (var scope in scopes) Append(query, "scope", scope);
                var uri = query.Length == 0 ? realm : new Uri(realm.AbsoluteUri + (realm.Query.Length > 0 ? "&" : "?") + query);
                request = new RegistryRequest(HttpMethod.Get, uri) { Accept = "application/json" };
                if (credential?.Username != null && credential.Password != null)
                    basic = BasicHeader(credential.Username, credential.Password);
            }

            using (var response = await _transport.SendAsync(request, basic, cancellationToken).ConfigureAwait(false))
            {
                int status = (int)response.StatusCode;
                if (status == 401 || status == 403)
                    throw new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.AuthenticationError,
                        $"The token service {RegistryTransport.Display(realm)} refused {(credential == null ? "anonymous access" : oauth ? "the identity token" : $"the credentials of user '{credential.Username}'")} for {registry.Authority} ({status}).",
                        registry.Authority);
                if (status < 200 || status > 299)
                    throw new NetbootException(ErrorIds.RegistryError, FailureKind.ResourceUnavailable,
                        $"The token service {RegistryTransport.Display(realm)} answered {status} {response.ReasonPhrase} for {registry.Authority}.", registry.Authority);
                byte[] body = await RegistryErrors.ReadCappedAsync(response, MaxTokenResponseBytes, _transport.Options.StallTimeout, cancellationToken).ConfigureAwait(false);
                return Parse(body, realm);
            }
        }

        static TokenResult Parse(byte[] body, Uri realm)
        {
            try
            {
                using (var doc = JsonDocument.Parse(body))
                {
                    var root = doc.RootElement;
                    string? token = null;
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        if (root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.Length > 0) token = t.GetString();
                        else if (root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String && a.GetString()!.Length > 0) token = a.GetString();
                    }
                    if (token == null)
                        throw new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.AuthenticationError,
                            $"The token service {RegistryTransport.Display(realm)} returned no 'token' or 'access_token'.", realm.Host);
                    var lifetime = TimeSpan.FromSeconds(60);
                    if (root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long seconds) && seconds > 60)
                        lifetime = TimeSpan.FromSeconds(Math.Min(seconds, 24 * 3600));
                    return new TokenResult(token, lifetime);
                }
            }
            catch (JsonException)
            {
                throw new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.AuthenticationError,
                    $"The token service {RegistryTransport.Display(realm)} returned a body that is not JSON.", realm.Host);
            }
        }

        /// <summary>The realm must be an absolute http(s) URL without user-info, and not plain http for an https registry.</summary>
        static Uri ValidateRealm(Uri registry, AuthChallenge challenge)
        {
            if (!Uri.TryCreate(challenge.Realm ?? "", UriKind.Absolute, out var realm) ||
                (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp) || realm.UserInfo.Length > 0)
                throw new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.AuthenticationError,
                    $"{registry.Authority} asked for a Bearer token with an unusable realm '{challenge.Realm}'.", registry.Authority);
            if (registry.Scheme == Uri.UriSchemeHttps && realm.Scheme == Uri.UriSchemeHttp)
                throw new NetbootException(ErrorIds.InsecureRedirect, FailureKind.SecurityError,
                    $"{registry.Authority} (https) points to a plain-http token service {RegistryTransport.Display(realm)}; refused.", registry.Authority);
            return realm;
        }

        static void Append(StringBuilder query, string name, string value)
        {
            if (query.Length > 0) query.Append('&');
            query.Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        public static AuthenticationHeaderValue BasicHeader(string username, string password) =>
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));
    }
}
