using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Takes a recovery point of an EC2 instance (crash-consistent EBS snapshot set, or an AMI) or an RDS DB instance
    /// (manual DB snapshot), tagged from the policy. Idempotent within the policy window.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "FinSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FinRecoveryPoint))]
    public sealed class NewFinSnapshotCommand : RecoveryPointCmdlet
    {
        private const string Activity = "Taking recovery points";
        private readonly List<FinRecoveryPoint> _toWaitFor = new List<FinRecoveryPoint>();
        private RecoveryPointRuntime _runtime;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The EC2 instance id (i-...) or RDS DB instance identifier to protect.")]
        [ValidateNotNullOrEmpty]
        [Alias("InstanceId", "DBInstanceIdentifier")]
        [ResourceIdCompleter]
        public string ResourceId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ApplicationCompleter]
        public string Application { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public FinResourceType? ResourceType { get => (FinResourceType?)_resourceType; set => _resourceType = (int?)value; }
        // Stored as an int, not as the enum: a field of a FinBackup.Domain value type makes PowerShell's scan of the module's
        // exported types load FinBackup.Domain before the module can choose its precompiled image (tests: CmdletAssemblyLayoutTests).
        private int? _resourceType;

        /// <summary>The object on the pipeline (a FinResource): its Region property says where the resource is.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject InputObject { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public BackupPolicy Policy { get; set; }

        [Parameter]
        [FinBackup.Common.Duration]
        public TimeSpan? Retention { get; set; }

        [Parameter]
        [ValidateSet("EbsSnapshotSet", "Ami", "RdsSnapshot")]
        public RecoveryPointKind? Kind { get => (RecoveryPointKind?)_kind; set => _kind = (int?)value; }
        // An int, as ResourceType's.
        private int? _kind;

        /// <summary>The file of the policy a piped resource came from (Get-FinResource sets it); used when -Policy is not given.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public string PolicyPath { get; set; }

        [Parameter]
        public SwitchParameter Reboot { get; set; }

        [Parameter]
        public SwitchParameter Wait { get; set; }

        protected override void BeginProcessing()
        {
            if (Retention.HasValue && Retention.Value <= TimeSpan.Zero)
            {
                Fail("FinSnapshotRetentionInvalid", FinErrorKind.InvalidArgument, $"-Retention must be positive; got {Retention}.", "Pass for example -Retention 12:00:00.", Retention);
            }
        }

        protected override void ProcessRecord()
        {
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Policy))) Policy = PolicyFromPipeline(null, PolicyPath, ResourceId, InputObject);
            if (Policy == null && !Retention.HasValue)
            {
                Fail("FinSnapshotRetentionRequired", FinErrorKind.InvalidArgument,
                    "New-FinSnapshot needs a policy (for tags, window and expiry) or -Retention.",
                    "Pipe resources from Get-FinResource (they carry their policy), or pass -Policy (Import-FinBackupPolicy ./finco.policy.psd1) or -Retention 12:00:00.", ResourceId);
            }
            if (ResourceType == FinResourceType.EbsVolume)
            {
                WriteVerbose($"Skipping volume {ResourceId}: volumes are snapshotted with their instance's snapshot set.");
                return;
            }
            var region = RegionFor(PipelineRegion(), Policy);
            var type = ResourceType ?? (ResourceId.StartsWith("i-", StringComparison.Ordinal) ? FinResourceType.Ec2Instance : FinResourceType.RdsDbInstance);
            var app = Policy != null && !string.IsNullOrEmpty(Application) ? Policy.FindApplication(Application) : null;
            IReadOnlyList<RecoveryPointKind> kinds;
            try
            {
                kinds = RecoveryPointTaker.KindsFor(type, app, Kind);
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, ResourceId);
                return;
            }
            _runtime = _runtime ?? BuildRuntime(Policy);
            var taker = new RecoveryPointTaker(_runtime);
            foreach (var kind in kinds)
            {
                try
                {
                    var result = taker.Take(new TakeRecoveryPointRequest
                    {
                        ResourceId = ResourceId, ResourceType = type, Region = region, Application = Application,
                        Policy = Policy, Retention = Retention, Reboot = Reboot,
                    }, kind, CancellationToken, confirmCreate: () => ShouldProcess($"{ResourceId} in {region}",
                        $"Take {kind}" + (Reboot && kind == RecoveryPointKind.Ami ? " (rebooting the instance)" : string.Empty)));
                    if (result.Point == null) continue; // declined (-WhatIf / -Confirm)
                    if (result.MetadataWarning != null) WriteWarning(result.MetadataWarning);
                    if (result.AlreadyExisted)
                        WriteVerbose($"{kind} {result.Point.RecoveryPointId} already covers {ResourceId} for window {result.Point.Window}; not taking another.");
                    CarryPolicy(result.Point, Policy);
                    SessionResults.Current.Remember(result.Point);
                    if (Wait) _toWaitFor.Add(result.Point);
                    else WriteObject(result.Point);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, ResourceId);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_toWaitFor.Count == 0) return;
            var taker = new RecoveryPointTaker(_runtime);
            var done = 0;
            try
            {
                foreach (var point in _toWaitFor)
                {
                    try
                    {
                        var finished = taker.WaitUntilDone(point, p =>
                            WriteFinProgress(1, Activity, $"{done} of {_toWaitFor.Count} complete", (done * 100 + (p.Progress ?? 0)) / _toWaitFor.Count,
                                $"{p.Kind} {p.RecoveryPointId} of {p.ResourceId}: {p.State} {p.Progress ?? 0}%"), CancellationToken);
                        CarryPolicy(finished, PolicyFromPipeline(null, null, null, point));
                        finished.PolicyPath = point.PolicyPath;
                        WriteObject(finished);
                    }
                    catch (FinBackupException ex)
                    {
                        WriteFinError(ex, point);
                    }
                    done++;
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

        private string PipelineRegion()
        {
            var p = InputObject?.Properties["Region"];
            var value = p?.Value as string;
            return string.IsNullOrEmpty(value) ? null : value;
        }
    }
}
