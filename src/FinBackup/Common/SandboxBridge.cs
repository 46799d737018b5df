using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FinBackup.Common
{
    /// <summary>
    /// The cmdlet assembly's calls into FinBackup.Aws.Sandbox.SandboxProcess (BCL-only signatures), kept out of line so
    /// FinBackup.Aws resolves only after the module initializer has set up the isolated load context.
    /// </summary>
    internal static class SandboxBridge
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static Process Start(int port, CancellationToken cancellationToken, out string endpointUrl) =>
            FinBackup.Aws.Sandbox.SandboxProcess.Start(port, cancellationToken, out endpointUrl);

        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static bool IsReady(string endpointUrl) => FinBackup.Aws.Sandbox.SandboxProcess.IsReady(endpointUrl);

        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static Process Find(int processId, DateTime? startTime) => FinBackup.Aws.Sandbox.SandboxProcess.Find(processId, startTime);

        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static bool TryStop(Process process) => FinBackup.Aws.Sandbox.SandboxProcess.TryStop(process);

        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static string SandboxAccessKey() => FinBackup.Aws.AwsConnectionResolver.SandboxAccessKey;
    }
}
