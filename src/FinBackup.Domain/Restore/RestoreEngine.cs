using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Waiting;

namespace FinBackup.Domain.Restore
{
    /// <summary>What restores need from outside: the gateways per region, the clock and the one waiter.</summary>
    public sealed class RestoreRuntime
    {
        public Func<string, IEc2RestoreGateway> Ec2 { get; set; }
        public Func<string, IRdsRestoreGateway> Rds { get; set; }
        public Func<string, IRestoreMetadataStore> Metadata { get; set; }
        public Func<string, IRestoreSecretStore> Secrets { get; set; }
        /// <summary>Auto Scaling rolls of an AMI (-AutoScalingGroupName).</summary>
        public Func<string, IAutoScalingRollGateway> AutoScaling { get; set; }
        /// <summary>AWS Backup restore jobs of BackupVaultPoint points.</summary>
        public Func<string, IBackupVaultRestoreGateway> Vault { get; set; }
        public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
        public Waiter Waiter { get; set; } = new Waiter();
        public WaitPolicy WaitPolicy { get; set; } = new WaitPolicy { FirstDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromHours(3) };
    }

    /// <summary>One AWS change a restore will make: what ShouldProcess shows (and -WhatIf lists).</summary>
    public sealed class RestoreStep
    {
        public RestoreStep(string target, string action)
        {
            Target = target;
            Action = action;
        }

        public string Target { get; }
        public string Action { get; }
        public override string ToString() => Action + " on " + Target;
    }

    /// <summary>Where a restore reports what it does (the cmdlet: verbose and Write-Progress). Never passed a secret.</summary>
    public interface IRestoreObserver
    {
        void Verbose(string message);
        void Progress(string status, int percent);
    }

    /// <summary>A restore failed after it had created something: the result (Status Failed) lists what, all tagged fin:restore-id.</summary>
    public sealed class RestoreFailedException : FinBackupException
    {
        public RestoreFailedException(FinRestoreResult result, FinBackupException cause)
            : base("FinRestoreFailed", cause.Kind,
                $"Restore {result.RestoreId} of {result.SourceRecoveryPointId} failed after creating {string.Join(", ", result.ResourceIds)} in {result.Region} " +
                $"(all tagged {RestoreTags.RestoreId}={result.RestoreId}): {cause.Message}",
                $"Fix the cause and restore again, and remove what was created with Remove-FinRestoredResource -RestoreId {result.RestoreId}" +
                (string.IsNullOrEmpty(cause.RecommendedAction) ? "." : "; " + cause.RecommendedAction), cause)
        {
            Result = result;
        }

        public FinRestoreResult Result { get; }
    }

    /// <summary>A restore worked out and ready to run: its steps (for ShouldProcess / -WhatIf) and the result it fills.</summary>
    public abstract class PreparedRestore
    {
        private readonly List<string> _created = new List<string>();
        private readonly List<string> _stages = new List<string>();

        protected PreparedRestore(RestoreRuntime runtime, FinRestoreResult result)
        {
            Runtime = runtime;
            Result = result;
        }

        protected RestoreRuntime Runtime { get; }
        public FinRestoreResult Result { get; }
        public IList<RestoreStep> Steps { get; } = new List<RestoreStep>();
        /// <summary>Wait until available (always for steps that need it, e.g. attaching).</summary>
        public bool Wait { get; set; }

        /// <summary>Runs the steps. On a failure after something was created: <see cref="RestoreFailedException"/> with the Failed result.</summary>
        public FinRestoreResult Execute(IRestoreObserver observer, CancellationToken cancellationToken)
        {
            var started = Runtime.UtcNow();
            Result.StartedAt = started;
            if (!Result.PlannedAt.HasValue) Result.PlannedAt = started;
            try
            {
                Run(observer ?? NullObserver.Instance, cancellationToken);
            }
            catch (FinBackupException ex) when (_created.Count > 0 && !(ex is RestoreFailedException))
            {
                Finish(RestoreStatus.Failed);
                throw new RestoreFailedException(Result, ex);
            }
            catch (OperationCanceledException) when (_created.Count > 0)
            {
                Finish(RestoreStatus.Failed);
                throw new RestoreFailedException(Result, new FinBackupException("FinRestoreCancelled", FinErrorKind.OperationTimeout, "the restore was stopped (Ctrl-C)."));
            }
            Finish(Result.AvailableAt.HasValue ? RestoreStatus.Available : RestoreStatus.Started);
            return Result;
        }

        protected abstract void Run(IRestoreObserver observer, CancellationToken cancellationToken);

        /// <summary>Records a created resource at once, so a later failure reports it.</summary>
        protected void Created(string id)
        {
            _created.Add(id);
            Result.ResourceIds = _created.ToArray();
        }

        protected void MarkAvailable() => Result.AvailableAt = Runtime.UtcNow();

        /// <summary>Runs one stage of the restore and records its start, end and duration in <see cref="FinRestoreResult.Stages"/> (also when it fails).</summary>
        protected T Stage<T>(string name, Func<T> run)
        {
            var start = Runtime.UtcNow();
            try
            {
                return run();
            }
            finally
            {
                RecordStage(name, start, Runtime.UtcNow());
            }
        }

        protected void Stage(string name, Action run) => Stage<bool>(name, () => { run(); return true; });

        /// <summary>Records a stage whose times AWS reported (e.g. a restore job's creation and completion).</summary>
        protected void RecordStage(string name, DateTime start, DateTime end)
        {
            _stages.Add(FinRestoreResult.FormatStage(name, start, end));
            Result.Stages = _stages.ToArray();
        }

        protected T WaitFor<T>(string what, Func<CancellationToken, T> poll, Func<T, bool> done, IRestoreObserver observer, CancellationToken ct, Func<T, string> describe) =>
            Runtime.Waiter.Until(what, poll, done, Runtime.WaitPolicy, ct,
                p => observer.Progress($"{what}: {describe(p.Value)} ({p.Elapsed.TotalSeconds:0}s)", -1));

        private void Finish(RestoreStatus status)
        {
            Result.Status = status;
            var end = Result.AvailableAt ?? Runtime.UtcNow();
            Result.Duration = Result.StartedAt.HasValue ? end - Result.StartedAt.Value : (TimeSpan?)null;
            Result.RtoMet = Result.TargetRto.HasValue && Result.AvailableAt.HasValue && status == RestoreStatus.Available
                ? Result.Duration <= Result.TargetRto : (bool?)null;
        }

        private sealed class NullObserver : IRestoreObserver
        {
            public static readonly NullObserver Instance = new NullObserver();
            public void Verbose(string message) { }
            public void Progress(string status, int percent) { }
        }
    }

    /// <summary>
    /// Restores EBS snapshot sets, AMIs and RDS snapshots (and RDS point in time) as plain domain logic over the restore
    /// gateways: <see cref="Prepare"/> reads (point members, restore metadata, target checks) and works out every change;
    /// the caller confirms its <see cref="PreparedRestore.Steps"/>; <see cref="PreparedRestore.Execute"/> makes them.
    /// </summary>
    public sealed class RestoreEngine
    {
        private readonly RestoreRuntime _runtime;

        public RestoreEngine(RestoreRuntime runtime) { _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime)); }

        public static string NewRestoreId(DateTime utcNow) =>
            "restore-" + utcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture).ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N").Substring(0, 6);

        /// <param name="point">The point to restore; null for a point-in-time restore (request.DBInstanceIdentifier is the source).</param>
        /// <param name="region">The region to restore in when there is no point (point in time).</param>
        public PreparedRestore Prepare(FinRecoveryPoint point, RestoreRequest request, string region, CancellationToken cancellationToken)
        {
            request = request ?? new RestoreRequest();
            request.Validate();
            if (point == null)
            {
                if (!request.IsPointInTime)
                    throw new FinBackupException("FinRestorePointMissing", FinErrorKind.InvalidArgument, "No recovery point to restore was given.",
                        "Pipe a point from Get-FinRecoveryPoint, or restore a DB to a point in time with -DBInstanceIdentifier and -RestoreTime or -UseLatestRestorableTime.");
                return new RdsRestorer(_runtime).PreparePointInTime(request, region, cancellationToken);
            }
            // Unknown (a create response without a final state) is let through: the member describe below tells.
            if (point.State != RecoveryPointState.Available && point.State != RecoveryPointState.Unknown)
                throw new FinBackupException("FinRestorePointNotAvailable", FinErrorKind.ResourceUnavailable,
                    $"{point.Kind} {point.RecoveryPointId} in {point.Region} is {point.State}, not Available.",
                    "Wait for it (New-FinSnapshot -Wait, Copy-FinBackupToRegion -Wait) or restore an older point.");
            switch (point.Kind)
            {
                case RecoveryPointKind.EbsSnapshotSet: return new EbsSnapshotSetRestorer(_runtime).Prepare(point, request, cancellationToken);
                case RecoveryPointKind.Ami: return new AmiRestorer(_runtime).Prepare(point, request, cancellationToken);
                case RecoveryPointKind.RdsSnapshot: return new RdsRestorer(_runtime).PrepareFromSnapshot(point, request, cancellationToken);
                case RecoveryPointKind.BackupVaultPoint: return VaultPointRestore.Prepare(_runtime, point, request);
                default:
                    throw new FinBackupException("FinRestoreKindNotSupported", FinErrorKind.NotImplemented,
                        $"Restoring {point.Kind} recovery points ({point.RecoveryPointId}) is not supported by this restore engine.",
                        point.Kind == RecoveryPointKind.FileBackup ? "FileBackup points are restored with -Destination." : "Restore it with the AWS Backup console for now.");
            }
        }

        /// <summary>The result skeleton every kind starts from.</summary>
        internal static FinRestoreResult NewResult(RestoreRuntime runtime, RestoreRequest request, RecoveryPointKind kind, string source, string application, string region)
        {
            var app = application != null ? request.Policy?.FindApplication(application) : null;
            return new FinRestoreResult
            {
                RestoreId = string.IsNullOrEmpty(request.RestoreId) ? NewRestoreId(runtime.UtcNow()) : request.RestoreId,
                Kind = kind,
                SourceRecoveryPointId = source,
                Application = application,
                Region = region,
                PlannedAt = request.PlannedAt,
                ApprovedAt = request.ApprovedAt,
                TargetRto = app?.Rto,
            };
        }

        /// <summary>The point's restore metadata from the policy's bucket in the point's region, or null.</summary>
        internal static RestoreMetadataDocument LoadMetadata(RestoreRuntime runtime, FinRecoveryPoint point, BackupPolicy policy, IRestoreObserver observer, CancellationToken ct)
        {
            var bucket = policy?.BucketFor(point.Region);
            if (string.IsNullOrEmpty(bucket) || runtime.Metadata == null) return null;
            var doc = runtime.Metadata(point.Region).Get(bucket, point.Kind, RestoreMetadataDocument.OriginalId(point), ct);
            observer?.Verbose(doc == null
                ? $"No restore metadata for {point.RecoveryPointId} in s3://{bucket}/{RestoreMetadataDocument.KeyPrefix}: parameters must say what it cannot."
                : $"Restore metadata of {doc.RecoveryPointId} (captured {doc.CapturedAt:u} in {doc.Region}) from s3://{bucket}.");
            return doc;
        }

        internal static Dictionary<string, string> LineageTags(FinRestoreResult result, string restoredFrom, string application)
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [RestoreTags.RestoreId] = result.RestoreId,
                [RestoreTags.RestoredFrom] = restoredFrom,
                [FinTags.ManagedBy] = FinTags.ManagedByValue,
            };
            return tags;
        }

        internal static string Token(string restoreId, string item)
        {
            var t = restoreId + ":" + item;
            return t.Length <= 64 ? t : t.Substring(0, 64);
        }
    }
}
