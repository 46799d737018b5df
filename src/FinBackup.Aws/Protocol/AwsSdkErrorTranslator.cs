using System;
using System.Net.Http;
using Amazon.Runtime;
using FinBackup.Domain;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// Turns exceptions from the official SDK clients (EC2, S3, KMS, STS, SSM) into the same FinBackup errors the protocol
    /// clients raise: <see cref="AwsServiceException"/> (code, message, request id, status; error id by code) for service
    /// errors, FinAwsEndpointUnreachable / FinAwsTimeout for transport failures. Use in adapters:
    /// <c>catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex)) { throw AwsSdkErrorTranslator.Translate(ex, "ec2", "CreateSnapshot"); }</c>.
    /// </summary>
    public static class AwsSdkErrorTranslator
    {
        public static bool CanTranslate(Exception ex) =>
            ex is AmazonServiceException || ex is AmazonClientException || ex is HttpRequestException || ex is System.IO.IOException ||
            (ex is OperationCanceledException && !(ex.InnerException is null) && ex.InnerException is TimeoutException);

        public static FinBackupException Translate(Exception ex, string service, string operation)
        {
            if (ex is FinBackupException fin) return fin;
            if (ex is AmazonServiceException ase && (ase.ErrorCode != null || (int)ase.StatusCode != 0))
            {
                return new AwsServiceException(service, operation, (int)ase.StatusCode, ase.ErrorCode, ase.Message, ase.RequestId);
            }
            if (ex is OperationCanceledException)
            {
                return new FinBackupException("FinAwsTimeout", FinErrorKind.OperationTimeout,
                    $"AWS {service} {operation} did not answer in time.", "Check the network path to the endpoint and that -EndpointUrl/-Region are right.", ex);
            }
            var inner = ex;
            while (inner.InnerException != null) inner = inner.InnerException;
            if (inner is System.IO.IOException || ex is System.IO.IOException)
                return AwsErrorTable.ConnectionLost($"AWS {service} {operation}", ex);
            return new FinBackupException("FinAwsEndpointUnreachable", FinErrorKind.ConnectionError,
                $"Cannot reach AWS {service} ({operation}): {inner.Message}",
                AwsErrorTable.UnreachableAdvice(null), ex);
        }
    }
}
