using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Audit;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Compliance
{
    /// <summary>
    /// RestoreTimeMeetsTarget: the newest recovery drill of the application (Start-FinRecoveryDrill's record) succeeded and its
    /// measured RTO is within the policy's RTO. No drill yet: Unknown, with the advice to run one.
    /// </summary>
    public sealed class RestoreTimeMeetsTargetControl : ComplianceControl
    {
        public override string Name => ComplianceControls.RestoreTimeMeetsTarget;

        public override IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence e)
        {
            var target = app.Rto is TimeSpan t ? Dur(t) : "no RTO in the policy";
            var run = $"Run Start-FinRecoveryDrill -Policy <policy> -Application '{app.Name}' (it records the measured RTO in the backup bucket).";
            if (e.Drills == null)
            {
                yield return Finding(e, app, e.Policy.DrRegion, ComplianceStatus.Unknown, "no drill record", target,
                    new[] { Unavailable("Drill records", e.DrillsUnavailable ?? "not available") }, null, (e.DrillsUnavailable ?? "The drill store is not available") + ". " + run);
                yield break;
            }
            var newest = e.Drills.Where(d => string.Equals(d.Application, app.Name, StringComparison.OrdinalIgnoreCase) && d.StartedAt <= e.To)
                .OrderByDescending(d => d.StartedAt).FirstOrDefault();
            if (newest == null)
            {
                yield return Finding(e, app, e.Policy.DrRegion, ComplianceStatus.Unknown, "no drill yet", target, new[] { $"no drill of '{app.Name}' recorded up to {Iso(e.To)}" }, null, run);
                yield break;
            }
            var items = new List<string>
            {
                $"drill {newest.DrillId} in {newest.Region} started {Iso(newest.StartedAt)}{(newest.CompletedAt is DateTime c ? ", completed " + Iso(c) : string.Empty)} by {newest.RunBy ?? "unknown"}: {newest.Outcome ?? "no outcome"}",
            };
            if (newest.MeasuredRto is TimeSpan m0) items.Add($"measured RTO {Dur(m0)}");
            if (newest.AchievedRpo is TimeSpan r0) items.Add($"achieved RPO {Dur(r0)}");
            items.AddRange((newest.PointsUsed ?? new List<Recovery.RecoveryDrillPoint>()).Select(p => $"used {p.RecoveryPointId} ({p.Kind}, created {Iso(p.CreatedAt)}, {Dur(p.Age)} old)"));
            items.AddRange((newest.Validations ?? new List<Recovery.RecoveryDrillCheck>()).Where(v => !v.Passed).Select(v => $"validation {v.Name} failed: {v.Detail}"));
            var pointIds = (newest.PointsUsed ?? new List<Recovery.RecoveryDrillPoint>()).Select(p => p.RecoveryPointId);
            var measured = newest.MeasuredRto is TimeSpan m ? Dur(m) : "not measured";
            if (!(app.Rto is TimeSpan rto))
            {
                yield return Finding(e, app, newest.Region, ComplianceStatus.Unknown, measured, target, items, pointIds, $"State Rto for '{app.Name}' in the policy.");
                yield break;
            }
            if (!string.Equals(newest.Outcome, "Succeeded", StringComparison.OrdinalIgnoreCase))
            {
                yield return Finding(e, app, newest.Region, ComplianceStatus.NonCompliant, measured + $" ({newest.Outcome ?? "no outcome"})", target, items, pointIds,
                    "The newest drill did not succeed: fix what its failed steps and validations name, then " + run);
                yield break;
            }
            if (newest.MeasuredRto == null)
            {
                yield return Finding(e, app, newest.Region, ComplianceStatus.Unknown, measured, target, items, pointIds, "The drill recorded no RTO. " + run);
                yield break;
            }
            var ok = newest.MeasuredRto.Value <= rto;
            yield return Finding(e, app, newest.Region, ok ? ComplianceStatus.Compliant : ComplianceStatus.NonCompliant, measured, target, items, pointIds,
                ok ? string.Empty : "The rebuild took longer than the RTO: Get-FinRtoEstimate shows the critical path; shorten it (pre-provisioned network, faster volume initialization) and drill again.");
        }
    }

    /// <summary>
    /// RestoreApproved: every restore that ran in [From, To] (audit records Restore.Started / Restore.Completed, not the
    /// refused ones) carried a valid approval (approval = "Approved") where the policy lists restore approvers.
    /// </summary>
    public sealed class RestoreApprovedControl : ComplianceControl
    {
        public override string Name => ComplianceControls.RestoreApproved;

        public override IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence e)
        {
            var required = app.RestoreApprovers != null && app.RestoreApprovers.Count > 0;
            var target = required ? "approved by one of " + string.Join(", ", app.RestoreApprovers) : "no approval required (no RestoreApprovers)";
            if (e.AuditEvents == null)
            {
                yield return Finding(e, app, null, ComplianceStatus.Unknown, "not measured", target,
                    new[] { Unavailable("The audit trail", e.AuditUnavailable ?? "not available") }, null,
                    "Restores and their approvals are known only from the audit trail. " + AuditAdvice(e));
                yield break;
            }
            var ran = e.AuditEvents.Where(a => (a.Action == AuditActions.RestoreStarted || a.Action == AuditActions.RestoreCompleted)
                                                   && !string.Equals(a.Result, AuditResults.Refused, StringComparison.Ordinal)
                                                   && string.Equals(a.Application, app.Name, StringComparison.OrdinalIgnoreCase)
                                                   && a.TimeUtc >= e.From && a.TimeUtc <= e.To).ToList();
            // One restore is one Restore.Started and its Restore.Completed (same restoreId): count it once, by its start.
            string RestoreIdOf(AuditEvent a) => a.Details != null && a.Details.TryGetValue(AuditDetailKeys.RestoreId, out var id) ? id : null;
            var startedIds = new HashSet<string>(ran.Where(a => a.Action == AuditActions.RestoreStarted).Select(RestoreIdOf).Where(id => id != null), StringComparer.Ordinal);
            var restores = ran.Where(a => a.Action == AuditActions.RestoreStarted || RestoreIdOf(a) == null || !startedIds.Contains(RestoreIdOf(a))).ToList();
            var items = new List<string>();
            var bad = 0;
            foreach (var a in restores)
            {
                string Get(string k) => a.Details != null && a.Details.TryGetValue(k, out var v) ? v : null;
                var approval = Get(AuditDetailKeys.Approval) ?? "not recorded";
                var ok = !required || string.Equals(approval, "Approved", StringComparison.Ordinal);
                if (!ok) bad++;
                items.Add($"{a.Action} {a.Target} at {Iso(a.TimeUtc)} by {a.Actor ?? "unknown"} (audit record {a.Sequence}): approval {approval}" +
                          (Get(AuditDetailKeys.ApprovedBy) is string by ? " by " + by : string.Empty) +
                          (Get(AuditDetailKeys.PlanId) is string plan ? ", plan " + plan : string.Empty) + (ok ? string.Empty : " - NOT APPROVED"));
            }
            var ordered = items.OrderBy(i => i.EndsWith("NOT APPROVED", StringComparison.Ordinal) ? 0 : 1).ToList();
            if (restores.Count == 0) ordered.Add($"no restore of '{app.Name}' recorded in the period");
            var status = bad == 0 ? ComplianceStatus.Compliant : ComplianceStatus.NonCompliant;
            yield return Finding(e, app, null, status, $"{restores.Count - bad} of {restores.Count} approved", target, ordered,
                restores.Select(a => a.Target), status == ComplianceStatus.Compliant ? string.Empty
                    : "A restore ran without a valid approval: review it with the approvers (Get-FinAuditEvent -Action Restore.*), and run restores only with -Plan (New-FinRestorePlan, Approve-FinRestore).");
        }
    }
}
