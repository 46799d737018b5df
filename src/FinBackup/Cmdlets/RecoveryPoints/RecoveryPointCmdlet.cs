using System;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>Shared plumbing of the snapshot-lifecycle cmdlets: the runtime (providers per region through the session).</summary>
    public abstract class RecoveryPointCmdlet : FinAwsCmdlet
    {
        /// <summary>When no -Region was given, connect with the policy's primary region as the default.</summary>
        protected void DefaultRegionFrom(BackupPolicy policy)
        {
            if (string.IsNullOrEmpty(base.Region) && policy != null && !string.IsNullOrEmpty(policy.PrimaryRegion)
                && (SessionDefaultsRegion() == null))
            {
                base.Region = policy.PrimaryRegion;
            }
        }

        private string SessionDefaultsRegion() => Common.SessionDefaultsStore.Get(SessionState)?.Region;

        protected RecoveryPointRuntime BuildRuntime(BackupPolicy policy)
        {
            var session = Session;
            var runtime = new RecoveryPointRuntime(r => session.Get<IRecoveryPointProviders>(r))
            {
                KmsKeys = r => session.Get<IKmsKeyCheck>(r),
                RestoreMetadata = r => session.Get<IRestoreMetadataStore>(r),
                Audit = AuditTrailFor(policy),
            };
            if (policy?.Quotas != null && policy.Quotas.ConcurrentSnapshotCopiesPerRegion > 0)
            {
                runtime.CopyLimits.EbsSnapshotCopiesPerDestinationRegion = policy.Quotas.ConcurrentSnapshotCopiesPerRegion;
            }
            return runtime;
        }

        /// <summary>A terminating error for an invocation that cannot start; per-item failures use WriteFinError.</summary>
        protected void Fail(string errorId, FinErrorKind kind, string message, string fix, object target) =>
            ThrowFinError(new FinBackupException(errorId, kind, message, fix), target);
    }
}
