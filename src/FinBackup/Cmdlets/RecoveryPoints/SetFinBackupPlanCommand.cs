using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Creates or updates the AWS Backup vaults (both regions), vault lock, and one backup plan per application that asks
    /// for BackupPlan: schedule, lifecycle, copy to the DR vault, selection by the application tag.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "FinBackupPlan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FinBackupPlanResult))]
    public sealed class SetFinBackupPlanCommand : RecoveryPointCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy to apply.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ApplicationCompleter]
        public string[] Application { get; set; }

        /// <summary>The role AWS Backup assumes; default the account's AWSBackupDefaultServiceRole.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string IamRoleArn { get; set; }

        protected override void ProcessRecord()
        {
            if (string.IsNullOrEmpty(Policy.PrimaryRegion))
                Fail("FinPolicyPrimaryRegionMissing", FinErrorKind.InvalidArgument, $"Policy '{Policy}' has no primary region.", "Set PrimaryRegion in the policy.", Policy);
            RegionFor(null, Policy); // the connection's default region: -Region, else the policy's primary region
            var selected = ApplicationFilter.Select(Policy, Application, WriteFinError).Select(a => a.Name).ToList();
            if (Application != null && Application.Length > 0 && selected.Count == 0) return;
            var specs = BackupPlanBuilder.Build(Policy)
                .Where(s => selected.Contains(s.Application, StringComparer.OrdinalIgnoreCase)).ToList();
            if (specs.Count == 0)
            {
                WriteWarning($"No application of policy '{Policy}' asks for an AWS Backup plan (RecoveryPoints = 'BackupPlan'); nothing to set.");
                return;
            }
            var vaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var spec in specs)
            {
                var result = new FinBackupPlanResult
                {
                    PlanName = spec.PlanName, Application = spec.Application, Region = spec.Region, Rules = spec.Rules, Action = "WouldSet",
                    Notes = { "Hour-level expiry is Remove-FinExpiredBackup's job; AWS Backup keeps points whole days (at least 1)." },
                };
                if (!ShouldProcess($"AWS Backup plan '{spec.PlanName}' in {spec.Region}",
                        $"Create or update: {string.Join("; ", spec.Rules)}, vault '{spec.VaultName}'" + (spec.DrRegion != null ? $", copy to {spec.DrRegion}" : "")
                        + (Policy.VaultLock ? ", vault lock" : "") + $", select {spec.SelectionTagKey}={spec.SelectionTagValue}"))
                {
                    WriteObject(result);
                    continue;
                }
                try
                {
                    var minDays = spec.Rules.Min(r => r.DeleteAfterDays);
                    result.VaultArn = Vault(vaults, spec.Region, spec.VaultName, minDays, result);
                    if (spec.DrRegion != null) result.DrVaultArn = Vault(vaults, spec.DrRegion, spec.VaultName, minDays, result);
                    var gateway = Session.Get<IBackupPlanGateway>(spec.Region);
                    gateway.UpsertPlan(spec, result.DrVaultArn, result, CancellationToken);
                    result.SelectionId = gateway.EnsureSelection(result.PlanId, spec, IamRoleArn, CancellationToken);
                    AuditPlan(spec, result, null);
                    WriteObject(result);
                }
                catch (FinBackupException ex)
                {
                    AuditPlan(spec, result, ex.ErrorId);
                    WriteFinError(new FinBackupException(ex.ErrorId, ex.Kind, $"Setting AWS Backup plan '{spec.PlanName}' in {spec.Region} failed: {ex.Message}", ex.RecommendedAction, ex), spec.PlanName);
                    if (result.PlanId != null) WriteObject(result);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        /// <summary>One Policy.Changed record per AWS Backup plan set (or that failed half way).</summary>
        private void AuditPlan(FinBackupPlanSpec spec, FinBackupPlanResult result, string errorId) =>
            AuditConfigurationChange(Policy, "BackupPlan", spec.PlanName, result.Action, spec.Application, spec.Region, new Dictionary<string, string>
                {
                    ["backupPlanId"] = result.PlanId,
                    ["vault"] = spec.VaultName,
                    ["vaultArn"] = result.VaultArn,
                    ["drVaultArn"] = result.DrVaultArn,
                    ["selectionId"] = result.SelectionId,
                    ["rules"] = string.Join("; ", spec.Rules.Select(r => r.ToString())),
                }, errorId);

        private string Vault(Dictionary<string, string> cache, string region, string name, long minDays, FinBackupPlanResult result)
        {
            if (cache.TryGetValue(region, out var arn)) { result.VaultLocked = Policy.VaultLock; return arn; }
            var gateway = Session.Get<IBackupPlanGateway>(region);
            arn = gateway.EnsureVault(name, Policy.KmsKeyFor(region), CancellationToken);
            if (Policy.VaultLock)
            {
                gateway.LockVault(name, minDays, CancellationToken);
                result.VaultLocked = true;
            }
            cache[region] = arn;
            return arn;
        }
    }
}
