using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// Where plans and approvals live in the policy's backup bucket of the plan's target region (SSE-KMS with the region's policy key):
    /// <list type="bullet">
    /// <item>fin-restore/plans/&lt;PlanId&gt;.json — the plan (JSON, format finbackup-restore-plan/1);</item>
    /// <item>fin-restore/approvals/&lt;PlanId&gt;/&lt;approver&gt;.json — one approval per approver (format finbackup-restore-approval/1),
    /// where &lt;approver&gt; is the first 16 hex digits of the SHA-256 of the approver's lower-case ARN (a re-approval replaces it).</item>
    /// </list>
    /// </summary>
    public static class RestorePlanLayout
    {
        public const string Prefix = "fin-restore/";
        public const string PlanPrefix = Prefix + "plans/";
        public const string ApprovalPrefixRoot = Prefix + "approvals/";
        private static readonly Regex PlanIdPattern = new Regex("^[A-Za-z0-9][A-Za-z0-9-]{0,127}$", RegexOptions.CultureInvariant);

        public static string PlanKey(string planId) => PlanPrefix + Check(planId) + ".json";

        public static string ApprovalPrefix(string planId) => ApprovalPrefixRoot + Check(planId) + "/";

        public static string ApprovalKey(string planId, string approverArn) => ApprovalPrefix(planId) + ApproverHash(approverArn) + ".json";

        public static string ApproverHash(string approverArn)
        {
            using (var sha = SHA256.Create())
            {
                var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes((approverArn ?? string.Empty).Trim().ToLowerInvariant()));
                var sb = new StringBuilder(16);
                for (var i = 0; i < 8; i++) sb.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
                return sb.ToString();
            }
        }

        /// <summary>Plan ids are letters, digits and hyphens (no slashes: they become S3 keys).</summary>
        public static string Check(string planId)
        {
            if (string.IsNullOrEmpty(planId) || !PlanIdPattern.IsMatch(planId))
                throw new FinBackupException("FinRestorePlanIdInvalid", FinErrorKind.InvalidArgument,
                    $"'{planId}' is not a restore plan id (letters, digits and hyphens, e.g. rplan-20261201T101500Z-1a2b3c4d).",
                    "Pass the PlanId New-FinRestorePlan printed.");
            return planId;
        }
    }
}
