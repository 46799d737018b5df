using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.Rds;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Aws;

[Collection(MotoCollection.Name)]
public sealed class RdsClientTests
{
    private readonly MotoServer _moto;

    public RdsClientTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static RdsCreateInstanceRequest Db(string id, string app) => new()
    {
        Identifier = id,
        AllocatedStorageGiB = 10240,
        MasterUserPassword = "Sandbox-Passw0rd",
        Tags = new Dictionary<string, string> { ["fin:application"] = app },
    };

    [Fact]
    public async Task Create_describe_snapshot_tag_and_delete_round_trip()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var rds = ctx.Rds("us-east-1");
        var created = await rds.CreateDBInstanceAsync(Db("cross-sell-db", "Cross-sell"));
        Assert.Equal("cross-sell-db", created.Identifier);
        Assert.Equal(10240, created.AllocatedStorageGiB);

        var instances = await rds.DescribeDBInstancesAsync(new Dictionary<string, IEnumerable<string>> { ["engine"] = new[] { "postgres" } });
        var db = Assert.Single(instances);
        Assert.Equal("Cross-sell", db.Tags["fin:application"]);
        Assert.True(db.StorageEncrypted);
        Assert.StartsWith("arn:aws:rds:us-east-1:", db.Arn);

        var snap = await rds.CreateDBSnapshotAsync("fin-cross-sell-1", "cross-sell-db",
            new Dictionary<string, string> { ["fin:managed-by"] = "FinBackup", ["fin:window"] = "2026-11-23T19:00:00Z" });
        Assert.Equal("fin-cross-sell-1", snap.Identifier);

        var byId = Assert.Single(await rds.DescribeDBSnapshotsAsync(new RdsSnapshotQuery { SnapshotIdentifier = "fin-cross-sell-1" }));
        Assert.Equal("cross-sell-db", byId.InstanceIdentifier);
        Assert.Equal("manual", byId.SnapshotType);
        var byInstance = await rds.DescribeDBSnapshotsAsync(new RdsSnapshotQuery { InstanceIdentifier = "cross-sell-db", SnapshotType = "manual" });
        Assert.Contains(byInstance, s => s.Identifier == "fin-cross-sell-1");

        await rds.AddTagsToResourceAsync(byId.Arn, new Dictionary<string, string> { ["fin:legal-hold"] = "true" });
        var tags = await rds.ListTagsForResourceAsync(byId.Arn);
        Assert.Equal("FinBackup", tags["fin:managed-by"]);
        Assert.Equal("true", tags["fin:legal-hold"]);

        await rds.DeleteDBSnapshotAsync("fin-cross-sell-1");
        Assert.Empty(await rds.DescribeDBSnapshotsAsync(new RdsSnapshotQuery { SnapshotIdentifier = "fin-cross-sell-1" }));
    }

    [Fact]
    public async Task Cross_region_copy_lands_in_the_destination_region_with_tags()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var east = ctx.Rds("us-east-1");
        var west = ctx.Rds("us-west-2");
        await east.CreateDBInstanceAsync(Db("inventory-db", "Inventory Management System"));
        var snap = await east.CreateDBSnapshotAsync("fin-inventory-1", "inventory-db", new Dictionary<string, string> { ["fin:managed-by"] = "FinBackup" });

        var copy = await west.CopyDBSnapshotAsync(new RdsCopySnapshotRequest
        {
            SourceSnapshotIdentifier = snap.Arn,
            TargetSnapshotIdentifier = "fin-inventory-1-dr",
            KmsKeyId = "alias/aws/rds",
            CopyTags = true,
            Tags = new Dictionary<string, string> { ["fin:source-region"] = "us-east-1" },
            SourceRegion = "us-east-1",
        });
        Assert.Equal("fin-inventory-1-dr", copy.Identifier);
        var inWest = Assert.Single(await west.DescribeDBSnapshotsAsync(new RdsSnapshotQuery { SnapshotIdentifier = "fin-inventory-1-dr" }));
        Assert.StartsWith("arn:aws:rds:us-west-2:", inWest.Arn);
        var tags = await west.ListTagsForResourceAsync(inWest.Arn);
        Assert.Equal("us-east-1", tags["fin:source-region"]);
        Assert.Empty(await east.DescribeDBSnapshotsAsync(new RdsSnapshotQuery { SnapshotIdentifier = "fin-inventory-1-dr" }));
    }

    [Fact]
    public async Task Deleting_a_missing_snapshot_is_a_typed_not_found_error()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => ctx.Rds("us-east-1").DeleteDBSnapshotAsync("does-not-exist"));
        Assert.Equal("DBSnapshotNotFound", ex.ErrorCode);
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("FinAwsNotFound", ex.ErrorId);
        Assert.Equal(FinBackup.Domain.FinErrorKind.ObjectNotFound, ex.Kind);
    }

    [Fact]
    public void Cross_region_presigned_url_is_signed_for_the_source_region_and_names_the_destination()
    {
        using var ctx = new FinBackup.Aws.AwsClientContext(new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret"), "us-west-2");
        var url = ctx.Rds("us-west-2").BuildCopyPresignedUrl(new RdsCopySnapshotRequest
        {
            SourceSnapshotIdentifier = "arn:aws:rds:us-east-1:123456789012:snapshot:fin-a",
            TargetSnapshotIdentifier = "fin-a-dr",
            KmsKeyId = "alias/fin-backup",
            SourceRegion = "us-east-1",
        }, new DateTime(2026, 11, 23, 19, 0, 0, DateTimeKind.Utc));
        Assert.Equal("rds.us-east-1.amazonaws.com", url.Host);
        var q = System.Web.HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("CopyDBSnapshot", q["Action"]);
        Assert.Equal("us-west-2", q["DestinationRegion"]);
        Assert.Equal("AKIDEXAMPLE/20261123/us-east-1/rds/aws4_request", q["X-Amz-Credential"]);
        Assert.Equal("3600", q["X-Amz-Expires"]);
        Assert.Matches("^[0-9a-f]{64}$", q["X-Amz-Signature"]);
    }
}
