using System.Collections.Generic;
using System.Threading;
using FinBackup.Aws.Services.Backup;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>The <see cref="IBackupVaultRestoreGateway"/> port on FinBackup's AWS Backup client.</summary>
    [Gateway(typeof(IBackupVaultRestoreGateway))]
    public sealed class BackupVaultRestoreGateway : IBackupVaultRestoreGateway
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public BackupVaultRestoreGateway(AwsClientContext context, string region)
        {
            _context = context;
            _region = context.Region(region);
        }

        private BackupClient Backup => _context.Backup(_region);

        public VaultRestoreMetadata GetRestoreMetadata(string vaultName, string recoveryPointArn, CancellationToken ct)
        {
            var m = Backup.GetRecoveryPointRestoreMetadataAsync(vaultName, recoveryPointArn, ct).GetAwaiter().GetResult();
            return new VaultRestoreMetadata { ResourceType = m.ResourceType, Metadata = new Dictionary<string, string>(m.Metadata) };
        }

        public string StartRestoreJob(VaultRestoreJobRequest request, CancellationToken ct) =>
            Backup.StartRestoreJobAsync(new BackupRestoreJobRequest
            {
                RecoveryPointArn = request.RecoveryPointArn,
                Metadata = request.Metadata,
                IamRoleArn = request.IamRoleArn,
                IdempotencyToken = request.IdempotencyToken,
                ResourceType = request.ResourceType,
            }, ct).GetAwaiter().GetResult();

        public VaultRestoreJob DescribeRestoreJob(string restoreJobId, CancellationToken ct)
        {
            var j = Backup.DescribeRestoreJobAsync(restoreJobId, ct).GetAwaiter().GetResult();
            return new VaultRestoreJob
            {
                RestoreJobId = j.RestoreJobId,
                Status = j.Status,
                StatusMessage = j.StatusMessage,
                PercentDone = j.PercentDone,
                CreatedResourceArn = j.CreatedResourceArn,
                CreationDate = j.CreationDate,
                CompletionDate = j.CompletionDate,
                ExpectedCompletionTimeMinutes = j.ExpectedCompletionTimeMinutes,
            };
        }
    }
}
