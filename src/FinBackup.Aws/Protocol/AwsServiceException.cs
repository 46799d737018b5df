using System;
using FinBackup.Domain;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// An error response from an AWS service, as returned by FinBackup's protocol clients: the AWS error code,
    /// message, request id and HTTP status. It is a <see cref="FinBackupException"/>, so it surfaces in a cmdlet with
    /// a stable error id chosen from the code (see <see cref="AwsErrorClassifier"/>) and the right error category.
    /// </summary>
    public sealed class AwsServiceException : FinBackupException
    {
        public AwsServiceException(string service, string operation, int statusCode, string errorCode, string awsMessage, string requestId)
            : base(AwsErrorTable.Classify(errorCode, statusCode, service).ErrorId,
                   AwsErrorTable.Classify(errorCode, statusCode, service).Kind,
                   BuildMessage(service, operation, statusCode, errorCode, awsMessage, requestId),
                   AwsErrorTable.Classify(errorCode, statusCode, service).RecommendedAction)
        {
            Service = service;
            Operation = operation;
            StatusCode = statusCode;
            ErrorCode = errorCode;
            AwsMessage = awsMessage;
            RequestId = requestId;
        }

        /// <summary>Service name as signed, e.g. "rds", "backup", "secretsmanager".</summary>
        public string Service { get; }
        /// <summary>Operation name, e.g. "DescribeDBSnapshots".</summary>
        public string Operation { get; }
        public int StatusCode { get; }
        /// <summary>AWS error code without any namespace prefix, e.g. "DBSnapshotNotFound", "ThrottlingException".</summary>
        public string ErrorCode { get; }
        /// <summary>The service's own message text.</summary>
        public string AwsMessage { get; }
        public string RequestId { get; }

        private static string BuildMessage(string service, string operation, int status, string code, string message, string requestId)
        {
            var text = $"AWS {service} {operation} failed: {code ?? "HTTP " + status}";
            if (!string.IsNullOrEmpty(message)) text += ": " + message;
            if (!string.IsNullOrEmpty(requestId)) text += $" (request id {requestId})";
            return text;
        }
    }
}
