using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Audit;
using FinBackup.Domain.Files;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;
using FinBackup.Domain.Waiting;

namespace FinBackup.Cmdlets.Restore
{
    /// <summary>
    /// Restores a recovery point of any kind FinBackup takes: EBS snapshot sets (volumes, optionally attached or swapped in),
    /// AMIs (an instance, or a launch template version), RDS snapshots and RDS point in time (a new DB instance), file backups
    /// (files to -Destination). Thin: binding, ShouldProcess per AWS change, progress, errors; the work is
    /// <see cref="RestoreEngine"/> and <see cref="FileRestoreEngine"/>. The -Plan parameter set lives in another part of this class.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FinRestore", DefaultParameterSetName = PointSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FinRestoreResult))]
    public sealed partial class InvokeFinRestoreCommand : FinAwsCmdlet
    {
        private const string PointSet = "RecoveryPoint";
        private const string IdSet = "Id";
        private const string PointInTimeSet = "PointInTime";
        private const string LatestSet = "LatestRestorableTime";
        private const string Activity = "Invoke-FinRestore";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PointSet, HelpMessage = "The recovery point to restore, usually from Get-FinRecoveryPoint (-Latest gives the newest available point of each resource), New-FinSnapshot, Copy-FinBackupToRegion or Backup-FinFile.")]
        public FinRecoveryPoint InputObject { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true, HelpMessage = "The id of a FileBackup point: the manifest's object key (manifests/<application>/<window>/<id>.json).")]
        [ValidateNotNullOrEmpty]
        [FinBackup.Completion.RecoveryPointIdCompleter]
        public string RecoveryPointId { get; set; }

        /// <summary>With -RecoveryPointId: the bucket holding a FileBackup manifest.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true, HelpMessage = "The bucket that holds the FileBackup manifest given by -RecoveryPointId.")]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; }

        /// <summary>Keys, buckets (restore metadata), RestoreTargets, RestoreSecret, RTO and RestoreApprovers of the application.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public BackupPolicy Policy { get; set; }

        /// <summary>
        /// The file of the policy a piped point came from (Get-FinRecoveryPoint -Policy, New-FinSnapshot, Backup-FinFile -Policy
        /// set it; points carry the path, not the policy): used when -Policy is not given, so the application's
        /// RestoreApprovers apply to a piped point as they do with -Policy.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public string PolicyPath { get; set; }

        // ----- files -----
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        [Parameter]
        public string[] Include { get; set; }

        [Parameter]
        public string[] Exclude { get; set; }

        /// <summary>Files: overwrite files that exist.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Files: restore setuid, setgid and sticky bits as recorded (stripped by default).</summary>
        [Parameter]
        public SwitchParameter PreservePrivilegedModes { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int Parallelism { get; set; } = 4;

        // ----- EBS snapshot sets -----
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string AvailabilityZone { get; set; }

        [Parameter]
        [ValidatePattern("^i-[0-9a-f]+$")]
        public string InstanceId { get; set; }

        [Parameter]
        public SwitchParameter ReplaceVolumes { get; set; }

        [Parameter]
        [ValidateRange(100, 300)]
        public int? InitializationRateMiBps { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string KmsKeyId { get; set; }

        [Parameter]
        [ValidateSet("gp3", "gp2", "io1", "io2", "st1", "sc1", "standard")]
        public string VolumeType { get; set; }

        // ----- AMIs -----
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string SubnetId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] SecurityGroupId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string InstanceType { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string IamInstanceProfile { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string KeyName { get; set; }

        [Parameter]
        [ValidatePattern("^lt-[0-9a-f]+$")]
        public string LaunchTemplateId { get; set; }

        // ----- AMIs rolled into an Auto Scaling group (primary region) -----
        /// <summary>Roll the AMI into this group: a launch template version with the image, then -Strategy.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string AutoScalingGroupName { get; set; }

        /// <summary>Refresh (default): an instance refresh with automatic rollback (real AWS). Replace: FinBackup replaces the instances in batches (runs on the sandbox too).</summary>
        [Parameter]
        [ValidateSet(RollStrategies.Refresh, RollStrategies.Replace)]
        public string Strategy { get; set; }

        /// <summary>Refresh: the share of the desired capacity kept healthy during the refresh (default 100; MaxHealthyPercentage is 200).</summary>
        [Parameter]
        [ValidateRange(0, 100)]
        public int? MinHealthyPercentage { get; set; }

        /// <summary>Refresh: seconds each new instance warms up before the next replacement (default: the group's warm-up).</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int? InstanceWarmup { get; set; }

        /// <summary>Replace: instances per batch (default: all at once, the capacity doubled for the change).</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int? BatchSize { get; set; }

        // ----- AWS Backup vault points -----
        /// <summary>The IAM role AWS Backup restores with (default: service-role/AWSBackupDefaultServiceRole of the point's account).</summary>
        [Parameter]
        [ValidatePattern("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$")]
        public string IamRoleArn { get; set; }

        // ----- RDS -----
        /// <summary>From a snapshot: the new instance's name. Point in time: the source instance.</summary>
        [Parameter(ParameterSetName = PointSet)]
        [Parameter(Mandatory = true, ParameterSetName = PointInTimeSet, HelpMessage = "RdsSnapshot points: the identifier of the new DB instance (same as -TargetDBInstanceIdentifier; default: the instance the snapshot was taken of, which in the DR region is usually free and in the...")]
        [Parameter(Mandatory = true, ParameterSetName = LatestSet, HelpMessage = "RdsSnapshot points: the identifier of the new DB instance (same as -TargetDBInstanceIdentifier; default: the instance the snapshot was taken of, which in the DR region is usually free and in the...")]
        [ValidateNotNullOrEmpty]
        public string DBInstanceIdentifier { get; set; }

        [Parameter(ParameterSetName = PointSet)]
        [Parameter(Mandatory = true, ParameterSetName = PointInTimeSet, HelpMessage = "The identifier of the new DB instance.")]
        [Parameter(Mandatory = true, ParameterSetName = LatestSet, HelpMessage = "The identifier of the new DB instance.")]
        [ValidateNotNullOrEmpty]
        public string TargetDBInstanceIdentifier { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = PointInTimeSet, HelpMessage = "Point in time: the time to restore -DBInstanceIdentifier to (local times are converted to UTC).")]
        public DateTime RestoreTime { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LatestSet, HelpMessage = "Point in time: restore to the instance's latest restorable time.")]
        public SwitchParameter UseLatestRestorableTime { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DBInstanceClass { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DBSubnetGroupName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] VpcSecurityGroupId { get; set; }

        [Parameter]
        public SwitchParameter MultiAZ { get; set; }

        [Parameter]
        [ValidateRange(1150, 65535)]
        public int? Port { get; set; }

        /// <summary>A Secrets Manager secret (name or ARN) to receive the restored DB's endpoint (host, port).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string UpdateSecret { get; set; }

        [Parameter]
        public SwitchParameter ManageMasterUserPassword { get; set; }

        /// <summary>Wait until what was restored is available, with progress.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        private RestoreRuntime _runtime;
        /// <summary>The approval the restore in progress relies on (set by the plan path; a direct restore needs none).</summary>
        private RestoreApprovalContext _approval = RestoreApprovalContext.Direct;

        protected override void ProcessRecord()
        {
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Policy))) Policy = PolicyFromPipeline(null, PolicyPath, (object)InputObject ?? Plan, InputObject);
            if (ParameterSetName == PlanSet)
            {
                RestorePlan();
                return;
            }
            if (ParameterSetName == PointInTimeSet || ParameterSetName == LatestSet)
            {
                var pitr = BuildRequest();
                if (!DirectRestoreAllowed(null, pitr)) return;
                RestoreOne(null, pitr);
                return;
            }
            if (ParameterSetName != PointSet && ParameterSetName != IdSet) return; // the plan set is handled in its own part
            var point = InputObject ?? new FinRecoveryPoint
            {
                RecoveryPointId = RecoveryPointId,
                Bucket = Bucket,
                Kind = RecoveryPointKind.FileBackup,
                Region = Region,
                State = RecoveryPointState.Available,
            };
            var request = BuildRequest();
            if (!DirectRestoreAllowed(point, request)) return;
            RestoreOne(point, request);
        }

        /// <summary>The typed request from the bound parameters (a plan rebuilds it with <see cref="RestoreRequest.FromParameters"/>).</summary>
        private RestoreRequest BuildRequest()
        {
            var b = MyInvocation.BoundParameters;
            return new RestoreRequest
            {
                Policy = Policy,
                Wait = Wait,
                AvailabilityZone = AvailabilityZone,
                InstanceId = InstanceId,
                ReplaceVolumes = ReplaceVolumes,
                InitializationRateMiBps = InitializationRateMiBps,
                KmsKeyId = KmsKeyId,
                VolumeType = VolumeType,
                SubnetId = SubnetId,
                SecurityGroupId = SecurityGroupId,
                InstanceType = InstanceType,
                IamInstanceProfile = IamInstanceProfile,
                KeyName = KeyName,
                LaunchTemplateId = LaunchTemplateId,
                AutoScalingGroupName = AutoScalingGroupName,
                Strategy = Strategy,
                MinHealthyPercentage = MinHealthyPercentage,
                InstanceWarmup = InstanceWarmup,
                BatchSize = BatchSize,
                IamRoleArn = IamRoleArn,
                DBInstanceIdentifier = DBInstanceIdentifier,
                TargetDBInstanceIdentifier = TargetDBInstanceIdentifier,
                RestoreTime = b.ContainsKey(nameof(RestoreTime)) ? RestoreTime.ToUniversalTime() : (DateTime?)null,
                UseLatestRestorableTime = UseLatestRestorableTime,
                DBInstanceClass = DBInstanceClass,
                DBSubnetGroupName = DBSubnetGroupName,
                VpcSecurityGroupId = VpcSecurityGroupId,
                MultiAZ = b.ContainsKey(nameof(MultiAZ)) ? MultiAZ.IsPresent : (bool?)null,
                Port = Port,
                UpdateSecret = UpdateSecret,
                ManageMasterUserPassword = ManageMasterUserPassword,
                Destination = Destination,
                Include = Include,
                Exclude = Exclude,
                Force = Force,
                PreservePrivilegedModes = PreservePrivilegedModes,
                Parallelism = Parallelism,
            };
        }

        /// <summary>Maker-checker: where the policy lists RestoreApprovers for the application, only an approved plan restores.</summary>
        private bool DirectRestoreAllowed(FinRecoveryPoint point, RestoreRequest request)
        {
            var app = point?.Application != null ? request.Policy?.FindApplication(point.Application) : null;
            if (app == null || app.RestoreApprovers == null || app.RestoreApprovers.Count == 0) return true;
            var refusal = new FinBackupException("FinRestoreApprovalRequired", FinErrorKind.PermissionDenied,
                $"Policy '{request.Policy.Name}' requires an approved plan to restore '{app.Name}' (RestoreApprovers: {string.Join(", ", app.RestoreApprovers)}). Nothing was restored.",
                "Make a plan (New-FinRestorePlan), have an approver approve it (Approve-FinRestore), then run Invoke-FinRestore -Plan.");
            RestoreAudit.Refused(AuditTrailFor(request.Policy), AuditActions.RestoreStarted, point.RecoveryPointId, app.Name, point.Region, refusal,
                kind: point.Kind, ct: CancellationToken);
            WriteFinError(refusal, point);
            return false;
        }

        /// <summary>
        /// Restores one point (null: point in time from request.DBInstanceIdentifier): ShouldProcess for every AWS change it would
        /// make (-WhatIf lists them and makes none), then runs it, writing one FinRestoreResult (a Failed one too, listing what
        /// was created, with its error). Both the direct path and the plan path call this.
        /// </summary>
        private void RestoreOne(FinRecoveryPoint point, RestoreRequest request)
        {
            if (point != null && point.Kind == RecoveryPointKind.FileBackup)
            {
                RestoreFiles(point, request);
                return;
            }
            // A point knows its region: the restore reads it there (-Region is where to restore to).
            var sourceRegion = RegionOfPoint(point?.Region, request.Policy);
            PreparedRestore prepared;
            try
            {
                prepared = new RestoreEngine(Runtime()).Prepare(point, request, sourceRegion, CancellationToken);
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, (object)point ?? request.DBInstanceIdentifier);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var confirmed = true;
            foreach (var step in prepared.Steps)
            {
                if (!ShouldProcess(step.Target, step.Action)) confirmed = false;
            }
            if (!confirmed)
            {
                WriteVerbose($"Restore {prepared.Result.RestoreId}: not confirmed; nothing was created.");
                return;
            }
            var audit = AuditTrailFor(request.Policy);
            RestoreAudit.Started(audit, prepared.Result.RestoreId, point?.Kind ?? prepared.Result.Kind, point?.RecoveryPointId ?? request.DBInstanceIdentifier,
                prepared.Result.Application ?? point?.Application, prepared.Result.Region, _approval,
                string.Join("; ", prepared.Steps.Select(s => s.Target)), CancellationToken);
            try
            {
                var result = prepared.Execute(new Observer(this), CancellationToken);
                RestoreAudit.Completed(audit, result, _approval, ct: CancellationToken);
                WriteObject(result);
            }
            catch (RestoreFailedException ex)
            {
                RestoreAudit.Completed(audit, ex.Result, _approval, ex.ErrorId, CancellationToken);
                WriteObject(ex.Result);
                WriteFinError(ex, point);
            }
            catch (FinBackupException ex)
            {
                RestoreAudit.Completed(audit, Failed(prepared.Result), _approval, ex.ErrorId, CancellationToken);
                WriteFinError(ex, (object)point ?? request.DBInstanceIdentifier);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: the record says the restore did not finish (the audit write itself is not cancelled).
                RestoreAudit.Completed(audit, Failed(prepared.Result), _approval, FinErrorIds.RestoreCancelled);
            }
            finally
            {
                CompleteFinProgress(3, Activity);
            }
        }

        private static FinRestoreResult Failed(FinRestoreResult result)
        {
            result.Status = RestoreStatus.Failed;
            return result;
        }

        private RestoreRuntime Runtime()
        {
            if (_runtime != null) return _runtime;
            var session = Session;
            return _runtime = new RestoreRuntime
            {
                Ec2 = r => session.Get<IEc2RestoreGateway>(r),
                Rds = r => session.Get<IRdsRestoreGateway>(r),
                Metadata = r => session.Get<IRestoreMetadataStore>(r),
                Secrets = r => session.Get<IRestoreSecretStore>(r),
                AutoScaling = r => session.Get<IAutoScalingRollGateway>(r),
                Vault = r => session.Get<IBackupVaultRestoreGateway>(r),
                Waiter = new Waiter(),
            };
        }

        private void RestoreFiles(FinRecoveryPoint point, RestoreRequest request)
        {
            if (string.IsNullOrEmpty(point.Bucket))
            {
                WriteFinError(new FinBackupException("FinRestoreBucketMissing", FinErrorKind.InvalidArgument,
                    $"The FileBackup point '{point.RecoveryPointId}' does not say which bucket holds it.",
                    "Pass -RecoveryPointId with -Bucket, or pipe the point from Get-FinRecoveryPoint -Kind FileBackup."), point);
                return;
            }
            if (string.IsNullOrEmpty(request.Destination))
            {
                WriteFinError(new FinBackupException("FinRestoreDestinationMissing", FinErrorKind.InvalidArgument,
                    $"Restoring the file backup '{point.RecoveryPointId}' needs a destination directory.",
                    "Pass -Destination <directory>."), point);
                return;
            }
            var destination = GetUnresolvedProviderPathFromPSPath(request.Destination);
            var what = $"Restore {point.RecoveryPointId} from s3://{point.Bucket}" + (request.Include != null ? " (files matching " + string.Join(", ", request.Include) + ")" : string.Empty);
            // One question for the whole restore; under -WhatIf every file that would be written is listed instead.
            var whatIf = false;
            if (!ShouldProcess($"{what} to {destination}", $"{what} to {destination}?", "Invoke-FinRestore", out var reason))
            {
                if (reason != ShouldProcessReason.WhatIf) return;
                whatIf = true;
            }
            var region = RegionOfPoint(point.Region, request.Policy);
            var result = new FinRestoreResult
            {
                RestoreId = string.IsNullOrEmpty(request.RestoreId) ? RestoreEngine.NewRestoreId(DateTime.UtcNow) : request.RestoreId,
                Kind = RecoveryPointKind.FileBackup,
                SourceRecoveryPointId = point.RecoveryPointId,
                Application = point.Application,
                Region = point.Region ?? region,
                ResourceIds = new[] { destination },
                PlannedAt = request.PlannedAt,
                ApprovedAt = request.ApprovedAt,
                TargetRto = point.Application != null ? request.Policy?.FindApplication(point.Application)?.Rto : null,
                StartedAt = DateTime.UtcNow,
            };
            if (!result.PlannedAt.HasValue) result.PlannedAt = result.StartedAt;
            var audit = whatIf ? Domain.Audit.AuditTrail.Disabled : AuditTrailFor(request.Policy);
            RestoreAudit.Started(audit, result.RestoreId, RecoveryPointKind.FileBackup, point.RecoveryPointId, point.Application, result.Region, _approval,
                destination, CancellationToken);
            try
            {
                var store = Session.Get<IFileBackupStore>(region);
                var manifest = store.GetManifest(point.Bucket, point.RecoveryPointId, CancellationToken);
                WriteVerbose($"Manifest {manifest.Key}: {manifest.Files.Count} files, {manifest.Missing.Count} missing at backup time, created {manifest.CreatedAt:o} on {manifest.Host}.");
                var summary = new FileRestoreEngine(store).Run(new FileRestoreRequest
                {
                    Manifest = manifest,
                    Bucket = point.Bucket,
                    Destination = destination,
                    Include = request.Include?.ToList() ?? new List<string>(),
                    Exclude = request.Exclude?.ToList() ?? new List<string>(),
                    Force = request.Force,
                    PreservePrivilegedModes = request.PreservePrivilegedModes,
                    Parallelism = request.Parallelism,
                }, new FileObserver(this, whatIf), CancellationToken);
                if (whatIf) return;
                result.AvailableAt = DateTime.UtcNow;
                result.Duration = result.AvailableAt - result.StartedAt;
                result.Status = summary.FilesFailed > 0 ? RestoreStatus.Failed : RestoreStatus.Available;
                result.RtoMet = result.TargetRto.HasValue && result.Status == RestoreStatus.Available ? result.Duration <= result.TargetRto : (bool?)null;
                result.FilesRestored = summary.FilesRestored;
                result.FilesFailed = summary.FilesFailed;
                result.BytesRestored = summary.BytesRestored;
                result.Detail = $"{summary.FilesRestored} files restored ({summary.BytesRestored / 1048576.0:N1} MiB), {summary.FilesFailed} failed, {summary.FilesNotWritten} not written";
                RestoreAudit.Completed(audit, result, _approval, ct: CancellationToken);
                WriteObject(result);
            }
            catch (FinBackupException ex)
            {
                RestoreAudit.Completed(audit, Failed(result), _approval, ex.ErrorId, CancellationToken);
                WriteFinError(ex, point);
            }
            catch (OperationCanceledException)
            {
                RestoreAudit.Completed(audit, Failed(result), _approval, FinErrorIds.RestoreCancelled);
            }
            finally
            {
                CompleteFinProgress(2, Activity);
            }
        }

        private sealed class Observer : IRestoreObserver
        {
            private readonly InvokeFinRestoreCommand _cmdlet;
            public Observer(InvokeFinRestoreCommand cmdlet) { _cmdlet = cmdlet; }
            public void Verbose(string message) => _cmdlet.WriteVerbose(message);
            public void Progress(string status, int percent) => _cmdlet.WriteFinProgress(3, Activity, status, percent);
        }

        private sealed class FileObserver : IFileRestoreObserver
        {
            private readonly InvokeFinRestoreCommand _cmdlet;
            private readonly bool _whatIf;

            public FileObserver(InvokeFinRestoreCommand cmdlet, bool whatIf)
            {
                _cmdlet = cmdlet;
                _whatIf = whatIf;
            }

            // Under -WhatIf, ShouldProcess lists the file and returns false: nothing is written.
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
