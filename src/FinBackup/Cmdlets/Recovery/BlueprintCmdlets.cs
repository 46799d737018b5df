using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;

namespace FinBackup.Cmdlets
{
    /// <summary>Shared by the DR cmdlets: the policy's applications selected by -Application (wildcards), unknown names as errors.</summary>
    public abstract class FinDrCmdlet : RecoveryPointCmdlet
    {
        internal IReadOnlyList<ApplicationPolicy> SelectApplications(BackupPolicy policy, string[] names) =>
            Common.ApplicationFilter.Select(policy, names, WriteFinError);

        internal void RequirePrimaryRegion(BackupPolicy policy)
        {
            if (string.IsNullOrEmpty(policy.PrimaryRegion))
                Fail("FinPolicyPrimaryRegionMissing", FinErrorKind.InvalidArgument, $"Policy '{policy}' has no primary region.", "Set PrimaryRegion in the policy.", policy);
            RegionFor(null, policy); // the connection's default region: -Region, else the policy's primary region
        }
    }

    /// <summary>
    /// Reads each application's stack from AWS (by the policy's tag and what hangs off its Auto Scaling group and load
    /// balancer) into a versioned recovery blueprint, writes it SSE-KMS to the backup bucket
    /// (fin-blueprints/&lt;app&gt;/&lt;timestamp&gt;.json and latest.json) and copies both to the DR bucket with the DR key.
    /// </summary>
    [Cmdlet(VerbsData.Export, "FinRecoveryBlueprint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FinRecoveryBlueprint))]
    public sealed class ExportFinRecoveryBlueprintCommand : FinDrCmdlet
    {
        private const string Activity = "Export recovery blueprints";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy, from Import-FinBackupPolicy: its applications, tag key (default fin:application), regions, buckets and KMS keys.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Applications to export (wildcards); default every application of the policy.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [FinBackup.Completion.ApplicationCompleter]
        public string[] Application { get; set; }

        protected override void ProcessRecord()
        {
            RequirePrimaryRegion(Policy);
            var region = RegionFor(null, Policy);
            var apps = SelectApplications(Policy, Application);
            var exporter = new BlueprintExporter();
            try
            {
                for (int i = 0; i < apps.Count; i++)
                {
                    CancellationToken.ThrowIfCancellationRequested();
                    var app = apps[i];
                    WriteFinProgress(1, Activity, app.Name, i * 100 / Math.Max(1, apps.Count), Policy.Name);
                    var target = $"s3://{Policy.BucketFor(region)}/{BlueprintLayout.Prefix(app.Name)}";
                    if (!ShouldProcess(target, $"Write the recovery blueprint of '{app.Name}' (read from {region})")) continue;
                    try
                    {
                        var dr = Policy.DrRegion;
                        var drStore = string.IsNullOrEmpty(dr) || string.Equals(dr, region, StringComparison.OrdinalIgnoreCase) ? null : Session.Get<IRecoveryBlueprintStore>(dr);
                        var exported = exporter.Export(Policy, app.Name, region, Session.Get<IRecoveryBlueprintReader>(region),
                            Session.Get<IRecoveryBlueprintStore>(region), drStore, CancellationToken);
                        AuditConfigurationChange(Policy, "RecoveryBlueprint", target, "Written", app.Name, region);
                        WriteObject(exported);
                    }
                    catch (FinBackupException ex)
                    {
                        WriteFinError(ex, app.Name);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                CompleteFinProgress(1, Activity);
            }
        }
    }

    /// <summary>Reads an application's recovery blueprint back: latest.json, or a given key, from the primary or the DR bucket.</summary>
    [Cmdlet(VerbsCommon.Get, "FinRecoveryBlueprint")]
    [OutputType(typeof(RecoveryBlueprint))]
    public sealed class GetFinRecoveryBlueprintCommand : FinDrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy, from Import-FinBackupPolicy: its applications, tag key (default fin:application), regions, buckets and KMS keys.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [FinBackup.Completion.ApplicationCompleter]
        public string[] Application { get; set; }

        /// <summary>A blueprint's key in the bucket (e.g. the Key of Export-FinRecoveryBlueprint's output); default latest.json.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Key { get; set; }

        protected override void ProcessRecord()
        {
            RequirePrimaryRegion(Policy);
            var region = RegionFor(null, Policy);
            var bucket = Policy.BucketFor(region);
            if (bucket == null)
                Fail("FinBlueprintBucketMissing", FinErrorKind.InvalidArgument, $"The policy '{Policy}' names no backup bucket for {region}.",
                    $"Add '{region}' = '<bucket>' to Buckets in the policy, or pass -Region with one of: {string.Join(", ", Policy.Buckets.Keys)}.", Policy);
            var store = Session.Get<IRecoveryBlueprintStore>(region);
            foreach (var app in SelectApplications(Policy, Application))
            {
                var key = Key ?? BlueprintLayout.LatestKey(app.Name);
                try
                {
                    var stored = store.Get(bucket, key, CancellationToken);
                    if (stored == null)
                    {
                        WriteFinError(new FinBackupException("FinBlueprintNotFound", FinErrorKind.ObjectNotFound,
                            $"There is no recovery blueprint of '{app.Name}' at s3://{bucket}/{key} ({region}).",
                            "Run Export-FinRecoveryBlueprint -Policy <policy> -Application '" + app.Name + "' first."), app.Name);
                        continue;
                    }
                    WriteVerbose($"s3://{bucket}/{key}: {stored.ServerSideEncryption} {stored.KmsKeyId}, SHA-256 {stored.Sha256}, written {stored.LastModified:u}.");
                    WriteObject(stored.Blueprint);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, app.Name);
                }
            }
        }
    }

    /// <summary>What changed between two recovery blueprints: one row per changed property (Tier, Item, Property, Old, New).</summary>
    [Cmdlet(VerbsData.Compare, "FinRecoveryBlueprint")]
    [OutputType(typeof(FinBlueprintChange))]
    public sealed class CompareFinRecoveryBlueprintCommand : FinCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, HelpMessage = "The earlier blueprint (Old values), from Get-FinRecoveryBlueprint.")]
        [ValidateNotNull]
        public RecoveryBlueprint ReferenceBlueprint { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, HelpMessage = "The later blueprint (New values), from Get-FinRecoveryBlueprint; can come from the pipeline.")]
        [ValidateNotNull]
        public RecoveryBlueprint DifferenceBlueprint { get; set; }

        protected override void ProcessRecord()
        {
            if (!string.Equals(ReferenceBlueprint.Application, DifferenceBlueprint.Application, StringComparison.OrdinalIgnoreCase))
            {
                WriteWarning($"Comparing blueprints of two applications: '{ReferenceBlueprint.Application}' and '{DifferenceBlueprint.Application}'.");
            }
            foreach (var c in BlueprintComparer.Compare(ReferenceBlueprint, DifferenceBlueprint)) WriteObject(c);
        }
    }
}
