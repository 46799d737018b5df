using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
/// Issue 14 (round 17): the calls around a manifest (ListObjectsV2, the manifest's GET and PUT, GetObjectTagging, the
/// bucket's Object Lock configuration) moved from the SDK to <see cref="S3ObjectClient"/>, so a no-change backup never
/// starts the SDK's S3 pipeline. The requests follow S3's model (botocore's s3 service-2.json: ListObjectsV2's
/// list-type/prefix/max-keys/continuation-token query, PutObject's x-amz-tagging header as a URL query string,
/// GetObjectTagging's ?tagging and GetObjectLockConfiguration's ?object-lock sub-resources).
/// </summary>
public sealed class S3ManifestCallsWireTests
{
    private static S3ObjectClient Client(string? endpoint) =>
        new(new BasicAWSCredentials("AKID", "SECRET"), AwsServiceEndpoint.Regional("s3", "s3", "eu-west-1", endpoint), pathStyle: endpoint != null);

    [Fact]
    public void A_listing_page_asks_for_ListObjectsV2_with_its_prefix_and_the_next_page_with_its_token()
    {
        var client = Client(null);
        var first = client.ListRequestFor("fin-backup-euw1", "manifests/agent payment/", null);
        var next = client.ListRequestFor("fin-backup-euw1", "packs/", "1/abc+=");

        Assert.Equal("GET", first.Method.Method);
        Assert.Equal("https://fin-backup-euw1.s3.eu-west-1.amazonaws.com/?list-type=2&max-keys=1000&prefix=manifests%2Fagent%20payment%2F",
            client.Endpoint.Resolve(first.Path, first.Query, first.HostPrefix).AbsoluteUri);
        Assert.EndsWith("&prefix=packs%2F&continuation-token=1%2Fabc%2B%3D", next.Query);
        var pathStyle = Client("http://127.0.0.1:5000").ListRequestFor("fin-backup-euw1", "data/", null);
        Assert.Equal("/fin-backup-euw1/", pathStyle.Path);
        Assert.Null(pathStyle.HostPrefix);
    }

    [Fact]
    public void A_ListBucketResult_gives_every_key_with_size_and_UTC_time_and_the_next_token_only_when_truncated()
    {
        const string truncated = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>packs/</Prefix>
            <KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>tok/2</NextContinuationToken>
            <Contents><Key>packs/ab/a&amp;b</Key><LastModified>2026-12-03T20:15:30.000Z</LastModified><ETag>"e"</ETag><Size>8388608</Size><StorageClass>STANDARD</StorageClass></Contents>
            <Contents><Key>packs/cd/cd</Key><LastModified>2026-12-03T21:00:00.000Z</LastModified><Size>0</Size></Contents>
            </ListBucketResult>
            """;
        var page = S3ObjectClient.ParseListPage(Encoding.UTF8.GetBytes(truncated));
        Assert.Equal(new[] { "packs/ab/a&b", "packs/cd/cd" }, page.Objects.Select(o => o.Key));
        Assert.Equal(8388608, page.Objects[0].Size);
        Assert.Equal(new DateTime(2026, 12, 3, 20, 15, 30, DateTimeKind.Utc), page.Objects[0].LastModified);
        Assert.Equal(DateTimeKind.Utc, page.Objects[0].LastModified.Kind);
        Assert.Equal("tok/2", page.NextContinuationToken);

        var last = S3ObjectClient.ParseListPage(Encoding.UTF8.GetBytes(
            "<ListBucketResult><IsTruncated>false</IsTruncated><NextContinuationToken>stale</NextContinuationToken></ListBucketResult>"));
        Assert.Empty(last.Objects);
        Assert.Null(last.NextContinuationToken);
    }

    [Fact]
    public void A_manifest_put_is_JSON_with_its_tags_in_the_PUT_itself_encrypted_and_checksummed()
    {
        var client = Client(null);
        var sha = SHA256.HashData(new byte[] { 1 });
        var tags = new Dictionary<string, string> { ["fin:application"] = "Agent payment", ["fin:kind"] = "FileBackup" };
        var request = client.PutRequestFor("fin-backup-euw1", "manifests/a/m.json", new MemoryStream(new byte[] { 1 }), 1, sha, "alias/k", null, null,
            "application/json", tags);

        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("fin%3Aapplication=Agent%20payment&fin%3Akind=FileBackup", request.Headers["x-amz-tagging"]);
        Assert.Equal("aws:kms", request.Headers["x-amz-server-side-encryption"]);
        Assert.Equal(Convert.ToBase64String(sha), request.Headers["x-amz-checksum-sha256"]);
        // A content object carries no tags (they would be one more thing for S3 to store per chunk).
        var content = client.PutRequestFor("fin-backup-euw1", "data/ab/ab", new MemoryStream(new byte[] { 1 }), 1, sha, "alias/k", null, null);
        Assert.False(content.Headers.ContainsKey("x-amz-tagging"));
    }
}

/// <summary>The same calls against moto, each result checked from outside with the AWS CLI (botocore's own client).</summary>
[Collection(MotoCollection.Name)]
public sealed class S3ManifestCallsMotoTests
{
    private readonly MotoServer _moto;

    public S3ManifestCallsMotoTests(MotoServer moto) => _moto = moto;

    [Fact]
    public void A_manifest_written_by_the_store_is_tagged_encrypted_and_read_back_whole_as_the_CLI_sees_it()
    {
        using var bed = new FilesTestBed(_moto);
        var src = bed.MakeLedger();
        var result = new FileBackupEngine(bed.Store, FilesTestBed.SmallSettings()).Run(bed.Request(src), null, default);
        var key = result.RecoveryPoint.RecoveryPointId;

        var tagging = JsonDocument.Parse(bed.Aws("s3api", "get-object-tagging", "--bucket", FilesTestBed.PrimaryBucket, "--key", key)).RootElement;
        var cliTags = tagging.GetProperty("TagSet").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!);
        Assert.Equal(cliTags, bed.Store.GetTags(FilesTestBed.PrimaryBucket, key, default));
        Assert.Equal("FileBackup", cliTags[FinTags.Kind]);
        var head = JsonDocument.Parse(bed.Aws("s3api", "head-object", "--bucket", FilesTestBed.PrimaryBucket, "--key", key)).RootElement;
        Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
        Assert.Equal("application/json", head.GetProperty("ContentType").GetString());

        // The manifest as the CLI downloads it is the one the store reads.
        var file = Path.Combine(bed.NewDir("cli"), "m.json");
        bed.Aws("s3api", "get-object", "--bucket", FilesTestBed.PrimaryBucket, "--key", key, file);
        var read = bed.Store.GetManifest(FilesTestBed.PrimaryBucket, key, default);
        Assert.Equal(new FileInfo(file).Length, head.GetProperty("ContentLength").GetInt64());
        Assert.Equal(result.Manifest.Files.Select(f => f.Path + f.Sha256), read.Files.Select(f => f.Path + f.Sha256));
    }

    [Fact]
    public void A_listing_of_more_than_one_page_returns_every_key_once()
    {
        using var bed = new FilesTestBed(_moto);
        var s3 = bed.Context.S3(FilesTestBed.Primary);
        var keys = Enumerable.Range(0, 1003).Select(i => $"packs/{i % 7:x2}/k{i:d5}").ToList();
        Parallel.ForEach(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = FilesTestBed.PrimaryBucket, Key = k, ContentBody = "x" }).GetAwaiter().GetResult());

        var listed = bed.Store.List(FilesTestBed.PrimaryBucket, "packs/", default);

        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), listed.Select(o => o.Key));
        Assert.All(listed, o => Assert.Equal(1, o.Size));
        var cliCount = JsonDocument.Parse(bed.Aws("s3api", "list-objects-v2", "--bucket", FilesTestBed.PrimaryBucket, "--prefix", "packs/",
            "--query", "length(Contents)")).RootElement.GetInt32();
        Assert.Equal(cliCount, listed.Count);
        Assert.Empty(bed.Store.List(FilesTestBed.PrimaryBucket, "nothing-here/", default));
    }

    [Fact]
    public void Object_Lock_is_read_from_the_bucket_and_a_bucket_without_it_is_unlocked_not_an_error()
    {
        using var bed = new FilesTestBed(_moto);
        var locked = "fin-lock-" + Guid.NewGuid().ToString("N")[..8];
        bed.Aws("s3api", "create-bucket", "--bucket", locked, "--object-lock-enabled-for-bucket");
        bed.Aws("s3api", "put-object-lock-configuration", "--bucket", locked, "--object-lock-configuration",
            "{\"ObjectLockEnabled\":\"Enabled\",\"Rule\":{\"DefaultRetention\":{\"Mode\":\"COMPLIANCE\",\"Days\":1}}}");

        var protection = bed.Store.DescribeBucket(locked, default);
        Assert.True(protection.ObjectLockEnabled);
        Assert.Equal("COMPLIANCE", protection.ObjectLockMode);
        Assert.False(bed.Store.DescribeBucket(FilesTestBed.PrimaryBucket, default).ObjectLockEnabled);

        var missing = Assert.Throws<FinBackupException>(() => bed.Store.DescribeBucket("fin-no-such-bucket-" + Guid.NewGuid().ToString("N")[..6], default));
        Assert.Equal(FinErrorIds.BucketNotFound, missing.ErrorId);
        var noKey = Assert.Throws<FinBackupException>(() => bed.Store.GetTags(FilesTestBed.PrimaryBucket, "manifests/x/none.json", default));
        Assert.Equal(FinErrorIds.FileObjectNotFound, noKey.ErrorId);
    }
}
