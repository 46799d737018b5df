using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Restore;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// Restore plans and approvals in one region's backup bucket (<see cref="RestorePlanLayout"/>): SSE-KMS on every write,
    /// Object Lock retention when the options ask for it. Get it with <c>Session.Get&lt;IRestorePlanStore&gt;(region)</c>.
    /// </summary>
    public interface IRestorePlanStore
    {
        /// <summary>Whether the bucket has Object Lock (approvals then get a retention until they expire).</summary>
        BucketProtection DescribeBucket(string bucket, CancellationToken cancellationToken);

        /// <summary>Writes the plan; returns its s3:// location.</summary>
        string PutPlan(string bucket, RestorePlan plan, ObjectWriteOptions options, CancellationToken cancellationToken);

        /// <summary>The stored plan, or null when there is none.</summary>
        RestorePlan GetPlan(string bucket, string planId, CancellationToken cancellationToken);

        /// <summary>Writes the approval at its key (one per approver) and sets its Location.</summary>
        void PutApproval(string bucket, RestoreApproval approval, ObjectWriteOptions options, CancellationToken cancellationToken);

        /// <summary>Every approval stored for the plan (unreadable objects are skipped, never trusted).</summary>
        IReadOnlyList<RestoreApproval> ListApprovals(string bucket, string planId, CancellationToken cancellationToken);
    }
}
