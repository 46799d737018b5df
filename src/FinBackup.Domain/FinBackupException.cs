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

        /// <summary>
        /// Any failure as a FinBackupException, so one resource's failure becomes one ErrorRecord and never ends a run: a
        /// FinBackupException as is; an AggregateException (parallel work) as the first FinBackupException inside it; anything
        /// else as FinUnexpectedError naming <paramref name="context"/>. Cancellation is not converted (callers rethrow it).
        /// </summary>
        public static FinBackupException From(Exception ex, string context)
        {
            if (ex is FinBackupException fin) return fin;
            if (ex is AggregateException agg)
            {
                foreach (var inner in agg.Flatten().InnerExceptions)
                    if (inner is FinBackupException f) return f;
                if (agg.InnerExceptions.Count == 1) return From(agg.InnerExceptions[0], context);
            }
            return new FinBackupException(FinErrorIds.UnexpectedError, FinErrorIds.KindOf(FinErrorIds.UnexpectedError),
                $"{context}: {ex.GetType().Name}: {ex.Message}", FinErrorIds.ActionFor(FinErrorIds.UnexpectedError), ex);
        }

        /// <summary>True for exceptions a run must not swallow (cancellation).</summary>
        public static bool IsCancellation(Exception ex) => ex is OperationCanceledException;
    }
}
