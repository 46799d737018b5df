using CsCheck;
using FinBackup.Domain.RecoveryPoints;
using static FinBackup.Tests.RecoveryPoints.Points;

namespace FinBackup.Tests.RecoveryPoints;

public sealed class RetentionPlannerTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
    private static readonly RetentionPlanner Planner = new();

    private static RetentionDecision For(IReadOnlyList<RetentionDecision> ds, string id) => ds.Single(d => d.RecoveryPointId == id);

    [Fact]
    public void Expired_points_go_but_the_newest_available_per_resource_and_region_stays()
    {
        var ds = Planner.Plan(new[]
        {
            Point("old", created: Now.AddHours(-14), expires: Now.AddHours(-2)),
            Point("newest", created: Now.AddHours(-13), expires: Now.AddHours(-1)),
            Point("dr-old", region: "us-west-2", created: Now.AddHours(-14), expires: Now.AddHours(-2)),
        }, Now);
        Assert.Equal(RetentionAction.Remove, For(ds, "old").Action);
        Assert.Equal(RetentionReason.Expired, For(ds, "old").Reason);
        Assert.Equal(RetentionReason.NewestAvailableForResourceInRegion, For(ds, "newest").Reason);
        Assert.Equal(RetentionReason.NewestAvailableForResourceInRegion, For(ds, "dr-old").Reason);
    }

    [Fact]
    public void Points_created_in_the_same_second_the_one_that_expires_later_counts_as_newest()
    {
        // Services report creation times to the second: two windows' copies can tie. The later expiry wins,
        // whatever the ids' order, so the expired one can go.
        var ds = Planner.Plan(new[]
        {
            Point("z-expired", created: Now.AddHours(-13), expires: Now.AddHours(-1)),
            Point("a-live", created: Now.AddHours(-13), expires: Now.AddHours(1)),
        }, Now);
        Assert.Equal(RetentionAction.Remove, For(ds, "z-expired").Action);
        Assert.Equal(RetentionReason.NewestAvailableForResourceInRegion, For(ds, "a-live").Reason);
    }

    [Fact]
    public void A_pending_newer_point_does_not_make_the_last_available_one_removable()
    {
        var ds = Planner.Plan(new[]
        {
            Point("avail", created: Now.AddHours(-13), expires: Now.AddHours(-1)),
            Point("pending", created: Now.AddMinutes(-5), expires: Now.AddHours(12), state: RecoveryPointState.Pending),
        }, Now);
        Assert.Equal(RetentionAction.Keep, For(ds, "avail").Action);
        Assert.Equal(RetentionReason.NotAvailable, For(ds, "pending").Reason);
    }

    [Fact]
    public void Legal_hold_unmanaged_pending_copy_and_no_expiry_are_kept_with_their_reason()
    {
        var ds = Planner.Plan(new[]
        {
            Point("newest", created: Now.AddHours(-1), expires: Now.AddHours(11)),
            Point("held", created: Now.AddHours(-20), expires: Now.AddHours(-8), hold: true),
            Point("foreign", created: Now.AddHours(-20), expires: Now.AddHours(-8), managed: false),
            Point("copying", created: Now.AddHours(-20), expires: Now.AddHours(-8)),
            Point("copy-of-copying", region: "us-west-2", created: Now.AddHours(-1), state: RecoveryPointState.Pending, sourceId: "copying"),
            Point("forever", created: Now.AddHours(-20)),
            Point("young", created: Now.AddHours(-2), expires: Now.AddHours(10)),
        }, Now);
        Assert.Equal(RetentionReason.LegalHold, For(ds, "held").Reason);
        Assert.Equal(RetentionReason.NotManagedByFinBackup, For(ds, "foreign").Reason);
        Assert.Equal(RetentionReason.CopyInProgress, For(ds, "copying").Reason);
        Assert.Equal(RetentionReason.NoExpiry, For(ds, "forever").Reason);
        Assert.Equal(RetentionReason.NotExpired, For(ds, "young").Reason);
        Assert.All(ds, d => Assert.Equal(RetentionAction.Keep, d.Action));
    }

    [Fact]
    public void Newest_is_kept_per_kind_so_an_old_ami_survives_newer_snapshot_sets()
    {
        var ds = Planner.Plan(new[]
        {
            Point("ami", kind: RecoveryPointKind.Ami, created: Now.AddHours(-20), expires: Now.AddHours(-8)),
            Point("set", created: Now.AddHours(-1), expires: Now.AddHours(11)),
        }, Now);
        Assert.Equal(RetentionReason.NewestAvailableForResourceInRegion, For(ds, "ami").Reason);
    }

    [Fact]
    public void A_failed_expired_point_is_removed()
    {
        var ds = Planner.Plan(new[]
        {
            Point("ok", created: Now.AddHours(-1), expires: Now.AddHours(11)),
            Point("failed", created: Now.AddHours(-20), expires: Now.AddHours(-8), state: RecoveryPointState.Failed),
        }, Now);
        Assert.Equal(RetentionAction.Remove, For(ds, "failed").Action);
    }

    private static readonly string[] Resources = { "i-1", "i-2", "db-1" };
    private static readonly string[] Regions = { "us-east-1", "us-west-2" };

    private static readonly Gen<FinRecoveryPoint> GenPoint =
        Gen.Select(Gen.Int[0, 999_999], Gen.Int[0, 2], Gen.Int[0, 1], Gen.Int[-48 * 60, 0], Gen.Int[-30 * 60, 30 * 60],
                Gen.Int[0, 9], Gen.Int[0, 2])
           .Select(Gen.Bool, Gen.Int[0, 9], (t, hasExpiry, flags) =>
           {
               var (id, res, reg, createdMin, expiresMin, stateRoll, kind) = t;
               var created = Now.AddMinutes(createdMin);
               return new FinRecoveryPoint
               {
                   RecoveryPointId = "rp-" + id,
                   ResourceId = Resources[res],
                   Region = Regions[reg],
                   Kind = (RecoveryPointKind)kind,
                   CreatedAt = created,
                   ExpiresAt = hasExpiry ? created.AddMinutes(12 * 60 + expiresMin) : null,
                   State = stateRoll < 6 ? RecoveryPointState.Available : stateRoll < 8 ? RecoveryPointState.Pending : RecoveryPointState.Failed,
                   LegalHold = flags == 0,
                   ManagedByFinBackup = flags != 1,
                   SourceRecoveryPointId = null,
               };
           });

    private static readonly Gen<List<FinRecoveryPoint>> GenHistory =
        GenPoint.List[0, 60].Select(Gen.Int[0, 1000], (points, seed) =>
        {
            // Make some points pending copies of others (in the other region), as histories have.
            var rnd = new Random(seed);
            var distinct = points.GroupBy(p => p.RecoveryPointId).Select(g => g.First()).ToList();
            foreach (var p in distinct.Where(p => p.State == RecoveryPointState.Pending && rnd.Next(2) == 0))
            {
                var src = distinct[rnd.Next(distinct.Count)];
                if (!ReferenceEquals(src, p)) p.SourceRecoveryPointId = src.RecoveryPointId;
            }
            return distinct;
        });

    [Fact]
    public void Property_never_removes_the_newest_available_point_per_resource_and_region()
    {
        GenHistory.Sample(history =>
        {
            var removed = Planner.Plan(history, Now).Where(d => d.Action == RetentionAction.Remove).Select(d => d.RecoveryPoint).ToHashSet();
            foreach (var g in history.Where(p => p.State == RecoveryPointState.Available).GroupBy(p => (p.ResourceId, p.Region)))
            {
                var newest = g.Max(p => p.CreatedAt);
                // Every resource and region keeps at least one available point, and its newest one.
                Assert.Contains(g, p => !removed.Contains(p));
                Assert.Contains(g.Where(p => p.CreatedAt == newest), p => !removed.Contains(p));
            }
            foreach (var g in history.Where(p => p.State == RecoveryPointState.Available).GroupBy(p => (p.ResourceId, p.Region, p.Kind)))
            {
                Assert.Contains(g, p => !removed.Contains(p)); // and per kind too
            }
        }, iter: 2000);
    }

    [Fact]
    public void Property_never_removes_held_unmanaged_unexpired_pending_or_copy_in_progress_points()
    {
        GenHistory.Sample(history =>
        {
            var pendingCopySources = history.Where(p => p.State == RecoveryPointState.Pending && p.SourceRecoveryPointId != null)
                .Select(p => p.SourceRecoveryPointId).ToHashSet();
            var decisions = Planner.Plan(history, Now);
            Assert.Equal(history.Count, decisions.Count);
            foreach (var d in decisions.Where(d => d.Action == RetentionAction.Remove))
            {
                var p = d.RecoveryPoint;
                Assert.False(p.LegalHold);
                Assert.True(p.ManagedByFinBackup);
                Assert.NotEqual(RecoveryPointState.Pending, p.State);
                Assert.True(p.ExpiresAt.HasValue && p.ExpiresAt.Value <= Now);
                Assert.DoesNotContain(p.RecoveryPointId, pendingCopySources);
            }
        }, iter: 2000);
    }
}
