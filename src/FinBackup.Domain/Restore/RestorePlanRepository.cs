using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// Plans and approvals in the policy's backup buckets: a plan lives in the bucket (and under the KMS key) of its target
    /// region, so a DR-region restore does not depend on the primary region. Looks a plan id up in the given region, else in
    /// the policy's regions (primary first).
    /// </summary>
    public sealed class RestorePlanRepository
    {
        private readonly Func<string, IRestorePlanStore> _stores;
        private readonly BackupPolicy _policy;

        public RestorePlanRepository(Func<string, IRestorePlanStore> stores, BackupPolicy policy)
        {
            _stores = stores ?? throw new ArgumentNullException(nameof(stores));
            _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        }

        public string BucketFor(string region)
        {
            var bucket = _policy.BucketFor(region);
            if (string.IsNullOrEmpty(bucket))
                throw new FinBackupException("FinRestorePlanBucketMissing", FinErrorKind.InvalidArgument,
                    $"Policy '{_policy.Name}' names no backup bucket for {region}, where restore plans for that region are stored.",
                    $"Add Buckets = @{{ '{region}' = '<bucket>' }} to the policy.");
            return bucket;
        }

        private ObjectWriteOptions Options(IRestorePlanStore store, string region, string bucket, DateTime? retainUntil, CancellationToken ct)
        {
            var key = _policy.KmsKeyFor(region);
            if (string.IsNullOrEmpty(key))
                throw new FinBackupException("FinRestorePlanKeyMissing", FinErrorKind.InvalidArgument,
                    $"Policy '{_policy.Name}' names no KMS key for {region}; plans and approvals are stored SSE-KMS with it.",
                    $"Add KmsKeys = @{{ '{region}' = '<key id, ARN or alias>' }} to the policy.");
            var options = new ObjectWriteOptions { KmsKeyId = key };
            if (retainUntil.HasValue)
            {
                var protection = store.DescribeBucket(bucket, ct);
                if (protection.ObjectLockEnabled)
                {
                    options.RetainUntil = retainUntil;
                    options.ObjectLockMode = protection.ObjectLockMode;
                }
            }
            return options;
        }

        /// <summary>Stores the plan (Object Lock retention until it expires, where the bucket has Object Lock); returns its location.</summary>
        public string Save(RestorePlan plan, CancellationToken ct)
        {
            var store = _stores(plan.Region);
            var bucket = BucketFor(plan.Region);
            return store.PutPlan(bucket, plan, Options(store, plan.Region, bucket, plan.ExpiresAt, ct), ct);
        }

        /// <summary>The stored plan of that id in its target region; null when there is none.</summary>
        public RestorePlan Get(string region, string planId, CancellationToken ct) =>
            _stores(region).GetPlan(BucketFor(region), planId, ct);

        /// <summary>Finds a plan by id in <paramref name="region"/>, else in each policy region. Null when no bucket holds it.</summary>
        public RestorePlan Find(string planId, string region, CancellationToken ct)
        {
            RestorePlanLayout.Check(planId);
            var regions = !string.IsNullOrEmpty(region) ? new[] { region } : _policy.Regions.ToArray();
            foreach (var r in regions)
            {
                if (string.IsNullOrEmpty(_policy.BucketFor(r))) continue;
                var plan = Get(r, planId, ct);
                if (plan != null) return plan;
            }
            return null;
        }

        public IReadOnlyList<RestoreApproval> Approvals(RestorePlan plan, CancellationToken ct) =>
            _stores(plan.Region).ListApprovals(BucketFor(plan.Region), plan.PlanId, ct);

        /// <summary>Stores the approval beside the plan (Object Lock retention until it expires, where the bucket has it).</summary>
        public void Save(RestorePlan plan, RestoreApproval approval, CancellationToken ct)
        {
            var store = _stores(plan.Region);
            var bucket = BucketFor(plan.Region);
            store.PutApproval(bucket, approval, Options(store, plan.Region, bucket, approval.ValidUntil, ct), ct);
        }
    }
}
