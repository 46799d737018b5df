using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Bench.Faults;

public sealed class FaultBenchOptions
{
    public int Cycles { get; set; } = 10;
    /// <summary>Share of requests (0..1) that get a fault during the faulty cycles.</summary>
    public double FaultRate { get; set; } = 0.2;
    public int Seed { get; set; } = 1;
    /// <summary>The bench policy's frequency (window length) and retention: short, so a run exercises creation, copy and expiry.</summary>
    public TimeSpan Frequency { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(3);
    /// <summary>Cycles without faults after the faulty ones (the "clean re-run").</summary>
    public int CleanRuns { get; set; } = 2;
    /// <summary>Seconds to wait between cycles (0: back to back).</summary>
    public double PauseSeconds { get; set; }
    /// <summary>The built module's manifest (default: out/FinBackup/FinBackup.psd1 of this repository).</summary>
    public string? ModuleManifest { get; set; }
    public string? WorkDirectory { get; set; }
    /// <summary>Stop the faulty cycles after this long (then the clean re-run and the count): "as many cycles as fit".</summary>
    public TimeSpan? MaxDuration { get; set; }
    /// <summary>Wait for a fresh window before the clean re-run (default), so it starts and ends in one window.</summary>
    public bool CleanRunInNewWindow { get; set; } = true;
    public Action<string> Log { get; set; } = Console.WriteLine;
}

/// <summary>What one cycle (Backup-FinFile + Invoke-FinBackupCycle) reported.</summary>
public sealed record CycleRecord(int Number, bool Faulty, DateTime Started, DateTime Ended,
    IReadOnlyList<(string Application, string Window, int Taken, int AlreadyTaken, int Copied, int Removed, int Failed)> Summaries,
    IReadOnlyList<(string Command, string ErrorId, string ExceptionType, string Message)> Errors, bool FileBackupFailed);

/// <summary>
/// The fault-injection bench: the sandbox estate in moto, the built module in a hosted PowerShell engine pointed at a
/// <see cref="LoopbackProxy"/> whose <see cref="FaultInjector"/> injects throttling, 5xx, resets and lost replies; N cycles
/// with faults, a clean re-run, and the counts from outside (<see cref="FaultAnalysis"/>).
/// </summary>
public sealed class FaultBench
{
    public const string PolicyName = "faultbench";
    public const string FileApplication = "Cross-sell";
    public static readonly string[] Regions = { "us-east-1", "us-west-2" };
    public static readonly IReadOnlyDictionary<string, string> Buckets = new Dictionary<string, string> { ["us-east-1"] = "fin-backup-use1", ["us-west-2"] = "fin-backup-usw2" };

    /// <summary>The applications the bench policy protects and the kinds each takes.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Applications = new Dictionary<string, string[]>
    {
        ["Cross-sell"] = new[] { "EbsSnapshotSet", "Ami", "RdsSnapshot", "FileBackup" },
        ["Customer Assistance Management"] = new[] { "EbsSnapshotSet" },
    };

    private readonly FaultBenchOptions _o;

    /// <summary>bench/faults/sweep.py of this repository.</summary>
    public static string SweepScript => Path.Combine(RepoPaths.Root, "bench", "faults", "sweep.py");

    public FaultBench(FaultBenchOptions options) => _o = options;

    public static string PolicyText(FaultBenchOptions o, string fileSetPath)
    {
        string D(TimeSpan t) => ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        return $@"@{{
    Name          = '{PolicyName}'
    Description   = 'Fault bench (bench/faults): short windows so a run exercises creation, copy and expiry.'
    PrimaryRegion = 'us-east-1'
    DrRegion      = 'us-west-2'
    TagKey        = 'fin:application'
    KmsKeys       = @{{ 'us-east-1' = 'alias/fin-backup'; 'us-west-2' = 'alias/fin-backup' }}
    Buckets       = @{{ 'us-east-1' = 'fin-backup-use1'; 'us-west-2' = 'fin-backup-usw2' }}
    Metrics       = @{{ Enabled = $false }}
    Applications  = @(
        @{{
            Name           = 'Cross-sell'
            Frequency      = '{D(o.Frequency)}'
            Retention      = '{D(o.Retention)}'
            Rpo            = '{D(o.Frequency + o.Frequency)}'
            RecoveryPoints = @('EbsSnapshotSet', 'Ami', 'RdsSnapshot')
            CopyToDrRegion = $true
            FileSets       = @(
                @{{ Name = 'ledger'; Paths = @('{fileSetPath.Replace("'", "''")}'); Frequency = '{D(o.Frequency)}' }}
            )
        }}
        @{{
            Name           = 'Customer Assistance Management'
            Frequency      = '{D(o.Frequency)}'
            Retention      = '{D(o.Retention)}'
            RecoveryPoints = @('EbsSnapshotSet')
            CopyToDrRegion = $false
        }}
    )
}}
";
    }

    public FaultReport Run()
    {
        var total = Stopwatch.StartNew();
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        var work = _o.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "finbackup-faults-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(work);
        var data = Path.Combine(work, "ledger");
        Directory.CreateDirectory(data);
        for (var i = 0; i < 8; i++) File.WriteAllText(Path.Combine(data, $"ledger-{i}.csv"), $"file {i}\n" + new string('x', 4096 + i * 1000));
        var policyPath = Path.Combine(work, "faultbench.policy.psd1");
        File.WriteAllText(policyPath, PolicyText(_o, data));

        using var moto = new MotoServer();
        var injector = new FaultInjector(_o.Seed, 0);
        var amiNames = new AmiNameRule(moto.EndpointUrl);
        using var proxy = new LoopbackProxy(moto.EndpointUrl, amiNames.Around(injector.Decide));
        var manifest = _o.ModuleManifest ?? RepoPaths.ModuleManifest;
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        Invoke(runspace, $"Import-Module '{manifest.Replace("'", "''")}' -ErrorAction Stop", out var importErrors, out var importFailure);
        if (importFailure != null || importErrors.Count > 0) throw new InvalidOperationException("Import-Module failed: " + (importFailure?.Message ?? importErrors[0].ToString()));

        _o.Log($"moto at {moto.EndpointUrl}, fault proxy at {proxy.EndpointUrl}; seeding the sandbox estate (direct, no faults)");
        // Seeding on a loaded machine can time out: reset moto and try again (up to 3 times).
        for (var attempt = 1; ; attempt++)
        {
            Invoke(runspace, $"$null = Start-FinSandbox -EndpointUrl '{moto.EndpointUrl}' -ErrorAction Stop; Set-FinDefault -Region us-east-1 -EndpointUrl '{proxy.EndpointUrl}'; $policy = Import-FinBackupPolicy '{policyPath.Replace("'", "''")}' -ErrorAction Stop",
                out var setupErrors, out var setupFailure);
            if (setupFailure == null && setupErrors.Count == 0) break;
            var why = setupFailure?.Message ?? setupErrors[0].ToString();
            if (attempt >= 3) throw new InvalidOperationException("Sandbox setup failed: " + why);
            _o.Log($"seeding failed ({why}); resetting moto and seeding again");
            moto.Reset();
        }

        var observer = new EstateObserver(moto.EndpointUrl, Regions, Buckets);
        var analysis = new FaultAnalysis(_o.Frequency, ExpectedResources(moto.EndpointUrl));
        analysis.Baseline(observer.SweepFast(SweepScript));

        var cycles = new List<CycleRecord>();
        var faulty = Stopwatch.StartNew();
        var faultyCycles = _o.Cycles;
        for (var n = 1; n <= faultyCycles + _o.CleanRuns; n++)
        {
            if (n <= faultyCycles && n > 1 && _o.MaxDuration.HasValue && faulty.Elapsed >= _o.MaxDuration.Value)
            {
                _o.Log($"-MaxMinutes reached after {n - 1} cycles: stopping the faulty cycles");
                faultyCycles = n - 1;
            }
            var isFaulty = n <= faultyCycles;
            if (n == faultyCycles + 1) faulty.Stop();
            if (n > 1 && _o.PauseSeconds > 0) Thread.Sleep(TimeSpan.FromSeconds(_o.PauseSeconds));
            // The clean re-run starts in a fresh window so it has a chance to finish everything (copies of the last window).
            if (n == faultyCycles + 1 && faultyCycles > 0 && _o.CleanRunInNewWindow) WaitForNextWindow();
            File.AppendAllText(Path.Combine(data, "ledger-0.csv"), $"cycle {n} {DateTime.UtcNow:O}\n");
            File.WriteAllText(Path.Combine(data, $"entry-{n % 5}.csv"), $"entry of cycle {n}\n");
            injector.Rate = isFaulty ? _o.FaultRate : 0;
            var record = RunCycle(runspace, n, isFaulty);
            injector.Rate = 0;
            cycles.Add(record);
            var seen = observer.SweepFast(SweepScript);
            analysis.Observe(seen);
            if (n == 1) analysis.PlaceLegalHold(seen, moto.EndpointUrl);
            _o.Log($"cycle {n,3}{(isFaulty ? "" : " (clean)")}: {(record.Ended - record.Started).TotalSeconds,5:0.0}s  taken {record.Summaries.Sum(s => s.Taken)}  already {record.Summaries.Sum(s => s.AlreadyTaken)}  copied {record.Summaries.Sum(s => s.Copied)}  removed {record.Summaries.Sum(s => s.Removed)}  failed {record.Summaries.Sum(s => s.Failed)}  errors {record.Errors.Count}{(record.FileBackupFailed ? " (file backup failed)" : "")}");
            // The rare ids (an unexpected exception, an unreadable manifest, anything not a Fin id) with their message, so
            // the path that produced them can be found from the log.
            foreach (var e in record.Errors.Where(e => e.Item2.StartsWith("FinUnexpectedError", StringComparison.Ordinal)
                || e.Item2.StartsWith("FinFileManifestInvalid", StringComparison.Ordinal) || !e.Item2.StartsWith("Fin", StringComparison.Ordinal)))
                _o.Log($"    {e.Item1}: {e.Item2} ({e.Item3}): {e.Item4}");
        }
        var final = observer.Sweep();
        analysis.Observe(final);
        var report = analysis.Report(cycles, final, injector, _o, faulty.Elapsed, total.Elapsed, observer.CliCalls);
        report.AmiNamesRefused = amiNames.Refused;
        report.AmiSameToken = amiNames.SameToken;
        // The AMI requests behind each duplicate image name, so its path can be read from the log.
        foreach (var line in amiNames.Trace)
            if (report.Duplicates.Any(d => AmiNameRule.NamesIn(d).Any(n => line.Contains(" " + n + ":", StringComparison.Ordinal)))) report.AmiTrace.Add(line);
        try { Directory.Delete(work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return report;
    }

    private void WaitForNextWindow()
    {
        var f = _o.Frequency.Ticks;
        var now = DateTime.UtcNow.Ticks;
        var next = (now / f + 1) * f;
        var wait = TimeSpan.FromTicks(next - now) + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) Thread.Sleep(wait);
    }

    /// <summary>The resources the policy protects, found from outside: (application, kind) -> resource ids.</summary>
    private static Dictionary<(string App, string Kind), HashSet<string>> ExpectedResources(string endpoint)
    {
        var map = new Dictionary<(string, string), HashSet<string>>();
        foreach (var (app, kinds) in Applications)
        {
            var instances = AwsCli.Run(endpoint, "us-east-1", "ec2", "describe-instances", "--filters", $"Name=tag:fin:application,Values={app}", "Name=instance-state-name,Values=running,stopped");
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in instances.GetProperty("Reservations").EnumerateArray())
                foreach (var i in r.GetProperty("Instances").EnumerateArray()) ids.Add(i.GetProperty("InstanceId").GetString()!);
            var dbs = new HashSet<string>(StringComparer.Ordinal);
            foreach (var db in AwsCli.Run(endpoint, "us-east-1", "rds", "describe-db-instances").GetProperty("DBInstances").EnumerateArray())
                if (db.TryGetProperty("TagList", out var tl) && tl.EnumerateArray().Any(t => t.GetProperty("Key").GetString() == "fin:application" && t.GetProperty("Value").GetString() == app))
                    dbs.Add(db.GetProperty("DBInstanceIdentifier").GetString()!);
            foreach (var k in kinds)
                map[(app, k)] = k switch { "RdsSnapshot" => dbs, "FileBackup" => new HashSet<string>(), _ => ids };
        }
        return map;
    }

    private CycleRecord RunCycle(Runspace runspace, int number, bool faulty)
    {
        var started = DateTime.UtcNow;
        var errors = new List<(string, string, string, string)>();
        void Collect(string command, IReadOnlyList<ErrorRecord> records, RuntimeException? terminating)
        {
            foreach (var e in records)
            {
                var id = e.FullyQualifiedErrorId ?? string.Empty;
                // The rare ids keep the whole exception (inner exceptions and stacks): the log shows where they came from.
                var rare = id.StartsWith("FinUnexpectedError", StringComparison.Ordinal) || id.StartsWith("FinFileManifestInvalid", StringComparison.Ordinal) || !id.StartsWith("Fin", StringComparison.Ordinal);
                var text = rare ? e.Exception?.ToString() ?? string.Empty : e.Exception?.Message ?? string.Empty;
                errors.Add((command, id, e.Exception?.GetType().FullName ?? string.Empty, text.Length > 4000 ? text.Substring(0, 4000) : text));
            }
            if (terminating != null)
            {
                var er = terminating.ErrorRecord;
                errors.Add((command, er?.FullyQualifiedErrorId ?? terminating.GetType().FullName!, (er?.Exception ?? terminating).GetType().FullName!, terminating.Message));
            }
        }
        Invoke(runspace, $"Backup-FinFile -Policy $policy -Application '{FileApplication}' -Confirm:$false -NoMetrics", out var fileErrors, out var fileFailure);
        Collect("Backup-FinFile", fileErrors, fileFailure);
        var output = Invoke(runspace, "Invoke-FinBackupCycle -Policy $policy -NoMetrics -Confirm:$false", out var cycleErrors, out var cycleFailure);
        Collect("Invoke-FinBackupCycle", cycleErrors, cycleFailure);
        var summaries = new List<(string, string, int, int, int, int, int)>();
        foreach (var o in output)
        {
            if (o?.Properties["Taken"] == null) continue;
            int I(string name) => Convert.ToInt32(o.Properties[name]?.Value ?? 0, CultureInfo.InvariantCulture);
            summaries.Add(((string)o.Properties["Application"].Value, (string)o.Properties["Window"].Value, I("Taken"), I("AlreadyTaken"), I("Copied"), I("Removed"), I("Failed")));
        }
        return new CycleRecord(number, faulty, started, DateTime.UtcNow, summaries, errors, fileErrors.Count > 0 || fileFailure != null);
    }

    private static Collection<PSObject> Invoke(Runspace runspace, string script, out IReadOnlyList<ErrorRecord> errors, out RuntimeException? terminating)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        terminating = null;
        var output = new Collection<PSObject>();
        try { output = ps.Invoke(); }
        catch (RuntimeException ex) { terminating = ex; }
        errors = ps.Streams.Error.ToList();
        return output;
    }
}
