using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Cli.Verbs
{
    /// <summary><c>netboot-oci get REF [--os N] [--os-version V] [--arch A] [--json]</c>: Get-NetbootArtifact.</summary>
    public sealed class GetVerb : IVerb
    {
        public Command Build()
        {
            var common = new CommonOptions();
            var reference = new Argument<string>("reference")
            {
                Description = "Repository, tag, index or digest: host/repo[:tag][@digest] or oci:PATH[:tag].",
            };
            var selection = new ArtifactSelection();

            var command = new Command("get", "List the netboot artifacts of a repository, tag, index or digest, whatever format they were published in.");
            Help.AddExamples(command,
                "netboot-oci get quay.io/example/netboot", "netboot-oci get quay.io/example/netboot --os fedora --os-version 40 --arch x86_64 --json", "netboot-oci get 127.0.0.1:5000/netboot:debian-12 --plain-http", "netboot-oci get oci:./layout");
            command.Arguments.Add(reference);
            selection.AddTo(command);
            common.AddTo(command);

            command.SetAction(parse => CliRunner.Run(parse.GetValue(common.Verbose), async (log, ct) =>
            {
                var parsed = OciReference.Parse(parse.GetValue(reference) ?? "");
                var options = common.Registry(parse, log);
                IReadOnlyList<NetbootArtifact> artifacts;
                using (var repository = RepositoryFactory.Open(parsed.RepositoryOnly(), options))
                    artifacts = await selection.DiscoverAsync(parse, repository, parsed, log, ct).ConfigureAwait(false);
                if (parse.GetValue(common.Json)) CliRunner.WriteJson(artifacts.ToList());
                else WriteTable(artifacts, Console.Out);
                return CliRunner.Ok;
            }));
            return command;
        }

        /// <summary>One line per artifact; the pinned reference is in --json (and too long for a table).</summary>
        static void WriteTable(IReadOnlyList<NetbootArtifact> artifacts, TextWriter output)
        {
            if (artifacts.Count == 0)
            {
                Console.Error.WriteLine("netboot-oci: no netboot artifacts found.");
                return;
            }
            var rows = new List<string[]> { new[] { "NAME", "VERSION", "ARCH", "FORMAT", "FILES", "SIZE", "TAG", "DIGEST" } };
            rows.AddRange(artifacts.Select(a => new[]
            {
                a.Name, a.Version, a.Architecture, a.Format.ToString(), a.Files.Count.ToString(CultureInfo.InvariantCulture),
                HumanSize(a.Size), a.Tag ?? "-", a.Digest.Length > 19 ? a.Digest.Substring(0, 19) : a.Digest,
            }));
            var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
                output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }

        static string HumanSize(long bytes) =>
            bytes >= 1L << 30 ? (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB" :
            bytes >= 1L << 20 ? (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB" :
            bytes >= 1L << 10 ? (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB" :
            bytes.ToString(CultureInfo.InvariantCulture) + " B";
    }
}
