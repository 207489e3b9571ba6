using System.Collections.Generic;
using NetbootOci.Engine.Deploy.Links;
using Xunit;

namespace NetbootOci.Engine.Tests.Links
{
    public class LinkTemplateTests
    {
        static readonly Dictionary<string, string?> Values = new Dictionary<string, string?> { ["os"] = "debian", ["version"] = "12", ["arch"] = "amd64", ["mac"] = "52-54-00-12-34-56" };

        [Theory]
        [InlineData("boot/{os}-{version}-{arch}-{file}", false, TemplateKind.PerFile, "boot/debian-12-amd64-linux")]
        [InlineData("{os}/latest/{arch}", false, TemplateKind.EntryAlias, "debian/latest/amd64")]
        [InlineData("boot/{os}/", false, TemplateKind.Directory, "boot/debian/linux")]
        [InlineData("host-config/{mac}/", true, TemplateKind.Directory, "host-config/52-54-00-12-34-56/linux")]
        [InlineData("grub2/{file}-{mac}", true, TemplateKind.PerFile, "grub2/linux-52-54-00-12-34-56")]
        public void ExpandsPlaceholders(string text, bool host, TemplateKind kind, string expected)
        {
            var t = LinkTemplate.Parse(text, host);
            Assert.Equal(kind, t.Kind);
            Assert.Equal(expected, t.Expand(Values, kind == TemplateKind.EntryAlias ? null : "linux"));
        }

        [Theory]
        [InlineData("boot/{kernel}", false)]
        [InlineData("boot/{os", false)]
        [InlineData("boot/os}", false)]
        [InlineData("boot/{mac}/{file}", false)]
        [InlineData("host-config/fixed/", true)]
        [InlineData("  ", false)]
        public void MalformedTemplatesAreInvalidArguments(string text, bool host)
        {
            var e = Assert.Throws<NetbootException>(() => LinkTemplate.Parse(text, host));
            Assert.Equal(ErrorIds.InvalidArgument, e.ErrorId);
        }

        [Theory]
        [InlineData("..")]
        [InlineData("a/b")]
        [InlineData("a\\b")]
        [InlineData(".")]
        public void AValueThatIsNotOneComponentIsRefused(string os)
        {
            var values = new Dictionary<string, string?>(Values) { ["os"] = os };
            var e = Assert.Throws<NetbootException>(() => LinkTemplate.Parse("boot/{os}-{file}", false).Expand(values, "linux"));
            Assert.Equal(ErrorIds.PathEscapesRoot, e.ErrorId);
        }
    }
}
