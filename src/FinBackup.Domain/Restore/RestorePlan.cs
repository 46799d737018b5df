using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// A restore as a maker proposes it (New-FinRestorePlan) and a checker approves it (Approve-FinRestore): every resource
    /// to create, from which point, where, and how long it should take. Stored as JSON in the policy's backup bucket of the
    /// target region (fin-restore/plans/&lt;PlanId&gt;.json). <see cref="ContentHash"/> binds approvals to this exact content.
    /// </summary>
    public sealed class RestorePlan
    {
        public string PlanId { get; set; }
        public string PolicyName { get; set; }
        public string Application { get; set; }
        /// <summary>The target region: where the resources are created.</summary>
        public string Region { get; set; }
        /// <summary>The requester's principal ARN, from STS GetCallerIdentity.</summary>
        public string RequestedBy { get; set; }
        public DateTime CreatedAt { get; set; }
        /// <summary>After this the plan can no longer be approved or run (the policy's Restore.PlanValidity); null: never.</summary>
        public DateTime? ExpiresAt { get; set; }
        /// <summary>One entry per resource to create, in restore order.</summary>
        public List<RestorePlanItem> Items { get; set; } = new List<RestorePlanItem>();
        /// <summary>Sum of the items' estimates (items are restored one after another).</summary>
        public TimeSpan EstimatedDuration { get; set; }
        /// <summary>The application's RTO from the policy, when it states one.</summary>
        public TimeSpan? TargetRto { get; set; }
        /// <summary>Lower-case hex SHA-256 of <see cref="RestorePlanHash.Canonical"/>.</summary>
        public string ContentHash { get; set; }

        /// <summary>Whether the estimate fits the RTO (null when the policy states none).</summary>
        public bool? FitsRto => TargetRto.HasValue ? EstimatedDuration <= TargetRto.Value : (bool?)null;

        public int ItemCount => Items?.Count ?? 0;

        public override string ToString() => PlanId;
    }

    /// <summary>One resource (or set of volumes) a plan creates.</summary>
    public sealed class RestorePlanItem
    {
        public string RecoveryPointId { get; set; }
        public RecoveryPointKind Kind { get; set; }
        public string SourceRegion { get; set; }
        public string TargetRegion { get; set; }
        /// <summary>The source resource (instance id, volume id, DB instance identifier, host).</summary>
        public string ResourceId { get; set; }
        /// <summary>What gets created, for people: "EBS volume x2 in us-east-1a", "DB instance cross-sell-db-restored db.r6g.xlarge".</summary>
        public string ResourceToCreate { get; set; }
        public double? SizeGiB { get; set; }
        public TimeSpan EstimatedDuration { get; set; }
        /// <summary>How the estimate was made, with the policy figures it used.</summary>
        public string EstimateBasis { get; set; }
        /// <summary>Invoke-FinRestore parameter names and values for this item (TargetDBInstanceIdentifier, SubnetId, Destination...).</summary>
        public IDictionary<string, string> Parameters { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The parameters as one line ("Destination=/restore; SubnetId=subnet-1"), sorted, for tables and CSV.</summary>
        public string ParameterText => Parameters == null ? string.Empty
            : string.Join("; ", Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

        public override string ToString() => ResourceToCreate;
    }

    /// <summary>
    /// One approval of one plan version by one principal (Approve-FinRestore), stored beside the plan at
    /// fin-restore/approvals/&lt;PlanId&gt;/&lt;approver hash&gt;.json.
    /// </summary>
    public sealed class RestoreApproval
    {
        public string PlanId { get; set; }
        /// <summary>The <see cref="RestorePlan.ContentHash"/> the approver saw.</summary>
        public string PlanHash { get; set; }
        /// <summary>The approver's principal ARN, from STS GetCallerIdentity with the approver's own credentials.</summary>
        public string Approver { get; set; }
        public DateTime ApprovedAt { get; set; }
        public DateTime ValidUntil { get; set; }
        /// <summary>Where the approval is stored (s3://bucket/key).</summary>
        public string Location { get; set; }

        public override string ToString() => $"{PlanId} approved by {Approver}";
    }
}
