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

    /// <summary>A backup cycle over <paramref name="ctx"/> on a clock the test moves (<see cref="ClockedCycle.Now"/>).</summary>
    private sealed class ClockedCycle
    {
        public DateTime Now = DateTime.UtcNow;

        public ClockedCycle(FinBackup.Aws.AwsClientContext ctx)
        {
            Cycle = Over(ctx);
        }

        public BackupCycle Cycle { get; }

        /// <summary>Another cycle on the same clock, over another context (e.g. through a fault proxy).</summary>
        public BackupCycle Over(FinBackup.Aws.AwsClientContext ctx) =>
            new BackupCycle(new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(ctx, r)) { UtcNow = () => Now, PollInterval = TimeSpan.FromMilliseconds(10) },
                r => new ProtectedResourceFinder(ctx, r));
    }

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
        var clock = new ClockedCycle(ctx);
        var cycle = clock.Cycle;
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
        var clock = new ClockedCycle(direct);
        var policy = ImagePolicy();
        var cycle = clock.Cycle;
        Assert.Equal(2, Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default)).Taken);

        // What a run killed between CopyImage/CopySnapshot and tagging leaves: copies with FinBackup's name and
        // description but no tags.
        var (leftoverImage, leftoverSnapshot, ami, _) = LeaveUntaggedCopies(direct);

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

    /// <summary>
    /// What an interrupted copy leaves in the DR region (copy made, tags lost), as the 20 % fault run found it: the untagged
    /// image and snapshot copies of points whose copy was not retried before they expired.
    /// </summary>
    private (string Image, string Snapshot, FinRecoveryPoint Ami, FinRecoveryPoint Set) LeaveUntaggedCopies(FinBackup.Aws.AwsClientContext direct)
    {
        var ami = new AmiGateway(direct, MotoEstate.Primary).List(new RecoveryPointQuery(), default).Single();
        var set = new EbsSnapshotSetGateway(direct, MotoEstate.Primary).List(new RecoveryPointQuery(), default).Single();
        var dr = direct.Ec2(MotoEstate.Dr);
        var image = dr.CopyImageAsync(new CopyImageRequest
        {
            SourceImageId = ami.RecoveryPointId, SourceRegion = MotoEstate.Primary, Name = $"{ami.RecoveryPointId}-{MotoEstate.Primary}-copy",
            Description = $"FinBackup copy of {ami.RecoveryPointId} from {MotoEstate.Primary}",
        }).GetAwaiter().GetResult().ImageId;
        var snapshot = dr.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = MotoEstate.Primary, SourceSnapshotId = set.SnapshotIds[0],
            Description = $"FinBackup copy of {set.SnapshotIds[0]} ({set.RecoveryPointId}) from {MotoEstate.Primary}",
        }).GetAwaiter().GetResult().SnapshotId;
        return (image, snapshot, ami, set);
    }

    private static bool IsUntaggedFinCopy(JsonElement e) =>
        AwsCli.Tag(e, "fin:managed-by") == null
        && (e.TryGetProperty("Description", out var d) && (d.GetString() ?? string.Empty).StartsWith("FinBackup copy of", StringComparison.Ordinal));

    [Fact]
    public void An_untagged_DR_copy_of_a_point_that_expires_before_its_copy_is_retried_is_adopted_and_expires_with_it()
    {
        using var direct = AwsTestContext.For(_moto.EndpointUrl);
        MotoEstate.Seed(direct);
        var clock = new ClockedCycle(direct);
        var policy = ImagePolicy();
        var cycle = clock.Cycle;
        Assert.Equal(2, Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default)).Taken);
        var left = LeaveUntaggedCopies(direct);

        // Past the retention: the first points expire now and their copies are not retried (only unexpired points are).
        policy.Applications[0].CopyToDrRegion = true;
        clock.Now += policy.Applications[0].Retention!.Value + TimeSpan.FromHours(1);
        var warnings = new List<string>();
        var run = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks { Warning = warnings.Add }, default));
        Assert.Equal(0, run.Failed);
        Assert.Contains(warnings, w => w.Contains("Adopted " + left.Image, StringComparison.Ordinal));

        // From outside: no untagged FinBackup copy is left in the DR region; the leftover image is either gone (expired with
        // its source) or tagged as the copy of it.
        var drImages = Images(MotoEstate.Dr);
        Assert.True(!drImages.Any(IsUntaggedFinCopy), $"untagged: {string.Join(", ", drImages.Where(IsUntaggedFinCopy).Select(i => i.GetProperty("ImageId").GetString()))}; leftover {left.Image} of {left.Ami.RecoveryPointId}; warnings: {string.Join(" | ", warnings)}");
        Assert.DoesNotContain(Snapshots(MotoEstate.Dr), IsUntaggedFinCopy);
        var adopted = drImages.FirstOrDefault(i => i.GetProperty("ImageId").GetString() == left.Image);
        if (adopted.ValueKind != JsonValueKind.Undefined)
        {
            Assert.Equal(left.Ami.RecoveryPointId, AwsCli.Tag(adopted, "fin:source-id"));
            Assert.NotNull(AwsCli.Tag(adopted, "fin:adopted-at"));
        }
        // The next cycle, once the new copies are the newest in the DR region: the adopted (expired) copies are removed.
        clock.Now += TimeSpan.FromHours(1);
        Assert.Equal(0, Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default)).Failed);
        Assert.DoesNotContain(Images(MotoEstate.Dr), i => i.GetProperty("ImageId").GetString() == left.Image);
        Assert.DoesNotContain(Snapshots(MotoEstate.Dr), s => s.GetProperty("SnapshotId").GetString() == left.Snapshot);
    }

    [Fact]
    public void An_untagged_DR_copy_is_adopted_when_its_source_was_missing_from_the_first_listing_and_expires_after_the_retry()
    {
        using var direct = AwsTestContext.For(_moto.EndpointUrl);
        MotoEstate.Seed(direct);
        var clock = new ClockedCycle(direct);
        var policy = ImagePolicy();
        Assert.Equal(2, Assert.Single(clock.Cycle.Run(policy, new BackupCycleCallbacks(), default)).Taken);
        var left = LeaveUntaggedCopies(direct);

        // The cycle's first listing of the policy's AMIs fails (every SDK attempt); the expiry lists them again and the
        // source expires then. What the 50 % fault run of round 7 left: the source's untagged DR copy, never adopted.
        var failures = 0;
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) =>
            req.QueryAction == "DescribeImages" && req.BodyText.Contains("tag%3Afin%3Apolicy", StringComparison.Ordinal) && Interlocked.Increment(ref failures) <= 3
                ? Ec2InternalError : null);
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        policy.Applications[0].CopyToDrRegion = true;
        clock.Now += policy.Applications[0].Retention!.Value + TimeSpan.FromHours(1);
        var warnings = new List<string>();
        Assert.Single(clock.Over(ctx).Run(policy, new BackupCycleCallbacks { Warning = warnings.Add }, default));
        Assert.True(failures >= 3, $"the listing was faulted {failures} times");
        Assert.DoesNotContain(Images(MotoEstate.Primary), i => i.GetProperty("ImageId").GetString() == left.Ami.RecoveryPointId);   // the source expired
        var drImages = Images(MotoEstate.Dr);
        Assert.True(!drImages.Any(IsUntaggedFinCopy), $"untagged: {string.Join(", ", drImages.Where(IsUntaggedFinCopy).Select(i => i.GetProperty("ImageId").GetString()))}; warnings: {string.Join(" | ", warnings)}");
    }

    [Fact]
    public void A_point_whose_DR_region_cannot_be_checked_for_untagged_copies_is_not_expired()
    {
        using var direct = AwsTestContext.For(_moto.EndpointUrl);
        MotoEstate.Seed(direct);
        var clock = new ClockedCycle(direct);
        var policy = AllKindsPolicy();
        policy.Applications[0].RecoveryPoints.Remove(RecoveryPointKindRequest.RdsSnapshot);
        policy.Applications[0].RecoveryPoints.Remove(RecoveryPointKindRequest.EbsSnapshotSet);
        policy.Applications[0].CopyToDrRegion = false;
        Assert.Equal(1, Assert.Single(clock.Cycle.Run(policy, new BackupCycleCallbacks(), default)).Taken);
        var ami = new AmiGateway(direct, MotoEstate.Primary).List(new RecoveryPointQuery(), default).Single();

        // The DR region answers every look by description (the leftover check) with a 500.
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) =>
            req.QueryAction == "DescribeImages" && req.BodyText.Contains("=description", StringComparison.Ordinal)
                ? new CannedResponse(500, "<Response><Errors><Error><Code>InternalError</Code><Message>fault</Message></Error></Errors><RequestID>t</RequestID></Response>")
                : null);
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        policy.Applications[0].CopyToDrRegion = true;
        clock.Now += policy.Applications[0].Retention!.Value + TimeSpan.FromHours(1);
        var warnings = new List<string>();
        Assert.Single(clock.Over(ctx).Run(policy, new BackupCycleCallbacks { Warning = warnings.Add }, default));
        Assert.Contains(warnings, w => w.Contains("waits for a cycle that can look", StringComparison.Ordinal));
        Assert.Contains(Images(MotoEstate.Primary), i => i.GetProperty("ImageId").GetString() == ami.RecoveryPointId);
    }

    private static readonly CannedResponse Ec2InternalError =
        new(500, "<Response><Errors><Error><Code>InternalError</Code><Message>fault</Message></Error></Errors><RequestID>t</RequestID></Response>");

    /// <summary>The AMI policy of these tests: snapshot sets and AMIs, no copies.</summary>
    private static BackupPolicy ImagePolicy()
    {
        var policy = AllKindsPolicy();
        policy.Applications[0].RecoveryPoints.Remove(RecoveryPointKindRequest.RdsSnapshot);
        policy.Applications[0].CopyToDrRegion = false;
        return policy;
    }

    [Fact]
    public void An_AMI_whose_snapshots_were_never_tagged_and_whose_snapshot_delete_failed_leaves_no_snapshot_behind()
    {
        using (var seed = AwsTestContext.For(_moto.EndpointUrl)) MotoEstate.Seed(seed);
        var tagSnapshotsFails = true;
        var failDelete = new HashSet<string>(StringComparer.Ordinal);
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) =>
        {
            // The image's snapshots are tagged alone after CreateImage (ResourceId.1 is a snapshot): that call fails.
            if (tagSnapshotsFails && req.QueryAction == "CreateTags" && req.BodyText.Contains("ResourceId.1=snap-", StringComparison.Ordinal)) return Ec2InternalError;
            if (req.QueryAction == "DeleteSnapshot") lock (failDelete) if (failDelete.Any(id => req.BodyText.Contains("SnapshotId=" + id, StringComparison.Ordinal))) return Ec2InternalError;
            return null;
        });
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        var clock = new ClockedCycle(ctx);
        var cycle = clock.Cycle;
        var policy = ImagePolicy();
        var warnings = new List<string>();
        Assert.Equal(2, Assert.Single(cycle.Run(policy, new BackupCycleCallbacks { Warning = warnings.Add }, default)).Taken);
        var ami = new AmiGateway(ctx, MotoEstate.Primary).List(new RecoveryPointQuery(), default).Single();
        Assert.NotEmpty(ami.SnapshotIds);
        Assert.All(Snapshots(MotoEstate.Primary).Where(s => ami.SnapshotIds.Contains(s.GetProperty("SnapshotId").GetString())),
            s => Assert.Null(AwsCli.Tag(s, "fin:managed-by")));   // what the 50 % fault run left: untagged backing snapshots

        // Past the retention, tagging works again but deleting the image's snapshots fails after the image is deregistered.
        tagSnapshotsFails = false;
        lock (failDelete) failDelete.UnionWith(ami.SnapshotIds);
        clock.Now += policy.Applications[0].Retention!.Value + TimeSpan.FromHours(1);
        var errors = new List<string>();
        cycle.Run(policy, new BackupCycleCallbacks { Warning = warnings.Add, Error = (ex, _) => errors.Add(ex.ErrorId) }, default);
        Assert.Contains(warnings, w => w.Contains("Tagged the snapshots of AMI " + ami.RecoveryPointId, StringComparison.Ordinal));
        Assert.DoesNotContain(Images(MotoEstate.Primary), i => i.GetProperty("ImageId").GetString() == ami.RecoveryPointId);
        Assert.Contains("FinDeleteFailed", errors);
        var left = Snapshots(MotoEstate.Primary).Where(s => ami.SnapshotIds.Contains(s.GetProperty("SnapshotId").GetString())).ToList();
        Assert.NotEmpty(left);
        Assert.All(left, s => Assert.Equal("Ami", AwsCli.Tag(s, "fin:kind")));   // findable: tagged before the image went

        // The next cycle removes what the deregistered image left.
        lock (failDelete) failDelete.Clear();
        clock.Now += TimeSpan.FromHours(1);
        var run = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks { Warning = warnings.Add }, default));
        Assert.Equal(0, run.Failed);
        Assert.DoesNotContain(Snapshots(MotoEstate.Primary), s => ami.SnapshotIds.Contains(s.GetProperty("SnapshotId").GetString()));
        Assert.Contains(warnings, w => w.StartsWith("Removed snapshot " + ami.SnapshotIds[0], StringComparison.Ordinal));
        // Nothing else was touched: the newest AMI and snapshot set are there, with every snapshot they use.
        var images = Images(MotoEstate.Primary).Where(i => AwsCli.Tag(i, "fin:managed-by") == "FinBackup").ToList();
        Assert.NotEmpty(images);
        var snapshotIds = Snapshots(MotoEstate.Primary).Select(s => s.GetProperty("SnapshotId").GetString()).ToHashSet();
        Assert.All(images, i => Assert.All(i.GetProperty("BlockDeviceMappings").EnumerateArray().Where(m => m.TryGetProperty("Ebs", out _)),
            m => Assert.Contains(m.GetProperty("Ebs").GetProperty("SnapshotId").GetString(), snapshotIds)));
    }

    [Fact]
    public void An_expired_AMI_whose_snapshots_cannot_be_tagged_is_kept_until_they_are()
    {
        using (var seed = AwsTestContext.For(_moto.EndpointUrl)) MotoEstate.Seed(seed);
        var tagSnapshotsFails = true;
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) =>
            tagSnapshotsFails && req.QueryAction == "CreateTags" && req.BodyText.Contains("=snap-", StringComparison.Ordinal) ? Ec2InternalError : null);
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        var clock = new ClockedCycle(ctx);
        var cycle = clock.Cycle;
        var policy = ImagePolicy();
        policy.Applications[0].RecoveryPoints.Remove(RecoveryPointKindRequest.EbsSnapshotSet);   // the image snapshots listed alone
        cycle.Run(policy, new BackupCycleCallbacks(), default);
        var ami = new AmiGateway(ctx, MotoEstate.Primary).List(new RecoveryPointQuery(), default).Single();

        clock.Now += policy.Applications[0].Retention!.Value + TimeSpan.FromHours(1);
        var warnings = new List<string>();
        cycle.Run(policy, new BackupCycleCallbacks { Warning = warnings.Add }, default);
        Assert.Contains(warnings, w => w.Contains($"AMI {ami.RecoveryPointId} is kept past its expiry until its snapshots are tagged", StringComparison.Ordinal));
        Assert.Contains(Images(MotoEstate.Primary), i => i.GetProperty("ImageId").GetString() == ami.RecoveryPointId);

        tagSnapshotsFails = false;
        clock.Now += TimeSpan.FromHours(1);
        Assert.Equal(0, Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default)).Failed);
        Assert.DoesNotContain(Images(MotoEstate.Primary), i => i.GetProperty("ImageId").GetString() == ami.RecoveryPointId);
        Assert.DoesNotContain(Snapshots(MotoEstate.Primary), s => ami.SnapshotIds.Contains(s.GetProperty("SnapshotId").GetString()));
    }
}
