using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;

namespace FinBackup.Loading
{
    /// <summary>
    /// Runs when Import-Module loads FinBackup.dll, and when Remove-Module removes it. Makes FinBackup.Aws and the AWS SDK
    /// load from <c>dependencies/</c>: in an isolated load context on PowerShell 7 (so any other AWSSDK.Core the session
    /// already has, e.g. from AWS.Tools, is left alone), through an assembly resolver on Windows PowerShell that answers only
    /// for FinBackup's own dependencies, by full name. Remove-Module unhooks both.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly object Gate = new object();
        private static bool _installed;
        private static NetFrameworkDependencyResolver _resolver;

        internal static string ModuleDirectory =>
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location);

        internal static string DependencyDirectory => Path.Combine(ModuleDirectory, "dependencies");

        public void OnImport() => Install();

        public void OnRemove(PSModuleInfo module) => Uninstall();

        /// <summary>Idempotent; also called by cmdlets in case the assembly was loaded without Import-Module.</summary>
        internal static void Install()
        {
            lock (Gate)
            {
                if (_installed) return;
                if (IsNetFramework)
                {
                    _resolver = new NetFrameworkDependencyResolver(DependencyDirectory);
                    AppDomain.CurrentDomain.AssemblyResolve += _resolver.Resolve;
                }
                else
                {
                    CoreLoadContextInstaller.Install(ModuleDirectory, DependencyDirectory);
                }
                _installed = true;
            }
        }

        /// <summary>Removes the resolver (Windows PowerShell) or the default context's hook (PowerShell 7).</summary>
        internal static void Uninstall()
        {
            lock (Gate)
            {
                if (!_installed) return;
                if (_resolver != null)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= _resolver.Resolve;
                    _resolver = null;
                }
                else
                {
                    CoreLoadContextInstaller.Uninstall();
                }
                _installed = false;
            }
        }

        /// <summary>For tests: whether a resolver or load-context hook is installed now.</summary>
        internal static bool IsInstalled
        {
            get { lock (Gate) return _installed; }
        }

        internal static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);
    }
}
