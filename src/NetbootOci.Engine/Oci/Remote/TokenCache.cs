using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// Bearer tokens per registry origin, credential and scope set, kept until shortly before they expire
    /// (expires_in, at least 60 s as the token spec says). Process-wide so several repositories on one
    /// registry share tokens; in memory only.
    /// </summary>
    internal static class TokenCache
    {
        static readonly ConcurrentDictionary<string, CachedToken> Tokens = new ConcurrentDictionary<string, CachedToken>(StringComparer.Ordinal);

        public static string Key(Uri registry, string credentialKey, IEnumerable<string> scopes) =>
            registry.Scheme + "://" + registry.Authority + "|" + credentialKey + "|" + ScopeKey(scopes);

        /// <summary>Scopes sorted and de-duplicated, space-joined: the same set gives the same key.</summary>
        public static string ScopeKey(IEnumerable<string> scopes) =>
            string.Join(" ", scopes.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal));

        public static string? Get(string key)
        {
            if (Tokens.TryGetValue(key, out var t))
            {
                if (DateTimeOffset.UtcNow < t.RefreshAt) return t.Token;
                Tokens.TryRemove(key, out _);
            }
            return null;
        }

        public static void Put(string key, string token, TimeSpan lifetime, DateTimeOffset issuedAt)
        {
            if (lifetime < TimeSpan.FromSeconds(60)) lifetime = TimeSpan.FromSeconds(60);
            // Refresh early: a tenth of the lifetime, at most 30 s, before expiry.
            var margin = TimeSpan.FromTicks(Math.Min(lifetime.Ticks / 10, TimeSpan.FromSeconds(30).Ticks));
            Tokens[key] = new CachedToken(token, issuedAt + lifetime - margin);
        }

        public static void Invalidate(string key) => Tokens.TryRemove(key, out _);

        sealed class CachedToken
        {
            public CachedToken(string token, DateTimeOffset refreshAt)
            {
                Token = token;
                RefreshAt = refreshAt;
            }

            public string Token { get; }
            public DateTimeOffset RefreshAt { get; }
        }
    }
}
