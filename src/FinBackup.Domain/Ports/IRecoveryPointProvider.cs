using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// One kind of recovery point (EBS snapshot set, AMI, RDS snapshot, file backup, ...) in ONE region.
    /// Get-FinRecoveryPoint, Copy-FinBackupToRegion, Remove-FinExpiredBackup and Invoke-FinBackupCycle work on every kind
    /// through this interface only, so a new kind plugs in without editing them.
    /// <para>How a provider is found: any public, non-abstract class in FinBackup.Aws that implements this interface and has a
    /// public constructor <c>(AwsClientContext context, string region)</c> is discovered by the
    /// <see cref="IRecoveryPointProviders"/> catalog (no attribute, no registration). One class per kind.</para>
    /// <para>Contract:</para>
    /// <list type="bullet">
    /// <item><see cref="Kind"/>: the single kind this provider handles; every point it returns has that Kind and Region = its region.</item>
    /// <item><see cref="List"/>: returns the points of this kind in this region that match <paramref name="query"/>
    /// (use <see cref="RecoveryPointQuery.Matches"/> for whatever the service cannot filter). Server-side filters and paging,
    /// never one call per point. Unless <c>query.IncludeUnmanaged</c>, only points tagged fin:managed-by=FinBackup.
    /// Points must be decoded with <see cref="RecoveryPointTagCodec"/> so Application, PolicyName, Window, ExpiresAt,
    /// LegalHold, SourceRecoveryPointId, SourceRegion, ManagedByFinBackup come from the fin:* tags; State normalised
    /// (Pending while a copy/upload is still running, Available when restorable).</item>
    /// <item><see cref="Copy"/>: called on the provider of the DESTINATION region (this provider's region) with a point from
    /// another region. Must: refuse (FinBackupException "FinCopyUnencryptedRefused") when <c>request.KmsKeyId</c> is empty;
    /// re-encrypt with that key; write <c>request.Tags</c> (already containing fin:source-id / fin:source-region lineage)
    /// onto the copy; be idempotent: if a point whose fin:source-id equals the source's id exists here, return it instead of
    /// copying again. Returns the copy (usually Pending). Failures: FinBackupException with a unique "Fin..." ErrorId.</item>
    /// <item><see cref="Delete"/>: removes the point and everything that belongs only to it (an AMI is deregistered and its
    /// snapshots deleted; a snapshot set deletes all member snapshots; a file backup deletes its manifest and then only
    /// content objects no live manifest references). Must refuse (FinBackupException "FinDeleteUnmanagedRefused") a point
    /// whose ManagedByFinBackup is false. Callers (the RetentionPlanner) already guarantee expiry, newest-point, legal hold
    /// and pending-copy rules; Delete must not delete anything else. Throws on failure; never partially succeeds silently.</item>
    /// </list>
    /// </summary>
    public interface IRecoveryPointProvider
    {
        RecoveryPointKind Kind { get; }

        IReadOnlyList<FinRecoveryPoint> List(RecoveryPointQuery query, CancellationToken cancellationToken);

        FinRecoveryPoint Copy(FinRecoveryPoint source, CopyRecoveryPointRequest request, CancellationToken cancellationToken);

        void Delete(FinRecoveryPoint point, CancellationToken cancellationToken);
    }

    /// <summary>What <see cref="IRecoveryPointProvider.Copy"/> is asked to do.</summary>
    public sealed class CopyRecoveryPointRequest
    {
        /// <summary>The destination region (the provider's own).</summary>
        public string DestinationRegion { get; set; }
        /// <summary>Destination-region KMS key (id, ARN or alias). Required: there are no unencrypted copies.</summary>
        public string KmsKeyId { get; set; }
        /// <summary>Tags for the copy: the source's fin:* tags plus fin:source-id and fin:source-region.</summary>
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
        /// <summary>For S3-based kinds: the destination bucket (the policy's bucket for the destination region).</summary>
        public string DestinationBucket { get; set; }
        /// <summary>
        /// The caller listed the destination moments ago and found no copy of this source (not even a partial one): the
        /// provider may skip its own idempotency lookup. Providers that cannot rely on it may ignore it.
        /// </summary>
        public bool DestinationCheckedForCopies { get; set; }
        /// <summary>
        /// The caller asked the destination's <see cref="ICopyLeftoverCheck"/> about this source moments ago and it found no
        /// copy an interrupted run left untagged: the provider may skip its own lookup for one. False: look as usual.
        /// </summary>
        public bool DestinationCheckedForLeftovers { get; set; }
        /// <summary>
        /// Only adopt the copy of this source an interrupted run left untagged (tag it with <see cref="Tags"/> and
        /// fin:adopted-at); never start a copy. Null when there is none. Honoured by the providers that implement
        /// <see cref="ICopyLeftoverCheck"/>, the only ones it is asked of (<see cref="RecoveryPoints.CopyCoordinator.AdoptLeftovers"/>).
        /// </summary>
        public bool AdoptOnly { get; set; }
        /// <summary>
        /// The caller finishes the copies of its batch with <see cref="ICopyFinisher"/> (one describe for all of them): the
        /// provider returns the copy as it was started, without describing or tagging it again. Only asked of providers that
        /// implement <see cref="ICopyFinisher"/>.
        /// </summary>
        public bool CallerFinishes { get; set; }
    }

    /// <summary>
    /// Optional on a provider whose new copies need a describe call before they are complete (an AMI copy: its snapshots
    /// are only known from DescribeImages, and an endpoint may have ignored the copy's TagSpecifications): that describe
    /// made once for a batch of copies instead of once per copy, and the tagging done only where it is missing.
    /// </summary>
    public interface ICopyFinisher
    {
        RecoveryPointKind Kind { get; }

        /// <summary>
        /// Completes the copies made with <see cref="CopyRecoveryPointRequest.CallerFinishes"/> (state, snapshots, size, tags)
        /// and tags what the copy call did not. Throws FinBackupException when some could not be finished; the copies exist
        /// (an untagged one is adopted by a later copy or cycle).
        /// </summary>
        void FinishCopies(IReadOnlyList<FinRecoveryPoint> copies, CancellationToken cancellationToken);
    }

    /// <summary>
    /// Optional on a provider whose copies an interrupted run can leave untagged, so that the tag listing does not show
    /// them (EC2 finds them by the name or description FinBackup gives every copy): which of a batch of sources may have
    /// such a copy in this (the destination) region, found with one call for the whole batch instead of one per copy. A
    /// source named here is looked for again, alone, by the copy itself.
    /// </summary>
    public interface ICopyLeftoverCheck
    {
        RecoveryPointKind Kind { get; }

        /// <summary>The ids of the sources of which this region holds a copy FinBackup made but may not have tagged.</summary>
        ISet<string> SourcesWithLeftovers(IReadOnlyCollection<FinRecoveryPoint> sources, CancellationToken cancellationToken);
    }

    /// <summary>
    /// Takes new recovery points of one kind (EBS snapshot sets, AMIs, RDS snapshots). Implemented next to the provider of
    /// the same kind; discovered like providers. File backups are taken on the instance (Backup-FinFile), not here.
    /// </summary>
    public interface IRecoveryPointCreator
    {
        RecoveryPointKind Kind { get; }

        /// <summary>
        /// Starts a recovery point of <c>request.ResourceId</c> with <c>request.Tags</c> on the point and every member.
        /// Throws FinBackupException: "FinResourceNotFound", "FinSnapshotPendingLimit" (a volume already has 5 pending
        /// snapshots), "FinSnapshotQuotaExceeded", "FinAwsThrottled"...
        /// </summary>
        FinRecoveryPoint Create(CreateRecoveryPointRequest request, CancellationToken cancellationToken);
    }

    public sealed class CreateRecoveryPointRequest
    {
        public string ResourceId { get; set; }
        /// <summary>A name for kinds that need one (AMI name, DB snapshot identifier prefix).</summary>
        public string Name { get; set; }
        /// <summary>AMIs: reboot the instance for a consistent image (default: no reboot).</summary>
        public bool Reboot { get; set; }
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
        /// <summary>EC2: the instance's volumes when already known (from discovery), else null and the creator looks them up.</summary>
        public IList<string> VolumeIds { get; set; }
        /// <summary>
        /// EC2: the volume id of every snapshot pending in the region, when the caller fetched them for many instances at once
        /// (one call per cycle); null and the creator asks for its own volumes.
        /// </summary>
        public IList<string> PendingSnapshotVolumeIds { get; set; }
        /// <summary>
        /// In/out: the resource's restore metadata (<see cref="FinBackup.Domain.Restore.RestoreMetadataKeys"/>). Empty when the caller
        /// had none: the creator fills it from the describe call it makes anyway; it adds what only creation knows (the volume of
        /// each member snapshot). The taker stores it beside the point.
        /// </summary>
        public IDictionary<string, string> RestoreMetadata { get; set; } = new Dictionary<string, string>();
        /// <summary>
        /// The caller hands every point it creates in this region to <see cref="ICreationFinisher.Finish"/> once it has
        /// created them all (the backup cycle): a creator that implements it may return the new point as sent, and leave what
        /// needs a describe call to that one batch.
        /// </summary>
        public bool CallerFinishes { get; set; }
    }

    /// <summary>
    /// Optional on a creator whose new points need a describe call before they are complete (an AMI: its backing snapshots
    /// are only known from DescribeImages, and are tagged from it): the describe made once for every point of the batch
    /// instead of once per point. Only for points created with <see cref="CreateRecoveryPointRequest.CallerFinishes"/>.
    /// </summary>
    public interface ICreationFinisher
    {
        RecoveryPointKind Kind { get; }

        /// <summary>Completes the points (state, snapshots, size) and does what their creation left to do (tagging).</summary>
        void Finish(IReadOnlyList<FinRecoveryPoint> created, CancellationToken cancellationToken);
    }

    /// <summary>EC2 creators: the volumes with pending snapshots in the region, for the 5-per-volume limit, in one call.</summary>
    public interface IPendingSnapshotSource
    {
        IList<string> PendingSnapshotVolumeIds(IEnumerable<string> volumeIds, CancellationToken cancellationToken);
    }

    /// <summary>
    /// The providers and creators of one region, by kind. Get it with <c>Session.Get&lt;IRecoveryPointProviders&gt;(region)</c>.
    /// </summary>
    public interface IRecoveryPointProviders
    {
        string Region { get; }
        IReadOnlyList<IRecoveryPointProvider> All { get; }
        /// <summary>The provider of <paramref name="kind"/>, or null when none is installed.</summary>
        IRecoveryPointProvider Provider(RecoveryPointKind kind);
        /// <summary>The creator of <paramref name="kind"/>, or null when the kind is not taken by FinBackup directly.</summary>
        IRecoveryPointCreator Creator(RecoveryPointKind kind);
    }
}
