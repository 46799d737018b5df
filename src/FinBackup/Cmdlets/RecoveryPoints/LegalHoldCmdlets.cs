using System;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

using FinBackup.Completion;

namespace FinBackup.Cmdlets
{
    /// <summary>Shared by Set-/Clear-FinLegalHold and Remove-FinRecoveryPoint: one point, from the pipeline or by id.</summary>
    public abstract class ChosenPointCmdlet : RecoveryPointCmdlet
    {
        /// <summary>A point from Get-FinRecoveryPoint (it carries its id, kind, region and policy).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Point", HelpMessage = "A recovery point from Get-FinRecoveryPoint (it carries its id, kind, region and policy).")]
        [ValidateNotNull]
        public FinRecoveryPoint InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id", HelpMessage = "The point's id: snapshot-set id, AMI id, DB snapshot identifier or file-backup manifest key.")]
        [ValidateNotNullOrEmpty]
        [RecoveryPointIdCompleter]
        public string RecoveryPointId { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id", HelpMessage = "The point's kind: EbsSnapshotSet, Ami, RdsSnapshot or FileBackup.")]
        public RecoveryPointKind Kind { get => (RecoveryPointKind)_kind; set => _kind = (int)value; }
        // Stored as an int, not as the enum: a field of a FinBackup.Domain value type makes PowerShell's scan of the module's
        // exported types load FinBackup.Domain before the module can choose its precompiled image (tests: CmdletAssemblyLayoutTests).
        private int _kind;

        /// <summary>The policy whose audit trail records the change; default the piped point's policy.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public BackupPolicy Policy { get; set; }

        private RecoveryPointRuntime _runtime;

        /// <summary>
        /// ShouldProcess, except that -Force (without an explicit -Confirm) skips the prompt; -WhatIf and $WhatIfPreference
        /// still only report.
        /// </summary>
        protected bool ConfirmChange(string target, string action, bool force) => ShouldProcessUnlessForced(force, target, action);

        /// <summary>The chosen point as AWS has it now, or null after writing the error.</summary>
        protected FinRecoveryPoint Resolve(out RecoveryPointAdministration admin)
        {
            var id0 = InputObject?.RecoveryPointId ?? RecoveryPointId;
            var policy = PolicyFromPipeline(Policy, InputObject?.PolicyPath, id0, InputObject);
            var region = RegionOfPoint(InputObject?.Region, policy);
            _runtime = _runtime ?? BuildRuntime(policy);
            admin = new RecoveryPointAdministration(_runtime);
            var id = InputObject?.RecoveryPointId ?? RecoveryPointId;
            var kind = InputObject?.Kind ?? Kind;
            try
            {
                var point = admin.Find(region, kind, id, CancellationToken);
                CarryPolicy(point, policy);
                return point;
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, id);
                return null;
            }
        }
    }

    /// <summary>Puts one recovery point under legal hold (tag fin:legal-hold=true on the point and every member); audited.</summary>
    [Cmdlet(VerbsCommon.Set, "FinLegalHold", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Point")]
    [OutputType(typeof(FinRecoveryPoint))]
    public sealed class SetFinLegalHoldCommand : ChosenPointCmdlet
    {
        protected override void ProcessRecord()
        {
            var point = Resolve(out var admin);
            if (point == null) return;
            if (!ShouldProcess($"{point.Kind} {point.RecoveryPointId} in {point.Region}", "Set legal hold (fin:legal-hold=true)")) return;
            try
            {
                WriteObject(admin.SetLegalHold(point, true, CancellationToken));
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, point);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Releases one recovery point's legal hold (fin:legal-hold=false); retention may then expire it. Audited.</summary>
    [Cmdlet(VerbsCommon.Clear, "FinLegalHold", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Point")]
    [OutputType(typeof(FinRecoveryPoint))]
    public sealed class ClearFinLegalHoldCommand : ChosenPointCmdlet
    {
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var point = Resolve(out var admin);
            if (point == null) return;
            if (!ConfirmChange($"{point.Kind} {point.RecoveryPointId} in {point.Region}", "Clear legal hold (retention may then delete it)", Force)) return;
            try
            {
                WriteObject(admin.SetLegalHold(point, false, CancellationToken));
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, point);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// Deletes one chosen recovery point (and everything that belongs only to it). Refuses a point under legal hold
    /// (FinRemovePointLegalHold) and a point FinBackup does not manage (FinRemovePointUnmanaged). Audited.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "FinRecoveryPoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Point")]
    [OutputType(typeof(FinRecoveryPoint))]
    public sealed class RemoveFinRecoveryPointCommand : ChosenPointCmdlet
    {
        private const string Activity = "Removing recovery points";
        private int _done;

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the removed point to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var point = Resolve(out var admin);
            if (point == null) return;
            WriteFinProgress(1, Activity, $"{_done} removed", -1, $"{point.Kind} {point.RecoveryPointId} in {point.Region}");
            if (!ConfirmChange($"{point.Kind} {point.RecoveryPointId} in {point.Region}", "Delete recovery point", Force)) return;
            try
            {
                admin.Remove(point, CancellationToken);
                _done++;
                if (PassThru) WriteObject(point);
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, point);
            }
            catch (OperationCanceledException)
            {
            }
        }

        protected override void EndProcessing() => CompleteFinProgress(1, Activity);
    }
}
