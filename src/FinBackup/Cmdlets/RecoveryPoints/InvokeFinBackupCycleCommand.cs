using System;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// One run of the backup cycle (what a scheduler runs): for each application whose window is due, snapshot, copy to
    /// the DR region, expire. Returns a FinBackupCycleSummary per application.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FinBackupCycle", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FinBackupCycleSummary))]
    public sealed class InvokeFinBackupCycleCommand : RecoveryPointCmdlet
    {
        private const string Activity = "FinBackup cycle";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Do not publish CloudWatch metrics for this run (the policy's Metrics.Enabled = $false does the same for every run).</summary>
        [Parameter]
        public SwitchParameter NoMetrics { get; set; }

        protected override void ProcessRecord()
        {
            if (string.IsNullOrEmpty(Policy.PrimaryRegion))
                Fail("FinPolicyPrimaryRegionMissing", FinErrorKind.InvalidArgument, $"Policy '{Policy}' has no primary region.", "Set PrimaryRegion in the policy.", Policy);
            if (string.IsNullOrEmpty(base.Region)) base.Region = Policy.PrimaryRegion;
            var session = Session;
            var cycle = new BackupCycle(BuildRuntime(Policy), r => session.Get<IProtectedResourceFinder>(r));
            try
            {
                var summaries = cycle.Run(Policy, new BackupCycleCallbacks
                {
                    ShouldProcess = (target, action) => ShouldProcess(target, action),
                    Progress = (step, i, n) => WriteFinProgress(1, Activity, step, n == 0 ? 0 : i * 100 / n, Policy.Name),
                    Error = (ex, target) => WriteFinError(ex, target),
                    Warning = text => WriteWarning(text),
                }, CancellationToken);
                foreach (var s in summaries) WriteObject(s);
                if (!NoMetrics && Policy.Metrics.Enabled) Unattended.CycleMetrics.Publish(this, session, Policy, summaries, CancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, Policy);
            }
            catch (Exception ex) when (!(ex is System.Management.Automation.PipelineStoppedException))
            {
                // Never an unhandled .NET exception: whatever escaped the cycle becomes one FinBackup error.
                WriteFinError(FinBackupException.From(ex, $"Invoke-FinBackupCycle for policy '{Policy.Name}'"), Policy);
            }
            finally
            {
                CompleteFinProgress(1, Activity);
            }
        }
    }
}
