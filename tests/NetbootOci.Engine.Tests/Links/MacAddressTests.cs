using NetbootOci.Engine.Deploy.Links;
using Xunit;

namespace NetbootOci.Engine.Tests.Links
{
    public class MacAddressTests
    {
        [Theory]
        [InlineData("52:54:00:12:34:56")]
        [InlineData("52-54-00-12-34-56")]
        [InlineData("52:54:0:12:34:56")]
        [InlineData("5254.0012.3456")]
        [InlineData("525400123456")]
        [InlineData(" 525400123456 ")]
        [InlineData("01-52-54-00-12-34-56")]
        public void EveryCommonNotationNormalisesToLowercaseDashed(string text)
        {
            var mac = MacAddress.Parse(text);
            Assert.Equal("52-54-00-12-34-56", mac.Dashed);
            Assert.Equal("52:54:00:12:34:56", mac.Colon);
        }

        [Fact]
        public void UppercaseIsLowered() => Assert.Equal("aa-bb-cc-dd-ee-ff", MacAddress.Parse("AA-BB-CC-DD-EE-FF").Dashed);

        [Theory]
        [InlineData("")]
        [InlineData("../../etc/passwd")]
        [InlineData("aa/bb/cc/dd/ee/ff")]
        [InlineData("aa:bb:cc:dd:ee")]
        [InlineData("aa:bb:cc:dd:ee:ff:00")]
        [InlineData("aa:bb-cc:dd-ee:ff")]
        [InlineData("gg:bb:cc:dd:ee:ff")]
        [InlineData("aa:bb:cc:dd:ee:f/")]
        [InlineData("aabbccddeef")]
        [InlineData("aa:bb:cc:dd:ee:..")]
        [InlineData("aabb.ccdd.ee/f")]
        [InlineData("02-aa-bb-cc-dd-ee-ff")]
        public void AnythingElseIsRefusedWithInvalidMacAddress(string text)
        {
            var e = Assert.Throws<NetbootException>(() => MacAddress.Parse(text));
            Assert.Equal(ErrorIds.InvalidMacAddress, e.ErrorId);
            Assert.Contains(text, e.Message);
        }
    }
}
