using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3.Model;
using FinBackup.Aws;
using FinBackup.Aws.Files;
using FinBackup.Domain.Ports;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Files;

/// <summary>
/// Issue 14 (full-backup time): the SDK's signer drops a preset x-amz-content-sha256 and reads the whole body to hash it
/// before sending it. For a chunk that is read back from its file and checked on the way (ChunkStream), that was a second
/// read and two more SHA-256 passes over every byte of every large file (perf: ~1.3 s of a 6.5 s backup). Content and
/// manifest PUTs know their SHA-256 before they are sent; the S3 client signs with it. (Since round 15 the content PUT is
/// FinBackup's own request, S3ObjectClient; the first test holds it to the same promise.)
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class PrecomputedPayloadHashTests
{
    private readonly MotoServer _moto;

    public PrecomputedPayloadHashTests(MotoServer moto) => _moto = moto;

    [Fact]
    public void A_content_put_reads_its_body_once_and_signs_the_hash_it_was_given()
    {
        using var bed = new FilesTestBed(_moto);
        var seen = new ConcurrentQueue<ProxiedRequest>();
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) => { seen.Enqueue(req); return null; });
        using var ctx = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), FilesTestBed.Primary, proxy.EndpointUrl);
        var store = new S3FileBackupStore(ctx, FilesTestBed.Primary);

        var bytes = new byte[3 << 20];
        new Random(7).NextBytes(bytes);
        var sha = SHA256.HashData(bytes);
        var hex = Convert.ToHexString(sha).ToLowerInvariant();
        var key = "data/" + hex[..2] + "/" + hex;
        using var body = new CountingStream(bytes);

        store.PutContent(FilesTestBed.PrimaryBucket, key, body, bytes.Length, sha, new ObjectWriteOptions { KmsKeyId = FilesTestBed.PrimaryKey }, default);

        // Sent once, not read a first time to be hashed by the signer.
        Assert.Equal(bytes.Length, body.BytesRead);
        var put = Assert.Single(seen, r => r.Method == "PUT");
        Assert.Equal(hex, put.Headers["x-amz-content-sha256"]);
        Assert.Contains("x-amz-content-sha256", put.Headers["Authorization"]); // a signed header, not an unsigned payload
        Assert.Equal(Convert.ToBase64String(sha), put.Headers["x-amz-checksum-sha256"]);

        // What S3 holds, read by another client, is those bytes.
        var outFile = Path.Combine(bed.NewDir("get"), "object");
        bed.Aws("s3api", "get-object", "--bucket", FilesTestBed.PrimaryBucket, "--key", key, outFile);
        Assert.Equal(hex, FilesTestBed.Sha256OfFile(outFile));
    }

    [Theory]
    [InlineData("UNSIGNED-PAYLOAD")]
    [InlineData("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8")] // 62 digits: not a SHA-256
    public void A_header_that_is_not_a_sha256_is_left_to_the_signer(string value)
    {
        var request = new DefaultRequest(new PutObjectRequest(), "S3") { HttpMethod = "PUT" };
        request.Headers["x-amz-content-sha256"] = value;

        PrecomputedPayloadHash.Route(request);

        Assert.Null(request.PrecomputedContentSha256);
    }

    [Fact]
    public void A_sha256_header_becomes_the_precomputed_payload_hash_but_not_for_a_chunk_encoded_body()
    {
        const string hex = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
        var request = new DefaultRequest(new PutObjectRequest(), "S3") { HttpMethod = "PUT" };
        request.Headers["X-Amz-Content-SHA256"] = hex;
        PrecomputedPayloadHash.Route(request);
        Assert.Equal(hex.ToLowerInvariant(), request.PrecomputedContentSha256);

        var chunked = new DefaultRequest(new PutObjectRequest(), "S3") { HttpMethod = "PUT", UseChunkEncoding = true };
        chunked.Headers["x-amz-content-sha256"] = hex;
        PrecomputedPayloadHash.Route(chunked);
        Assert.Null(chunked.PrecomputedContentSha256);
    }

    /// <summary>A seekable body that counts the bytes read from it (every pass, including a signer's): only Read is
    /// overridden, so the base class's asynchronous reads come through it once each.</summary>
    private sealed class CountingStream : Stream
    {
        private readonly byte[] _bytes;
        private long _position;
        public CountingStream(byte[] bytes) => _bytes = bytes;
        public long BytesRead { get; private set; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _bytes.Length - _position);
            Buffer.BlockCopy(_bytes, (int)_position, buffer, offset, n);
            _position += n;
            BytesRead += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _bytes.Length;
        public override long Position { get => _position; set => _position = value; }
        public override long Seek(long offset, SeekOrigin origin) =>
            _position = origin == SeekOrigin.Begin ? offset : origin == SeekOrigin.Current ? _position + offset : _bytes.Length + offset;
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
