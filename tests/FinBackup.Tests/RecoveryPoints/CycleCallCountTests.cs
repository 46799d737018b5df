using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>
/// How many provider calls one hourly cycle makes once retention has reached steady state (every cycle takes, copies and
/// expires), counted at the in-memory providers: one listing per kind and region for the whole cycle (taking, copying and
/// expiring share it), and exactly one create, copy and delete per point. A count, not a timing.
/// </summary>
public sealed class CycleCallCountTests
{
    private static BackupPolicy Policy()
    {
        var p = new BackupPolicy
        {
            Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
            KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-backup" },
        };
        var app = new ApplicationPolicy { Name = "Cross-sell", Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(1), CopyToDrRegion = true };
        app.RecoveryPoints.Add(RecoveryPointKindRequest.EbsSnapshotSet);
        app.RecoveryPoints.Add(RecoveryPointKindRequest.Ami);
        app.RecoveryPoints.Add(RecoveryPointKindRequest.RdsSnapshot);
        p.Applications.Add(app);
        return p;
    }

    private static FakeEstate Estate()
    {
        var e = new FakeEstate();
        e.Resources.Add(new FinResource { Application = "Cross-sell", ResourceId = "i-cs1", ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1" });
        e.Resources.Add(new FinResource { Application = "Cross-sell", ResourceId = "i-cs2", ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1" });
        e.Resources.Add(new FinResource { Application = "Cross-sell", ResourceId = "cross-sell-db", ResourceType = FinResourceType.RdsDbInstance, Region = "us-east-1" });
        return e;
    }

    private sealed record Calls(int List, int Create, int Copy, int Delete);

    private static (FinBackupCycleSummary Summary, Calls Calls) Cycle(FakeEstate e, BackupPolicy p)
    {
        var before = new Calls(e.ListCalls, e.CreateCalls, e.CopyCalls, e.DeleteCalls);
        var s = new BackupCycle(e.Runtime(), _ => new FakeEstate.Finder(e)).Run(p, new BackupCycleCallbacks(), default).Single();
        return (s, new Calls(e.ListCalls - before.List, e.CreateCalls - before.Create, e.CopyCalls - before.Copy, e.DeleteCalls - before.Delete));
    }

    [Fact]
    public void A_steady_state_cycle_lists_each_kind_once_per_region_and_makes_one_call_per_create_copy_and_delete()
    {
        var e = Estate();
        var p = Policy();
        // 3 kinds (EBS sets and AMIs of 2 instances, a DB snapshot) in 2 regions.
        const int kinds = 3, regions = 2, pointsPerWindow = 5;
        for (var hour = 0; hour < 13; hour++)
        {
            Cycle(e, p);
            e.Now = e.Now.AddHours(1);
        }
        for (var hour = 0; hour < 3; hour++)
        {
            var (s, calls) = Cycle(e, p);
            Assert.Equal(0, s.Failed);
            Assert.Equal(pointsPerWindow, s.Taken);
            Assert.Equal(pointsPerWindow, s.Copied);
            Assert.Equal(2 * pointsPerWindow, s.Removed); // the window that expired, in both regions
            Assert.True(s.RpoMet);
            Assert.Equal(new Calls(kinds * regions, pointsPerWindow, pointsPerWindow, 2 * pointsPerWindow), calls);
            e.Now = e.Now.AddHours(1);
        }
    }

    [Fact]
    public void A_rerun_in_the_same_window_only_lists()
    {
        var e = Estate();
        var p = Policy();
        Cycle(e, p);
        e.Now = e.Now.AddMinutes(5);
        var (s, calls) = Cycle(e, p);
        Assert.Equal(0, s.Taken);
        Assert.Equal(new Calls(3 * 2, 0, 0, 0), calls);
    }

    [Fact]
    public void Points_still_pending_after_the_cycle_made_them_are_asked_for_once_per_kind_and_region_before_the_rpo()
    {
        var e = Estate();
        e.PendingPolls = 1; // nothing becomes available within the run (the cycle never waits)
        var p = Policy();
        var (s, calls) = Cycle(e, p);
        Assert.Equal(5, s.Taken);
        Assert.Equal(5, s.CopiesPending);
        // 6 listings; the copy coordinator refreshes the 3 kinds of pending sources; the RPO step asks for the 3 kinds
        // the cycle made in the primary region. Nothing per point.
        Assert.Equal(new Calls(6 + 3 + 3, 5, 0, 0), calls);
        Assert.False(s.RpoMet);
    }
}
