using System;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.Audit
{
    /// <summary>An <see cref="IAuditLog"/> adapter that must be told where a policy's log is before use (the S3 adapter).</summary>
    public interface IAuditLogBinding
    {
        void Bind(AuditLogLocation location);
    }

    public static class AuditLogs
    {
        /// <summary>
        /// Binds the port to the policy's audit location (bucket, prefix, key) and returns it:
        /// <c>Session.Get&lt;IAuditLog&gt;(policy.AuditLocation().Region).Open(policy).Read(policy.Name, from, to, ct)</c>.
        /// Throws FinAuditLogNotConfigured when the policy has no audit location.
        /// </summary>
        public static IAuditLog Open(this IAuditLog log, BackupPolicy policy)
        {
            if (log == null) throw new ArgumentNullException(nameof(log));
            var location = RequireLocation(policy);
            (log as IAuditLogBinding)?.Bind(location);
            return log;
        }

        public static AuditLogLocation RequireLocation(BackupPolicy policy)
        {
            var location = policy.AuditLocation();
            if (location == null)
                throw new FinBackupException("FinAuditLogNotConfigured", FinErrorKind.InvalidArgument,
                    $"The policy '{policy?.Name}' has no audit log: no Audit.Bucket and no backup bucket for its primary region (or Audit.Enabled is false).",
                    "Add Audit = @{ Bucket = 'fin-audit-use1'; Region = 'us-east-1' } or Buckets for the primary region.");
            return location;
        }
    }
}
