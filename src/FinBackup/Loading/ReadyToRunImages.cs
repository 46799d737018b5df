using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace FinBackup.Loading
{
    /// <summary>
    /// PowerShell 7 only: where the ReadyToRun (precompiled) images of FinBackup.Domain, FinBackup.Aws and the AWS SDK are,
    /// when the build made them for this process's platform and .NET major version. The release build
    /// (tools/FinBackup.ReadyToRun) puts them in <c>dependencies/&lt;rid&gt;/</c> with a <c>ReadyToRun.txt</c> naming the .NET
    /// major version they were compiled for; the IL assemblies in <c>dependencies/</c> stay, for every other platform, for
    /// Windows PowerShell, and when <c>FINBACKUP_READYTORUN=0</c> is set (to compare or rule them out). Same code either way:
    /// the images keep their IL, and the runtime compiles any method whose precompiled code it cannot use.
    /// </summary>
    internal static class ReadyToRunImages
    {
        internal const string MarkerFileName = "ReadyToRun.txt";
        internal const string OptOutVariable = "FINBACKUP_READYTORUN";

        /// <summary>The folder to load images from first, or null (none built for this platform and runtime, or opted out).</summary>
        internal static string FolderFor(string dependencyDirectory)
        {
            if (string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "0", StringComparison.Ordinal)) return null;
            var rid = RuntimeIdentifier();
            if (rid == null) return null;
            var folder = Path.Combine(dependencyDirectory, rid);
            var marker = Path.Combine(folder, MarkerFileName);
            try
            {
                if (!File.Exists(marker)) return null;
                var compiledFor = File.ReadAllText(marker).Trim();
                return compiledFor == Environment.Version.Major.ToString(CultureInfo.InvariantCulture) ? folder : null;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        /// <summary>The image of <paramref name="assemblyName"/> in <paramref name="folder"/>, else the IL assembly in <paramref name="fallbackDirectory"/>.</summary>
        internal static string PathOf(string folder, string fallbackDirectory, string assemblyName)
        {
            if (folder != null)
            {
                var image = Path.Combine(folder, assemblyName + ".dll");
                if (File.Exists(image)) return image;
            }
            return Path.Combine(fallbackDirectory, assemblyName + ".dll");
        }

        /// <summary>linux-x64, linux-arm64, win-x64, osx-arm64, ...; null for a platform the build never targets.</summary>
        internal static string RuntimeIdentifier()
        {
            string os;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) os = "linux";
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) os = "win";
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) os = "osx";
            else return null;
            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X64: return os + "-x64";
                case Architecture.Arm64: return os + "-arm64";
                default: return null;
            }
        }
    }
}
