using System;
using System.Collections.Generic;
using FinBackup.Domain;

namespace FinBackup.Aws.Protocol
{
    /// <summary>What one AWS error becomes in FinBackup: the error id (its kind comes from <see cref="FinErrorIds"/>) and the advice.</summary>
    public sealed class AwsErrorMapping
    {
        public AwsErrorMapping(string errorId, string recommendedAction)
        {
            ErrorId = errorId;
            RecommendedAction = recommendedAction;
        }

        public string ErrorId { get; }
        public FinErrorKind Kind => FinErrorIds.KindOf(ErrorId);
        public string RecommendedAction { get; }
    }

    /// <summary>
    /// THE table from AWS errors (code, HTTP status, service) to FinBackup error ids and advice. Every adapter goes through it:
    /// the protocol clients (<see cref="AwsServiceException"/>), the SDK-based recovery-point gateways
    /// (RecoveryPointAwsErrors), and the S3 file-backup store; so one AWS error gets one id whichever cmdlet meets it.
    /// Rules are tried in order; the first that matches wins. Each id's kind is fixed in <see cref="FinErrorIds"/>.
    /// </summary>
    public static class AwsErrorTable
    {
        private sealed class Rule
        {
            public Func<string, int, string, bool> When;
            public string Id;
            public string Advice;
        }

        private static bool Has(string code, string part) => code != null && code.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;
        private static bool IsKms(string code, string service) =>
            Has(code, "KMS") || (string.Equals(service, "kms", StringComparison.OrdinalIgnoreCase) && code != null);

        private static readonly List<Rule> Rules = new List<Rule>
        {
            new Rule { When = (c, s, svc) => AwsErrorClassifier.IsExpiredToken(c), Id = FinErrorIds.AwsTokenExpired,
                Advice = "The session token has expired. Get fresh temporary credentials (e.g. aws sso login, or a new AssumeRole) and try again." },
            new Rule { When = (c, s, svc) => AwsErrorClassifier.IsAuthenticationFailure(c), Id = FinErrorIds.AwsCredentialsRejected,
                Advice = "AWS rejected the access key or its signature. Check -AccessKey/-SecretKey or the profile's keys (and that the clock is correct), or use another -ProfileName." },
            new Rule { When = (c, s, svc) => AwsErrorClassifier.IsThrottling(c) || s == 429, Id = FinErrorIds.AwsThrottled,
                Advice = "AWS throttled the request even after retries. Wait a minute and run again (FinBackup picks up where it stopped), or reduce parallel work." },
            new Rule { When = (c, s, svc) => c != null && (c.StartsWith("AccessDenied", StringComparison.Ordinal) || c == "UnauthorizedOperation" || c == "UnauthorizedAccess" || c == "Forbidden") || (c == null && s == 403),
                Id = FinErrorIds.AwsAccessDenied, Advice = "The identity lacks permission for this call. Ask for the IAM permission named in the message (for KMS-encrypted data also kms:Decrypt/GenerateDataKey on the key)." },
            new Rule { When = (c, s, svc) => c == "NoSuchKey", Id = FinErrorIds.FileObjectNotFound,
                Advice = "The object is not in the bucket. Check the recovery point id (Get-FinRecoveryPoint -Kind FileBackup); a missing content object means the point cannot be fully restored: run Test-FinRecoveryPoint and take a new backup." },
            new Rule { When = (c, s, svc) => c == "NoSuchBucket", Id = FinErrorIds.BucketNotFound,
                Advice = "Check -Bucket (or the policy's bucket for the region) and the region." },
            new Rule { When = (c, s, svc) => c == "BadDigest" || c == "XAmzContentSHA256Mismatch", Id = FinErrorIds.S3ChecksumRejected,
                Advice = "The data changed in transit or in memory; run the backup again." },
            new Rule { When = (c, s, svc) => IsKms(c, svc) && (Has(c, "NotFound") || c == "InvalidKMSKey.NotFound"), Id = FinErrorIds.KmsKeyNotFound,
                Advice = "The KMS key (or alias) does not exist in that region. Create it there, or fix KmsKeys in the policy / -KmsKeyId." },
            new Rule { When = (c, s, svc) => c != null && (Has(c, "KMS") || (IsKms(c, svc) && (Has(c, "Disabled") || Has(c, "InvalidState")))), Id = FinErrorIds.KmsKeyUnusable,
                Advice = "Check that the KMS key exists in that region, is enabled, and that you may use it." },
            new Rule { When = (c, s, svc) => c != null && (c == "ObjectLockConfigurationNotFoundError"), Id = FinErrorIds.S3ObjectLockNotConfigured,
                Advice = "The bucket has no Object Lock configuration; FinBackup writes without retention there." },
            new Rule { When = (c, s, svc) => c == "InstanceRefreshInProgress" || c == "ScalingActivityInProgress", Id = FinErrorIds.RestoreRollNotStarted,
                Advice = "The Auto Scaling group is busy (an instance refresh or scaling activity is in progress): wait for it to end, or cancel it, then roll again." },
            new Rule { When = (c, s, svc) => c != null && (Has(c, "NotFound") || c.StartsWith("NoSuch", StringComparison.Ordinal)), Id = FinErrorIds.AwsNotFound,
                Advice = "Check the id and the region (-Region); it may have been deleted meanwhile." },
            new Rule { When = (c, s, svc) => c != null && (Has(c, "AlreadyExists") || Has(c, "Duplicate")), Id = FinErrorIds.AwsAlreadyExists,
                Advice = "Something with that name already exists; FinBackup adopts its own points, so this one belongs to someone else: rename or remove it." },
            new Rule { When = (c, s, svc) => c != null && (c.StartsWith("Snapshot", StringComparison.Ordinal) && (Has(c, "Limit") || Has(c, "Quota")) || c == "ResourceLimitExceeded"),
                Id = FinErrorIds.SnapshotQuotaExceeded, Advice = "Remove expired points (Remove-FinExpiredBackup) or ask AWS to raise the quota." },
            new Rule { When = (c, s, svc) => c != null && (Has(c, "QuotaExceeded") || c.EndsWith("LimitExceeded", StringComparison.Ordinal)), Id = FinErrorIds.AwsQuotaExceeded,
                Advice = "An AWS quota was reached. Ask AWS to raise it (Service Quotas), or remove what is no longer needed." },
            new Rule { When = (c, s, svc) => c != null && (Has(c, "Validation") || c.StartsWith("InvalidParameter", StringComparison.Ordinal) || c.StartsWith("MissingParameter", StringComparison.Ordinal)),
                Id = FinErrorIds.AwsInvalidRequest, Advice = "AWS rejected a parameter (named in the message); check the policy value or cmdlet argument it came from." },
            new Rule { When = (c, s, svc) => c != null && (c.StartsWith("Invalid", StringComparison.Ordinal) && c.EndsWith("State", StringComparison.Ordinal) || c.EndsWith("StateFault", StringComparison.Ordinal)),
                Id = FinErrorIds.AwsInvalidState, Advice = "The resource is not in a state that allows this yet (still creating, copying or deleting); run again later." },
            new Rule { When = (c, s, svc) => s >= 500 || AwsErrorClassifier.TransientCodes.Contains(c ?? string.Empty), Id = FinErrorIds.AwsServiceUnavailable,
                Advice = "The service reported an internal error (a fault on AWS's side, not in your bucket, key or policy) even after retries. Run again later; FinBackup picks up where it stopped." },
            new Rule { When = (c, s, svc) => s == 404, Id = FinErrorIds.AwsNotFound, Advice = "Check the id and the region (-Region); it may have been deleted meanwhile." },
        };

        /// <summary>The FinBackup error id and advice for an AWS error.</summary>
        /// <param name="service">The service's signing name ("ec2", "s3", "kms", "rds"...), when known.</param>
        public static AwsErrorMapping Classify(string code, int statusCode, string service = null)
        {
            if (string.IsNullOrEmpty(code)) code = null;
            foreach (var r in Rules)
                if (r.When(code, statusCode, service)) return new AwsErrorMapping(r.Id, r.Advice);
            return new AwsErrorMapping(FinErrorIds.AwsRequestFailed, "See the AWS error code and message; the request was refused as sent.");
        }

        /// <summary>A connection that broke after the request was sent: the service may have acted on it.</summary>
        public static FinBackupException ConnectionLost(string what, Exception ex)
        {
            var inner = ex;
            while (inner?.InnerException != null) inner = inner.InnerException;
            return new FinBackupException(FinErrorIds.AwsConnectionLost, FinErrorIds.KindOf(FinErrorIds.AwsConnectionLost),
                $"{what}: the connection was lost before the reply arrived ({inner?.Message ?? "no reply"}), after retries.",
                "The request may have been carried out. Run again: FinBackup looks for what it already made before making anything twice. If it persists, check the network path (proxy, VPC endpoint, firewall).", ex);
        }

        /// <summary>Advice for an endpoint that cannot be reached: the sandbox is named only when the endpoint is the local one.</summary>
        public static string UnreachableAdvice(Uri endpoint)
        {
            if (endpoint != null && endpoint.IsLoopback)
                return $"Nothing answers at {endpoint.GetLeftPart(UriPartial.Authority)}: is the sandbox running (Start-FinSandbox)? Or check -EndpointUrl.";
            return "Check the network path to AWS (proxy, VPC endpoint, firewall, DNS), -EndpointUrl if you set one, and -Region.";
        }
    }
}
