using System;
using System.Collections.Generic;

namespace FinBackup.Domain.RecoveryPoints
{
    public enum RecoveryPointKind
    {
        EbsSnapshotSet,
        Ami,
        RdsSnapshot,
        BackupVaultPoint,
        FileBackup,
    }

    /// <summary>Normalised state across EC2 snapshots, AMIs, RDS snapshots, vault points and file backups.</summary>
    public enum RecoveryPointState
    {
        Pending,
        Available,
        Failed,
        Deleting,
        Unknown,
        /// <summary>
        /// Some of what the point consists of is missing (a snapshot set with fewer members than it was taken with, after an
        /// interrupted delete). Never restorable; expiry finishes deleting it.
        /// </summary>
        Partial,
    }

    /// <summary>One recovery point of any kind, in one region. The pipeline object FinBackup cmdlets pass around.</summary>
    public sealed class FinRecoveryPoint
    {
        /// <summary>Snapshot-set id, AMI id, DB snapshot identifier, vault point ARN or file-backup manifest key.</summary>
        public string RecoveryPointId { get; set; }
        /// <summary>The ARN where the service has one (RDS snapshots, vault points); needed for cross-region copies.</summary>
        public string Arn { get; set; }
        public RecoveryPointKind Kind { get; set; }
        public string Application { get; set; }
        public string PolicyName { get; set; }
        /// <summary>Policy window the point belongs to (UTC start, ISO 8601), for idempotency.</summary>
        public string Window { get; set; }
        /// <summary>Instance id, volume id or DB instance identifier the point protects.</summary>
        public string ResourceId { get; set; }
        public string Region { get; set; }
        public DateTime CreatedAt { get; set; }
        public DateTime? ExpiresAt { get; set; }
        public RecoveryPointState State { get; set; }
        /// <summary>0-100 where the service reports progress.</summary>
        public int? Progress { get; set; }
        public bool Encrypted { get; set; }
        public string KmsKeyId { get; set; }
        public double? SizeGiB { get; set; }
        public string SourceRegion { get; set; }
        public string SourceRecoveryPointId { get; set; }
        public bool LegalHold { get; set; }
        /// <summary>Whether FinBackup created it (the fin:managed-by tag).</summary>
        public bool ManagedByFinBackup { get; set; }
        private IList<string> _snapshotIds = new ExportableList();
        private IDictionary<string, string> _tags = new ExportableTags();

        /// <summary>Member EBS snapshot ids (snapshot sets and AMIs). Reads "snap-1; snap-2" in Export-Csv.</summary>
        public IList<string> SnapshotIds { get => _snapshotIds; set => _snapshotIds = ExportableList.From(value); }
        /// <summary>The point's tags. Reads "key=value; key=value" in Export-Csv, an object in ConvertTo-Json.</summary>
        public IDictionary<string, string> Tags { get => _tags; set => _tags = ExportableTags.From(value); }
        /// <summary>For file backups: the bucket holding the manifest.</summary>
        public string Bucket { get; set; }
        /// <summary>
        /// The file of the policy this point was taken or listed under in this session, when known (set by New-FinSnapshot
        /// and Get-FinRecoveryPoint -Policy), so Copy-FinBackupToRegion downstream binds -PolicyPath by property name and
        /// reads the policy from there. A path, not the policy object: points export cleanly. Not stored in AWS.
        /// </summary>
        public string PolicyPath { get; set; }
        /// <summary>AWS Backup vault points: the protected resource's ARN, its AWS Backup resource type (RDS, EBS, EC2, Aurora...),
        /// the vault, and whether the vault is locked (Vault Lock); null for other kinds.</summary>
        public string ResourceArn { get; set; }
        public string ResourceType { get; set; }
        public string BackupVaultName { get; set; }
        public bool? VaultLocked { get; set; }
        /// <summary>AWS Backup vault points: when AWS Backup's lifecycle deletes the point (CalculatedLifecycle.DeleteAt).</summary>
        public DateTime? LifecycleDeleteAt { get; set; }
        public bool IsCopy => !string.IsNullOrEmpty(SourceRecoveryPointId);
        public TimeSpan Age(DateTime utcNow) => utcNow - CreatedAt;

        public override string ToString() => RecoveryPointId;
    }

    /// <summary>A list of strings that reads "a; b" where PowerShell turns it into text (Export-Csv, string interpolation).</summary>
    public sealed class ExportableList : List<string>
    {
        public ExportableList() { }
        public ExportableList(IEnumerable<string> items) : base(items) { }
        public static IList<string> From(IEnumerable<string> items) =>
            items as ExportableList ?? (items == null ? new ExportableList() : new ExportableList(items));
        public override string ToString() => string.Join("; ", this);
    }

    /// <summary>Tags that read "key=value; key=value" as text (Export-Csv), sorted by key; still a dictionary for code and JSON.</summary>
    public sealed class ExportableTags : Dictionary<string, string>
    {
        public ExportableTags() : base(StringComparer.Ordinal) { }
        public ExportableTags(IDictionary<string, string> tags) : base(tags, StringComparer.Ordinal) { }
        public static IDictionary<string, string> From(IDictionary<string, string> tags) =>
            tags as ExportableTags ?? (tags == null ? new ExportableTags() : new ExportableTags(tags));
        public override string ToString()
        {
            var keys = new List<string>(Keys);
            keys.Sort(StringComparer.Ordinal);
            return string.Join("; ", keys.ConvertAll(k => k + "=" + this[k]));
        }
    }
}
