using System;
using System.Collections.Generic;
using System.Globalization;
using FinBackup.Domain.Audit;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>The outcome of one control for one application (and region).</summary>
    public enum ComplianceStatus
    {
        Compliant,
        NonCompliant,
        /// <summary>The evidence needed is not available (no audit trail, no drill yet, AWS could not be read).</summary>
        Unknown,
    }

    /// <summary>Stable control names, after AWS Backup Audit Manager's where they match.</summary>
    public static class ComplianceControls
    {
        public const string LastRecoveryPointCreated = "LastRecoveryPointCreated";
        public const string AchievedRpo = "AchievedRpo";
        public const string RecoveryPointEncrypted = "RecoveryPointEncrypted";
        public const string CrossRegionCopy = "CrossRegionCopy";
        public const string MinimumRetention = "MinimumRetention";
        public const string MaximumRetention = "MaximumRetention";
        public const string VaultLock = "VaultLock";
        public const string ObjectLock = "ObjectLock";
        public const string RestoreTimeMeetsTarget = "RestoreTimeMeetsTarget";
        public const string RestoreApproved = "RestoreApproved";

        /// <summary>Every control, in report order.</summary>
        public static readonly IReadOnlyList<string> All = new[]
        {
            LastRecoveryPointCreated, AchievedRpo, RecoveryPointEncrypted, CrossRegionCopy, MinimumRetention, MaximumRetention,
            VaultLock, ObjectLock, RestoreTimeMeetsTarget, RestoreApproved,
        };
    }

    /// <summary>
    /// One finding of Test-FinCompliance: one control for one application (per region where the control is regional).
    /// Plain values only (times UTC, durations as text), so it exports to CSV/JSON as it is.
    /// </summary>
    public sealed class FinComplianceFinding
    {
        public string PolicyName { get; set; }
        public string Application { get; set; }
        /// <summary>One of <see cref="ComplianceControls"/>.</summary>
        public string Control { get; set; }
        /// <summary>The region the finding is about; null when it is about the application as a whole.</summary>
        public string Region { get; set; }
        public ComplianceStatus Status { get; set; }
        /// <summary>What was measured, as text ("1h5m", "3 of 40 points unencrypted", "Locked").</summary>
        public string Measured { get; set; }
        /// <summary>What the policy asks for, as text ("1h", "Encrypted with alias/fin-backup").</summary>
        public string Target { get; set; }
        /// <summary>The evidence items, "; "-separated: point ids, audit records, drill ids, with their ISO 8601 UTC times.</summary>
        public string Evidence { get; set; }
        /// <summary>The recovery point ids the finding rests on, ", "-separated.</summary>
        public string PointIds { get; set; }
        /// <summary>What to do about it (empty when compliant and nothing needs doing).</summary>
        public string Advice { get; set; }
        public DateTime PeriodStart { get; set; }
        public DateTime PeriodEnd { get; set; }
        public DateTime EvaluatedAt { get; set; }

        public override string ToString() => $"{Status} {Control} [{Application}{(Region != null ? " " + Region : string.Empty)}]: {Measured} (target {Target})";
    }

    /// <summary>AWS Backup vault facts in one region (DescribeBackupVault).</summary>
    public sealed class VaultLockState
    {
        public string VaultName { get; set; }
        public bool Exists { get; set; }
        public bool Locked { get; set; }
        public long? MinRetentionDays { get; set; }
        public long? MaxRetentionDays { get; set; }
    }

    /// <summary>The backup bucket's Object Lock facts in one region (GetObjectLockConfiguration).</summary>
    public sealed class BucketLockState
    {
        public string Bucket { get; set; }
        public bool ObjectLockEnabled { get; set; }
        /// <summary>GOVERNANCE or COMPLIANCE.</summary>
        public string Mode { get; set; }
    }

    /// <summary>
    /// Everything the controls look at, gathered once (<see cref="ComplianceEvidenceCollector"/>) and read by every evaluator.
    /// A source that could not be read has a reason in the matching *Unavailable field instead of data; the controls that
    /// need it are then Unknown with that reason as advice.
    /// </summary>
    public sealed class ComplianceEvidence
    {
        public BackupPolicy Policy { get; set; }
        /// <summary>The clock the evidence was read at.</summary>
        public DateTime Now { get; set; }
        public DateTime From { get; set; }
        public DateTime To { get; set; }

        /// <summary>Every FinBackup point of the policy's applications in both regions, any state.</summary>
        public List<FinRecoveryPoint> Points { get; set; } = new List<FinRecoveryPoint>();
        /// <summary>Region (or "region kind") -> why its points could not be listed.</summary>
        public Dictionary<string, string> PointsUnavailable { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The audit trail's records (every record of the policy up to <see cref="To"/>); null when unavailable.</summary>
        public List<AuditEvent> AuditEvents { get; set; }
        public string AuditUnavailable { get; set; }

        /// <summary>Drill records of the policy's applications (both regions); null when unavailable.</summary>
        public List<RecoveryDrillRecord> Drills { get; set; }
        public string DrillsUnavailable { get; set; }

        /// <summary>Region -> the vault's facts; a missing region with a reason in <see cref="VaultUnavailable"/>.</summary>
        public Dictionary<string, VaultLockState> Vaults { get; set; } = new Dictionary<string, VaultLockState>(StringComparer.OrdinalIgnoreCase);
        public Dictionary<string, string> VaultUnavailable { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Region -> the backup bucket's Object Lock facts; a missing region with a reason in <see cref="BucketUnavailable"/>.</summary>
        public Dictionary<string, BucketLockState> Buckets { get; set; } = new Dictionary<string, BucketLockState>(StringComparer.OrdinalIgnoreCase);
        public Dictionary<string, string> BucketUnavailable { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Region -> the ARN the policy's key (often an alias) resolves to; missing when it could not be resolved.</summary>
        public Dictionary<string, string> KmsKeyArns { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    internal static class ComplianceText
    {
        public static string Iso(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        /// <summary>Durations as text: "1h5m", "0s"; negative durations keep their sign.</summary>
        public static string Dur(TimeSpan t)
        {
            var whole = TimeSpan.FromSeconds(Math.Round(t.TotalSeconds));
            if (whole == TimeSpan.Zero) return "0s";
            return whole < TimeSpan.Zero ? "-" + Duration.Format(whole.Negate()) : Duration.Format(whole);
        }

        public static DateTime? ParseIso(string s) =>
            !string.IsNullOrEmpty(s) && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
                ? t : (DateTime?)null;
    }
}
