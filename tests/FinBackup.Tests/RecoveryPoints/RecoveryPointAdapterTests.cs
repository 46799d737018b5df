using Amazon.EC2.Model;
using FinBackup.Aws;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.RecoveryPoints;

[Collection(MotoCollection.Name)]
public sealed class RecoveryPointAdapterTests
{
    private readonly MotoServer _moto;

    public RecoveryPointAdapterTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static RecoveryPointRuntime Runtime(AwsClientContext ctx) =>
        new(r => new RecoveryPointProviderCatalog(ctx, r)) { PollInterval = TimeSpan.FromMilliseconds(10), WaitTimeout = TimeSpan.FromSeconds(30) };

    private static TakeRecoveryPointRequest Req(MotoEstate e, string app = "Cross-sell") => new()
    {
        ResourceId = e.Instances[app], ResourceType = FinResourceType.Ec2Instance, Region = MotoEstate.Primary, Application = app, Policy = MotoEstate.Policy(app),
    };

    [Fact]
    public void Catalog_finds_every_kind_taken_by_FinBackup()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var catalog = new RecoveryPointProviderCatalog(ctx, "us-east-1");
        Assert.NotNull(catalog.Provider(RecoveryPointKind.EbsSnapshotSet));
        Assert.NotNull(catalog.Provider(RecoveryPointKind.Ami));
        Assert.NotNull(catalog.Provider(RecoveryPointKind.RdsSnapshot));
        Assert.NotNull(catalog.Creator(RecoveryPointKind.EbsSnapshotSet));
        Assert.Same(catalog.Provider(RecoveryPointKind.Ami), catalog.Creator(RecoveryPointKind.Ami));
    }

    [Fact]
    public void Snapshot_set_covers_every_volume_is_tagged_and_is_found_again_by_tags_in_the_same_window()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var e = MotoEstate.Seed(ctx);
        var taker = new RecoveryPointTaker(Runtime(ctx));
        var first = taker.Take(Req(e), RecoveryPointKind.EbsSnapshotSet, default);
        Assert.False(first.AlreadyExisted);
        var set = first.Point;
        Assert.StartsWith("snapset-", set.RecoveryPointId);
        Assert.Equal(2, set.SnapshotIds.Count);
        Assert.Equal(409, set.SizeGiB);
        Assert.Equal("Cross-sell", set.Application);
        Assert.Equal(e.Instances["Cross-sell"], set.ResourceId);
        Assert.True(set.ManagedByFinBackup);
        Assert.NotNull(set.ExpiresAt);

        var snaps = ctx.Ec2("us-east-1").DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = set.SnapshotIds.ToList() }).Result.Snapshots;
        Assert.All(snaps, s =>
        {
            Assert.Contains(s.Tags, t => t.Key == "fin:set-id" && t.Value == set.RecoveryPointId);
            Assert.Contains(s.Tags, t => t.Key == "fin:window" && t.Value == set.Window);
            Assert.Contains(s.Tags, t => t.Key == "fin:managed-by" && t.Value == "FinBackup");
        });

        var again = taker.Take(Req(e), RecoveryPointKind.EbsSnapshotSet, default);
        Assert.True(again.AlreadyExisted);
        Assert.Equal(set.RecoveryPointId, again.Point.RecoveryPointId);
        Assert.Equal(2, ctx.Ec2("us-east-1").DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = new() { "self" } }).Result.Snapshots
            .Count(s => s.Tags?.Any(t => t.Key == "fin:managed-by") == true));
    }

    [Fact]
    public void Listing_filters_by_application_resource_and_state_server_side_and_ignores_unmanaged_snapshots()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var e = MotoEstate.Seed(ctx, false, "Cross-sell", "Agent payment");
        var taker = new RecoveryPointTaker(Runtime(ctx));
        taker.Take(Req(e, "Cross-sell"), RecoveryPointKind.EbsSnapshotSet, default);
        taker.Take(Req(e, "Agent payment"), RecoveryPointKind.EbsSnapshotSet, default);
        // Someone else's snapshot of the same volume: never listed, never deleted.
        var vol = ctx.Ec2("us-east-1").DescribeVolumesAsync(new DescribeVolumesRequest()).Result.Volumes.First().VolumeId;
        var foreign = ctx.Ec2("us-east-1").CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = vol }).Result.Snapshot.SnapshotId;

        var provider = new EbsSnapshotSetGateway(ctx, "us-east-1");
        var agent = Assert.Single(provider.List(new RecoveryPointQuery { Applications = { "Agent payment" } }, default));
        Assert.Equal(e.Instances["Agent payment"], agent.ResourceId);
        Assert.Equal(2, provider.List(new RecoveryPointQuery(), default).Count);
        Assert.Single(provider.List(new RecoveryPointQuery { ResourceIds = { e.Instances["Cross-sell"] }, States = { RecoveryPointState.Available } }, default));
        Assert.Empty(provider.List(new RecoveryPointQuery { Applications = { "Vendor Assistance Management" } }, default));
        Assert.DoesNotContain(provider.List(new RecoveryPointQuery(), default), p => p.SnapshotIds.Contains(foreign));
        var withUnmanaged = provider.List(new RecoveryPointQuery { IncludeUnmanaged = true }, default);
        Assert.Contains(withUnmanaged, p => p.RecoveryPointId == foreign && !p.ManagedByFinBackup);
    }

    [Fact]
    public void Copy_to_DR_is_encrypted_with_the_DR_key_carries_lineage_and_is_idempotent()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var e = MotoEstate.Seed(ctx);
        var rt = Runtime(ctx);
        var set = new RecoveryPointTaker(rt).Take(Req(e), RecoveryPointKind.EbsSnapshotSet, default).Point;
        var coordinator = new CopyCoordinator(rt);
        var outcome = Assert.Single(coordinator.Copy(new[] { set }, new CopyToRegionRequest { Policy = MotoEstate.Policy(), Wait = true }, null, default));
        Assert.Equal(CopyStatus.Copied, outcome.Status);
        var copy = outcome.Copy;
        Assert.Equal("us-west-2", copy.Region);
        Assert.Equal(set.RecoveryPointId, copy.SourceRecoveryPointId);
        Assert.Equal("us-east-1", copy.SourceRegion);
        Assert.Equal(2, copy.SnapshotIds.Count);
        Assert.Equal("Cross-sell", copy.Application);
        Assert.Equal(set.ExpiresAt, copy.ExpiresAt);

        var drSnaps = ctx.Ec2("us-west-2").DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = copy.SnapshotIds.ToList() }).Result.Snapshots;
        Assert.All(drSnaps, s =>
        {
            Assert.True(s.Encrypted);
            Assert.Equal("alias/fin-backup", s.KmsKeyId);
            Assert.Contains(s.Tags, t => t.Key == "fin:source-id" && t.Value == set.RecoveryPointId);
        });

        var again = Assert.Single(coordinator.Copy(new[] { set }, new CopyToRegionRequest { Policy = MotoEstate.Policy() }, null, default));
        Assert.Equal(CopyStatus.AlreadyCopied, again.Status);
        Assert.Equal(copy.RecoveryPointId, again.Copy.RecoveryPointId);
        Assert.Equal(2, ctx.Ec2("us-west-2").DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = new() { "self" } }).Result.Snapshots
            .Count(s => s.Tags?.Any(t => t.Key == "fin:source-id") == true));
    }

    [Fact]
    public void A_set_copy_interrupted_after_one_member_is_completed_into_the_same_set()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var e = MotoEstate.Seed(ctx);
        var rt = Runtime(ctx);
        var set = new RecoveryPointTaker(rt).Take(Req(e), RecoveryPointKind.EbsSnapshotSet, default).Point;
        var dr = new EbsSnapshotSetGateway(ctx, "us-west-2");
        var partialSource = new FinRecoveryPoint
        {
            RecoveryPointId = set.RecoveryPointId, Kind = set.Kind, Region = set.Region, SnapshotIds = { set.SnapshotIds[0] },
            Application = set.Application, ManagedByFinBackup = true,
        };
        var partial = dr.Copy(partialSource, new CopyRecoveryPointRequest { KmsKeyId = "alias/fin-backup", Tags = RecoveryPointTagCodec.ForCopy(set) }, default);
        Assert.Single(partial.SnapshotIds);
        var full = dr.Copy(set, new CopyRecoveryPointRequest { KmsKeyId = "alias/fin-backup", Tags = RecoveryPointTagCodec.ForCopy(set) }, default);
        Assert.Equal(partial.RecoveryPointId, full.RecoveryPointId);
        Assert.Equal(2, full.SnapshotIds.Count);
    }

    [Fact]
    public void Ami_is_tagged_with_its_snapshots_copied_to_DR_and_deregistered_with_its_snapshots()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var e = MotoEstate.Seed(ctx);
        var rt = Runtime(ctx);
        var ami = new RecoveryPointTaker(rt).Take(Req(e), RecoveryPointKind.Ami, default).Point;
        Assert.StartsWith("ami-", ami.RecoveryPointId);
        Assert.Equal("Cross-sell", ami.Application);
        Assert.NotEmpty(ami.SnapshotIds);
        Assert.Single(new AmiGateway(ctx, "us-east-1").List(new RecoveryPointQuery { Applications = { "Cross-sell" } }, default));

        var copy = Assert.Single(new CopyCoordinator(rt).Copy(new[] { ami }, new CopyToRegionRequest { Policy = MotoEstate.Policy() }, null, default)).Copy;
        Assert.Equal("us-west-2", copy.Region);
        Assert.Equal(ami.RecoveryPointId, copy.SourceRecoveryPointId);
        Assert.Single(new AmiGateway(ctx, "us-west-2").List(new RecoveryPointQuery { SourceRecoveryPointId = ami.RecoveryPointId }, default));

        new AmiGateway(ctx, "us-east-1").Delete(ami, default);
        Assert.Empty(new AmiGateway(ctx, "us-east-1").List(new RecoveryPointQuery(), default));
        var left = ctx.Ec2("us-east-1").DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = new() { "self" } }).Result.Snapshots;
        Assert.DoesNotContain(left, s => ami.SnapshotIds.Contains(s.SnapshotId));
    }

    [Fact]
    public void Snapshot_of_a_missing_instance_fails_with_FinResourceNotFound_and_creates_nothing()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var e = MotoEstate.Seed(ctx);
        var ex = Assert.Throws<FinBackupException>(() => new RecoveryPointTaker(Runtime(ctx))
            .Take(new TakeRecoveryPointRequest { ResourceId = "i-0000000000000dead", ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1", Retention = TimeSpan.FromHours(1) },
                RecoveryPointKind.EbsSnapshotSet, default));
        Assert.Equal("FinResourceNotFound", ex.ErrorId);
        Assert.Empty(new EbsSnapshotSetGateway(ctx, "us-east-1").List(new RecoveryPointQuery(), default));
    }

    [Fact]
    public void Rds_snapshot_is_tagged_listed_copied_with_the_DR_key_and_expired()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var e = MotoEstate.Seed(ctx, withDatabase: true);
        var rt = Runtime(ctx);
        var req = new TakeRecoveryPointRequest
        {
            ResourceId = "cross-sell-db", ResourceType = FinResourceType.RdsDbInstance, Region = "us-east-1", Application = "Cross-sell", Policy = MotoEstate.Policy(),
        };
        var taker = new RecoveryPointTaker(rt);
        var snap = taker.Take(req, RecoveryPointKind.RdsSnapshot, default).Point;
        Assert.StartsWith("fin-cross-sell-db-", snap.RecoveryPointId);
        Assert.True(taker.Take(req, RecoveryPointKind.RdsSnapshot, default).AlreadyExisted);
        var listed = Assert.Single(new RdsSnapshotGateway(ctx, "us-east-1").List(new RecoveryPointQuery { Applications = { "Cross-sell" } }, default));
        Assert.Equal("cross-sell-db", listed.ResourceId);
        Assert.Equal("finco", listed.PolicyName);

        var copy = Assert.Single(new CopyCoordinator(rt).Copy(new[] { listed }, new CopyToRegionRequest { Policy = MotoEstate.Policy(), Wait = true }, null, default));
        Assert.Equal(CopyStatus.Copied, copy.Status);
        Assert.Equal("us-west-2", copy.Copy.Region);
        Assert.Equal(snap.RecoveryPointId, copy.Copy.SourceRecoveryPointId);
        Assert.Equal(e.KeyArns["us-west-2"], copy.Copy.KmsKeyId); // the alias resolved to the DR region's key
        Assert.True(copy.Copy.Encrypted);

        // Expire: the primary snapshot is the newest of its DB, so it stays even when its expiry has passed.
        var runner = new ExpiryRunner(rt);
        var listing = runner.List(new ExpiryScope { Policy = MotoEstate.Policy() }, default);
        var decisions = runner.Plan(listing, DateTime.UtcNow.AddDays(2));
        Assert.All(decisions, d => Assert.Equal(RetentionReason.NewestAvailableForResourceInRegion, d.Reason));
    }
}

[Collection(MotoCollection.Name)]
public sealed class CopyKeyCheckTests
{
    private readonly MotoServer _moto;

    public CopyKeyCheckTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    [Fact]
    public void A_missing_DR_key_fails_every_copy_with_FinKmsKeyNotFound_and_copies_nothing()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var e = MotoEstate.Seed(ctx);
        var rt = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(ctx, r)) { KmsKeys = r => new KmsKeyCheck(ctx, r) };
        var set = new RecoveryPointTaker(rt).Take(new TakeRecoveryPointRequest
        {
            ResourceId = e.Instances["Cross-sell"], ResourceType = Domain.Resources.FinResourceType.Ec2Instance, Region = "us-east-1",
            Application = "Cross-sell", Policy = MotoEstate.Policy(),
        }, RecoveryPointKind.EbsSnapshotSet, default).Point;

        var outcome = Assert.Single(new CopyCoordinator(rt).Copy(new[] { set }, new CopyToRegionRequest { DestinationRegion = "us-west-2", KmsKeyId = "alias/not-there" }, null, default));
        Assert.Equal(CopyStatus.Failed, outcome.Status);
        Assert.Equal("FinKmsKeyNotFound", outcome.Error.ErrorId);
        Assert.Contains("us-west-2", outcome.Error.Message);
        Assert.Empty(new EbsSnapshotSetGateway(ctx, "us-west-2").List(new RecoveryPointQuery(), default));

        // The policy's DR key exists: the same copy goes through, checked by ARN.
        Assert.Equal(e.KeyArns["us-west-2"], new KmsKeyCheck(ctx, "us-west-2").RequireUsableKey("alias/fin-backup", default));
        Assert.Equal(CopyStatus.Copied, Assert.Single(new CopyCoordinator(rt).Copy(new[] { set }, new CopyToRegionRequest { Policy = MotoEstate.Policy() }, null, default)).Status);
    }
}

[Collection(MotoCollection.Name)]
public sealed class RdsCopyAdoptionTests
{
    private readonly MotoServer _moto;

    public RdsCopyAdoptionTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    [Fact]
    public void An_untagged_DR_copy_left_by_a_crash_is_adopted_and_tagged_not_copied_twice()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        MotoEstate.Seed(ctx, withDatabase: true);
        var rt = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(ctx, r));
        var snap = new RecoveryPointTaker(rt).Take(new TakeRecoveryPointRequest
        {
            ResourceId = "cross-sell-db", ResourceType = Domain.Resources.FinResourceType.RdsDbInstance, Region = "us-east-1", Application = "Cross-sell", Policy = MotoEstate.Policy(),
        }, RecoveryPointKind.RdsSnapshot, default).Point;
        // A copy with the same identifier but no tags, as a run that crashed mid-way could leave.
        ctx.Rds("us-west-2").CopyDBSnapshotAsync(new FinBackup.Aws.Services.Rds.RdsCopySnapshotRequest
        {
            SourceSnapshotIdentifier = snap.Arn, TargetSnapshotIdentifier = snap.RecoveryPointId, KmsKeyId = "alias/fin-backup", SourceRegion = "us-east-1",
        }).GetAwaiter().GetResult();

        var outcome = Assert.Single(new CopyCoordinator(rt).Copy(new[] { snap }, new CopyToRegionRequest { Policy = MotoEstate.Policy() }, null, default));
        Assert.Null(outcome.Error);
        Assert.Equal(snap.RecoveryPointId, outcome.Copy.RecoveryPointId);
        var dr = Assert.Single(new RdsSnapshotGateway(ctx, "us-west-2").List(new RecoveryPointQuery(), default));
        Assert.Equal(snap.RecoveryPointId, dr.SourceRecoveryPointId);
        Assert.True(dr.ManagedByFinBackup);
        Assert.Single(ctx.Rds("us-west-2").DescribeDBSnapshotsAsync(new FinBackup.Aws.Services.Rds.RdsSnapshotQuery()).GetAwaiter().GetResult());
    }
}
