using System;
using System.Linq;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Connection;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// One run of the backup cycle (what a scheduler runs): for each application whose window is due, snapshot, copy to
    /// the DR region, expire. Returns a FinBackupCycleSummary per application.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FinBackupCycle", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FinBackupCycleSummary))]
    public sealed class InvokeFinBackupCycleCommand : RecoveryPointCmdlet
    {
        private const string Activity = "FinBackup cycle";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy to run.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Only these applications of the policy (wildcards allowed); default all. An unknown name is FinApplicationNotInPolicy.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ApplicationCompleter]
        public string[] Application { get; set; }

        /// <summary>Do not publish CloudWatch metrics for this run (the policy's Metrics.Enabled = $false does the same for every run).</summary>
        [Parameter]
        public SwitchParameter NoMetrics { get; set; }

        /// <summary>After the cycle, refresh each application's recovery blueprint (Export-FinRecoveryBlueprint) in both buckets.</summary>
        [Parameter]
        public SwitchParameter ExportBlueprint { get; set; }

        /// <summary>
        /// Remove expired points without asking. Without it the cycle asks before each removal (ConfirmImpact High) in an
        /// interactive shell; a scheduler passes -Force or -Confirm:$false. Taking and copying never ask unless -Confirm is given.
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (string.IsNullOrEmpty(Policy.PrimaryRegion))
                Fail("FinPolicyPrimaryRegionMissing", FinErrorKind.InvalidArgument, $"Policy '{Policy}' has no primary region.", "Set PrimaryRegion in the policy.", Policy);
            RegionFor(null, Policy); // the connection's default region: -Region, else the policy's primary region
            var selected = ApplicationFilter.Select(Policy, Application, WriteFinError).Select(a => a.Name).ToList();
            if (selected.Count == 0) return; // every -Application name was unknown (said above): nothing to run
            var session = Session;
            var cycle = new BackupCycle(BuildRuntime(Policy), r => session.Get<IProtectedResourceFinder>(r))
            {
                Verification = new CycleVerification(r => session.Get<IRecoveryPointVerifiers>(r), r => session.Get<IFileBackupStore>(r)),
            };
            try
            {
                var summaries = cycle.Run(Policy, new BackupCycleCallbacks
                {
                    // Taking and copying are what the cycle is for: asked only under -Confirm, listed under -WhatIf.
                    ShouldProcess = (target, action) => (!WhatIfRequested && !ConfirmRequested) || ShouldProcess(target, action),
                    // Removing asks at ConfirmImpact High unless -Force.
                    ShouldRemove = (target, action) => ShouldProcessUnlessForced(Force, target, action),
                    Progress = (step, i, n) => WriteFinProgress(1, Activity, step, n == 0 ? 0 : i * 100 / n, Policy.Name),
                    Error = (ex, target) => WriteFinError(ex, target),
                    Warning = text => WriteWarning(text),
                }, CancellationToken, selected);
                foreach (var s in summaries) WriteObject(s);
                if (!NoMetrics && Policy.Metrics.Enabled) Unattended.CycleMetrics.Publish(this, session, Policy, summaries, CancellationToken);
                if (ExportBlueprint) ExportBlueprints(session);
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

        /// <summary>Opt-in DR hook: one blueprint per application after the cycle; a failure is that application's error record only.</summary>
        private void ExportBlueprints(IAwsSession session)
        {
            var region = Policy.PrimaryRegion;
            var dr = Policy.DrRegion;
            var exporter = new Domain.Recovery.BlueprintExporter();
            foreach (var app in ApplicationFilter.Select(Policy, Application, (e, t) => { }))
            {
                if (!((!WhatIfRequested && !ConfirmRequested) || ShouldProcess(app.Name, "Refresh the recovery blueprint"))) continue;
                try
                {
                    var drStore = string.IsNullOrEmpty(dr) || dr == region ? null : session.Get<IRecoveryBlueprintStore>(dr);
                    var written = exporter.Export(Policy, app.Name, region, session.Get<IRecoveryBlueprintReader>(region), session.Get<IRecoveryBlueprintStore>(region), drStore, CancellationToken);
                    WriteVerbose($"Blueprint of '{app.Name}': s3://{written.Bucket}/{written.Key}" + (written.DrBucket != null ? $" and s3://{written.DrBucket}/{written.DrKey}" : string.Empty) + ".");
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(new FinBackupException("FinBlueprintExportFailed", FinErrorKind.ResourceUnavailable, $"The recovery blueprint of '{app.Name}' was not refreshed: {ex.Message}", ex.RecommendedAction, ex), app.Name);
                }
            }
        }
    }
}
