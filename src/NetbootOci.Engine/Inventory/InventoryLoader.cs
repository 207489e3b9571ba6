using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace NetbootOci.Engine.Inventory
{
    /// <summary>
    /// Reads one or more inventory files (and their <c>include:</c>s) into a <see cref="SiteInventory"/> and
    /// validates it before anything touches the network. Every problem is collected with its file, line and
    /// column; if there is any, one <see cref="InventoryException"/> lists them all.
    /// </summary>
    public static class InventoryLoader
    {
        /// <param name="paths">Inventory files; relative paths resolve against the current directory.</param>
        /// <param name="environment">Looks up <c>${NAME}</c>; the process environment when null.</param>
        public static SiteInventory Load(IEnumerable<string> paths, Func<string, string?>? environment = null)
        {
            var list = paths?.ToList() ?? new List<string>();
            if (list.Count == 0)
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "No inventory file given.");
            var reader = new InventoryFileReader(new EnvironmentExpander(environment));
            foreach (string path in list)
                reader.LoadFile(Path.GetFullPath(path), null);
            InventoryValidator.Validate(reader.Inventory, reader.Fields, reader.Errors);
            if (reader.Errors.Count > 0)
                throw new InventoryException(reader.Errors
                    .OrderBy(e => reader.FileOrder(e.File)).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList());
            return reader.Inventory;
        }

        public static SiteInventory Load(params string[] paths) => Load((IEnumerable<string>)paths);
    }

    /// <summary>Where each checked field of an entry was written, so cross-reference errors point at the value.</summary>
    internal sealed class FieldLocations
    {
        readonly Dictionary<object, Dictionary<string, SourceLocation>> _map = new Dictionary<object, Dictionary<string, SourceLocation>>();

        public void Set(object entry, string field, SourceLocation location)
        {
            if (!_map.TryGetValue(entry, out var fields)) _map[entry] = fields = new Dictionary<string, SourceLocation>();
            fields[field] = location;
        }

        public SourceLocation Get(object entry, string field, SourceLocation fallback) =>
            _map.TryGetValue(entry, out var fields) && fields.TryGetValue(field, out var l) ? l : fallback;
    }

    /// <summary>Turns YAML trees into inventory entries, checking keys, types and single values.</summary>
    internal sealed class InventoryFileReader
    {
        static readonly string[] TopKeys = { "schemaVersion", "include", "registries", "operatingSystems", "proxies" };
        static readonly string[] RegistryKeys = { "name", "url", "plainHttp", "usernameEnv", "passwordEnv", "dockerConfig", "keys", "rekorKey", "signaturePolicy" };
        static readonly string[] SecretKeys = { "password", "token", "identityToken", "auth", "secret", "username" };
        static readonly string[] OsKeys = { "name", "version", "architectures", "registry", "repository", "tag", "digest", "keys", "rekorKey", "signaturePolicy" };
        static readonly string[] ProxyKeys = { "name", "root", "pathTemplate", "linkType", "operatingSystems", "aliases", "hostTemplate", "hosts" };
        static readonly string[] HostKeys = { "name", "mac", "os" };
        static readonly string[] LinkTypes = { "symlink", "hardlink", "copy" };
        static readonly Dictionary<string, string> ArchitectureAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["amd64"] = "amd64", ["x86_64"] = "amd64", ["arm64"] = "arm64", ["aarch64"] = "arm64", ["ppc64le"] = "ppc64le",
            ["s390x"] = "s390x", ["386"] = "386", ["arm"] = "arm", ["riscv64"] = "riscv64", ["loong64"] = "loong64",
        };
        static readonly Regex NamePattern = new Regex(@"^[a-z0-9][a-z0-9._-]*$", RegexOptions.CultureInvariant);
        static readonly Regex VersionPattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._+~-]*$", RegexOptions.CultureInvariant);

        readonly EnvironmentExpander _env;
        readonly Stack<string> _includeStack = new Stack<string>();
        readonly HashSet<string> _loaded = new HashSet<string>(PathComparer);
        readonly List<string> _order = new List<string>();

        public InventoryFileReader(EnvironmentExpander env) { _env = env; }

        public SiteInventory Inventory { get; } = new SiteInventory();
        public FieldLocations Fields { get; } = new FieldLocations();
        public List<InventoryError> Errors { get; } = new List<InventoryError>();

        static StringComparer PathComparer => Path.DirectorySeparatorChar == '\\' ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        public int FileOrder(string file) { int i = _order.IndexOf(file); return i < 0 ? int.MaxValue : i; }

        void Error(SourceLocation at, string message) => Errors.Add(at.Error(message));

        public void LoadFile(string fullPath, SourceLocation? includedFrom)
        {
            if (_includeStack.Contains(fullPath, PathComparer))
            {
                Error(includedFrom!, $"include cycle: {string.Join(" -> ", _includeStack.Reverse().Concat(new[] { fullPath }))}");
                return;
            }
            if (!_loaded.Add(fullPath)) return; // the same file reached twice (a diamond) is read once
            _order.Add(fullPath);
            string? text;
            InventoryError? notText;
            try { text = InventoryText.Read(fullPath, out notText); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Error(includedFrom ?? new SourceLocation(fullPath, 0, 0), $"cannot read inventory file '{fullPath}': {e.Message}");
                return;
            }
            Inventory.Files.Add(fullPath);
            if (text == null)
            {
                Errors.Add(notText!);
                return;
            }
            var root = YamlTreeReader.Read(fullPath, text, Errors);
            if (root == null)
            {
                if (!Errors.Any(e => e.File == fullPath)) Error(new SourceLocation(fullPath, 1, 1), "the file is empty (expected schemaVersion: 1)");
                return;
            }
            _includeStack.Push(fullPath);
            try { ReadTop(root, Path.GetDirectoryName(fullPath)!); }
            finally { _includeStack.Pop(); }
        }

        void ReadTop(YamlNode root, string baseDir)
        {
            var top = Map(root, "the inventory", TopKeys);
            if (top == null) return;
            var version = top.Get("schemaVersion");
            if (version == null) Error(root.Location, "schemaVersion is missing (expected schemaVersion: 1)");
            else if (Int(version, "schemaVersion") is int v && v != SiteInventory.SchemaVersion)
                Error(version.Location, $"schemaVersion {v} is not supported (this version reads schemaVersion {SiteInventory.SchemaVersion})");

            var includes = new List<(string path, SourceLocation at)>();
            foreach (var item in Seq(top.Get("include"), "include"))
            {
                string? p = Str(item, "include[]");
                if (p != null) includes.Add((Resolve(baseDir, p), item.Location));
            }

            int i = 0;
            foreach (var item in Seq(top.Get("registries"), "registries")) ReadRegistry(item, $"registries[{i++}]", baseDir);
            i = 0;
            foreach (var item in Seq(top.Get("operatingSystems"), "operatingSystems")) ReadOperatingSystem(item, $"operatingSystems[{i++}]", baseDir);
            i = 0;
            foreach (var item in Seq(top.Get("proxies"), "proxies")) ReadProxy(item, $"proxies[{i++}]", baseDir);

            foreach (var (path, at) in includes) LoadFile(path, at);
        }

        void ReadRegistry(YamlNode node, string ctx, string baseDir)
        {
            var m = Map(node, ctx, RegistryKeys, SecretKeys);
            if (m == null) return;
            var r = new RegistryEntry { Location = node.Location };
            r.Name = Name(m, "name", ctx) ?? "";
            string? url = Str(m.Require("url", ctx), ctx + ".url");
            if (url != null)
            {
                var urlNode = m.Get("url")!;
                if (url.StartsWith("oci:", StringComparison.Ordinal))
                {
                    string dir = url.Substring(4);
                    if (dir.Length == 0) Error(urlNode.Location, $"{ctx}.url: 'oci:' needs a directory path");
                    else r.Url = "oci:" + Resolve(baseDir, dir);
                }
                else
                {
                    string rest = url;
                    if (rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) rest = rest.Substring(8);
                    else if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) { rest = rest.Substring(7); r.PlainHttp = true; }
                    rest = rest.TrimEnd('/');
                    if (!Oci.OciReference.TryParse(rest.Contains("/") ? rest : rest + "/x", out var parsed) || parsed!.Tag != null || parsed.Digest != null
                        || (!rest.Contains("/") && parsed.Registry == Oci.OciReference.DockerHub && !rest.StartsWith("docker.io", StringComparison.Ordinal)))
                        Error(urlNode.Location, $"{ctx}.url: '{url}' is not a registry (host[:port][/path]) or an oci:DIRECTORY");
                    else r.Url = rest;
                }
            }
            if (Bool(m.Get("plainHttp"), ctx + ".plainHttp") is bool plain) r.PlainHttp = plain;
            r.UsernameEnv = EnvName(m, "usernameEnv", ctx);
            r.PasswordEnv = EnvName(m, "passwordEnv", ctx);
            if ((r.UsernameEnv == null) != (r.PasswordEnv == null))
                Error(node.Location, $"{ctx}: usernameEnv and passwordEnv go together");
            if (Bool(m.Get("dockerConfig"), ctx + ".dockerConfig") is bool dc) r.DockerConfig = dc;
            if (r.DockerConfig && r.UsernameEnv != null)
                Error(m.Get("dockerConfig")!.Location, $"{ctx}: choose either dockerConfig or usernameEnv/passwordEnv");
            ReadKeys(m, ctx, baseDir, r.Keys, out var rekor);
            r.RekorKey = rekor;
            if (Policy(m, ctx) is SignaturePolicy p) r.SignaturePolicy = p;
            Inventory.Registries.Add(r);
            Remember(r, m, "name");
        }

        void ReadOperatingSystem(YamlNode node, string ctx, string baseDir)
        {
            var m = Map(node, ctx, OsKeys);
            if (m == null) return;
            var os = new OperatingSystemEntry { Location = node.Location };
            os.Name = Name(m, "name", ctx) ?? "";
            var versionNode = m.Require("version", ctx);
            string? version = Str(versionNode, ctx + ".version");
            if (version != null)
            {
                if (!VersionPattern.IsMatch(version)) Error(versionNode!.Location, $"{ctx}.version: '{version}' is not a version (letters, digits, . _ + ~ -; no wildcards or '/')");
                else os.Version = version;
            }
            var archNode = m.Require("architectures", ctx);
            foreach (var a in Seq(archNode, ctx + ".architectures", scalarAllowed: true))
            {
                string? arch = Str(a, ctx + ".architectures[]");
                if (arch == null) continue;
                if (!ArchitectureAliases.TryGetValue(arch, out var norm))
                    Error(a.Location, $"{ctx}.architectures: unknown architecture '{arch}' (use OCI names: {string.Join(", ", ArchitectureAliases.Values.Distinct())})");
                else if (os.Architectures.Contains(norm)) Error(a.Location, $"{ctx}.architectures: '{arch}' is listed twice");
                else os.Architectures.Add(norm);
            }
            if (archNode != null && archNode.Kind == YamlKind.Sequence && archNode.Items.Count == 0)
                Error(archNode.Location, $"{ctx}.architectures: the list is empty");
            os.Registry = Name(m, "registry", ctx) ?? "";
            var repoNode = m.Get("repository");
            os.Repository = Str(repoNode, ctx + ".repository");
            if (os.Repository != null && (os.Repository.StartsWith("/", StringComparison.Ordinal) || os.Repository.Split('/').Any(s => s == ".." || s == "." || s.Length == 0)))
            { Error(repoNode!.Location, $"{ctx}.repository: '{os.Repository}' must be a relative repository path"); os.Repository = null; }
            var tagNode = m.Get("tag");
            os.Tag = Str(tagNode, ctx + ".tag");
            if (os.Tag != null && !Oci.OciReference.IsValidTag(os.Tag)) Error(tagNode!.Location, $"{ctx}.tag: '{os.Tag}' is not a valid tag");
            var digestNode = m.Get("digest");
            os.Digest = Str(digestNode, ctx + ".digest");
            if (os.Digest != null && !Oci.Digest.IsValid(os.Digest)) Error(digestNode!.Location, $"{ctx}.digest: '{os.Digest}' is not a valid digest (sha256:<64 hex>)");
            if (os.Tag != null && os.Digest != null) Error(digestNode!.Location, $"{ctx}: give either tag or digest, not both");
            ReadKeys(m, ctx, baseDir, os.Keys, out var rekor);
            os.RekorKey = rekor;
            os.SignaturePolicy = Policy(m, ctx);
            Inventory.OperatingSystems.Add(os);
            Remember(os, m, "name", "registry");
        }

        void ReadProxy(YamlNode node, string ctx, string baseDir)
        {
            var m = Map(node, ctx, ProxyKeys);
            if (m == null) return;
            var p = new ProxyEntry { Location = node.Location };
            p.Name = Name(m, "name", ctx) ?? "";
            string? root = Str(m.Require("root", ctx), ctx + ".root");
            if (root != null) p.Root = Resolve(baseDir, root);
            var templateNode = m.Get("pathTemplate");
            string? template = Str(templateNode, ctx + ".pathTemplate");
            if (template != null)
            {
                string? why = TemplateRules.Check(template, TemplateRules.EntryPlaceholders);
                if (why != null) Error(templateNode!.Location, $"{ctx}.pathTemplate: {why}");
                else p.PathTemplate = template;
            }
            var linkNode = m.Get("linkType");
            string? link = Str(linkNode, ctx + ".linkType");
            if (link != null)
            {
                if (!LinkTypes.Contains(link.ToLowerInvariant())) Error(linkNode!.Location, $"{ctx}.linkType: '{link}' is not one of {string.Join(", ", LinkTypes)}");
                else p.LinkType = link.ToLowerInvariant();
            }
            int i = 0;
            foreach (var item in Seq(m.Get("operatingSystems"), ctx + ".operatingSystems"))
            {
                string? id = Str(item, ctx + ".operatingSystems[]");
                if (id == null) continue;
                if (p.OperatingSystems.Contains(id)) Error(item.Location, $"{ctx}.operatingSystems: '{id}' is listed twice");
                else { Fields.Set(p, "os:" + id, item.Location); p.OperatingSystems.Add(id); }
                i++;
            }
            foreach (var item in Seq(m.Get("aliases"), ctx + ".aliases"))
            {
                string? alias = Str(item, ctx + ".aliases[]");
                if (alias == null) continue;
                string? why = TemplateRules.Check(alias, TemplateRules.AliasPlaceholders, directoryAllowed: true);
                if (why != null) Error(item.Location, $"{ctx}.aliases: {why}");
                else p.Aliases.Add(alias);
            }
            var hostTemplateNode = m.Get("hostTemplate");
            string? hostTemplate = Str(hostTemplateNode, ctx + ".hostTemplate");
            if (hostTemplate != null)
            {
                string? why = TemplateRules.Check(hostTemplate, TemplateRules.HostPlaceholders, directoryAllowed: true)
                    ?? (hostTemplate.Contains("{mac}") ? null : $"'{hostTemplate}' must contain {{mac}}");
                if (why != null) Error(hostTemplateNode!.Location, $"{ctx}.hostTemplate: {why}");
                else p.HostTemplate = hostTemplate;
            }
            i = 0;
            foreach (var item in Seq(m.Get("hosts"), ctx + ".hosts"))
            {
                var h = ReadHost(item, $"{ctx}.hosts[{i++}]");
                if (h != null) p.Hosts.Add(h);
            }
            Inventory.Proxies.Add(p);
            Remember(p, m, "name", "root");
        }

        HostEntry? ReadHost(YamlNode node, string ctx)
        {
            var m = Map(node, ctx, HostKeys);
            if (m == null) return null;
            var h = new HostEntry { Location = node.Location };
            Str(m.Get("name"), ctx + ".name");
            var macNode = m.Require("mac", ctx);
            string? mac = Str(macNode, ctx + ".mac");
            if (mac != null)
            {
                string? norm = InventoryMacAddress.Normalise(mac);
                if (norm == null) Error(macNode!.Location, $"{ctx}.mac: '{mac}' is not a MAC address (aa:bb:cc:dd:ee:ff)");
                else h.Mac = norm;
            }
            h.OperatingSystem = Str(m.Require("os", ctx), ctx + ".os") ?? "";
            Remember(h, m, "mac", "os");
            return h;
        }

        void ReadKeys(MapView m, string ctx, string baseDir, List<string> keys, out string? rekor)
        {
            foreach (var k in Seq(m.Get("keys"), ctx + ".keys", scalarAllowed: true))
            {
                string? path = Str(k, ctx + ".keys[]");
                if (path == null) continue;
                string full = Resolve(baseDir, path);
                if (!File.Exists(full)) Error(k.Location, $"{ctx}.keys: key file '{full}' does not exist");
                keys.Add(full);
            }
            rekor = null;
            var rekorNode = m.Get("rekorKey");
            string? rk = Str(rekorNode, ctx + ".rekorKey");
            if (rk != null)
            {
                rekor = Resolve(baseDir, rk);
                if (!File.Exists(rekor)) Error(rekorNode!.Location, $"{ctx}.rekorKey: key file '{rekor}' does not exist");
            }
        }

        SignaturePolicy? Policy(MapView m, string ctx)
        {
            var node = m.Get("signaturePolicy");
            string? text = Str(node, ctx + ".signaturePolicy");
            if (text == null) return null;
            switch (text.ToLowerInvariant())
            {
                case "required": return SignaturePolicy.Required;
                case "optional": return SignaturePolicy.Optional;
                case "ignore": return SignaturePolicy.Ignore;
                default:
                    Error(node!.Location, $"{ctx}.signaturePolicy: '{text}' is not one of required, optional, ignore");
                    return null;
            }
        }

        string? Name(MapView m, string key, string ctx)
        {
            var node = m.Require(key, ctx);
            string? value = Str(node, ctx + "." + key);
            if (value == null) return null;
            if (!NamePattern.IsMatch(value))
            {
                Error(node!.Location, $"{ctx}.{key}: '{value}' is not a valid name (lowercase letters, digits, '.', '_', '-')");
                return null;
            }
            return value;
        }

        string? EnvName(MapView m, string key, string ctx)
        {
            var node = m.Get(key);
            string? value = Str(node, ctx + "." + key);
            if (value == null) return null;
            if (!EnvironmentExpander.IsName(value))
            {
                Error(node!.Location, $"{ctx}.{key}: '{value}' is not an environment variable name (it names the variable, it does not hold the value)");
                return null;
            }
            return value;
        }

        void Remember(object entry, MapView m, params string[] fields)
        {
            foreach (string f in fields)
            {
                var n = m.Get(f);
                if (n != null) Fields.Set(entry, f, n.Location);
            }
        }

        static string Resolve(string baseDir, string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDir, path));

        // ---- typed access, each reporting a wrong type at the value ----

        MapView? Map(YamlNode node, string ctx, string[] known, string[]? secrets = null)
        {
            if (node.Kind != YamlKind.Mapping)
            {
                Error(node.Location, $"{ctx}: expected a mapping, found {node.Describe()}");
                return null;
            }
            var view = new MapView(ctx, this);
            foreach (var pair in node.Pairs)
            {
                if (pair.Key.Kind != YamlKind.Scalar || pair.Key.Value == null)
                {
                    Error(pair.Key.Location, $"{ctx}: keys must be plain names, found {pair.Key.Describe()}");
                    continue;
                }
                string key = pair.Key.Value;
                if (secrets != null && secrets.Contains(key))
                {
                    Error(pair.Key.Location, $"{ctx}: '{key}' is not allowed: never put credentials in the inventory; name environment variables with usernameEnv/passwordEnv, or set dockerConfig: true");
                    continue;
                }
                if (!known.Contains(key))
                {
                    string? near = known.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
                    Error(pair.Key.Location, $"{ctx}: unknown key '{key}'" + (near != null ? $" (did you mean '{near}'?)" : $" (known: {string.Join(", ", known)})"));
                    continue;
                }
                if (view.Values.ContainsKey(key))
                {
                    Error(pair.Key.Location, $"{ctx}: duplicate key '{key}' (first at line {view.Keys[key].Line})");
                    continue;
                }
                view.Values[key] = pair.Value;
                view.Keys[key] = pair.Key.Location;
            }
            view.Location = node.Location;
            return view;
        }

        IEnumerable<YamlNode> Seq(YamlNode? node, string ctx, bool scalarAllowed = false)
        {
            if (node == null || (node.Kind == YamlKind.Scalar && node.Value == null)) return Enumerable.Empty<YamlNode>();
            if (node.Kind == YamlKind.Sequence) return node.Items;
            if (scalarAllowed && node.Kind == YamlKind.Scalar) return new[] { node };
            Error(node.Location, $"{ctx}: expected a list, found {node.Describe()}");
            return Enumerable.Empty<YamlNode>();
        }

        string? Str(YamlNode? node, string ctx)
        {
            if (node == null || (node.Kind == YamlKind.Scalar && node.Value == null)) return null;
            if (node.Kind != YamlKind.Scalar)
            {
                Error(node.Location, $"{ctx}: expected a string, found {node.Describe()}");
                return null;
            }
            string? expanded = _env.Expand(node.Value!, out var why);
            if (why != null) Error(node.Location, $"{ctx}: {why}");
            return expanded;
        }

        bool? Bool(YamlNode? node, string ctx)
        {
            string? text = Str(node, ctx);
            if (text == null) return null;
            switch (text)
            {
                case "true": case "True": case "TRUE": return true;
                case "false": case "False": case "FALSE": return false;
            }
            Error(node!.Location, $"{ctx}: expected true or false, found '{text}'");
            return null;
        }

        int? Int(YamlNode? node, string ctx)
        {
            string? text = Str(node, ctx);
            if (text == null) return null;
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v)) return v;
            Error(node!.Location, $"{ctx}: expected a whole number, found '{text}'");
            return null;
        }

        internal sealed class MapView
        {
            readonly string _ctx;
            readonly InventoryFileReader _reader;
            public MapView(string ctx, InventoryFileReader reader) { _ctx = ctx; _reader = reader; }
            public Dictionary<string, YamlNode> Values { get; } = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            public Dictionary<string, SourceLocation> Keys { get; } = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            public SourceLocation Location { get; set; } = null!;

            public YamlNode? Get(string key) => Values.TryGetValue(key, out var n) ? n : null;

            /// <summary>The value, or null with a "missing" error at the mapping.</summary>
            public YamlNode? Require(string key, string ctx)
            {
                var n = Get(key);
                if (n == null || (n.Kind == YamlKind.Scalar && n.Value == null))
                {
                    _reader.Error(n?.Location ?? Location, $"{ctx}: '{key}' is required");
                    return null;
                }
                return n;
            }
        }
    }
}
