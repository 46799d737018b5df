using FinBackup.Bench.Faults;

namespace FinBackup.PowerShell.Tests.Faults;

/// <summary>
/// Issue 13, Must: the fault bench (bench/faults) works. A short run here (3 cycles at 20 %, one clean); the figures for
/// 100 cycles come from bench/faults/run.sh (bench/faults/RESULTS.md). Plus the bench's counting, on made-up sweeps.
/// </summary>
public sealed class FaultBenchSmokeTests
{
    [Fact]
    public void A_few_cycles_at_20_percent_faults_then_a_clean_run_leave_nothing_duplicated_lost_untagged_or_unhandled()
    {
        var log = new List<string>();
        var report = new FaultBench(new FaultBenchOptions
        {
            Cycles = 3, FaultRate = 0.2, Seed = 13, CleanRuns = 1, CleanRunInNewWindow = false,
            Frequency = TimeSpan.FromMinutes(1), Retention = TimeSpan.FromMinutes(2), Log = log.Add,
        }).Run();
        Assert.True(report.Injected.Values.Sum() > 0, "no fault was injected:\n" + report.Table());
        Assert.True(report.PointsSeen > 0, "no point was seen from outside:\n" + report.Table());
        Assert.True(report.Passed, report.Table() + "\n" + string.Join("\n", log));
    }

    private static ObservedItem Snap(string id, string set, string window, DateTime expires, string region = "us-east-1", string size = "2") =>
        new(region, "snapshot", id, new Dictionary<string, string>
        {
            ["fin:managed-by"] = "FinBackup", ["fin:application"] = "Cross-sell", ["fin:kind"] = "EbsSnapshotSet", ["fin:resource-id"] = "i-1",
            ["fin:window"] = window, ["fin:expires-at"] = expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), ["fin:set-id"] = set, ["fin:set-size"] = size,
        });

    [Fact]
    public void The_counts_see_a_duplicate_a_partial_set_an_early_deletion_and_an_untagged_leftover()
    {
        var t0 = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        var expected = new Dictionary<(string App, string Kind), HashSet<string>> { [("Cross-sell", "EbsSnapshotSet")] = new() { "i-1" } };
        var analysis = new FaultAnalysis(TimeSpan.FromMinutes(1), expected);
        analysis.Baseline(new Observation(t0, new[] { new ObservedItem("us-east-1", "snapshot", "snap-seed", new Dictionary<string, string>()) }, [], []));
        var w = "2026-12-01T10:00:00Z";
        var first = new Observation(t0.AddSeconds(30), new[]
        {
            new ObservedItem("us-east-1", "snapshot", "snap-seed", new Dictionary<string, string>()),
            Snap("snap-a1", "set-a", w, t0.AddMinutes(3)), Snap("snap-a2", "set-a", w, t0.AddMinutes(3)),
            Snap("snap-b1", "set-b", w, t0.AddMinutes(3)), Snap("snap-b2", "set-b", w, t0.AddMinutes(3)),
        }, [], []);
        analysis.Observe(first);
        // A minute later set-b is gone (2 minutes before its expiry), set-a lost a member, and an untagged snapshot appeared.
        var second = new Observation(t0.AddSeconds(90), new[]
        {
            new ObservedItem("us-east-1", "snapshot", "snap-seed", new Dictionary<string, string>()),
            Snap("snap-a1", "set-a", w, t0.AddMinutes(3)),
            new ObservedItem("us-east-1", "snapshot", "snap-orphan", new Dictionary<string, string>()),
            // An AMI with its snapshot, and a tagged AMI snapshot no image uses (its image deregistered, its delete failed).
            new ObservedItem("us-east-1", "ami", "ami-1", new Dictionary<string, string> { ["fin:managed-by"] = "FinBackup", ["fin:kind"] = "Ami" }) { Uses = new[] { "snap-img" } },
            new ObservedItem("us-east-1", "snapshot", "snap-img", new Dictionary<string, string> { ["fin:managed-by"] = "FinBackup", ["fin:kind"] = "Ami" }),
            new ObservedItem("us-east-1", "snapshot", "snap-left", new Dictionary<string, string> { ["fin:managed-by"] = "FinBackup", ["fin:kind"] = "Ami" }),
        }, [], []);
        analysis.Observe(second);
        var cycle = new CycleRecord(1, true, t0.AddSeconds(1), t0.AddSeconds(20),
            new[] { ("Cross-sell", w, 1, 0, 0, 0, 0) }, new[] { ("Invoke-FinBackupCycle", "System.AggregateException,FinBackup.Cmdlets.InvokeFinBackupCycleCommand", "System.AggregateException", "boom") }, false);
        var report = analysis.Report(new[] { cycle }, second, new FaultInjector(1, 0), new FaultBenchOptions(), TimeSpan.Zero, TimeSpan.Zero, 0);

        Assert.Single(report.Duplicates);                                   // set-a and set-b: two sets of i-1 in one window
        Assert.Single(report.PartialSets);                                  // set-a: 1 of 2 members
        Assert.Contains(report.WrongDeletions, d => d.Contains("set-b"));    // deleted before its expiry
        Assert.Contains(report.Untagged, u => u.Contains("snap-orphan"));    // new and untagged (the seeded one is baseline)
        Assert.DoesNotContain(report.Untagged, u => u.Contains("snap-seed"));
        Assert.Contains(report.OrphanedImageSnapshots, u => u.Contains("snap-left")); // tagged, but no image uses it
        Assert.DoesNotContain(report.OrphanedImageSnapshots, u => u.Contains("snap-img"));
        Assert.Single(report.Unhandled);                                     // not a FinBackup error id
        Assert.Empty(report.Lost);                                           // the window has a point
        Assert.False(report.Passed);
    }

    [Fact]
    public void A_window_a_cycle_ran_in_without_a_point_is_lost_unless_the_cycle_reported_a_failure()
    {
        var t0 = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        var expected = new Dictionary<(string App, string Kind), HashSet<string>> { [("Cross-sell", "EbsSnapshotSet")] = new() { "i-1" } };
        var empty = new Observation(t0.AddSeconds(40), Array.Empty<ObservedItem>(), [], []);
        var quiet = new FaultAnalysis(TimeSpan.FromMinutes(1), expected);
        quiet.Observe(empty);
        var ok = new CycleRecord(1, true, t0.AddSeconds(1), t0.AddSeconds(20), new[] { ("Cross-sell", "2026-12-01T10:00:00Z", 1, 0, 0, 0, 0) }, [], false);
        Assert.Single(quiet.Report(new[] { ok }, empty, new FaultInjector(1, 0), new FaultBenchOptions(), TimeSpan.Zero, TimeSpan.Zero, 0).Lost);

        var reported = new FaultAnalysis(TimeSpan.FromMinutes(1), expected);
        reported.Observe(empty);
        var failed = ok with { Summaries = new[] { ("Cross-sell", "2026-12-01T10:00:00Z", 0, 0, 0, 0, 1) } };
        var r = reported.Report(new[] { failed }, empty, new FaultInjector(1, 0), new FaultBenchOptions(), TimeSpan.Zero, TimeSpan.Zero, 0);
        Assert.Empty(r.Lost);
        Assert.Single(r.ReportedMissing);
    }

    [Theory]
    [InlineData(FaultType.Throttle, "s3", 503, "SlowDown")]
    [InlineData(FaultType.Throttle, "rds", 400, "Throttling")]
    [InlineData(FaultType.Throttle, "kms", 400, "ThrottlingException")]
    [InlineData(FaultType.ServerError, "ec2", 500, "InternalError")]
    public void Faults_have_each_protocol_s_shape(FaultType type, string service, int status, string code)
    {
        var r = FaultInjector.Response(type, service);
        Assert.Equal(status, r.Status);
        Assert.Contains(code, r.Body);
    }

    [Fact]
    public void The_same_seed_injects_the_same_faults()
    {
        static List<string> Run(int seed)
        {
            var f = new FaultInjector(seed, 0.5);
            var req = new FinBackup.Tests.Aws.ProxiedRequest("POST", "/", new Dictionary<string, string> { ["Authorization"] = "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/ec2/aws4_request" }, Array.Empty<byte>());
            return Enumerable.Range(1, 200).Select(i => f.Decide(i, req)?.Status.ToString() ?? "-").ToList();
        }
        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
        Assert.InRange(Run(5).Count(s => s != "-"), 70, 130);
    }
}
