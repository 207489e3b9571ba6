using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using NetbootOci.Engine;
using NetbootOci.Engine.Oci;
using NetbootOci.Engine.Publish;
using NetbootOci.Engine.Signing;
using System.Security;

namespace NetbootOci.Commands
{
    /// <summary>
    /// Publish-NetbootArtifact: pushes boot files as the current netboot artifact format (per-architecture
    /// manifest and tag, merged multi-architecture index). Files piped in are collected and published once.
    /// </summary>
    [Cmdlet(VerbsData.Publish, "NetbootArtifact", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PublishResult))]
    public sealed class PublishNetbootArtifactCommand : NetbootCmdletBase
    {
        readonly List<string> _paths = new List<string>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Version { get; set; } = "";

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Architecture { get; set; } = "";

        /// <summary>Repository, optionally with a tag that replaces name-version-arch: <c>host/repo[:tag]</c> or <c>oci:DIR[:tag]</c>.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Reference { get; set; } = "";

        [Parameter] public string? EntryPoint { get; set; }
        [Parameter] public string? AltEntryPoint { get; set; }
        [Parameter] public string? LegacyEntryPoint { get; set; }
        [Parameter] public Hashtable? Annotation { get; set; }
        [Parameter] public string? MountFrom { get; set; }
        [Parameter] public SwitchParameter Chunked { get; set; }
        [Parameter] public DateTime? Created { get; set; }
        /// <summary>cosign key (encrypted cosign.key or PKCS#8 PEM): the manifest is signed before its tag moves.</summary>
        [Parameter] public string? SigningKey { get; set; }
        /// <summary>Password of an encrypted signing key; COSIGN_PASSWORD is used when not given.</summary>
        [Parameter] public SecureString? SigningKeyPassword { get; set; }
        [Parameter] public SignatureFormat SignatureFormat { get; set; } = SignatureFormat.Classic;
        [Parameter] [Credential] public PSCredential? Credential { get; set; }
        [Parameter] public SwitchParameter PlainHttp { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var p in Path) _paths.Add(ResolvePath(p));
        }

        protected override void EndProcessing()
        {
            var request = BuildRequest();
            string target = $"{Reference} ({Name}-{Version}-{Architecture})";
            if (!ShouldProcess(target, $"Publish {_paths.Count} path(s)"))
            {
                // -WhatIf still shows the plan: the manifest that would be pushed, computed without uploading.
                if (!WhatIfInEffect()) return;
                request.WhatIf = true;
            }
            try
            {
                // The key is loaded (and its password checked) before anything is uploaded.
                var key = SigningKey == null ? null : Engine.Signing.SigningKey.Load(ResolvePath(SigningKey), SigningKeyPassword);
                var result = RunEngine((log, ct) =>
                {
                    if (key != null) request.BeforeTagging = PublishSigning.BeforeTagging(key, SignatureFormat, log);
                    return new ArtifactPublisher(CreateRegistryOptions(Credential, PlainHttp.IsPresent, log)).PublishAsync(request, ct);
                });
                WriteObject(result);
            }
            catch (NetbootException e)
            {
                WriteEngineError(e);
            }
        }

        PublishRequest BuildRequest()
        {
            var request = new PublishRequest
            {
                Paths = _paths,
                Name = Name,
                Version = Version,
                Architecture = Architecture,
                EntryPoint = EntryPoint,
                AltEntryPoint = AltEntryPoint,
                LegacyEntryPoint = LegacyEntryPoint,
                Reference = ResolveReference(Reference),
                MountFrom = MountFrom,
                Chunked = Chunked.IsPresent,
                Created = Created.HasValue ? new DateTimeOffset(Created.Value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(Created.Value, DateTimeKind.Local) : Created.Value) : (DateTimeOffset?)null,
            };
            if (Annotation != null)
                foreach (DictionaryEntry kv in Annotation)
                    request.Annotations[Convert.ToString(kv.Key, System.Globalization.CultureInfo.InvariantCulture) ?? ""] =
                        Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            return request;
        }

    }
}
