using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using NetbootOci.Engine;
using NetbootOci.Engine.Deploy.Links;

namespace NetbootOci.Cli.Verbs
{
    /// <summary>netboot-oci link: Set-NetbootLink for proxies without pwsh.</summary>
    public sealed class LinkVerb : IVerb
    {
        public Command Build()
        {
            var root = new Option<string>("--root") { Description = "The TFTP/HTTP root Save deployed into.", Required = true };
            var entry = new Option<string?>("--entry") { Description = "The deployed OS entry (ROOT/os/version/arch)." };
            var reference = new Argument<string?>("reference") { Description = "A saved reference (not supported yet: use --entry).", Arity = ArgumentArity.ZeroOrOne };
            var names = new Option<string[]>("--name") { Description = "OS alias template, e.g. 'boot/{os}-{version}-{arch}-{file}' or '{os}/latest/{arch}' (repeatable).", AllowMultipleArgumentsPerToken = false };
            var files = new Option<string[]>("--file") { Description = "Link only this file of the entry (repeatable; default all).", AllowMultipleArgumentsPerToken = false };
            var macs = new Option<string[]>("--mac") { Description = "Create a host entry for this MAC address (repeatable; any common notation).", AllowMultipleArgumentsPerToken = false };
            var hostTemplate = new Option<string>("--host-template") { Description = "Where host entries go; must contain {mac}.", DefaultValueFactory = _ => LinkTemplate.DefaultHostTemplate };
            var linkType = new Option<string?>("--link-type") { Description = "symlink (default on Linux), hardlink (default on Windows) or copy." };
            linkType.AcceptOnlyFromAmong("symlink", "hardlink", "copy");
            var prune = new Option<bool>("--prune") { Description = "Remove managed names of this OS and these hosts that this call does not produce." };
            var force = new Option<bool>("--force") { Description = "Replace (and take over) names this tool did not create." };
            var dryRun = new Option<bool>("--dry-run") { Description = "Report what would change; touch nothing." };
            var common = new CommonOptions();

            var command = new Command("link", "Create OS aliases and per-host entries as links into what save deployed (atomic, confined to the root).");
            Help.AddExamples(command,
                "netboot-oci link --root /srv/tftp --entry /srv/tftp/debian/12/amd64 --name 'boot/{os}-{version}-{arch}-{file}'", "netboot-oci link --root /srv/tftp --entry /srv/tftp/debian/12/amd64 --mac 52:54:00:12:34:56 --dry-run");
            command.Arguments.Add(reference);
            foreach (var o in new Option[] { root, entry, names, files, macs, hostTemplate, linkType, prune, force, dryRun, common.Json, common.Verbose })
                command.Options.Add(o);

            command.SetAction(parse => CliRunner.Run(parse.GetValue(common.Verbose), async (log, ct) =>
            {
                string? entryPath = parse.GetValue(entry);
                string? refText = parse.GetValue(reference);
                if (entryPath == null)
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument,
                        refText == null ? "Give the deployed OS entry with --entry ROOT/os/version/arch." : $"Linking by reference ('{refText}') is not supported yet; give --entry ROOT/os/version/arch.");
                string? type = parse.GetValue(linkType);
                var request = new LinkRequest
                {
                    Root = Path.GetFullPath(parse.GetValue(root)!),
                    Entry = Path.GetFullPath(entryPath),
                    Names = (parse.GetValue(names) ?? Array.Empty<string>()).ToList(),
                    Files = (parse.GetValue(files) ?? Array.Empty<string>()).ToList(),
                    MacAddresses = (parse.GetValue(macs) ?? Array.Empty<string>()).ToList(),
                    HostTemplate = parse.GetValue(hostTemplate) ?? LinkTemplate.DefaultHostTemplate,
                    LinkType = type == null ? (LinkType?)null : (LinkType)Enum.Parse(typeof(LinkType), type, ignoreCase: true),
                    Prune = parse.GetValue(prune),
                    Force = parse.GetValue(force),
                };
                IReadOnlyList<LinkResult> results = parse.GetValue(dryRun)
                    ? (await LinkEngine.PlanAsync(request, log, ct)).Items.Select(i => i.Result).ToList()
                    : await LinkEngine.ApplyAsync(request, null, log, ct);
                if (parse.GetValue(common.Json)) CliRunner.WriteJson(results);
                else foreach (var r in results)
                        Console.WriteLine(r.Action == LinkAction.Removed ? $"{r.Action,-9} {r.Name}" : $"{r.Action,-9} {r.Name} -> {r.SymlinkText ?? r.Target}");
                return CliRunner.Ok;
            }));
            return command;
        }
    }
}
