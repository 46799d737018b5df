using System.Threading;
using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.Backup;
using FinBackup.Domain.Compliance;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>The vault's lock state for compliance: DescribeBackupVault (Locked, MinRetentionDays, MaxRetentionDays). Read-only.</summary>
    [Gateway(typeof(IBackupVaultLockReader))]
    public sealed class BackupVaultLockReader : IBackupVaultLockReader
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public BackupVaultLockReader(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public VaultLockState Describe(string vaultName, CancellationToken cancellationToken)
        {
            BackupVault vault;
            try
            {
                vault = _context.Backup(_region).DescribeBackupVaultAsync(vaultName, cancellationToken).GetAwaiter().GetResult();
            }
            catch (AwsServiceException ex) when (BackupVaultRecoveryPointProvider.NotImplementedHere(ex))
            {
                vault = null;
            }
            return vault == null
                ? new VaultLockState { VaultName = vaultName, Exists = false }
                : new VaultLockState { VaultName = vault.Name ?? vaultName, Exists = true, Locked = vault.Locked, MinRetentionDays = vault.MinRetentionDays, MaxRetentionDays = vault.MaxRetentionDays };
        }
    }
}
