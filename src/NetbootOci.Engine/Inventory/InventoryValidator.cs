using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetbootOci.Engine.Inventory
{
    /// <summary>Checks what single entries cannot: unique names across all merged files, and that references resolve.</summary>
    internal static class InventoryValidator
    {
        public static void Validate(SiteInventory inv, FieldLocations fields, List<InventoryError> errors)
        {
            void Error(SourceLocation at, string message) => errors.Add(at.Error(message));

            Unique(inv.Registries.Where(r => r.Name.Length > 0), r => r.Name, r => fields.Get(r, "name", r.Location), "registry", errors);
            Unique(inv.OperatingSystems.Where(o => o.Name.Length > 0 && o.Version.Length > 0), o => o.Id, o => fields.Get(o, "name", o.Location), "operating system", errors);
            Unique(inv.Proxies.Where(p => p.Name.Length > 0), p => p.Name, p => fields.Get(p, "name", p.Location), "proxy", errors);

            foreach (var os in inv.OperatingSystems)
            {
                if (os.Registry.Length == 0) continue;
                var registry = inv.Registry(os.Registry);
                if (registry == null)
                {
                    Error(fields.Get(os, "registry", os.Location), $"operating system '{os.Id}' names registry '{os.Registry}', which is not defined"
                        + (inv.Registries.Count > 0 ? $" (defined: {string.Join(", ", inv.Registries.Select(r => r.Name).Distinct())})" : ""));
                    continue;
                }
                var policy = os.SignaturePolicy ?? registry.SignaturePolicy;
                if (policy == SignaturePolicy.Required && os.Keys.Count == 0 && registry.Keys.Count == 0)
                    Error(os.Location, $"operating system '{os.Id}' requires signatures but neither it nor registry '{registry.Name}' lists keys");
            }

            var roots = new Dictionary<string, ProxyEntry>(Path.DirectorySeparatorChar == '\\' ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
            foreach (var proxy in inv.Proxies)
            {
                if (proxy.Root.Length > 0)
                {
                    string key = proxy.Root.TrimEnd('/', '\\');
                    if (roots.TryGetValue(key, out var other))
                        Error(fields.Get(proxy, "root", proxy.Location), $"proxy '{proxy.Name}' uses root '{proxy.Root}', which proxy '{other.Name}' already uses (their prunes would remove each other's files)");
                    else roots[key] = proxy;
                }
                foreach (string id in proxy.OperatingSystems)
                {
                    if (inv.OperatingSystem(id) == null)
                        Error(fields.Get(proxy, "os:" + id, proxy.Location), $"proxy '{proxy.Name}' names operating system '{id}', which is not defined"
                            + (inv.OperatingSystems.Count > 0 ? $" (defined: {string.Join(", ", inv.OperatingSystems.Select(o => o.Id).Distinct())})" : ""));
                }
                var macs = new Dictionary<string, HostEntry>();
                foreach (var host in proxy.Hosts)
                {
                    if (host.Mac.Length > 0)
                    {
                        if (macs.TryGetValue(host.Mac, out var first))
                            Error(fields.Get(host, "mac", host.Location), $"proxy '{proxy.Name}': host {host.Mac} is listed twice (first at {first.Location.File}:{first.Location.Line}:{first.Location.Column})");
                        else macs[host.Mac] = host;
                    }
                    if (host.OperatingSystem.Length > 0) ResolveHostOs(inv, proxy, host, fields, errors);
                }
            }
        }

        /// <summary>A host's <c>os</c> is an OS id on the proxy, with the architecture appended unless the OS has only one.</summary>
        static void ResolveHostOs(SiteInventory inv, ProxyEntry proxy, HostEntry host, FieldLocations fields, List<InventoryError> errors)
        {
            var at = fields.Get(host, "os", host.Location);
            string text = host.OperatingSystem;
            foreach (string id in proxy.OperatingSystems)
            {
                var os = inv.OperatingSystem(id);
                if (os == null) continue;
                if (text == id)
                {
                    if (os.Architectures.Count == 1) { host.OperatingSystem = id; host.Architecture = os.Architectures[0]; return; }
                    errors.Add(at.Error($"host {host.Mac}: '{text}' has several architectures ({string.Join(", ", os.Architectures)}); write '{id}-<arch>'"));
                    return;
                }
                if (text.StartsWith(id + "-", StringComparison.Ordinal))
                {
                    string arch = text.Substring(id.Length + 1);
                    if (os.Architectures.Contains(arch)) { host.OperatingSystem = id; host.Architecture = arch; return; }
                }
            }
            string where = proxy.OperatingSystems.Count == 0 ? "the proxy lists no operating systems"
                : "the proxy has " + string.Join(", ", proxy.OperatingSystems.Select(id => inv.OperatingSystem(id)).Where(o => o != null)
                    .SelectMany(o => o!.Architectures.Select(a => o.Id + "-" + a)));
            errors.Add(at.Error($"host {host.Mac} boots '{text}', which is not an operating system of proxy '{proxy.Name}' ({where})"));
        }

        static void Unique<T>(IEnumerable<T> items, Func<T, string> key, Func<T, SourceLocation> at, string what, List<InventoryError> errors)
        {
            var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                string k = key(item);
                var l = at(item);
                if (seen.TryGetValue(k, out var first))
                    errors.Add(l.Error($"{what} '{k}' is defined twice (first at {first})"));
                else seen[k] = l;
            }
        }
    }
}
