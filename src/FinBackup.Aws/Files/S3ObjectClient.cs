using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;
using FinBackup.Domain;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.Files
{
    /// <summary>
    /// S3's object operations as file backups use them, on FinBackup's REST-XML protocol client instead of the SDK's
    /// pipeline: the content objects' data plane (packs and chunks: what a backup writes and a restore reads by the
    /// thousand: GetObject with a Range, PutObject of a body whose SHA-256 is known before it is sent) and the few calls
    /// around a manifest (ListObjectsV2, GetObject and PutObject of the manifest, GetObjectTagging, the bucket's Object Lock
    /// configuration). Signed SigV4 (fresh each attempt), retried as every protocol client retries (throttling such as
    /// SlowDown, 5xx, a connection that fails before the reply). The SDK's per-request pipeline (endpoint rules, marshallers,
    /// handlers) cost more CPU than the request itself, and its first use in a process cost more again (~0.2-0.3 s of CPU,
    /// most of it compiling its generic and async code: paid by every scheduled backup and restore, each a fresh process).
    /// <para>Addressing as the SDK client of the same context: path style on a custom endpoint (the sandbox, a VPC
    /// endpoint), else virtual-hosted style (bucket.s3.region.amazonaws.com), path style for a bucket name that cannot be
    /// a host name label (dots, capitals).</para>
    /// </summary>
    public sealed class S3ObjectClient : RestXmlProtocolClient
    {
        private readonly bool _pathStyle;

        public S3ObjectClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, bool pathStyle, AwsRetryOptions retry = null, HttpClient http = null)
            : base(credentials, endpoint, retry, http)
        {
            _pathStyle = pathStyle;
        }

        /// <summary>The request for bytes [offset, offset + length) of the object (exposed for the wire-shape tests).</summary>
        public AwsRequest RequestFor(string bucket, string key, long offset, long length)
        {
            var request = new AwsRequest("GetObject", HttpMethod.Get, ObjectPath(bucket, key, out var host)) { HostPrefix = host };
            request.Headers["Range"] = "bytes=" + offset + "-" + (offset + length - 1);
            return request;
        }

        /// <summary>
        /// The PutObject request for a content object (exposed for the wire-shape tests): the body streamed from its start,
        /// signed with its SHA-256 as the payload hash (the body is not read to sign it) and sent as x-amz-checksum-sha256 too
        /// (S3 checks both against the bytes it receives), SSE-KMS with the given key, and Object Lock retention when given
        /// (the checksum algorithm header is what S3 requires beside it, in place of Content-MD5). The shapes are PutObject's
        /// in the S3 API model (headers x-amz-server-side-encryption, -aws-kms-key-id, x-amz-sdk-checksum-algorithm,
        /// x-amz-checksum-sha256, x-amz-object-lock-mode, x-amz-object-lock-retain-until-date as ISO 8601).
        /// </summary>
        public AwsRequest PutRequestFor(string bucket, string key, Stream body, long length, byte[] sha256, string kmsKeyId,
            string objectLockMode, DateTime? retainUntil, string contentType = "application/octet-stream", IDictionary<string, string> tags = null)
        {
            if (body == null) throw new ArgumentNullException(nameof(body));
            if (sha256 == null || sha256.Length != 32) throw new ArgumentException("A content PUT needs the body's 32-byte SHA-256.", nameof(sha256));
            var request = new AwsRequest("PutObject", HttpMethod.Put, ObjectPath(bucket, key, out var host))
            {
                HostPrefix = host,
                BodyStream = body,
                BodyLength = length,
                ContentType = contentType,
            };
            // x-amz-tagging: the tag set as a URL query string (PutObject's model), so the object never exists untagged.
            if (tags != null && tags.Count > 0) request.Headers["x-amz-tagging"] = AwsEncoding.Query(tags);
            request.Headers["x-amz-content-sha256"] = FinBackup.Domain.Files.FileBackupLayout.Hex(sha256);
            request.Headers["x-amz-sdk-checksum-algorithm"] = "SHA256";
            request.Headers["x-amz-checksum-sha256"] = Convert.ToBase64String(sha256);
            request.Headers["x-amz-server-side-encryption"] = "aws:kms";
            if (!string.IsNullOrEmpty(kmsKeyId)) request.Headers["x-amz-server-side-encryption-aws-kms-key-id"] = kmsKeyId;
            if (retainUntil.HasValue)
            {
                request.Headers["x-amz-object-lock-mode"] = string.IsNullOrEmpty(objectLockMode) ? "GOVERNANCE" : objectLockMode;
                request.Headers["x-amz-object-lock-retain-until-date"] =
                    retainUntil.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }
            return request;
        }

        /// <summary>
        /// Stores the body as the object and returns S3's ETag for it: it throws <see cref="AwsServiceException"/> for an S3
        /// error (after retries), FinBackupException for a connection that failed, and <see cref="AwsRequestBodyException"/>
        /// when the body itself could not be read (the caller's stream threw: not retried).
        /// </summary>
        public async Task<string> PutAsync(AwsRequest putRequest, CancellationToken cancellationToken) =>
            (await SendAsync(putRequest, cancellationToken).ConfigureAwait(false)).Header("ETag");

        /// <summary>
        /// The body of bytes [offset, offset + length): a stream of exactly that many bytes (reads past them return 0). It
        /// throws <see cref="AwsServiceException"/> for an S3 error (after retries) and FinBackupException for a connection
        /// that failed; a body cut short or stalled (no byte for <see cref="AwsRetryOptions.AttemptTimeout"/>) throws from
        /// Read as <see cref="RangeBodyException"/>, a short object as <see cref="RangeShortException"/>.
        /// </summary>
        public async Task<Stream> OpenAsync(string bucket, string key, long offset, long length, CancellationToken cancellationToken)
        {
            var response = await SendForStreamAsync(RequestFor(bucket, key, offset, length), cancellationToken).ConfigureAwait(false);
            try
            {
                // 206 is the range; a 200 is the whole object from its first byte, usable only for a range that starts there.
                if ((int)response.StatusCode == 200 && offset != 0)
                    throw new RangeBodyException($"S3 answered 200 without the range bytes={offset}-{offset + length - 1}", null);
                var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return new Body(response, body, length, Retry.AttemptTimeout, cancellationToken);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        /// <summary>
        /// One ListObjectsV2 page (at most 1,000 keys) of <paramref name="prefix"/>, from <paramref name="continuationToken"/>
        /// (null: the first page); the request is exposed for the wire-shape tests.
        /// </summary>
        public AwsRequest ListRequestFor(string bucket, string prefix, string continuationToken, int maxKeys = 1000)
        {
            var query = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("list-type", "2"),
                new KeyValuePair<string, string>("max-keys", maxKeys.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new KeyValuePair<string, string>("prefix", prefix ?? string.Empty),
                new KeyValuePair<string, string>("continuation-token", continuationToken),
            };
            return new AwsRequest("ListObjectsV2", HttpMethod.Get, BucketPath(bucket, out var host), AwsEncoding.Query(query)) { HostPrefix = host };
        }

        /// <summary>One page of a listing: its objects, and the token of the next page (null after the last).</summary>
        public async Task<ListPage> ListPageAsync(string bucket, string prefix, string continuationToken, CancellationToken cancellationToken, int maxKeys = 1000)
        {
            var response = await SendAsync(ListRequestFor(bucket, prefix, continuationToken, maxKeys), cancellationToken).ConfigureAwait(false);
            return ParseListPage(response.Body);
        }

        /// <summary>ListBuckets for <paramref name="region"/> (its bucket-region filter): each bucket's name and region (null when S3 gave none).</summary>
        public async Task<List<KeyValuePair<string, string>>> ListBucketsAsync(string region, CancellationToken cancellationToken)
        {
            var query = string.IsNullOrEmpty(region) ? null : "bucket-region=" + AwsEncoding.Encode(region);
            var response = await SendAsync(new AwsRequest("ListBuckets", HttpMethod.Get, "/", query), cancellationToken).ConfigureAwait(false);
            var buckets = new List<KeyValuePair<string, string>>();
            if (response.Body.Length == 0) return buckets;
            foreach (var b in XmlReading.Parse(response.BodyText).Items("Buckets", "Bucket"))
                buckets.Add(new KeyValuePair<string, string>(b.Text("Name"), b.Text("BucketRegion")));
            return buckets;
        }

        /// <summary>A ListBucketResult (ListObjectsV2's reply body) as a page (exposed for the tests).</summary>
        internal static ListPage ParseListPage(byte[] body)
        {
            var page = new ListPage();
            if (body == null || body.Length == 0) return page;
            var root = XmlReading.Parse(System.Text.Encoding.UTF8.GetString(body));
            foreach (var c in root.Elements("Contents"))
            {
                var modified = c.Date("LastModified");
                page.Objects.Add(new StoredObject
                {
                    Key = c.Text("Key"),
                    Size = c.Long("Size") ?? 0,
                    LastModified = modified.HasValue ? modified.Value.ToUniversalTime() : DateTime.MinValue,
                });
            }
            var token = root.Text("NextContinuationToken");
            page.NextContinuationToken = root.Bool("IsTruncated") == true && !string.IsNullOrEmpty(token) ? token : null;
            return page;
        }

        /// <summary>A page of keys (<see cref="ListPageAsync"/>).</summary>
        public sealed class ListPage
        {
            public List<StoredObject> Objects { get; } = new List<StoredObject>();
            public string NextContinuationToken { get; set; }
        }

        /// <summary>
        /// The whole object as a stream of its Content-Length bytes, each read bounded by the attempt timeout as a ranged
        /// read's are; a body cut short throws from Read as <see cref="RangeBodyException"/> (an IOException). Disposing it
        /// releases the connection. <paramref name="contentLength"/> is S3's Content-Length (null when it sent none).
        /// </summary>
        public async Task<Stream> OpenObjectAsync(string bucket, string key, CancellationToken cancellationToken)
        {
            var request = new AwsRequest("GetObject", HttpMethod.Get, ObjectPath(bucket, key, out var host)) { HostPrefix = host };
            var response = await SendForStreamAsync(request, cancellationToken).ConfigureAwait(false);
            try
            {
                var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var announced = response.Content.Headers.ContentLength;
                return new Body(response, body, announced ?? long.MaxValue, Retry.AttemptTimeout, cancellationToken, endIsComplete: !announced.HasValue);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        /// <summary>GetObjectTagging: the object's tags.</summary>
        public async Task<Dictionary<string, string>> GetTagsAsync(string bucket, string key, CancellationToken cancellationToken)
        {
            var request = new AwsRequest("GetObjectTagging", HttpMethod.Get, ObjectPath(bucket, key, out var host), "tagging=") { HostPrefix = host };
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.Body.Length == 0 ? new Dictionary<string, string>(StringComparer.Ordinal) : XmlReading.Parse(response.BodyText).Tags("TagSet");
        }

        /// <summary>
        /// GetObjectLockConfiguration: whether Object Lock is enabled and the default retention's mode (null when it has no
        /// default rule). A bucket without the configuration is S3's ObjectLockConfigurationNotFoundError (an
        /// AwsServiceException, translated by the caller through the one error table).
        /// </summary>
        public async Task<KeyValuePair<bool, string>> GetObjectLockAsync(string bucket, CancellationToken cancellationToken)
        {
            var request = new AwsRequest("GetObjectLockConfiguration", HttpMethod.Get, BucketPath(bucket, out var host), "object-lock=") { HostPrefix = host };
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.Body.Length == 0) return new KeyValuePair<bool, string>(false, null);
            var root = XmlReading.Parse(response.BodyText);
            var enabled = string.Equals(root.Text("ObjectLockEnabled"), "Enabled", StringComparison.Ordinal);
            return new KeyValuePair<bool, string>(enabled, root.Child("Rule")?.Child("DefaultRetention")?.Text("Mode"));
        }

        private string BucketPath(string bucket, out string hostPrefix)
        {
            var virtualHosted = !_pathStyle && IsHostLabel(bucket);
            hostPrefix = virtualHosted ? bucket + "." : null;
            return virtualHosted ? "/" : "/" + bucket + "/";
        }

        private string ObjectPath(string bucket, string key, out string hostPrefix) => BucketPath(bucket, out hostPrefix) + EncodeKey(key);

        /// <summary>A bucket name usable as a DNS label in front of the endpoint's host: 3-63 of a-z, 0-9 and '-', no dots.</summary>
        internal static bool IsHostLabel(string bucket)
        {
            if (string.IsNullOrEmpty(bucket) || bucket.Length < 3 || bucket.Length > 63) return false;
            if (bucket[0] == '-' || bucket[bucket.Length - 1] == '-') return false;
            foreach (var c in bucket)
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) return false;
            return true;
        }

        /// <summary>The key as an S3 path: each segment percent-encoded, the '/' kept.</summary>
        internal static string EncodeKey(string key)
        {
            var segments = key.Split('/');
            for (var i = 0; i < segments.Length; i++) segments[i] = AwsEncoding.Encode(segments[i]);
            return string.Join("/", segments);
        }

        /// <summary>The body's bytes ended or stalled before the range did (the connection, not the object).</summary>
        public sealed class RangeBodyException : IOException
        {
            public RangeBodyException(string message, Exception inner) : base(message, inner) { }
        }

        /// <summary>The object ended before the range did: S3 sent fewer bytes than asked, and said so (Content-Length).</summary>
        public sealed class RangeShortException : IOException
        {
            public RangeShortException(long received, long expected) : base($"{received} of {expected} bytes") { Received = received; }
            public long Received { get; }
        }

        /// <summary>
        /// Exactly <c>length</c> bytes of the reply, each read bounded by the attempt timeout (a stalled connection fails
        /// instead of hanging the restore; the caller may take as long as it likes between reads); disposing it releases
        /// the connection.
        /// </summary>
        private sealed class Body : Stream
        {
            private readonly HttpResponseMessage _response;
            private readonly Stream _body;
            private readonly long _length;
            private readonly long? _announced;
            private readonly TimeSpan _stall;
            private readonly CancellationToken _ct;
            private readonly CancellationTokenSource _deadline;
            private readonly bool _endIsComplete;
            private long _read;

            /// <param name="endIsComplete">The end of the body is the end of the object (a whole GET without Content-Length).</param>
            internal Body(HttpResponseMessage response, Stream body, long length, TimeSpan stall, CancellationToken ct, bool endIsComplete = false)
            {
                _endIsComplete = endIsComplete;
                _response = response;
                _body = body;
                _length = length;
                _announced = response.Content.Headers.ContentLength;
                _stall = stall;
                _ct = ct;
                // Reads are synchronous (no task per read, no thread-pool hop); a stall or Ctrl-C ends the read by closing
                // the connection under it.
                _deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                _deadline.Token.Register(state => ((HttpResponseMessage)state).Dispose(), response);
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                var left = _length - _read;
                if (left <= 0 || count == 0) return 0;
                int n;
                try
                {
                    // The stall clock runs only while a read waits: time the caller spends between reads is not the connection's.
                    _deadline.CancelAfter(_stall);
                    n = _body.Read(buffer, offset, (int)Math.Min(count, left));
                    _deadline.CancelAfter(Timeout.Infinite);
                }
                catch (Exception ex) when (_ct.IsCancellationRequested)
                {
                    throw new OperationCanceledException("The read was cancelled.", ex, _ct);
                }
                catch (Exception ex) when (_deadline.IsCancellationRequested)
                {
                    throw new RangeBodyException($"no byte arrived for {_stall.TotalSeconds:0} s after {_read} of {_length}", ex);
                }
                catch (Exception ex) when (ex is IOException || ex is HttpRequestException || ex is System.Net.Sockets.SocketException || ex is ObjectDisposedException)
                {
                    throw new RangeBodyException($"the reply was cut short after {_read} of {_length} bytes: {ex.Message}", ex);
                }
                if (_deadline.IsCancellationRequested && !_ct.IsCancellationRequested)
                    throw new RangeBodyException($"no byte arrived for {_stall.TotalSeconds:0} s after {_read} of {_length}", null);
                if (n <= 0)
                {
                    if (_endIsComplete) return 0;
                    // S3 said how many bytes it would send: fewer than the range is an object shorter than the manifest says;
                    // a body that ends before its own Content-Length is a connection cut short.
                    if (_announced.HasValue && _read < _announced.Value)
                        throw new RangeBodyException($"the reply ended after {_read} of {_announced.Value} bytes", null);
                    throw new RangeShortException(_read, _length);
                }
                _read += n;
                return n;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _body.Dispose();
                    _response.Dispose();
                    _deadline.Dispose();
                }
                base.Dispose(disposing);
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => _length;
            public override long Position { get => _read; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
