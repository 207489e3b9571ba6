using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Tests.Support;
using Xunit;

namespace NetbootOci.Engine.Tests.Save
{
    public class SaveAtomicSwitchTests
    {
        static FixtureFile[] Version(byte marker, int size) =>
            new[] { "shimx64.efi", "grubx64.efi", "vmlinuz", "initrd.img" }.Select((n, i) => new FixtureFile(n, Enumerable.Repeat(marker, size + i * 1000).ToArray())).ToArray();

        [Fact]
        public async Task AReaderHammeringTheEntryWhileItSwitchesNeverSeesAMixOrAMissingFile()
        {
            using var dir = new TempDir();
            var repo = new OciLayoutRepository(dir.Combine("layout"));
            var a = await SaveFixture.PublishAsync(repo, "t", Version((byte)'A', 40_000));
            var b = await SaveFixture.PublishAsync(repo, "t", Version((byte)'B', 60_000));
            string root = dir.Combine("tftp");
            await ArtifactSaver.SaveAsync(repo, a, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
            string entry = Path.Combine(root, "fedora", "40", "amd64");
            string[] names = Version(0, 0).Select(f => f.Name).ToArray();

            var problems = new ConcurrentQueue<string>();
            int sets = 0, singles = 0;
            var seen = new ConcurrentDictionary<byte, int>();
            using var stop = new CancellationTokenSource();
            var reader = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    // A set: resolve the entry once, then read every file of what it pointed at.
                    string? target = FileSystemLinks.ReadSymbolicLink(entry);
                    if (target == null) { problems.Enqueue("the entry was not a link"); continue; }
                    string tree = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(entry)!, target));
                    var markers = names.Select(n => Uniform(File.ReadAllBytes(Path.Combine(tree, n)), problems, n)).Distinct().ToList();
                    if (markers.Count != 1) problems.Enqueue("mixed set: " + string.Join(",", markers));
                    else seen.AddOrUpdate(markers[0], 1, (_, c) => c + 1);
                    sets++;
                    // Single files through the entry path (what a TFTP client does): always present and complete.
                    foreach (var n in names)
                    {
                        try { Uniform(File.ReadAllBytes(Path.Combine(entry, n)), problems, n); singles++; }
                        catch (IOException e) { problems.Enqueue($"{n}: {e.GetType().Name} {e.Message}"); }
                    }
                }
            });

            for (int i = 0; i < 30; i++)
            {
                var r = await ArtifactSaver.SaveAsync(repo, i % 2 == 0 ? b : a, new SaveOptions { Destination = root }, NullEngineLog.Instance, CancellationToken.None);
                Assert.True(r.Changed);
                await Task.Delay(5);
            }
            stop.Cancel();
            await reader;

            Assert.Empty(problems);
            Assert.True(sets > 30, $"only {sets} sets read");
            Assert.True(seen.ContainsKey((byte)'A') && seen.ContainsKey((byte)'B'), "the reader saw only one version");
            Assert.True(singles > 0);
        }

        static byte Uniform(byte[] data, ConcurrentQueue<string> problems, string name)
        {
            if (data.Length == 0) { problems.Enqueue(name + " was empty"); return 0; }
            byte first = data[0];
            if (data.Any(x => x != first)) problems.Enqueue(name + " mixed bytes");
            int expectedBase = first == (byte)'A' ? 40_000 : 60_000;
            if ((data.Length - expectedBase) % 1000 != 0 || data.Length < expectedBase) problems.Enqueue($"{name} has a partial length {data.Length}");
            return first;
        }
    }
}
