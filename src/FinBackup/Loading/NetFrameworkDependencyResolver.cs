using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace FinBackup.Loading
{
    /// <summary>
    /// Windows PowerShell's stand-in for the isolated load context: an AssemblyResolve handler that answers only for the
    /// assemblies in FinBackup's <c>dependencies/</c> folder, and only when the request names the same identity (name,
    /// version, culture and public key token) as the file there. Any other request — another module's, a different
    /// version of the AWS SDK — is left to the runtime and to other handlers.
    /// </summary>
    internal sealed class NetFrameworkDependencyResolver
    {
        private readonly Dictionary<string, KeyValuePair<AssemblyName, string>> _byName =
            new Dictionary<string, KeyValuePair<AssemblyName, string>>(StringComparer.OrdinalIgnoreCase);

        internal NetFrameworkDependencyResolver(string dependencyDirectory)
        {
            if (!Directory.Exists(dependencyDirectory)) return;
            foreach (var path in Directory.GetFiles(dependencyDirectory, "*.dll"))
            {
                try
                {
                    var name = AssemblyName.GetAssemblyName(path);
                    _byName[name.Name] = new KeyValuePair<AssemblyName, string>(name, path);
                }
                catch (BadImageFormatException) { } // not a managed assembly
                catch (IOException) { }
            }
        }

        /// <summary>The identities this resolver answers for.</summary>
        internal IEnumerable<string> Identities => _byName.Values.Select(v => v.Key.FullName);

        /// <summary>The path of the dependency whose identity is exactly <paramref name="requestedFullName"/>, else null.</summary>
        internal string Find(string requestedFullName)
        {
            AssemblyName requested;
            try
            {
                requested = new AssemblyName(requestedFullName);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is FileLoadException)
            {
                return null;
            }
            if (requested.Name == null || !_byName.TryGetValue(requested.Name, out var dependency)) return null;
            var have = dependency.Key;
            if (requested.Version == null || requested.Version != have.Version) return null;
            if (!string.Equals(requested.CultureName ?? string.Empty, have.CultureName ?? string.Empty, StringComparison.OrdinalIgnoreCase)) return null;
            var wantToken = requested.GetPublicKeyToken() ?? new byte[0];
            var haveToken = have.GetPublicKeyToken() ?? new byte[0];
            if (!wantToken.SequenceEqual(haveToken)) return null;
            return dependency.Value;
        }

        internal Assembly Resolve(object sender, ResolveEventArgs args)
        {
            var path = Find(args.Name);
            return path == null ? null : Assembly.LoadFrom(path);
        }
    }
}
