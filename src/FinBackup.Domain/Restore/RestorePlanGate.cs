using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Restore
{
    /// <summary>The gate's answer: OK (with the approval it relied on, if any) or a refusal.</summary>
    public sealed class RestoreGateResult
    {
        public bool Allowed => Refusal == null;
        /// <summary>The refusal: a FinBackupException with its own error id, message and fix.</summary>
        public FinBackupException Refusal { get; set; }
        /// <summary>The approval the restore relies on; null when the application needs none.</summary>
        public RestoreApproval Approval { get; set; }
        /// <summary>True when the policy lists no RestoreApprovers for the application (direct restores, ConfirmImpact High).</summary>
        public bool ApprovalNotRequired { get; set; }
    }

    /// <summary>
    /// Maker-checker: whether a restore plan may run now, and whether a principal may approve it. One place for every rule:
    /// the plan must be the stored one, unchanged (content hash), not expired, and approved — for the plan's current hash,
    /// within the approval's time limit (never longer than the policy's Restore.ApprovalValidity after approval) — by a
    /// principal listed in the application's RestoreApprovers (checked against the policy as it is now) who is not the
    /// requester. Where the policy lists no approvers for the application, no approval is needed.
    /// <para>Refusals (error ids): FinRestorePlanNotFound, FinRestorePlanChanged, FinRestorePlanExpired, FinRestorePlanNotApproved,
    /// FinRestorePlanSelfApproved, FinRestoreApproverNotAllowed, FinRestoreApprovalExpired, FinRestorePlanApplicationUnknown.</para>
    /// </summary>
    public sealed class RestorePlanGate
    {
        /// <summary>Whether <paramref name="plan"/> may run at <paramref name="utcNow"/>.</summary>
        /// <param name="plan">The plan presented to Invoke-FinRestore.</param>
        /// <param name="stored">The plan as stored in the bucket (null when there is none).</param>
        /// <param name="approvals">The approvals stored for the plan id.</param>
        public RestoreGateResult Verify(RestorePlan plan, RestorePlan stored, IEnumerable<RestoreApproval> approvals, BackupPolicy policy, DateTime utcNow)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            var integrity = CheckIntegrity(plan, stored, policy, utcNow, out var app);
            if (integrity != null) return Refuse(integrity);
            if (app.RestoreApprovers == null || app.RestoreApprovers.Count == 0)
                return new RestoreGateResult { ApprovalNotRequired = true };

            var mine = (approvals ?? Enumerable.Empty<RestoreApproval>())
                .Where(a => a != null && string.Equals(a.PlanId, plan.PlanId, StringComparison.Ordinal))
                .OrderByDescending(a => a.ApprovedAt).ToList();
            if (mine.Count == 0)
                return Refuse(new FinBackupException("FinRestorePlanNotApproved", FinErrorKind.PermissionDenied,
                    $"Restore plan {plan.PlanId} ({plan.Application}) has no approval. '{plan.Application}' restores need an approval by one of: {List(app.RestoreApprovers)}.",
                    $"Ask one of them to run: Get-FinRestorePlan -PlanId {plan.PlanId} -Policy $policy | Approve-FinRestore -Policy $policy (with their own credentials), then run Invoke-FinRestore -Plan again."));

            var refusals = new List<FinBackupException>();
            foreach (var a in mine)
            {
                var why = CheckApproval(plan, a, app, policy, utcNow);
                if (why == null) return new RestoreGateResult { Approval = a };
                refusals.Add(why);
            }
            // Refused: report the most recent approval's reason, and mention the others.
            var first = refusals[0];
            if (refusals.Count == 1) return Refuse(first);
            var others = string.Join(" ", refusals.Skip(1).Select(r => r.Message));
            return Refuse(new FinBackupException(first.ErrorId, first.Kind, first.Message + " Other approvals: " + others, first.RecommendedAction));
        }

        /// <summary>Whether <paramref name="approverArn"/> may approve <paramref name="plan"/> now (Approve-FinRestore); null when yes.</summary>
        public FinBackupException CheckApprover(RestorePlan plan, RestorePlan stored, string approverArn, BackupPolicy policy, DateTime utcNow)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            var integrity = CheckIntegrity(plan, stored, policy, utcNow, out var app);
            if (integrity != null) return integrity;
            return CheckPrincipal(plan, approverArn, app);
        }

        private static FinBackupException CheckApproval(RestorePlan plan, RestoreApproval a, ApplicationPolicy app, BackupPolicy policy, DateTime utcNow)
        {
            if (!string.Equals(a.PlanHash, plan.ContentHash, StringComparison.OrdinalIgnoreCase))
                return new FinBackupException("FinRestorePlanChanged", FinErrorKind.SecurityError,
                    $"Restore plan {plan.PlanId} changed after {a.Approver} approved it: the approval is for content hash {Short(a.PlanHash)}, the plan is now {Short(plan.ContentHash)}.",
                    "An approval covers exactly the plan the approver saw. Have the changed plan approved again, or make a new plan with New-FinRestorePlan.");
            var who = CheckPrincipal(plan, a.Approver, app);
            if (who != null) return who;
            var validity = policy?.Restore?.ApprovalValidity ?? new RestoreAssumptions().ApprovalValidity;
            var until = a.ValidUntil;
            var cap = a.ApprovedAt + validity;
            if (cap < until) until = cap;
            if (utcNow >= until)
                return new FinBackupException("FinRestoreApprovalExpired", FinErrorKind.PermissionDenied,
                    $"The approval of restore plan {plan.PlanId} by {a.Approver} expired at {T(until)} (approved {T(a.ApprovedAt)}; approvals last {D(validity)}, Restore.ApprovalValidity in the policy).",
                    $"Ask an approver to approve it again: Get-FinRestorePlan -PlanId {plan.PlanId} -Policy $policy | Approve-FinRestore -Policy $policy.");
            return null;
        }

        private static FinBackupException CheckPrincipal(RestorePlan plan, string approverArn, ApplicationPolicy app)
        {
            if (string.IsNullOrEmpty(approverArn))
                return new FinBackupException("FinRestoreApproverNotAllowed", FinErrorKind.PermissionDenied,
                    $"An approval of restore plan {plan.PlanId} names no approver.", "Approve with Approve-FinRestore, which records the approver's identity from STS.");
            if (RestorePrincipal.Same(approverArn, plan.RequestedBy))
                return new FinBackupException("FinRestorePlanSelfApproved", FinErrorKind.SecurityError,
                    $"Restore plan {plan.PlanId} was requested and approved by the same principal, {approverArn}: a restore needs a second person.",
                    $"Ask another of '{plan.Application}''s RestoreApprovers ({List(app.RestoreApprovers)}) to approve it with their own credentials (e.g. Approve-FinRestore -ProfileName <theirs>).");
            if (!RestorePrincipal.Parse(approverArn).MatchesAny(app.RestoreApprovers))
                return new FinBackupException("FinRestoreApproverNotAllowed", FinErrorKind.PermissionDenied,
                    $"{approverArn} is not one of '{plan.Application}''s RestoreApprovers ({List(app.RestoreApprovers)}), so it cannot approve restore plan {plan.PlanId}.",
                    "Ask a listed approver to approve it, or add the principal (its ARN, its role's ARN or its role/user name) to RestoreApprovers in the policy.");
            return null;
        }

        /// <summary>Stored, unchanged, not expired, of a known application. Null when all holds.</summary>
        private static FinBackupException CheckIntegrity(RestorePlan plan, RestorePlan stored, BackupPolicy policy, DateTime utcNow, out ApplicationPolicy app)
        {
            app = null;
            if (stored == null)
                return new FinBackupException("FinRestorePlanNotFound", FinErrorKind.ObjectNotFound,
                    $"Restore plan {plan.PlanId} is not stored in the backup bucket, so it cannot have been approved.",
                    "Make the plan with New-FinRestorePlan (it stores it), or pass the -Policy and -Region the plan was made with.");
            var presented = RestorePlanHash.Compute(plan);
            var original = RestorePlanHash.Compute(stored);
            if (!string.Equals(presented, plan.ContentHash, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(original, stored.ContentHash, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(presented, original, StringComparison.OrdinalIgnoreCase))
                return new FinBackupException("FinRestorePlanChanged", FinErrorKind.SecurityError,
                    $"Restore plan {plan.PlanId} is not the plan that was stored: its content hashes to {Short(presented)}, the stored plan to {Short(original)} (recorded {Short(stored.ContentHash)}).",
                    "Plans cannot be edited after they are made. Make a new plan with New-FinRestorePlan and have it approved.");
            if (policy == null) throw new ArgumentNullException(nameof(policy));
            if (!string.IsNullOrEmpty(plan.PolicyName) && !string.IsNullOrEmpty(policy.Name)
                && !string.Equals(plan.PolicyName, policy.Name, StringComparison.OrdinalIgnoreCase))
                return new FinBackupException("FinRestorePlanApplicationUnknown", FinErrorKind.InvalidArgument,
                    $"Restore plan {plan.PlanId} was made under policy '{plan.PolicyName}', not '{policy.Name}'.",
                    $"Pass the policy the plan was made with (-Policy), whose RestoreApprovers decide who may approve it.");
            app = policy.FindApplication(plan.Application);
            if (app == null)
                return new FinBackupException("FinRestorePlanApplicationUnknown", FinErrorKind.InvalidArgument,
                    $"Restore plan {plan.PlanId} is for application '{plan.Application}', which policy '{policy.Name}' does not list.",
                    "Pass the policy the plan was made with; an application removed from the policy can no longer be restored by plan.");
            if (plan.ExpiresAt.HasValue && utcNow >= plan.ExpiresAt.Value)
                return new FinBackupException("FinRestorePlanExpired", FinErrorKind.PermissionDenied,
                    $"Restore plan {plan.PlanId} expired at {T(plan.ExpiresAt.Value)} (made {T(plan.CreatedAt)}; plans last Restore.PlanValidity in the policy).",
                    "Make a new plan with New-FinRestorePlan and have it approved.");
            return null;
        }

        private static RestoreGateResult Refuse(FinBackupException ex) => new RestoreGateResult { Refusal = ex };
        private static string List(IEnumerable<string> xs) => string.Join(", ", xs ?? Enumerable.Empty<string>());
        private static string Short(string hash) => string.IsNullOrEmpty(hash) ? "(none)" : hash.Length > 12 ? hash.Substring(0, 12) : hash;
        private static string T(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        private static string D(TimeSpan t) => t.TotalHours >= 1 && t.Minutes == 0 ? $"{(int)t.TotalHours}h" : $"{(int)t.TotalMinutes}m";
    }
}
