using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Policy
{
    /// <summary>The policy's Audit table: where the audit trail is written.</summary>
    public sealed partial class PolicyReader
    {
        private PolicyMap _auditNode;

        private void ReadAudit(PolicyNode node, string field)
        {
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field,
                    $"expected a table such as @{{ Bucket = 'fin-audit-use1'; Region = 'us-east-1' }}, not {node.Describe()}");
                return;
            }
            _auditNode = map;
            var a = _policy.Audit;
            ReadMap(map, field, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["Bucket"] = (e, f) => a.Bucket = ReadMatching(e.Value, f, BucketPattern, "an S3 bucket name such as 'fin-audit-use1'"),
                ["Region"] = (e, f) => a.Region = ReadRegion(e.Value, f),
                ["Prefix"] = (e, f) => a.Prefix = ReadAuditPrefix(e.Value, f) ?? a.Prefix,
                ["Retention"] = (e, f) => a.Retention = ReadDuration(e.Value, f) ?? a.Retention,
                ["Enabled"] = (e, f) => a.Enabled = ReadBool(e.Value, f) ?? a.Enabled,
            });
            if (a.Retention < TimeSpan.FromDays(1))
                Error(PolicyRules.ValidValue, map, field + ".Retention", "must be at least 1 day (Object Lock retains in whole days or more)", "Use e.g. Retention = '2557d' (7 years).");
        }

        private string ReadAuditPrefix(PolicyNode node, string field)
        {
            var p = ReadString(node, field);
            if (p == null) return null;
            if (p.StartsWith("/", StringComparison.Ordinal) || p.Contains("//") || p.Any(c => c < 0x20 || c == '\\'))
            {
                Error(PolicyRules.ValidValue, node, field, $"\"{p}\" is not a usable S3 key prefix (no leading '/', no '//', no '\\')", "Use e.g. Prefix = 'fin-audit/'.");
                return null;
            }
            return p.EndsWith("/", StringComparison.Ordinal) ? p : p + "/";
        }

        /// <summary>After the whole policy is read: the audit region needs a bucket and a KMS key.</summary>
        private void CheckAudit()
        {
            var a = _policy.Audit;
            if (!a.Enabled) return;
            var region = a.Region ?? _policy.PrimaryRegion;
            if (region == null) return;
            if (string.IsNullOrEmpty(a.Bucket) && string.IsNullOrEmpty(_policy.BucketFor(region)) && _auditNode != null)
                Error(PolicyRules.RequiredField, _auditNode, "Audit.Bucket",
                    $"no audit bucket: the policy has no bucket for {region} to default to",
                    $"Set Audit.Bucket, or Buckets = @{{ '{region}' = '...' }}.");
            if (_auditNode != null && string.IsNullOrEmpty(_policy.KmsKeyFor(region)))
                Error(PolicyRules.RequiredField, _auditNode, "Audit.Region",
                    $"the audit records are encrypted and their run digests signed with the policy's KMS key for {region}, and KmsKeys has none",
                    $"Add KmsKeys = @{{ '{region}' = 'alias/fin-backup' }}, or put the audit bucket in a region that has a key.");
        }
    }
}
