using System.Text;
using System.Text.Json;
using Amazon.EC2.Model;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>
/// Issue 13 item 2: the request reached AWS but the reply was lost. Retries must not make duplicates, and what an
/// interrupted run left untagged is adopted, not copied again. Counted from outside with the AWS CLI.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class LostReplyTests
{
    private readonly MotoServer _moto;

    public LostReplyTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static string Action(ProxiedRequest req) => req.QueryAction;

    private static BackupPolicy AllKindsPolicy()
    {
        var p = MotoEstate.Policy();
        p.Applications[0].RecoveryPoints.Add(RecoveryPointKindRequest.Ami);
        return p;
    }

    private JsonElement[] Images(string region) => AwsCli.Images(_moto.EndpointUrl, region);

    private JsonElement[] Snapshots(string region) =>
        AwsCli.Run(_moto.EndpointUrl, region, "ec2", "describe-snapshots", "--owner-ids", "self").GetProperty("Snapshots").EnumerateArray().ToArray();

    private JsonElement[] DbSnapshots(string region) =>
        AwsCli.Run(_moto.EndpointUrl, region, "rds", "describe-db-snapshots", "--snapshot-type", "manual").GetProperty("DBSnapshots").EnumerateArray().ToArray();

    [Fact]
    public void A_lost_reply_on_every_create_and_copy_makes_no_duplicate_and_every_point_is_reported_as_taken()
    {
        using (var seed = AwsTestContext.For(_moto.EndpointUrl)) MotoEstate.Seed(seed, true);
        // moto's own images have snapshots in every region: only what appears after the seed is FinBackup's.
        var before = Snapshots(MotoEstate.Primary).Concat(Snapshots(MotoEstate.Dr)).Select(s => s.GetProperty("SnapshotId").GetString()).ToHashSet();
        var lost = new HashSet<string> { "CreateSnapshots", "CreateImage", "CopyImage", "CopySnapshot", "CreateDBSnapshot", "CopyDBSnapshot" };
        var faulted = new List<string>();
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) =>
        {
            var action = Action(req);
            lock (lost)
            {
                if (!lost.Remove(action)) return null;
                faulted.Add(action);
            }
            return CannedResponse.LostReply;
        });
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        var now = DateTime.UtcNow;
        var runtime = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(ctx, r)) { UtcNow = () => now, PollInterval = TimeSpan.FromMilliseconds(10) };
        var cycle = new BackupCycle(runtime, r => new ProtectedResourceFinder(ctx, r));
        var policy = AllKindsPolicy();

        var errors = new List<string>();
        var first = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks { Error = (ex, _) => errors.Add(ex.ErrorId + ": " + ex.Message) }, default));
        Assert.Equal(6, faulted.Count);
        Assert.Empty(errors);
        Assert.Equal(3, first.Taken);        // snapshot set, AMI, RDS snapshot: all exist, all reported
        Assert.Equal(0, first.Failed);
        var again = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default));
        Assert.Equal(0, again.Failed);
        Assert.Equal(0, again.Taken);

        // From outside: one image per region, tagged; every snapshot set has its 2 members, once; no untagged snapshot.
        var primaryImages = Images(MotoEstate.Primary);
        var sent = string.Join(", ", proxy.Requests.Where(r => Action(r).StartsWith("Create", StringComparison.Ordinal) || Action(r).StartsWith("Copy", StringComparison.Ordinal) || Action(r).StartsWith("Describe", StringComparison.Ordinal))
            .Select(r => Action(r) + (r.Headers.TryGetValue("amz-sdk-request", out var attempt) ? "[" + attempt + "]" : string.Empty) + "@" + r.Remote + (r.Headers.TryGetValue("Connection", out var c) ? "/" + c : "")));
        Assert.True(primaryImages.Length == 1, $"{primaryImages.Length} images; requests: {sent}");
        Assert.Equal("FinBackup", AwsCli.Tag(primaryImages[0], "fin:managed-by"));
        var drImages = Images(MotoEstate.Dr);
        Assert.Single(drImages);
        Assert.Equal(primaryImages[0].GetProperty("ImageId").GetString(), AwsCli.Tag(drImages[0], "fin:source-id"));
        foreach (var region in new[] { MotoEstate.Primary, MotoEstate.Dr })
        {
            var mine = Snapshots(region).Where(s => !before.Contains(s.GetProperty("SnapshotId").GetString())).ToList();
            Assert.All(mine, s => Assert.Equal("FinBackup", AwsCli.Tag(s, "fin:managed-by")));
            var sets = mine.Where(s => AwsCli.Tag(s, "fin:kind") == "EbsSnapshotSet").GroupBy(s => AwsCli.Tag(s, "fin:set-id")).ToList();
            Assert.Single(sets);
            Assert.Equal(2, sets[0].Count());
            Assert.Single(DbSnapshots(region));
        }
    }

    [Fact]
    public void Untagged_copies_an_interrupted_run_left_in_the_DR_region_are_adopted_not_copied_again()
    {
        using var direct = AwsTestContext.For(_moto.EndpointUrl);
        MotoEstate.Seed(direct);
        var now = DateTime.UtcNow;
        var policy = AllKindsPolicy();
        policy.Applications[0].RecoveryPoints.Remove(RecoveryPointKindRequest.RdsSnapshot);
        policy.Applications[0].CopyToDrRegion = false;
        var runtime = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(direct, r)) { UtcNow = () => now, PollInterval = TimeSpan.FromMilliseconds(10) };
        var cycle = new BackupCycle(runtime, r => new ProtectedResourceFinder(direct, r));
        Assert.Equal(2, Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default)).Taken);

        // What a run killed between CopyImage/CopySnapshot and tagging leaves: copies with FinBackup's name and
        // description but no tags.
        var ami = new AmiGateway(direct, MotoEstate.Primary).List(new RecoveryPointQuery(), default).Single();
        var set = new EbsSnapshotSetGateway(direct, MotoEstate.Primary).List(new RecoveryPointQuery(), default).Single();
        var dr = direct.Ec2(MotoEstate.Dr);
        var leftoverImage = dr.CopyImageAsync(new CopyImageRequest
        {
            SourceImageId = ami.RecoveryPointId, SourceRegion = MotoEstate.Primary, Name = $"{ami.RecoveryPointId}-{MotoEstate.Primary}-copy",
            Description = $"FinBackup copy of {ami.RecoveryPointId} from {MotoEstate.Primary}",
        }).GetAwaiter().GetResult().ImageId;
        var leftoverSnapshot = dr.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = MotoEstate.Primary, SourceSnapshotId = set.SnapshotIds[0],
            Description = $"FinBackup copy of {set.SnapshotIds[0]} ({set.RecoveryPointId}) from {MotoEstate.Primary}",
        }).GetAwaiter().GetResult().SnapshotId;

        policy.Applications[0].CopyToDrRegion = true;
        var run = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default));
        Assert.Equal(0, run.Failed);
        Assert.Equal(2, run.Copied);

        var drImages = Images(MotoEstate.Dr);
        var image = Assert.Single(drImages);
        Assert.Equal(leftoverImage, image.GetProperty("ImageId").GetString());
        Assert.Equal(ami.RecoveryPointId, AwsCli.Tag(image, "fin:source-id"));
        Assert.NotNull(AwsCli.Tag(image, "fin:adopted-at"));   // the audit record of the adoption
        var drSetSnapshots = Snapshots(MotoEstate.Dr).Where(s => AwsCli.Tag(s, "fin:kind") == "EbsSnapshotSet").ToList();
        Assert.Equal(2, drSetSnapshots.Count);
        Assert.Contains(drSetSnapshots, s => s.GetProperty("SnapshotId").GetString() == leftoverSnapshot && AwsCli.Tag(s, "fin:adopted-at") != null);
        Assert.Single(drSetSnapshots.Select(s => AwsCli.Tag(s, "fin:set-id")).Distinct());
    }
}
