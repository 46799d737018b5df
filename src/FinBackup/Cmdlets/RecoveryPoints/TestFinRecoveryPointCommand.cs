using System;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Checks recovery points from the pipeline, like restic check: structure and the existence of everything each point
    /// references (snapshot-set members, an AMI's block-device snapshots, the DB snapshot, a file backup's manifest and
    /// content objects); for file backups -ReadData reads content and compares SHA-256 (-Sample for a percentage of files).
    /// One FinRecoveryPointCheck per point.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "FinRecoveryPoint")]
    [OutputType(typeof(FinRecoveryPointCheck))]
    public sealed class TestFinRecoveryPointCommand : RecoveryPointCmdlet
    {
        private const string Activity = "Test-FinRecoveryPoint";
        private int _done;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The points to check (from Get-FinRecoveryPoint, New-FinSnapshot, Backup-FinFile).")]
        [ValidateNotNull]
        public FinRecoveryPoint[] RecoveryPoint { get; set; }

        /// <summary>File backups: read every referenced byte (or -Sample percent of the files) and compare SHA-256 with the manifest.</summary>
        [Parameter]
        public SwitchParameter ReadData { get; set; }

        /// <summary>With -ReadData: the percentage of files to read (at random; at least one).</summary>
        [Parameter]
        [ValidateRange(0.001, 100)]
        public double Sample { get; set; } = 100;

        protected override void ProcessRecord()
        {
            foreach (var point in RecoveryPoint)
            {
                if (point == null) continue;
                CancellationToken.ThrowIfCancellationRequested();
                var region = RegionOfPoint(point.Region);
                WriteFinProgress(1, Activity, $"Checking {point.Kind} {point.RecoveryPointId} ({region})", -1, currentOperation: $"{_done} checked");
                try
                {
                    var verifier = Session.Get<IRecoveryPointVerifiers>(region).Verifier(point.Kind);
                    var check = RecoveryPointChecker.Check(point, verifier,
                        new RecoveryPointCheckOptions { ReadData = ReadData, SamplePercent = Sample }, CancellationToken);
                    foreach (var problem in check.Problems) WriteVerbose($"{point.RecoveryPointId}: {problem}");
                    if (check.Status == FinRecoveryPointCheck.Failed)
                        WriteWarning($"{point.Kind} {point.RecoveryPointId} ({region}) failed its check: {check.ProblemCount} problem(s), e.g. {check.Problems[0]}");
                    WriteObject(check);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, point);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is PipelineStoppedException))
                {
                    WriteFinError(new FinBackupException("FinRecoveryPointCheckError", FinErrorKind.ReadError,
                        $"Checking {point.Kind} {point.RecoveryPointId} in {region} failed: {ex.Message}",
                        "Check access to the region (Test-FinAwsConnection) and run the check again.", ex), point);
                }
                _done++;
            }
        }

        protected override void EndProcessing() => CompleteFinProgress(1, Activity);
    }
}
