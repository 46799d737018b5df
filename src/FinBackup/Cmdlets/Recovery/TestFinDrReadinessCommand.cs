using System;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Checks that each application could be rebuilt in the DR region now: a fresh blueprint in the DR bucket, DR copies
    /// within the RPO, the DR key usable, restore secrets replicated, quotas with headroom. One finding per problem.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "FinDrReadiness")]
    [OutputType(typeof(FinDrFinding))]
    public sealed class TestFinDrReadinessCommand : FinDrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy, from Import-FinBackupPolicy: its applications, tag key (default fin:application), regions, buckets and KMS keys.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [FinBackup.Completion.ApplicationCompleter]
        public string[] Application { get; set; }

        protected override void ProcessRecord()
        {
            RequirePrimaryRegion(Policy);
            var apps = SelectApplications(Policy, Application);
            var session = Session;
            var checker = new DrReadinessChecker(new DrReadinessPorts
            {
                Blueprints = r => session.Get<IRecoveryBlueprintStore>(r),
                RecoveryPoints = r => session.Get<IRecoveryPointProviders>(r),
                Kms = r => session.Get<IKmsKeyCheck>(r),
                Secrets = r => session.Get<ISecretReplicationProbe>(r),
                Capacity = r => session.Get<IDrCapacityProbe>(r),
            });
            try
            {
                var findings = checker.Check(Policy, apps, CancellationToken);
                foreach (var f in findings) WriteObject(f);
                WriteVerbose($"{apps.Count} application(s) checked in {Policy.DrRegion}: {findings.Count(f => f.Severity == PolicySeverity.Error)} error(s), {findings.Count(f => f.Severity == PolicySeverity.Warning)} warning(s).");
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
