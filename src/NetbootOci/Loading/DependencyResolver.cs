using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace NetbootOci.Loading
{
    /// <summary>
    /// Loads the engine and its dependencies (YamlDotNet, BouncyCastle, System.Text.Json, …) from the
    /// module's <c>bin/</c> folder without clashing with other versions another module has loaded.
    /// <list type="bullet">
    /// <item>PowerShell 7 (.NET): a private AssemblyLoadContext, created by reflection because this
    /// assembly is netstandard2.0. Only <c>NetbootOci.Engine</c> is served to the default context (from
    /// its Resolving event); everything else in bin/ lives in the private context only. The engine's
    /// references to <c>NetbootOci.Contracts</c> fall through to the default context, so the cmdlets, the
    /// engine and scripts share one copy of the types admins name.</item>
    /// <item>Windows PowerShell 5.1 (.NET Framework): an AppDomain.AssemblyResolve handler that serves
    /// names found in bin/ (binding redirects do not exist for modules, so any version at least the one
    /// asked for is accepted).</item>
    /// </list>
    /// Deliberately free of System.Management.Automation so tests can drive it without PowerShell.
    /// </summary>
    internal sealed class DependencyResolver
    {
        internal const string EngineAssemblyName = "NetbootOci.Engine";
        /// <summary>The types admins see; beside the cmdlet assembly, loaded in the default context (never in bin/).</summary>
        internal const string ContractsAssemblyName = "NetbootOci.Contracts";
        internal const string ContextName = "NetbootOci";

        static readonly object Gate = new object();
        static DependencyResolver? s_current;

        readonly string _binDir;
        readonly Dictionary<string, string> _filesByName;      // simple name -> path in bin/
        readonly Type? _alcType;                               // System.Runtime.Loader.AssemblyLoadContext on .NET
        // The private AssemblyLoadContext, created on first need and kept for the life of the process: after
        // Remove-Module and Import-Module the engine already loaded there must stay the one the cmdlets use.
        static object? s_privateContext;
        Delegate? _defaultResolving;
        ResolveEventHandler? _appDomainResolve;

        DependencyResolver(string binDir)
        {
            _binDir = Path.GetFullPath(binDir);
            _filesByName = Directory.Exists(_binDir)
                ? Directory.GetFiles(_binDir, "*.dll").ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => p, StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            _alcType = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");
            // .NET Framework: the engine, loaded from bin/, asks for the contracts, which live one folder up.
            string contracts = Path.Combine(Path.GetDirectoryName(_binDir)!, ContractsAssemblyName + ".dll");
            if (_alcType == null && File.Exists(contracts)) _filesByName[ContractsAssemblyName] = contracts;
        }

        /// <summary>True on .NET (PowerShell 7), where a private load context isolates the dependencies.</summary>
        internal bool UsesLoadContext => _alcType != null;

        /// <summary>The private load context (null on .NET Framework or before the engine was first needed).</summary>
        internal object? PrivateContext => s_privateContext;

        /// <summary>Hooks the resolver for the module whose dependencies are in <paramref name="binDir"/>; idempotent.</summary>
        internal static DependencyResolver Register(string binDir)
        {
            lock (Gate)
            {
                if (s_current != null) return s_current;
                var resolver = new DependencyResolver(binDir);
                resolver.Hook();
                s_current = resolver;
                return resolver;
            }
        }

        /// <summary>Removes the hooks (Remove-Module). The private context stays alive: loaded engine types may still be referenced.</summary>
        internal static void Unregister()
        {
            lock (Gate)
            {
                s_current?.Unhook();
                s_current = null;
            }
        }

        void Hook()
        {
            if (_alcType != null)
            {
                object defaultContext = _alcType.GetProperty("Default")!.GetValue(null)!;
                _defaultResolving = AddResolving(defaultContext, nameof(ResolveEngineIntoPrivateContext));
            }
            else
            {
                _appDomainResolve = ResolveFromBinOnFramework;
                AppDomain.CurrentDomain.AssemblyResolve += _appDomainResolve;
            }
        }

        void Unhook()
        {
            if (_alcType != null && _defaultResolving != null)
            {
                object defaultContext = _alcType.GetProperty("Default")!.GetValue(null)!;
                _alcType.GetEvent("Resolving")!.RemoveEventHandler(defaultContext, _defaultResolving);
            }
            if (_appDomainResolve != null) AppDomain.CurrentDomain.AssemblyResolve -= _appDomainResolve;
        }

        /// <summary>Subscribes a (context, name) -> Assembly handler to a context's Resolving event. The
        /// handler takes <c>object</c> for the context: delegate parameter contravariance lets it bind to
        /// Func&lt;AssemblyLoadContext, AssemblyName, Assembly&gt; without naming that type.</summary>
        Delegate AddResolving(object context, string handlerName)
        {
            EventInfo resolving = _alcType!.GetEvent("Resolving")!;
            MethodInfo handler = typeof(DependencyResolver).GetMethod(handlerName, BindingFlags.Instance | BindingFlags.NonPublic)!;
            Delegate d = Delegate.CreateDelegate(resolving.EventHandlerType!, this, handler);
            resolving.AddEventHandler(context, d);
            return d;
        }

        // Default context, PowerShell 7: the engine is bridged to the private context, and the contracts are served
        // from beside the cmdlet assembly (PowerShell probes there too; a host that does not still works). Other
        // names are someone else's business.
        Assembly? ResolveEngineIntoPrivateContext(object defaultContext, AssemblyName name)
        {
            if (string.Equals(name.Name, ContractsAssemblyName, StringComparison.OrdinalIgnoreCase))
            {
                string contracts = Path.Combine(Path.GetDirectoryName(_binDir)!, ContractsAssemblyName + ".dll");
                return File.Exists(contracts) ? LoadInto(defaultContext, contracts) : null;
            }
            if (!string.Equals(name.Name, EngineAssemblyName, StringComparison.OrdinalIgnoreCase)) return null;
            if (!_filesByName.TryGetValue(EngineAssemblyName, out string? path)) return null;
            return LoadInto(EnsurePrivateContext(), path);
        }

        // Private context, PowerShell 7: everything bin/ holds, when neither its cache nor the platform had it.
        Assembly? ResolveInPrivateContext(object privateContext, AssemblyName name)
        {
            if (name.Name == null || !_filesByName.TryGetValue(name.Name, out string? path)) return null;
            return LoadInto(privateContext, path);
        }

        object EnsurePrivateContext()
        {
            lock (Gate)
            {
                if (s_privateContext != null) return s_privateContext;
                // AssemblyLoadContext(string name, bool isCollectible): not collectible, engine types outlive Remove-Module.
                object context = Activator.CreateInstance(_alcType!, ContextName, false)!;
                AddResolving(context, nameof(ResolveInPrivateContext));
                // A context without a Load override asks the default context before its Resolving event, so a
                // newer YamlDotNet loaded by another module would win. Loading our own copies up front puts
                // them in this context's cache, which is consulted first. Platform assemblies (System.Memory,
                // System.Text.Json on new runtimes) stay with the default context unless it is too old.
                var platform = PlatformAssemblyNames();
                foreach (var entry in _filesByName)
                {
                    if (platform.Contains(entry.Key) || string.Equals(entry.Key, EngineAssemblyName, StringComparison.OrdinalIgnoreCase)) continue;
                    try { LoadInto(context, entry.Value); }
                    catch (BadImageFormatException) { /* not a managed assembly: nothing to isolate */ }
                }
                s_privateContext = context;
                return context;
            }
        }

        /// <summary>Loads <paramref name="path"/> into <paramref name="context"/>: the private one, or the default for the contracts.</summary>
        Assembly LoadInto(object context, string path)
        {
            // LoadFromAssemblyPath returns the already loaded assembly when the context has it.
            MethodInfo load = _alcType!.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;
            try { return (Assembly)load.Invoke(context, new object[] { path })!; }
            catch (TargetInvocationException e) when (e.InnerException != null) { throw e.InnerException; }
        }

        /// <summary>Simple names of the assemblies the runtime itself provides (the trusted platform list).</summary>
        static HashSet<string> PlatformAssemblyNames()
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
                foreach (string p in tpa.Split(Path.PathSeparator))
                    if (p.Length > 0) names.Add(Path.GetFileNameWithoutExtension(p));
            return names;
        }

        // .NET Framework (Windows PowerShell 5.1).
        Assembly? ResolveFromBinOnFramework(object? sender, ResolveEventArgs args) => ResolveFromBin(new AssemblyName(args.Name));

        /// <summary>
        /// The .NET Framework rule: an assembly already loaded with a new enough version is reused (two copies
        /// of System.Memory would make two Span types); otherwise bin/'s copy is loaded if it is at least the
        /// version asked for. Anything bin/ does not hold is left to other handlers.
        /// </summary>
        internal Assembly? ResolveFromBin(AssemblyName requested)
        {
            if (requested.Name == null || !_filesByName.TryGetValue(requested.Name, out string? path)) return null;
            foreach (Assembly loaded in AppDomain.CurrentDomain.GetAssemblies())
            {
                AssemblyName n = loaded.GetName();
                if (string.Equals(n.Name, requested.Name, StringComparison.OrdinalIgnoreCase) && SatisfiesVersion(n, requested) && SameKey(n, requested))
                    return loaded;
            }
            AssemblyName inBin = AssemblyName.GetAssemblyName(path);
            if (!SatisfiesVersion(inBin, requested)) return null;
            return Assembly.LoadFrom(path);
        }

        static bool SatisfiesVersion(AssemblyName candidate, AssemblyName requested) =>
            requested.Version == null || (candidate.Version != null && candidate.Version >= requested.Version);

        static bool SameKey(AssemblyName a, AssemblyName b)
        {
            byte[]? x = a.GetPublicKeyToken(), y = b.GetPublicKeyToken();
            if (y == null || y.Length == 0) return true; // the request does not insist on a key
            return x != null && x.SequenceEqual(y);
        }
    }
}
