using CsCheck;
using FinBackup.Domain.Policy;
using static FinBackup.Tests.Policy.TestPolicies;

namespace FinBackup.Tests.Policy;

/// <summary>Properties of the validator over generated policies (CsCheck shrinks any counter-example it finds).</summary>
public sealed class PolicyValidatorPropertyTests
{
    /// <summary>Minutes from 1 minute to 2 days.</summary>
    private static readonly Gen<int> Minutes = Gen.Int[1, 2880];

    private static bool Has(BackupPolicy p, string rule, string app) =>
        Findings(p).Any(f => f.Rule == rule && f.Severity == PolicySeverity.Error && f.Application == app);

    private static ApplicationPolicy App(int frequency, int rpo, int retention) => new()
    {
        Name = "A",
        Frequency = TimeSpan.FromMinutes(frequency),
        Rpo = TimeSpan.FromMinutes(rpo),
        Rto = TimeSpan.FromHours(2),
        Retention = TimeSpan.FromMinutes(retention),
        RecoveryPoints = { RecoveryPointKindRequest.EbsSnapshotSet },
        RestoreApprovers = { "x" },
        DeclaredVolumes = 1,
    };

    [Fact]
    public void There_is_a_FrequencyMeetsRpo_error_exactly_when_frequency_exceeds_the_rpo()
    {
        Gen.Select(Minutes, Minutes, Minutes).Sample((f, rpo, r) =>
            Has(Valid(App(f, rpo, r)), PolicyRules.FrequencyMeetsRpo, "A") == (f > rpo));
    }

    [Fact]
    public void A_file_set_slower_than_the_rpo_always_gives_a_FrequencyMeetsRpo_error()
    {
        Gen.Select(Minutes, Minutes).Sample((setFrequency, rpo) =>
        {
            var app = App(rpo, rpo, 2 * rpo);
            app.FileSets.Add(new FileSetPolicy { Name = "s", Paths = { "/d" }, Frequency = TimeSpan.FromMinutes(setFrequency) });
            var onSet = Findings(Valid(app)).Any(f => f.Rule == PolicyRules.FrequencyMeetsRpo && f.Field == "Applications[0].FileSets[0].Frequency");
            return onSet == (setFrequency > rpo);
        });
    }

    [Fact]
    public void There_is_a_RetentionCoversInterval_error_exactly_when_retention_is_shorter_than_the_frequency()
    {
        Gen.Select(Minutes, Minutes, Minutes).Sample((f, rpo, r) =>
            Has(Valid(App(f, rpo, r)), PolicyRules.RetentionCoversInterval, "A") == (r < f));
    }

    [Fact]
    public void There_is_a_RetentionCoversRpo_error_exactly_when_retention_is_shorter_than_the_rpo()
    {
        Gen.Select(Minutes, Minutes, Minutes).Sample((f, rpo, r) =>
            Has(Valid(App(f, rpo, r)), PolicyRules.RetentionCoversRpo, "A") == (r < rpo));
    }

    [Fact]
    public void Aws_backup_rules_under_60_minutes_or_a_day_are_always_errors()
    {
        Gen.Select(Minutes, Gen.Int[1, 10 * 1440]).Sample((planFrequency, planRetention) =>
        {
            var app = Rds("Db");
            app.BackupPlanFrequency = TimeSpan.FromMinutes(planFrequency);
            app.BackupPlanRetention = TimeSpan.FromMinutes(planRetention);
            var p = Valid(app);
            return Has(p, PolicyRules.AwsBackupMinimumFrequency, "Db") == (planFrequency < 60)
                && Has(p, PolicyRules.AwsBackupMinimumRetention, "Db") == (planRetention < 1440);
        });
    }

    [Fact]
    public void The_manual_rds_snapshot_error_matches_an_independent_count()
    {
        var gen = Gen.Select(Gen.Int[1, 5], Gen.Int[15, 240], Gen.Int[1, 72], Gen.Int[1, 4], Gen.Bool);
        gen.Sample((apps, frequencyMinutes, retentionHours, databases, backupPlan) =>
        {
            var list = Enumerable.Range(0, apps).Select(i =>
            {
                var a = Rds("Db" + i);
                a.Frequency = TimeSpan.FromMinutes(frequencyMinutes);
                a.Rpo = a.Frequency;
                a.Retention = TimeSpan.FromHours(retentionHours);
                a.DeclaredDatabases = databases;
                if (!backupPlan) a.RecoveryPoints.Remove(RecoveryPointKindRequest.BackupPlan);
                return a;
            }).ToArray();
            int perDb = (int)Math.Ceiling(retentionHours * 60.0 / frequencyMinutes) + 1 + (backupPlan ? 3 : 0); // plan: 12h kept 1d -> 3
            int expected = apps * databases * perDb;
            var errors = Findings(Valid(list)).Count(f => f.Rule == PolicyRules.ManualRdsSnapshotQuota && f.Severity == PolicySeverity.Error);
            return (errors == 2) == (expected > 100) && (errors == 0) == (expected <= 100);
        });
    }

    [Fact]
    public void Too_frequent_ebs_snapshots_always_exceed_the_pending_limit()
    {
        Gen.Int[1, 120].Sample(frequency =>
        {
            var pending = (int)Math.Ceiling(30.0 / frequency);
            return Has(Valid(App(frequency, 120, 240)), PolicyRules.PendingSnapshotsPerVolume, "A") == (pending > 5);
        });
    }

    /// <summary>Applications that meet every constraint by construction.</summary>
    private static readonly Gen<ApplicationPolicy> CompliantApp =
        from rpo in Gen.Int[15, 240]
        from frequency in Gen.Int[6, rpo]
        from retention in Gen.Int[Math.Max(rpo, frequency), 12 * 60]
        from kinds in Gen.Int[0, 3]
        from volumes in Gen.Int[1, 3]
        from data in Gen.Double[1, 1000]
        from planHours in Gen.Int[12, 24]
        from planDays in Gen.Int[1, 3]
        from copy in Gen.Bool
        from withFiles in Gen.Bool
        select MakeCompliant(rpo, frequency, retention, kinds, volumes, data, planHours, planDays, copy, withFiles);

    private static ApplicationPolicy MakeCompliant(int rpo, int frequency, int retention, int kinds, int volumes, double data, int planHours, int planDays, bool copy, bool withFiles)
    {
        var app = App(frequency, rpo, retention);
        app.DeclaredVolumes = volumes;
        app.DeclaredDataGiB = data;
        app.CopyToDrRegion = copy;
        app.RecoveryPoints.Clear();
        if (kinds == 0 || kinds == 1) app.RecoveryPoints.Add(RecoveryPointKindRequest.EbsSnapshotSet);
        if (kinds == 1 && frequency >= 15) app.RecoveryPoints.Add(RecoveryPointKindRequest.Ami);
        if (kinds >= 2)
        {
            app.RecoveryPoints.Add(RecoveryPointKindRequest.RdsSnapshot);
            app.DeclaredDatabases = 1;
        }
        if (kinds == 3)
        {
            app.RecoveryPoints.Add(RecoveryPointKindRequest.BackupPlan);
            app.BackupPlanFrequency = TimeSpan.FromHours(planHours);
            app.BackupPlanRetention = TimeSpan.FromDays(planDays);
        }
        if (withFiles)
        {
            app.FileSets.Add(new FileSetPolicy { Name = "f", Paths = { "/data" }, Frequency = TimeSpan.FromMinutes(Math.Max(1, rpo - 1)) });
        }
        return app;
    }

    [Fact]
    public void A_policy_generated_to_satisfy_every_constraint_has_no_errors_or_warnings()
    {
        var gen = CompliantApp.Array[1, 3]
            .Select(apps =>
            {
                for (int i = 0; i < apps.Length; i++) apps[i].Name = "App" + i;
                return Valid(apps);
            })
            // The quota checks are part of "every constraint": keep the RDS count under the 80 % warning line.
            .Where(p => p.Applications.Sum(a =>
                (a.RecoveryPoints.Contains(RecoveryPointKindRequest.RdsSnapshot) ? (int)Math.Ceiling(a.Retention!.Value / a.Frequency!.Value) + 1 : 0)
                + (a.UsesBackupPlan ? (int)Math.Ceiling(a.BackupPlanRetention!.Value / a.BackupPlanFrequency!.Value) + 1 : 0)) <= 80);
        gen.Sample(p =>
        {
            var problems = Problems(p).ToList();
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        });
    }
}
