using FinBackup.Domain.Audit;
using FinBackup.Domain.Compliance;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.RecoveryPoints;
using static FinBackup.Tests.Compliance.ComplianceHistory;

namespace FinBackup.Tests.Compliance;

/// <summary>Each control over a history that passes it and one that fails it (fake clock, in-memory evidence).</summary>
public sealed class ComplianceControlTests
{
    // ----- LastRecoveryPointCreated -----

    [Fact]
    public void LastRecoveryPointCreated_passes_with_fresh_points_in_both_regions()
    {
        var h = new ComplianceHistory();
        h.Hourly(Now.AddHours(-11).AddMinutes(-20));
        var primary = h.Run(new LastRecoveryPointCreatedControl(), Primary);
        var dr = h.Run(new LastRecoveryPointCreatedControl(), Dr);
        Assert.Equal(ComplianceStatus.Compliant, primary.Status);
        Assert.Equal("20m", primary.Measured);
        Assert.Equal("1h", primary.Target);
        Assert.Equal(ComplianceStatus.Compliant, dr.Status);
        Assert.Equal("10m", dr.Measured);
        Assert.Contains("2026-12-01T11:40:00Z", primary.Evidence);
    }

    [Fact]
    public void LastRecoveryPointCreated_fails_in_the_DR_region_alone_when_copies_stopped()
    {
        var h = new ComplianceHistory();
        var points = h.Hourly(Now.AddHours(-5).AddMinutes(-20), copies: false);
        var lastCopy = h.CopyOf(points[1], TimeSpan.FromMinutes(10)); // copied 4h10m ago, nothing since
        var primary = h.Run(new LastRecoveryPointCreatedControl(), Primary);
        var dr = h.Run(new LastRecoveryPointCreatedControl(), Dr);
        Assert.Equal(ComplianceStatus.Compliant, primary.Status);
        Assert.Equal(ComplianceStatus.NonCompliant, dr.Status);
        Assert.Equal("4h10m", dr.Measured);
        Assert.Contains(lastCopy.RecoveryPointId, dr.PointIds);
        Assert.Contains("Copy-FinBackupToRegion", dr.Advice);
    }

    [Fact]
    public void LastRecoveryPointCreated_fails_when_a_kind_the_policy_asks_for_has_no_point()
    {
        var h = new ComplianceHistory(RecoveryPointKindRequest.EbsSnapshotSet, RecoveryPointKindRequest.RdsSnapshot);
        h.Hourly(Now.AddHours(-2));
        var primary = h.Run(new LastRecoveryPointCreatedControl(), Primary);
        Assert.Equal(ComplianceStatus.NonCompliant, primary.Status);
        Assert.Equal("0s, no RdsSnapshot", primary.Measured); // the snapshot sets are fresh; the databases have nothing
    }

    // ----- AchievedRpo -----

    [Fact]
    public void AchievedRpo_passes_over_24h_when_the_expired_half_is_in_the_audit_trail()
    {
        var h = new ComplianceHistory();
        for (var t = Now.AddHours(-25); t < Now.AddHours(-11); t = t.AddHours(1)) h.Expired(t);
        h.Hourly(Now.AddHours(-11), copies: false);
        var f = h.Run(new AchievedRpoControl(), Primary);
        Assert.Equal(ComplianceStatus.Compliant, f.Status);
        Assert.Equal("1h", f.Measured);
    }

    [Fact]
    public void AchievedRpo_fails_on_a_missed_window_that_only_the_audit_trail_shows_and_is_Unknown_without_the_trail()
    {
        var h = new ComplianceHistory();
        for (var t = Now.AddHours(-25); t < Now.AddHours(-11); t = t.AddHours(1))
        {
            if (t == Now.AddHours(-18)) continue; // the 18:00 window was missed (yesterday), long since expired
            h.Expired(t);
        }
        h.Hourly(Now.AddHours(-11), copies: false);
        var f = h.Run(new AchievedRpoControl(), Primary);
        Assert.Equal(ComplianceStatus.NonCompliant, f.Status);
        Assert.Equal("2h", f.Measured);
        Assert.Contains("from fin-set-old-", f.Evidence);
        Assert.Contains("(deleted) 2026-11-30T17:00:00Z", f.Evidence);
        Assert.Contains("(deleted) 2026-11-30T19:00:00Z", f.Evidence);

        h.Evidence.AuditEvents = null;
        h.Evidence.AuditUnavailable = "this FinBackup build has no adapter for it yet";
        var unknown = h.Run(new AchievedRpoControl(), Primary);
        Assert.Equal(ComplianceStatus.Unknown, unknown.Status);
        Assert.StartsWith(">= 1h", unknown.Measured);
        Assert.Contains("audit log", unknown.Advice);
    }

    // ----- RecoveryPointEncrypted -----

    [Fact]
    public void RecoveryPointEncrypted_passes_when_every_point_and_copy_has_its_regions_key()
    {
        var h = new ComplianceHistory();
        h.Hourly(Now.AddHours(-5));
        Assert.Equal(ComplianceStatus.Compliant, h.Run(new RecoveryPointEncryptedControl(), Primary).Status);
        var dr = h.Run(new RecoveryPointEncryptedControl(), Dr);
        Assert.Equal(ComplianceStatus.Compliant, dr.Status);
        Assert.Contains(KeyArnDr, dr.Evidence);
    }

    [Fact]
    public void RecoveryPointEncrypted_fails_on_an_unencrypted_point_and_a_copy_under_another_key()
    {
        var h = new ComplianceHistory();
        var points = h.Hourly(Now.AddHours(-5));
        points[2].Encrypted = false;
        points[2].KmsKeyId = null;
        var badCopy = h.CopyOf(points[3], TimeSpan.FromMinutes(20));
        badCopy.KmsKeyId = KeyArnPrimary; // re-encrypted with the primary region's key: unusable in the DR region
        var primary = h.Run(new RecoveryPointEncryptedControl(), Primary);
        var dr = h.Run(new RecoveryPointEncryptedControl(), Dr);
        Assert.Equal(ComplianceStatus.NonCompliant, primary.Status);
        Assert.Equal(points[2].RecoveryPointId, primary.PointIds);
        Assert.StartsWith("1 unencrypted, 0 other key", primary.Measured);
        Assert.Equal(ComplianceStatus.NonCompliant, dr.Status);
        Assert.Contains(badCopy.RecoveryPointId, dr.PointIds);
    }

    [Fact]
    public void Key_matching_compares_ARNs_and_key_ids_and_cannot_tell_an_unresolved_alias()
    {
        Assert.True(RecoveryPointEncryptedControl.KeyMatches(KeyArnPrimary, "alias/fin-backup", KeyArnPrimary));
        Assert.True(RecoveryPointEncryptedControl.KeyMatches("11111111-aaaa", "alias/fin-backup", KeyArnPrimary));
        Assert.False(RecoveryPointEncryptedControl.KeyMatches(KeyArnDr, "alias/fin-backup", KeyArnPrimary));
        Assert.Null(RecoveryPointEncryptedControl.KeyMatches(KeyArnDr, "alias/fin-backup", null));
    }

    // ----- CrossRegionCopy -----

    [Fact]
    public void CrossRegionCopy_passes_when_every_due_point_was_copied_within_the_RPO()
    {
        var h = new ComplianceHistory();
        h.Hourly(Now.AddHours(-6));
        var f = h.Run(new CrossRegionCopyControl(), Dr);
        Assert.Equal(ComplianceStatus.Compliant, f.Status);
        Assert.Equal("5 of 5 copied in time, slowest 10m", f.Measured); // the two newest (1h and 0h old) are not due yet
    }

    [Fact]
    public void CrossRegionCopy_fails_on_a_missing_and_a_late_copy()
    {
        var h = new ComplianceHistory();
        var points = h.Hourly(Now.AddHours(-6), copies: false);
        foreach (var p in points.Take(4)) h.CopyOf(p, TimeSpan.FromMinutes(10));
        h.Evidence.Points.RemoveAll(c => c.SourceRecoveryPointId == points[1].RecoveryPointId);
        h.CopyOf(points[4], TimeSpan.FromMinutes(95));
        var f = h.Run(new CrossRegionCopyControl(), Dr);
        Assert.Equal(ComplianceStatus.NonCompliant, f.Status);
        Assert.Equal("3 of 5 copied in time, slowest 1h35m", f.Measured);
        Assert.Contains($"{points[1].RecoveryPointId} (EbsSnapshotSet, created 2026-12-01T07:00:00Z): no copy in us-west-2", f.Evidence);
        Assert.Contains("1h35m later", f.Evidence);
        Assert.StartsWith(points[1].RecoveryPointId + ", " + points[4].RecoveryPointId, f.PointIds);
    }

    // ----- MinimumRetention -----

    [Fact]
    public void MinimumRetention_passes_when_every_deletion_came_at_expiry()
    {
        var h = new ComplianceHistory();
        h.Hourly(Now.AddHours(-11), copies: false);
        for (var t = Now.AddHours(-30); t < Now.AddHours(-12); t = t.AddHours(1)) h.Expired(t);
        var f = h.Run(new MinimumRetentionControl(), Primary);
        Assert.Equal(ComplianceStatus.Compliant, f.Status);
        Assert.Contains("deletion(s) recorded in the period, 0 early", f.Evidence);
    }

    [Fact]
    public void MinimumRetention_fails_on_a_deletion_before_expiry_and_on_a_legal_hold_deleted()
    {
        var h = new ComplianceHistory();
        h.Hourly(Now.AddHours(-11), copies: false);
        var early = h.Expired(Now.AddHours(-14), deletedAt: Now.AddHours(-5), reason: "Manual");  // deleted 3h before its expiry
        var held = h.Expired(Now.AddHours(-20), legalHold: true);
        var f = h.Run(new MinimumRetentionControl(), Primary);
        Assert.Equal(ComplianceStatus.NonCompliant, f.Status);
        Assert.Equal("2 early deletion(s), 0 point(s) kept too briefly", f.Measured);
        Assert.Contains(early.Target, f.PointIds);
        Assert.Contains(held.Target, f.PointIds);
        Assert.Contains("3h before its expiry", f.Evidence);
        Assert.Contains("reason Manual", f.Evidence);
    }

    [Fact]
    public void MinimumRetention_fails_on_a_point_tagged_to_expire_too_soon_even_without_the_trail()
    {
        var h = new ComplianceHistory();
        var points = h.Hourly(Now.AddHours(-3), copies: false);
        points[0].ExpiresAt = points[0].CreatedAt.AddHours(6);
        h.Evidence.AuditEvents = null;
        var f = h.Run(new MinimumRetentionControl(), Primary);
        Assert.Equal(ComplianceStatus.NonCompliant, f.Status);
        Assert.Equal(points[0].RecoveryPointId, f.PointIds);

        points[0].ExpiresAt = points[0].CreatedAt.AddHours(12);
        Assert.Equal(ComplianceStatus.Unknown, h.Run(new MinimumRetentionControl(), Primary).Status);
    }

    // ----- MaximumRetention -----

    [Fact]
    public void MaximumRetention_passes_with_points_inside_expiry_plus_grace_and_a_legal_hold()
    {
        var h = new ComplianceHistory();
        var points = h.Hourly(Now.AddHours(-12).AddMinutes(-30), copies: false); // the oldest expired 30m ago: within the 1h grace
        var hold = h.Point(Now.AddDays(-10));
        hold.LegalHold = true;
        var f = h.Run(new MaximumRetentionControl(), Primary);
        Assert.Equal(ComplianceStatus.Compliant, f.Status);
        Assert.Contains($"{hold.RecoveryPointId} (EbsSnapshotSet) kept under legal hold", f.Evidence);
        Assert.Equal(13, points.Count);
    }

    [Fact]
    public void MaximumRetention_fails_on_a_point_kept_hours_past_expiry_and_one_without_expiry()
    {
        var h = new ComplianceHistory();
        h.Hourly(Now.AddHours(-11), copies: false);
        var stale = h.Point(Now.AddHours(-17)); // expired 5h ago
        var forever = h.Point(Now.AddHours(-2), resource: "i-0bbb");
        forever.ExpiresAt = null;
        h.Point(Now.AddHours(-1), resource: "i-0bbb");
        var f = h.Run(new MaximumRetentionControl(), Primary);
        Assert.Equal(ComplianceStatus.NonCompliant, f.Status);
        Assert.Equal("2 kept past expiry", f.Measured);
        Assert.Contains(stale.RecoveryPointId, f.PointIds);
        Assert.Contains(forever.RecoveryPointId, f.PointIds);
        Assert.Contains("expired 2026-12-01T07:00:00Z, 5h ago", f.Evidence);
    }

    [Fact]
    public void MaximumRetention_does_not_count_the_newest_point_kept_past_expiry_on_purpose()
    {
        var h = new ComplianceHistory();
        var only = h.Point(Now.AddHours(-20));
        var f = h.Run(new MaximumRetentionControl(), Primary);
        Assert.Equal(ComplianceStatus.Compliant, f.Status);
        Assert.Contains(only.RecoveryPointId + " (EbsSnapshotSet) expired", f.Evidence);
        Assert.Contains("kept on purpose", f.Evidence);
    }

    // ----- VaultLock -----

    [Fact]
    public void VaultLock_passes_on_locked_vaults_and_fails_on_an_unlocked_one()
    {
        var h = new ComplianceHistory(RecoveryPointKindRequest.EbsSnapshotSet, RecoveryPointKindRequest.BackupPlan);
        h.Evidence.Vaults[Primary] = new VaultLockState { VaultName = "fin-backup-vault", Exists = true, Locked = true, MinRetentionDays = 1 };
        h.Evidence.Vaults[Dr] = new VaultLockState { VaultName = "fin-backup-vault", Exists = true, Locked = false };
        var primary = h.Run(new VaultLockControl(), Primary);
        var dr = h.Run(new VaultLockControl(), Dr);
        Assert.Equal(ComplianceStatus.Compliant, primary.Status);
        Assert.Equal("locked (min 1 d)", primary.Measured);
        Assert.Equal(ComplianceStatus.NonCompliant, dr.Status);
        Assert.Equal("not locked", dr.Measured);
        Assert.Contains("Set-FinBackupPlan", dr.Advice);
    }

    [Fact]
    public void VaultLock_is_Unknown_when_the_vault_cannot_be_read_and_not_applicable_without_AWS_Backup()
    {
        var h = new ComplianceHistory(RecoveryPointKindRequest.EbsSnapshotSet, RecoveryPointKindRequest.BackupPlan);
        h.Evidence.VaultUnavailable[Primary] = "AccessDenied";
        Assert.Equal(ComplianceStatus.Unknown, h.Run(new VaultLockControl(), Primary).Status);
        Assert.Equal(ComplianceStatus.NonCompliant, h.Run(new VaultLockControl(), Dr).Status); // nothing known there: missing vault

        var plain = new ComplianceHistory();
        Assert.All(plain.Run(new VaultLockControl()), f => Assert.Equal("not applicable", f.Target));
    }

    // ----- ObjectLock -----

    [Fact]
    public void ObjectLock_passes_with_Object_Lock_on_the_backup_bucket_and_fails_without()
    {
        var h = new ComplianceHistory(RecoveryPointKindRequest.EbsSnapshotSet, RecoveryPointKindRequest.FileBackup);
        h.Evidence.Buckets[Primary] = new BucketLockState { Bucket = "fin-backup-use1", ObjectLockEnabled = true, Mode = "COMPLIANCE" };
        h.Evidence.Buckets[Dr] = new BucketLockState { Bucket = "fin-backup-usw2", ObjectLockEnabled = false };
        var primary = h.Run(new ObjectLockControl(), Primary);
        var dr = h.Run(new ObjectLockControl(), Dr);
        Assert.Equal(ComplianceStatus.Compliant, primary.Status);
        Assert.Equal("enabled (COMPLIANCE)", primary.Measured);
        Assert.Equal(ComplianceStatus.NonCompliant, dr.Status);
        Assert.Contains("put-object-lock-configuration --bucket fin-backup-usw2", dr.Advice);
    }

    // ----- RestoreTimeMeetsTarget -----

    private static RecoveryDrillRecord Drill(DateTime started, TimeSpan rto, string outcome = "Succeeded") => new()
    {
        DrillId = "drill-" + started.ToString("HHmm"), Application = "Cross-sell", PolicyName = "finco", Region = Dr, StartedAt = started,
        CompletedAt = started + rto, Outcome = outcome, MeasuredRto = rto, TargetRto = TimeSpan.FromHours(2), RunBy = "arn:aws:iam::1:role/drill",
        PointsUsed = { new RecoveryDrillPoint { RecoveryPointId = "snap-set-dr-1", Kind = "EbsSnapshotSet", CreatedAt = started.AddMinutes(-20), Age = TimeSpan.FromMinutes(20) } },
    };

    [Fact]
    public void RestoreTimeMeetsTarget_judges_the_newest_drill()
    {
        var h = new ComplianceHistory();
        h.Evidence.Drills!.Add(Drill(Now.AddDays(-30), TimeSpan.FromHours(3)));
        h.Evidence.Drills!.Add(Drill(Now.AddDays(-2), TimeSpan.FromMinutes(95)));
        var pass = Assert.Single(h.Run(new RestoreTimeMeetsTargetControl()));
        Assert.Equal(ComplianceStatus.Compliant, pass.Status);
        Assert.Equal("1h35m", pass.Measured);
        Assert.Equal("2h", pass.Target);
        Assert.Equal("snap-set-dr-1", pass.PointIds);

        h.Evidence.Drills!.Add(Drill(Now.AddHours(-3), TimeSpan.FromMinutes(150)));
        var fail = Assert.Single(h.Run(new RestoreTimeMeetsTargetControl()));
        Assert.Equal(ComplianceStatus.NonCompliant, fail.Status);
        Assert.Equal("2h30m", fail.Measured);

        h.Evidence.Drills!.Add(Drill(Now.AddHours(-1), TimeSpan.FromMinutes(30), "Failed"));
        Assert.Equal(ComplianceStatus.NonCompliant, Assert.Single(h.Run(new RestoreTimeMeetsTargetControl())).Status);
    }

    [Fact]
    public void RestoreTimeMeetsTarget_is_Unknown_without_a_drill_and_advises_running_one()
    {
        var h = new ComplianceHistory();
        var f = Assert.Single(h.Run(new RestoreTimeMeetsTargetControl()));
        Assert.Equal(ComplianceStatus.Unknown, f.Status);
        Assert.Contains("Start-FinRecoveryDrill -Policy <policy> -Application 'Cross-sell'", f.Advice);

        h.Evidence.Drills = null;
        h.Evidence.DrillsUnavailable = "this FinBackup build has no adapter for it yet";
        var none = Assert.Single(h.Run(new RestoreTimeMeetsTargetControl()));
        Assert.Equal(ComplianceStatus.Unknown, none.Status);
        Assert.Contains("Start-FinRecoveryDrill", none.Advice);
    }

    // ----- RestoreApproved -----

    [Fact]
    public void RestoreApproved_passes_when_every_restore_carried_an_approval()
    {
        var h = new ComplianceHistory();
        h.App.RestoreApprovers.Add("fin-restore-approvers");
        h.Audit(AuditActions.RestoreStarted, Now.AddHours(-3), "snap-1", details: new[] { (AuditDetailKeys.Approval, "Approved"), (AuditDetailKeys.ApprovedBy, "arn:aws:iam::1:user/alice"), (AuditDetailKeys.RestoreId, "restore-1") });
        h.Audit(AuditActions.RestoreCompleted, Now.AddHours(-2), "snap-1", details: new[] { (AuditDetailKeys.Approval, "Approved"), (AuditDetailKeys.RestoreId, "restore-1") });
        h.Audit(AuditActions.RestoreStarted, Now.AddHours(-1), "snap-2", result: AuditResults.Refused, details: new[] { (AuditDetailKeys.Approval, "Missing") });
        // a restore whose start is before the period: its completion still counts, once
        h.Audit(AuditActions.RestoreCompleted, Now.AddMinutes(-30), "snap-3", details: new[] { (AuditDetailKeys.Approval, "Approved"), (AuditDetailKeys.RestoreId, "restore-3") });
        var f = Assert.Single(h.Run(new RestoreApprovedControl()));
        Assert.Equal(ComplianceStatus.Compliant, f.Status);
        Assert.Equal("2 of 2 approved", f.Measured);
        Assert.Contains("by arn:aws:iam::1:user/alice", f.Evidence);
    }

    [Fact]
    public void RestoreApproved_fails_on_a_restore_that_ran_without_approval()
    {
        var h = new ComplianceHistory();
        h.App.RestoreApprovers.Add("fin-restore-approvers");
        h.Audit(AuditActions.RestoreStarted, Now.AddHours(-3), "restore-1", details: new[] { (AuditDetailKeys.Approval, "Approved") });
        h.Audit(AuditActions.RestoreStarted, Now.AddHours(-2), "restore-9", details: new[] { (AuditDetailKeys.Approval, "NotRequired") });
        var f = Assert.Single(h.Run(new RestoreApprovedControl()));
        Assert.Equal(ComplianceStatus.NonCompliant, f.Status);
        Assert.Equal("1 of 2 approved", f.Measured);
        Assert.StartsWith("Restore.Started restore-9", f.Evidence);

        h.Evidence.AuditEvents = null;
        Assert.Equal(ComplianceStatus.Unknown, Assert.Single(h.Run(new RestoreApprovedControl())).Status);
    }

    // ----- all together -----

    [Fact]
    public void The_evaluator_emits_every_control_for_every_application_with_plain_values()
    {
        var h = new ComplianceHistory();
        h.Hourly(Now.AddHours(-11));
        var findings = new ComplianceEvaluator().Evaluate(h.Evidence, h.Policy.Applications);
        Assert.Equal(ComplianceControls.All, findings.Select(f => f.Control).Distinct());
        Assert.Equal(17, findings.Count); // 7 regional controls x 2 regions + 3 per application
        Assert.All(findings, f => Assert.Equal(Now, f.EvaluatedAt));
        Assert.All(typeof(FinComplianceFinding).GetProperties(), p =>
            Assert.True(p.PropertyType == typeof(string) || p.PropertyType == typeof(DateTime) || p.PropertyType.IsEnum, p.Name + " is " + p.PropertyType));
    }
}
