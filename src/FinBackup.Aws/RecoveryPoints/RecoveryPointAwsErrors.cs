using System;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;
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
            catch (Exception ex) when (!(ex is FinBackupException) && !(ex is OperationCanceledException) && LookBeforeResend.IsTransport(ex))
            {
                throw Transport(ex, what);
            }
        }

        /// <summary>A call that got no usable answer (connection refused or lost mid-reply, timeout, unreadable reply).</summary>
        public static FinBackupException Transport(Exception ex, string what)
        {
            var inner = ex;
            while (inner?.InnerException != null) inner = inner.InnerException;
            if (inner is System.IO.IOException) return AwsErrorTable.ConnectionLost(what, ex);
            return new FinBackupException(FinErrorIds.AwsConnectionFailed, FinErrorIds.KindOf(FinErrorIds.AwsConnectionFailed),
                $"{what}: no usable answer from AWS ({inner?.Message ?? "unknown"}).", FinErrorIds.ActionFor(FinErrorIds.AwsConnectionFailed), ex);
        }

        /// <summary>An SDK service error as a FinBackupException: id, kind and advice from <see cref="AwsErrorTable"/>.</summary>
        public static FinBackupException Map(AmazonServiceException ex, string what, string service = "ec2")
        {
            var code = ex.ErrorCode ?? string.Empty;
            if (code.Length == 0 && (int)ex.StatusCode == 0) return Transport(ex, what);
            var msg = $"{what}: {code} {ex.Message}".Trim();
            var m = AwsErrorTable.Classify(code, (int)ex.StatusCode, service);
            return new FinBackupException(m.ErrorId, m.Kind, msg, m.RecommendedAction, ex);
        }

        /// <summary>The AWS error code behind a FinBackupException raised by <see cref="Call"/> (null when there is none).</summary>
        public static string AwsCode(FinBackupException ex) =>
            (ex?.InnerException as AmazonServiceException)?.ErrorCode ?? (ex as Protocol.AwsServiceException)?.ErrorCode;
    }
}
