using FinBackup.Domain.Policy;
using static FinBackup.Tests.Policy.TestPolicies;

namespace FinBackup.Tests.Policy;

public sealed class PolicyValidatorTests
{
    private static PolicyFinding Single(BackupPolicy p, string rule) => Assert.Single(Findings(p), f => f.Rule == rule);

    [Fact]
    public void The_baseline_policy_has_no_errors_or_warnings()
    {
        Assert.Empty(Problems(Valid()));
    }

    [Fact]
    public void Missing_rpo_is_an_error_naming_the_application_and_field()
    {
        var p = Valid();
        p.Applications[0].Rpo = null;
        var f = Single(p, PolicyRules.RpoDefined);
        Assert.Equal(PolicySeverity.Error, f.Severity);
        Assert.Equal("Web", f.Application);
        Assert.Equal("Applications[0].Rpo", f.Field);
        Assert.Contains("Rpo = '1h'", f.Suggestion);
    }

    [Theory]
    [InlineData(nameof(ApplicationPolicy.Rto), PolicyRules.RtoDefined)]
    [InlineData(nameof(ApplicationPolicy.Frequency), PolicyRules.FrequencyDefined)]
    [InlineData(nameof(ApplicationPolicy.Retention), PolicyRules.RetentionDefined)]
    public void Missing_rto_frequency_or_retention_is_an_error(string property, string rule)
    {
        var p = Valid();
        typeof(ApplicationPolicy).GetProperty(property)!.SetValue(p.Applications[1], null);
        var f = Single(p, rule);
        Assert.Equal(PolicySeverity.Error, f.Severity);
        Assert.Equal("Db", f.Application);
        Assert.Equal($"Applications[1].{property}", f.Field);
    }

    [Fact]
    public void No_recovery_points_and_no_file_sets_is_an_error()
    {
        var p = Valid();
        p.Applications[0].RecoveryPoints.Clear();
        Assert.Equal(PolicySeverity.Error, Single(p, PolicyRules.RecoveryPointsDefined).Severity);
        p.Applications[0].FileSets.Add(new FileSetPolicy { Name = "data", Paths = { "/data" } });
        Assert.DoesNotContain(Findings(p), f => f.Rule == PolicyRules.RecoveryPointsDefined);
    }

    [Fact]
    public void Hourly_backups_cannot_meet_a_30_minute_rpo()
    {
        var p = Valid(Ec2("Vendor Assistance Management", frequency: "1h", rpo: "30m"));
        var f = Single(p, PolicyRules.FrequencyMeetsRpo);
        Assert.Equal(PolicySeverity.Error, f.Severity);
        Assert.Equal("Vendor Assistance Management", f.Application);
        Assert.Equal("Applications[0].Frequency", f.Field);
        Assert.Contains("every 1h but its RPO is 30m", f.Message);
        Assert.Contains("Frequency = '30m'", f.Suggestion);
    }

    [Fact]
    public void Frequency_equal_to_the_rpo_meets_it()
    {
        Assert.DoesNotContain(Findings(Valid(Ec2("A", frequency: "30m", rpo: "30m"))), f => f.Rule == PolicyRules.FrequencyMeetsRpo);
    }

    [Fact]
    public void A_file_set_slower_than_the_rpo_is_an_error_on_the_file_set()
    {
        var app = Ec2("Agent payment", frequency: "30m", rpo: "30m");
        app.FileSets.Add(new FileSetPolicy { Name = "ledger", Paths = { "/var/lib/agentpay/ledger" }, Frequency = TimeSpan.FromMinutes(45) });
        var f = Single(Valid(app), PolicyRules.FrequencyMeetsRpo);
        Assert.Equal("Applications[0].FileSets[0].Frequency", f.Field);
        Assert.Contains("ledger", f.Message);
    }

    [Fact]
    public void An_application_protected_only_by_aws_backup_is_checked_on_the_backup_plan_schedule()
    {
        var app = Rds("Db");
        app.RecoveryPoints.Remove(RecoveryPointKindRequest.RdsSnapshot);
        var f = Single(Valid(app), PolicyRules.FrequencyMeetsRpo);
        Assert.Equal("Applications[0].BackupPlanFrequency", f.Field);
        Assert.Contains("only by an AWS Backup rule every 12h", f.Message);
    }

    [Fact]
    public void Retention_shorter_than_the_rpo_is_an_error()
    {
        var f = Single(Valid(Ec2("A", frequency: "15m", rpo: "2h", retention: "1h")), PolicyRules.RetentionCoversRpo);
        Assert.Equal(PolicySeverity.Error, f.Severity);
        Assert.Equal("Applications[0].Retention", f.Field);
    }

    [Fact]
    public void Retention_shorter_than_one_interval_is_an_error()
    {
        var p = Valid(Ec2("A", frequency: "2h", rpo: "2h", retention: "3h"));
        Assert.DoesNotContain(Findings(p), f => f.Rule == PolicyRules.RetentionCoversInterval);
        p.Applications[0].Retention = TimeSpan.FromMinutes(90);
        p.Applications[0].Rpo = TimeSpan.FromMinutes(90);
        p.Applications[0].Frequency = TimeSpan.FromHours(2);
        var f = Single(p, PolicyRules.RetentionCoversInterval);
        Assert.Contains("no recovery point at all", f.Message);
    }

    [Fact]
    public void Aws_backup_cannot_run_more_often_than_hourly()
    {
        var app = Rds("Db");
        app.Frequency = TimeSpan.FromMinutes(45);
        app.BackupPlanFrequency = null; // the rule would inherit 45m
        var f = Single(Valid(app), PolicyRules.AwsBackupMinimumFrequency);
        Assert.Equal(PolicySeverity.Error, f.Severity);
        Assert.Equal("Applications[0].Frequency", f.Field);
        Assert.Contains("60 minutes", f.Message);

        app.BackupPlanFrequency = TimeSpan.FromHours(1); // own schedule for the AWS Backup rule
        Assert.DoesNotContain(Findings(Valid(app)), x => x.Rule == PolicyRules.AwsBackupMinimumFrequency);
    }

    [Fact]
    public void Aws_backup_keeps_recovery_points_at_least_a_day()
    {
        var app = Rds("Db");
        app.BackupPlanRetention = null; // inherits 12h
        var f = Single(Valid(app), PolicyRules.AwsBackupMinimumRetention);
        Assert.Equal("Applications[0].Retention", f.Field);
        Assert.Contains("BackupPlanRetention = '1d'", f.Suggestion);
        Assert.Contains("Remove-FinExpiredBackup", f.Suggestion);
    }

    [Fact]
    public void Aws_backup_limits_do_not_apply_without_a_backup_plan()
    {
        var p = Valid(Ec2("A", frequency: "15m", rpo: "30m", retention: "12h"));
        Assert.DoesNotContain(Findings(p), f => f.Rule is PolicyRules.AwsBackupMinimumFrequency or PolicyRules.AwsBackupMinimumRetention);
    }

    [Fact]
    public void Copying_to_dr_without_a_dr_kms_key_is_an_error()
    {
        var p = Valid();
        p.KmsKeys.Remove("us-west-2");
        var f = Single(p, PolicyRules.DrKmsKeyDefined);
        Assert.Equal(PolicySeverity.Error, f.Severity);
        Assert.Null(f.Application);
        Assert.Contains("us-west-2", f.Message);

        foreach (var a in p.Applications) a.CopyToDrRegion = false;
        Assert.DoesNotContain(Findings(p), x => x.Rule == PolicyRules.DrKmsKeyDefined);
    }

    [Fact]
    public void Copying_file_sets_to_dr_needs_a_dr_bucket()
    {
        var p = Valid();
        p.Buckets.Remove("us-west-2");
        Assert.DoesNotContain(Findings(p), f => f.Rule == PolicyRules.DrBucketDefined); // no file sets yet
        p.Applications[0].FileSets.Add(new FileSetPolicy { Name = "cfg", Paths = { "/etc/app" } });
        Assert.Equal(PolicySeverity.Error, Single(p, PolicyRules.DrBucketDefined).Severity);
    }

    [Fact]
    public void File_sets_need_a_primary_bucket_and_everything_needs_a_primary_key()
    {
        var p = Valid();
        p.Buckets.Clear();
        p.KmsKeys.Remove("us-east-1");
        p.Applications[0].FileSets.Add(new FileSetPolicy { Name = "cfg", Paths = { "/etc/app" } });
        Assert.Equal(PolicySeverity.Error, Single(p, PolicyRules.PrimaryBucketDefined).Severity);
        Assert.Equal(PolicySeverity.Error, Single(p, PolicyRules.PrimaryKmsKeyDefined).Severity);
    }

    [Fact]
    public void A_backup_plan_needs_a_vault()
    {
        var p = Valid();
        p.BackupVaultName = null;
        Assert.Contains("'Db'", Single(p, PolicyRules.BackupVaultDefined).Message);
    }

    [Fact]
    public void Dr_copies_need_a_dr_region_different_from_the_primary()
    {
        var p = Valid();
        p.DrRegion = null;
        Assert.Equal(PolicySeverity.Error, Single(p, PolicyRules.DrRegionDefined).Severity);
        p.DrRegion = "us-east-1";
        Assert.Contains("is the primary region", Single(p, PolicyRules.DrRegionDefined).Message);
    }

    [Fact]
    public void More_concurrent_ebs_copies_than_the_quota_is_a_warning()
    {
        var apps = Enumerable.Range(1, 6).Select(i => Ec2("App" + i)).ToArray();
        foreach (var a in apps) a.RecoveryPoints.Add(RecoveryPointKindRequest.Ami); // 6 apps x 2 volumes x (set + AMI) = 24
        var p = Valid(apps);
        var f = Single(p, PolicyRules.EbsCopyConcurrency);
        Assert.Equal(PolicySeverity.Warning, f.Severity);
        Assert.Contains("24 EBS snapshot copies", f.Message);
        Assert.Contains("quota of 20", f.Message);

        p.Quotas.ConcurrentSnapshotCopiesPerRegion = 50; // an account with an increase
        Assert.DoesNotContain(Findings(p), x => x.Rule == PolicyRules.EbsCopyConcurrency);
    }

    [Fact]
    public void Undeclared_volume_counts_are_noted_not_guessed()
    {
        var app = Ec2("A");
        app.DeclaredVolumes = null;
        var f = Single(Valid(app), PolicyRules.EbsCopyConcurrency);
        Assert.Equal(PolicySeverity.Info, f.Severity);
        Assert.Contains("DeclaredVolumes", f.Message);
    }

    [Theory]
    [InlineData("5m", false, true)]    // 30m / 5m = 6 pending > 5
    [InlineData("6m", false, false)]   // 5 pending
    [InlineData("10m", true, true)]    // set + AMI: 2 x 3 = 6
    [InlineData("15m", true, false)]   // 2 x 2 = 4
    public void Pending_snapshots_per_volume_stay_under_five(string frequency, bool ami, bool expectError)
    {
        var app = Ec2("A", frequency: frequency, rpo: "1h");
        if (ami) app.RecoveryPoints.Add(RecoveryPointKindRequest.Ami);
        var found = Findings(Valid(app)).Where(f => f.Rule == PolicyRules.PendingSnapshotsPerVolume).ToList();
        Assert.Equal(expectError, found.Count == 1);
        if (expectError)
        {
            Assert.Equal(PolicySeverity.Error, found[0].Severity);
            Assert.Contains("30m (assumed", found[0].Message);
        }
    }

    [Fact]
    public void The_brief_as_written_exceeds_the_manual_rds_snapshot_quota_in_both_regions()
    {
        // 3 databases: hourly RdsSnapshot kept 12h (13 each) plus an hourly AWS Backup rule at its 1-day minimum (25 each).
        var apps = new[] { "Cross-sell", "Inventory Management System", "Agent payment" }.Select(n =>
        {
            var a = Rds(n);
            a.BackupPlanFrequency = null;
            a.BackupPlanRetention = TimeSpan.FromDays(1);
            return a;
        }).ToArray();
        var quota = Findings(Valid(apps)).Where(f => f.Rule == PolicyRules.ManualRdsSnapshotQuota).ToList();
        Assert.Equal(2, quota.Count);
        Assert.All(quota, f => Assert.Equal(PolicySeverity.Error, f.Severity));
        Assert.Contains("114 manual RDS snapshots kept at once in us-east-1", quota[0].Message);
        Assert.Contains("114 manual RDS snapshots kept at once in us-west-2", quota[1].Message);

        foreach (var a in apps) a.CopyToDrRegion = false; // copies count in the DR region only
        Assert.Single(Findings(Valid(apps)), f => f.Rule == PolicyRules.ManualRdsSnapshotQuota);
    }

    [Fact]
    public void Close_to_the_rds_quota_is_a_warning()
    {
        var apps = Enumerable.Range(1, 3).Select(i => Rds("Db" + i)).ToArray();
        foreach (var a in apps) a.Retention = TimeSpan.FromHours(24); // 25 + 3 = 28 each, 84 in all
        var f = Findings(Valid(apps)).First(x => x.Rule == PolicyRules.ManualRdsSnapshotQuota);
        Assert.Equal(PolicySeverity.Warning, f.Severity);
        Assert.Contains("84 manual RDS snapshots", f.Message);
    }

    [Fact]
    public void A_dr_copy_slower_than_the_rpo_is_a_warning_that_states_its_assumptions()
    {
        var app = Ec2("Big");
        app.DeclaredDataGiB = 100_000; // 1000 GiB change per hour at 1 %/h; 10240 s at 100 MiB/s
        var f = Single(Valid(app), PolicyRules.DrCopyFitsRpo);
        Assert.Equal(PolicySeverity.Warning, f.Severity);
        Assert.Contains("2h50m40s", f.Message);
        Assert.Contains("assuming 1% of the declared 100000 GiB changes per hour and copies run at 100 MiB/s", f.Message);

        var p = Valid(app);
        p.Assumptions.CopyThroughputMiBps = 1000; // 17m4s: inside the RPO, but interval + copy is not
        var g = Single(p, PolicyRules.DrCopyFitsRpo);
        Assert.Equal(PolicySeverity.Info, g.Severity);
        Assert.Contains("up to 1h17m4s could be lost", g.Message);
    }

    [Fact]
    public void A_dr_copy_that_fits_between_backups_and_the_rpo_gives_no_finding()
    {
        var app = Ec2("Small", frequency: "30m", rpo: "1h");
        Assert.DoesNotContain(Findings(Valid(app)), f => f.Rule == PolicyRules.DrCopyFitsRpo);
        app.DeclaredDataGiB = null;
        Assert.Equal(PolicySeverity.Info, Single(Valid(app), PolicyRules.DrCopyFitsRpo).Severity);
    }

    [Fact]
    public void No_restore_approvers_is_a_warning()
    {
        var p = Valid();
        p.Applications[0].RestoreApprovers.Clear();
        Assert.Equal(PolicySeverity.Warning, Single(p, PolicyRules.RestoreApproversDefined).Severity);
    }

    [Fact]
    public void Findings_carry_the_location_of_the_field_or_of_its_application()
    {
        var p = Valid(Ec2("A", frequency: "1h", rpo: "30m"));
        p.Applications[0].Rto = null;
        p.Locations["Applications[0]"] = "x.psd1 line 20";
        p.Locations["Applications[0].Frequency"] = "x.psd1 line 23";
        Assert.Equal("x.psd1 line 23", Single(p, PolicyRules.FrequencyMeetsRpo).Location);
        Assert.Equal("x.psd1 line 20", Single(p, PolicyRules.RtoDefined).Location); // Rto is missing: the application's line
    }
}
