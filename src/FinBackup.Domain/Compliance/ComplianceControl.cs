using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Audit;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>
    /// One compliance control: pure over the evidence (no AWS, no clock but <see cref="ComplianceEvidence.Now"/>). Emits one
    /// finding per region for regional controls, one per application otherwise.
    /// </summary>
    public abstract class ComplianceControl
    {
        /// <summary>Evidence lists longer than this are cut, with "... and N more".</summary>
        public const int MaxEvidenceItems = 25;

        public abstract string Name { get; }

        public abstract IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence evidence);

        protected FinComplianceFinding Finding(ComplianceEvidence e, ApplicationPolicy app, string region, ComplianceStatus status,
            string measured, string target, IEnumerable<string> items, IEnumerable<string> pointIds, string advice) => new FinComplianceFinding
            {
                PolicyName = e.Policy?.Name,
                Application = app.Name,
                Control = Name,
                Region = region,
                Status = status,
                Measured = measured,
                Target = target,
                Evidence = Join(items),
                PointIds = string.Join(", ", (pointIds ?? Enumerable.Empty<string>()).Where(x => !string.IsNullOrEmpty(x)).Distinct(StringComparer.Ordinal).Take(MaxEvidenceItems * 4)),
                Advice = advice ?? string.Empty,
                PeriodStart = e.From,
                PeriodEnd = e.To,
                EvaluatedAt = e.Now,
            };

        internal static string Join(IEnumerable<string> items)
        {
            var list = (items ?? Enumerable.Empty<string>()).Where(x => !string.IsNullOrEmpty(x)).ToList();
            if (list.Count <= MaxEvidenceItems) return string.Join("; ", list);
            return string.Join("; ", list.Take(MaxEvidenceItems)) + $"; ... and {list.Count - MaxEvidenceItems} more";
        }

        protected static string Iso(DateTime t) => ComplianceText.Iso(t);
        protected static string Dur(TimeSpan t) => ComplianceText.Dur(t);

        /// <summary>The points of the application in the region (FinBackup-managed, as listed).</summary>
        protected static IEnumerable<FinRecoveryPoint> PointsOf(ComplianceEvidence e, ApplicationPolicy app, string region) =>
            e.Points.Where(p => string.Equals(p.Application, app.Name, StringComparison.OrdinalIgnoreCase)
                                && string.Equals(p.Region, region, StringComparison.OrdinalIgnoreCase));

        protected static string PointsUnavailable(ComplianceEvidence e, string region) =>
            e.PointsUnavailable.TryGetValue(region ?? string.Empty, out var why) ? why : null;

        protected static bool IsPrimary(ComplianceEvidence e, string region) =>
            string.Equals(region, e.Policy.PrimaryRegion, StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// The kinds of point the application should have in the region: in the primary region what the policy asks for
        /// (BackupPlan: AWS Backup vault points; file sets: file backups); in the DR region the copied kinds when
        /// CopyToDrRegion (AWS Backup's own copy action included).
        /// </summary>
        public static IReadOnlyList<RecoveryPointKind> ExpectedKinds(BackupPolicy policy, ApplicationPolicy app, string region)
        {
            var kinds = new List<RecoveryPointKind>();
            foreach (var r in app.RecoveryPoints ?? new List<RecoveryPointKindRequest>())
            {
                switch (r)
                {
                    case RecoveryPointKindRequest.EbsSnapshotSet: kinds.Add(RecoveryPointKind.EbsSnapshotSet); break;
                    case RecoveryPointKindRequest.Ami: kinds.Add(RecoveryPointKind.Ami); break;
                    case RecoveryPointKindRequest.RdsSnapshot: kinds.Add(RecoveryPointKind.RdsSnapshot); break;
                    case RecoveryPointKindRequest.BackupPlan: kinds.Add(RecoveryPointKind.BackupVaultPoint); break;
                    case RecoveryPointKindRequest.FileBackup: kinds.Add(RecoveryPointKind.FileBackup); break;
                }
            }
            if (app.FileSets != null && app.FileSets.Count > 0) kinds.Add(RecoveryPointKind.FileBackup);
            kinds = kinds.Distinct().ToList();
            if (string.Equals(region, policy.PrimaryRegion, StringComparison.OrdinalIgnoreCase)) return kinds;
            if (string.Equals(region, policy.DrRegion, StringComparison.OrdinalIgnoreCase) && app.CopyToDrRegion) return kinds;
            return new RecoveryPointKind[0];
        }

        /// <summary>The RPO a kind is held to: AWS Backup vault points run on their own schedule (the compliance copy), so the larger of the two.</summary>
        protected static TimeSpan TargetFor(ApplicationPolicy app, RecoveryPointKind kind, TimeSpan rpo) =>
            kind == RecoveryPointKind.BackupVaultPoint && app.EffectiveBackupPlanFrequency is TimeSpan f && f > rpo ? f : rpo;

        /// <summary>Successful RecoveryPoint.Deleted records of the application in the region (the trail's memory of expired points).</summary>
        protected static IEnumerable<DeletedPoint> DeletedPoints(ComplianceEvidence e, ApplicationPolicy app, string region)
        {
            if (e.AuditEvents == null) yield break;
            foreach (var a in e.AuditEvents)
            {
                if (a.Action != AuditActions.RecoveryPointDeleted) continue;
                if (!string.Equals(a.Result, AuditResults.Succeeded, StringComparison.Ordinal)) continue;
                if (!string.Equals(a.Application, app.Name, StringComparison.OrdinalIgnoreCase)) continue;
                if (!string.Equals(a.Region, region, StringComparison.OrdinalIgnoreCase)) continue;
                var d = a.Details ?? new Dictionary<string, string>();
                string Get(string k) => d.TryGetValue(k, out var v) ? v : null;
                RecoveryPointKind? kind = Enum.TryParse<RecoveryPointKind>(Get(AuditDetailKeys.Kind), true, out var k2) ? k2 : (RecoveryPointKind?)null;
                yield return new DeletedPoint
                {
                    RecoveryPointId = a.Target,
                    Kind = kind,
                    ResourceId = Get(AuditDetailKeys.ResourceId),
                    CreatedAt = ComplianceText.ParseIso(Get(AuditDetailKeys.CreatedAt)),
                    ExpiresAt = ComplianceText.ParseIso(Get(AuditDetailKeys.ExpiresAt)),
                    DeletedAt = a.TimeUtc,
                    LegalHold = string.Equals(Get(AuditDetailKeys.LegalHold), "true", StringComparison.OrdinalIgnoreCase),
                    Reason = Get(AuditDetailKeys.DeleteReason),
                    Sequence = a.Sequence,
                };
            }
        }

        protected sealed class DeletedPoint
        {
            public string RecoveryPointId;
            public RecoveryPointKind? Kind;
            public string ResourceId;
            public DateTime? CreatedAt;
            public DateTime? ExpiresAt;
            public DateTime DeletedAt;
            public bool LegalHold;
            public string Reason;
            public long Sequence;
        }

        /// <summary>What to set up when the audit trail could not be read.</summary>
        /// <summary>
        /// The finding of an RPO control for a region where nothing can be measured against the RPO, or null when it can:
        /// no point is required there (Compliant), the policy states no RPO, or the region's points could not be read (Unknown).
        /// </summary>
        protected FinComplianceFinding RpoFindingWithoutPoints(ComplianceEvidence e, ApplicationPolicy app, string region, IReadOnlyCollection<RecoveryPointKind> kinds)
        {
            if (kinds.Count == 0)
                return Finding(e, app, region, ComplianceStatus.Compliant, "no points required", "none (CopyToDrRegion = $false)", null, null, string.Empty);
            if (!(app.Rpo is TimeSpan rpo))
                return Finding(e, app, region, ComplianceStatus.Unknown, "not measured", "no RPO in the policy", null, null,
                    $"State Rpo for '{app.Name}' in the policy (e.g. Rpo = '1h').");
            var why = PointsUnavailable(e, region);
            if (why != null)
                return Finding(e, app, region, ComplianceStatus.Unknown, "not measured", Dur(rpo), new[] { Unavailable("Recovery points in " + region, why) }, null,
                    "Fix the access problem (Get-FinRecoveryPoint -Region " + region + " shows it) and run Test-FinCompliance again.");
            return null;
        }

        protected static string AuditAdvice(ComplianceEvidence e) =>
            "Set up the policy's audit log (the audit bucket that FinBackup appends every change to; Get-FinAuditEvent reads it) and run Test-FinCompliance again"
            + (e.AuditUnavailable != null ? " (now: " + e.AuditUnavailable + ")." : ".");

        protected static string Unavailable(string what, string why) => $"{what} could not be read: {why}";
    }
}
