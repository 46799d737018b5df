using System;
using FinBackup.Aws.Protocol;
using FinBackup.Domain;

namespace FinBackup.Aws.Inventory
{
    /// <summary>Turns AWS SDK exceptions into <see cref="FinBackupException"/>s with the same ids the protocol clients use.</summary>
    internal static class AwsSdkErrors
    {
        internal static FinBackupException From(string service, Amazon.Runtime.AmazonServiceException ex)
        {
            int status = (int)ex.StatusCode;
            return new FinBackupException(AwsErrorClassifier.ErrorIdFor(ex.ErrorCode, status), AwsErrorClassifier.KindFor(ex.ErrorCode, status),
                $"AWS {service} failed: {ex.ErrorCode ?? "HTTP " + status}: {ex.Message}" + (string.IsNullOrEmpty(ex.RequestId) ? string.Empty : $" (request id {ex.RequestId})"),
                AwsErrorClassifier.RecommendedActionFor(ex.ErrorCode, status), ex);
        }

        internal static FinBackupException Connection(string service, string region, Exception ex) =>
            new FinBackupException("FinAwsConnectionFailed", FinErrorKind.ConnectionError,
                $"AWS {service} in {region} could not be reached: {ex.Message}",
                "Check the network, the region name and -EndpointUrl; then try again.", ex);
    }
}
