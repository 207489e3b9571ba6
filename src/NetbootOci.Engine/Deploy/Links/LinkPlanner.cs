using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace NetbootOci.Engine.Deploy.Links
{
    /// <summary>
    /// Computes a <see cref="LinkPlan"/> from a request and the root as it is now. Reads only. Every input is
    /// validated before anything is planned, and conflicts fail the whole plan, so applying never stops
    /// half-way because of bad input.
    /// </summary>
    static class LinkPlanner
    {
        sealed class Desired
        {
            public string[] Parts = Array.Empty<string>();
            public string[] TargetParts = Array.Empty<string>();
            public bool TargetIsDirectory;
            public string? Mac;
            public string Template = "";
        }

        public static LinkType DefaultLinkType => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? LinkType.Hardlink : LinkType.Symlink;

        public static LinkPlan Plan(LinkRequest request, OwnershipRecord? record, IEngineLog log, CancellationToken ct)
        {
            // What the caller typed (templates, MAC addresses) first: a malformed MAC is reported as such, whatever
            // the paths are.
            var templates = request.Names.Select(n => LinkTemplate.Parse(n, isHost: false)).ToList();
            var macs = request.MacAddresses.Select(MacAddress.Parse).Distinct().ToList();
            var hostTemplate = macs.Count > 0 ? LinkTemplate.Parse(request.HostTemplate, isHost: true) : null;
            if (templates.Count == 0 && macs.Count == 0 && !request.Prune)
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "Nothing to link: give -Name templates and/or -MacAddress hosts (or -Prune).");
            string root = RootPaths.NormaliseRoot(request.Root);
            // A planned entry (-WhatIf after Save -WhatIf) may be in a root Save has not made yet.
            bool planned = request.PlannedFiles != null;
            if (!Directory.Exists(root) && !planned)
                throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, $"The root '{root}' does not exist.", root);
            if (string.IsNullOrWhiteSpace(request.Entry))
                throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, "No OS entry given (-Path / --entry, or a Save result).");
            record ??= OwnershipRecord.Load(root);
            var linkType = request.LinkType ?? DefaultLinkType;

            // The OS entry: lexically under the root, and resolving inside it.
            string[] entryParts = RootPaths.Below(root, Path.IsPathRooted(request.Entry) ? request.Entry : Path.Combine(root, request.Entry), "The OS entry");
            var entryPhysical = RootPaths.Resolve(root, entryParts, RootPaths.Name(entryParts));
            string entryDir = RootPaths.Join(root, entryPhysical);
            bool deployed = Directory.Exists(entryDir);
            if (!deployed && !planned)
                throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, $"The OS entry '{RootPaths.Join(root, entryParts)}' is not a deployed directory.", request.Entry);

            var values = new Dictionary<string, string?>
            {
                ["os"] = request.Os ?? FromEnd(entryParts, 3),
                ["version"] = request.Version ?? FromEnd(entryParts, 2),
                ["arch"] = request.Architecture ?? FromEnd(entryParts, 1),
            };

            var files = deployed ? SelectFiles(root, entryParts, entryDir, request.Files) : Select(request.PlannedFiles!, request.Files, RootPaths.Join(root, entryParts));

            var desired = new List<Desired>();
            foreach (var t in templates) Expand(t, values, null, entryParts, files, linkType, desired);
            foreach (var mac in macs)
            {
                var hostValues = new Dictionary<string, string?>(values) { ["mac"] = mac.Dashed };
                Expand(hostTemplate!, hostValues, mac.Dashed, entryParts, files, linkType, desired);
            }
            var byName = CheckDesired(desired, entryParts);

            var items = new List<PlannedLink>();
            var conflicts = new List<(string Message, string Path)>();
            foreach (var d in byName.Values)
            {
                ct.ThrowIfCancellationRequested();
                var item = PlanOne(root, d, linkType, values, record, request.Force, conflicts);
                if (item != null) items.Add(item);
            }

            if (request.Prune)
            {
                string? os = values["os"], arch = values["arch"];
                var hostMacs = new HashSet<string>(macs.Select(m => m.Dashed), StringComparer.Ordinal);
                foreach (var kv in record.Links)
                {
                    if (byName.ContainsKey(kv.Key)) continue;
                    bool inScope = (kv.Value.Os == os && kv.Value.Architecture == arch && os != null) || (kv.Value.Mac != null && hostMacs.Contains(kv.Value.Mac));
                    if (!inScope) continue;
                    var removal = PlanRemoval(root, kv.Key, kv.Value, request.Force, log);
                    if (removal != null) items.Add(removal);
                }
            }

            if (conflicts.Count > 0)
                throw new NetbootException(ErrorIds.LinkConflict, FailureKind.WriteError,
                    conflicts[0].Message + (conflicts.Count > 1 ? $" (and {conflicts.Count - 1} more name(s) in the same situation)" : "") + " Nothing was changed.",
                    conflicts[0].Path);
            return new LinkPlan(root, linkType, items, record);
        }

        static string? FromEnd(string[] parts, int n) => parts.Length >= 3 ? parts[parts.Length - n] : null;

        /// <summary>The entry's file names (hidden names and directories skipped), each resolving inside the root.</summary>
        static List<string> SelectFiles(string root, string[] entryParts, string entryDir, List<string> wanted)
        {
            var names = new List<string>();
            foreach (var path in Directory.EnumerateFileSystemEntries(entryDir).OrderBy(p => p, StringComparer.Ordinal))
            {
                string name = Path.GetFileName(path);
                if (name.StartsWith(".", StringComparison.Ordinal)) continue;
                var physical = RootPaths.Resolve(root, entryParts.Concat(new[] { name }), RootPaths.Name(entryParts.Concat(new[] { name })));
                if (File.Exists(RootPaths.Join(root, physical))) names.Add(name);
            }
            return Select(names, wanted, RootPaths.Join(root, entryParts));
        }

        /// <summary>Of the entry's <paramref name="names"/>, the <paramref name="wanted"/> ones (all when none is named).</summary>
        static List<string> Select(List<string> names, List<string> wanted, string entryShown)
        {
            if (wanted.Count == 0) return names;
            foreach (var w in wanted)
            {
                RootPaths.CheckComponent(w, "-File");
                if (!names.Contains(w))
                    throw new NetbootException(ErrorIds.PathNotFound, FailureKind.ObjectNotFound,
                        $"The OS entry '{entryShown}' has no file '{w}' (it has: {string.Join(", ", names)}).", w);
            }
            return wanted.Distinct().ToList();
        }

        static void Expand(LinkTemplate t, IReadOnlyDictionary<string, string?> values, string? mac, string[] entryParts, List<string> files, LinkType linkType, List<Desired> into)
        {
            if (t.Kind == TemplateKind.EntryAlias)
            {
                if (linkType != LinkType.Symlink)
                    throw new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument,
                        $"Template '{t.Text}' names the whole OS entry, which only a symbolic link can be; use -LinkType Symlink, or end the template with '/' for a directory of per-file {linkType.ToString().ToLowerInvariant()}s.", t.Text);
                into.Add(new Desired { Parts = RootPaths.Split(t.Expand(values, null), "Link name"), TargetParts = entryParts, TargetIsDirectory = true, Mac = mac, Template = t.Text });
                return;
            }
            foreach (var f in files)
                into.Add(new Desired { Parts = RootPaths.Split(t.Expand(values, f), "Link name"), TargetParts = entryParts.Concat(new[] { f }).ToArray(), Mac = mac, Template = t.Text });
        }

        /// <summary>Distinct names, none inside the state directory, none replacing or containing its own target, none nested in another.</summary>
        static Dictionary<string, Desired> CheckDesired(List<Desired> desired, string[] entryParts)
        {
            var byName = new Dictionary<string, Desired>(StringComparer.Ordinal);
            foreach (var d in desired)
            {
                string name = RootPaths.Name(d.Parts);
                if (d.Parts[0] == OwnershipRecord.StateDirectory)
                    throw Invalid($"Link name '{name}' (from '{d.Template}') is inside '{OwnershipRecord.StateDirectory}', the module's store.", name);
                if (StartsWith(d.TargetParts, d.Parts) || StartsWith(d.Parts, entryParts))
                    throw Invalid($"Link name '{name}' (from '{d.Template}') would replace or write inside the OS entry '{RootPaths.Name(entryParts)}'.", name);
                if (byName.TryGetValue(name, out var other))
                {
                    if (other.TargetParts.SequenceEqual(d.TargetParts) && other.Mac == d.Mac) continue;
                    throw Invalid($"Two links would have the name '{name}' ('{other.Template}' -> {RootPaths.Name(other.TargetParts)}, '{d.Template}' -> {RootPaths.Name(d.TargetParts)}).", name);
                }
                byName[name] = d;
            }
            foreach (var d in byName.Values)
                for (int i = 1; i < d.Parts.Length; i++)
                {
                    string prefix = RootPaths.Name(d.Parts.Take(i));
                    if (byName.ContainsKey(prefix))
                        throw Invalid($"Link name '{RootPaths.Name(d.Parts)}' is inside '{prefix}', which is itself to be a link.", prefix);
                }
            return byName;
        }

        static bool StartsWith(string[] parts, string[] prefix) => parts.Length >= prefix.Length && parts.Take(prefix.Length).SequenceEqual(prefix);

        static PlannedLink? PlanOne(string root, Desired d, LinkType linkType, Dictionary<string, string?> values, OwnershipRecord record, bool force, List<(string Message, string Path)> conflicts)
        {
            string name = RootPaths.Name(d.Parts);
            string linkPath = RootPaths.Join(root, d.Parts);
            RootPaths.MissingParents(root, d.Parts);

            var targetPhysical = RootPaths.Resolve(root, d.TargetParts, RootPaths.Name(d.TargetParts));
            string sourcePath = RootPaths.Join(root, targetPhysical);
            string? text = null;
            if (linkType == LinkType.Symlink)
            {
                text = RootPaths.RelativeText(d.Parts, d.TargetParts);
                // What a chrooted server would find when following the new link must be the target itself.
                var viaLink = RootPaths.Resolve(root, d.Parts.Take(d.Parts.Length - 1).Concat(text.Split('/')), name);
                if (!viaLink.SequenceEqual(targetPhysical))
                    throw new NetbootException(ErrorIds.PathEscapesRoot, FailureKind.SecurityError,
                        $"Link '{name}' -> '{text}' would not resolve to '{RootPaths.Name(d.TargetParts)}' inside the root.", name);
            }

            var result = new LinkResult
            {
                Root = root,
                LinkPath = linkPath,
                Name = name,
                Target = RootPaths.Join(root, d.TargetParts),
                SymlinkText = text,
                LinkType = linkType,
                MacAddress = d.Mac,
            };
            var managedRecord = new ManagedLink
            {
                Target = RootPaths.Name(d.TargetParts),
                Type = linkType,
                Os = values["os"],
                Version = values["version"],
                Architecture = values["arch"],
                Mac = d.Mac,
            };
            var item = new PlannedLink(result, d.Parts) { SourcePath = sourcePath, TargetIsDirectory = d.TargetIsDirectory, Record = managedRecord };

            var state = Probe(linkPath);
            record.Links.TryGetValue(name, out var existing);
            bool managed = existing != null && state != EntryState.Directory && (existing.Type == LinkType.Symlink) == (state == EntryState.Symlink);
            result.PreviousTarget = PreviousTarget(root, linkPath, state, managed ? existing : null);

            if (state == EntryState.None)
            {
                result.Action = LinkAction.Created;
                result.Changed = true;
                return item;
            }
            if (state == EntryState.Directory)
            {
                conflicts.Add(($"'{linkPath}' is a directory; it is never replaced by a link.", linkPath));
                return null;
            }
            if (IsAlreadyRight(linkPath, state, linkType, text, sourcePath))
            {
                result.Action = LinkAction.Unchanged;
                result.Changed = false;
                if (!managed && !force) item.Record = null; // right already, but not ours: leave it unrecorded
                return item;
            }
            if (!managed && !force)
            {
                conflicts.Add(($"'{linkPath}' exists and was not created by Set-NetbootLink; use -Force to replace it.", linkPath));
                return null;
            }
            result.Action = LinkAction.Replaced;
            result.Changed = true;
            return item;
        }

        static PlannedLink? PlanRemoval(string root, string name, ManagedLink managed, bool force, IEngineLog log)
        {
            string[] parts;
            try { parts = RootPaths.Split(name, "Recorded link"); }
            catch (NetbootException) { log.Warning($"Ignoring an unsafe name in the ownership record: '{name}'."); return null; }
            string linkPath = RootPaths.Join(root, parts);
            try { RootPaths.MissingParents(root, parts); }
            catch (NetbootException e) { log.Warning($"Not pruning '{name}': {e.Message}"); return null; }
            var state = Probe(linkPath);
            var result = new LinkResult
            {
                Root = root,
                LinkPath = linkPath,
                Name = name,
                LinkType = managed.Type,
                MacAddress = managed.Mac,
                Action = LinkAction.Removed,
                Changed = true,
                PreviousTarget = RootPaths.Join(root, managed.Target.Split('/')),
            };
            if (state == EntryState.None)
            {
                result.Changed = false; // already gone: only the record is updated
                return new PlannedLink(result, parts);
            }
            bool stillOurs = state != EntryState.Directory && (managed.Type == LinkType.Symlink) == (state == EntryState.Symlink);
            if (!stillOurs)
            {
                log.Warning($"Not pruning '{linkPath}': it is no longer the {managed.Type.ToString().ToLowerInvariant()} Set-NetbootLink made (someone replaced it).");
                return null;
            }
            return new PlannedLink(result, parts);
        }

        internal enum EntryState { None, Symlink, File, Directory }

        internal static EntryState Probe(string path)
        {
            if (FileSystemLinks.IsSymbolicLink(path)) return EntryState.Symlink;
            if (Directory.Exists(path)) return EntryState.Directory;
            if (File.Exists(path)) return EntryState.File;
            return EntryState.None;
        }

        static string? PreviousTarget(string root, string linkPath, EntryState state, ManagedLink? managed)
        {
            if (state == EntryState.Symlink)
            {
                string? text = FileSystemLinks.ReadSymbolicLink(linkPath);
                if (text == null) return null;
                return Path.IsPathRooted(text) ? text : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(linkPath)!, text));
            }
            return managed == null ? null : RootPaths.Join(root, managed.Target.Split('/'));
        }

        static bool IsAlreadyRight(string linkPath, EntryState state, LinkType linkType, string? text, string sourcePath)
        {
            switch (linkType)
            {
                case LinkType.Symlink:
                    return state == EntryState.Symlink && FileSystemLinks.ReadSymbolicLink(linkPath) == text;
                case LinkType.Hardlink:
                    return state == EntryState.File && FileSystemLinks.SameFile(linkPath, sourcePath);
                default:
                    return state == EntryState.File && !FileSystemLinks.SameFile(linkPath, sourcePath) && SameContent(linkPath, sourcePath);
            }
        }

        static bool SameContent(string a, string b)
        {
            var fa = new FileInfo(a);
            var fb = new FileInfo(b);
            if (fa.Length != fb.Length) return false;
            using (var sa = fa.OpenRead())
            using (var sb = fb.OpenRead())
            {
                var ba = new byte[81920];
                var bb = new byte[81920];
                while (true)
                {
                    int na = ReadFull(sa, ba);
                    int nb = ReadFull(sb, bb);
                    if (na != nb) return false;
                    if (na == 0) return true;
                    for (int i = 0; i < na; i++) if (ba[i] != bb[i]) return false;
                }
            }
        }

        static int ReadFull(Stream s, byte[] buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int n = s.Read(buffer, total, buffer.Length - total);
                if (n == 0) break;
                total += n;
            }
            return total;
        }

        static NetbootException Invalid(string message, string target) =>
            new NetbootException(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, message, target);
    }
}
