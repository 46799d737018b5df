using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Audit
{
    /// <summary>
    /// One record of the audit trail: one change FinBackup made (or refused to make), who made it, and on what.
    /// Records are appended to the policy's audit log; each carries the SHA-256 of the previous record
    /// (<see cref="PreviousHash"/>) so a deleted, edited, inserted or reordered record breaks the chain.
    /// Plain values only: it exports to JSON/CSV as it is.
    /// </summary>
    public sealed class AuditEvent
    {
        /// <summary>Position in the log, from 1, without gaps.</summary>
        public long Sequence { get; set; }
        public DateTime TimeUtc { get; set; }
        /// <summary>One id per cmdlet invocation (a run); a run's records are signed together by its digest.</summary>
        public string RunId { get; set; }
        /// <summary>The caller's principal ARN (STS GetCallerIdentity).</summary>
        public string Actor { get; set; }
        /// <summary>One of <see cref="AuditActions"/>.</summary>
        public string Action { get; set; }
        public string PolicyName { get; set; }
        public string Application { get; set; }
        public string Region { get; set; }
        /// <summary>What was acted on: recovery point id, resource id, plan id, failover or drill id.</summary>
        public string Target { get; set; }
        /// <summary>One of <see cref="AuditResults"/>.</summary>
        public string Result { get; set; }
        /// <summary>The FinBackup error id when Result is Failed or Refused.</summary>
        public string ErrorId { get; set; }
        /// <summary>AWS request ids of the calls that made the change, when known.</summary>
        public List<string> RequestIds { get; set; } = new List<string>();
        /// <summary>Action-specific facts, as text (see <see cref="AuditDetailKeys"/>). Never a secret value.</summary>
        public Dictionary<string, string> Details { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>Lower-case hex SHA-256 of the previous record's canonical form; empty for the first record.</summary>
        public string PreviousHash { get; set; }
        /// <summary>Lower-case hex SHA-256 of this record's canonical form (every field but Hash).</summary>
        public string Hash { get; set; }
    }

    /// <summary>The actions the audit trail records. One name per kind of change.</summary>
    public static class AuditActions
    {
        public const string RecoveryPointCreated = "RecoveryPoint.Created";
        public const string RecoveryPointCopied = "RecoveryPoint.Copied";
        public const string RecoveryPointDeleted = "RecoveryPoint.Deleted";
        /// <summary>
        /// A piece of a recovery point that outlived it (a backing snapshot of a deregistered AMI whose deletion had failed),
        /// removed by a later cycle. Not a recovery point: compliance does not count it as one.
        /// </summary>
        public const string LeftoverDeleted = "RecoveryPoint.LeftoverDeleted";
        public const string LegalHoldSet = "LegalHold.Set";
        public const string LegalHoldCleared = "LegalHold.Cleared";
        public const string RestorePlanned = "Restore.Planned";
        public const string RestoreApproved = "Restore.Approved";
        public const string RestoreStarted = "Restore.Started";
        public const string RestoreCompleted = "Restore.Completed";
        public const string RestoredResourceRemoved = "Restore.ResourceRemoved";
        public const string FailoverStep = "Failover.Step";
        public const string DrillRecorded = "Drill.Recorded";
        public const string PolicyChanged = "Policy.Changed";

        /// <summary>Every action name, in the order above (Get-FinAuditEvent -Action completes these).</summary>
        public static IReadOnlyList<string> All { get; } = new[]
        {
            RecoveryPointCreated, RecoveryPointCopied, RecoveryPointDeleted, LeftoverDeleted, LegalHoldSet, LegalHoldCleared, RestorePlanned, RestoreApproved,
            RestoreStarted, RestoreCompleted, RestoredResourceRemoved, FailoverStep, DrillRecorded, PolicyChanged,
        };
    }

    public static class AuditResults
    {
        public const string Succeeded = "Succeeded";
        public const string Failed = "Failed";
        public const string Refused = "Refused";
    }

    /// <summary>Detail keys that other features read back (compliance reads these; keep them stable).</summary>
    public static class AuditDetailKeys
    {
        /// <summary>RecoveryPointKind name.</summary>
        public const string Kind = "kind";
        /// <summary>ISO 8601 UTC creation time of the point acted on.</summary>
        public const string CreatedAt = "createdAt";
        /// <summary>ISO 8601 UTC expiry of the point acted on.</summary>
        public const string ExpiresAt = "expiresAt";
        /// <summary>"true" when the point was under legal hold at the time.</summary>
        public const string LegalHold = "legalHold";
        /// <summary>Why a point was deleted: "Expired" (retention) or "Manual" (Remove-FinRecoveryPoint).</summary>
        public const string DeleteReason = "deleteReason";
        /// <summary>The resource (instance, volume, DB instance) the point protects; compliance places expired points on its timeline.</summary>
        public const string ResourceId = "resourceId";
        public const string SourceRegion = "sourceRegion";
        public const string SourcePointId = "sourcePointId";
        /// <summary>On RecoveryPoint.Copied: the copy was not made now but adopted (an interrupted run's untagged copy, now tagged).</summary>
        public const string Adopted = "adopted";
        /// <summary>On RecoveryPoint.LeftoverDeleted: what the removed piece was left by (e.g. "deregistered image").</summary>
        public const string LeftoverOf = "leftoverOf";
        public const string PlanId = "planId";
        public const string PlanHash = "planHash";
        /// <summary>"Approved" (a valid approval was verified), "NotRequired" (the policy lists no approvers), "Missing".</summary>
        public const string Approval = "approval";
        public const string ApprovedBy = "approvedBy";
        public const string RestoreId = "restoreId";
        /// <summary>Measured duration, ISO 8601 (PT1H2M3S).</summary>
        public const string Duration = "duration";
    }
}
