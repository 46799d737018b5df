using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amazon.SecurityToken.Model;
using FinBackup.Aws.Services.Backup;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>AWS Backup vaults, vault lock, plans and tag selections through FinBackup's Backup protocol client.</summary>
    [Gateway(typeof(IBackupPlanGateway))]
    public sealed class BackupPlanGateway : IBackupPlanGateway
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public BackupPlanGateway(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        private BackupClient Backup => _context.Backup(_region);

        public string EnsureVault(string vaultName, string kmsKeyId, CancellationToken cancellationToken)
        {
            var existing = Backup.DescribeBackupVaultAsync(vaultName, cancellationToken).GetAwaiter().GetResult();
            if (existing != null) return existing.Arn;
            var created = Backup.CreateBackupVaultAsync(vaultName, KeyArn(kmsKeyId, cancellationToken),
                new Dictionary<string, string> { [FinTags.ManagedBy] = FinTags.ManagedByValue }, "fin-" + vaultName, cancellationToken).GetAwaiter().GetResult();
            return created.Arn;
        }

        public void LockVault(string vaultName, long minRetentionDays, CancellationToken cancellationToken) =>
            Backup.PutBackupVaultLockConfigurationAsync(vaultName, minRetentionDays, null, null, cancellationToken).GetAwaiter().GetResult();

        public void UpsertPlan(FinBackupPlanSpec spec, string drVaultArn, FinBackupPlanResult result, CancellationToken cancellationToken)
        {
            var definition = ToDefinition(spec, drVaultArn);
            var existing = Backup.ListBackupPlansAsync(cancellationToken).GetAwaiter().GetResult()
                .FirstOrDefault(p => string.Equals(p.Name, spec.PlanName, StringComparison.Ordinal));
            BackupPlanInfo info;
            if (existing == null)
            {
                info = Backup.CreateBackupPlanAsync(definition, spec.Tags, cancellationToken).GetAwaiter().GetResult();
                result.Action = "Created";
            }
            else
            {
                info = Backup.UpdateBackupPlanAsync(existing.PlanId, definition, cancellationToken).GetAwaiter().GetResult();
                if (string.IsNullOrEmpty(info.PlanId)) info.PlanId = existing.PlanId;
                if (string.IsNullOrEmpty(info.PlanArn)) info.PlanArn = existing.PlanArn;
                result.Action = "Updated";
            }
            result.PlanId = info.PlanId;
            result.PlanArn = info.PlanArn;
            result.VersionId = info.VersionId;
        }

        public string EnsureSelection(string planId, FinBackupPlanSpec spec, string iamRoleArn, CancellationToken cancellationToken)
        {
            var role = iamRoleArn ?? DefaultRole(cancellationToken);
            return Backup.CreateBackupSelectionAsync(planId, new BackupSelectionDefinition
            {
                SelectionName = spec.SelectionName,
                IamRoleArn = role,
                TagConditions = { [spec.SelectionTagKey] = spec.SelectionTagValue },
            }, "fin-" + planId + "-" + spec.SelectionName, cancellationToken).GetAwaiter().GetResult();
        }

        /// <summary>The plan as the Backup client sends it (public so the request can be checked against the service model).</summary>
        public static BackupPlanDefinition ToDefinition(FinBackupPlanSpec spec, string drVaultArn)
        {
            var plan = new BackupPlanDefinition { Name = spec.PlanName };
            foreach (var r in spec.Rules)
            {
                var rule = new BackupRuleDefinition
                {
                    RuleName = r.RuleName,
                    TargetVaultName = spec.VaultName,
                    ScheduleExpression = r.ScheduleExpression,
                    StartWindowMinutes = r.StartWindowMinutes,
                    CompletionWindowMinutes = r.CompletionWindowMinutes,
                    DeleteAfterDays = r.DeleteAfterDays,
                    RecoveryPointTags = r.RecoveryPointTags,
                };
                if (r.CopyToDr && !string.IsNullOrEmpty(drVaultArn))
                    rule.CopyActions.Add(new BackupCopyActionDefinition { DestinationVaultArn = drVaultArn, DeleteAfterDays = r.CopyDeleteAfterDays });
                plan.Rules.Add(rule);
            }
            return plan;
        }

        private string KeyArn(string kmsKeyId, CancellationToken ct)
        {
            if (string.IsNullOrEmpty(kmsKeyId) || kmsKeyId.StartsWith("arn:", StringComparison.Ordinal)) return kmsKeyId;
            // Vaults take a key ARN: resolve an alias or key id in this region.
            try
            {
                var d = _context.Kms(_region).DescribeKeyAsync(new Amazon.KeyManagementService.Model.DescribeKeyRequest { KeyId = kmsKeyId }, ct).GetAwaiter().GetResult();
                return d.KeyMetadata.Arn;
            }
            catch (Amazon.Runtime.AmazonServiceException ex)
            {
                throw new FinBackupException("FinKmsKeyNotFound", FinErrorKind.ObjectNotFound,
                    $"KMS key '{kmsKeyId}' was not found in {_region}: {ex.Message}", $"Create the key (alias) in {_region} or fix KmsKeys in the policy.", ex);
            }
        }

        private string DefaultRole(CancellationToken ct)
        {
            var id = _context.Sts(_region).GetCallerIdentityAsync(new GetCallerIdentityRequest(), ct).GetAwaiter().GetResult();
            return $"arn:aws:iam::{id.Account}:role/service-role/AWSBackupDefaultServiceRole";
        }
    }
}
