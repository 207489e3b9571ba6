using System;
using System.CommandLine;
using System.Linq;
using System.Threading.Tasks;
using NetbootOci.Engine;
using NetbootOci.Engine.Inventory;
using NetbootOci.Engine.Sync;

namespace NetbootOci.Cli.Verbs
{
    /// <summary>
    /// <c>netboot-oci sync --inventory FILE [--inventory FILE2] [--proxy NAME] [--prune] [--json]</c>: makes every proxy
    /// of the inventory match it. Exit 0: every proxy is in the desired state; 1: something failed (the rest was
    /// synced); 2: the inventory is invalid (every error on stderr as file:line:column) and nothing was touched.
    /// </summary>
    public sealed class SyncVerb : IVerb
    {
        public Command Build()
        {
            var inventory = new Option<string[]>("--inventory", "-i") { Description = "Inventory file (repeatable: the files merge).", Required = true, AllowMultipleArgumentsPerToken = false };
            var proxy = new Option<string?>("--proxy") { Description = "Sync only this proxy." };
            var prune = new Option<bool>("--prune") { Description = "Remove OS entries, links and store content the inventory no longer wants." };
            var check = new Option<bool>("--check") { Description = "Validate the inventory only (no network, nothing written)." };
            var whatIf = new Option<bool>("--what-if") { Description = "Report what would change; write nothing." };
            var strict = new Option<bool>("--strict") { Description = "Refuse suspicious content (HTML pages, implausibly small boot files)." };
            var parallel = new Option<int>("--parallel") { Description = "Blobs downloaded at once per artifact.", DefaultValueFactory = _ => 3 };
            var json = new Option<bool>("--json") { Description = "Print the per-proxy results as JSON." };
            var verbose = new Option<bool>("--verbose", "-v") { Description = "Tell each step on standard error." };
            var progress = new ProgressOptions();

            var command = new Command("sync", "Make every boot proxy of an inventory match it: discover, verify, save, link, prune.");
            Help.AddExamples(command,
                "netboot-oci sync --inventory /etc/netboot-oci/site.yaml", "netboot-oci sync -i site.yaml -i secrets.yaml --proxy tftp-01 --prune", "netboot-oci sync --inventory site.yaml --check");
            foreach (var o in new Option[] { inventory, proxy, prune, check, whatIf, strict, parallel, json, verbose })
                command.Options.Add(o);
            progress.AddTo(command);

            command.SetAction(parse => CliRunner.Run(parse.GetValue(verbose), progress.Mode(parse), async (log, ct) =>
            {
                var site = InventoryLoader.Load(parse.GetValue(inventory)!);
                if (parse.GetValue(check))
                {
                    DesiredStatePlanner.SelectProxies(site, parse.GetValue(proxy)).ToList();
                    Console.WriteLine($"{string.Join(", ", site.Files)}: valid ({site.Registries.Count} registries, {site.OperatingSystems.Count} operating systems, {site.Proxies.Count} proxies).");
                    return CliRunner.Ok;
                }
                var result = await SyncEngine.RunAsync(new SyncRequest
                {
                    Inventory = site,
                    Proxy = parse.GetValue(proxy),
                    Prune = parse.GetValue(prune),
                    WhatIf = parse.GetValue(whatIf),
                    Strict = parse.GetValue(strict),
                    Parallelism = parse.GetValue(parallel),
                }, log, ct).ConfigureAwait(false);
                foreach (var failure in result.Proxies.SelectMany(p => p.Failures))
                    Console.Error.WriteLine("netboot-oci: " + failure);
                if (parse.GetValue(json)) CliRunner.WriteJson(result);
                else Print(result);
                return result.Succeeded ? CliRunner.Ok : CliRunner.Failed;
            }));
            return command;
        }

        static void Print(SyncResult result)
        {
            string prefix = result.WhatIf ? "What if: " : "";
            foreach (var p in result.Proxies)
            {
                Console.WriteLine($"{prefix}{p.Proxy} ({p.Root}): {(p.Succeeded ? "in sync" : "FAILED")}: artifacts {p.ArtifactsChanged} changed, {p.ArtifactsUnchanged} unchanged, {p.ArtifactsFailed} failed; " +
                                  $"{p.BytesFetched} bytes fetched; links {p.LinksChanged} changed; {p.Pruned} pruned ({p.BytesFreed} bytes freed)");
                foreach (var a in p.Artifacts.Where(a => a.Changed))
                    Console.WriteLine($"  {a.Path}: {a.PreviousDigest ?? "(none)"} -> {a.Digest}");
            }
        }
    }
}
