using System.IO;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Deploy.Links;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Signing;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Sync
{
    /// <summary>What an inventory artifact carries down the cmdlet pipeline (Test-NetbootSignature | Save | Set-NetbootLink).</summary>
    public class InventoryPipelineTests
    {
        static string Pub => Path.Combine(TestPaths.Vectors, "encrypted-keys", "cosign-label-ecdsa-p256.derived.pub");

        [Fact]
        public void SignaturePolicyFollowsTheInventory()
        {
            var ignore = new NetbootArtifact { SignaturePolicy = "ignore", Key = new[] { Pub } };
            Assert.Null(InventorySignaturePolicy.PolicyFor(ignore));

            var optional = new NetbootArtifact { SignaturePolicy = "optional" };
            Assert.Null(InventorySignaturePolicy.PolicyFor(optional));
            var optionalKeyed = new NetbootArtifact { SignaturePolicy = "optional", Key = new[] { Pub } };
            Assert.Single(InventorySignaturePolicy.PolicyFor(optionalKeyed)!.TrustedKeys);
            Assert.True(InventorySignaturePolicy.Accepts(optionalKeyed, new SignatureResult { ErrorId = ErrorIds.SignatureNotFound }));
            Assert.False(InventorySignaturePolicy.Accepts(optionalKeyed, new SignatureResult { ErrorId = ErrorIds.SignatureInvalid }));

            var required = new NetbootArtifact { SignaturePolicy = "required", Key = new[] { Pub } };
            Assert.False(InventorySignaturePolicy.Accepts(required, new SignatureResult { ErrorId = ErrorIds.SignatureNotFound }));
            var options = new SaveOptions();
            SaveOptions.ApplyInventorySignaturePolicy(options, required, false);
            Assert.True(options.SignatureRequired);
            Assert.NotNull(options.SignaturePolicy);

            var e = Assert.Throws<NetbootException>(() => InventorySignaturePolicy.PolicyFor(new NetbootArtifact { SignaturePolicy = "required" }));
            Assert.Equal(ErrorIds.InvalidArgument, e.ErrorId);
        }

        [Fact]
        public void A_save_result_carries_the_proxys_link_settings_into_the_link_request()
        {
            var saved = new SaveResult
            {
                Destination = "/srv/tftp", Path = "/srv/tftp/debian/12/amd64", Name = "debian", Version = "12", Architecture = "amd64",
                Aliases = new[] { "boot/{os}-{version}-{arch}-{file}" }, MacAddress = new[] { "52:54:00:12:34:56" },
                HostTemplate = "hosts/{mac}/", LinkType = "Hardlink",
            };
            var request = LinkRequest.For(saved);
            Assert.Equal(saved.Aliases, request.Names);
            Assert.Equal(saved.MacAddress, request.MacAddresses);
            Assert.Equal("hosts/{mac}/", request.HostTemplate);
            Assert.Equal(LinkType.Hardlink, request.LinkType);

            var plain = LinkRequest.For(new SaveResult { Destination = "/r", Path = "/r/a/1/amd64" });
            Assert.Empty(plain.Names);
            Assert.Null(plain.LinkType);
            Assert.Throws<NetbootException>(() => LinkRequest.ParseLinkType("junction"));
        }
    }
}
