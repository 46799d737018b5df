using System;
using FinBackup.Domain;
using FinBackup.Domain.Connection;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>Shared plumbing of the snapshot-lifecycle cmdlets: the runtime (providers per region through the session).</summary>
    public abstract class RecoveryPointCmdlet : FinAwsCmdlet
    {
        protected RecoveryPointRuntime BuildRuntime(BackupPolicy policy) => RecoveryPointRuntimes.Build(Session, policy, AuditTrailFor(policy));

        /// <summary>A terminating error for an invocation that cannot start; per-item failures use WriteFinError.</summary>
        protected void Fail(string errorId, FinErrorKind kind, string message, string fix, object target) =>
            ThrowFinError(new FinBackupException(errorId, kind, message, fix), target);
    }

    /// <summary>The recovery-point runtime over a session (also used by the multi-region cmdlets, which do not derive from <see cref="RecoveryPointCmdlet"/>).</summary>
    internal static class RecoveryPointRuntimes
    {
        internal static RecoveryPointRuntime Build(IAwsSession session, BackupPolicy policy, FinBackup.Domain.Audit.AuditTrail audit)
        {
            var runtime = new RecoveryPointRuntime(r => session.Get<IRecoveryPointProviders>(r))
            {
                KmsKeys = r => session.Get<IKmsKeyCheck>(r),
                RestoreMetadata = r => session.Get<IRestoreMetadataStore>(r),
                Audit = audit ?? FinBackup.Domain.Audit.AuditTrail.Disabled,
            };
            if (policy?.Quotas != null && policy.Quotas.ConcurrentSnapshotCopiesPerRegion > 0)
            {
                runtime.CopyLimits.EbsSnapshotCopiesPerDestinationRegion = policy.Quotas.ConcurrentSnapshotCopiesPerRegion;
            }
            return runtime;
        }
    }
}
