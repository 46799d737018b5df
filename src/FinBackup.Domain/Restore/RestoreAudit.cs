using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using FinBackup.Domain.Audit;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// What a restore's approval was, as the audit trail records it: "Approved" (a valid approval of the plan was verified),
    /// "NotRequired" (the policy lists no RestoreApprovers for the application) or "Missing" (a restore refused for want of one).
    /// </summary>
    public sealed class RestoreApprovalContext
    {
        public const string Approved = "Approved";
        public const string NotRequired = "NotRequired";
        public const string Missing = "Missing";

        public string Approval { get; set; } = NotRequired;
        public string PlanId { get; set; }
        public string PlanHash { get; set; }
        public string ApprovedBy { get; set; }

        /// <summary>A direct restore (no plan) of an application that needs no approval.</summary>
        public static RestoreApprovalContext Direct { get; } = new RestoreApprovalContext();

        /// <summary>The context of a plan the gate let through.</summary>
        public static RestoreApprovalContext Of(RestorePlan plan, RestoreGateResult verdict) => new RestoreApprovalContext
        {
            Approval = verdict?.Approval != null ? Approved : NotRequired,
            PlanId = plan?.PlanId,
            PlanHash = plan?.ContentHash,
            ApprovedBy = verdict?.Approval?.Approver,
        };
    }

    /// <summary>
    /// The audit records of the restore lifecycle, one method per change: planned (New-FinRestorePlan), approved
    /// (Approve-FinRestore), refused or started, completed (Invoke-FinRestore), restored resources removed. The details carry
    /// what the RestoreApproved compliance control reads (approval, approvedBy, planId) with the keys of <see cref="AuditDetailKeys"/>.
    /// </summary>
    public static class RestoreAudit
    {
        public static AuditEvent Planned(AuditTrail trail, RestorePlan plan, CancellationToken ct = default(CancellationToken))
        {
            if (trail == null || plan == null) return null;
            var d = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AuditDetailKeys.PlanId] = plan.PlanId,
                [AuditDetailKeys.PlanHash] = plan.ContentHash,
                ["requestedBy"] = plan.RequestedBy,
                ["items"] = (plan.Items?.Count ?? 0).ToString(CultureInfo.InvariantCulture),
                ["recoveryPoints"] = plan.Items == null ? null : string.Join(",", plan.Items.ConvertAll(i => i.RecoveryPointId)),
            };
            if (plan.ExpiresAt.HasValue) d[AuditDetailKeys.ExpiresAt] = AuditTrail.Iso(plan.ExpiresAt.Value);
            return trail.Record(AuditActions.RestorePlanned, plan.PlanId, AuditResults.Succeeded, plan.Application, plan.Region, d, cancellationToken: ct);
        }

        public static AuditEvent Approved(AuditTrail trail, RestorePlan plan, RestoreApproval approval, CancellationToken ct = default(CancellationToken))
        {
            if (trail == null || plan == null || approval == null) return null;
            var d = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AuditDetailKeys.PlanId] = plan.PlanId,
                [AuditDetailKeys.PlanHash] = approval.PlanHash,
                [AuditDetailKeys.ApprovedBy] = approval.Approver,
                ["requestedBy"] = plan.RequestedBy,
                ["validUntil"] = AuditTrail.Iso(approval.ValidUntil),
                ["location"] = approval.Location,
            };
            return trail.Record(AuditActions.RestoreApproved, plan.PlanId, AuditResults.Succeeded, plan.Application, plan.Region, d, cancellationToken: ct);
        }

        /// <summary>An approval or a restore that was refused (self-approval, no approval, changed plan ...): nothing was restored.</summary>
        public static AuditEvent Refused(AuditTrail trail, string action, string target, string application, string region, FinBackupException refusal,
            string planId = null, RecoveryPointKind? kind = null, CancellationToken ct = default(CancellationToken))
        {
            if (trail == null) return null;
            var d = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AuditDetailKeys.Approval] = action == AuditActions.RestoreStarted ? RestoreApprovalContext.Missing : null,
                [AuditDetailKeys.PlanId] = planId,
                [AuditDetailKeys.Kind] = kind?.ToString(),
                ["reason"] = refusal?.Message,
            };
            return trail.Record(action, target, AuditResults.Refused, application, region, d, refusal?.ErrorId, cancellationToken: ct);
        }

        /// <summary>A restore about to make its first change (after confirmation; never under -WhatIf).</summary>
        public static AuditEvent Started(AuditTrail trail, string restoreId, RecoveryPointKind? kind, string sourcePointId, string application,
            string region, RestoreApprovalContext approval, string resourceToCreate = null, CancellationToken ct = default(CancellationToken))
        {
            if (trail == null) return null;
            approval = approval ?? RestoreApprovalContext.Direct;
            var d = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AuditDetailKeys.RestoreId] = restoreId,
                [AuditDetailKeys.Kind] = kind?.ToString(),
                [AuditDetailKeys.SourcePointId] = sourcePointId,
                [AuditDetailKeys.Approval] = approval.Approval,
                [AuditDetailKeys.ApprovedBy] = approval.ApprovedBy,
                [AuditDetailKeys.PlanId] = approval.PlanId,
                [AuditDetailKeys.PlanHash] = approval.PlanHash,
                ["resourceToCreate"] = resourceToCreate,
            };
            return trail.Record(AuditActions.RestoreStarted, sourcePointId ?? restoreId, AuditResults.Succeeded, application, region, d, cancellationToken: ct);
        }

        /// <summary>The restore's outcome: what it created, how long it took, whether the RTO was met (a failed one too).</summary>
        public static AuditEvent Completed(AuditTrail trail, FinRestoreResult result, RestoreApprovalContext approval, string errorId = null,
            CancellationToken ct = default(CancellationToken))
        {
            if (trail == null || result == null) return null;
            approval = approval ?? RestoreApprovalContext.Direct;
            var ok = errorId == null && result.Status != RestoreStatus.Failed;
            var d = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AuditDetailKeys.RestoreId] = result.RestoreId,
                [AuditDetailKeys.Kind] = result.Kind.ToString(),
                [AuditDetailKeys.SourcePointId] = result.SourceRecoveryPointId,
                [AuditDetailKeys.Approval] = approval.Approval,
                [AuditDetailKeys.ApprovedBy] = approval.ApprovedBy,
                [AuditDetailKeys.PlanId] = approval.PlanId,
                ["status"] = result.Status.ToString(),
                ["resourceIds"] = result.ResourceIds == null ? null : string.Join(",", result.ResourceIds),
                [AuditDetailKeys.Duration] = result.Duration.HasValue ? System.Xml.XmlConvert.ToString(result.Duration.Value) : null,
                ["targetRto"] = result.TargetRto.HasValue ? System.Xml.XmlConvert.ToString(result.TargetRto.Value) : null,
                ["rtoMet"] = result.RtoMet.HasValue ? (result.RtoMet.Value ? "true" : "false") : null,
                ["filesRestored"] = result.FilesRestored?.ToString(CultureInfo.InvariantCulture),
                ["filesFailed"] = result.FilesFailed?.ToString(CultureInfo.InvariantCulture),
            };
            return trail.Record(AuditActions.RestoreCompleted, result.SourceRecoveryPointId ?? result.RestoreId, ok ? AuditResults.Succeeded : AuditResults.Failed,
                result.Application, result.Region, d, errorId, cancellationToken: ct);
        }

        /// <summary>A resource a restore created, removed by Remove-FinRestoredResource (or its failed removal).</summary>
        public static AuditEvent ResourceRemoved(AuditTrail trail, FinRestoredResource resource, string errorId = null, CancellationToken ct = default(CancellationToken))
        {
            if (trail == null || resource == null) return null;
            var d = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AuditDetailKeys.RestoreId] = resource.RestoreId,
                [AuditDetailKeys.ResourceId] = resource.ResourceId,
                ["resourceType"] = resource.ResourceType,
            };
            return trail.Record(AuditActions.RestoredResourceRemoved, resource.ResourceId, errorId == null ? AuditResults.Succeeded : AuditResults.Failed,
                null, resource.Region, d, errorId, cancellationToken: ct);
        }
    }
}
