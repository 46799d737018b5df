using Amazon.Runtime;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain;

namespace FinBackup.Tests.RecoveryPoints;

public sealed class AwsErrorMappingTests
{
    [Theory]
    [InlineData("RequestLimitExceeded", "FinAwsThrottled", FinErrorKind.LimitsExceeded)]
    [InlineData("Throttling", "FinAwsThrottled", FinErrorKind.LimitsExceeded)]
    [InlineData("InvalidInstanceID.NotFound", "FinAwsNotFound", FinErrorKind.ObjectNotFound)]   // one table: the id every adapter gives (was FinResourceNotFound here only)
    [InlineData("InvalidKMSKey.NotFound", "FinKmsKeyNotFound", FinErrorKind.ObjectNotFound)]
    [InlineData("SnapshotLimitExceeded", "FinSnapshotQuotaExceeded", FinErrorKind.LimitsExceeded)]
    [InlineData("ResourceLimitExceeded", "FinSnapshotQuotaExceeded", FinErrorKind.LimitsExceeded)]
    [InlineData("KMS.DisabledException", "FinKmsKeyUnusable", FinErrorKind.SecurityError)]
    [InlineData("UnauthorizedOperation", "FinAwsAccessDenied", FinErrorKind.PermissionDenied)]   // one table (was FinAccessDenied here only)
    [InlineData("IncorrectState", "FinAwsRequestFailed", FinErrorKind.InvalidOperation)]
    public void EC2_error_codes_become_stable_error_ids(string code, string errorId, FinErrorKind kind)
    {
        var ex = RecoveryPointAwsErrors.Map(new AmazonServiceException("boom") { ErrorCode = code }, "CopySnapshot snap-1");
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(kind, ex.Kind);
        Assert.Contains("CopySnapshot snap-1", ex.Message);
        Assert.Contains(code, ex.Message);
    }
}
