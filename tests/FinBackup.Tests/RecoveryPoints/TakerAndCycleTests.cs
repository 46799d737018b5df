using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;

namespace FinBackup.Tests.RecoveryPoints;

public sealed class RecoveryPointTakerTests
{
    private static BackupPolicy Policy(params RecoveryPointKindRequest[] kinds)
    {
        var p = new BackupPolicy
        {
            Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
            KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-backup" },
        };
        p.Applications.Add(new ApplicationPolicy { Name = "Cross-sell", Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(1) });
        foreach (var k in kinds) p.Applications[0].RecoveryPoints.Add(k);
        return p;
    }

    private static TakeRecoveryPointRequest Req(BackupPolicy? p = null) => new()
    {
        ResourceId = "i-0abc", ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1", Application = "Cross-sell", Policy = p ?? Policy(),
    };

    [Fact]
    public void Takes_a_point_tagged_with_window_and_expiry_and_returns_it_again_in_the_same_window()
    {
        var e = new FakeEstate();
        var taker = new RecoveryPointTaker(e.Runtime());
        var first = taker.Take(Req(), RecoveryPointKind.EbsSnapshotSet, default);
        Assert.False(first.AlreadyExisted);
        Assert.Equal("2026-11-23T10:00:00Z", first.Point.Window);
        Assert.Equal(e.Now.AddHours(12), first.Point.ExpiresAt);
        Assert.Equal("finco", first.Point.PolicyName);
        Assert.True(first.Point.ManagedByFinBackup);

        e.Now = e.Now.AddMinutes(30);
        var second = taker.Take(Req(), RecoveryPointKind.EbsSnapshotSet, default);
        Assert.True(second.AlreadyExisted);
        Assert.Same(first.Point, second.Point);
        Assert.Equal(1, e.CreateCalls);

        e.Now = e.Now.AddMinutes(30); // next window
        Assert.False(taker.Take(Req(), RecoveryPointKind.EbsSnapshotSet, default).AlreadyExisted);
        Assert.Equal(2, e.CreateCalls);
    }

    [Fact]
    public void Confirmation_is_asked_only_when_a_point_must_be_created()
    {
        var e = new FakeEstate();
        var taker = new RecoveryPointTaker(e.Runtime());
        var declined = taker.Take(Req(), RecoveryPointKind.EbsSnapshotSet, default, confirmCreate: () => false);
        Assert.Null(declined.Point);
        Assert.Equal(0, e.CreateCalls);
        taker.Take(Req(), RecoveryPointKind.EbsSnapshotSet, default);
        var asked = false;
        var existing = taker.Take(Req(), RecoveryPointKind.EbsSnapshotSet, default, confirmCreate: () => asked = true);
        Assert.True(existing.AlreadyExisted);
        Assert.False(asked);
    }

    [Fact]
    public void Without_policy_or_retention_it_fails_with_a_named_error()
    {
        var e = new FakeEstate();
        var req = Req();
        req.Policy = null;
        var ex = Assert.Throws<FinBackupException>(() => new RecoveryPointTaker(e.Runtime()).Take(req, RecoveryPointKind.EbsSnapshotSet, default));
        Assert.Equal("FinRetentionMissing", ex.ErrorId);
        Assert.Equal(0, e.CreateCalls);
    }

    [Fact]
    public void Kind_defaults_follow_resource_type_and_policy_and_mismatches_are_refused()
    {
        var app = Policy(RecoveryPointKindRequest.Ami).Applications[0];
        Assert.Equal(new[] { RecoveryPointKind.Ami }, RecoveryPointTaker.KindsFor(FinResourceType.Ec2Instance, app, null));
        Assert.Equal(new[] { RecoveryPointKind.EbsSnapshotSet }, RecoveryPointTaker.KindsFor(FinResourceType.Ec2Instance, null, null));
        Assert.Equal(new[] { RecoveryPointKind.RdsSnapshot }, RecoveryPointTaker.KindsFor(FinResourceType.RdsDbInstance, app, null));
        var ex = Assert.Throws<FinBackupException>(() => RecoveryPointTaker.CheckKindFits(RecoveryPointKind.RdsSnapshot, FinResourceType.Ec2Instance, "i-1"));
        Assert.Equal("FinKindResourceMismatch", ex.ErrorId);
    }

    [Fact]
    public void Wait_polls_until_available()
    {
        var e = new FakeEstate { PendingPolls = 3 };
        var taker = new RecoveryPointTaker(e.Runtime());
        var p = taker.Take(Req(), RecoveryPointKind.EbsSnapshotSet, default).Point;
        Assert.Equal(RecoveryPointState.Pending, p.State);
        var seen = 0;
        var done = taker.WaitUntilDone(p, _ => seen++, default);
        Assert.Equal(RecoveryPointState.Available, done.State);
        Assert.True(seen >= 3);
    }

    [Theory]
    [InlineData(RecoveryPointKind.RdsSnapshot, "cross-sell-db", "fin-cross-sell-db-20261123t100000z")]
    [InlineData(RecoveryPointKind.Ami, "i-0abc", "fin-i-0abc-20261123T100000Z")]
    public void Names_are_valid_and_stable_per_window(RecoveryPointKind kind, string resource, string expected)
    {
        var w = BackupWindow.At(new DateTime(2026, 11, 23, 10, 20, 0, DateTimeKind.Utc), TimeSpan.FromHours(1));
        Assert.Equal(expected, RecoveryPointTaker.NameFor(kind, resource, w));
    }
}

public sealed class BackupCycleTests
{
    private static BackupPolicy Policy()
    {
        var p = new BackupPolicy
        {
            Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
            KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-backup" },
        };
        p.Applications.Add(new ApplicationPolicy { Name = "Cross-sell", Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(1) });
        p.Applications.Add(new ApplicationPolicy { Name = "Agent payment", Frequency = TimeSpan.FromMinutes(30), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromMinutes(30) });
        return p;
    }

    private static FakeEstate Estate()
    {
        var e = new FakeEstate();
        e.Resources.Add(new FinResource { Application = "Cross-sell", ResourceId = "i-cs", ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1" });
        e.Resources.Add(new FinResource { Application = "Cross-sell", ResourceId = "cross-sell-db", ResourceType = FinResourceType.RdsDbInstance, Region = "us-east-1" });
        e.Resources.Add(new FinResource { Application = "Agent payment", ResourceId = "i-ap", ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1" });
        return e;
    }

    private static IReadOnlyList<FinBackupCycleSummary> Run(FakeEstate e, BackupPolicy p, BackupCycleCallbacks? cb = null) =>
        new BackupCycle(e.Runtime(), _ => new FakeEstate.Finder(e)).Run(p, cb ?? new BackupCycleCallbacks(), default);

    [Fact]
    public void A_cycle_takes_copies_and_reports_rpo_and_a_rerun_in_the_same_window_creates_nothing()
    {
        var e = Estate();
        var s = Run(e, Policy());
        var cs = s.Single(x => x.Application == "Cross-sell");
        Assert.Equal(2, cs.Taken);
        Assert.Equal(2, cs.Copied);
        Assert.True(cs.WindowDue);
        Assert.Equal(0, cs.Failed);
        Assert.Equal(TimeSpan.Zero, cs.PrimaryRpo);
        Assert.Equal(TimeSpan.Zero, cs.DrRpo);
        Assert.True(cs.RpoMet);
        Assert.Equal(6, e.Points.Count);

        e.Now = e.Now.AddMinutes(5);
        var again = Run(e, Policy()).Single(x => x.Application == "Cross-sell");
        Assert.False(again.WindowDue);
        Assert.Equal(0, again.Taken);
        Assert.Equal(2, again.AlreadyTaken);
        Assert.Equal(0, again.Copied);
        Assert.Equal(6, e.Points.Count);
        Assert.Equal(TimeSpan.FromMinutes(5), again.PrimaryRpo);
    }

    [Fact]
    public void After_a_crash_between_snapshot_and_copy_the_rerun_copies_without_taking_again()
    {
        var e = Estate();
        // Crash simulation: the snapshot step ran (points exist), the copy step never did.
        var policy = Policy();
        var taker = new RecoveryPointTaker(e.Runtime());
        foreach (var r in e.Resources)
        {
            var kind = r.ResourceType == FinResourceType.RdsDbInstance ? RecoveryPointKind.RdsSnapshot : RecoveryPointKind.EbsSnapshotSet;
            taker.Take(new TakeRecoveryPointRequest { ResourceId = r.ResourceId, ResourceType = r.ResourceType, Region = "us-east-1", Application = r.Application, Policy = policy }, kind, default);
        }
        var creates = e.CreateCalls;
        var s = Run(e, policy);
        Assert.Equal(creates, e.CreateCalls);
        Assert.Equal(3, s.Sum(x => x.Copied));
        Assert.Equal(3, e.Points.Count(p => p.Region == "us-west-2"));
    }

    [Fact]
    public void Twelve_hours_of_cycles_expire_old_points_but_keep_the_newest_and_never_lose_the_window()
    {
        var e = Estate();
        var policy = Policy();
        for (var h = 0; h < 30; h++)
        {
            Run(e, policy);
            e.Now = e.Now.AddMinutes(30);
        }
        // Cross-sell: 1 h windows, 12 h retention -> about 12-13 points per resource and region, never fewer than 1.
        foreach (var region in new[] { "us-east-1", "us-west-2" })
        {
            var n = e.Points.Count(p => p.Region == region && p.ResourceId == "i-cs");
            Assert.InRange(n, 12, 14);
        }
        Assert.All(e.Points, p => Assert.True(p.ExpiresAt > e.Now.AddMinutes(-31)));
        Assert.True(e.DeleteCalls > 0);
    }

    [Fact]
    public void A_failed_snapshot_is_counted_and_reported_and_the_other_resources_go_on()
    {
        var e = Estate();
        e.FailCreate = id => id == "i-cs" ? new FinBackupException("FinSnapshotPendingLimit", FinErrorKind.LimitsExceeded, "5 pending") : null;
        var errors = new List<string>();
        var s = Run(e, Policy(), new BackupCycleCallbacks { Error = (ex, _) => errors.Add(ex.ErrorId) });
        var cs = s.Single(x => x.Application == "Cross-sell");
        Assert.Equal(1, cs.Failed);
        Assert.Equal(1, cs.Taken);
        Assert.Contains("FinSnapshotPendingLimit", errors);
        Assert.Null(cs.PrimaryRpo); // i-cs has no point: the RPO is not met
        Assert.False(cs.RpoMet);
        Assert.Equal(1, s.Single(x => x.Application == "Agent payment").Taken);
    }

    [Fact]
    public void When_listing_a_region_fails_nothing_of_that_kind_is_deleted()
    {
        var e = Estate();
        var policy = Policy();
        for (var h = 0; h < 14; h++) { Run(e, policy); e.Now = e.Now.AddHours(1); }
        e.Deleted.Clear();
        e.FailList = (region, kind) => region == "us-west-2" && kind == RecoveryPointKind.EbsSnapshotSet
            ? new FinBackupException("FinAwsThrottled", FinErrorKind.LimitsExceeded, "Rate exceeded") : null;
        var s = Run(e, policy);
        Assert.All(s, x => Assert.Contains(x.Errors, er => er.ErrorId == "FinAwsThrottled"));
        Assert.DoesNotContain(e.Deleted, p => p.Kind == RecoveryPointKind.EbsSnapshotSet);
        Assert.Contains(e.Points, p => p.Kind == RecoveryPointKind.EbsSnapshotSet && p.Region == "us-east-1" && p.ExpiresAt <= e.Now);
        Assert.Contains(e.Deleted, p => p.Kind == RecoveryPointKind.RdsSnapshot); // the other kind is still expired
    }

    [Fact]
    public void WhatIf_style_refusal_creates_copies_and_deletes_nothing()
    {
        var e = Estate();
        var s = Run(e, Policy(), new BackupCycleCallbacks { ShouldProcess = (_, _) => false });
        Assert.Empty(e.Points);
        Assert.Equal(0, e.CreateCalls + e.CopyCalls + e.DeleteCalls);
        Assert.True(s.All(x => x.WindowDue));
    }
}
