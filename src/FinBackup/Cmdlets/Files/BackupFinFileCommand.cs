using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets.Files
{
    /// <summary>
    /// Backs up files and directories of this host to the regional backup bucket: incremental, content-addressed,
    /// SSE-KMS, checksummed. Emits one type: the recovery point (Kind FileBackup), or with -Summary the run's summary
    /// (files, bytes, objects put), which also carries RecoveryPointId and Bucket, so either pipes into Invoke-FinRestore once.
    /// </summary>
    [Cmdlet(VerbsData.Backup, "FinFile", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FinRecoveryPoint), typeof(FileBackupSummary))]
    public sealed class BackupFinFileCommand : FinAwsCmdlet
    {
        private const string PathSet = "Path";
        private const string PolicySet = "Policy";
        private const string Activity = "Backup-FinFile";

        [Parameter(Mandatory = true, ParameterSetName = PolicySet, ValueFromPipeline = true, HelpMessage = "The backup policy (Import-FinBackupPolicy).")]
        public BackupPolicy Policy { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true, HelpMessage = "Directories or files to back up.")]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, HelpMessage = "The application the files belong to, exactly as in the policy (for example 'Agent payment'); it becomes the fin:application tag.")]
        [ValidateNotNullOrEmpty]
        [ApplicationCompleter]
        public string Application { get; set; }

        /// <summary>With -Policy: only these file sets (default: all of the application's).</summary>
        [Parameter(ParameterSetName = PolicySet)]
        public string[] FileSet { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = PathSet, HelpMessage = "The backup bucket in the region (for example fin-backup-use1).")]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = PathSet, HelpMessage = "The KMS key (id, ARN or alias such as alias/fin-backup) for SSE-KMS; FinBackup never writes unencrypted backups.")]
        [ValidateNotNullOrEmpty]
        public string KmsKeyId { get; set; }

        [Parameter(ParameterSetName = PathSet)]
        [FinBackup.Common.Duration]
        public TimeSpan Retention { get; set; } = TimeSpan.FromHours(12);

        [Parameter(ParameterSetName = PathSet)]
        [FinBackup.Common.Duration]
        public TimeSpan? Frequency { get; set; }

        [Parameter]
        public string[] Include { get; set; }

        [Parameter]
        public string[] Exclude { get; set; }

        /// <summary>Ignore the local change cache (every file is read and hashed again).</summary>
        [Parameter]
        public SwitchParameter NoCache { get; set; }

        /// <summary>Take a new point even when this host already has one in the current window (one point per window otherwise).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int Parallelism { get; set; } = 4;

        /// <summary>Emit the run's FileBackupSummary instead of the recovery point.</summary>
        [Parameter]
        public SwitchParameter Summary { get; set; }

        /// <summary>Do not publish CloudWatch metrics for this backup (with -Policy, Metrics.Enabled = $false does the same).</summary>
        [Parameter]
        public SwitchParameter NoMetrics { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var request in BuildRequests())
            {
                var target = $"s3://{request.Bucket} ({request.Application}{(request.FileSet != null ? ", file set " + request.FileSet : string.Empty)})";
                if (!ShouldProcess(target, "Back up " + string.Join(", ", request.Paths))) continue;
                var region = RegionFor(null, Policy); // -Region, else the policy's primary region, else the session's
                var store = Session.Get<IFileBackupStore>(region);
                var engine = new FileBackupEngine(store, new FileBackupSettings { Parallelism = Parallelism });
                try
                {
                    var result = engine.Run(request, new Observer(this), CancellationToken);
                    CompleteFinProgress(1, Activity);
                    WriteVerbose($"Backed up {result.Summary.Files} files ({result.Summary.FilesUnchanged} unchanged, {result.Summary.FilesFailed} failed): " +
                                 $"{result.Summary.BytesRead} bytes read, {result.Summary.BytesUploaded} bytes in {result.Summary.ObjectsPut} objects uploaded, {result.Summary.Duration}.");
                    CarryPolicy(result.RecoveryPoint, Policy);
                    if (!result.Summary.ExistingPoint)
                        // The point exists even when some files failed (they are in its manifest's missing list): Succeeded, with the count.
                        AuditTrailFor(Policy).RecordPoint(Domain.Audit.AuditActions.RecoveryPointCreated, result.RecoveryPoint,
                            Domain.Audit.AuditResults.Succeeded, null, new Dictionary<string, string>
                            {
                                ["fileSet"] = request.FileSet,
                                ["files"] = result.Summary.Files.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                ["filesFailed"] = result.Summary.FilesFailed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                ["bytesUploaded"] = result.Summary.BytesUploaded.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            }, CancellationToken);
                    if (Summary) WriteObject(result.Summary);
                    else WriteObject(result.RecoveryPoint);
                    if (!NoMetrics && (Policy == null || Policy.Metrics.Enabled)) Unattended.CycleMetrics.PublishFileBackup(this, Session, region, Policy, request.FileSet, result);
                }
                catch (FinBackupException ex)
                {
                    CompleteFinProgress(1, Activity);
                    AuditTrailFor(Policy).Record(Domain.Audit.AuditActions.RecoveryPointCreated, target, Domain.Audit.AuditResults.Failed, request.Application, region,
                        new Dictionary<string, string> { [Domain.Audit.AuditDetailKeys.Kind] = RecoveryPointKind.FileBackup.ToString(), ["fileSet"] = request.FileSet },
                        ex.ErrorId, cancellationToken: CancellationToken);
                    WriteFinError(ex, target);
                }
            }
        }

        private IEnumerable<FileBackupRequest> BuildRequests()
        {
            if (ParameterSetName == PathSet)
            {
                yield return new FileBackupRequest
                {
                    Bucket = Bucket,
                    Application = Application,
                    KmsKeyId = KmsKeyId,
                    Paths = Path.Select(ResolvePath).ToList(),
                    Include = Include?.ToList() ?? new List<string>(),
                    Exclude = Exclude?.ToList() ?? new List<string>(),
                    Retention = Retention,
                    Frequency = Frequency,
                    NoCache = NoCache,
                    Force = Force,
                };
                yield break;
            }
            var app = Policy.FindApplication(Application);
            if (app == null)
            {
                // The one unknown-application error of every cmdlet that takes -Application (FinApplicationNotInPolicy).
                WriteFinError(ApplicationFilter.NotInPolicy(Policy, Application, Policy.Applications.Where(a => a?.Name != null).Select(a => a.Name).ToList()), Application);
                yield break;
            }
            var region = RegionFor(null, Policy);
            var bucket = Policy.BucketFor(region);
            var key = Policy.KmsKeyFor(region);
            if (string.IsNullOrEmpty(bucket) || string.IsNullOrEmpty(key))
            {
                ThrowFinError(new FinBackupException("FinFileBackupPolicyIncomplete", FinErrorKind.InvalidArgument,
                    $"The policy '{Policy}' has no {(string.IsNullOrEmpty(bucket) ? "bucket" : "KMS key")} for region '{region}'.",
                    "Add Buckets and KmsKeys entries for the region to the policy, or use -Path with -Bucket and -KmsKeyId."), Policy);
            }
            var sets = app.FileSets.Where(s => FileSet == null || FileSet.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
            if (sets.Count == 0)
            {
                ThrowFinError(new FinBackupException("FinFileBackupNoFileSets", FinErrorKind.ObjectNotFound,
                    $"The application '{app.Name}' has no file sets{(FileSet != null ? " named " + string.Join(", ", FileSet) : string.Empty)} in the policy '{Policy}'.",
                    "Add FileSets to the application in the policy, or use -Path."), Application);
            }
            foreach (var set in sets)
            {
                yield return new FileBackupRequest
                {
                    Bucket = bucket,
                    Application = app.Name,
                    PolicyName = Policy.Name,
                    FileSet = set.Name,
                    KmsKeyId = key,
                    Paths = set.Paths.Select(ResolvePath).ToList(),
                    Include = set.Include.Concat(Include ?? Array.Empty<string>()).ToList(),
                    Exclude = set.Exclude.Concat(Exclude ?? Array.Empty<string>()).ToList(),
                    Retention = app.Retention ?? TimeSpan.FromHours(12),
                    Frequency = set.Frequency ?? app.Frequency,
                    NoCache = NoCache,
                    Force = Force,
                    CacheDirectory = set.Name == null ? null
                        : System.IO.Path.Combine(FileChangeCache.DefaultDirectory(bucket, app.Name), FileBackupLayout.Slug(set.Name)),
                };
            }
        }

        private string ResolvePath(string path)
        {
            try
            {
                return GetUnresolvedProviderPathFromPSPath(path);
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is ProviderNotFoundException || ex is NotSupportedException)
            {
                return path;
            }
        }

        private sealed class Observer : IFileBackupObserver
        {
            private readonly BackupFinFileCommand _cmdlet;
            public Observer(BackupFinFileCommand cmdlet) { _cmdlet = cmdlet; }

            public void Progress(FileBackupProgress p)
            {
                var status = $"{p.FilesSeen:N0} files, {p.BytesSeen / 1048576.0:N1} MiB ({p.FilesPerSecond:N0} files/s, {p.BytesPerSecond / 1048576.0:N1} MiB/s); " +
                             $"read {p.BytesRead / 1048576.0:N1} MiB, uploaded {p.BytesUploaded / 1048576.0:N1} MiB";
                _cmdlet.WriteFinProgress(1, Activity, status, -1, p.CurrentPath);
            }

            public void Skipped(string path, string reason) => _cmdlet.WriteVerbose($"Skipped '{path}': {reason}.");

            public void Failed(FinBackupException error, string path)
            {
                _cmdlet.WriteVerbose($"Failed '{path}': {error.Message}");
                _cmdlet.WriteFinError(error, path);
            }

            public void Verbose(string message) => _cmdlet.WriteVerbose(message);
        }
    }
}
