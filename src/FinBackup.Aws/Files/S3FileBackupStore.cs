using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.Files
{
    /// <summary>File-backup objects in S3 for one region: SSE-KMS and x-amz-checksum-sha256 on every write.</summary>
    [Gateway(typeof(IFileBackupStore))]
    public sealed class S3FileBackupStore : IFileBackupStore, IFileRangeStreams
    {
        private readonly AwsClientContext _context;
        private readonly IAmazonS3 _s3;
        private readonly S3ObjectClient _objects;

        public S3FileBackupStore(AwsClientContext context, string region)
        {
            _context = context;
            Region = context.Region(region);
            _s3 = context.S3(Region);
            _objects = context.S3Objects(Region);
        }

        public string Region { get; }

        public BucketProtection DescribeBucket(string bucket, CancellationToken ct)
        {
            try
            {
                var lockConfiguration = OnObjectClient(() => _objects.GetObjectLockAsync(bucket, ct), bucket, null);
                var mode = lockConfiguration.Value;
                return new BucketProtection { ObjectLockEnabled = lockConfiguration.Key, ObjectLockMode = string.IsNullOrEmpty(mode) ? "GOVERNANCE" : mode };
            }
            catch (FinBackupException ex) when (ex.ErrorId == "FinS3ObjectLockNotConfigured")
            {
                return new BucketProtection { ObjectLockEnabled = false };
            }
        }

        public IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken ct)
        {
            var result = new List<StoredObject>();
            string token = null;
            do
            {
                var page = OnObjectClient(() => _objects.ListPageAsync(bucket, prefix, token, ct), bucket, null);
                result.AddRange(page.Objects);
                token = page.NextContinuationToken;
            }
            while (token != null);
            return result;
        }

        /// <summary>
        /// One content PUT (<see cref="S3ObjectClient"/>: FinBackup's own signed request, not the SDK's pipeline), the
        /// body streamed once, its SHA-256 signed as the payload hash and sent as x-amz-checksum-sha256. S3 errors go through
        /// the one error table as the SDK path's did; a connection that failed is FinS3ConnectionFailed; a body that could not
        /// be read (a large file that changed under its upload, a read error) is rethrown as the body's own exception.
        /// </summary>
        public void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, ObjectWriteOptions options, CancellationToken ct)
        {
            var request = _objects.PutRequestFor(bucket, key, content, length, sha256, options.KmsKeyId, options.ObjectLockMode, options.RetainUntil);
            OnObjectClient(() => _objects.PutAsync(request, ct), bucket, key);
        }

        /// <summary>
        /// A call on <see cref="S3ObjectClient"/> with its failures as the store reports them: an S3 error through the
        /// one error table, a connection that failed (after the protocol client's retries) as FinS3ConnectionFailed, and a
        /// request body that could not be read as the body's own exception.
        /// </summary>
        private T OnObjectClient<T>(Func<Task<T>> call, string bucket, string key)
        {
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (AwsRequestBodyException ex)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw; // not reached
            }
            catch (Protocol.AwsServiceException ex)
            {
                throw Translate(ex.ErrorCode, ex.StatusCode, ex.AwsMessage, ex, bucket, key);
            }
            catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ConnectionError || ex.Kind == FinErrorKind.OperationTimeout)
            {
                throw ConnectionFailed(ex, bucket, key); // unreachable, lost or timed out after the protocol client's retries
            }
            catch (Exception ex) when (IsTransport(ex))
            {
                throw ConnectionFailed(ex, bucket, key);
            }
        }

        public void Touch(string bucket, string key, ObjectWriteOptions options, CancellationToken ct)
        {
            CopyFrom(Region, bucket, key, bucket, options, ct);
        }

        public void ReadRange(string bucket, string key, long offset, int length, byte[] destination, int destinationOffset, CancellationToken ct)
        {
            if (length == 0) return;
            using (var stream = OpenRange(bucket, key, offset, length, ct))
            {
                var total = 0;
                while (total < length)
                {
                    var n = stream.Read(destination, destinationOffset + total, length - total);
                    if (n <= 0) break;
                    total += n;
                }
                if (total != length)
                    throw new FinBackupException("FinS3ShortRead", FinErrorKind.InvalidData,
                        $"s3://{bucket}/{key} returned {total} bytes at offset {offset}, not {length}.",
                        "The object is shorter than the manifest says; restore from another recovery point.");
            }
        }

        /// <summary>
        /// One ranged GET (<see cref="S3ObjectClient"/>: FinBackup's own signed request, not the SDK's pipeline), its body
        /// read front to back: exactly the range's bytes; a reply cut short or stalled (the connection) and an object
        /// shorter than the range are reported as FinBackup errors (FinS3ConnectionFailed, FinS3ShortRead).
        /// </summary>
        public Stream OpenRange(string bucket, string key, long offset, long length, CancellationToken ct)
        {
            if (length <= 0) return Stream.Null;
            var body = OnObjectClient(() => _objects.OpenAsync(bucket, key, offset, length, ct), bucket, key);
            return new RangeStream(this, body, bucket, key, offset, length);
        }

        /// <summary>The ranged GET's body with its failures as FinBackup errors, as <see cref="ReadRange"/> reports them.</summary>
        private sealed class RangeStream : Stream
        {
            private readonly S3FileBackupStore _owner;
            private readonly Stream _body;
            private readonly string _bucket, _key;
            private readonly long _offset, _length;

            internal RangeStream(S3FileBackupStore owner, Stream body, string bucket, string key, long offset, long length)
            {
                _owner = owner; _body = body; _bucket = bucket; _key = key; _offset = offset; _length = length;
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                try
                {
                    return _body.Read(buffer, offset, count);
                }
                catch (S3ObjectClient.RangeShortException ex)
                {
                    throw new FinBackupException("FinS3ShortRead", FinErrorKind.InvalidData,
                        $"s3://{_bucket}/{_key} returned {ex.Received} bytes at offset {_offset}, not {_length}.",
                        "The object is shorter than the manifest says; restore from another recovery point.", ex);
                }
                catch (S3ObjectClient.RangeBodyException ex)
                {
                    throw _owner.ConnectionFailed(ex, _bucket, _key); // the reply was cut short: not a short object
                }
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing) _body.Dispose();
                base.Dispose(disposing);
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => _length;
            public override long Position { get => _body.Position; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        public void PutManifest(string bucket, FileManifest manifest, IDictionary<string, string> tags, ObjectWriteOptions options, CancellationToken ct)
        {
            // Large manifests (tens of thousands of files) are spooled to a temporary file rather than held in memory.
            var spool = Path.Combine(Path.GetTempPath(), "finbackup-manifest-" + Guid.NewGuid().ToString("N") + ".json");
            try
            {
                byte[] sha;
                using (var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
                {
                    FileManifestJson.SerializeTo(manifest, file);
                    file.Position = 0;
                    using (var h = SHA256.Create()) sha = h.ComputeHash(file);
                    file.Position = 0;
                    // Tagged, encrypted and (on a locked bucket) retained in the PUT itself: the manifest never exists without them.
                    var request = _objects.PutRequestFor(bucket, manifest.Key, file, file.Length, sha, options.KmsKeyId, options.ObjectLockMode,
                        options.RetainUntil, "application/json", tags);
                    OnObjectClient(() => _objects.PutAsync(request, ct), bucket, manifest.Key);
                }
            }
            finally
            {
                try { File.Delete(spool); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        public FileManifest GetManifest(string bucket, string key, CancellationToken ct)
        {
            FileManifest m;
            // The body is a stream of S3's Content-Length bytes: one that ends early or stalls throws an IOException from Read.
            using (var stream = OnObjectClient(() => _objects.OpenObjectAsync(bucket, key, ct), bucket, key))
            {
                try
                {
                    m = FileManifestJson.Deserialize(stream, key);
                }
                catch (Exception ex) when (IsTransport(ex))
                {
                    throw ReplyCutShort(bucket, key, ex);
                }
                catch (FinBackupException invalid) when (invalid.ErrorId == FinErrorIds.FileManifestInvalid)
                {
                    // The parse stops at the first byte that is not a manifest, which may come before the point where the
                    // reply was cut off (a reply cut short can even carry another answer's body). "Invalid" is an alarm
                    // for an auditor (was the object modified?), so it is reported only for a body that arrived whole.
                    try
                    {
                        stream.CopyTo(Stream.Null);
                    }
                    catch (Exception ex) when (IsTransport(ex))
                    {
                        throw ReplyCutShort(bucket, key, ex);
                    }
                    throw;
                }
            }
            m.Key = key;
            m.Bucket = bucket;
            return m;
        }

        public IDictionary<string, string> GetTags(string bucket, string key, CancellationToken ct)
        {
            return OnObjectClient(() => _objects.GetTagsAsync(bucket, key, ct), bucket, key);
        }

        public IDictionary<string, string> Delete(string bucket, IReadOnlyCollection<string> keys, CancellationToken ct)
        {
            var failures = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var batch in keys.Select((k, i) => new { k, i }).GroupBy(x => x.i / 1000, x => x.k))
            {
                var request = new DeleteObjectsRequest
                {
                    BucketName = bucket,
                    Quiet = true,
                    Objects = batch.Select(k => new KeyVersion { Key = k }).ToList(),
                };
                try
                {
                    var r = Run(() => _s3.DeleteObjectsAsync(request, ct), bucket);
                    if (r.DeleteErrors != null) foreach (var e in r.DeleteErrors) failures[e.Key] = e.Code + ": " + e.Message;
                }
                catch (FinBackupException ex)
                {
                    foreach (var k in batch) failures[k] = ex.Message;
                }
            }
            return failures;
        }

        public void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, ObjectWriteOptions options, CancellationToken ct)
        {
            var request = new CopyObjectRequest
            {
                SourceBucket = sourceBucket,
                SourceKey = key,
                DestinationBucket = destinationBucket,
                DestinationKey = key,
                MetadataDirective = S3MetadataDirective.REPLACE,
                ContentType = "application/octet-stream",
                ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ServerSideEncryptionKeyManagementServiceKeyId = options.KmsKeyId,
            };
            if (options.RetainUntil.HasValue)
            {
                request.ObjectLockMode = new ObjectLockMode(options.ObjectLockMode ?? "GOVERNANCE");
                request.ObjectLockRetainUntilDate = options.RetainUntil.Value;
            }
            Run(() => _s3.CopyObjectAsync(request, ct), destinationBucket, key);
        }

        private T Run<T>(Func<Task<T>> call, string bucket, string key = null)
        {
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (AmazonServiceException ex)
            {
                throw Translate(ex, bucket, key);
            }
            catch (AmazonClientException ex)
            {
                throw ConnectionFailed(ex, bucket, key);
            }
            catch (Exception ex) when (IsTransport(ex))
            {
                // When every attempt lost its connection the SDK gives up with the transport's own exception (HttpIOException,
                // HttpRequestException, SocketException), not an AmazonClientException: a connection failure as well.
                throw ConnectionFailed(ex, bucket, key);
            }
        }

        private static FinBackupException ReplyCutShort(string bucket, string key, Exception ex) =>
            new FinBackupException("FinS3ConnectionFailed", FinErrorKind.ConnectionError, $"Reading s3://{bucket}/{key} failed: {ex.Message}", FinErrorIds.ActionFor(FinErrorIds.S3ConnectionFailed), ex);

        private FinBackupException ConnectionFailed(Exception ex, string bucket, string key) =>
            new FinBackupException("FinS3ConnectionFailed", FinErrorKind.ConnectionError,
                $"Could not reach S3 in {Region} for s3://{bucket}/{key}: {ex.Message}", FinErrorIds.ActionFor(FinErrorIds.S3ConnectionFailed), ex);

        /// <summary>A transport failure the SDK did not wrap (its last attempt's own exception): the connection failed.</summary>
        internal static bool IsTransport(Exception ex) =>
            ex is IOException || ex is System.Net.Http.HttpRequestException || ex is System.Net.Sockets.SocketException || ex is TimeoutException;

        /// <summary>
        /// An S3 error as a FinBackupException: the id, kind and advice come from the one AWS error table
        /// (<see cref="Protocol.AwsErrorTable"/>); only the message (and, for a missing object, which kind of object it is) is
        /// S3's own. A 500/503 says the fault is on the service's side, not in the bucket, policy or key.
        /// </summary>
        internal static FinBackupException Translate(AmazonServiceException ex, string bucket, string key) =>
            Translate(ex.ErrorCode, (int)ex.StatusCode, ex.Message, ex, bucket, key);

        /// <summary>An S3 error (its code, HTTP status and S3's message) as a FinBackupException; see the overload above.</summary>
        internal static FinBackupException Translate(string errorCode, int status, string awsMessage, Exception ex, string bucket, string key)
        {
            var what = key == null ? $"s3://{bucket}" : $"s3://{bucket}/{key}";
            var code = errorCode;
            if (code == "InvalidRequest" && status == (int)HttpStatusCode.BadRequest && (awsMessage ?? string.Empty).IndexOf("checksum", StringComparison.OrdinalIgnoreCase) >= 0)
                code = "BadDigest"; // S3 reports some checksum mismatches as InvalidRequest with a checksum message
            if (string.IsNullOrEmpty(code) && status == 404) code = key == null ? "NoSuchBucket" : "NoSuchKey";
            var m = Protocol.AwsErrorTable.Classify(code, status, "s3");
            string message;
            var advice = m.RecommendedAction;
            switch (m.ErrorId)
            {
                case FinErrorIds.FileObjectNotFound:
                    message = $"{what} does not exist.";
                    advice = key != null && FileBackupLayout.IsManifestKey(key)
                        ? "Check the recovery point id (Get-FinRecoveryPoint -Kind FileBackup lists the points that exist); it may have been expired."
                        : "A content object the backup references is missing from the bucket: the files stored in it cannot be restored from this point. Run Test-FinRecoveryPoint, then take a new backup (it uploads the content again).";
                    break;
                case FinErrorIds.BucketNotFound: message = $"The bucket '{bucket}' does not exist."; break;
                case FinErrorIds.S3ObjectLockNotConfigured: message = $"{what} has no Object Lock configuration."; break;
                case FinErrorIds.AwsAccessDenied:
                    message = $"Access denied to {what}: {awsMessage}";
                    advice = "Grant the role s3:GetObject/PutObject/ListBucket on the bucket and kms:GenerateDataKey/Decrypt on its key.";
                    break;
                case FinErrorIds.KmsKeyNotFound:
                case FinErrorIds.KmsKeyUnusable: message = $"The KMS key for {what} cannot be used: {awsMessage}"; break;
                case FinErrorIds.AwsThrottled: message = $"S3 throttled requests for {what} (after retries)."; break;
                case FinErrorIds.S3ChecksumRejected: message = $"S3 rejected the bytes of {what}: the checksum did not match."; break;
                case FinErrorIds.AwsServiceUnavailable: message = $"S3 answered {status} {errorCode} for {what} after retries: a fault on S3's side."; break;
                default: message = $"S3 request on {what} failed: {errorCode} {awsMessage}"; break;
            }
            return new FinBackupException(m.ErrorId, m.Kind, message, advice, ex);
        }
    }
}
