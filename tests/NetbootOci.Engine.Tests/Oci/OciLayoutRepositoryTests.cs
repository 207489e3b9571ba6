using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Oci
{
    public class OciLayoutRepositoryTests
    {
        [Fact]
        public async Task PushedContentIsReadByTagAndByDigestAndBySkopeo()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Combine("layout"));
            byte[] file = Encoding.UTF8.GetBytes("kernel bytes");
            var layer = new Descriptor { MediaType = "application/x-netboot-file", Digest = Digest.Sha256(file), Size = file.Length };
            Assert.Equal(file.Length, await repo.PushBlobAsync(layer, () => new MemoryStream(file), null, CancellationToken.None));
            Assert.Equal(0, await repo.PushBlobAsync(layer, () => new MemoryStream(file), null, CancellationToken.None));
            await repo.PushBlobAsync(Descriptor.EmptyJson(), () => new MemoryStream(Encoding.UTF8.GetBytes("{}")), null, CancellationToken.None);
            var manifest = new ImageManifest { ArtifactType = "application/vnd.org.pulpproject.netboot.artifact.v1", Layers = { layer } };
            byte[] bytes = OciJson.Serialize(manifest);
            string digest = await repo.PushManifestAsync(bytes, MediaTypes.OciManifest, "os-1-amd64", CancellationToken.None);

            Assert.Equal(new[] { "os-1-amd64" }, await repo.ListTagsAsync(CancellationToken.None));
            var byTag = await repo.GetManifestAsync("os-1-amd64", CancellationToken.None);
            Assert.Equal(digest, byTag.Digest);
            Assert.Equal(bytes, byTag.Bytes);
            var byDigest = await repo.GetManifestAsync(digest, CancellationToken.None);
            Assert.Equal(MediaTypes.OciManifest, byDigest.MediaType);

            using (var s = new VerifyingStream(await repo.OpenBlobAsync(layer.Digest, 0, CancellationToken.None), layer.Digest, layer.Size, "test"))
            using (var r = new StreamReader(s)) Assert.Equal("kernel bytes", r.ReadToEnd());

            // skopeo, a real independent reader, agrees on the manifest bytes.
            string raw = Tools.Skopeo($"inspect --raw oci:{dir.Combine("layout")}:os-1-amd64");
            Assert.Equal(Encoding.UTF8.GetString(bytes), raw.TrimEnd('\n'));
        }

        [Fact]
        public async Task MissingManifestAndNonLayoutDirectoryGiveClearErrors()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Path);
            var e = await Assert.ThrowsAsync<NetbootException>(() => repo.GetManifestAsync("nope", CancellationToken.None));
            Assert.Equal(ErrorIds.LayoutInvalid, e.ErrorId);
            Assert.Contains(dir.Path, e.Message);
        }

        [Fact]
        public async Task VerifyingStreamRefusesTamperedAndTruncatedBlobs()
        {
            byte[] data = Encoding.UTF8.GetBytes("good");
            string digest = Digest.Sha256(data);
            var tampered = new VerifyingStream(new MemoryStream(Encoding.UTF8.GetBytes("evil")), digest, 4, "blob x");
            var e1 = await Assert.ThrowsAsync<NetbootException>(() => tampered.CopyToAsync(Stream.Null));
            Assert.Equal(ErrorIds.DigestMismatch, e1.ErrorId);
            var truncated = new VerifyingStream(new MemoryStream(data, 0, 3), digest, 4, "blob x");
            var e2 = await Assert.ThrowsAsync<NetbootException>(() => truncated.CopyToAsync(Stream.Null));
            Assert.Equal(ErrorIds.SizeMismatch, e2.ErrorId);
            var oversized = new VerifyingStream(new MemoryStream(Encoding.UTF8.GetBytes("good!")), digest, 4, "blob x");
            var e3 = await Assert.ThrowsAsync<NetbootException>(() => oversized.CopyToAsync(Stream.Null));
            Assert.Equal(ErrorIds.SizeMismatch, e3.ErrorId);
        }
    }
}
