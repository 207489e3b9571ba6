using NetbootOci.Engine.Formats;
using Xunit;

namespace NetbootOci.Engine.Tests.Formats
{
    public class NamingTests
    {
        [Theory]
        [InlineData("x86_64", "amd64")]
        [InlineData("AMD64", "amd64")]
        [InlineData("aarch64", "arm64")]
        [InlineData("arm64", "arm64")]
        [InlineData("i686", "386")]
        [InlineData("ppc64le", "ppc64le")]
        [InlineData("s390x", "s390x")]
        [InlineData("Sparc64", "sparc64")]
        public void ArchitecturesAreNormalisedToOciNames(string given, string expected) =>
            Assert.Equal(expected, ArchitectureNames.Normalize(given));

        [Theory]
        [InlineData("fedora-40", "fedora", "40")]
        [InlineData("centos-stream9", "centos", "stream9")]
        [InlineData("rhel-9.3.0", "rhel", "9.3.0")]
        [InlineData("fedora-rawhide", "fedora", "rawhide")]
        [InlineData("fedora-coreos-40", "fedora-coreos", "40")]
        public void OsVersionSplitsIntoNameAndVersion(string text, string name, string version)
        {
            Assert.True(MetadataDeriver.SplitNameVersion(text, out var n, out var v));
            Assert.Equal((name, version), (n, v));
        }

        [Theory]
        [InlineData("40")]
        [InlineData("fedora-")]
        [InlineData("-40")]
        public void OsVersionWithoutBothPartsIsRefused(string text) =>
            Assert.False(MetadataDeriver.SplitNameVersion(text, out _, out _));

        [Theory]
        [InlineData("rhel-9.3.0-x86_64", "rhel", "9.3.0", "x86_64", "rhel-9.3.0")]
        [InlineData("fedora-40-amd64", "fedora", "40", "amd64", "fedora-40")]
        [InlineData("40-arm64", null, null, "arm64", "40")]
        public void TagsEndingInAnArchitectureAreParsed(string tag, string? name, string? version, string arch, string stem)
        {
            var p = MetadataDeriver.ParseTag(tag)!;
            Assert.Equal((name, version, arch, stem), (p.Name, p.Version, p.Arch, p.Stem));
        }

        [Theory]
        [InlineData("latest")]
        [InlineData("fedora-40")]
        [InlineData("amd64")]
        public void TagsWithoutAnArchitectureAreNotParsed(string tag) => Assert.Null(MetadataDeriver.ParseTag(tag));

        [Theory]
        [InlineData("fed*", "Fedora", true)]
        [InlineData("fed*", "centos", false)]
        [InlineData("f?dora", "FEDORA", true)]
        [InlineData("f?dora", "fdora", false)]
        [InlineData("[cf]*", "centos", true)]
        [InlineData("[a-c]*", "fedora", false)]
        [InlineData("9.*", "9.3.0", true)]
        [InlineData("9.*", "913", false)]
        [InlineData("a`*b", "a*b", true)]
        [InlineData("a`*b", "axb", false)]
        [InlineData("40", "40", true)]
        [InlineData("40", "400", false)]
        [InlineData("(x)+", "(x)+", true)]
        public void WildcardsFollowPowerShellRules(string pattern, string value, bool match) =>
            Assert.Equal(match, new WildcardPattern(pattern).IsMatch(value));

        [Theory]
        [InlineData("sha256-0123abcd.sig", true)]
        [InlineData("sha256-0123abcd.att", true)]
        [InlineData("sha256-0123abcd", true)]
        [InlineData("fedora-40.sig", true)]
        [InlineData("fedora-40-amd64", false)]
        [InlineData("signature", false)]
        public void SignatureAndReferrerTagsAreRecognised(string tag, bool skipped) =>
            Assert.Equal(skipped, SkippedTags.IsSignatureOrReferrer(tag, out _));
    }
}
