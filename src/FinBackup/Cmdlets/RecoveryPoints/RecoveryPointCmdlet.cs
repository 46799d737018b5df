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
            };
            if (policy?.Quotas != null && policy.Quotas.ConcurrentSnapshotCopiesPerRegion > 0)
            {
                runtime.CopyLimits.EbsSnapshotCopiesPerDestinationRegion = policy.Quotas.ConcurrentSnapshotCopiesPerRegion;
            }
            return runtime;
        }

        /// <summary>
        /// The policy a piped object came from, by its PolicyPath (objects carry the path, not the policy), unless -Policy
        /// was given. Null when neither is known.
        /// </summary>
        protected BackupPolicy PolicyFromPipeline(BackupPolicy explicitPolicy, string policyPath, object target)
        {
            if (explicitPolicy != null || string.IsNullOrEmpty(policyPath)) return explicitPolicy;
            try
            {
                return global::FinBackup.Policy.PolicyCache.Get(policyPath);
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, target);
                return null;
            }
        }

        /// <summary>A terminating error for an invocation that cannot start; per-item failures use WriteFinError.</summary>
        protected void Fail(string errorId, FinErrorKind kind, string message, string fix, object target) =>
            ThrowFinError(new FinBackupException(errorId, kind, message, fix), target);
    }
}
