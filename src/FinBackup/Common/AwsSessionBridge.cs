using System;
using System.Runtime.CompilerServices;
using FinBackup.Domain.Connection;

namespace FinBackup.Common
{
    /// <summary>
    /// The one place the cmdlet assembly calls into FinBackup.Aws. Kept out of line so FinBackup.Aws is resolved
    /// only after the module initializer has set up the isolated load context.
    /// </summary>
    internal static class AwsSessionBridge
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static IAwsSession Open(AwsConnectionRequest request, Action<string> verbose) =>
            FinBackup.Aws.AwsSessionFactory.Open(request, verbose);
    }
}
