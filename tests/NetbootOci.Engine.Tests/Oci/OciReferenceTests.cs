using NetbootOci.Engine.Oci;
using Xunit;

namespace NetbootOci.Engine.Tests.Oci
{
    public class OciReferenceTests
    {
        [Theory]
        [InlineData("fedora", "docker.io", "library/fedora", null, null)]
        [InlineData("foreman/nboci-files:fedora-40", "docker.io", "foreman/nboci-files", "fedora-40", null)]
        [InlineData("quay.io/foreman/nboci-files:fedora-40-amd64", "quay.io", "foreman/nboci-files", "fedora-40-amd64", null)]
        [InlineData("localhost:5000/netboot", "localhost:5000", "netboot", null, null)]
        [InlineData("127.0.0.1:5000/a/b:1.0@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "127.0.0.1:5000", "a/b", "1.0", "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")]
        [InlineData("index.docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", null)]
        public void ParsesRegistryReferences(string text, string registry, string repo, string? tag, string? digest)
        {
            var r = OciReference.Parse(text);
            Assert.False(r.IsLayout);
            Assert.Equal(registry, r.Registry);
            Assert.Equal(repo, r.Repository);
            Assert.Equal(tag, r.Tag);
            Assert.Equal(digest, r.Digest);
        }

        [Fact]
        public void DockerHubApiHostIsRegistry1()
        {
            Assert.Equal("registry-1.docker.io", OciReference.Parse("busybox").ApiHost);
            Assert.Equal("quay.io", OciReference.Parse("quay.io/x/y").ApiHost);
        }

        [Theory]
        [InlineData("oci:/srv/layout", "/srv/layout", null)]
        [InlineData("oci:/srv/layout:fedora-40", "/srv/layout", "fedora-40")]
        [InlineData("oci:/srv/my:dir/layout", "/srv/my:dir/layout", null)]
        public void ParsesLayoutReferences(string text, string path, string? tag)
        {
            var r = OciReference.Parse(text);
            Assert.True(r.IsLayout);
            Assert.Equal(path, r.LayoutPath);
            Assert.Equal(tag, r.Tag);
        }

        [Theory]
        [InlineData("")]
        [InlineData("Upper/Case")]
        [InlineData("quay.io/x/y:bad tag")]
        [InlineData("quay.io/x/y@sha256:abc")]
        [InlineData("oci:")]
        public void RejectsMalformedReferencesWithTheReason(string text)
        {
            var e = Assert.Throws<NetbootException>(() => OciReference.Parse(text));
            Assert.Equal(ErrorIds.InvalidReference, e.ErrorId);
            Assert.Contains("Invalid reference", e.Message);
        }
    }
}
