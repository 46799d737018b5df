using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>
    /// CrossRegionCopy: every primary point of an application with CopyToDrRegion, created in [From, To] and older than the
    /// RPO (so its copy is due), has an available copy in the DR region (fin:source-id = its id) made within the RPO of the
    /// point. AWS Backup vault points are copied by AWS Backup's own copy action and are not matched here.
    /// </summary>
    public sealed class CrossRegionCopyControl : ComplianceControl
    {
        private static readonly RecoveryPointKind[] Copied = { RecoveryPointKind.EbsSnapshotSet, RecoveryPointKind.Ami, RecoveryPointKind.RdsSnapshot, RecoveryPointKind.FileBackup };

        public override string Name => ComplianceControls.CrossRegionCopy;

        public override IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence e)
        {
            var dr = e.Policy.DrRegion;
            if (!app.CopyToDrRegion)
            {
                yield return Finding(e, app, dr, ComplianceStatus.Compliant, "not copied", "none (CopyToDrRegion = $false)", null, null, string.Empty);
                yield break;
            }
            if (string.IsNullOrEmpty(dr) || IsPrimary(e, dr))
            {
                yield return Finding(e, app, dr, ComplianceStatus.NonCompliant, "no DR region", "a copy in the DR region", null, null,
                    "Add DrRegion (a region other than PrimaryRegion) to the policy.");
                yield break;
            }
            if (!(app.Rpo is TimeSpan rpo))
            {
                yield return Finding(e, app, dr, ComplianceStatus.Unknown, "not measured", "no RPO in the policy", null, null, $"State Rpo for '{app.Name}' in the policy.");
                yield break;
            }
            var target = "copy in " + dr + " within " + Dur(rpo);
            var why = PointsUnavailable(e, e.Policy.PrimaryRegion) ?? PointsUnavailable(e, dr);
            if (why != null)
            {
                yield return Finding(e, app, dr, ComplianceStatus.Unknown, "not measured", target, new[] { Unavailable("Recovery points", why) }, null,
                    "Fix the access problem and run Test-FinCompliance again.");
                yield break;
            }
            var sources = PointsOf(e, app, e.Policy.PrimaryRegion)
                .Where(p => !p.IsCopy && Copied.Contains(p.Kind) && p.State == RecoveryPointState.Available
                            && p.CreatedAt >= e.From && p.CreatedAt <= e.To && e.Now - p.CreatedAt > rpo)
                .OrderBy(p => p.CreatedAt).ToList();
            var copies = PointsOf(e, app, dr).Where(p => p.IsCopy).ToList();
            if (sources.Count == 0)
            {
                yield return Finding(e, app, dr, ComplianceStatus.Unknown, "0 points due", target,
                    new[] { $"no primary point of '{app.Name}' created in the period and older than {Dur(rpo)}" }, null,
                    "Nothing was due for copying in the period; widen -From/-To or run again after the next cycle.");
                yield break;
            }
            var items = new List<string>();
            var bad = new List<string>();
            var ids = new List<string>();
            var worst = TimeSpan.Zero;
            foreach (var s in sources)
            {
                var copy = copies.Where(c => string.Equals(c.SourceRecoveryPointId, s.RecoveryPointId, StringComparison.Ordinal))
                    .OrderByDescending(c => c.State == RecoveryPointState.Available).ThenBy(c => c.CreatedAt).FirstOrDefault();
                if (copy == null)
                {
                    bad.Add(s.RecoveryPointId);
                    items.Add($"{s.RecoveryPointId} ({s.Kind}, created {Iso(s.CreatedAt)}): no copy in {dr}");
                    continue;
                }
                var lag = copy.CreatedAt - s.CreatedAt;
                if (lag > worst) worst = lag;
                ids.Add(copy.RecoveryPointId);
                if (copy.State != RecoveryPointState.Available)
                {
                    bad.Add(s.RecoveryPointId);
                    items.Add($"{s.RecoveryPointId} ({s.Kind}, created {Iso(s.CreatedAt)}): copy {copy.RecoveryPointId} still {copy.State}, {Dur(e.Now - s.CreatedAt)} after the point");
                }
                else if (lag > rpo)
                {
                    bad.Add(s.RecoveryPointId);
                    items.Add($"{s.RecoveryPointId} ({s.Kind}, created {Iso(s.CreatedAt)}): copy {copy.RecoveryPointId} made {Iso(copy.CreatedAt)}, {Dur(lag)} later");
                }
                else
                {
                    items.Add($"{s.RecoveryPointId} -> {copy.RecoveryPointId} ({s.Kind}) in {Dur(lag)}");
                }
            }
            ids.InsertRange(0, bad);
            var ordered = items.OrderBy(i => i.Contains(" -> ") ? 1 : 0).ToList();
            var status = bad.Count == 0 ? ComplianceStatus.Compliant : ComplianceStatus.NonCompliant;
            var measured = $"{sources.Count - bad.Count} of {sources.Count} copied in time, slowest {Dur(worst)}";
            var advice = status == ComplianceStatus.Compliant ? string.Empty
                : $"Copy the missing points (Copy-FinBackupToRegion -Policy <policy> -Application '{app.Name}' -Wait) and check copy errors and quotas (Test-FinBackupPolicy: copy duration notes).";
            yield return Finding(e, app, dr, status, measured, target, ordered, ids.Concat(sources.Select(s => s.RecoveryPointId)), advice);
        }
    }
}
