using System;
using System.Text.RegularExpressions;

namespace NetbootOci.Engine.Oci
{
    /// <summary>
    /// A parsed reference: <c>host[:port]/repo[:tag][@digest]</c> (Docker Hub names normalised to
    /// <c>docker.io/library/…</c>) or <c>oci:PATH[:tag|@digest]</c> for an OCI image-layout directory.
    /// </summary>
    public sealed class OciReference
    {
        public const string DockerHub = "docker.io";
        static readonly Regex RepoPattern = new Regex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant);
        static readonly Regex TagPattern = new Regex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant);
        static readonly Regex HostPattern = new Regex(@"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?$", RegexOptions.CultureInvariant);

        OciReference() { }

        /// <summary>True for <c>oci:PATH</c> references.</summary>
        public bool IsLayout => LayoutPath != null;
        /// <summary>Full path of the image-layout directory, or null.</summary>
        public string? LayoutPath { get; private set; }
        /// <summary><c>host[:port]</c> as the user wrote it after normalisation (<c>docker.io</c> for Docker Hub); null for layouts.</summary>
        public string? Registry { get; private set; }
        /// <summary>Repository path within the registry; for a layout, the directory path.</summary>
        public string Repository { get; private set; } = "";
        public string? Tag { get; private set; }
        public string? Digest { get; private set; }

        /// <summary>The host to send API requests to (Docker Hub's API lives on registry-1.docker.io).</summary>
        public string? ApiHost => Registry == DockerHub ? "registry-1.docker.io" : Registry;

        /// <summary>The tag or digest to resolve (digest wins), or null when the reference names only a repository.</summary>
        public string? TagOrDigest => Digest ?? Tag;

        public static bool IsValidTag(string? tag) => tag != null && TagPattern.IsMatch(tag);

        public static OciReference Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
                throw Bad(text, "the reference is empty");
            text = text.Trim();
            return text.StartsWith("oci:", StringComparison.Ordinal) ? ParseLayout(text) : ParseRegistry(text);
        }

        public static bool TryParse(string text, out OciReference? reference)
        {
            try { reference = Parse(text); return true; }
            catch (NetbootException) { reference = null; return false; }
        }

        static OciReference ParseLayout(string text)
        {
            string rest = text.Substring(4);
            string? tag = null, digest = null;
            int at = rest.LastIndexOf('@');
            if (at >= 0)
            {
                digest = rest.Substring(at + 1);
                rest = rest.Substring(0, at);
                if (!Oci.Digest.IsValid(digest)) throw Bad(text, $"'{digest}' is not a valid digest");
            }
            // A tag follows the last ':' after the last path separator; "C:\x" (a drive) is not a tag.
            int sep = Math.Max(rest.LastIndexOf('/'), rest.LastIndexOf('\\'));
            int colon = rest.LastIndexOf(':');
            if (colon > sep && !(colon == 1 && char.IsLetter(rest[0])))
            {
                tag = rest.Substring(colon + 1);
                rest = rest.Substring(0, colon);
                if (!IsValidTag(tag)) throw Bad(text, $"'{tag}' is not a valid tag");
            }
            if (rest.Length == 0) throw Bad(text, "the image-layout path is empty");
            string full = System.IO.Path.GetFullPath(rest);
            return new OciReference { LayoutPath = full, Repository = full, Tag = tag, Digest = digest };
        }

        static OciReference ParseRegistry(string text)
        {
            string rest = text;
            string? digest = null, tag = null;
            int at = rest.IndexOf('@');
            if (at >= 0)
            {
                digest = rest.Substring(at + 1);
                rest = rest.Substring(0, at);
                if (!Oci.Digest.IsValid(digest)) throw Bad(text, $"'{digest}' is not a valid digest");
            }
            int slash = rest.LastIndexOf('/');
            int colon = rest.LastIndexOf(':');
            if (colon > slash)
            {
                tag = rest.Substring(colon + 1);
                rest = rest.Substring(0, colon);
                if (!IsValidTag(tag)) throw Bad(text, $"'{tag}' is not a valid tag");
            }
            string registry, repo;
            int first = rest.IndexOf('/');
            string head = first < 0 ? rest : rest.Substring(0, first);
            if (first >= 0 && (head.Contains(".") || head.Contains(":") || head == "localhost" || head.StartsWith("[")))
            {
                registry = head;
                repo = rest.Substring(first + 1);
            }
            else
            {
                registry = DockerHub;
                repo = rest;
            }
            if (registry == "index.docker.io" || registry == "registry-1.docker.io") registry = DockerHub;
            if (registry == DockerHub && !repo.Contains("/")) repo = "library/" + repo;
            if (!HostPattern.IsMatch(registry)) throw Bad(text, $"'{registry}' is not a valid registry host");
            if (repo.Length == 0 || repo.Length > 255 || !RepoPattern.IsMatch(repo))
                throw Bad(text, $"'{repo}' is not a valid repository name (lowercase letters, digits and separators . _ __ - /)");
            return new OciReference { Registry = registry, Repository = repo, Tag = tag, Digest = digest };
        }

        static NetbootException Bad(string? text, string why) =>
            new NetbootException(ErrorIds.InvalidReference, FailureKind.InvalidArgument, $"Invalid reference '{text}': {why}.", text);

        /// <summary>The same repository with another tag (and no digest).</summary>
        public OciReference WithTag(string tag) => new OciReference { LayoutPath = LayoutPath, Registry = Registry, Repository = Repository, Tag = tag };

        /// <summary>The same repository pinned to a digest (the tag is kept for display).</summary>
        public OciReference WithDigest(string digest) => new OciReference { LayoutPath = LayoutPath, Registry = Registry, Repository = Repository, Tag = Tag, Digest = digest };

        /// <summary>The repository alone.</summary>
        public OciReference RepositoryOnly() => new OciReference { LayoutPath = LayoutPath, Registry = Registry, Repository = Repository };

        /// <summary>Repository name including the registry, without tag or digest (<c>oci:PATH</c> for layouts).</summary>
        public string RepositoryName => IsLayout ? "oci:" + LayoutPath : Registry + "/" + Repository;

        public override string ToString()
        {
            string s = RepositoryName;
            if (Tag != null) s += ":" + Tag;
            if (Digest != null) s += "@" + Digest;
            return s;
        }
    }
}
