using System;
using System.CommandLine;
using System.Linq;
using System.Threading.Tasks;
using NetbootOci.Engine;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Signing;

namespace NetbootOci.Cli.Verbs
{
    /// <summary><c>netboot-oci publish PATH... --reference REPO --os N --os-version V --arch A</c>: the CLI face of Publish-NetbootArtifact.</summary>
    public sealed class PublishVerb : IVerb
    {
        public Command Build()
        {
            var common = new CommonOptions();
            var progress = new ProgressOptions();
            var paths = new Argument<string[]>("path") { Description = "Boot files, or folders whose top-level files are published.", Arity = ArgumentArity.OneOrMore };
            var reference = new Option<string>("--reference", "-r") { Description = "Target repository[:tag] (host/repo or oci:DIR); a tag replaces NAME-VERSION-ARCH.", Required = true };
            var os = new Option<string>("--os") { Description = "OS name, e.g. fedora ([a-z0-9._-]).", Required = true };
            var osVersion = new Option<string>("--os-version") { Description = "OS version, e.g. 40 ([a-z0-9._-]).", Required = true };
            var arch = new Option<string>("--arch") { Description = "Architecture: amd64, arm64, ppc64le, s390x, 386, arm, riscv64 (x86_64, aarch64 accepted).", Required = true };
            var entry = new Option<string?>("--entrypoint") { Description = "File the firmware loads first (e.g. shimx64.efi)." };
            var alt = new Option<string?>("--alt-entrypoint") { Description = "Alternative entry point (e.g. grubx64.efi)." };
            var legacy = new Option<string?>("--legacy-entrypoint") { Description = "BIOS entry point (e.g. pxelinux.0)." };
            var annotation = new Option<string[]>("--annotation") { Description = "Manifest annotation KEY=VALUE (repeatable).", AllowMultipleArgumentsPerToken = false };
            var mountFrom = new Option<string?>("--mount-from") { Description = "Repository on the same registry to mount existing blobs from." };
            var chunked = new Option<bool>("--chunked") { Description = "Upload blobs in PATCH chunks." };
            var created = new Option<DateTimeOffset?>("--created") { Description = "Write org.opencontainers.image.created (omitted by default: reproducible)." };
            var signKey = new Option<string?>("--sign-key") { Description = "Sign with this cosign key (cosign.key or PKCS#8 PEM; password from COSIGN_PASSWORD) before the tag moves." };
            var signFormat = new Option<SignatureFormat>("--signature-format") { Description = "classic (.sig tag, default), bundle (Sigstore v0.3 referrer) or both.", DefaultValueFactory = _ => SignatureFormat.Classic };
            var whatIf = new Option<bool>("--what-if") { Description = "Print what would be pushed (with the manifest) and upload nothing." };

            var command = new Command("publish", "Publish boot files as a netboot OCI artifact (per-architecture tag and multi-architecture index).");
            Help.AddExamples(command,
                "netboot-oci publish ./debian-12 --reference oci:./layout --os debian --os-version 12 --arch amd64", "netboot-oci publish shimx64.efi grubx64.efi vmlinuz initrd.img -r registry.example/netboot --os fedora --os-version 40 --arch x86_64 --entrypoint shimx64.efi", "echo \"$TOKEN\" | netboot-oci publish ./files -r registry.example/netboot --os rhel --os-version 9 --arch arm64 -u ci --password-stdin --sign-key cosign.key");
            command.Arguments.Add(paths);
            foreach (var o in new Option[] { reference, os, osVersion, arch, entry, alt, legacy, annotation, mountFrom, chunked, created, signKey, signFormat, whatIf })
                command.Options.Add(o);
            common.AddTo(command);
            progress.AddTo(command);

            command.SetAction(parse => CliRunner.Run(parse.GetValue(common.Verbose), progress.Mode(parse), async (log, ct) =>
            {
                var request = new PublishRequest
                {
                    Paths = parse.GetValue(paths)!.ToList(),
                    Reference = parse.GetValue(reference)!,
                    Name = parse.GetValue(os)!,
                    Version = parse.GetValue(osVersion)!,
                    Architecture = parse.GetValue(arch)!,
                    EntryPoint = parse.GetValue(entry),
                    AltEntryPoint = parse.GetValue(alt),
                    LegacyEntryPoint = parse.GetValue(legacy),
                    MountFrom = parse.GetValue(mountFrom),
                    Chunked = parse.GetValue(chunked),
                    Created = parse.GetValue(created),
                    WhatIf = parse.GetValue(whatIf),
                };
                foreach (var pair in parse.GetValue(annotation) ?? Array.Empty<string>())
                {
                    int eq = pair.IndexOf('=');
                    if (eq <= 0)
                        throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, $"--annotation '{pair}' is not KEY=VALUE.", pair);
                    request.Annotations[pair.Substring(0, eq)] = pair.Substring(eq + 1);
                }
                string? keyPath = parse.GetValue(signKey);
                if (keyPath != null) request.BeforeTagging = PublishSigning.BeforeTagging(SigningKey.Load(System.IO.Path.GetFullPath(keyPath)), parse.GetValue(signFormat), log);
                var result = await new ArtifactPublisher(common.Registry(parse, log)).PublishAsync(request, ct).ConfigureAwait(false);
                if (parse.GetValue(common.Json)) CliRunner.WriteJson(result);
                else Print(result);
                return CliRunner.Ok;
            }));
            return command;
        }

        static void Print(PublishResult r)
        {
            if (r.WhatIf)
            {
                Console.WriteLine($"What if: {(r.Changed ? "would publish" : "unchanged")} {r.Reference} (index {r.IndexTag} {r.IndexDigest})");
                Console.WriteLine(r.Manifest);
                return;
            }
            string state = r.Changed ? (r.PreviousDigest != null ? $"updated (was {r.PreviousDigest})" : "published") : "unchanged";
            Console.WriteLine($"{r.Reference} {state}; index {r.IndexTag} {r.IndexDigest}; {r.Files.Count} files, {r.BytesUploaded} bytes uploaded");
        }
    }
}
