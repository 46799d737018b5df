using System.Management.Automation;
using FinBackup.Domain;

namespace FinBackup.Common
{
    internal static class ErrorCategoryMap
    {
        internal static ErrorCategory ToCategory(FinErrorKind kind)
        {
            switch (kind)
            {
                case FinErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case FinErrorKind.InvalidData: return ErrorCategory.InvalidData;
                case FinErrorKind.ObjectNotFound: return ErrorCategory.ObjectNotFound;
                case FinErrorKind.ResourceExists: return ErrorCategory.ResourceExists;
                case FinErrorKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case FinErrorKind.AuthenticationError: return ErrorCategory.AuthenticationError;
                case FinErrorKind.ConnectionError: return ErrorCategory.ConnectionError;
                case FinErrorKind.LimitsExceeded: return ErrorCategory.LimitsExceeded;
                case FinErrorKind.ResourceUnavailable: return ErrorCategory.ResourceUnavailable;
                case FinErrorKind.OperationTimeout: return ErrorCategory.OperationTimeout;
                case FinErrorKind.ReadError: return ErrorCategory.ReadError;
                case FinErrorKind.WriteError: return ErrorCategory.WriteError;
                case FinErrorKind.SecurityError: return ErrorCategory.SecurityError;
                case FinErrorKind.NotImplemented: return ErrorCategory.NotImplemented;
                case FinErrorKind.NotInstalled: return ErrorCategory.NotInstalled;
                default: return ErrorCategory.InvalidOperation;
            }
        }
    }
}
