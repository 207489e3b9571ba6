using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Benchmarks
{
    /// <summary>
    /// tests/bench/save-bench.sh's helper.
    ///   publish REF FILE...          push FILEs as one netboot artifact (plain HTTP) under REF's tag
    ///   save REF DEST                Save through the engine (artifact read from the manifest's annotations)
    ///   resync REPO PREFIX N DEST    Save tags PREFIX0..PREFIX(N-1) of REPO into DEST; prints the elapsed time
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            var registry = new RegistryOptions { PlainHttp = true, UseDockerConfig = false };
            switch (args[0])
            {
                case "publish":
                {
                    var reference = OciReference.Parse(args[1]);
                    using var repo = RepositoryFactory.Open(reference, registry);
                    await repo.PushBlobAsync(Descriptor.EmptyJson(), () => new MemoryStream(Encoding.UTF8.GetBytes("{}")), null, CancellationToken.None);
                    var manifest = new ImageManifest
                    {
                        ArtifactType = "application/vnd.org.pulpproject.netboot.artifact.v1",
                        Annotations = new SortedDictionary<string, string>
                        {
                            ["org.pulpproject.netboot.os.name"] = "bench", ["org.pulpproject.netboot.os.version"] = reference.Tag!,
                            ["org.pulpproject.netboot.os.arch"] = "amd64",
                        },
                    };
                    foreach (var file in args.Skip(2))
                    {
                        string digest;
                        using (var fs = File.OpenRead(file)) digest = Digest.Sha256(fs);
                        var d = new Descriptor { MediaType = "application/octet-stream", Digest = digest, Size = new FileInfo(file).Length,
                            Annotations = new SortedDictionary<string, string> { ["org.opencontainers.image.title"] = Path.GetFileName(file) } };
                        await repo.PushBlobAsync(d, () => File.OpenRead(file), null, CancellationToken.None);
                        manifest.Layers.Add(d);
                    }
                    Console.WriteLine(await repo.PushManifestAsync(OciJson.Serialize(manifest), MediaTypes.OciManifest, reference.Tag, CancellationToken.None));
                    return 0;
                }
                case "save":
                {
                    var reference = OciReference.Parse(args[1]);
                    using var repo = RepositoryFactory.Open(reference, registry);
                    var result = await ArtifactSaver.SaveAsync(repo, await ArtifactAsync(repo, reference.Tag!), new SaveOptions { Destination = args[2] }, NullEngineLog.Instance, CancellationToken.None);
                    Console.WriteLine(JsonSerializer.Serialize(new { result.Path, result.Changed, result.BytesDownloaded }));
                    return 0;
                }
                case "resync":
                {
                    using var repo = RepositoryFactory.Open(OciReference.Parse(args[1]), registry);
                    int count = int.Parse(args[3]);
                    var watch = Stopwatch.StartNew();
                    int changed = 0;
                    for (int i = 0; i < count; i++)
                    {
                        var result = await ArtifactSaver.SaveAsync(repo, await ArtifactAsync(repo, args[2] + i), new SaveOptions { Destination = args[4] }, NullEngineLog.Instance, CancellationToken.None);
                        if (result.Changed) changed++;
                    }
                    Console.WriteLine($"{count} artifacts, {changed} changed, {watch.Elapsed.TotalSeconds:0.000} s");
                    return 0;
                }
                default:
                    Console.Error.WriteLine("usage: publish REF FILE... | save REF DEST | resync REPO PREFIX N DEST");
                    return 2;
            }
        }

        /// <summary>The artifact as discovery sees a spec-format manifest (resolve the tag, read the layers' titles).</summary>
        static async Task<NetbootArtifact> ArtifactAsync(IOciRepository repo, string tag)
        {
            var content = await repo.GetManifestAsync(tag, CancellationToken.None);
            var manifest = content.AsManifest(tag);
            var artifact = new NetbootArtifact
            {
                Name = manifest.Annotations!["org.pulpproject.netboot.os.name"], Version = manifest.Annotations["org.pulpproject.netboot.os.version"],
                Architecture = manifest.Annotations["org.pulpproject.netboot.os.arch"], Tag = tag, Digest = content.Digest,
                Repository = repo.Reference.RepositoryName, Reference = repo.Reference.WithTag(tag).WithDigest(content.Digest).ToString(),
            };
            foreach (var layer in manifest.Layers)
                artifact.Files.Add(new NetbootFile { Name = layer.Annotation("org.opencontainers.image.title")!, Digest = layer.Digest, Size = layer.Size,
                    MediaType = layer.MediaType, ContentDigest = layer.Digest, ContentSize = layer.Size });
            return artifact;
        }
    }
}
