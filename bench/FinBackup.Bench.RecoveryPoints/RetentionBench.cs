using System.Diagnostics;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Bench.RecoveryPoints;

/// <summary>Retention planning over 100,000 recovery points: 4,000 resources x 2 regions x 12-13 points, with holds and pending copies.</summary>
internal static class RetentionBench
{
    public static void Run(string[] args)
    {
        var now = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
        var rnd = new Random(42);
        var points = new List<FinRecoveryPoint>(100_000);
        var resources = 4_000;
        var i = 0;
        while (points.Count < 100_000)
        {
            var res = i % resources;
            var region = (i / resources) % 2 == 0 ? "us-east-1" : "us-west-2";
            var age = (i / (resources * 2)) + rnd.NextDouble();
            var created = now.AddHours(-age);
            points.Add(new FinRecoveryPoint
            {
                RecoveryPointId = "rp-" + i,
                ResourceId = "i-" + res.ToString("x8"),
                Region = region,
                Kind = res % 10 == 0 ? RecoveryPointKind.RdsSnapshot : RecoveryPointKind.EbsSnapshotSet,
                Application = "app-" + (res % 5),
                CreatedAt = created,
                ExpiresAt = created.AddHours(12),
                State = rnd.Next(50) == 0 ? RecoveryPointState.Pending : RecoveryPointState.Available,
                ManagedByFinBackup = rnd.Next(100) != 0,
                LegalHold = rnd.Next(200) == 0,
                SourceRecoveryPointId = region == "us-west-2" ? "rp-" + (i - resources) : null,
            });
            i++;
        }
        var planner = new RetentionPlanner();
        planner.Plan(points, now); // warm-up (JIT)
        // Wall time, and the process's CPU time for the same run: on a loaded shared machine (2 cores, load 20+) the wall
        // time is mostly waiting for a core; the CPU time is the work.
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 15;
        var times = new List<double>();
        var cpu = new List<double>();
        var self = Process.GetCurrentProcess();
        IReadOnlyList<RetentionDecision> decisions = Array.Empty<RetentionDecision>();
        for (var run = 0; run < runs; run++)
        {
            self.Refresh();
            var cpu0 = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            decisions = planner.Plan(points, now);
            sw.Stop();
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - cpu0).TotalMilliseconds);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        cpu.Sort();
        var alloc = GC.GetAllocatedBytesForCurrentThread();
        planner.Plan(points, now);
        alloc = GC.GetAllocatedBytesForCurrentThread() - alloc;
        Console.WriteLine($"Retention planning, {points.Count:N0} points ({resources:N0} resources x 2 regions):");
        Console.WriteLine($"  median {times[times.Count / 2]:F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms over {times.Count} runs (CPU median {cpu[cpu.Count / 2]:F1} ms); {alloc / 1024.0 / 1024.0:F1} MiB allocated per run");
        // Action is internal to the domain; the reason says it (only Expired removes).
        foreach (var g in decisions.GroupBy(d => d.Reason).OrderBy(g => g.Key == RetentionReason.Expired).ThenBy(g => g.Key.ToString()))
            Console.WriteLine($"  {(g.Key == RetentionReason.Expired ? "Remove" : "Keep"),-6} {g.Key,-36} {g.Count(),7:N0}");
    }
}
