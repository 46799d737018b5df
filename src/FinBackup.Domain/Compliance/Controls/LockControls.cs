using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>
    /// VaultLock: where the application keeps AWS Backup points (BackupPlan; in the DR region when it is copied), the
    /// policy's vault exists there and is locked when the policy says VaultLock = $true. A policy without VaultLock asks
    /// for none: compliant, with advice.
    /// </summary>
    public sealed class VaultLockControl : ComplianceControl
    {
        public override string Name => ComplianceControls.VaultLock;

        public override IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence e)
        {
            foreach (var region in e.Policy.Regions)
            {
                var uses = ExpectedKinds(e.Policy, app, region).Contains(RecoveryPointKind.BackupVaultPoint);
                var vault = e.Policy.BackupVaultName;
                if (!uses)
                {
                    yield return Finding(e, app, region, ComplianceStatus.Compliant, "no AWS Backup points here", "not applicable", null, null, string.Empty);
                    continue;
                }
                if (string.IsNullOrEmpty(vault))
                {
                    yield return Finding(e, app, region, ComplianceStatus.NonCompliant, "no vault in the policy", "a vault", null, null, "Set BackupVaultName in the policy.");
                    continue;
                }
                var target = e.Policy.VaultLock ? $"vault {vault} locked" : $"vault {vault} (VaultLock = $false: no lock asked)";
                if (e.VaultUnavailable.TryGetValue(region, out var why))
                {
                    yield return Finding(e, app, region, ComplianceStatus.Unknown, "not measured", target, new[] { Unavailable($"Vault {vault} in {region}", why) }, null,
                        $"Allow backup:DescribeBackupVault on {vault} in {region} and run Test-FinCompliance again.");
                    continue;
                }
                e.Vaults.TryGetValue(region, out var v);
                if (v == null || !v.Exists)
                {
                    yield return Finding(e, app, region, ComplianceStatus.NonCompliant, "vault missing", target, new[] { $"no vault {vault} in {region}" }, null,
                        "Run Set-FinBackupPlan -Policy <policy>: it creates the vaults (and their lock) in both regions.");
                    continue;
                }
                var measured = v.Locked
                    ? "locked" + (v.MinRetentionDays != null ? $" (min {v.MinRetentionDays} d" + (v.MaxRetentionDays != null ? $", max {v.MaxRetentionDays} d" : string.Empty) + ")" : string.Empty)
                    : "not locked";
                var items = new[] { $"vault {vault} in {region}: {measured}" };
                if (!e.Policy.VaultLock)
                {
                    yield return Finding(e, app, region, ComplianceStatus.Compliant, measured, target, items, null,
                        v.Locked ? string.Empty : "The policy asks for no vault lock; records rules (SEC 17a-4) usually need one: set VaultLock = $true and run Set-FinBackupPlan.");
                    continue;
                }
                yield return Finding(e, app, region, v.Locked ? ComplianceStatus.Compliant : ComplianceStatus.NonCompliant, measured, target, items, null,
                    v.Locked ? string.Empty : "Run Set-FinBackupPlan -Policy <policy> (VaultLock = $true locks the vault, governance mode).");
            }
        }
    }

    /// <summary>
    /// ObjectLock: where the application keeps file backups (file sets; in the DR region when copied), the policy's backup
    /// bucket of that region has S3 Object Lock enabled, so FinBackup writes each object with retention until its expiry.
    /// </summary>
    public sealed class ObjectLockControl : ComplianceControl
    {
        public override string Name => ComplianceControls.ObjectLock;

        public override IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence e)
        {
            foreach (var region in e.Policy.Regions)
            {
                var uses = ExpectedKinds(e.Policy, app, region).Contains(RecoveryPointKind.FileBackup);
                if (!uses)
                {
                    yield return Finding(e, app, region, ComplianceStatus.Compliant, "no file backups here", "not applicable", null, null, string.Empty);
                    continue;
                }
                var bucket = e.Policy.BucketFor(region);
                if (string.IsNullOrEmpty(bucket))
                {
                    yield return Finding(e, app, region, ComplianceStatus.NonCompliant, "no bucket in the policy", "Object Lock enabled", null, null,
                        $"Add '{region}' = '<bucket>' to Buckets in the policy.");
                    continue;
                }
                var target = $"Object Lock enabled on {bucket}";
                if (e.BucketUnavailable.TryGetValue(region, out var why))
                {
                    yield return Finding(e, app, region, ComplianceStatus.Unknown, "not measured", target, new[] { Unavailable($"Bucket {bucket}", why) }, null,
                        $"Allow s3:GetBucketObjectLockConfiguration on {bucket} and run Test-FinCompliance again.");
                    continue;
                }
                e.Buckets.TryGetValue(region, out var b);
                var enabled = b != null && b.ObjectLockEnabled;
                var measured = enabled ? $"enabled ({b.Mode ?? "GOVERNANCE"})" : "not enabled";
                yield return Finding(e, app, region, enabled ? ComplianceStatus.Compliant : ComplianceStatus.NonCompliant, measured, target,
                    new[] { $"s3://{bucket} in {region}: Object Lock {measured}" }, null,
                    enabled ? string.Empty
                        : $"Enable Object Lock on {bucket} (versioning on, then aws s3api put-object-lock-configuration --bucket {bucket} --object-lock-configuration ObjectLockEnabled=Enabled); FinBackup then writes retention until each backup's expiry.");
            }
        }
    }
}
