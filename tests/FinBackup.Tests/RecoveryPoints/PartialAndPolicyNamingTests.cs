using System.Text;
using Amazon.EC2.Model;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>Issue 13 item 3 (half-deleted snapshot sets) and item 10 (DB snapshot names per policy), against moto.</summary>
[Collection(MotoCollection.Name)]
public sealed class PartialAndPolicyNamingTests
{
    private readonly MotoServer _moto;

    public PartialAndPolicyNamingTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static CannedResponse InternalError() => new(500,
        "<Response><Errors><Error><Code>InternalError</Code><Message>injected</Message></Error></Errors><RequestID>fault</RequestID></Response>");

    [Fact]
    public void A_half_deleted_snapshot_set_is_listed_Partial_never_newest_and_expiry_finishes_it()
    {
        using var direct = AwsTestContext.For(_moto.EndpointUrl);
        MotoEstate.Seed(direct);
        var policy = MotoEstate.Policy();
        policy.Applications[0].RecoveryPoints.Remove(RecoveryPointKindRequest.RdsSnapshot);
        policy.Applications[0].CopyToDrRegion = false;
        var failDeletes = false;
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) =>
            failDeletes && Encoding.UTF8.GetString(req.Body).Contains("Action=DeleteSnapshot&") && Encoding.UTF8.GetString(req.Body).Contains(_secondMember ?? "none")
                ? InternalError() : null);
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        var now = DateTime.UtcNow;
        var runtime = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(ctx, r)) { UtcNow = () => now, PollInterval = TimeSpan.FromMilliseconds(10) };
        var cycle = new BackupCycle(runtime, r => new ProtectedResourceFinder(ctx, r));
        Assert.Equal(1, Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default)).Taken);
        now = now.AddHours(1);
        Assert.Equal(1, Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default)).Taken);

        var gateway = new EbsSnapshotSetGateway(direct, MotoEstate.Primary);
        var sets = gateway.List(new RecoveryPointQuery(), default).OrderBy(p => p.CreatedAt).ToList();
        Assert.Equal(2, sets.Count);
        var oldest = sets[0];
        Assert.Equal(2, oldest.SnapshotIds.Count);
        _secondMember = oldest.SnapshotIds[1];

        // 13 h later the first set expires; deleting its second member fails (after the SDK's retries).
        now = now.AddHours(12);
        failDeletes = true;
        var errors = new List<string>();
        var faulty = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks { Error = (ex, _) => errors.Add(ex.ErrorId) }, default));
        Assert.Contains("FinDeleteFailed", errors);
        var half = gateway.List(new RecoveryPointQuery(), default).Single(p => p.RecoveryPointId == oldest.RecoveryPointId);
        Assert.Single(half.SnapshotIds);
        Assert.Equal(RecoveryPointState.Partial, half.State);     // never Available: not offered for restore
        Assert.DoesNotContain(new RetentionPlanner().Plan(new[] { half }, now), d => d.Reason == RetentionReason.NewestAvailableForResourceInRegion);

        // The next run finishes the delete.
        failDeletes = false;
        var clean = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default));
        Assert.Equal(0, clean.Failed);
        Assert.DoesNotContain(gateway.List(new RecoveryPointQuery(), default), p => p.RecoveryPointId == oldest.RecoveryPointId);
        var left = AwsCli.Run(_moto.EndpointUrl, MotoEstate.Primary, "ec2", "describe-snapshots", "--owner-ids", "self",
            "--filters", $"Name=tag:fin:set-id,Values={oldest.RecoveryPointId}").GetProperty("Snapshots").GetArrayLength();
        Assert.Equal(0, left);
    }

    private string? _secondMember;

    [Fact]
    public void A_set_missing_a_member_outside_FinBackup_shows_Partial()
    {
        using var direct = AwsTestContext.For(_moto.EndpointUrl);
        var estate = MotoEstate.Seed(direct);
        var taker = new RecoveryPointTaker(new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(direct, r)));
        var point = taker.Take(new TakeRecoveryPointRequest
        {
            ResourceId = estate.Instances["Cross-sell"], ResourceType = FinResourceType.Ec2Instance, Region = MotoEstate.Primary,
            Application = "Cross-sell", Policy = MotoEstate.Policy(),
        }, RecoveryPointKind.EbsSnapshotSet, default).Point;
        Assert.Equal(2, point.SnapshotIds.Count);
        direct.Ec2(MotoEstate.Primary).DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = point.SnapshotIds[0] }).GetAwaiter().GetResult();
        var listed = new EbsSnapshotSetGateway(direct, MotoEstate.Primary).List(new RecoveryPointQuery(), default).Single();
        Assert.Equal(RecoveryPointState.Partial, listed.State);
    }

    [Fact]
    public void Two_policies_covering_one_database_each_get_their_own_DB_snapshot_in_the_same_window()
    {
        using var direct = AwsTestContext.For(_moto.EndpointUrl);
        MotoEstate.Seed(direct, true);
        var first = MotoEstate.Policy();
        var second = MotoEstate.Policy();
        second.Name = "finco-audit";
        var runtime = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(direct, r));
        var taker = new RecoveryPointTaker(runtime);
        TakeRecoveryPointRequest Req(BackupPolicy p) => new()
        {
            ResourceId = "cross-sell-db", ResourceType = FinResourceType.RdsDbInstance, Region = MotoEstate.Primary, Application = "Cross-sell", Policy = p,
        };
        var a = taker.Take(Req(first), RecoveryPointKind.RdsSnapshot, default);
        var b = taker.Take(Req(second), RecoveryPointKind.RdsSnapshot, default);
        Assert.False(b.AlreadyExisted);
        Assert.NotEqual(a.Point.RecoveryPointId, b.Point.RecoveryPointId);
        Assert.Equal("finco-audit", b.Point.PolicyName);
        Assert.Contains(RecoveryPointTaker.PolicyHash("finco-audit"), b.Point.RecoveryPointId);
        Assert.True(taker.Take(Req(second), RecoveryPointKind.RdsSnapshot, default).AlreadyExisted);
        var ids = AwsCli.Run(_moto.EndpointUrl, MotoEstate.Primary, "rds", "describe-db-snapshots", "--snapshot-type", "manual")
            .GetProperty("DBSnapshots").EnumerateArray().Select(s => s.GetProperty("DBSnapshotIdentifier").GetString()).ToList();
        Assert.Equal(2, ids.Count);
    }

    [Fact]
    public void A_DB_snapshot_identifier_held_by_another_policy_is_refused_not_returned_as_ours()
    {
        using var direct = AwsTestContext.For(_moto.EndpointUrl);
        MotoEstate.Seed(direct, true);
        var policy = MotoEstate.Policy();
        var window = BackupWindow.At(DateTime.UtcNow, TimeSpan.FromHours(1));
        var name = RecoveryPointTaker.NameFor(RecoveryPointKind.RdsSnapshot, "cross-sell-db", window, policy.Name);
        // Someone (another tool, another policy's hand-made point) holds the identifier, tagged as another policy's.
        direct.Rds(MotoEstate.Primary).CreateDBSnapshotAsync(name, "cross-sell-db", new Dictionary<string, string>
        {
            [FinTags.ManagedBy] = FinTags.ManagedByValue, [FinTags.Policy] = "someone-else", [FinTags.Window] = window.Id,
        }).GetAwaiter().GetResult();
        var gateway = new RdsSnapshotGateway(direct, MotoEstate.Primary);
        var ex = Assert.Throws<FinBackupException>(() => gateway.Create(new CreateRecoveryPointRequest
        {
            ResourceId = "cross-sell-db", Name = name,
            Tags = RecoveryPointTagCodec.ForNewPoint(RecoveryPointKind.RdsSnapshot, "Cross-sell", policy.Name, "cross-sell-db", window, DateTime.UtcNow.AddHours(12)),
        }, default));
        Assert.Equal("FinSnapshotNameTaken", ex.ErrorId);
        Assert.Contains("someone-else", ex.Message);
    }
}

public sealed class PolicyNamingUnitTests
{
    [Theory]
    [InlineData(RecoveryPointKind.RdsSnapshot, "cross-sell-db")]
    [InlineData(RecoveryPointKind.Ami, "i-0abc")]
    public void Names_carry_a_short_stable_policy_hash_and_stay_valid(RecoveryPointKind kind, string resource)
    {
        var w = BackupWindow.At(new DateTime(2026, 11, 23, 10, 20, 0, DateTimeKind.Utc), TimeSpan.FromHours(1));
        var a = RecoveryPointTaker.NameFor(kind, resource, w, "finco");
        var b = RecoveryPointTaker.NameFor(kind, resource, w, "finco-audit");
        Assert.NotEqual(a, b);
        Assert.Equal(a, RecoveryPointTaker.NameFor(kind, resource, w, "FINCO"));
        Assert.Matches("^fin-[a-z0-9-]+-[0-9a-f]{8}-20261123[tT]100000[zZ]$", a);
        Assert.DoesNotContain("--", a);
        var longName = RecoveryPointTaker.NameFor(kind, new string('x', 400), w, "finco");
        Assert.True(longName.Length <= 255);
        Assert.EndsWith(RecoveryPointTaker.PolicyHash("finco") + "-" + (kind == RecoveryPointKind.RdsSnapshot ? "20261123t100000z" : "20261123T100000Z"), longName);
    }
}
