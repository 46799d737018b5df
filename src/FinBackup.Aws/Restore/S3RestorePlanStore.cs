using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Aws.Files;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Restore;

namespace FinBackup.Aws.Restore
{
    /// <summary>Plans and approvals as JSON objects in one region's backup bucket: SSE-KMS and a SHA-256 checksum on every write.</summary>
    [Gateway(typeof(IRestorePlanStore))]
    public sealed class S3RestorePlanStore : IRestorePlanStore
    {
        private readonly IAmazonS3 _s3;
        private readonly S3FileBackupStore _files;

        public S3RestorePlanStore(AwsClientContext context, string region)
        {
            Region = context.Region(region);
            _s3 = context.S3(Region);
            _files = new S3FileBackupStore(context, Region);
        }

        public string Region { get; }

        public BucketProtection DescribeBucket(string bucket, CancellationToken ct) => _files.DescribeBucket(bucket, ct);

        public string PutPlan(string bucket, RestorePlan plan, ObjectWriteOptions options, CancellationToken ct)
        {
            var key = RestorePlanLayout.PlanKey(plan.PlanId);
            Put(bucket, key, RestorePlanJson.Serialize(plan), options, ct);
            return $"s3://{bucket}/{key}";
        }

        public RestorePlan GetPlan(string bucket, string planId, CancellationToken ct)
        {
            var key = RestorePlanLayout.PlanKey(planId);
            var bytes = Get(bucket, key, ct);
            return bytes == null ? null : RestorePlanJson.DeserializePlan(bytes, $"s3://{bucket}/{key}");
        }

        public void PutApproval(string bucket, RestoreApproval approval, ObjectWriteOptions options, CancellationToken ct)
        {
            var key = RestorePlanLayout.ApprovalKey(approval.PlanId, approval.Approver);
            Put(bucket, key, RestorePlanJson.Serialize(approval), options, ct);
            approval.Location = $"s3://{bucket}/{key}";
        }

        public IReadOnlyList<RestoreApproval> ListApprovals(string bucket, string planId, CancellationToken ct)
        {
            var result = new List<RestoreApproval>();
            foreach (var o in _files.List(bucket, RestorePlanLayout.ApprovalPrefix(planId), ct))
            {
                if (!o.Key.EndsWith(".json", StringComparison.Ordinal)) continue;
                var bytes = Get(bucket, o.Key, ct);
                if (bytes == null) continue;
                try
                {
                    result.Add(RestorePlanJson.DeserializeApproval(bytes, $"s3://{bucket}/{o.Key}"));
                }
                catch (FinBackupException)
                {
                    // an unreadable object is not an approval
                }
            }
            return result;
        }

        private void Put(string bucket, string key, byte[] body, ObjectWriteOptions options, CancellationToken ct)
        {
            if (options == null || string.IsNullOrEmpty(options.KmsKeyId))
                throw new FinBackupException("FinRestorePlanKeyMissing", FinErrorKind.InvalidArgument,
                    $"No KMS key to encrypt s3://{bucket}/{key} with.", "Set the policy's KmsKeys for the region.");
            byte[] sha;
            using (var h = SHA256.Create()) sha = h.ComputeHash(body);
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = new MemoryStream(body, false),
                AutoCloseStream = true,
                ContentType = "application/json",
                ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                ChecksumSHA256 = Convert.ToBase64String(sha),
                UseChunkEncoding = false,
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ServerSideEncryptionKeyManagementServiceKeyId = options.KmsKeyId,
            };
            if (options.RetainUntil.HasValue)
            {
                request.ObjectLockMode = new ObjectLockMode(options.ObjectLockMode ?? "GOVERNANCE");
                request.ObjectLockRetainUntilDate = options.RetainUntil.Value;
            }
            Run(() => _s3.PutObjectAsync(request, ct).GetAwaiter().GetResult(), bucket, key);
        }

        /// <summary>The object's bytes, or null when it does not exist.</summary>
        private byte[] Get(string bucket, string key, CancellationToken ct)
        {
            try
            {
                return Run(() =>
                {
                    using (var r = _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct).GetAwaiter().GetResult())
                    using (var ms = new MemoryStream())
                    {
                        r.ResponseStream.CopyTo(ms);
                        return ms.ToArray();
                    }
                }, bucket, key);
            }
            catch (FinBackupException ex) when (ex.ErrorId == "FinFileObjectNotFound")
            {
                return null;
            }
        }

        private T Run<T>(Func<T> call, string bucket, string key)
        {
            try
            {
                return call();
            }
            catch (AmazonServiceException ex)
            {
                throw S3FileBackupStore.Translate(ex, bucket, key);
            }
            catch (Exception ex) when (ex is AmazonClientException || S3FileBackupStore.IsTransport(ex))
            {
                throw new FinBackupException("FinS3ConnectionFailed", FinErrorKind.ConnectionError,
                    $"Could not reach S3 in {Region} for s3://{bucket}/{key}: {ex.Message}", "Check the network, the endpoint and the region.", ex);
            }
            catch (IOException ex)
            {
                throw new FinBackupException("FinS3ConnectionFailed", FinErrorKind.ConnectionError, $"Reading s3://{bucket}/{key} failed: {ex.Message}", "Retry.", ex);
            }
        }
    }
}
