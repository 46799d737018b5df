using FinBackup.Domain;
using FinBackup.Domain.Audit;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.Recovery.Failover;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;

namespace FinBackup.Tests.Audit;

/// <summary>The restore, failover and drill records (issue 11): what each carries, and what is not recorded.</summary>
public sealed class LifecycleAuditTests
{
    private static AuditTrail Trail(out InMemoryAuditRecordStore store)
    {
        store = new InMemoryAuditRecordStore();
        var location = new AuditLogLocation { Bucket = "fin-backup-use1", Region = "us-east-1", PolicyName = "finco", KmsKeyId = "alias/fin-backup" };
        var log = new ChainedAuditLog(store, location) { Sleep = (_, _) => { }, RetryDelay = TimeSpan.Zero };
        return new AuditTrail(log, "finco", "arn:aws:iam::123456789012:user/ops", "run-1");
    }

    [Fact]
    public void A_plan_restore_is_recorded_planned_approved_started_and_completed_with_its_approval()
    {
        var trail = Trail(out _);
        var plan = new RestorePlan { PlanId = "plan-1", Application = "Agent payment", Region = "us-east-1", RequestedBy = "arn:req", ContentHash = "abc",
            Items = { new RestorePlanItem { RecoveryPointId = "snap-1" }, new RestorePlanItem { RecoveryPointId = "snap-2" } } };
        var approval = new RestoreApproval { PlanId = "plan-1", PlanHash = "abc", Approver = "arn:appr", ApprovedAt = DateTime.UtcNow, ValidUntil = DateTime.UtcNow.AddHours(1) };
        var context = RestoreApprovalContext.Of(plan, new RestoreGateResult { Approval = approval });
        RestoreAudit.Planned(trail, plan);
        RestoreAudit.Approved(trail, plan, approval);
        RestoreAudit.Started(trail, "restore-1", RecoveryPointKind.EbsSnapshotSet, "snap-1", "Agent payment", "us-east-1", context, "vol (us-east-1a)");
        RestoreAudit.Completed(trail, new FinRestoreResult { RestoreId = "restore-1", Kind = RecoveryPointKind.EbsSnapshotSet, SourceRecoveryPointId = "snap-1",
            Application = "Agent payment", Region = "us-east-1", Status = RestoreStatus.Available, ResourceIds = new[] { "vol-1", "vol-2" },
            Duration = TimeSpan.FromSeconds(90), TargetRto = TimeSpan.FromHours(2), RtoMet = true }, context);

        var r = trail.Recorded;
        Assert.Equal(new[] { "Restore.Planned", "Restore.Approved", "Restore.Started", "Restore.Completed" }, r.Select(e => e.Action));
        Assert.Equal("snap-1,snap-2", r[0].Details["recoveryPoints"]);
        Assert.Equal("arn:appr", r[1].Details[AuditDetailKeys.ApprovedBy]);
        Assert.Equal("Approved", r[2].Details[AuditDetailKeys.Approval]);
        Assert.Equal("plan-1", r[2].Details[AuditDetailKeys.PlanId]);
        Assert.Equal("arn:appr", r[3].Details[AuditDetailKeys.ApprovedBy]);
        Assert.Equal("PT1M30S", r[3].Details[AuditDetailKeys.Duration]);
        Assert.Equal("vol-1,vol-2", r[3].Details["resourceIds"]);
        Assert.Equal("true", r[3].Details["rtoMet"]);
        Assert.All(r, e => Assert.Equal(AuditResults.Succeeded, e.Result));
    }

    [Fact]
    public void A_refused_restore_says_Missing_with_the_refusal_id_and_a_failed_one_says_Failed_with_its_error()
    {
        var trail = Trail(out _);
        RestoreAudit.Refused(trail, AuditActions.RestoreStarted, "snap-1", "Agent payment", "us-east-1",
            new FinBackupException("FinRestoreApprovalRequired", FinErrorKind.PermissionDenied, "needs a plan", "make one"), kind: RecoveryPointKind.Ami);
        RestoreAudit.Completed(trail, new FinRestoreResult { RestoreId = "restore-2", SourceRecoveryPointId = "ami-1", Status = RestoreStatus.Failed }, null, "FinRestoreFailed");
        var refused = trail.Recorded[0];
        Assert.Equal(AuditResults.Refused, refused.Result);
        Assert.Equal("FinRestoreApprovalRequired", refused.ErrorId);
        Assert.Equal(RestoreApprovalContext.Missing, refused.Details[AuditDetailKeys.Approval]);
        Assert.Equal("needs a plan", refused.Details["reason"]);
        var failed = trail.Recorded[1];
        Assert.Equal(AuditResults.Failed, failed.Result);
        Assert.Equal("FinRestoreFailed", failed.ErrorId);
        Assert.Equal(RestoreApprovalContext.NotRequired, failed.Details[AuditDetailKeys.Approval]);
    }

    [Fact]
    public void A_failover_records_each_step_that_ran_and_passes_every_step_on_to_progress()
    {
        var trail = Trail(out var store);
        var seen = new List<string>();
        var onStep = FailoverAudit.Recording(trail, () => "failover-cross-sell-us-west-2", "Cross-sell", "us-west-2", false, (s, n) => seen.Add(s.Outcome));
        onStep(new FinFailoverStep { Order = 1, Name = "Network", Tier = "Network", Outcome = "Pending" }, 3);
        onStep(new FinFailoverStep { Order = 1, Name = "Network", Tier = "Network", Outcome = "Succeeded", Created = 1, Resources = "vpc-1", Duration = TimeSpan.FromSeconds(2) }, 3);
        onStep(new FinFailoverStep { Order = 2, Name = "WAF", Tier = "Waf", Outcome = "Skipped" }, 3);
        onStep(new FinFailoverStep { Order = 3, Name = "Database", Tier = "Database", Outcome = "Failed", Error = "DBSnapshotNotFound" }, 3);

        Assert.Equal(new[] { "Pending", "Succeeded", "Skipped", "Failed" }, seen);
        Assert.Equal(2, trail.Recorded.Count);
        Assert.Equal(2, store.Objects.Keys.Count(k => k.Contains("/records/")));
        var ok = trail.Recorded[0];
        Assert.Equal(AuditActions.FailoverStep, ok.Action);
        Assert.Equal("failover-cross-sell-us-west-2/1 Network", ok.Target);
        Assert.Equal("vpc-1", ok.Details["resources"]);
        Assert.Equal("failover-cross-sell-us-west-2", ok.Details["failoverId"]);
        Assert.Equal(AuditResults.Failed, trail.Recorded[1].Result);
        Assert.Equal("DBSnapshotNotFound", trail.Recorded[1].Details["error"]);
    }

    [Fact]
    public void A_drill_is_recorded_with_its_measured_RTO_and_outcome()
    {
        var trail = Trail(out _);
        FailoverAudit.Drill(trail, new RecoveryDrillRecord { DrillId = "drill-1", Application = "Cross-sell", Region = "us-west-2", Outcome = "Succeeded",
            MeasuredRto = TimeSpan.FromMinutes(52), TargetRto = TimeSpan.FromHours(2), TornDown = true, Location = "s3://b/fin-drills/x.json" });
        FailoverAudit.Drill(trail, new RecoveryDrillRecord { DrillId = "drill-2", Application = "Cross-sell", Region = "us-west-2", Outcome = "Failed", Error = "boom" });
        Assert.Equal("PT52M", trail.Recorded[0].Details["measuredRto"]);
        Assert.Equal("true", trail.Recorded[0].Details["tornDown"]);
        Assert.Equal(AuditResults.Succeeded, trail.Recorded[0].Result);
        Assert.Equal(AuditResults.Failed, trail.Recorded[1].Result);
        Assert.Equal("drill-2", trail.Recorded[1].Target);
    }
}
