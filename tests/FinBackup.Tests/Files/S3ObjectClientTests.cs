using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3.Model;
using FinBackup.Aws;
using FinBackup.Aws.Files;
using FinBackup.Aws.Protocol;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Files;

/// <summary>
/// Issue 14: restore and verification read content objects with FinBackup's own signed ranged GET
/// (<see cref="S3ObjectClient"/>) instead of the SDK's GetObject. Its addressing, its retries (SlowDown, 5xx) and its
/// error mapping must be what the SDK path gave: the same FinBackup error ids, through the one error table.
/// </summary>
public sealed class S3RangedGetWireTests
{
    private static S3ObjectClient Client(string? endpoint, bool pathStyle) =>
        new(new BasicAWSCredentials("AKID", "SECRET"), AwsServiceEndpoint.Regional("s3", "s3", "eu-west-1", endpoint), pathStyle);

    [Fact]
    public void On_AWS_a_bucket_that_is_a_host_label_is_addressed_virtual_hosted_with_the_range_header()
    {
        var client = Client(null, pathStyle: false);
        var request = client.RequestFor("fin-backup-euw1", "packs/ab/abcdef", 10, 5);

        Assert.Equal("GET", request.Method.Method);
        Assert.Equal("bytes=10-14", request.Headers["Range"]);
        Assert.Equal("https://fin-backup-euw1.s3.eu-west-1.amazonaws.com/packs/ab/abcdef",
            client.Endpoint.Resolve(request.Path, request.Query, request.HostPrefix).ToString());
    }

    [Theory]
    [InlineData("fin.backup.euw1")] // dots: the certificate's wildcard cannot cover it
    [InlineData("Fin_Backup")]      // a legacy name that is not a DNS label
    public void A_bucket_that_cannot_be_a_host_label_is_addressed_path_style(string bucket)
    {
        var client = Client(null, pathStyle: false);
        var request = client.RequestFor(bucket, "chunks/0f/0f1e", 0, 1);

        Assert.Null(request.HostPrefix);
        Assert.Equal($"https://s3.eu-west-1.amazonaws.com/{bucket}/chunks/0f/0f1e", client.Endpoint.Resolve(request.Path, request.Query, request.HostPrefix).ToString());
    }

    [Fact]
    public void A_custom_endpoint_is_addressed_path_style_and_key_segments_are_encoded()
    {
        var client = Client("http://127.0.0.1:5000", pathStyle: true);
        var request = client.RequestFor("fin-backup-euw1", "packs/a b/c+d", 0, 100);

        Assert.Equal("bytes=0-99", request.Headers["Range"]);
        Assert.Equal("http://127.0.0.1:5000/fin-backup-euw1/packs/a%20b/c%2Bd",
            client.Endpoint.Resolve(request.Path, request.Query, request.HostPrefix).AbsoluteUri);
    }

    [Fact]
    public async Task A_body_that_stalls_fails_within_the_attempt_timeout_as_a_reply_cut_short()
    {
        var handler = new StallingHandler();
        var client = new S3ObjectClient(new BasicAWSCredentials("AKID", "SECRET"), AwsServiceEndpoint.Regional("s3", "s3", "eu-west-1", "http://127.0.0.1:1"),
            pathStyle: true, new AwsRetryOptions { AttemptTimeout = TimeSpan.FromMilliseconds(300) }, new HttpClient(handler));

        using var body = await client.OpenAsync("b", "packs/k", 0, 1000, default);
        var buffer = new byte[1000];
        Assert.Equal(10, body.Read(buffer, 0, buffer.Length)); // what arrived before the stall
        var ex = Assert.Throws<S3ObjectClient.RangeBodyException>(() => body.Read(buffer, 0, buffer.Length));
        Assert.Contains("no byte arrived", ex.Message);
        // The request was signed as S3 expects.
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKID/", handler.Authorization);
        Assert.Contains("/eu-west-1/s3/aws4_request", handler.Authorization);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", handler.PayloadHash);
        Assert.Equal("bytes=0-999", handler.Range);
    }

    [Fact]
    public async Task Ctrl_C_during_a_stalled_body_ends_the_read_as_a_cancellation()
    {
        var client = new S3ObjectClient(new BasicAWSCredentials("AKID", "SECRET"), AwsServiceEndpoint.Regional("s3", "s3", "eu-west-1", "http://127.0.0.1:1"),
            pathStyle: true, new AwsRetryOptions { AttemptTimeout = TimeSpan.FromMinutes(5) }, new HttpClient(new StallingHandler()));
        using var cts = new CancellationTokenSource();
        using var body = await client.OpenAsync("b", "packs/k", 0, 1000, cts.Token);
        var buffer = new byte[1000];
        body.Read(buffer, 0, buffer.Length);

        cts.CancelAfter(200);
        var ex = Record.Exception(() => body.Read(buffer, 0, buffer.Length));
        Assert.IsAssignableFrom<OperationCanceledException>(ex);
    }

    /// <summary>Answers 206 with 10 bytes, then a body that never sends another (until the read is cancelled).</summary>
    private sealed class StallingHandler : HttpMessageHandler
    {
        public string? Authorization, PayloadHash, Range;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString() ?? string.Join(",", request.Headers.GetValues("Authorization"));
            PayloadHash = request.Headers.GetValues("X-Amz-Content-SHA256").Single();
            Range = request.Headers.GetValues("Range").Single();
            var response = new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new StreamContent(new StallingStream()) };
            response.Content.Headers.ContentLength = 1000;
            return Task.FromResult(response);
        }
    }

    /// <summary>Sends 10 bytes, then blocks as a socket with nothing to read does, until it is closed (disposed).</summary>
    private sealed class StallingStream : Stream
    {
        private readonly ManualResetEventSlim _closed = new();
        private bool _sent;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_sent) { _sent = true; return 10; }
            _closed.Wait();
            throw new ObjectDisposedException(nameof(StallingStream));
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.Run(() => Read(buffer, offset, count));
        protected override void Dispose(bool disposing) { _closed.Set(); base.Dispose(disposing); }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>The ranged GET against moto, with faults put in its way by a proxy: what the restore and verification see.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3RangedGetFaultTests
{
    private const string Key = "packs/ab/ranged-get-test";
    private readonly MotoServer _moto;

    public S3RangedGetFaultTests(MotoServer moto) => _moto = moto;

    private static byte[] PutObject(FilesTestBed bed, int size)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        bed.Context.S3(FilesTestBed.Primary).PutObjectAsync(new PutObjectRequest
        {
            BucketName = FilesTestBed.PrimaryBucket, Key = Key, InputStream = new MemoryStream(bytes),
        }).GetAwaiter().GetResult();
        return bytes;
    }

    private static S3FileBackupStore StoreThrough(LoopbackProxy proxy, out AwsClientContext context)
    {
        context = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), FilesTestBed.Primary, proxy.EndpointUrl)
        {
            RetryOptions = new AwsRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20) },
        };
        return new S3FileBackupStore(context, FilesTestBed.Primary);
    }

    [Fact]
    public void SlowDown_and_a_500_are_retried_and_each_attempt_is_signed_afresh_then_the_bytes_are_exact()
    {
        using var bed = new FilesTestBed(_moto);
        var bytes = PutObject(bed, 4096);
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (n, _) => n switch
        {
            1 => new CannedResponse(503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>", "application/xml"),
            2 => new CannedResponse(500, "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>", "application/xml"),
            _ => null,
        });
        var store = StoreThrough(proxy, out var ctx);
        using (ctx)
        {
            var buffer = new byte[100];
            store.ReadRange(FilesTestBed.PrimaryBucket, Key, 1000, 100, buffer, 0, default);

            Assert.Equal(bytes.AsSpan(1000, 100).ToArray(), buffer);
            var gets = proxy.Requests;
            Assert.Equal(3, gets.Count);
            Assert.All(gets, r =>
            {
                Assert.Equal("GET", r.Method);
                Assert.Equal($"/{FilesTestBed.PrimaryBucket}/{Key}", r.PathAndQuery);
                Assert.Equal("bytes=1000-1099", r.Headers["Range"]);
                Assert.StartsWith("AWS4-HMAC-SHA256 Credential=testing/", r.Headers["Authorization"]);
                Assert.Contains("/us-east-1/s3/aws4_request", r.Headers["Authorization"]);
            });
        }
    }

    /// <summary>Refusals of a ranged GET ("get") and of a content PUT ("put"), each with the id the error table gives it.</summary>
    public static TheoryData<string, int, string, string> Refusals => new()
    {
        { "get", 404, "NoSuchKey", FinErrorIds.FileObjectNotFound },
        { "get", 403, "AccessDenied", FinErrorIds.AwsAccessDenied },
        { "get", 403, "KMS.DisabledException", FinErrorIds.KmsKeyUnusable },
        { "get", 503, "SlowDown", FinErrorIds.AwsThrottled },
        { "get", 500, "InternalError", FinErrorIds.AwsServiceUnavailable },
        { "put", 403, "AccessDenied", FinErrorIds.AwsAccessDenied },
        { "put", 403, "KMS.DisabledException", FinErrorIds.KmsKeyUnusable },
        { "put", 400, "BadDigest", FinErrorIds.S3ChecksumRejected },
        { "put", 404, "NoSuchBucket", FinErrorIds.BucketNotFound },
        { "put", 503, "SlowDown", FinErrorIds.AwsThrottled },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void An_S3_refusal_gets_the_FinBackup_id_of_the_one_error_table(string operation, int status, string code, string expectedId)
    {
        using var bed = new FilesTestBed(_moto);
        var bytes = PutObject(bed, 64);
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) =>
            new CannedResponse(status, $"<Error><Code>{code}</Code><Message>refused by the test</Message><RequestId>R1</RequestId></Error>", "application/xml"));
        var store = StoreThrough(proxy, out var ctx);
        using (ctx)
        {
            var ex = Assert.Throws<FinBackupException>(() =>
            {
                if (operation == "get") store.ReadRange(FilesTestBed.PrimaryBucket, Key, 0, 8, new byte[8], 0, default);
                else store.PutContent(FilesTestBed.PrimaryBucket, Key, new MemoryStream(bytes, false), bytes.Length, SHA256.HashData(bytes),
                    new ObjectWriteOptions { KmsKeyId = FilesTestBed.PrimaryKey }, default);
            });
            Assert.Equal(expectedId, ex.ErrorId);
            Assert.Equal(FinErrorIds.KindOf(expectedId), ex.Kind);
            Assert.Contains(expectedId == FinErrorIds.BucketNotFound ? $"'{FilesTestBed.PrimaryBucket}'" : $"s3://{FilesTestBed.PrimaryBucket}/{Key}", ex.Message);
            // Retryable answers were retried (3 attempts), the others were not.
            Assert.Equal(status >= 500 ? 3 : 1, proxy.Requests.Count);
        }
    }

    [Fact]
    public void A_range_past_the_end_of_the_object_is_a_short_read_not_a_connection_failure()
    {
        using var bed = new FilesTestBed(_moto);
        PutObject(bed, 100);

        var ex = Assert.Throws<FinBackupException>(() => bed.Store.ReadRange(FilesTestBed.PrimaryBucket, Key, 90, 20, new byte[20], 0, default));
        Assert.Equal("FinS3ShortRead", ex.ErrorId);
        Assert.Equal(FinErrorKind.InvalidData, ex.Kind);

        using var stream = bed.Store.OpenRange(FilesTestBed.PrimaryBucket, Key, 90, 20, default);
        var read = stream.Read(new byte[20], 0, 20);
        Assert.Equal(10, read);
        Assert.Equal("FinS3ShortRead", Assert.Throws<FinBackupException>(() => stream.Read(new byte[20], 0, 20)).ErrorId);
    }

    [Fact]
    public void A_reply_cut_short_mid_body_is_a_connection_failure()
    {
        using var bed = new FilesTestBed(_moto);
        PutObject(bed, 64 << 10);
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) => CannedResponse.LostReply);
        var store = StoreThrough(proxy, out var ctx);
        using (ctx)
        {
            // From byte 0 (the proxy's cut reply says 200, usable for a range that starts at 0) and from inside the object.
            foreach (var offset in new[] { 0L, 4096L })
            {
                var ex = Record.Exception(() =>
                {
                    using var stream = store.OpenRange(FilesTestBed.PrimaryBucket, Key, offset, 32 << 10, default);
                    stream.CopyTo(Stream.Null);
                });
                var fin = Assert.IsType<FinBackupException>(ex);
                Assert.Equal(FinErrorIds.S3ConnectionFailed, fin.ErrorId);
                Assert.Equal(FinErrorKind.ConnectionError, fin.Kind);
            }
        }
    }
}

/// <summary>
/// A whole restore through the ranged GET with faults on a quarter of its content reads (SlowDown, 500, a reply cut
/// short, a reset): each file is restored identical or reported with a FinBackup error, never restored wrong, and no
/// temporary file is left. The fault bench (bench/faults) drives backups only; this is the restore's side of it.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class RestoreUnderFaultsTests
{
    private readonly MotoServer _moto;

    public RestoreUnderFaultsTests(MotoServer moto) => _moto = moto;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_file_is_restored_identical_or_reported_never_wrong(int seed)
    {
        using var bed = new FilesTestBed(_moto);
        var src = bed.MakeLedger(seed);
        var backup = new FileBackupEngine(bed.Store, FilesTestBed.SmallSettings()).Run(bed.Request(src), null, default);
        var manifest = bed.Store.GetManifest(FilesTestBed.PrimaryBucket, backup.RecoveryPoint.RecoveryPointId, default);

        var random = new Random(seed);
        var faultsSent = 0;
        var faults = new[]
        {
            new CannedResponse(503, "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>", "application/xml"),
            new CannedResponse(500, "<Error><Code>InternalError</Code><Message>Internal error.</Message></Error>", "application/xml"),
            CannedResponse.LostReply,
            CannedResponse.ResetNeverSuccess,
        };
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) =>
        {
            if (req.Method != "GET" || !req.Headers.ContainsKey("Range")) return null;
            lock (random)
            {
                if (random.NextDouble() >= 0.25) return null;
                faultsSent++;
                return faults[random.Next(faults.Length)];
            }
        });
        using var ctx = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), FilesTestBed.Primary, proxy.EndpointUrl)
        {
            RetryOptions = new AwsRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20) },
        };
        var dest = bed.NewDir("faulty-restore");
        var observer = new RecordingObserver();

        var summary = new FileRestoreEngine(new S3FileBackupStore(ctx, FilesTestBed.Primary)).Run(
            new FileRestoreRequest { Manifest = manifest, Bucket = FilesTestBed.PrimaryBucket, Destination = dest, Parallelism = 3 }, observer, default);

        Assert.True(faultsSent > 0, "no fault was injected");
        Assert.Equal(manifest.Files.Count, summary.FilesRestored + summary.FilesFailed);
        Assert.All(observer.Failures, f => Assert.StartsWith("Fin", f.Error.ErrorId));
        Assert.All(observer.Failures, f => Assert.Contains(f.Error.Kind, new[] { FinErrorKind.ConnectionError, FinErrorKind.LimitsExceeded, FinErrorKind.ResourceUnavailable }));
        var source = FilesTestBed.HashTree(Path.GetDirectoryName(src)!);
        var restored = FilesTestBed.HashTree(dest);
        Assert.DoesNotContain(restored.Keys, k => k.Contains(".finrestore-"));
        foreach (var (path, sha) in restored) Assert.True(source[path] == sha, $"{path} was restored with other bytes");
        Assert.Equal(summary.FilesRestored, restored.Count);
        Assert.Equal(observer.Failures.Count, (int)summary.FilesFailed);
    }
}

/// <summary>
/// Issue 14 (round 15): content PUTs (packs and chunks) go through FinBackup's own signed request too, not the SDK's
/// PutObject, whose endpoint rules (one 28 KB-IL method) were compiled again, optimised, in every backup. The request must
/// be PutObject's wire shape (S3 API model), carry SSE-KMS, the checksum and the retention as the SDK's did, and fail as it
/// did: through the one error table.
/// </summary>
public sealed class S3ContentPutWireTests
{
    private static readonly byte[] Sha = SHA256.HashData(new byte[] { 1, 2, 3 });

    [Fact]
    public void On_AWS_a_content_put_is_virtual_hosted_with_the_model_s_headers_and_no_retention_unless_given()
    {
        var client = new S3ObjectClient(new BasicAWSCredentials("AKID", "SECRET"), AwsServiceEndpoint.Regional("s3", "s3", "eu-west-1", null), pathStyle: false);
        using var body = new MemoryStream(new byte[] { 1, 2, 3 });
        var request = client.PutRequestFor("fin-backup-euw1", "data/ab/ab12", body, 3, Sha, "alias/fin-backup", null, null);

        Assert.Equal("PUT", request.Method.Method);
        Assert.Equal("https://fin-backup-euw1.s3.eu-west-1.amazonaws.com/data/ab/ab12", client.Endpoint.Resolve(request.Path, request.Query, request.HostPrefix).ToString());
        Assert.Same(body, request.BodyStream);
        Assert.Equal(3, request.BodyLength);
        Assert.Equal("application/octet-stream", request.ContentType);
        Assert.Equal(Convert.ToHexString(Sha).ToLowerInvariant(), request.Headers["x-amz-content-sha256"]);
        Assert.Equal("SHA256", request.Headers["x-amz-sdk-checksum-algorithm"]);
        Assert.Equal(Convert.ToBase64String(Sha), request.Headers["x-amz-checksum-sha256"]);
        Assert.Equal("aws:kms", request.Headers["x-amz-server-side-encryption"]);
        Assert.Equal("alias/fin-backup", request.Headers["x-amz-server-side-encryption-aws-kms-key-id"]);
        Assert.False(request.Headers.ContainsKey("x-amz-object-lock-mode"));
        Assert.False(request.Headers.ContainsKey("x-amz-object-lock-retain-until-date"));
    }

    [Fact]
    public void Retention_is_sent_as_the_lock_mode_and_an_ISO_8601_UTC_date_GOVERNANCE_by_default()
    {
        var client = new S3ObjectClient(new BasicAWSCredentials("AKID", "SECRET"), AwsServiceEndpoint.Regional("s3", "s3", "eu-west-1", "http://127.0.0.1:5000"), pathStyle: true);
        var until = new DateTime(2026, 12, 3, 20, 15, 30, 250, DateTimeKind.Utc);
        var governance = client.PutRequestFor("fin-backup-euw1", "packs/a b/c+d", new MemoryStream(), 0, Sha, "k", null, until);
        var compliance = client.PutRequestFor("fin-backup-euw1", "packs/x", new MemoryStream(), 0, Sha, "k", "COMPLIANCE", until.ToLocalTime());

        Assert.Equal("http://127.0.0.1:5000/fin-backup-euw1/packs/a%20b/c%2Bd", client.Endpoint.Resolve(governance.Path, governance.Query, governance.HostPrefix).AbsoluteUri);
        Assert.Equal("GOVERNANCE", governance.Headers["x-amz-object-lock-mode"]);
        Assert.Equal("2026-12-03T20:15:30.250Z", governance.Headers["x-amz-object-lock-retain-until-date"]);
        Assert.Equal("COMPLIANCE", compliance.Headers["x-amz-object-lock-mode"]);
        Assert.Equal("2026-12-03T20:15:30.250Z", compliance.Headers["x-amz-object-lock-retain-until-date"]);
    }

    [Fact]
    public async Task A_streamed_body_sent_again_sends_all_of_its_bytes_from_the_start()
    {
        // SocketsHttpHandler sends a request again on a new connection when a pooled one was closed under it.
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        using var source = new MemoryStream(bytes);
        source.Position = 123; // wherever a first send left it
        var content = new StreamedRequestBody(source, bytes.Length);
        Assert.Equal(bytes.Length, content.Headers.ContentLength);
        var first = new MemoryStream();
        await content.CopyToAsync(first);
        var second = new MemoryStream();
        await content.CopyToAsync(second);

        Assert.Equal(bytes, first.ToArray());
        Assert.Equal(bytes, second.ToArray());
        Assert.Null(content.Failure);
        content.Dispose();
        Assert.True(source.CanRead); // the caller's stream is not disposed with the request
    }

    [Fact]
    public async Task A_body_shorter_than_its_length_is_the_body_s_failure()
    {
        var content = new StreamedRequestBody(new MemoryStream(new byte[10]), 20);
        await Assert.ThrowsAnyAsync<Exception>(() => content.CopyToAsync(new MemoryStream())); // wrapped by HttpContent
        Assert.IsType<EndOfStreamException>(content.Failure); // what the protocol client rethrows, unwrapped and not retried
    }

    [Fact]
    public void A_put_without_a_32_byte_sha256_is_refused_before_anything_is_sent()
    {
        var client = new S3ObjectClient(new BasicAWSCredentials("AKID", "SECRET"), AwsServiceEndpoint.Regional("s3", "s3", "eu-west-1", null), pathStyle: false);
        Assert.Throws<ArgumentException>(() => client.PutRequestFor("b", "k", new MemoryStream(), 0, new byte[20], "k", null, null));
        Assert.Throws<ArgumentException>(() => client.PutRequestFor("b", "k", new MemoryStream(), 0, null!, "k", null, null));
    }
}

/// <summary>The content PUT against moto, through a proxy that records and refuses: checked from outside with the AWS CLI.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3ContentPutTests
{
    private readonly MotoServer _moto;

    public S3ContentPutTests(MotoServer moto) => _moto = moto;

    private static S3FileBackupStore StoreThrough(LoopbackProxy proxy, out AwsClientContext context)
    {
        context = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), FilesTestBed.Primary, proxy.EndpointUrl)
        {
            RetryOptions = new AwsRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20) },
        };
        return new S3FileBackupStore(context, FilesTestBed.Primary);
    }

    private static (byte[] Bytes, byte[] Sha, string Hex, string Key) Content(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var sha = SHA256.HashData(bytes);
        var hex = Convert.ToHexString(sha).ToLowerInvariant();
        return (bytes, sha, hex, FileBackupLayout.ChunkKey(hex));
    }

    [Fact]
    public void SlowDown_and_a_500_are_retried_each_attempt_sending_the_whole_body_again_and_S3_holds_exactly_the_bytes_encrypted_with_the_checksum()
    {
        using var bed = new FilesTestBed(_moto);
        var c = Content(200_000, 11);
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (n, _) => n switch
        {
            1 => new CannedResponse(503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>", "application/xml"),
            2 => new CannedResponse(500, "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>", "application/xml"),
            _ => null,
        });
        var store = StoreThrough(proxy, out var ctx);
        using (ctx)
        {
            store.PutContent(FilesTestBed.PrimaryBucket, c.Key, new MemoryStream(c.Bytes, false), c.Bytes.Length, c.Sha,
                new ObjectWriteOptions { KmsKeyId = FilesTestBed.PrimaryKey }, default);
        }

        var puts = proxy.Requests;
        Assert.Equal(3, puts.Count);
        Assert.All(puts, r =>
        {
            Assert.Equal("PUT", r.Method);
            Assert.Equal($"/{FilesTestBed.PrimaryBucket}/{c.Key}", r.PathAndQuery);
            Assert.Equal(c.Bytes, r.Body); // the body from its start on every attempt
            Assert.Equal(c.Hex, r.Headers["x-amz-content-sha256"]);
            Assert.Contains("x-amz-checksum-sha256", r.Headers["Authorization"]); // signed
            Assert.StartsWith("AWS4-HMAC-SHA256 Credential=testing/", r.Headers["Authorization"]);
        });

        // Another client's view of what S3 holds.
        var head = System.Text.Json.JsonDocument.Parse(bed.Aws("s3api", "head-object", "--bucket", FilesTestBed.PrimaryBucket, "--key", c.Key, "--checksum-mode", "ENABLED")).RootElement;
        Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
        Assert.Contains("fin-backup", head.GetProperty("SSEKMSKeyId").GetString());
        Assert.Equal(Convert.ToBase64String(c.Sha), head.GetProperty("ChecksumSHA256").GetString());
        Assert.Equal(c.Bytes.Length, head.GetProperty("ContentLength").GetInt64());
        var outFile = Path.Combine(bed.NewDir("put"), "object");
        bed.Aws("s3api", "get-object", "--bucket", FilesTestBed.PrimaryBucket, "--key", c.Key, outFile);
        Assert.Equal(c.Hex, FilesTestBed.Sha256OfFile(outFile));
    }

    [Fact]
    public async Task A_put_returns_the_ETag_S3_gives_the_object()
    {
        using var bed = new FilesTestBed(_moto);
        var c = Content(5000, 16);
        var client = bed.Context.S3Objects(FilesTestBed.Primary);
        var etag = await client.PutAsync(client.PutRequestFor(FilesTestBed.PrimaryBucket, c.Key, new MemoryStream(c.Bytes, false), c.Bytes.Length, c.Sha,
            FilesTestBed.PrimaryKey, null, null), default);

        var head = System.Text.Json.JsonDocument.Parse(bed.Aws("s3api", "head-object", "--bucket", FilesTestBed.PrimaryBucket, "--key", c.Key)).RootElement;
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(head.GetProperty("ETag").GetString(), etag);
    }

    [Fact]
    public void Retention_given_to_a_put_is_the_object_s_retention_in_a_locked_bucket()
    {
        using var bed = new FilesTestBed(_moto);
        const string locked = "fin-backup-put-locked";
        bed.Aws("s3api", "create-bucket", "--bucket", locked, "--object-lock-enabled-for-bucket");
        var c = Content(1000, 12);
        var until = DateTime.UtcNow.AddHours(13);
        until = until.AddTicks(-(until.Ticks % TimeSpan.TicksPerSecond));

        bed.Store.PutContent(locked, c.Key, new MemoryStream(c.Bytes, false), c.Bytes.Length, c.Sha,
            new ObjectWriteOptions { KmsKeyId = FilesTestBed.PrimaryKey, RetainUntil = until, ObjectLockMode = "GOVERNANCE" }, default);

        // moto 5.2.1 answers GetObjectRetention with a 500; HeadObject reports the same lock fields.
        var head = System.Text.Json.JsonDocument.Parse(bed.Aws("s3api", "head-object", "--bucket", locked, "--key", c.Key)).RootElement;
        Assert.Equal("GOVERNANCE", head.GetProperty("ObjectLockMode").GetString());
        Assert.Equal(until, DateTime.Parse(head.GetProperty("ObjectLockRetainUntilDate").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal));
    }

    [Fact]
    public void A_body_that_cannot_be_read_fails_the_put_with_its_own_error_and_is_not_retried()
    {
        using var bed = new FilesTestBed(_moto);
        var c = Content(300_000, 14);
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, _) => null);
        var store = StoreThrough(proxy, out var ctx);
        using (ctx)
        {
            var ex = Record.Exception(() => store.PutContent(FilesTestBed.PrimaryBucket, c.Key, new FailingStream(c.Bytes, failAt: 100_000), c.Bytes.Length, c.Sha,
                new ObjectWriteOptions { KmsKeyId = FilesTestBed.PrimaryKey }, default));
            var io = Assert.IsType<IOException>(ex);
            Assert.Equal("disk read failed (test)", io.Message);
        }
        Assert.True(proxy.Requests.Count <= 1, $"{proxy.Requests.Count} attempts");
        Assert.DoesNotContain(c.Key, bed.Aws("s3api", "list-objects-v2", "--bucket", FilesTestBed.PrimaryBucket, "--prefix", "data/"));
    }

    [Fact]
    public void An_endpoint_that_refuses_connections_is_a_connection_failure_naming_the_object()
    {
        using var ctx = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), FilesTestBed.Primary, "http://127.0.0.1:1")
        {
            RetryOptions = new AwsRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20) },
        };
        var store = new S3FileBackupStore(ctx, FilesTestBed.Primary);
        var c = Content(10, 15);
        var ex = Assert.Throws<FinBackupException>(() => store.PutContent("b", c.Key, new MemoryStream(c.Bytes, false), c.Bytes.Length, c.Sha,
            new ObjectWriteOptions { KmsKeyId = "k" }, default));
        Assert.Equal(FinErrorIds.S3ConnectionFailed, ex.ErrorId);
        Assert.Contains("s3://b/" + c.Key, ex.Message);
    }

    /// <summary>A seekable body whose reads fail past a point, as a disk that fails under a chunk's upload.</summary>
    private sealed class FailingStream : MemoryStream
    {
        private readonly int _failAt;
        public FailingStream(byte[] bytes, int failAt) : base(bytes, false) => _failAt = failAt;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= _failAt) throw new IOException("disk read failed (test)");
            return base.Read(buffer, offset, (int)Math.Min(count, _failAt - Position));
        }
    }
}
