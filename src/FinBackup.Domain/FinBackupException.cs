using System;

namespace FinBackup.Domain
{
    /// <summary>What went wrong, in terms the cmdlet layer maps onto PowerShell's ErrorCategory.</summary>
    public enum FinErrorKind
    {
        InvalidArgument,
        InvalidData,
        ObjectNotFound,
        ResourceExists,
        PermissionDenied,
        AuthenticationError,
        ConnectionError,
        LimitsExceeded,
        ResourceUnavailable,
        OperationTimeout,
        InvalidOperation,
        ReadError,
        WriteError,
        SecurityError,
        NotImplemented,
        NotInstalled,
    }

    /// <summary>
    /// An expected failure with a stable error id (becomes the FullyQualifiedErrorId) and, where there is one,
    /// the fix to suggest. Anything that reaches the user should be one of these, not a raw exception.
    /// </summary>
    public class FinBackupException : Exception
    {
        public FinBackupException(string errorId, FinErrorKind kind, string message, string recommendedAction = null, Exception inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            RecommendedAction = recommendedAction;
        }

        public string ErrorId { get; }
        public FinErrorKind Kind { get; }
        public string RecommendedAction { get; }
    }
}
