using System;
using System.Collections.Generic;

namespace FinBackup.Aws.Services.Backup
{
    /// <summary>An AWS Backup vault (DescribeBackupVault / ListBackupVaults).</summary>
    public sealed class BackupVault
    {
        public string Name { get; set; }
        public string Arn { get; set; }
        public string EncryptionKeyArn { get; set; }
        public DateTime? CreationDate { get; set; }
        public long NumberOfRecoveryPoints { get; set; }
        public bool Locked { get; set; }
        public long? MinRetentionDays { get; set; }
        public long? MaxRetentionDays { get; set; }
    }

    /// <summary>A backup plan as FinBackup writes it: name and rules.</summary>
    public sealed class BackupPlanDefinition
    {
        public string Name { get; set; }
        public IList<BackupRuleDefinition> Rules { get; set; } = new List<BackupRuleDefinition>();
    }

    /// <summary>One rule: target vault, cron schedule, windows, retention (days: AWS Backup's unit), tags and copy actions.</summary>
    public sealed class BackupRuleDefinition
    {
        public string RuleName { get; set; }
        public string TargetVaultName { get; set; }
        /// <summary>e.g. "cron(0 * ? * * *)" (hourly).</summary>
        public string ScheduleExpression { get; set; }
        public long? StartWindowMinutes { get; set; }
        public long? CompletionWindowMinutes { get; set; }
        public long? DeleteAfterDays { get; set; }
        public IDictionary<string, string> RecoveryPointTags { get; set; }
        public IList<BackupCopyActionDefinition> CopyActions { get; set; } = new List<BackupCopyActionDefinition>();
    }

    public sealed class BackupCopyActionDefinition
    {
        public string DestinationVaultArn { get; set; }
        public long? DeleteAfterDays { get; set; }
    }

    /// <summary>A plan as AWS returns it (GetBackupPlan / CreateBackupPlan / UpdateBackupPlan / ListBackupPlans).</summary>
    public sealed class BackupPlanInfo
    {
        public string PlanId { get; set; }
        public string PlanArn { get; set; }
        public string VersionId { get; set; }
        public string Name { get; set; }
        public DateTime? CreationDate { get; set; }
        /// <summary>Set by GetBackupPlan; null from list/create.</summary>
        public BackupPlanDefinition Plan { get; set; }
    }

    /// <summary>Which resources a plan backs up: explicit ARNs and/or tag conditions (StringEquals).</summary>
    public sealed class BackupSelectionDefinition
    {
        public string SelectionName { get; set; }
        public string IamRoleArn { get; set; }
        public IList<string> Resources { get; set; } = new List<string>();
        /// <summary>Tag key/value pairs, each an OR'ed STRINGEQUALS condition (ListOfTags).</summary>
        public IDictionary<string, string> TagConditions { get; set; } = new Dictionary<string, string>();
    }

    /// <summary>A recovery point in a vault (ListRecoveryPointsByBackupVault).</summary>
    public sealed class BackupRecoveryPoint
    {
        public string RecoveryPointArn { get; set; }
        public string VaultName { get; set; }
        public string ResourceArn { get; set; }
        public string ResourceType { get; set; }
        public string Status { get; set; }
        public DateTime? CreationDate { get; set; }
        public DateTime? CompletionDate { get; set; }
        public DateTime? DeleteAt { get; set; }
        public string EncryptionKeyArn { get; set; }
        public bool IsEncrypted { get; set; }
        public long? BackupSizeInBytes { get; set; }
        public string BackupVaultArn { get; set; }
        /// <summary>Set on copies: the vault the point was copied from.</summary>
        public string SourceBackupVaultArn { get; set; }
        public string ResourceName { get; set; }
        /// <summary>The point's lifecycle (Lifecycle.DeleteAfterDays), and when it moves to cold storage.</summary>
        public long? DeleteAfterDays { get; set; }
        public DateTime? MoveToColdStorageAt { get; set; }
    }

    public sealed class BackupCopyJobRequest
    {
        public string RecoveryPointArn { get; set; }
        public string SourceVaultName { get; set; }
        public string DestinationVaultArn { get; set; }
        public string IamRoleArn { get; set; }
        public string IdempotencyToken { get; set; }
        public long? DeleteAfterDays { get; set; }
    }
}
