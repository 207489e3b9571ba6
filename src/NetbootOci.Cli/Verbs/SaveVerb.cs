using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using NetbootOci.Engine;
using NetbootOci.Engine.Deploy;
using NetbootOci.Engine.Formats;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Signing;

namespace NetbootOci.Cli.Verbs
{
    /// <summary><c>netboot-oci save REF --destination DIR</c>: Save-NetbootArtifact for every artifact REF resolves to.</summary>
    public sealed class SaveVerb : IVerb
    {
        public Command Build()
        {
            var common = new CommonOptions();
            var progress = new ProgressOptions();
            var reference = new Argument<string>("reference") { Description = "registry/repo[:tag][@digest] or oci:PATH[:tag]" };
            var destination = new Option<string>("--destination", "-d") { Description = "The TFTP/HTTP root.", Required = true };
            var template = new Option<string>("--template") { Description = "Entry path template: {os} {version} {arch} {tag} {digest}.", DefaultValueFactory = _ => SaveOptions.DefaultPathTemplate };
            var parallel = new Option<int>("--parallel") { Description = "Blobs downloaded at once.", DefaultValueFactory = _ => 3 };
            var prune = new Option<bool>("--prune") { Description = "Remove trees and blobs no entry references." };
            var verify = new Option<bool>("--verify") { Description = "Re-hash deployed files and repair those that differ." };
            var strict = new Option<bool>("--strict") { Description = "Refuse HTML pages and implausibly small boot files." };
            var whatIf = new Option<bool>("--what-if") { Description = "Report what would change; touch nothing." };
            var keys = new Option<string[]>("--key") { Description = "Trusted cosign public key (PEM; repeatable): signatures are verified before anything becomes visible.", AllowMultipleArgumentsPerToken = false };
            var requireSignature = new Option<bool>("--require-signature") { Description = "With --key: refuse artifacts that carry no signature (otherwise a warning)." };
            var selection = new ArtifactSelection();
            var command = new Command("save", "Deploy netboot artifacts onto a TFTP/HTTP root (verified, deduplicated, atomic).");
            Help.AddExamples(command,
                "netboot-oci save quay.io/example/netboot:fedora-40 --destination /srv/tftp", "netboot-oci save quay.io/example/netboot --os debian --arch amd64 -d /srv/tftp --prune", "netboot-oci save oci:./layout:debian-12 -d ./tftproot --key ./cosign.pub --require-signature", "netboot-oci save 127.0.0.1:5000/netboot -d ./tftproot --plain-http --what-if");
            command.Arguments.Add(reference);
            foreach (var o in new Option[] { destination, template, parallel, prune, verify, strict, whatIf, keys, requireSignature }) command.Options.Add(o);
            selection.AddTo(command);
            common.AddTo(command);
            progress.AddTo(command);

            command.SetAction(parse => CliRunner.Run(parse.GetValue(common.Verbose), progress.Mode(parse), async (log, ct) =>
            {
                var registry = common.Registry(parse, log);
                var options = new SaveOptions
                {
                    Destination = Path.GetFullPath(parse.GetValue(destination)!), PathTemplate = parse.GetValue(template)!,
                    Parallelism = parse.GetValue(parallel), Prune = parse.GetValue(prune), Verify = parse.GetValue(verify),
                    Strict = parse.GetValue(strict), WhatIf = parse.GetValue(whatIf),
                    SignatureRequired = parse.GetValue(requireSignature),
                };
                string[] keyFiles = parse.GetValue(keys) ?? Array.Empty<string>();
                if (keyFiles.Length > 0) options.SignaturePolicy = VerificationPolicy.FromKeyFiles(keyFiles.Select(Path.GetFullPath).ToArray());
                else if (options.SignatureRequired)
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "--require-signature needs at least one --key.");
                var parsed = OciReference.Parse(parse.GetValue(reference)!);
                var results = new List<SaveResult>();
                int exit = CliRunner.Ok;
                using (var repo = RepositoryFactory.Open(parsed, registry))
                {
                    var artifacts = await selection.DiscoverAsync(parse, repo, parsed, log, ct).ConfigureAwait(false);
                    if (artifacts.Count == 0)
                        throw new NetbootException(ErrorIds.ManifestNotFound, FailureKind.ObjectNotFound,
                            $"No netboot artifact found at {parsed}" + (parse.GetValue(selection.OsVersion)?.Length > 0 || parse.GetValue(selection.Arch)?.Length > 0 ? " for the --os-version/--arch asked." : "."), parsed.ToString());
                    foreach (var artifact in artifacts)
                    {
                        try
                        {
                            var result = await ArtifactSaver.SaveAsync(repo, artifact, options, log, ct).ConfigureAwait(false);
                            results.Add(result);
                            if (!parse.GetValue(common.Json))
                                Console.WriteLine($"{result.Name} {result.Version} {result.Architecture}: {result.Path} " +
                                    (options.WhatIf ? (result.Changed ? "would change" : "unchanged") : result.Changed ? $"updated ({result.BytesDownloaded} bytes downloaded)" : "unchanged") +
                                    (options.Prune ? $", pruned {result.BytesFreed} bytes" : ""));
                        }
                        catch (NetbootException e)
                        {
                            Console.Error.WriteLine($"netboot-oci: {e.ErrorId}: {e.Message}");
                            exit = CliRunner.IsInputError(e) ? CliRunner.BadInput : CliRunner.Failed;
                        }
                    }
                }
                if (parse.GetValue(common.Json)) CliRunner.WriteJson(results);
                return exit;
            }));
            return command;
        }
    }
}
