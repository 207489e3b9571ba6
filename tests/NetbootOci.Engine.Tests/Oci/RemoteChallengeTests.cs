using System;
using System.Net.Http;
using NetbootOci.Engine.Oci.Remote;
using Xunit;

namespace NetbootOci.Engine.Tests.Oci
{
    /// <summary>WWW-Authenticate and Link parsing on the header texts real registries send.</summary>
    public class RemoteChallengeTests
    {
        [Fact]
        public void BearerChallengeWithQuotedCommasIsParsed()
        {
            var c = AuthChallenge.Choose(new[] { "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"" });
            Assert.NotNull(c);
            Assert.True(c!.IsBearer);
            Assert.Equal("https://auth.docker.io/token", c.Realm);
            Assert.Equal("registry.docker.io", c.Service);
            Assert.Equal("repository:samalba/my-app:pull,push", c.Scope);
        }

        [Fact]
        public void BasicChallengeAndSeveralChallengesInOneHeader()
        {
            var basic = AuthChallenge.Choose(new[] { "Basic realm=\"basic-realm\"" });
            Assert.True(basic!.IsBasic);
            Assert.Equal("basic-realm", basic.Realm);

            var both = AuthChallenge.ParseAll(new[] { "Basic realm=\"a, b\", Bearer realm=\"https://x/token\", service=reg, error=\"insufficient_scope\"" });
            Assert.Equal(2, both.Count);
            Assert.Equal("a, b", both[0].Realm);
            Assert.Equal("reg", both[1].Service);
            Assert.Equal("insufficient_scope", both[1].Error);
            Assert.True(AuthChallenge.Choose(new[] { "Basic realm=\"a\", Bearer realm=\"https://x/token\"" })!.IsBearer);
            Assert.Equal("q\"uote", AuthChallenge.Choose(new[] { "Bearer realm=\"q\\\"uote\"" })!.Realm);
            Assert.Null(AuthChallenge.Choose(new[] { "Negotiate abc==" }));
        }

        [Fact]
        public void LinkHeaderNextIsResolvedAgainstThePage()
        {
            var response = new HttpResponseMessage();
            response.Headers.TryAddWithoutValidation("Link", "</v2/a/tags/list?n=2&last=b>; rel=\"next\"");
            var page = new Uri("https://reg.example:5000/v2/a/tags/list?n=2");
            Assert.Equal("https://reg.example:5000/v2/a/tags/list?n=2&last=b", LinkHeader.Next(response, page)!.AbsoluteUri);

            var other = new HttpResponseMessage();
            other.Headers.TryAddWithoutValidation("Link", "<https://x/prev>; rel=\"prev\", <https://x/next?a=1,2>; rel=next");
            Assert.Equal("https://x/next?a=1,2", LinkHeader.Next(other, page)!.OriginalString);
            Assert.Null(LinkHeader.Next(new HttpResponseMessage(), page));
        }

        [Fact]
        public void TokensLiveAtLeastSixtySecondsAndAreKeyedByScopeSet()
        {
            var registry = new Uri("https://cache-test.example:5000/");
            string key = TokenCache.Key(registry, "cred", new[] { "repository:a:pull", "repository:b:pull" });
            Assert.Equal(key, TokenCache.Key(registry, "cred", new[] { "repository:b:pull", "repository:a:pull", "repository:a:pull" }));
            Assert.NotEqual(key, TokenCache.Key(registry, "other", new[] { "repository:a:pull", "repository:b:pull" }));
            TokenCache.Put(key, "t1", TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow);
            Assert.Equal("t1", TokenCache.Get(key));
            TokenCache.Put(key, "t2", TimeSpan.FromSeconds(300), DateTimeOffset.UtcNow.AddSeconds(-299));
            Assert.Null(TokenCache.Get(key));
        }

        [Fact]
        public async System.Threading.Tasks.Task APlainHttpRealmForAnHttpsRegistryIsRefused()
        {
            var options = new NetbootOci.Engine.Oci.RegistryOptions { MaxRetries = 0 };
            var client = new TokenClient(new RegistryTransport(options));
            var challenge = AuthChallenge.Choose(new[] { "Bearer realm=\"http://auth.invalid/token\",service=\"s\"" })!;
            var e = await Assert.ThrowsAsync<NetbootException>(() =>
                client.FetchAsync(new Uri("https://registry.invalid/"), challenge, new[] { "repository:a:pull" }, null, System.Threading.CancellationToken.None));
            Assert.Equal(ErrorIds.InsecureRedirect, e.ErrorId);
            var bad = AuthChallenge.Choose(new[] { "Bearer realm=\"https://user:pw@auth.invalid/token\"" })!;
            var e2 = await Assert.ThrowsAsync<NetbootException>(() =>
                client.FetchAsync(new Uri("https://registry.invalid/"), bad, new string[0], null, System.Threading.CancellationToken.None));
            Assert.Equal(ErrorIds.AuthenticationFailed, e2.ErrorId);
        }
    }
}
