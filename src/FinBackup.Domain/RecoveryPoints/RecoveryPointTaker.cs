using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Resources;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>What to take a recovery point of, and under which policy.</summary>
    public sealed class TakeRecoveryPointRequest
    {
        public string ResourceId { get; set; }
        public FinResourceType? ResourceType { get; set; }
        public string Region { get; set; }
        public string Application { get; set; }
        public BackupPolicy Policy { get; set; }
        /// <summary>Overrides the application's retention (required when there is no policy).</summary>
        public TimeSpan? Retention { get; set; }
        /// <summary>Overrides the application's frequency (the window length); default one hour without a policy.</summary>
        public TimeSpan? Frequency { get; set; }
        public RecoveryPointKind? Kind { get; set; }
        public bool Reboot { get; set; }
        /// <summary>EC2: the instance's volumes when known (FinResource.VolumeIds).</summary>
        public IList<string> VolumeIds { get; set; }
        /// <summary>EC2: volume ids of the region's pending snapshots when fetched in bulk; null to let the creator check.</summary>
        public IList<string> PendingSnapshotVolumeIds { get; set; }
        /// <summary>The resource's restore metadata when discovery has it (FinResource.RestoreMetadata); else the creator captures it.</summary>
        public IDictionary<string, string> RestoreMetadata { get; set; }
        /// <summary>The caller finishes the new point with the creator's <see cref="ICreationFinisher"/> (see CreateRecoveryPointRequest).</summary>
        public bool CallerFinishes { get; set; }
    }

    public sealed class TakeRecoveryPointResult
    {
        public FinRecoveryPoint Point { get; set; }
        /// <summary>True when the window already had this point (nothing new was created).</summary>
        public bool AlreadyExisted { get; set; }
        /// <summary>Why the point's restore metadata could not be stored (the point itself is fine), or null.</summary>
        public string MetadataWarning { get; set; }
    }

    /// <summary>
    /// Takes one recovery point of a resource, idempotently within the policy window: the point is found by its
    /// fin:window + fin:resource-id + kind tags before anything is created, so a re-run (or a run after a crash) returns the
    /// existing point instead of a duplicate.
    /// </summary>
    public sealed class RecoveryPointTaker
    {
        public static readonly TimeSpan DefaultFrequency = TimeSpan.FromHours(1);
        private readonly RecoveryPointRuntime _runtime;

        public RecoveryPointTaker(RecoveryPointRuntime runtime) { _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime)); }

        /// <summary>The kinds to take for a resource: the explicit one, else what the policy asks for that fits the resource type.</summary>
        public static IReadOnlyList<RecoveryPointKind> KindsFor(FinResourceType? type, ApplicationPolicy app, RecoveryPointKind? explicitKind)
        {
            if (explicitKind.HasValue) return new[] { explicitKind.Value };
            if (type == FinResourceType.RdsDbInstance) return new[] { RecoveryPointKind.RdsSnapshot };
            var requested = app?.RecoveryPoints ?? new List<RecoveryPointKindRequest>();
            var kinds = new List<RecoveryPointKind>();
            if (requested.Contains(RecoveryPointKindRequest.EbsSnapshotSet)) kinds.Add(RecoveryPointKind.EbsSnapshotSet);
            if (requested.Contains(RecoveryPointKindRequest.Ami)) kinds.Add(RecoveryPointKind.Ami);
            // An application whose policy names file backups but no EBS kind is protected on its instances by file backups
            // only (taken there by Backup-FinFile); otherwise an EC2 instance defaults to an EBS snapshot set.
            if (kinds.Count == 0 && !requested.Contains(RecoveryPointKindRequest.FileBackup)) kinds.Add(RecoveryPointKind.EbsSnapshotSet);
            return kinds;
        }

        /// <summary>Checks the kind fits the resource type: FinKindResourceMismatch otherwise.</summary>
        public static void CheckKindFits(RecoveryPointKind kind, FinResourceType? type, string resourceId)
        {
            var isRds = type == FinResourceType.RdsDbInstance || (type == null && resourceId != null && !resourceId.StartsWith("i-", StringComparison.Ordinal));
            var ok = kind == RecoveryPointKind.RdsSnapshot ? isRds : (kind == RecoveryPointKind.EbsSnapshotSet || kind == RecoveryPointKind.Ami) && !isRds;
            if (!ok)
                throw new FinBackupException("FinKindResourceMismatch", FinErrorKind.InvalidArgument,
                    $"A {kind} recovery point cannot be taken of '{resourceId}'" + (type.HasValue ? $" (a {type})." : "."),
                    "Use -Kind EbsSnapshotSet or Ami for EC2 instances (i-...), RdsSnapshot for RDS DB instances.");
        }

        /// <summary>Takes (or finds) the point of one kind. Throws FinBackupException on a failure of this item.</summary>
        /// <param name="windowKnownEmpty">The caller listed the window moments ago and found nothing (the cycle): skip the re-listing.</param>
        /// <param name="confirmCreate">Asked only when a new point must be created (not when the window already has one); false -> nothing created, Point null.</param>
        public TakeRecoveryPointResult Take(TakeRecoveryPointRequest request, RecoveryPointKind kind, CancellationToken cancellationToken, bool windowKnownEmpty = false,
            Func<bool> confirmCreate = null)
        {
            if (string.IsNullOrEmpty(request.ResourceId))
                throw new FinBackupException("FinResourceIdMissing", FinErrorKind.InvalidArgument, "No resource id was given.",
                    "Pipe FinResource objects from Get-FinResource, or pass -ResourceId i-0123456789abcdef0 or a DB instance identifier.");
            CheckKindFits(kind, request.ResourceType, request.ResourceId);
            var app = request.Policy != null && !string.IsNullOrEmpty(request.Application) ? request.Policy.FindApplication(request.Application) : null;
            if (request.Policy != null && !string.IsNullOrEmpty(request.Application) && app == null)
            {
                var valid = string.Join(", ", request.Policy.Applications.Where(a => a?.Name != null).Select(a => "'" + a.Name + "'"));
                throw new FinBackupException("FinApplicationNotInPolicy", FinErrorKind.ObjectNotFound,
                    $"The policy '{request.Policy.Name}' has no application '{request.Application}'. Its applications: {valid}.",
                    $"Use an application name from the policy ({valid}): check the fin:application tag of the resource, or add the application to the policy.");
            }
            var retention = request.Retention ?? app?.Retention;
            if (!retention.HasValue || retention.Value <= TimeSpan.Zero)
                throw new FinBackupException("FinRetentionMissing", FinErrorKind.InvalidArgument,
                    $"No retention is known for '{request.ResourceId}'.",
                    "Pass -Policy with the application's Retention, or -Retention (for example -Retention 12:00:00).");
            var frequency = request.Frequency ?? app?.Frequency ?? DefaultFrequency;
            var now = _runtime.UtcNow();
            var window = BackupWindow.At(now, frequency);
            var region = request.Region;

            var provider = _runtime.Provider(region, kind);
            // The window's point of THIS policy: another policy covering the same resource has its own points.
            var existing = windowKnownEmpty ? null : provider.List(new RecoveryPointQuery
            {
                ResourceIds = { request.ResourceId },
                Window = window.Id,
                PolicyName = request.Policy?.Name,
            }, cancellationToken).Where(p => p.State != RecoveryPointState.Failed && p.Kind == kind && !p.IsCopy)
              .OrderByDescending(p => p.CreatedAt).FirstOrDefault();
            if (existing != null) return new TakeRecoveryPointResult { Point = existing, AlreadyExisted = true };
            if (confirmCreate != null && !confirmCreate()) return new TakeRecoveryPointResult { Point = null, AlreadyExisted = false };

            var creator = _runtime.Providers(region)?.Creator(kind) ?? throw new FinBackupException("FinRecoveryPointKindNotCreatable",
                FinErrorKind.NotImplemented, $"FinBackup does not take {kind} recovery points directly.",
                kind == RecoveryPointKind.FileBackup ? "Use Backup-FinFile on the instance." : "Use -Kind EbsSnapshotSet, Ami or RdsSnapshot.");
            var tags = RecoveryPointTagCodec.ForNewPoint(kind, request.Application, request.Policy?.Name, request.ResourceId, window, now + retention.Value);
            var createMetadata = new Dictionary<string, string>(request.RestoreMetadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            FinRecoveryPoint created;
            try
            {
                created = creator.Create(new CreateRecoveryPointRequest
                {
                    ResourceId = request.ResourceId,
                    Name = NameFor(kind, request.ResourceId, window, request.Policy?.Name),
                    Reboot = request.Reboot,
                    Tags = tags,
                    VolumeIds = request.VolumeIds != null && request.VolumeIds.Count > 0 ? request.VolumeIds : null,
                    PendingSnapshotVolumeIds = request.PendingSnapshotVolumeIds,
                    RestoreMetadata = createMetadata,
                    CallerFinishes = request.CallerFinishes && creator is ICreationFinisher,
                }, cancellationToken);
            }
            catch (FinBackupException ex)
            {
                _runtime.Audit.Record(Audit.AuditActions.RecoveryPointCreated, request.ResourceId, Audit.AuditResults.Failed, request.Application, region,
                    new Dictionary<string, string> { [Audit.AuditDetailKeys.Kind] = kind.ToString(), ["window"] = window.ToString() }, ex.ErrorId);
                throw;
            }
            _runtime.Audit.RecordPoint(Audit.AuditActions.RecoveryPointCreated, created);
            var warning = Restore.RestoreMetadataRecorder.Record(_runtime, request.Policy, created, request.ResourceId, createMetadata, now, cancellationToken);
            return new TakeRecoveryPointResult { Point = created, AlreadyExisted = false, MetadataWarning = warning };
        }

        /// <summary>How many describes in a row may report a state FinBackup does not know before the wait returns it as it is.</summary>
        public const int UnknownStateDescribes = 3;

        /// <summary>
        /// Waits until the point is Available (or Failed, Partial, Deleting), reporting progress, with the runtime's one
        /// waiter (adaptive polling from <see cref="RecoveryPointRuntime.FirstPollDelay"/> to its PollInterval; FinWaitTimedOut
        /// after its timeout). A point whose state the service did not report (Unknown, as in a create response without
        /// states) is resolved by describing it, never returned as Unknown unless <see cref="UnknownStateDescribes"/>
        /// describes in a row say so.
        /// </summary>
        public FinRecoveryPoint WaitUntilDone(FinRecoveryPoint point, Action<FinRecoveryPoint> progress, CancellationToken cancellationToken)
        {
            if (point.State != RecoveryPointState.Pending && point.State != RecoveryPointState.Unknown) return point;
            var provider = _runtime.Provider(point.Region, point.Kind);
            var unknownInARow = 0;
            var current = _runtime.Waiter.Until($"{point.Kind} {point.RecoveryPointId} in {point.Region}",
                ct =>
                {
                    var fresh = provider.List(new RecoveryPointQuery { RecoveryPointIds = { point.RecoveryPointId }, IncludeUnmanaged = true }, ct)
                        .FirstOrDefault();
                    if (fresh == null)
                        throw new FinBackupException("FinRecoveryPointVanished", FinErrorKind.ObjectNotFound,
                            $"{point.Kind} {point.RecoveryPointId} in {point.Region} disappeared while being waited for.",
                            "Check CloudTrail for who deleted it, then take a new one.");
                    unknownInARow = fresh.State == RecoveryPointState.Unknown ? unknownInARow + 1 : 0;
                    return fresh;
                },
                p => p.State != RecoveryPointState.Pending && (p.State != RecoveryPointState.Unknown || unknownInARow >= UnknownStateDescribes),
                _runtime.WaitPolicy, cancellationToken,
                w => progress?.Invoke(w.Value),
                (before, after) => (after.Progress ?? 0) > (before?.Progress ?? 0));
            progress?.Invoke(current);
            if (current.State == RecoveryPointState.Failed)
                throw new FinBackupException("FinRecoveryPointFailed", FinErrorKind.InvalidData,
                    $"{point.Kind} {point.RecoveryPointId} in {point.Region} failed.", "See the service's status message; take a new point.");
            return current;
        }

        /// <summary>A stable, service-valid name per resource and window (AMI name, DB snapshot identifier), without a policy.</summary>
        public static string NameFor(RecoveryPointKind kind, string resourceId, BackupWindow window) => NameFor(kind, resourceId, window, null);

        /// <summary>
        /// A stable, service-valid name per resource, window and policy (AMI name, DB snapshot identifier):
        /// fin-&lt;resource&gt;-&lt;policy hash&gt;-&lt;window start&gt;. Two policies covering the same resource get different
        /// names (AMI names and DB snapshot identifiers are unique per account and region). The hash is the first 8 hex digits
        /// of SHA-256 of the lower-cased policy name: short, stable, and valid in both kinds of name.
        /// </summary>
        public static string NameFor(RecoveryPointKind kind, string resourceId, BackupWindow window, string policyName)
        {
            var stamp = window.Start.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            var cleaned = new string((resourceId ?? "resource").Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');
            while (cleaned.Contains("--")) cleaned = cleaned.Replace("--", "-");
            if (kind == RecoveryPointKind.RdsSnapshot) stamp = stamp.ToLowerInvariant();
            var policy = string.IsNullOrEmpty(policyName) ? string.Empty : PolicyHash(policyName) + "-";
            var prefix = "fin-" + cleaned + "-";
            var max = 255 - policy.Length - stamp.Length;
            if (prefix.Length > max) prefix = prefix.Substring(0, max - 1).TrimEnd('-') + "-";
            return prefix + policy + stamp;
        }

        /// <summary>The first 8 hex digits of SHA-256 of the lower-cased policy name.</summary>
        public static string PolicyHash(string policyName)
        {
            using (var sha = System.Security.Cryptography.SHA256.Create())
            {
                var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes((policyName ?? string.Empty).ToLowerInvariant()));
                return BitConverter.ToString(hash, 0, 4).Replace("-", string.Empty).ToLowerInvariant();
            }
        }
    }
}
