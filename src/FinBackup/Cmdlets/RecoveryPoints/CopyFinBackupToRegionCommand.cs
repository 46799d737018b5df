using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Copies recovery points to another region (default the policy's DR region), re-encrypted with the destination key,
    /// with tags and lineage, queued under the service's concurrent-copy limits. Idempotent; emits the copies.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "FinBackupToRegion", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FinRecoveryPoint))]
    public sealed class CopyFinBackupToRegionCommand : RecoveryPointCmdlet
    {
        private const string Activity = "Copying recovery points";
        private readonly List<FinRecoveryPoint> _points = new List<FinRecoveryPoint>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The points to copy (from Get-FinRecoveryPoint or New-FinSnapshot).")]
        [ValidateNotNull]
        public FinRecoveryPoint[] RecoveryPoint { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [RegionCompleter]
        public string DestinationRegion { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string KmsKeyId { get; set; }

        /// <summary>Default destination and key; binds by property name from points that carry their policy.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public BackupPolicy Policy { get; set; }

        private BackupPolicy _policy;

        /// <summary>The file of the policy a piped point came from (New-FinSnapshot, Get-FinRecoveryPoint -Policy set it).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public string PolicyPath { get; set; }

        [Parameter]
        public SwitchParameter Wait { get; set; }

        protected override void ProcessRecord()
        {
            _policy = _policy ?? PolicyFromPipeline(Policy, PolicyPath, PolicyPath, RecoveryPoint?.FirstOrDefault(p => p != null));
            foreach (var p in RecoveryPoint)
            {
                if (p != null) _points.Add(p);
            }
        }

        protected override void EndProcessing()
        {
            if (_points.Count == 0) return;
            ValidateRegion(DestinationRegion, "-DestinationRegion");
            var request = Request();
            string dest = null, key = null;
            try
            {
                dest = CopyCoordinator.ResolveDestination(request);
                key = CopyCoordinator.ResolveKey(request, dest);
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, DestinationRegion ?? (object)_policy);
            }
            // The connection's default region (every call names its region): -Region, the first point's, the policy's...
            RegionFor(_points[0].Region, _policy);
            var selected = _points;
            request.Warning = WriteWarning;
            request.ConfirmStart = (p, to) => ShouldProcess($"{p.Kind} {p.RecoveryPointId} ({p.Region})", $"Copy to {to} encrypted with {key}");
            try
            {
                // Each copy goes down the pipeline as soon as it is done (with -Wait: complete), not all at the end.
                new CopyCoordinator(BuildRuntime(_policy)).Copy(selected, request,
                    (done, total, status) => WriteFinProgress(1, Activity, status, total == 0 ? 100 : done * 100 / total, $"to {dest}"), CancellationToken,
                    o => Emit(o, dest));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, dest);
                return;
            }
            finally
            {
                CompleteFinProgress(1, Activity);
            }
        }

        private void Emit(CopyOutcome o, string dest)
        {
            if (o.Error != null) WriteFinError(o.Error, o.Source);
            else if (o.Copy != null)
            {
                if (o.Status == CopyStatus.AlreadyCopied)
                    WriteVerbose($"{o.Source.RecoveryPointId} already has a copy in {dest}: {o.Copy.RecoveryPointId}.");
                CarryPolicy(o.Copy, _policy);
                SessionResults.Current.Remember(o.Copy);
                WriteObject(o.Copy);
            }
        }

        private CopyToRegionRequest Request() => new CopyToRegionRequest
        {
            DestinationRegion = DestinationRegion, KmsKeyId = KmsKeyId, Policy = _policy ?? Policy, Wait = Wait,
        };
    }
}
