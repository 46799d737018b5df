using System.Globalization;
using System.Text;
using FinBackup.TestSupport;

namespace FinBackup.Bench.Faults;

/// <summary>A recovery point as it appears from outside, built from the items of one sweep.</summary>
public sealed record ObservedPoint(string Region, string Kind, string Id, string? Application, string? ResourceId, string? Window,
    DateTime? ExpiresAt, string? SourceId, bool LegalHold, int Members, int? SetSize)
{
    public string Key => Region + "|" + Kind + "|" + Id;
    public bool IsCopy => SourceId != null;
}

/// <summary>
/// Turns sweeps into the bench's counts: duplicates (two points per resource per window, or two copies of one source),
/// untagged leftovers, partial snapshot sets, missing and lost points, wrong deletions and unhandled exceptions.
/// </summary>
public sealed class FaultAnalysis
{
    private readonly TimeSpan _frequency;
    private readonly Dictionary<(string App, string Kind), HashSet<string>> _expected;
    private HashSet<string> _baseline = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ObservedPoint> _alive = new(StringComparer.Ordinal);
    private readonly HashSet<string> _everSeen = new(StringComparer.Ordinal);
    /// <summary>Primary originals ever seen: (app, kind, resource, window).</summary>
    private readonly HashSet<(string, string, string, string)> _windowsCovered = new();
    private readonly HashSet<string> _duplicates = new(StringComparer.Ordinal);
    private readonly List<string> _wrongDeletions = new();
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private int _removedSeen;
    private int _maxUntaggedDuringRun;

    public FaultAnalysis(TimeSpan frequency, Dictionary<(string App, string Kind), HashSet<string>> expected)
    {
        _frequency = frequency;
        _expected = expected;
    }

    public void Baseline(Observation o) => _baseline = new HashSet<string>(o.Items.Select(i => i.Key), StringComparer.Ordinal);


    public static IReadOnlyList<ObservedPoint> Points(Observation o)
    {
        var points = new List<ObservedPoint>();
        ObservedPoint From(ObservedItem i, string kind, string id, int members, int? size) => new(i.Region, kind, id, i.Tag("fin:application"), i.Tag("fin:resource-id"), i.Tag("fin:window"),
            ParseTime(i.Tag("fin:expires-at")), i.Tag("fin:source-id"), string.Equals(i.Tag("fin:legal-hold"), "true", StringComparison.OrdinalIgnoreCase), members, size);
        foreach (var i in o.Items.Where(i => i.Managed))
        {
            var kind = i.Tag("fin:kind");
            if (i.Type == "ami") points.Add(From(i, "Ami", i.Id, 1, null));
            else if (i.Type == "dbsnapshot") points.Add(From(i, "RdsSnapshot", i.Id, 1, null));
            else if (i.Type == "manifest") points.Add(From(i, "FileBackup", i.Id, 1, null));
        }
        foreach (var set in o.Items.Where(i => i.Type == "snapshot" && i.Managed && i.Tag("fin:set-id") != null).GroupBy(i => i.Region + "|" + i.Tag("fin:set-id")))
        {
            var first = set.First();
            var held = set.Any(m => string.Equals(m.Tag("fin:legal-hold"), "true", StringComparison.OrdinalIgnoreCase));
            int? size = int.TryParse(first.Tag("fin:set-size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null;
            points.Add(From(first, "EbsSnapshotSet", first.Tag("fin:set-id")!, set.Count(), size) with { LegalHold = held });
        }
        return points;
    }

    private static DateTime? ParseTime(string? s) =>
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    public void Observe(Observation o)
    {
        var points = Points(o);
        var now = points.ToDictionary(p => p.Key, StringComparer.Ordinal);
        foreach (var (key, p) in _alive.ToList())
        {
            if (now.ContainsKey(key)) continue;
            _alive.Remove(key);
            _removedSeen++;
            // Deleted before this sweep. Before expiry for certain when the sweep is still before it; never under a legal hold.
            if (p.LegalHold || _held.Contains(key)) _wrongDeletions.Add($"{key} deleted under legal hold");
            else if (!p.ExpiresAt.HasValue) _wrongDeletions.Add($"{key} deleted although it has no expiry");
            else if (o.At < p.ExpiresAt.Value) _wrongDeletions.Add($"{key} deleted before {p.ExpiresAt:O} (gone at {o.At:O})");
        }
        foreach (var p in points)
        {
            _alive[p.Key] = p;
            _everSeen.Add(p.Key);
            if (!p.IsCopy && p.Region == "us-east-1" && p.Application != null && p.Window != null)
                _windowsCovered.Add((p.Application, p.Kind, p.Kind == "FileBackup" ? "*" : p.ResourceId ?? "", p.Window));
        }
        foreach (var g in points.Where(p => !p.IsCopy && p.Window != null).GroupBy(p => (p.Region, p.Kind, p.Application, p.ResourceId, p.Window)).Where(g => g.Count() > 1))
            _duplicates.Add($"{g.Key.Region} {g.Key.Kind} of {g.Key.ResourceId} ({g.Key.Application}) in window {g.Key.Window}: {string.Join(", ", g.Select(p => p.Id + " [" + InfoOf(o, p) + "]"))}");
        foreach (var g in points.Where(p => p.IsCopy).GroupBy(p => (p.Region, p.Kind, p.SourceId)).Where(g => g.Count() > 1))
            _duplicates.Add($"{g.Key.Region} {g.Key.Kind}: {g.Count()} copies of {g.Key.SourceId}: {string.Join(", ", g.Select(p => p.Id))}");
        _maxUntaggedDuringRun = Math.Max(_maxUntaggedDuringRun, Untagged(o).Count);
    }

    private static string InfoOf(Observation o, ObservedPoint p) =>
        string.Join("; ", o.Items.Where(i => i.Region == p.Region && (i.Id == p.Id || i.Tag("fin:set-id") == p.Id)).Select(i => i.Info + " tags " + string.Join(",", i.Tags.Where(t => t.Key != "fin:application").Select(t => t.Key + "=" + t.Value))));

    /// <summary>Puts fin:legal-hold=true on the first primary snapshot set seen (with the AWS CLI), so deleting it is a wrong deletion.</summary>
    public void PlaceLegalHold(Observation o, string endpoint)
    {
        var set = Points(o).FirstOrDefault(p => p.Kind == "EbsSnapshotSet" && !p.IsCopy && p.Region == "us-east-1");
        if (set == null) return;
        var members = o.Items.Where(i => i.Type == "snapshot" && i.Region == set.Region && i.Tag("fin:set-id") == set.Id).Select(i => i.Id).ToList();
        var args = new List<string> { "ec2", "create-tags", "--resources" };
        args.AddRange(members);
        args.AddRange(new[] { "--tags", "Key=fin:legal-hold,Value=true" });
        AwsCli.Run(endpoint, set.Region, args.ToArray());
        _held.Add(set.Key);
        if (_alive.TryGetValue(set.Key, out var p)) _alive[set.Key] = p with { LegalHold = true };
    }

    public List<string> Untagged(Observation o)
    {
        var list = o.Items.Where(i => !_baseline.Contains(i.Key) && !i.Managed).Select(i => $"{i.Region} {i.Type} {i.Id} ({i.Info})").ToList();
        list.AddRange(o.IncompleteUploads.Select(u => "incomplete multipart upload " + u));
        list.AddRange(o.StrayObjects.Select(u => "object outside the layout " + u));
        return list;
    }

    /// <summary>
    /// Snapshots tagged as an AMI's (fin:kind=Ami) that no image in their region uses: left by a deregistered image whose
    /// snapshot deletion failed (untagged ones are counted in <see cref="Untagged"/>).
    /// </summary>
    public List<string> OrphanedImageSnapshots(Observation o)
    {
        var used = new HashSet<string>(o.Items.Where(i => i.Type == "ami").SelectMany(i => i.Uses.Select(s => i.Region + "|" + s)), StringComparer.Ordinal);
        return o.Items.Where(i => i.Type == "snapshot" && !_baseline.Contains(i.Key) && i.Managed && i.Tag("fin:kind") == "Ami" && !used.Contains(i.Region + "|" + i.Id))
            .Select(i => $"{i.Region} snapshot {i.Id} ({i.Info}) of window {i.Tag("fin:window")}, expires {i.Tag("fin:expires-at")}").ToList();
    }

    private string WindowOf(DateTime t)
    {
        var f = _frequency.Ticks;
        var epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var start = (t.Ticks - epoch) / f * f + epoch;
        return new DateTime(start, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    public FaultReport Report(IReadOnlyList<CycleRecord> cycles, Observation final, FaultInjector injector, FaultBenchOptions o, TimeSpan faultyDuration, TimeSpan totalDuration, int cliCalls)
    {
        var r = new FaultReport { Options = o, FaultyDuration = faultyDuration, TotalDuration = totalDuration, CliCalls = cliCalls, ProxiedRequests = injector.Requests };
        foreach (var (k, v) in injector.Injected) r.Injected[k] = v;
        r.Duplicates.AddRange(_duplicates);
        var finalPoints = Points(final);
        r.Untagged.AddRange(Untagged(final));
        r.MaxUntaggedDuringRun = _maxUntaggedDuringRun;
        r.OrphanedImageSnapshots.AddRange(OrphanedImageSnapshots(final));
        r.PartialSets.AddRange(finalPoints.Where(p => p.Kind == "EbsSnapshotSet" && p.SetSize.HasValue && p.Members < p.SetSize.Value)
            .Select(p => $"{p.Region} set {p.Id}: {p.Members} of {p.SetSize} members"));
        r.WrongDeletions.AddRange(_wrongDeletions);
        r.PointsSeen = _everSeen.Count;
        r.PointsRemovedSeen = _removedSeen;
        r.PointsAtEnd = finalPoints.Count;

        // Windows in which a cycle ran start to end (both Backup-FinFile and Invoke-FinBackupCycle inside the window). A point
        // missing there is "reported" when some cycle of that window reported a failure for its application, else lost.
        var missing = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var c in cycles)
        {
            var w = WindowOf(c.Started);
            if (w != WindowOf(c.Ended)) continue;
            foreach (var ((app, kind), ids) in _expected)
            {
                var failed = c.Summaries.Any(s => s.Application == app && s.Failed > 0)
                             || (!c.Summaries.Any(s => s.Application == app) && c.Errors.Any(e => e.Command == "Invoke-FinBackupCycle"))
                             || (kind == "FileBackup" && c.FileBackupFailed);
                foreach (var id in kind == "FileBackup" ? new[] { "*" } : ids.ToArray())
                {
                    if (_windowsCovered.Contains((app, kind, id, w))) continue;
                    var name = $"{kind} of {(id == "*" ? "the file set" : id)} ({app}) in window {w}";
                    missing[name] = (missing.TryGetValue(name, out var before) && before) || failed;
                }
            }
        }
        foreach (var (name, reported) in missing)
        {
            r.MissingKeys.Add(name);
            if (reported) r.ReportedMissing.Add(name); else r.Lost.Add(name);
        }

        foreach (var c in cycles)
            foreach (var e in c.Errors)
            {
                var id = e.ErrorId.Split(',')[0];
                r.ErrorIds[id] = r.ErrorIds.TryGetValue(id, out var n) ? n + 1 : 1;
                if (!id.StartsWith("Fin", StringComparison.Ordinal)) r.Unhandled.Add($"cycle {c.Number} {e.Command}: {e.ErrorId} ({e.ExceptionType}): {e.Message}");
            }
        r.Cycles = cycles.Count(c => c.Faulty);
        r.CleanRuns = cycles.Count(c => !c.Faulty);
        r.Taken = cycles.Sum(c => c.Summaries.Sum(s => s.Taken));
        r.Copied = cycles.Sum(c => c.Summaries.Sum(s => s.Copied));
        r.Removed = cycles.Sum(c => c.Summaries.Sum(s => s.Removed));
        r.Failed = cycles.Sum(c => c.Summaries.Sum(s => s.Failed));
        r.CleanFailed = cycles.Where(c => !c.Faulty).Sum(c => c.Summaries.Sum(s => s.Failed) + c.Errors.Count);
        r.FileBackupsFailed = cycles.Count(c => c.FileBackupFailed);
        r.WindowsRun = cycles.Where(c => WindowOf(c.Started) == WindowOf(c.Ended)).Select(c => WindowOf(c.Started)).Distinct().Count();
        return r;
    }
}

/// <summary>The bench's figures; <see cref="Passed"/> when every count that must be 0 is 0.</summary>
public sealed class FaultReport
{
    public FaultBenchOptions Options { get; set; } = new();
    public int Cycles { get; set; }
    public int CleanRuns { get; set; }
    public int ProxiedRequests { get; set; }
    public Dictionary<FaultType, int> Injected { get; } = new();
    /// <summary>CreateImage/CopyImage answered as AWS would for a taken name (<see cref="AmiNameRule"/>): refused, same token.</summary>
    public int AmiNamesRefused { get; set; }
    public int AmiSameToken { get; set; }
    /// <summary>The AMI requests' trace lines of the windows that have a duplicate (to find their path).</summary>
    public List<string> AmiTrace { get; } = new();
    public List<string> Duplicates { get; } = new();
    public List<string> Untagged { get; } = new();
    public int MaxUntaggedDuringRun { get; set; }
    /// <summary>Tagged AMI snapshots no image uses, after the clean re-run.</summary>
    public List<string> OrphanedImageSnapshots { get; } = new();
    public List<string> PartialSets { get; } = new();
    public HashSet<string> MissingKeys { get; } = new(StringComparer.Ordinal);
    public HashSet<string> ReportedMissing { get; } = new(StringComparer.Ordinal);
    public List<string> Lost { get; } = new();
    public List<string> WrongDeletions { get; } = new();
    public List<string> Unhandled { get; } = new();
    public Dictionary<string, int> ErrorIds { get; } = new(StringComparer.Ordinal);
    public int Taken { get; set; }
    public int Copied { get; set; }
    public int Removed { get; set; }
    public int Failed { get; set; }
    public int CleanFailed { get; set; }
    public int FileBackupsFailed { get; set; }
    public int WindowsRun { get; set; }
    public int PointsSeen { get; set; }
    public int PointsRemovedSeen { get; set; }
    public int PointsAtEnd { get; set; }
    public TimeSpan FaultyDuration { get; set; }
    public TimeSpan TotalDuration { get; set; }
    public int CliCalls { get; set; }

    public bool Passed => Duplicates.Count == 0 && Untagged.Count == 0 && OrphanedImageSnapshots.Count == 0 && PartialSets.Count == 0 && Lost.Count == 0 && WrongDeletions.Count == 0 && Unhandled.Count == 0 && CleanFailed == 0;

    public string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Fault bench: {Cycles} cycles at {Options.FaultRate:P0} faults (seed {Options.Seed}), then {CleanRuns} clean; window {Options.Frequency.TotalSeconds:0}s, retention {Options.Retention.TotalSeconds:0}s");
        sb.AppendLine($"Duration: faulty cycles {FaultyDuration:hh\\:mm\\:ss}, total {TotalDuration:hh\\:mm\\:ss} ({(Cycles > 0 ? FaultyDuration.TotalSeconds / Cycles : 0):0.0} s/cycle); {ProxiedRequests} requests through the proxy; {CliCalls} AWS CLI calls");
        sb.AppendLine($"Faults injected: throttling {Injected.GetValueOrDefault(FaultType.Throttle)}, 5xx {Injected.GetValueOrDefault(FaultType.ServerError)}, resets {Injected.GetValueOrDefault(FaultType.Reset)}, lost replies {Injected.GetValueOrDefault(FaultType.LostReply)}");
        sb.AppendLine($"AMI names (AWS's rule, moto lacks it): {AmiNamesRefused} CreateImage/CopyImage refused InvalidAMIName.Duplicate, {AmiSameToken} CopyImage answered by ClientToken");
        sb.AppendLine($"Cycle summaries: taken {Taken}, copied {Copied}, removed {Removed}, failed {Failed}; file backups failed {FileBackupsFailed}; windows run {WindowsRun}; points seen {PointsSeen}, seen removed {PointsRemovedSeen}, at the end {PointsAtEnd}");
        sb.AppendLine();
        sb.AppendLine("| Count (from outside, AWS CLI)                  | Value | Must be 0 |");
        sb.AppendLine("|------------------------------------------------|------:|:---------:|");
        void Row(string name, int value, bool must) => sb.AppendLine($"| {name,-46} | {value,5} | {(must ? (value == 0 ? "yes, ok" : "yes, FAIL") : "no"),-9} |");
        Row("duplicate points (per resource and window)", Duplicates.Count, true);
        Row("untagged leftovers after the clean re-run", Untagged.Count, true);
        Row("untagged items, most seen during the run", MaxUntaggedDuringRun, false);
        Row("image snapshots no image uses, at the end", OrphanedImageSnapshots.Count, true);
        Row("partial snapshot sets at the end", PartialSets.Count, true);
        Row("missing points, failure reported", ReportedMissing.Count, false);
        Row("lost points (missing, nothing reported)", Lost.Count, true);
        Row("wrong deletions (before expiry / legal hold)", WrongDeletions.Count, true);
        Row("unhandled exceptions (not a FinBackup error)", Unhandled.Count, true);
        Row("failures in the clean re-run", CleanFailed, true);
        sb.AppendLine();
        if (ErrorIds.Count > 0) sb.AppendLine("Error records by id: " + string.Join(", ", ErrorIds.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        void List(string title, IEnumerable<string> items)
        {
            var l = items.ToList();
            if (l.Count == 0) return;
            sb.AppendLine(title + ":");
            foreach (var i in l.Take(20)) sb.AppendLine("  " + i);
            if (l.Count > 20) sb.AppendLine($"  ... {l.Count - 20} more");
        }
        List("Duplicates", Duplicates);
        List("AMI requests of the duplicated names", AmiTrace);
        List("Untagged leftovers", Untagged);
        List("Image snapshots no image uses", OrphanedImageSnapshots);
        List("Partial sets", PartialSets);
        List("Lost", Lost);
        List("Missing (failure reported)", ReportedMissing);
        List("Wrong deletions", WrongDeletions);
        List("Unhandled", Unhandled);
        sb.AppendLine(Passed ? "RESULT: PASS" : "RESULT: FAIL");
        return sb.ToString();
    }
}
