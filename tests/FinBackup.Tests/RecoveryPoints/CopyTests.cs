using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using static FinBackup.Tests.RecoveryPoints.Points;

namespace FinBackup.Tests.RecoveryPoints;

public sealed class CopyPlannerTests
{
    private static FinRecoveryPoint Set(string id, int members, DateTime? created = null)
    {
        var p = Point(id, created: created);
        for (var i = 0; i < members; i++) p.SnapshotIds.Add($"{id}-snap-{i}");
        return p;
    }

    [Fact]
    public void Ebs_copies_stay_under_20_snapshots_counting_set_members_and_in_flight_copies()
    {
        var sources = Enumerable.Range(0, 12).Select(i => Set("set-" + i, 2, new DateTime(2026, 11, 23, 0, i, 0, DateTimeKind.Utc))).ToList();
        var inFlight = Enumerable.Range(0, 3).Select(i =>
        {
            var c = Set("copy-other-" + i, 2);
            c.Region = "us-west-2"; c.State = RecoveryPointState.Pending; c.SourceRecoveryPointId = "elsewhere-" + i; c.SourceRegion = "us-east-1";
            return c;
        });
        var plan = new CopyPlanner().Plan(sources, "us-west-2", inFlight);
        Assert.Equal(6, plan.InFlight.Values.Sum());
        Assert.Equal(7, plan.StartNow.Count); // 6 in flight + 7 sets x 2 = 20
        Assert.Equal(5, plan.Queued.Count);
        Assert.Equal("set-11", plan.StartNow[0].RecoveryPointId); // newest first
    }

    [Fact]
    public void Rds_limit_is_per_region_pair_and_ami_has_its_own_limit()
    {
        var limits = new CopyLimits { RdsCopiesPerRegionPair = 2, AmiCopiesPerDestinationRegion = 1 };
        var sources = new List<FinRecoveryPoint>();
        for (var i = 0; i < 3; i++) sources.Add(Point("east-db-" + i, kind: RecoveryPointKind.RdsSnapshot));
        for (var i = 0; i < 3; i++) sources.Add(Point("eu-db-" + i, region: "eu-west-1", kind: RecoveryPointKind.RdsSnapshot));
        for (var i = 0; i < 2; i++) sources.Add(Point("ami-" + i, kind: RecoveryPointKind.Ami));
        var plan = new CopyPlanner(limits).Plan(sources, "us-west-2", Array.Empty<FinRecoveryPoint>());
        Assert.Equal(2, plan.StartNow.Count(s => s.RecoveryPointId.StartsWith("east-db")));
        Assert.Equal(2, plan.StartNow.Count(s => s.RecoveryPointId.StartsWith("eu-db")));
        Assert.Equal(1, plan.StartNow.Count(s => s.Kind == RecoveryPointKind.Ami));
        Assert.Equal(3, plan.Queued.Count);
    }

    [Fact]
    public void Existing_copy_by_source_id_is_reused_and_unready_or_same_region_sources_are_not_started()
    {
        var done = Point("src-1");
        var notReady = Point("src-2", state: RecoveryPointState.Pending);
        var local = Point("src-3", region: "us-west-2");
        var existing = Point("copy-1", region: "us-west-2", sourceId: "src-1");
        var plan = new CopyPlanner().Plan(new[] { done, notReady, local }, "us-west-2", new[] { existing });
        Assert.Same(existing, Assert.Single(plan.AlreadyCopied).Value);
        Assert.Same(notReady, Assert.Single(plan.SourceNotReady));
        Assert.Same(local, Assert.Single(plan.SameRegion));
        Assert.Empty(plan.StartNow);
    }

    [Fact]
    public void A_failed_copy_does_not_count_as_copied()
    {
        var plan = new CopyPlanner().Plan(new[] { Point("src-1") }, "us-west-2",
            new[] { Point("copy-1", region: "us-west-2", sourceId: "src-1", state: RecoveryPointState.Failed) });
        Assert.Single(plan.StartNow);
    }
}

public sealed class CopyCoordinatorTests
{
    private static BackupPolicy Policy() => new()
    {
        Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
        KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "arn:aws:kms:us-west-2:123456789012:key/dr" },
    };

    private static FinRecoveryPoint Seed(FakeEstate e, string id, int members = 2)
    {
        var p = Point(id, created: e.Now.AddMinutes(-10), expires: e.Now.AddHours(12));
        for (var i = 0; i < members; i++) p.SnapshotIds.Add($"{id}-{i}");
        return e.Add(p);
    }

    [Fact]
    public void Copies_to_the_policy_DR_region_with_the_DR_key_and_lineage_and_is_idempotent()
    {
        var e = new FakeEstate();
        var src = Seed(e, "set-1");
        var coordinator = new CopyCoordinator(e.Runtime());
        var first = Assert.Single(coordinator.Copy(new[] { src }, new CopyToRegionRequest { Policy = Policy() }, null, default));
        Assert.Equal(CopyStatus.Copied, first.Status);
        Assert.Equal("us-west-2", first.Copy.Region);
        Assert.Equal("arn:aws:kms:us-west-2:123456789012:key/dr", first.Copy.KmsKeyId);
        Assert.Equal("set-1", first.Copy.SourceRecoveryPointId);
        Assert.Equal("us-east-1", first.Copy.SourceRegion);
        Assert.Equal("Cross-sell", first.Copy.Application);

        var second = Assert.Single(coordinator.Copy(new[] { src }, new CopyToRegionRequest { Policy = Policy() }, null, default));
        Assert.Equal(CopyStatus.AlreadyCopied, second.Status);
        Assert.Same(first.Copy, second.Copy);
        Assert.Equal(1, e.CopyCalls);
    }

    [Fact]
    public void Refuses_an_unencrypted_copy_when_no_key_is_known()
    {
        var e = new FakeEstate();
        var src = Seed(e, "set-1");
        var ex = Assert.Throws<FinBackupException>(() => new CopyCoordinator(e.Runtime())
            .Copy(new[] { src }, new CopyToRegionRequest { DestinationRegion = "eu-west-1", Policy = Policy() }, null, default));
        Assert.Equal("FinCopyUnencryptedRefused", ex.ErrorId);
        Assert.Equal(0, e.CopyCalls);
    }

    [Fact]
    public void Queues_copies_so_no_more_than_20_ebs_snapshots_are_in_flight_and_waits_for_all()
    {
        var e = new FakeEstate { PendingPolls = 2 };
        var sources = Enumerable.Range(0, 25).Select(i => Seed(e, "set-" + i)).ToList();
        var outcomes = new CopyCoordinator(e.Runtime()).Copy(sources, new CopyToRegionRequest { Policy = Policy(), Wait = true }, null, default);
        Assert.All(outcomes, o => Assert.Equal(CopyStatus.Copied, o.Status));
        Assert.All(outcomes, o => Assert.Equal(RecoveryPointState.Available, o.Copy.State));
        Assert.Equal(25, e.CopyCalls);
        Assert.InRange(e.MaxConcurrentPendingCopies, 1, 20);
    }

    [Fact]
    public void One_failed_copy_is_reported_and_the_others_go_on()
    {
        var e = new FakeEstate
        {
            FailCopy = (s, _) => s.RecoveryPointId == "set-1" ? new FinBackupException("FinKmsKeyNotFound", FinErrorKind.ObjectNotFound, "no key in us-west-2") : null,
        };
        var sources = new[] { Seed(e, "set-1"), Seed(e, "set-2") };
        var outcomes = new CopyCoordinator(e.Runtime()).Copy(sources, new CopyToRegionRequest { Policy = Policy() }, null, default);
        Assert.Equal("FinKmsKeyNotFound", outcomes.Single(o => o.Source.RecoveryPointId == "set-1").Error.ErrorId);
        Assert.Equal(CopyStatus.Copied, outcomes.Single(o => o.Source.RecoveryPointId == "set-2").Status);
    }

    [Fact]
    public void Without_wait_a_source_still_being_created_is_reported_not_started()
    {
        var e = new FakeEstate();
        var src = Seed(e, "set-1");
        src.State = RecoveryPointState.Pending;
        var o = Assert.Single(new CopyCoordinator(e.Runtime()).Copy(new[] { src }, new CopyToRegionRequest { Policy = Policy() }, null, default));
        Assert.Equal(CopyStatus.NotStarted, o.Status);
        Assert.Equal("FinCopySourceNotAvailable", o.Error.ErrorId);
        Assert.Equal(0, e.CopyCalls);
    }

    [Fact]
    public void Confirmation_is_asked_only_for_copies_that_would_start_and_declining_copies_nothing()
    {
        var e = new FakeEstate();
        var done = Seed(e, "set-done");
        var fresh = Seed(e, "set-new");
        var coordinator = new CopyCoordinator(e.Runtime());
        coordinator.Copy(new[] { done }, new CopyToRegionRequest { Policy = Policy() }, null, default);
        var asked = new List<string>();
        var outcomes = coordinator.Copy(new[] { done, fresh }, new CopyToRegionRequest
        {
            Policy = Policy(),
            ConfirmStart = (p, _) => { asked.Add(p.RecoveryPointId); return false; },
        }, null, default);
        Assert.Equal(new[] { "set-new" }, asked);
        Assert.Equal(CopyStatus.AlreadyCopied, outcomes.Single(o => o.Source == done).Status);
        Assert.Equal(CopyStatus.Declined, outcomes.Single(o => o.Source == fresh).Status);
        Assert.Equal(1, e.CopyCalls);
    }
}
