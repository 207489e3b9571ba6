using System;
using System.CommandLine;
using System.Linq;
using NetbootOci.Engine;
using NetbootOci.Engine.Signing;

namespace NetbootOci.Cli.Verbs
{
    /// <summary><c>netboot-oci verify REF --key PUB</c>: exit 0 verified, 1 not verified (reason on stderr), 2 bad input.</summary>
    public sealed class VerifyVerb : IVerb
    {
        public Command Build()
        {
            var common = new CommonOptions();
            var reference = new Argument<string>("reference") { Description = "Artifact reference: registry/repo:tag, …@sha256:…, or oci:PATH:tag." };
            var key = new Option<string[]>("--key") { Description = "Trusted public key file (cosign.pub); repeat for several (any one suffices).", AllowMultipleArgumentsPerToken = false };
            var rekorKey = new Option<string[]>("--rekor-key") { Description = "Rekor public key to check transparency-log entries offline.", AllowMultipleArgumentsPerToken = false };
            var requireTlog = new Option<bool>("--require-tlog") { Description = "Only signatures with a verified transparency-log entry count." };
            var checkReference = new Option<bool>("--check-reference") { Description = "The signed docker-reference must name this repository." };
            var expectedReference = new Option<string?>("--expected-reference") { Description = "registry/repository expected with --check-reference." };
            var signatureRepository = new Option<string?>("--signature-repository") { Description = "Repository holding the signatures (like COSIGN_REPOSITORY)." };

            var command = new Command("verify", "Verify cosign signatures of an artifact with trusted public keys, offline.");
            Help.AddExamples(command,
                "netboot-oci verify quay.io/example/netboot:fedora-40-amd64 --key ./cosign.pub", "netboot-oci verify oci:./layout:debian-12-amd64 --key a.pub --key b.pub --json");
            command.Arguments.Add(reference);
            command.Options.Add(key);
            command.Options.Add(rekorKey);
            command.Options.Add(requireTlog);
            command.Options.Add(checkReference);
            command.Options.Add(expectedReference);
            command.Options.Add(signatureRepository);
            common.AddTo(command);

            command.SetAction(parse => CliRunner.Run(parse.GetValue(common.Verbose), async (log, ct) =>
            {
                // Checked here, not by the parser, so a missing key exits 2 (bad input) like every other input error.
                var keys = parse.GetValue(key) ?? Array.Empty<string>();
                if (keys.Length == 0)
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "verify needs at least one --key (a trusted public key file).");
                // Full paths, so a missing file is named as the command looked for it (a timer's working directory is not the admin's).
                var policy = VerificationPolicy.FromKeyFiles(keys.Select(System.IO.Path.GetFullPath).ToArray(), parse.GetValue(rekorKey)?.Select(System.IO.Path.GetFullPath).ToArray());
                policy.RequireTransparencyLog = parse.GetValue(requireTlog);
                policy.CheckReference = parse.GetValue(checkReference);
                policy.ExpectedReference = parse.GetValue(expectedReference);
                policy.SignatureRepository = parse.GetValue(signatureRepository);
                policy.Validate();
                var options = common.Registry(parse, log);
                var result = await SignatureVerifier.VerifyReferenceAsync(parse.GetValue(reference)!, policy, options, log, ct);
                if (parse.GetValue(common.Json)) CliRunner.WriteJson(result);
                else if (result.Verified)
                    Console.Out.WriteLine($"{result.Reference}: verified ({string.Join(", ", result.VerifiedSignatures().Select(s => $"{s.Kind} by key {s.KeyId} on {s.SignedDigest}, tlog {s.TransparencyLog}"))})");
                if (!result.Verified) Console.Error.WriteLine($"netboot-oci: {result.ErrorId}: {result.Reference} is not verified: {result.Reason}");
                return result.Verified ? CliRunner.Ok : CliRunner.Failed;
            }));
            return command;
        }
    }
}
