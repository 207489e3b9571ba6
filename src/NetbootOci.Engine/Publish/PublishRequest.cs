using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NetbootOci.Engine.Oci;

namespace NetbootOci.Engine.Publish
{
    /// <summary>What to publish and where: one operating system, version and architecture.</summary>
    public sealed class PublishRequest
    {
        /// <summary>Files, or folders whose top-level files are taken. Each file becomes one layer titled with its name.</summary>
        public IList<string> Paths { get; set; } = new List<string>();
        /// <summary>OS name, e.g. <c>fedora</c> ([a-z0-9._-]).</summary>
        public string Name { get; set; } = "";
        /// <summary>OS version, e.g. <c>40</c> ([a-z0-9._-]).</summary>
        public string Version { get; set; } = "";
        /// <summary>OCI architecture (amd64, arm64, …) or an alias (x86_64, aarch64).</summary>
        public string Architecture { get; set; } = "";
        /// <summary>File names (each must be one of the published files).</summary>
        public string? EntryPoint { get; set; }
        public string? AltEntryPoint { get; set; }
        public string? LegacyEntryPoint { get; set; }
        /// <summary>Extra manifest annotations (e.g. org.opencontainers.image.source). Netboot keys are reserved.</summary>
        public IDictionary<string, string> Annotations { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>Target repository, optionally with a tag that replaces the per-architecture tag: <c>host/repo[:tag]</c> or <c>oci:DIR[:tag]</c>.</summary>
        public string Reference { get; set; } = "";
        /// <summary>Another repository on the same registry to mount blobs from.</summary>
        public string? MountFrom { get; set; }
        /// <summary>Upload blobs in PATCH chunks instead of one PUT.</summary>
        public bool Chunked { get; set; }
        /// <summary>PATCH size when <see cref="Chunked"/>.</summary>
        public int ChunkSize { get; set; } = 8 << 20;
        /// <summary>Written as org.opencontainers.image.created; null keeps the manifest reproducible.</summary>
        public DateTimeOffset? Created { get; set; }
        /// <summary>Plan only: compute the manifest and compare with the target, upload and tag nothing.</summary>
        public bool WhatIf { get; set; }
        /// <summary>
        /// Extra work on the stored manifest (e.g. attaching a signature), run when the manifest is in the repository
        /// by digest and before any tag moves, also when nothing changed; never with <see cref="WhatIf"/>. A failure
        /// here leaves the tags where they were.
        /// </summary>
        public Func<IOciRepository, PublishResult, CancellationToken, Task>? BeforeTagging { get; set; }
        /// <summary>Blob uploads running at once.</summary>
        public int Parallelism { get; set; } = 3;
    }
}
