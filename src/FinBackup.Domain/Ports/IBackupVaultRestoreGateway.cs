using System;
using System.Collections.Generic;
using System.Threading;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// AWS Backup restores of vault points in one region: GetRecoveryPointRestoreMetadata, StartRestoreJob, DescribeRestoreJob.
    /// Get it with <c>Session.Get&lt;IBackupVaultRestoreGateway&gt;(region)</c>; <see cref="Restore.BackupVaultRestorer"/> sequences it.
    /// </summary>
    public interface IBackupVaultRestoreGateway
    {
        VaultRestoreMetadata GetRestoreMetadata(string vaultName, string recoveryPointArn, CancellationToken cancellationToken);

        /// <summary>Starts the job; returns its id.</summary>
        string StartRestoreJob(VaultRestoreJobRequest request, CancellationToken cancellationToken);

        VaultRestoreJob DescribeRestoreJob(string restoreJobId, CancellationToken cancellationToken);
    }

    /// <summary>The restore metadata AWS Backup recorded for a point (keys depend on the resource type; values may be sensitive).</summary>
    public sealed class VaultRestoreMetadata
    {
        public string ResourceType { get; set; }
        public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public sealed class VaultRestoreJobRequest
    {
        public string RecoveryPointArn { get; set; }
        public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        public string IamRoleArn { get; set; }
        public string IdempotencyToken { get; set; }
        public string ResourceType { get; set; }
    }

    public sealed class VaultRestoreJob
    {
        public string RestoreJobId { get; set; }
        /// <summary>PENDING, RUNNING, COMPLETED, ABORTED or FAILED.</summary>
        public string Status { get; set; }
        public string StatusMessage { get; set; }
        public double? PercentDone { get; set; }
        public string CreatedResourceArn { get; set; }
        public DateTime? CreationDate { get; set; }
        public DateTime? CompletionDate { get; set; }
        public long? ExpectedCompletionTimeMinutes { get; set; }

        public bool IsFinished => Status == "COMPLETED" || Status == "FAILED" || Status == "ABORTED";
    }
}
