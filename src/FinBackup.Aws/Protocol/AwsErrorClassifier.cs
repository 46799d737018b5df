using System;
using System.Collections.Generic;
using FinBackup.Domain;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// Sorts AWS error codes: which are retried (the SDK standard retry mode's throttling and transient codes, and 5xx),
    /// which mean bad or expired credentials (never retried), and and (through <see cref="AwsErrorTable"/>) which FinBackup error id and category each maps to.
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

        /// <summary>The FinBackup error id for an AWS error: see <see cref="AwsErrorTable"/>, the one table.</summary>
        public static string ErrorIdFor(string code, int status) => AwsErrorTable.Classify(code, status).ErrorId;

        public static FinErrorKind KindFor(string code, int status) => AwsErrorTable.Classify(code, status).Kind;

        public static string RecommendedActionFor(string code, int status) => AwsErrorTable.Classify(code, status).RecommendedAction;
    }
}
