using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace FinBackup.Loading
{
    /// <summary>
    /// Runs when Import-Module loads FinBackup.dll. Makes FinBackup.Aws and the AWS SDK load from
    /// <c>dependencies/</c>: in an isolated load context on PowerShell 7 (so any other AWSSDK.Core the session
    /// already has, e.g. from AWS.Tools, is left alone), through an assembly resolver on Windows PowerShell.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static readonly object Gate = new object();
        private static bool _installed;

        internal static string ModuleDirectory =>
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location);

        internal static string DependencyDirectory => Path.Combine(ModuleDirectory, "dependencies");

        public void OnImport() => Install();

        /// <summary>Idempotent; also called by cmdlets in case the assembly was loaded without Import-Module.</summary>
        internal static void Install()
        {
            lock (Gate)
            {
                if (_installed) return;
                if (IsNetFramework)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += ResolveOnNetFramework;
                }
                else
                {
                    CoreLoadContextInstaller.Install(ModuleDirectory, DependencyDirectory);
                }
                _installed = true;
            }
        }

        internal static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        private static Assembly ResolveOnNetFramework(object sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var candidate = Path.Combine(DependencyDirectory, name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }
    }
}
