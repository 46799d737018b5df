using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Aws.Files;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.Audit
{
    /// <summary>
    /// Audit records and run digests as S3 objects in one region: conditional creates (If-None-Match: *; S3 and moto 5.2.1
    /// answer 412 PreconditionFailed when the key exists), SSE-KMS and a SHA-256 checksum on every write, Object Lock
    /// COMPLIANCE retention when asked; KMS data keys for the digests.
    /// </summary>
    [Gateway(typeof(IAuditRecordStore))]
    public sealed class S3AuditRecordStore : IAuditRecordStore
    {
        private readonly AwsClientContext _context;
        private readonly IAmazonS3 _s3;
        private readonly S3FileBackupStore _files;

        public S3AuditRecordStore(AwsClientContext context, string region)
        {
            _context = context;
            Region = context.Region(region);
            _s3 = context.S3(Region);
            _files = new S3FileBackupStore(context, Region);
        }

        public string Region { get; }

        public BucketProtection DescribeBucket(string bucket, CancellationToken ct) => _files.DescribeBucket(bucket, ct);

        public IReadOnlyList<string> ListKeys(string bucket, string prefix, string startAfter, CancellationToken ct)
        {
            var result = new List<string>();
            var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, MaxKeys = 1000, StartAfter = startAfter };
            while (true)
            {
                var page = Run(() => _s3.ListObjectsV2Async(request, ct).GetAwaiter().GetResult(), bucket, prefix);
                if (page.S3Objects != null) foreach (var o in page.S3Objects) result.Add(o.Key);
                if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) break;
                request.ContinuationToken = page.NextContinuationToken;
            }
            result.Sort(StringComparer.Ordinal);
            return result;
        }

        public bool Exists(string bucket, string key, CancellationToken ct)
        {
            try
            {
                _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, ct).GetAwaiter().GetResult();
                return true;
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
            {
                return false;
            }
            catch (AmazonServiceException ex)
            {
                throw S3FileBackupStore.Translate(ex, bucket, key);
            }
            catch (Exception ex) when (ex is AmazonClientException || S3FileBackupStore.IsTransport(ex))
            {
                throw Connection(bucket, key, ex);
            }
        }

        public byte[] Get(string bucket, string key, CancellationToken ct)
        {
            try
            {
                using (var r = _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct).GetAwaiter().GetResult())
                using (var ms = new MemoryStream())
                {
                    r.ResponseStream.CopyTo(ms);
                    return ms.ToArray();
                }
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey" || (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket"))
            {
                return null;
            }
            catch (AmazonServiceException ex)
            {
                throw S3FileBackupStore.Translate(ex, bucket, key);
            }
            catch (Exception ex) when (ex is AmazonClientException || S3FileBackupStore.IsTransport(ex))
            {
                throw Connection(bucket, key, ex);
            }
            catch (IOException ex)
            {
                throw new FinBackupException("FinS3ConnectionFailed", FinErrorKind.ConnectionError, $"Reading s3://{bucket}/{key} failed: {ex.Message}", "Retry.", ex);
            }
        }

        public bool PutIfAbsent(string bucket, string key, byte[] body, string kmsKeyId, DateTime? retainUntilUtc, out string requestId, CancellationToken ct)
        {
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
                IfNoneMatch = "*",
            };
            if (!string.IsNullOrEmpty(kmsKeyId))
            {
                request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                request.ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId;
            }
            if (retainUntilUtc.HasValue)
            {
                request.ObjectLockMode = ObjectLockMode.Compliance;
                request.ObjectLockRetainUntilDate = retainUntilUtc.Value;
            }
            try
            {
                var r = _s3.PutObjectAsync(request, ct).GetAwaiter().GetResult();
                requestId = r.ResponseMetadata?.RequestId;
                return true;
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed || ex.ErrorCode == "PreconditionFailed" || ex.StatusCode == HttpStatusCode.Conflict && ex.ErrorCode == "ConditionalRequestConflict")
            {
                requestId = ex.RequestId;
                return false;
            }
            catch (AmazonServiceException ex)
            {
                throw S3FileBackupStore.Translate(ex, bucket, key);
            }
            catch (Exception ex) when (ex is AmazonClientException || S3FileBackupStore.IsTransport(ex))
            {
                throw Connection(bucket, key, ex);
            }
        }

        public AuditDataKey GenerateDataKey(string kmsKeyId, IDictionary<string, string> encryptionContext, CancellationToken ct)
        {
            try
            {
                var r = _context.Kms(Region).GenerateDataKeyAsync(new GenerateDataKeyRequest
                {
                    KeyId = kmsKeyId,
                    KeySpec = DataKeySpec.AES_256,
                    EncryptionContext = new Dictionary<string, string>(encryptionContext),
                }, ct).GetAwaiter().GetResult();
                return new AuditDataKey { Plaintext = r.Plaintext.ToArray(), Ciphertext = r.CiphertextBlob.ToArray(), KeyId = r.KeyId };
            }
            catch (AmazonServiceException ex)
            {
                throw RecoveryPointAwsErrors.Map(ex, $"KMS GenerateDataKey with '{kmsKeyId}' in {Region} (kms:GenerateDataKey)", "kms");
            }
            catch (Exception ex) when (ex is AmazonClientException || S3FileBackupStore.IsTransport(ex))
            {
                throw new FinBackupException("FinAwsConnectionFailed", FinErrorKind.ConnectionError, $"Could not reach KMS in {Region}: {ex.Message}", null, ex);
            }
        }

        public byte[] DecryptDataKey(byte[] ciphertext, IDictionary<string, string> encryptionContext, CancellationToken ct)
        {
            try
            {
                var r = _context.Kms(Region).DecryptAsync(new DecryptRequest
                {
                    CiphertextBlob = new MemoryStream(ciphertext, false),
                    EncryptionContext = new Dictionary<string, string>(encryptionContext),
                }, ct).GetAwaiter().GetResult();
                return r.Plaintext.ToArray();
            }
            catch (AmazonServiceException ex) when (ex.ErrorCode == "InvalidCiphertextException" || ex.ErrorCode == "AccessDeniedException" || ex.ErrorCode == "AccessDenied")
            {
                throw new FinBackupException("FinAuditDigestKeyRefused", FinErrorKind.PermissionDenied,
                    $"KMS in {Region} would not decrypt the digest's data key (kms:Decrypt): {ex.ErrorCode} {ex.Message}", null, ex);
            }
            catch (AmazonServiceException ex)
            {
                throw RecoveryPointAwsErrors.Map(ex, $"KMS Decrypt in {Region} (kms:Decrypt)", "kms");
            }
            catch (Exception ex) when (ex is AmazonClientException || S3FileBackupStore.IsTransport(ex))
            {
                throw new FinBackupException("FinAwsConnectionFailed", FinErrorKind.ConnectionError, $"Could not reach KMS in {Region}: {ex.Message}", null, ex);
            }
        }

        private T Run<T>(Func<T> call, string bucket, string key)
        {
            try { return call(); }
            catch (AmazonServiceException ex) { throw S3FileBackupStore.Translate(ex, bucket, key); }
            catch (Exception ex) when (ex is AmazonClientException || S3FileBackupStore.IsTransport(ex)) { throw Connection(bucket, key, ex); }
        }

        private FinBackupException Connection(string bucket, string key, Exception ex) =>
            new FinBackupException("FinS3ConnectionFailed", FinErrorKind.ConnectionError,
                $"Could not reach S3 in {Region} for s3://{bucket}/{key}: {ex.Message}", "Check the network, the endpoint and the region.", ex);
    }

    /// <summary>
    /// The <see cref="IAuditLog"/> port for readers and writers outside the audit cmdlets (Test-FinCompliance reads it):
    /// bind it to the policy first — <c>Session.Get&lt;IAuditLog&gt;(region).Open(policy)</c> — then Append/Read by policy name.
    /// The chain, sequencing and digests are <see cref="Domain.Audit.ChainedAuditLog"/>'s.
    /// </summary>
    [Gateway(typeof(IAuditLog))]
    public sealed class S3AuditLog : IAuditLog, Domain.Audit.IAuditRunSigner, Domain.Audit.IAuditLogBinding
    {
        private readonly S3AuditRecordStore _store;
        private readonly Dictionary<string, Domain.Audit.ChainedAuditLog> _logs = new Dictionary<string, Domain.Audit.ChainedAuditLog>(StringComparer.Ordinal);

        public S3AuditLog(AwsClientContext context, string region)
        {
            _store = new S3AuditRecordStore(context, region);
        }

        public void Bind(Domain.Audit.AuditLogLocation location)
        {
            lock (_logs)
                if (!_logs.ContainsKey(location.PolicyName)) _logs[location.PolicyName] = new Domain.Audit.ChainedAuditLog(_store, location);
        }

        private Domain.Audit.ChainedAuditLog For(string policyName)
        {
            lock (_logs)
                if (policyName != null && _logs.TryGetValue(policyName, out var log)) return log;
            throw new FinBackupException("FinAuditLogNotConfigured", FinErrorKind.InvalidArgument,
                $"The audit log of policy '{policyName}' was not opened: the port does not know its bucket.",
                "Open it with Session.Get<IAuditLog>(region).Open(policy) (AuditLogs.Open).");
        }

        public IReadOnlyList<Domain.Audit.AuditEvent> Append(string policyName, IReadOnlyList<Domain.Audit.AuditEvent> events, CancellationToken ct) =>
            For(policyName).Append(policyName, events, ct);

        public IReadOnlyList<Domain.Audit.AuditEvent> Read(string policyName, DateTime? fromUtc, DateTime? toUtc, CancellationToken ct) =>
            For(policyName).Read(policyName, fromUtc, toUtc, ct);

        public void SignRun(string policyName, string runId, CancellationToken ct) => For(policyName).SignRun(policyName, runId, ct);
    }
}
