using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace FinBackup.Loading
{
    /// <summary>
    /// PowerShell 7 only (never touched on .NET Framework): the isolated load context for FinBackup.Aws and
    /// the AWS SDK. Framework assemblies come from the runtime; FinBackup.Domain is shared with the default
    /// context so domain types cross the boundary; everything else in dependencies/ loads here.
    /// </summary>
    internal sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private readonly string _moduleDirectory;
        private readonly string _dependencyDirectory;
        private readonly string _readyToRunDirectory;
        private readonly HashSet<string> _platformAssemblies;

        internal DependencyLoadContext(string moduleDirectory, string dependencyDirectory)
        {
            _moduleDirectory = moduleDirectory;
            _dependencyDirectory = dependencyDirectory;
            _readyToRunDirectory = ReadyToRunImages.FolderFor(dependencyDirectory);
            _platformAssemblies = ReadPlatformAssemblies();
        }

        /// <summary>The folder of precompiled images in use, or null (IL only).</summary>
        internal string ReadyToRunDirectory => _readyToRunDirectory;

        /// <summary>
        /// FinBackup.Domain, shared with the default context: its precompiled image when there is one, unless the default
        /// context already has the assembly (loaded by PowerShell from the module folder before the hook was installed).
        /// </summary>
        internal Assembly LoadShared(AssemblyLoadContext into, string name)
        {
            foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (string.Equals(loaded.GetName().Name, name, StringComparison.OrdinalIgnoreCase) &&
                    GetLoadContext(loaded) == into) return loaded;
            }
            var path = string.Equals(name, "FinBackup.Domain", StringComparison.OrdinalIgnoreCase)
                ? ReadyToRunImages.PathOf(_readyToRunDirectory, _moduleDirectory, name)
                : Path.Combine(_moduleDirectory, name + ".dll");
            return into.LoadFromAssemblyPath(path);
        }

        internal static readonly string[] SharedAssemblies = { "FinBackup", "FinBackup.Domain" };

        protected override Assembly Load(AssemblyName assemblyName)
        {
            var name = assemblyName.Name;
            if (Array.IndexOf(SharedAssemblies, name) >= 0)
            {
                return LoadShared(Default, name);
            }
            if (_platformAssemblies.Contains(name))
            {
                return null; // the runtime's own copy, in the default context
            }
            var candidate = ReadyToRunImages.PathOf(_readyToRunDirectory, _dependencyDirectory, name);
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }

        private static HashSet<string> ReadPlatformAssemblies()
        {
            var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
            {
                foreach (var path in tpa.Split(Path.PathSeparator))
                {
                    if (path.Length > 0) set.Add(Path.GetFileNameWithoutExtension(path));
                }
            }
            return set;
        }
    }

    /// <summary>Hooks the default context so FinBackup.Aws (referenced by the cmdlets) resolves into the isolated context.</summary>
    internal static class CoreLoadContextInstaller
    {
        private static DependencyLoadContext _context;

        private static Func<AssemblyLoadContext, AssemblyName, Assembly> _hook;

        internal static void Install(string moduleDirectory, string dependencyDirectory)
        {
            // One context per process: a re-import after Remove-Module reuses it (a loaded context cannot be replaced).
            if (_context == null) _context = new DependencyLoadContext(moduleDirectory, dependencyDirectory);
            _hook = (ctx, name) =>
            {
                if (string.Equals(name.Name, "FinBackup.Domain", StringComparison.OrdinalIgnoreCase))
                {
                    return _context.LoadShared(ctx, "FinBackup.Domain");
                }
                if (string.Equals(name.Name, "FinBackup.Aws", StringComparison.OrdinalIgnoreCase))
                {
                    return _context.LoadFromAssemblyName(name);
                }
                return null;
            };
            AssemblyLoadContext.Default.Resolving += _hook;
        }

        internal static void Uninstall()
        {
            if (_hook == null) return;
            AssemblyLoadContext.Default.Resolving -= _hook;
            _hook = null;
        }

        /// <summary>For tests and -Verbose: the context FinBackup.Aws lives in.</summary>
        internal static string ContextName => _context == null ? "(none)" : _context.GetType().Name;

        /// <summary>For tests and -Verbose: the folder of precompiled images FinBackup loads, or null (IL only).</summary>
        internal static string ReadyToRunDirectory => _context?.ReadyToRunDirectory;
    }
}
