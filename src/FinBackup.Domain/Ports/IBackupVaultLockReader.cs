using System.Threading;
using FinBackup.Domain.Compliance;

namespace FinBackup.Domain.Ports
{
    /// <summary>AWS Backup vault facts in ONE region (DescribeBackupVault): exists, locked, lock retention. Read-only.</summary>
    public interface IBackupVaultLockReader
    {
        /// <summary>The vault's facts; Exists = false when there is no such vault.</summary>
        VaultLockState Describe(string vaultName, CancellationToken cancellationToken);
    }
}
