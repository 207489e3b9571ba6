using System;
using System.IO;
using System.Text;
using NetbootOci.Engine.Signing;
using Xunit;
using static NetbootOci.Engine.Tests.Signing.SignatureFixtures;

namespace NetbootOci.Engine.Tests.Signing
{
    public sealed class SimpleSigningPayloadTests
    {
        [Fact]
        public void OurPayloadIsByteIdenticalToCosigns()
        {
            Assert.Equal(File.ReadAllBytes(Legacy("valid", "payload.json")),
                SimpleSigningPayload.Create("192.168.64.2:5000/cosign-signed-single-sample", ValidDigest));
        }

        [Fact]
        public void ReferencesNeedingEscapesRoundTrip()
        {
            const string reference = "oci:C:\\boot files\\\"layout\"<&>";
            var (digest, parsed) = SimpleSigningPayload.Parse(SimpleSigningPayload.Create(reference, ValidDigest));
            Assert.Equal(ValidDigest, digest);
            Assert.Equal(reference, parsed);
        }

        [Theory]
        [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"sha256:1\"}},\"Critical\":{}}", "appears twice")]
        [InlineData("{\"optional\":null}", "no 'critical'")]
        [InlineData("not json", "not JSON")]
        public void MalformedPayloadsSayWhy(string json, string why)
        {
            var e = Assert.Throws<FormatException>(() => SimpleSigningPayload.Parse(Encoding.UTF8.GetBytes(json)));
            Assert.Contains(why, e.Message);
        }

        [Fact]
        public void CapitalisedKeysAreReadAsGoDoes()
        {
            var (digest, _) = SimpleSigningPayload.Parse(Encoding.UTF8.GetBytes("{\"Critical\":{\"Image\":{\"Docker-manifest-digest\":\"" + ValidDigest + "\"}}}"));
            Assert.Equal(ValidDigest, digest);
        }
    }
}
