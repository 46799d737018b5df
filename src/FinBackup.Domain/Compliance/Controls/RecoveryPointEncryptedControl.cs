using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>
    /// RecoveryPointEncrypted: every point and copy the application holds in the region is encrypted as AWS reports it, with
    /// the policy's KMS key for that region (compared by key ARN or key id once the policy's alias is resolved). File backups
    /// are listed from their manifests, which do not carry the key: they count as encrypted (every FinBackup write is SSE-KMS
    /// with the region's key and the bucket policy refuses others) and the evidence says so.
    /// </summary>
    public sealed class RecoveryPointEncryptedControl : ComplianceControl
    {
        public override string Name => ComplianceControls.RecoveryPointEncrypted;

        public override IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence e)
        {
            foreach (var region in e.Policy.Regions)
            {
                var key = e.Policy.KmsKeyFor(region);
                var target = key == null ? "encrypted (no key in the policy)" : "encrypted with " + key;
                var why = PointsUnavailable(e, region);
                if (why != null)
                {
                    yield return Finding(e, app, region, ComplianceStatus.Unknown, "not measured", target, new[] { Unavailable("Recovery points in " + region, why) }, null,
                        "Fix the access problem (Get-FinRecoveryPoint -Region " + region + " shows it) and run Test-FinCompliance again.");
                    continue;
                }
                var points = PointsOf(e, app, region).Where(p => p.State != RecoveryPointState.Failed && p.State != RecoveryPointState.Deleting).ToList();
                if (points.Count == 0)
                {
                    var none = ExpectedKinds(e.Policy, app, region).Count == 0;
                    yield return Finding(e, app, region, none ? ComplianceStatus.Compliant : ComplianceStatus.Unknown, "0 points", target, null, null,
                        none ? string.Empty : $"No point of '{app.Name}' in {region} to check; LastRecoveryPointCreated says why.");
                    continue;
                }
                if (key == null)
                {
                    yield return Finding(e, app, region, ComplianceStatus.NonCompliant, $"{points.Count} point(s), no key to compare", target, null, points.Select(p => p.RecoveryPointId),
                        $"Add '{region}' = 'alias/fin-backup' (a customer-managed key) to KmsKeys in the policy.");
                    continue;
                }
                e.KmsKeyArns.TryGetValue(region, out var keyArn);
                var unencrypted = new List<FinRecoveryPoint>();
                var otherKey = new List<FinRecoveryPoint>();
                var unresolved = new List<FinRecoveryPoint>();
                var fileBackups = 0;
                foreach (var p in points)
                {
                    if (!p.Encrypted) { unencrypted.Add(p); continue; }
                    if (string.IsNullOrEmpty(p.KmsKeyId))
                    {
                        if (p.Kind == RecoveryPointKind.FileBackup) { fileBackups++; continue; }
                        otherKey.Add(p);
                        continue;
                    }
                    var m = KeyMatches(p.KmsKeyId, key, keyArn);
                    if (m == null) unresolved.Add(p);
                    else if (m == false) otherKey.Add(p);
                }
                var items = new List<string>();
                items.AddRange(unencrypted.Select(p => $"{p.RecoveryPointId} ({p.Kind}, created {Iso(p.CreatedAt)}): not encrypted"));
                items.AddRange(otherKey.Select(p => $"{p.RecoveryPointId} ({p.Kind}, created {Iso(p.CreatedAt)}): key {p.KmsKeyId ?? "not reported"}"));
                items.AddRange(unresolved.Select(p => $"{p.RecoveryPointId} ({p.Kind}): key {p.KmsKeyId} not comparable ({key} could not be resolved)"));
                var good = points.Count - unencrypted.Count - otherKey.Count - unresolved.Count;
                items.Add($"{good} of {points.Count} point(s) encrypted with {keyArn ?? key}");
                if (fileBackups > 0) items.Add($"{fileBackups} file backup(s): manifests list no key; FinBackup writes every object SSE-KMS with {key}");
                var badIds = unencrypted.Concat(otherKey).Concat(unresolved).Select(p => p.RecoveryPointId).ToList();
                ComplianceStatus status;
                string advice;
                if (unencrypted.Count + otherKey.Count > 0)
                {
                    status = ComplianceStatus.NonCompliant;
                    advice = $"Unencrypted or wrongly keyed points cannot be fixed in place: take new points (Invoke-FinBackupCycle), copy them with {key}, and let the others expire (Remove-FinExpiredBackup). Enable EBS encryption by default in {region}.";
                }
                else if (unresolved.Count > 0)
                {
                    status = ComplianceStatus.Unknown;
                    advice = $"Allow kms:DescribeKey on {key} in {region} so the key's ARN can be compared.";
                }
                else
                {
                    status = ComplianceStatus.Compliant;
                    advice = string.Empty;
                }
                var measured = $"{unencrypted.Count} unencrypted, {otherKey.Count} other key, of {points.Count}";
                yield return Finding(e, app, region, status, measured, target, items, badIds.Count > 0 ? badIds : points.Select(p => p.RecoveryPointId), advice);
            }
        }

        /// <summary>True when <paramref name="reported"/> is the policy's key; null when it cannot be told (alias not resolved).</summary>
        public static bool? KeyMatches(string reported, string policyKey, string policyKeyArn)
        {
            if (string.IsNullOrEmpty(reported)) return false;
            if (Same(reported, policyKey) || Same(reported, policyKeyArn)) return true;
            var reportedId = KeyId(reported);
            var resolvedId = KeyId(policyKeyArn) ?? KeyId(policyKey);
            if (reportedId != null && resolvedId != null) return Same(reportedId, resolvedId);
            return null;
        }

        private static bool Same(string a, string b) => !string.IsNullOrEmpty(a) && !string.IsNullOrEmpty(b) && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        /// <summary>"arn:aws:kms:r:1:key/abc" -> "abc"; a bare key id as is; an alias -> null.</summary>
        private static string KeyId(string key)
        {
            if (string.IsNullOrEmpty(key)) return null;
            var i = key.IndexOf(":key/", StringComparison.OrdinalIgnoreCase);
            if (i >= 0) return key.Substring(i + 5);
            if (key.StartsWith("alias/", StringComparison.OrdinalIgnoreCase) || key.Contains(":alias/")) return null;
            return key.Contains(":") ? null : key;
        }
    }
}
