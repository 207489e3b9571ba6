using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using NetbootOci.Engine.Deploy.Links;
using Xunit;

namespace NetbootOci.Engine.Tests.Links
{
    public class LinkAtomicityTests
    {
        /// <summary>
        /// Readers open the name in a tight loop while the engine switches it between two versions many times:
        /// a reader must always find the name and always get one whole version, never a missing or partial file.
        /// </summary>
        [Theory]
        [InlineData(LinkType.Symlink)]
        [InlineData(LinkType.Hardlink)]
        [InlineData(LinkType.Copy)]
        public void AReaderNeverSeesAMissingOrPartialName(LinkType type)
        {
            using var r = new LinkRoot();
            string entry13 = r.Deploy13();
            var to12 = r.Request(type: type);
            to12.Names.Add("boot/current-{file}");
            var to13 = r.RequestFor(entry13, to12);
            r.Apply(to12);

            string name = r.P("boot/current-vmlinuz");
            var seen = new HashSet<string>();
            var failures = new List<string>();
            long reads = 0;
            using var stop = new CancellationTokenSource();
            var readers = new List<Thread>();
            for (int i = 0; i < 2; i++)
                readers.Add(new Thread(() =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            string text = File.ReadAllText(name);
                            lock (seen) seen.Add(text);
                            Interlocked.Increment(ref reads);
                        }
                        catch (Exception e) { lock (failures) failures.Add(e.GetType().Name + ": " + e.Message); }
                    }
                }) { IsBackground = true });
            readers.ForEach(t => t.Start());
            while (Interlocked.Read(ref reads) < 10 && failures.Count == 0) Thread.Sleep(1);

            const int switches = 150;
            for (int i = 0; i < switches; i++)
            {
                var results = r.Apply(i % 2 == 0 ? to13 : to12);
                Assert.Contains(results, x => x.Name == "boot/current-vmlinuz" && x.Action == LinkAction.Replaced);
            }
            stop.Cancel();
            readers.ForEach(t => t.Join());

            Assert.True(failures.Count == 0, $"{failures.Count} failed reads of {reads}, e.g. {string.Join("; ", failures.GetRange(0, Math.Min(3, failures.Count)))}");
            Assert.True(reads > switches, $"only {reads} reads during {switches} switches");
            Assert.Subset(new HashSet<string> { "kernel 12", "kernel 13" }, seen);
            Assert.Equal(2, seen.Count);
            // No staged names are left behind.
            Assert.Empty(Directory.GetFileSystemEntries(r.P("boot"), ".*"));
        }
    }
}
