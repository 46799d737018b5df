using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;

namespace FinBackup.Cmdlets.Restore
{
    /// <summary>
    /// Invoke-FinRestore -Plan: the maker-checker path. Before any change, the gate verifies that the plan is the stored one,
    /// unchanged, not expired, and approved within its time limit by a listed approver other than the requester (or that the
    /// policy lists no approvers for the application). Then each item's point is fetched by id through the providers and
    /// restored with the plan's parameters by <see cref="RestorePlannedItem"/>.
    /// </summary>
    public sealed partial class InvokeFinRestoreCommand
    {
        private const string PlanSet = "Plan";

        /// <summary>A plan from New-FinRestorePlan or Get-FinRestorePlan.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PlanSet, HelpMessage = "A restore plan from New-FinRestorePlan or Get-FinRestorePlan, approved where the policy lists RestoreApprovers.")]
        [ValidateNotNull]
        public RestorePlan Plan { get; set; }

        private (DateTime? PlannedAt, DateTime? ApprovedAt) _planTimes;

        private void RestorePlan()
        {
            var plan = Plan;
            if (Policy == null)
            {
                ThrowFinError(new FinBackupException("FinRestorePlanPolicyMissing", FinErrorKind.InvalidArgument,
                    $"Invoke-FinRestore -Plan needs the policy whose RestoreApprovers decide whether plan {plan.PlanId} may run.",
                    "Pass -Policy (Import-FinBackupPolicy ...), e.g. $plan | Invoke-FinRestore -Policy $policy."), plan);
            }
            RegionFor(plan.Region, Policy); // the connection's default region: -Region, the plan's, the policy's
            RestoreGateResult verdict;
            try
            {
                var repository = RestorePlanCmdlet.Repository(Policy, Session);
                var stored = repository.Get(plan.Region, plan.PlanId, CancellationToken);
                var approvals = stored == null ? new List<RestoreApproval>() : repository.Approvals(stored, CancellationToken);
                verdict = new RestorePlanGate().Verify(plan, stored, approvals, Policy, DateTime.UtcNow);
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, plan);
                return;
            }
            if (!verdict.Allowed)
            {
                RestoreAudit.Refused(AuditTrailFor(Policy), Domain.Audit.AuditActions.RestoreStarted, plan.PlanId, plan.Application, plan.Region, verdict.Refusal,
                    plan.PlanId, ct: CancellationToken);
                WriteFinError(verdict.Refusal, plan);
                return;
            }
            WriteVerbose(verdict.ApprovalNotRequired
                ? $"Restore plan {plan.PlanId} (SHA-256 {plan.ContentHash}) requested by {plan.RequestedBy}: policy '{Policy.Name}' lists no RestoreApprovers for '{plan.Application}', so it needs no approval."
                : $"Restore plan {plan.PlanId} (SHA-256 {plan.ContentHash}) requested by {plan.RequestedBy}, approved by {verdict.Approval.Approver} at {verdict.Approval.ApprovedAt:o}, valid until {verdict.Approval.ValidUntil:o} ({verdict.Approval.Location}).");

            _approval = RestoreApprovalContext.Of(plan, verdict);
            _planTimes = (plan.CreatedAt, verdict.Approval?.ApprovedAt);
            foreach (var item in plan.Items)
            {
                if (CancellationToken.IsCancellationRequested) return;
                FinRecoveryPoint point;
                try
                {
                    point = FetchPlannedPoint(item);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, item);
                    continue;
                }
                WriteVerbose($"Plan {plan.PlanId}: restoring {item.Kind} {item.RecoveryPointId} -> {item.ResourceToCreate}.");
                RestorePlannedItem(point, item.Parameters ?? new Dictionary<string, string>());
            }
        }

        /// <summary>The item's point, by id, through the providers of its source region.</summary>
        private FinRecoveryPoint FetchPlannedPoint(RestorePlanItem item)
        {
            var region = RegionOrDefault(item.SourceRegion);
            var provider = Session.Get<IRecoveryPointProviders>(region).Provider(item.Kind)
                ?? throw new FinBackupException("FinRecoveryPointKindNotSupported", FinErrorKind.NotImplemented,
                    $"No recovery-point provider for kind {item.Kind} is installed.", "Install the FinBackup version that made the plan.");
            var query = new RecoveryPointQuery { IncludeUnmanaged = true, BackupVaultName = Policy.BackupVaultName };
            query.RecoveryPointIds.Add(item.RecoveryPointId);
            var point = provider.List(query, CancellationToken)
                .FirstOrDefault(p => string.Equals(p.RecoveryPointId, item.RecoveryPointId, StringComparison.Ordinal));
            if (point == null)
                throw new FinBackupException("FinRestorePlanPointNotFound", FinErrorKind.ObjectNotFound,
                    $"The {item.Kind} point {item.RecoveryPointId} of the plan no longer exists in {region} (it may have expired).",
                    "Make a new plan from a current point (Get-FinRecoveryPoint ... | New-FinRestorePlan) and have it approved.");
            return point;
        }

        /// <summary>Restores one planned point with the plan's parameters (Invoke-FinRestore parameter names), as a direct restore would.</summary>
        private void RestorePlannedItem(FinRecoveryPoint point, IDictionary<string, string> parameters)
        {
            RestoreRequest request;
            try
            {
                request = RestoreRequest.FromParameters(parameters, Policy);
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, point);
                return;
            }
            request.Wait = Wait;
            request.PlannedAt = _planTimes.PlannedAt;
            request.ApprovedAt = _planTimes.ApprovedAt;
            RestoreOne(point, request);
        }
    }
}
