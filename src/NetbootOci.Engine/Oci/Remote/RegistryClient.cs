using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// Authenticated requests to one registry. It learns the auth scheme from the first 401 challenge (and
    /// remembers it per origin, so later requests carry credentials up front), answers Basic with the
    /// credentials found by <see cref="CredentialSources"/>, and Bearer with a token for the request's scopes
    /// (from <see cref="TokenCache"/> or fetched by <see cref="TokenClient"/>). A 401 after credentials is
    /// <see cref="ErrorIds.AuthenticationFailed"/>.
    /// </summary>
    internal sealed class RegistryClient
    {
        static readonly ConcurrentDictionary<string, AuthChallenge> KnownChallenges = new ConcurrentDictionary<string, AuthChallenge>(StringComparer.Ordinal);
        readonly RegistryTransport _transport;
        readonly TokenClient _tokens;
        readonly string _registry;
        readonly SemaphoreSlim _credentialGate = new SemaphoreSlim(1, 1);
        bool _credentialResolved;
        RegistryCredential? _credential;
        string _credentialKey = "anonymous";

        /// <param name="registry">the registry as named in references (for credential lookup), e.g. docker.io or 127.0.0.1:5000.</param>
        /// <param name="baseUri">scheme://api-host[:port]/</param>
        public RegistryClient(RegistryTransport transport, string registry, Uri baseUri)
        {
            _transport = transport;
            _tokens = new TokenClient(transport);
            _registry = registry;
            BaseUri = baseUri;
        }

        public Uri BaseUri { get; }
        public RegistryTransport Transport => _transport;
        public RegistryOptions Options => _transport.Options;
        string OriginKey => BaseUri.Scheme + "://" + BaseUri.Authority;

        public static string PullScope(string repository) => $"repository:{repository}:pull";
        public static string PushScope(string repository) => $"repository:{repository}:pull,push";

        async Task<RegistryCredential?> CredentialAsync(CancellationToken cancellationToken)
        {
            if (_credentialResolved) return _credential;
            await _credentialGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_credentialResolved)
                {
                    _credential = await CredentialSources.ResolveAsync(_registry, Options, cancellationToken).ConfigureAwait(false);
                    _credentialKey = _credential == null ? "anonymous" : Fingerprint(_credential);
                    _credentialResolved = true;
                }
                return _credential;
            }
            finally { _credentialGate.Release(); }
        }

        /// <summary>Distinguishes credentials in the token cache without keeping them in the key.</summary>
        static string Fingerprint(RegistryCredential c)
        {
            using (var sha = SHA256.Create())
                return Digest.ToHex(sha.ComputeHash(Encoding.UTF8.GetBytes((c.Username ?? "") + "\0" + (c.Password ?? "") + "\0" + (c.IdentityToken ?? "")))).Substring(0, 32);
        }

        /// <summary>
        /// Sends <paramref name="request"/> with the authorization for <paramref name="scopes"/>. A replayable
        /// request that gets a 401 is answered once; a non-replayable one gets the 401 back (its caller restarts).
        /// </summary>
        public async Task<HttpResponseMessage> SendAsync(RegistryRequest request, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
        {
            AuthenticationHeaderValue? authorization = null;
            bool sameOrigin = RegistryTransport.SameOrigin(request.Uri, BaseUri);
            if (sameOrigin && KnownChallenges.TryGetValue(OriginKey, out var known))
            {
                try { authorization = await AuthorizationAsync(known, scopes, false, cancellationToken).ConfigureAwait(false); }
                catch (NetbootException e) when (e.ErrorId != ErrorIds.CredentialHelperFailed)
                {
                    // What we remembered may be stale (the registry was reconfigured): ask again through a 401.
                    Options.Log.Verbose($"{_registry}: the remembered {known.Scheme} challenge did not work ({e.ErrorId}); asking the registry again");
                    KnownChallenges.TryRemove(OriginKey, out _);
                }
            }
            var response = await _transport.SendAsync(request, authorization, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || !sameOrigin) return response;

            var challenge = response.Headers.TryGetValues("WWW-Authenticate", out var values) ? AuthChallenge.Choose(values) : null;
            if (challenge == null) return response;
            KnownChallenges[OriginKey] = challenge;
            if (challenge.IsBearer) TokenCache.Invalidate(TokenKey(challenge, scopes, false));
            if (!request.Replayable) return response;

            var credential = await CredentialAsync(cancellationToken).ConfigureAwait(false);
            var fresh = await AuthorizationAsync(challenge, scopes, true, cancellationToken).ConfigureAwait(false);
            if (fresh == null)
            {
                var body = await RegistryErrors.ReadAsync(response, cancellationToken).ConfigureAwait(false);
                response.Dispose();
                throw new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.AuthenticationError,
                    $"{_registry} requires {challenge.Scheme} authentication and no credentials were found (explicit credential, Docker config)" +
                    (body.Summary.Length > 0 ? $"; the registry said: {body.Summary}" : "") + ".", _registry);
            }
            response.Dispose();
            response = await _transport.SendAsync(request, fresh, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                if (challenge.IsBearer) TokenCache.Invalidate(TokenKey(challenge, scopes, true));
                var body = await RegistryErrors.ReadAsync(response, cancellationToken).ConfigureAwait(false);
                response.Dispose();
                string who = credential == null ? "anonymous access" : credential.Username != null ? $"the credentials of user '{credential.Username}'" : "the identity token";
                throw new NetbootException(ErrorIds.AuthenticationFailed, FailureKind.AuthenticationError,
                    $"{request.Method} {RegistryTransport.Display(request.Uri)}: {_registry} refused {who}" +
                    (body.Summary.Length > 0 ? $" ({body.Summary})" : "") + ".", _registry);
            }
            return response;
        }

        string TokenKey(AuthChallenge challenge, IReadOnlyCollection<string> scopes, bool withChallengeScope) =>
            TokenCache.Key(BaseUri, _credentialKey, AllScopes(challenge, scopes, withChallengeScope));

        static List<string> AllScopes(AuthChallenge challenge, IReadOnlyCollection<string> scopes, bool withChallengeScope)
        {
            var all = new List<string>(scopes);
            if (withChallengeScope && !string.IsNullOrEmpty(challenge.Scope))
                all.AddRange(challenge.Scope!.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries));
            return all.Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToList();
        }

        /// <summary>The Authorization header for a challenge; null when Basic is asked and there are no credentials.</summary>
        async Task<AuthenticationHeaderValue?> AuthorizationAsync(AuthChallenge challenge, IReadOnlyCollection<string> scopes, bool fresh, CancellationToken cancellationToken)
        {
            var credential = await CredentialAsync(cancellationToken).ConfigureAwait(false);
            if (challenge.IsBasic)
                return credential?.Username != null && credential.Password != null ? TokenClient.BasicHeader(credential.Username, credential.Password) : null;
            if (!challenge.IsBearer) return null;
            var all = AllScopes(challenge, scopes, fresh);
            string key = TokenCache.Key(BaseUri, _credentialKey, all);
            string? token = fresh ? null : TokenCache.Get(key);
            if (token == null)
            {
                var result = await _tokens.FetchAsync(BaseUri, challenge, all, credential, cancellationToken).ConfigureAwait(false);
                TokenCache.Put(key, result.Token, result.Lifetime, DateTimeOffset.UtcNow);
                token = result.Token;
            }
            return new AuthenticationHeaderValue("Bearer", token);
        }

        /// <summary>Makes sure a token for <paramref name="scopes"/> is cached before a long non-replayable request.</summary>
        public async Task PrepareAsync(IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
        {
            if (KnownChallenges.TryGetValue(OriginKey, out var known))
                await AuthorizationAsync(known, scopes, false, cancellationToken).ConfigureAwait(false);
        }
    }
}
