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
    /// Makes a restore plan (maker-checker, step 1): every resource to create from the piped recovery points, where, with an
    /// estimated duration from the data size and the policy's Restore figures, the requester's identity from STS and a
    /// content hash. One plan per application. Stores it in the target region's backup bucket so another person can approve it.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "FinRestorePlan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(RestorePlan))]
    public sealed class NewFinRestorePlanCommand : RestorePlanCmdlet
    {
        private readonly List<FinRecoveryPoint> _points = new List<FinRecoveryPoint>();

        [Parameter(Mandatory = true, ValueFromPipeline = true, HelpMessage = "The recovery points to restore (from Get-FinRecoveryPoint).")]
        [ValidateNotNull]
        public FinRecoveryPoint[] InputObject { get; set; }

        [Parameter(Mandatory = true, HelpMessage = "The backup policy (Import-FinBackupPolicy): its buckets and KMS keys say where plans are stored, its application's RTO and RestoreApprovers, and its Restore table the estimate figures and validity...")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>RDS points: the new DB instance identifier (default &lt;source&gt;-restored-&lt;yyyyMMddHHmm&gt;).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TargetDBInstanceIdentifier { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DBInstanceClass { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string SubnetId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string InstanceType { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string AvailabilityZone { get; set; }

        /// <summary>FileBackup points: the directory to restore to.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var p in InputObject ?? new FinRecoveryPoint[0])
            {
                if (p != null) _points.Add(p);
            }
        }

        protected override void EndProcessing()
        {
            if (_points.Count == 0) return;
            var target = Region;
            RegionFor(_points[0].Region, Policy); // the connection's default region: -Region, the first point's, the policy's
            string requester;
            try
            {
                requester = CallerArn();
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, this);
                return;
            }
            var targets = new RestoreTargets
            {
                Region = target,
                TargetDBInstanceIdentifier = TargetDBInstanceIdentifier,
                DBInstanceClass = DBInstanceClass,
                SubnetId = SubnetId,
                InstanceType = InstanceType,
                AvailabilityZone = AvailabilityZone,
                Destination = string.IsNullOrEmpty(Destination) ? null : GetUnresolvedProviderPathFromPSPath(Destination),
            };
            var builder = new RestorePlanBuilder();
            var repository = Repository(Policy);
            foreach (var group in _points.GroupBy(p => p.Application ?? string.Empty, StringComparer.OrdinalIgnoreCase))
            {
                try
                {
                    var points = group.GroupBy(p => p.Region + "|" + p.RecoveryPointId, StringComparer.Ordinal).Select(g => g.First()).ToList();
                    foreach (var p in points) FillFileBackupSize(p);
                    var plan = builder.Build(Policy, group.Key, points, targets, requester);
                    WriteVerbose($"Plan {plan.PlanId} for '{plan.Application}': {plan.Items.Count} item(s), estimated {plan.EstimatedDuration}, RTO {plan.TargetRto?.ToString() ?? "not stated"}, SHA-256 {plan.ContentHash}.");
                    if (ShouldProcess($"s3://{repository.BucketFor(plan.Region)}/{RestorePlanLayout.PlanKey(plan.PlanId)}",
                            $"Store restore plan {plan.PlanId} ({plan.Items.Count} resource(s) for '{plan.Application}' in {plan.Region})"))
                    {
                        var where = repository.Save(plan, CancellationToken);
                        RestoreAudit.Planned(AuditTrailFor(Policy), plan, CancellationToken);
                        WriteVerbose($"Stored {where} (SSE-KMS). Approve it with: Get-FinRestorePlan -PlanId {plan.PlanId} -Policy $policy | Approve-FinRestore -Policy $policy");
                    }
                    WriteObject(plan);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, group.Key);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        /// <summary>File points carry no size: the manifest lists every file's, so the estimate uses the real data size.</summary>
        private void FillFileBackupSize(FinRecoveryPoint p)
        {
            if (p.Kind != RecoveryPointKind.FileBackup || p.SizeGiB.HasValue || string.IsNullOrEmpty(p.Bucket)) return;
            try
            {
                var manifest = Session.Get<IFileBackupStore>(p.Region).GetManifest(p.Bucket, p.RecoveryPointId, CancellationToken);
                p.SizeGiB = manifest.Files.Sum(f => (double)f.Size) / (1024.0 * 1024 * 1024);
            }
            catch (FinBackupException ex)
            {
                WriteVerbose($"Could not read the manifest of {p.RecoveryPointId} for its size ({ex.Message}); the estimate assumes 0 GiB.");
            }
        }
    }
}
