using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>
    /// MinimumRetention: nothing expired early. The audit trail's RecoveryPoint.Deleted records in [From, To] must each be at
    /// or after the point's expiry and never of a point under legal hold; and every point held (not a copy) must be tagged to
    /// live at least the policy's retention. Without the audit trail only the second half can be checked: a violation there
    /// is NonCompliant, otherwise Unknown.
    /// </summary>
    public sealed class MinimumRetentionControl : ComplianceControl
    {
        /// <summary>Tag precision: expiry is written to the second, creation comes from the service.</summary>
        private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(1);

        public override string Name => ComplianceControls.MinimumRetention;

        public override IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence e)
        {
            foreach (var region in e.Policy.Regions)
            {
                if (!(app.Retention is TimeSpan retention))
                {
                    yield return Finding(e, app, region, ComplianceStatus.Unknown, "not measured", "no Retention in the policy", null, null, $"State Retention for '{app.Name}' in the policy.");
                    continue;
                }
                var target = "kept at least " + Dur(retention) + ", none deleted before expiry";
                var why = PointsUnavailable(e, region);
                var items = new List<string>();
                var ids = new List<string>();
                int shortTagged = 0, early = 0;
                if (why == null)
                {
                    foreach (var p in PointsOf(e, app, region).Where(p => !p.IsCopy && p.State != RecoveryPointState.Failed))
                    {
                        var expiry = p.Kind == RecoveryPointKind.BackupVaultPoint ? p.LifecycleDeleteAt ?? p.ExpiresAt : p.ExpiresAt;
                        var required = p.Kind == RecoveryPointKind.BackupVaultPoint ? app.EffectiveBackupPlanRetention ?? retention : retention;
                        if (expiry is DateTime x && x - p.CreatedAt < required - Tolerance)
                        {
                            shortTagged++;
                            ids.Add(p.RecoveryPointId);
                            items.Add($"{p.RecoveryPointId} ({p.Kind}, created {Iso(p.CreatedAt)}) expires {Iso(x)}: kept {Dur(x - p.CreatedAt)}, under {Dur(required)}");
                        }
                    }
                }
                else items.Add(Unavailable("Recovery points in " + region, why));
                var deletions = 0;
                foreach (var d in DeletedPoints(e, app, region).Where(d => d.DeletedAt >= e.From && d.DeletedAt <= e.To))
                {
                    deletions++;
                    var tooSoon = d.ExpiresAt is DateTime x && d.DeletedAt < x - Tolerance;
                    if (tooSoon || d.LegalHold)
                    {
                        early++;
                        ids.Add(d.RecoveryPointId);
                        items.Add($"{d.RecoveryPointId} deleted {Iso(d.DeletedAt)} (audit record {d.Sequence}, reason {d.Reason ?? "not stated"})" +
                                  (tooSoon ? $", {Dur(d.ExpiresAt.Value - d.DeletedAt)} before its expiry {Iso(d.ExpiresAt.Value)}" : string.Empty) +
                                  (d.LegalHold ? ", under legal hold" : string.Empty));
                    }
                }
                if (e.AuditEvents != null) items.Add($"{deletions} deletion(s) recorded in the period, {early} early");
                else items.Insert(0, Unavailable("The audit trail", e.AuditUnavailable ?? "not available"));
                var measured = $"{early} early deletion(s), {shortTagged} point(s) kept too briefly";
                ComplianceStatus status;
                string advice;
                if (early + shortTagged > 0)
                {
                    status = ComplianceStatus.NonCompliant;
                    advice = "Find who deleted early (Get-FinAuditEvent -Action RecoveryPoint.Deleted) and why; points tagged with a shorter expiry were taken under another policy or retagged: correct fin:expires-at. A vault lock / Object Lock stops early deletion.";
                }
                else if (e.AuditEvents == null || why != null)
                {
                    status = ComplianceStatus.Unknown;
                    advice = e.AuditEvents == null ? "Early deletions are known only from the audit trail. " + AuditAdvice(e) : "Fix the access problem and run Test-FinCompliance again.";
                }
                else
                {
                    status = ComplianceStatus.Compliant;
                    advice = string.Empty;
                }
                yield return Finding(e, app, region, status, measured, target, items, ids, advice);
            }
        }
    }

    /// <summary>
    /// MaximumRetention: nothing kept past its expiry plus a grace without a legal hold. The grace is one backup interval
    /// (the application's frequency; expiry runs every cycle), and 1 day for AWS Backup vault points (AWS Backup's lifecycle
    /// deletes within hours of DeleteAt). A FinBackup point with no expiry at all is kept forever: non-compliant. The newest
    /// available point of a resource is kept on purpose past its expiry (the retention planner's rule) and is not counted.
    /// </summary>
    public sealed class MaximumRetentionControl : ComplianceControl
    {
        public static readonly TimeSpan VaultPointGrace = TimeSpan.FromDays(1);

        public override string Name => ComplianceControls.MaximumRetention;

        public override IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence e)
        {
            var grace = app.Frequency ?? TimeSpan.FromHours(1);
            foreach (var region in e.Policy.Regions)
            {
                var target = $"deleted by expiry + {Dur(grace)} unless under legal hold";
                var why = PointsUnavailable(e, region);
                if (why != null)
                {
                    yield return Finding(e, app, region, ComplianceStatus.Unknown, "not measured", target, new[] { Unavailable("Recovery points in " + region, why) }, null,
                        "Fix the access problem and run Test-FinCompliance again.");
                    continue;
                }
                var points = PointsOf(e, app, region).Where(p => p.State != RecoveryPointState.Deleting).ToList();
                var items = new List<string>();
                var bad = new List<string>();
                var held = new List<string>();
                // The retention planner keeps the newest available point of each resource and kind even past its expiry.
                var newest = new HashSet<FinRecoveryPoint>(points.Where(p => p.State == RecoveryPointState.Available)
                    .GroupBy(p => (p.Kind, p.ResourceId ?? string.Empty, p.IsCopy)).Select(g => g.OrderByDescending(p => p.CreatedAt).First()));
                foreach (var p in points)
                {
                    var isVault = p.Kind == RecoveryPointKind.BackupVaultPoint;
                    var expiry = isVault ? p.LifecycleDeleteAt ?? p.ExpiresAt : p.ExpiresAt;
                    var g = isVault ? VaultPointGrace : grace;
                    if (p.LegalHold)
                    {
                        held.Add(p.RecoveryPointId);
                        items.Add($"{p.RecoveryPointId} ({p.Kind}) kept under legal hold{(expiry is DateTime h ? ", expired " + Iso(h) : string.Empty)}");
                        continue;
                    }
                    if (expiry == null)
                    {
                        bad.Add(p.RecoveryPointId);
                        items.Add($"{p.RecoveryPointId} ({p.Kind}, created {Iso(p.CreatedAt)}): no expiry, kept forever");
                    }
                    else if (e.Now > expiry.Value + g && newest.Contains(p))
                    {
                        items.Add($"{p.RecoveryPointId} ({p.Kind}) expired {Iso(expiry.Value)} but is the newest of its resource: kept on purpose until a newer one exists");
                    }
                    else if (e.Now > expiry.Value + g)
                    {
                        bad.Add(p.RecoveryPointId);
                        items.Add($"{p.RecoveryPointId} ({p.Kind}, created {Iso(p.CreatedAt)}): expired {Iso(expiry.Value)}, {Dur(e.Now - expiry.Value)} ago");
                    }
                }
                items.Add($"{points.Count} point(s) held, {held.Count} under legal hold");
                var status = bad.Count == 0 ? ComplianceStatus.Compliant : ComplianceStatus.NonCompliant;
                var advice = status == ComplianceStatus.Compliant ? string.Empty
                    : "Run Remove-FinExpiredBackup -Policy <policy> -WhatIf to see why they stay (a pending copy, the newest point), then without -WhatIf; points with no fin:expires-at need one (or a legal hold, Set-FinLegalHold) to be kept on purpose.";
                yield return Finding(e, app, region, status, $"{bad.Count} kept past expiry", target, items.OrderBy(i => i.Contains("legal hold") ? 1 : 0), bad.Concat(held), advice);
            }
        }
    }
}
