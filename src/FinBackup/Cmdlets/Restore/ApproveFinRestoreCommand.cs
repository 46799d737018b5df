using System;
using System.Globalization;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Restore;

namespace FinBackup.Cmdlets.Restore
{
    /// <summary>
    /// Approves a restore plan (maker-checker, step 2) with the approver's own credentials: records the approver's STS
    /// identity, the plan's content hash and a time limit as an object in the backup bucket. Refuses self-approval and
    /// principals not in the application's RestoreApprovers.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Approve, "FinRestore", DefaultParameterSetName = PlanSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(RestoreApproval))]
    public sealed class ApproveFinRestoreCommand : RestorePlanCmdlet
    {
        private const string PlanSet = "Plan";
        private const string IdSet = "Id";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PlanSet, HelpMessage = "The plan to approve (from New-FinRestorePlan or Get-FinRestorePlan).")]
        [ValidateNotNull]
        public RestorePlan Plan { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, HelpMessage = "The id of a stored plan to approve, instead of -Plan.")]
        [ValidateNotNullOrEmpty]
        public string PlanId { get; set; }

        [Parameter(Mandatory = true, HelpMessage = "The backup policy: the application's RestoreApprovers decide who may approve; its buckets and keys where the approval is stored; Restore.ApprovalValidity the longest approval.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>How long the approval lasts; at most (and by default) the policy's Restore.ApprovalValidity.</summary>
        [Parameter]
        [FinBackup.Common.Duration]
        public TimeSpan? ValidFor { get; set; }

        private string _approver;

        protected override void ProcessRecord()
        {
            var region = Region;
            RegionFor(Plan?.Region, Policy); // the connection's default region: -Region, the piped plan's, the policy's
            var id = Plan?.PlanId ?? PlanId;
            try
            {
                var repository = Repository(Policy);
                var stored = Plan != null ? repository.Get(Plan.Region, Plan.PlanId, CancellationToken) : repository.Find(PlanId, region, CancellationToken);
                if (stored == null && Plan == null)
                    throw new FinBackupException("FinRestorePlanNotFound", FinErrorKind.ObjectNotFound,
                        $"No restore plan {PlanId} is stored in the policy's backup buckets.", "Check the plan id, and pass -Region when the plan restores into another region.");
                var plan = Plan ?? stored;
                var app = Policy.FindApplication(plan.Application);
                if (app != null && (app.RestoreApprovers == null || app.RestoreApprovers.Count == 0))
                    throw new FinBackupException("FinRestoreApprovalNotRequired", FinErrorKind.InvalidOperation,
                        $"Policy '{Policy.Name}' lists no RestoreApprovers for '{plan.Application}': its restores need no approval.",
                        "Run Invoke-FinRestore -Plan directly (it asks for confirmation), or add RestoreApprovers to the policy.");
                _approver = _approver ?? CallerArn();
                var now = DateTime.UtcNow;
                var refusal = new RestorePlanGate().CheckApprover(plan, stored, _approver, Policy, now);
                if (refusal != null)
                {
                    RestoreAudit.Refused(AuditTrailFor(Policy), Domain.Audit.AuditActions.RestoreApproved, plan.PlanId, plan.Application, plan.Region, refusal,
                        plan.PlanId, ct: CancellationToken);
                    throw refusal;
                }

                var validity = Policy.Restore?.ApprovalValidity ?? new RestoreAssumptions().ApprovalValidity;
                if (ValidFor.HasValue && ValidFor.Value > TimeSpan.Zero && ValidFor.Value < validity) validity = ValidFor.Value;
                var approval = new RestoreApproval
                {
                    PlanId = plan.PlanId,
                    PlanHash = plan.ContentHash,
                    Approver = _approver,
                    ApprovedAt = now,
                    ValidUntil = now + validity,
                };
                var summary = $"Approve restore plan {plan.PlanId} of '{plan.Application}' requested by {plan.RequestedBy}: {plan.Items.Count} resource(s) in {plan.Region} " +
                              $"({string.Join("; ", plan.Items.ConvertAll(i => i.ResourceToCreate))}), valid until {approval.ValidUntil.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}";
                if (!ShouldProcess(plan.PlanId, summary)) return;
                repository.Save(plan, approval, CancellationToken);
                RestoreAudit.Approved(AuditTrailFor(Policy), plan, approval, CancellationToken);
                WriteVerbose($"Approval of {plan.PlanId} (hash {plan.ContentHash}) by {_approver} stored at {approval.Location}, valid until {approval.ValidUntil:o}.");
                WriteObject(approval);
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, (object)Plan ?? id);
            }
        }
    }
}
