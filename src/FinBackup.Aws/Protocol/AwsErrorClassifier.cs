using System;
using System.Collections.Generic;
using FinBackup.Domain;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// Sorts AWS error codes: which are retried (the SDK standard retry mode's throttling and transient codes, and 5xx),
    /// which mean bad or expired credentials (never retried), and which FinBackup error id and category each maps to.
    /// </summary>
    public static class AwsErrorClassifier
    {
        /// <summary>Throttling codes of the SDK standard retry mode.</summary>
        internal static readonly HashSet<string> ThrottlingCodes = new HashSet<string>(StringComparer.Ordinal)
        {
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
            "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
            "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
            "EC2ThrottledException",
        };

        /// <summary>Transient (non-throttling) codes of the SDK standard retry mode.</summary>
        internal static readonly HashSet<string> TransientCodes = new HashSet<string>(StringComparer.Ordinal)
        {
            "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
        };

        private static readonly HashSet<string> BadCredentialCodes = new HashSet<string>(StringComparer.Ordinal)
        {
            "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "AuthFailure",
            "InvalidAccessKeyId", "IncompleteSignature", "InvalidSignatureException", "MissingAuthenticationToken",
        };

        private static readonly HashSet<string> ExpiredCodes = new HashSet<string>(StringComparer.Ordinal)
        {
            "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired",
        };

        public static bool IsThrottling(string code) => code != null && ThrottlingCodes.Contains(code);

        /// <summary>True when the standard retry mode retries this response.</summary>
        public static bool IsRetryable(string code, int statusCode)
        {
            if (IsAuthenticationFailure(code)) return false;
            if (code != null && (ThrottlingCodes.Contains(code) || TransientCodes.Contains(code))) return true;
            return statusCode == 500 || statusCode == 502 || statusCode == 503 || statusCode == 504 || statusCode == 429;
        }

        public static bool IsAuthenticationFailure(string code) =>
            code != null && (BadCredentialCodes.Contains(code) || ExpiredCodes.Contains(code));

        public static bool IsExpiredToken(string code) => code != null && ExpiredCodes.Contains(code);

        public static string ErrorIdFor(string code, int status)
        {
            if (code != null)
            {
                if (ExpiredCodes.Contains(code)) return "FinAwsTokenExpired";
                if (BadCredentialCodes.Contains(code)) return "FinAwsCredentialsRejected";
                if (ThrottlingCodes.Contains(code)) return "FinAwsThrottled";
                if (code.StartsWith("AccessDenied", StringComparison.Ordinal) || code == "UnauthorizedOperation" ||
                    code == "UnauthorizedAccess" || code == "Forbidden") return "FinAwsAccessDenied";
                if (code.IndexOf("NotFound", StringComparison.Ordinal) >= 0 || code.StartsWith("NoSuch", StringComparison.Ordinal)) return "FinAwsNotFound";
                if (code.IndexOf("AlreadyExists", StringComparison.Ordinal) >= 0 || code.IndexOf("Duplicate", StringComparison.Ordinal) >= 0) return "FinAwsAlreadyExists";
                if (code.IndexOf("Validation", StringComparison.Ordinal) >= 0 || code.StartsWith("InvalidParameter", StringComparison.Ordinal) ||
                    code.StartsWith("MissingParameter", StringComparison.Ordinal)) return "FinAwsInvalidRequest";
                if (code.StartsWith("Invalid", StringComparison.Ordinal) && code.EndsWith("State", StringComparison.Ordinal) ||
                    code.EndsWith("StateFault", StringComparison.Ordinal)) return "FinAwsInvalidState";
                if (code.IndexOf("QuotaExceeded", StringComparison.Ordinal) >= 0) return "FinAwsQuotaExceeded";
            }
            if (status >= 500) return "FinAwsServiceUnavailable";
            if (status == 404) return "FinAwsNotFound";
            return "FinAwsRequestFailed";
        }

        public static FinErrorKind KindFor(string code, int status)
        {
            switch (ErrorIdFor(code, status))
            {
                case "FinAwsTokenExpired":
                case "FinAwsCredentialsRejected": return FinErrorKind.AuthenticationError;
                case "FinAwsThrottled":
                case "FinAwsQuotaExceeded": return FinErrorKind.LimitsExceeded;
                case "FinAwsAccessDenied": return FinErrorKind.PermissionDenied;
                case "FinAwsNotFound": return FinErrorKind.ObjectNotFound;
                case "FinAwsAlreadyExists": return FinErrorKind.ResourceExists;
                case "FinAwsInvalidRequest": return FinErrorKind.InvalidArgument;
                case "FinAwsServiceUnavailable": return FinErrorKind.ResourceUnavailable;
                default: return FinErrorKind.InvalidOperation;
            }
        }

        public static string RecommendedActionFor(string code, int status)
        {
            switch (ErrorIdFor(code, status))
            {
                case "FinAwsTokenExpired":
                    return "The session token has expired. Get fresh temporary credentials (e.g. aws sso login, or a new AssumeRole) and try again.";
                case "FinAwsCredentialsRejected":
                    return "AWS rejected the access key or its signature. Check -AccessKey/-SecretKey or the profile's keys (and that the clock is correct), or use another -ProfileName.";
                case "FinAwsThrottled":
                    return "AWS throttled the request even after retries. Wait a minute and try again, or reduce parallel work.";
                case "FinAwsAccessDenied":
                    return "The identity lacks permission for this call. Ask for the IAM permission named in the message.";
                case "FinAwsServiceUnavailable":
                    return "The service reported an internal error even after retries. Try again later.";
                default:
                    return null;
            }
        }
    }
}
