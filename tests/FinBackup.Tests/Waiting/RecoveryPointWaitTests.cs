using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Tests.RecoveryPoints;
using static FinBackup.Tests.RecoveryPoints.Points;

namespace FinBackup.Tests.Waiting;

/// <summary>
/// The recovery-point waits (New-FinSnapshot -Wait, Copy-FinBackupToRegion -Wait) on the one waiter, with a fake clock:
/// adaptive polling, streaming of each copy as it finishes, and states resolved by describing.
/// </summary>
public sealed class RecoveryPointWaitTests
{
    private static BackupPolicy Policy() => new()
    {
        Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
        KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-backup" },
    };

    private static (RecoveryPointRuntime runtime, List<TimeSpan> pauses) Runtime(FakeEstate e)
    {
        var pauses = new List<TimeSpan>();
        var runtime = e.Runtime();
        runtime.Sleep = (t, _) => { pauses.Add(t); e.Now += t; e.Tick(); };
        return (runtime, pauses);
    }

    [Fact]
    public void A_point_whose_state_the_create_response_did_not_report_is_described_not_returned_as_Unknown()
    {
        var e = new FakeEstate();
        var (runtime, pauses) = Runtime(e);
        var taker = new RecoveryPointTaker(runtime);
        var stored = e.Add(Point("snapset-1", state: RecoveryPointState.Available));
        var asCreated = Point("snapset-1", state: RecoveryPointState.Unknown); // what a create response without states decodes to
        var before = e.ListCalls;

        var done = taker.WaitUntilDone(asCreated, null, default);

        Assert.Equal(RecoveryPointState.Available, done.State);
        Assert.Same(stored, done);
        Assert.Equal(before + 1, e.ListCalls); // one describe, at once
        Assert.Empty(pauses);
    }

    [Fact]
    public void A_state_the_service_keeps_reporting_as_unknown_is_returned_after_a_few_describes_not_waited_on_for_hours()
    {
        var e = new FakeEstate();
        var (runtime, pauses) = Runtime(e);
        e.Add(Point("ami-1", kind: RecoveryPointKind.Ami, state: RecoveryPointState.Unknown));
        var done = new RecoveryPointTaker(runtime).WaitUntilDone(Point("ami-1", kind: RecoveryPointKind.Ami, state: RecoveryPointState.Unknown), null, default);
        Assert.Equal(RecoveryPointState.Unknown, done.State);
        Assert.Equal(RecoveryPointTaker.UnknownStateDescribes - 1, pauses.Count);
    }

    [Fact]
    public void Waiting_for_a_snapshot_starts_at_two_seconds_and_backs_off_to_the_poll_interval()
    {
        var e = new FakeEstate { PendingPolls = 8 };
        var (runtime, pauses) = Runtime(e);
        runtime.PollInterval = TimeSpan.FromSeconds(15);
        var taker = new RecoveryPointTaker(runtime);
        var p = taker.Take(new TakeRecoveryPointRequest
        {
            ResourceId = "i-1", ResourceType = Domain.Resources.FinResourceType.Ec2Instance, Region = "us-east-1", Retention = TimeSpan.FromHours(1),
        }, RecoveryPointKind.EbsSnapshotSet, default).Point;

        var done = taker.WaitUntilDone(p, null, default);

        Assert.Equal(RecoveryPointState.Available, done.State);
        Assert.Equal(new[] { 2.0, 3.0, 4.5, 6.75, 10.125, 15, 15, 15 }, pauses.Select(t => t.TotalSeconds).ToArray());
    }

    [Fact]
    public void A_wait_that_outlasts_its_timeout_fails_with_FinWaitTimedOut_on_the_fake_clock()
    {
        var e = new FakeEstate { PendingPolls = 1000 };
        var (runtime, pauses) = Runtime(e);
        runtime.WaitTimeout = TimeSpan.FromMinutes(10);
        var taker = new RecoveryPointTaker(runtime);
        var p = e.Add(Point("snapset-9", state: RecoveryPointState.Pending));
        var ex = Assert.Throws<FinBackupException>(() => taker.WaitUntilDone(p, null, default));
        Assert.Equal("FinWaitTimedOut", ex.ErrorId);
        Assert.True(pauses.Sum(t => t.TotalSeconds) <= 600);
    }

    [Fact]
    public void Copy_with_wait_hands_each_copy_over_as_it_finishes_not_all_at_the_end()
    {
        var e = new FakeEstate { PendingPolls = 2 };
        var (runtime, pauses) = Runtime(e);
        runtime.CopyLimits.EbsSnapshotCopiesPerDestinationRegion = 1; // one copy at a time: they finish one after another
        var sources = new[] { "set-a", "set-b", "set-c" }.Select(id =>
        {
            var p = Point(id, created: e.Now.AddMinutes(-10), expires: e.Now.AddHours(12));
            p.SnapshotIds.Add(id + "-0");
            return e.Add(p);
        }).ToList();
        var handed = new List<(string source, DateTime at, int copiesStarted, RecoveryPointState state)>();

        var outcomes = new CopyCoordinator(runtime).Copy(sources, new CopyToRegionRequest { Policy = Policy(), Wait = true }, null, default,
            o => handed.Add((o.Source.RecoveryPointId, e.Now, e.CopyCalls, o.Copy.State)));

        Assert.Equal(new[] { "set-a", "set-b", "set-c" }, handed.Select(h => h.source).ToArray());
        Assert.All(handed, h => Assert.Equal(RecoveryPointState.Available, h.state));
        // The first copy was handed over before the last one had even started, and each at its own time.
        Assert.True(handed[0].copiesStarted < 3, $"copies started when the first was handed over: {handed[0].copiesStarted}");
        Assert.True(handed[0].at < handed[1].at && handed[1].at < handed[2].at);
        Assert.Equal(sources.Select(s => s.RecoveryPointId), outcomes.Select(o => o.Source.RecoveryPointId));
        // Adaptive: the first pause is the runtime's first delay (not a fixed poll interval), and it starts again after each copy.
        Assert.Equal(TimeSpan.FromSeconds(2), pauses[0]);
        Assert.True(pauses.Count(t => t == TimeSpan.FromSeconds(2)) >= 3);
        Assert.All(pauses, t => Assert.True(t <= runtime.PollInterval));
    }
}
