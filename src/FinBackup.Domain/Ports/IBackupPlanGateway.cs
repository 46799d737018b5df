using System.Threading;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Ports
{
    /// <summary>AWS Backup in one region: vaults, vault lock, plans and selections, created or updated idempotently.</summary>
    public interface IBackupPlanGateway
    {
        /// <summary>Creates the vault (encrypted with <paramref name="kmsKeyId"/>) unless it exists; returns its ARN.</summary>
        string EnsureVault(string vaultName, string kmsKeyId, CancellationToken cancellationToken);

        /// <summary>Governance-mode vault lock: recovery points kept at least <paramref name="minRetentionDays"/>.</summary>
        void LockVault(string vaultName, long minRetentionDays, CancellationToken cancellationToken);

        /// <summary>Creates the plan, or updates the plan of the same name; fills PlanId/PlanArn/VersionId/Action of the result.</summary>
        void UpsertPlan(FinBackupPlanSpec spec, string drVaultArn, FinBackupPlanResult result, CancellationToken cancellationToken);

        /// <summary>Selects resources by the spec's tag (idempotent by creator request id); returns the selection id.</summary>
        string EnsureSelection(string planId, FinBackupPlanSpec spec, string iamRoleArn, CancellationToken cancellationToken);
    }
}
