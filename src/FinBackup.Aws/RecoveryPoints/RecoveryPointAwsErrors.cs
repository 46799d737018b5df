using System;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Domain;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>Runs an SDK call synchronously and turns AWS failures into FinBackupExceptions with a stable error id.</summary>
    internal static class RecoveryPointAwsErrors
    {
        public static T Call<T>(Func<Task<T>> call, string what)
        {
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (AmazonServiceException ex)
            {
                throw Map(ex, what);
            }
            catch (AmazonClientException ex)
            {
                throw new FinBackupException("FinAwsConnectionFailed", FinErrorKind.ConnectionError,
                    $"{what}: could not reach AWS ({ex.Message}).", "Check the network, -EndpointUrl and -Region.", ex);
            }
        }

        public static FinBackupException Map(AmazonServiceException ex, string what)
        {
            var code = ex.ErrorCode ?? string.Empty;
            var msg = $"{what}: {code} {ex.Message}".Trim();
            if (code.IndexOf("Throttl", StringComparison.OrdinalIgnoreCase) >= 0 || code == "RequestLimitExceeded" || code == "Throttling")
                return new FinBackupException("FinAwsThrottled", FinErrorKind.LimitsExceeded, msg, "AWS is throttling; run again in a few minutes (the SDK already retried).", ex);
            if (code.EndsWith(".NotFound", StringComparison.Ordinal) || code.EndsWith("NotFound", StringComparison.Ordinal) || code.EndsWith("NotFoundFault", StringComparison.Ordinal))
                return new FinBackupException(code.IndexOf("Kms", StringComparison.OrdinalIgnoreCase) >= 0 || code.IndexOf("Key", StringComparison.OrdinalIgnoreCase) >= 0
                        ? "FinKmsKeyNotFound" : "FinResourceNotFound", FinErrorKind.ObjectNotFound, msg,
                    "Check the id and the region (-Region); KMS keys must exist in the destination region.", ex);
            if (code == "SnapshotLimitExceeded" || code == "SnapshotQuotaExceeded" || code == "ResourceLimitExceeded" || code.EndsWith("QuotaExceeded", StringComparison.Ordinal)
                || code.EndsWith("LimitExceeded", StringComparison.Ordinal) || code.EndsWith("QuotaExceededFault", StringComparison.Ordinal))
                return new FinBackupException("FinSnapshotQuotaExceeded", FinErrorKind.LimitsExceeded, msg,
                    "Remove expired points (Remove-FinExpiredBackup) or ask AWS to raise the quota.", ex);
            if (code.IndexOf("KMS", StringComparison.OrdinalIgnoreCase) >= 0)
                return new FinBackupException("FinKmsKeyUnusable", FinErrorKind.SecurityError, msg,
                    "Check that the KMS key exists in that region, is enabled, and that you may use it.", ex);
            if (code == "UnauthorizedOperation" || code == "AccessDenied" || code == "AccessDeniedException" || ex.StatusCode == System.Net.HttpStatusCode.Forbidden)
                return new FinBackupException("FinAccessDenied", FinErrorKind.PermissionDenied, msg, "Grant the IAM permission named in the message.", ex);
            return new FinBackupException("FinAwsRequestFailed", FinErrorKind.InvalidOperation, msg, null, ex);
        }
    }
}
