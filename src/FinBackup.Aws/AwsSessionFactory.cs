using System;
using FinBackup.Domain;
using FinBackup.Domain.Connection;

namespace FinBackup.Aws
{
    /// <summary>Resolves an <see cref="AwsConnectionRequest"/> into an <see cref="IAwsSession"/>.</summary>
    public static class AwsSessionFactory
    {
        public static IAwsSession Open(AwsConnectionRequest request, Action<string> verbose)
        {
            // Implemented by the AWS access layer (issue 3).
            throw new FinBackupException("FinNotImplemented", FinErrorKind.NotImplemented, "The AWS access layer is not built yet.");
        }
    }
}
