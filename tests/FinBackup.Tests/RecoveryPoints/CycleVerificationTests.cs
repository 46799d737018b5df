using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>Issue 13, Must: the cycle verifies existence every run and a sample of data on the policy's schedule; findings feed compliance.</summary>
public sealed class CycleVerificationTests
{
    /// <summary>A verifier per kind that records what it was asked and reports a problem for the ids in <see cref="Broken"/>.</summary>
    private sealed class FakeVerifiers : IRecoveryPointVerifiers
    {
        public HashSet<string> Broken { get; } = new();
        public List<(string Id, bool ReadData, double Sample)> Calls { get; } = new();
        public string Region => "any";
        public IRecoveryPointVerifier Verifier(RecoveryPointKind kind) => new V(this, kind);

        private sealed class V(FakeVerifiers owner, RecoveryPointKind kind) : IRecoveryPointVerifier
        {
            public RecoveryPointKind Kind => kind;
            public void Verify(FinRecoveryPoint point, RecoveryPointCheckOptions options, RecoveryPointCheckBuilder check, CancellationToken cancellationToken)
            {
                owner.Calls.Add((point.RecoveryPointId, options.ReadData, options.SamplePercent));
                check.ObjectsChecked++;
                if (options.ReadData) check.FilesRead++;
                if (owner.Broken.Contains(point.RecoveryPointId)) check.Problem($"{point.RecoveryPointId}: snap-gone (member of the set) does not exist");
            }
        }
    }

    /// <summary>A bucket in memory: just what the findings and the schedule need (List, PutContent).</summary>
    private sealed class FindingsStore : IFileBackupStore
    {
        public Dictionary<string, (byte[] Body, DateTime At, string? Kms)> Objects { get; } = new();
        public Func<DateTime> Clock { get; set; } = () => DateTime.UtcNow;
        public string Region => "us-east-1";
        public IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken cancellationToken) =>
            Objects.Where(o => o.Key.StartsWith(bucket + "/" + prefix, StringComparison.Ordinal))
                .Select(o => new StoredObject { Key = o.Key.Substring(bucket.Length + 1), Size = o.Value.Body.Length, LastModified = o.Value.At }).ToList();
        public void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, ObjectWriteOptions options, CancellationToken cancellationToken)
        {
            var body = new MemoryStream();
            content.CopyTo(body);
            Objects[bucket + "/" + key] = (body.ToArray(), Clock(), options?.KmsKeyId);
        }
        public BucketProtection DescribeBucket(string bucket, CancellationToken cancellationToken) => throw new NotSupportedException();
        public void Touch(string bucket, string key, ObjectWriteOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();
        public void ReadRange(string bucket, string key, long offset, int length, byte[] destination, int destinationOffset, CancellationToken cancellationToken) => throw new NotSupportedException();
        public void PutManifest(string bucket, FileManifest manifest, IDictionary<string, string> tags, ObjectWriteOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();
        public FileManifest GetManifest(string bucket, string key, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IDictionary<string, string> GetTags(string bucket, string key, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IDictionary<string, string> Delete(string bucket, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => throw new NotSupportedException();
        public void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, ObjectWriteOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static BackupPolicy Policy(TimeSpan? readDataEvery = null, bool enabled = true)
    {
        var p = new BackupPolicy
        {
            Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
            KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-dr" },
            Buckets = { ["us-east-1"] = "fin-backup-use1", ["us-west-2"] = "fin-backup-usw2" },
            Verification = new VerificationPolicy { Enabled = enabled, ReadDataEvery = readDataEvery, SamplePercent = 5 },
        };
        p.Applications.Add(new ApplicationPolicy { Name = "Cross-sell", Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(2), CopyToDrRegion = true });
        return p;
    }

    private static FakeEstate Estate()
    {
        var e = new FakeEstate();
        e.Resources.Add(new FinResource { Application = "Cross-sell", ResourceId = "i-cs", ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1" });
        return e;
    }

    [Fact]
    public void Every_run_checks_the_newest_point_of_each_resource_in_each_region_and_a_broken_one_is_an_error_and_no_RPO()
    {
        var e = Estate();
        var verifiers = new FakeVerifiers();
        var cycle = new BackupCycle(e.Runtime(), _ => new FakeEstate.Finder(e)) { Verification = new CycleVerification(_ => verifiers) };
        var policy = Policy();

        var first = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default));
        Assert.Equal(1, first.Taken);
        Assert.Equal(1, first.Copied);
        Assert.Equal(2, first.Verified);                 // the set in us-east-1 and its copy in us-west-2
        Assert.Equal(0, first.VerificationFailed);
        Assert.Equal(2, first.Checks.Count);
        Assert.All(first.Checks, c => Assert.Equal(FinRecoveryPointCheck.Passed, c.Status));
        Assert.True(first.RpoMet);

        // An hour later: a new window; only the NEWEST point per resource and region is checked (not the older one).
        e.Now = e.Now.AddHours(1);
        verifiers.Calls.Clear();
        var errors = new List<FinBackupException>();
        var second = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks { Error = (ex, _) => errors.Add(ex) }, default));
        Assert.Equal(2, verifiers.Calls.Count);
        var latest = e.Points.Where(p => p.Region == "us-east-1" && !p.IsCopy).OrderByDescending(p => p.CreatedAt).First();
        Assert.Contains(verifiers.Calls, c => c.Id == latest.RecoveryPointId);
        Assert.DoesNotContain(verifiers.Calls, c => c.ReadData);   // no data schedule in this policy
        Assert.Empty(errors);

        Assert.Equal(TimeSpan.Zero, second.DrRpo);      // the copy made this run

        // The newest DR copy's snapshots vanish: the next run reports it, and a broken point does not count for the RPO,
        // so the DR RPO falls back to the copy of the window before (1 h old).
        var drNewest = e.Points.Where(p => p.Region == "us-west-2").OrderByDescending(p => p.CreatedAt).First();
        verifiers.Broken.Add(drNewest.RecoveryPointId);
        var third = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks { Error = (ex, _) => errors.Add(ex) }, default));
        Assert.Equal(1, third.VerificationFailed);
        Assert.Equal(1, third.Verified);
        var error = Assert.Single(errors);
        Assert.Equal(FinErrorIds.RecoveryPointVerificationFailed, error.ErrorId);
        Assert.Equal(FinErrorKind.InvalidData, error.Kind);
        Assert.Contains(drNewest.RecoveryPointId, error.Message);
        Assert.Contains(third.VerificationProblems, p => p.Contains("snap-gone"));
        Assert.Equal(TimeSpan.FromHours(1), third.DrRpo);
        Assert.NotNull(third.PrimaryRpo);
    }

    [Fact]
    public void Verification_Enabled_false_checks_nothing()
    {
        var e = Estate();
        var verifiers = new FakeVerifiers();
        var cycle = new BackupCycle(e.Runtime(), _ => new FakeEstate.Finder(e)) { Verification = new CycleVerification(_ => verifiers) };
        var s = Assert.Single(cycle.Run(Policy(enabled: false), new BackupCycleCallbacks(), default));
        Assert.Empty(verifiers.Calls);
        Assert.Equal(0, s.Verified);
        Assert.Empty(s.Checks);
    }

    private static FinRecoveryPoint FilePoint(string id, DateTime created, string region = "us-east-1") =>
        Points.Point(id, resource: "host-1", region: region, created: created, kind: RecoveryPointKind.FileBackup);

    [Fact]
    public void Data_is_read_on_the_policy_schedule_kept_in_the_bucket_and_the_findings_are_written_for_compliance()
    {
        var now = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);
        var verifiers = new FakeVerifiers();
        var store = new FindingsStore { Clock = () => now };
        var verification = new CycleVerification(_ => verifiers, _ => store);
        var policy = Policy(readDataEvery: TimeSpan.FromHours(24));
        IDictionary<string, FinBackupCycleSummary> Summaries() => new Dictionary<string, FinBackupCycleSummary>(StringComparer.OrdinalIgnoreCase) { ["Cross-sell"] = new() { Application = "Cross-sell" } };
        var points = new List<FinRecoveryPoint>
        {
            FilePoint("manifests/cross-sell/old.json", now.AddHours(-2)),
            FilePoint("manifests/cross-sell/new.json", now.AddMinutes(-10)),
            Points.Point("snapset-1", created: now.AddMinutes(-10)),
        };

        // First run: never read before, so the newest file backup's data is read (5 %); the EBS set only for existence.
        var s1 = Summaries();
        verification.Run(policy, points, s1, (_, _, _) => { }, (_, _) => { }, now, default);
        Assert.Contains(verifiers.Calls, c => c.Id == "manifests/cross-sell/new.json" && c.ReadData && c.Sample == 5);
        Assert.DoesNotContain(verifiers.Calls, c => c.Id == "manifests/cross-sell/old.json");
        Assert.Contains(verifiers.Calls, c => c.Id == "snapset-1" && !c.ReadData);
        Assert.Equal(1, s1["Cross-sell"].DataVerified);
        Assert.Equal(2, s1["Cross-sell"].Verified);
        var prefix = "fin-backup-use1/" + CycleVerification.ApplicationPrefix("finco", "Cross-sell");
        Assert.Equal("verification/finco/cross-sell/", CycleVerification.ApplicationPrefix("finco", "Cross-sell"));
        Assert.True(store.Objects.ContainsKey(prefix + "latest.json"));
        Assert.True(store.Objects.ContainsKey(prefix + "data-read.json"));
        Assert.Equal("alias/fin-backup", store.Objects[prefix + "latest.json"].Kms);
        var findings = System.Text.Json.JsonDocument.Parse(store.Objects[prefix + "latest.json"].Body).RootElement;
        Assert.Equal("Cross-sell", findings.GetProperty("application").GetString());
        Assert.Equal(2, findings.GetProperty("checks").GetArrayLength());

        // An hour later: existence only; the schedule (the data-read record's time) says data is not due.
        now = now.AddHours(1);
        verifiers.Calls.Clear();
        var s2 = Summaries();
        verification.Run(policy, points, s2, (_, _, _) => { }, (_, _) => { }, now, default);
        Assert.NotEmpty(verifiers.Calls);
        Assert.DoesNotContain(verifiers.Calls, c => c.ReadData);
        Assert.Equal(0, s2["Cross-sell"].DataVerified);
        Assert.Equal(now.AddHours(-1), store.Objects[prefix + "data-read.json"].At);

        // 24 hours after the last read: data is due again.
        now = now.AddHours(23);
        verifiers.Calls.Clear();
        verification.Run(policy, points, Summaries(), (_, _, _) => { }, (_, _) => { }, now, default);
        Assert.Contains(verifiers.Calls, c => c.Id == "manifests/cross-sell/new.json" && c.ReadData);
    }

    [Fact]
    public void Only_available_points_are_checked_and_a_failure_to_ask_is_a_warning_not_a_broken_point()
    {
        var now = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);
        var pending = Points.Point("snapset-pending", created: now, state: RecoveryPointState.Pending);
        var available = Points.Point("snapset-ok", created: now.AddHours(-1));
        Assert.Equal(new[] { "snapset-ok" }, CycleVerification.NewestPoints(new[] { pending, available }).Select(p => p.RecoveryPointId));

        var throttled = new CycleVerification(_ => throw new FinBackupException("FinAwsThrottled", FinErrorKind.LimitsExceeded, "Rate exceeded"));
        var summaries = new Dictionary<string, FinBackupCycleSummary>(StringComparer.OrdinalIgnoreCase) { ["Cross-sell"] = new() { Application = "Cross-sell" } };
        var warnings = new List<string>();
        var failures = 0;
        var broken = throttled.Run(Policy(), new[] { available }, summaries, (_, _, _) => failures++, (_, w) => warnings.Add(w), now, default);
        Assert.Empty(broken);
        Assert.Equal(0, failures);
        Assert.Equal(1, summaries["Cross-sell"].VerificationErrors);
        Assert.Contains(warnings, w => w.Contains("snapset-ok") && w.Contains("could not be verified"));
    }

    [Fact]
    public void The_policy_reads_the_Verification_table_and_rejects_bad_values_with_the_field()
    {
        const string head = "{ \"Name\": \"finco\", \"PrimaryRegion\": \"us-east-1\", \"Applications\": [ { \"Name\": \"Cross-sell\" } ], ";
        var ok = PolicyReader.ReadJson(head + "\"Verification\": { \"ReadDataEvery\": \"24h\", \"SamplePercent\": 5 } }", "p.json");
        Assert.False(ok.HasErrors);
        Assert.Equal(TimeSpan.FromHours(24), ok.Policy.Verification.ReadDataEvery);
        Assert.Equal(5, ok.Policy.Verification.SamplePercent);
        Assert.True(ok.Policy.Verification.Enabled);

        var none = PolicyReader.ReadJson(head + "\"Metrics\": { \"Enabled\": false } }", "p.json");
        Assert.Null(none.Policy.Verification.ReadDataEvery);
        Assert.True(none.Policy.Verification.Enabled);

        var bad = PolicyReader.ReadJson(head + "\"Verification\": { \"ReadDataEvery\": 24, \"SamplePercent\": 500 } }", "p.json");
        Assert.True(bad.HasErrors);
        Assert.Contains(bad.Diagnostics, d => d.Problem.Contains("ReadDataEvery") || (d.Field ?? "").Contains("ReadDataEvery"));
        Assert.Contains(bad.Diagnostics, d => d.Problem.Contains("SamplePercent") || (d.Field ?? "").Contains("SamplePercent"));
    }
}

public sealed class CycleVerificationIamTests
{
    [Fact]
    public void The_backup_operator_may_write_the_verification_findings_and_nothing_else_under_that_prefix()
    {
        var path = Path.Combine(TestSupport.RepoPaths.Root, "examples", "finco.recommended.policy.json");
        var policy = PolicyReader.ReadJson(File.ReadAllText(path), path).Policy;
        var doc = new FinBackup.Domain.Security.IamPolicyBuilder(policy, new FinBackup.Domain.Security.IamPolicyOptions { AccountId = "123456789012" })
            .Build(FinBackup.Domain.Security.FinRole.BackupOperator);
        var write = Assert.Single(doc.Statements, s => s.Sid == "WriteVerificationFindings");
        Assert.Equal(new[] { "s3:PutObject" }, write.Actions);
        Assert.Contains("arn:aws:s3:::fin-backup-use1/verification/*", write.Resources);
        Assert.Contains("arn:aws:s3:::fin-backup-usw2/verification/*", write.Resources);
    }
}
