using System;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets.Files
{
    /// <summary>
    /// Restores a recovery point. FileBackup points: the whole backup or a subset (-Include) to -Destination, every file's
    /// SHA-256 verified before it is moved into place. Other kinds are dispatched by Kind and not supported yet.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FinRestore", DefaultParameterSetName = PointSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FileRestoreSummary))]
    public sealed class InvokeFinRestoreCommand : FinAwsCmdlet
    {
        private const string PointSet = "RecoveryPoint";
        private const string IdSet = "Id";
        private const string Activity = "Invoke-FinRestore";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PointSet)]
        public FinRecoveryPoint InputObject { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RecoveryPointId { get; set; }

        /// <summary>With -RecoveryPointId: the bucket holding a FileBackup manifest.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; }

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        [Parameter]
        public string[] Include { get; set; }

        [Parameter]
        public string[] Exclude { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Restore setuid, setgid and sticky bits as recorded (stripped by default).</summary>
        [Parameter]
        public SwitchParameter PreservePrivilegedModes { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int Parallelism { get; set; } = 4;

        protected override void ProcessRecord()
        {
            var point = InputObject ?? new FinRecoveryPoint
            {
                RecoveryPointId = RecoveryPointId,
                Bucket = Bucket,
                Kind = RecoveryPointKind.FileBackup,
                Region = Region,
            };
            switch (point.Kind)
            {
                case RecoveryPointKind.FileBackup:
                    RestoreFiles(point);
                    break;
                default:
                    WriteFinError(new FinBackupException("FinRestoreKindNotSupported", FinErrorKind.NotImplemented,
                        $"Restoring {point.Kind} recovery points ({point.RecoveryPointId}) is not supported by Invoke-FinRestore yet.",
                        "Restore EBS snapshot sets, AMIs and RDS snapshots with the AWS console or AWS.Tools for now."), point);
                    break;
            }
        }

        private void RestoreFiles(FinRecoveryPoint point)
        {
            if (string.IsNullOrEmpty(point.Bucket))
            {
                WriteFinError(new FinBackupException("FinRestoreBucketMissing", FinErrorKind.InvalidArgument,
                    $"The FileBackup point '{point.RecoveryPointId}' does not say which bucket holds it.",
                    "Pass -RecoveryPointId with -Bucket, or pipe the point from Get-FinRecoveryPoint -Kind FileBackup."), point);
                return;
            }
            var destination = GetUnresolvedProviderPathFromPSPath(Destination);
            var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && ((SwitchParameter)w).IsPresent;
            if (!whatIf && !ShouldProcess(destination, $"Restore {point.RecoveryPointId} from s3://{point.Bucket}" +
                                                       (Include != null ? " (files matching " + string.Join(", ", Include) + ")" : string.Empty)))
            {
                return;
            }
            // A point knows its region: with no -Region, connect there (no default region needed).
            if (string.IsNullOrEmpty(Region) && !string.IsNullOrEmpty(point.Region)) Region = point.Region;
            try
            {
                var store = Session.Get<IFileBackupStore>(RegionOrDefault(point.Region ?? Region));
                var manifest = store.GetManifest(point.Bucket, point.RecoveryPointId, CancellationToken);
                WriteVerbose($"Manifest {manifest.Key}: {manifest.Files.Count} files, {manifest.Missing.Count} missing at backup time, created {manifest.CreatedAt:o} on {manifest.Host}.");
                var engine = new FileRestoreEngine(store);
                var summary = engine.Run(new FileRestoreRequest
                {
                    Manifest = manifest,
                    Bucket = point.Bucket,
                    Destination = destination,
                    Include = Include?.ToList() ?? new System.Collections.Generic.List<string>(),
                    Exclude = Exclude?.ToList() ?? new System.Collections.Generic.List<string>(),
                    Force = Force,
                    PreservePrivilegedModes = PreservePrivilegedModes,
                    Parallelism = Parallelism,
                }, new Observer(this, whatIf), CancellationToken);
                CompleteFinProgress(2, Activity);
                WriteObject(summary);
            }
            catch (FinBackupException ex)
            {
                CompleteFinProgress(2, Activity);
                WriteFinError(ex, point);
            }
        }

        private sealed class Observer : IFileRestoreObserver
        {
            private readonly InvokeFinRestoreCommand _cmdlet;
            private readonly bool _whatIf;

            public Observer(InvokeFinRestoreCommand cmdlet, bool whatIf)
            {
                _cmdlet = cmdlet;
                _whatIf = whatIf;
            }

            public bool ShouldWrite(ManifestFile file, string target) =>
                !_whatIf || _cmdlet.ShouldProcess(target, $"Restore '{file.Path}' ({file.Size} bytes, SHA-256 {file.Sha256})");

            public void Failed(FinBackupException error, string path) => _cmdlet.WriteFinError(error, path);

            public void Progress(FileRestoreProgress p)
            {
                var percent = p.BytesTotal > 0 ? (int)(p.BytesDone * 100 / p.BytesTotal) : (p.FilesTotal > 0 ? (int)(p.FilesDone * 100 / p.FilesTotal) : -1);
                var secs = Math.Max(0.001, p.Elapsed.TotalSeconds);
                _cmdlet.WriteFinProgress(2, Activity,
                    $"{p.FilesDone:N0}/{p.FilesTotal:N0} files, {p.BytesDone / 1048576.0:N1}/{p.BytesTotal / 1048576.0:N1} MiB ({p.FilesDone / secs:N0} files/s, {p.BytesDone / 1048576.0 / secs:N1} MiB/s)",
                    percent, p.CurrentPath);
            }

            public void Verbose(string message) => _cmdlet.WriteVerbose(message);
        }
    }
}
