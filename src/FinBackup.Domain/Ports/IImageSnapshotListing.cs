using System;
using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// Optional on the snapshot-set provider (EC2 keeps an image's backing snapshots with the volume snapshots): lists, in
    /// the same paged call as its own listing, the snapshots FinBackup tagged as an image's (fin:kind=Ami), so that a cycle
    /// can tell the snapshots of its images that are untagged (they would be invisible once the image is gone) and the
    /// tagged ones an image left when its deregistration went through but their deletion did not, without a listing more.
    /// </summary>
    public interface IImageSnapshotListing
    {
        RecoveryPointKind Kind { get; }

        /// <summary>
        /// One listing with <paramref name="query"/>'s tag filters: the snapshot sets (only when <paramref name="includeSets"/>;
        /// otherwise <see cref="SnapshotListing.Sets"/> is null) and the image snapshots.
        /// </summary>
        SnapshotListing ListWithImageSnapshots(RecoveryPointQuery query, bool includeSets, CancellationToken cancellationToken);

        /// <summary>
        /// Deletes one image snapshot whose image is gone. False when an image still uses it (EC2 refuses: nothing is
        /// deleted); true when it is deleted or was already gone. Throws FinBackupException on any other failure.
        /// </summary>
        bool DeleteImageSnapshot(string snapshotId, CancellationToken cancellationToken);
    }

    /// <summary>What <see cref="IImageSnapshotListing.ListWithImageSnapshots"/> found.</summary>
    public sealed class SnapshotListing
    {
        public IReadOnlyList<FinRecoveryPoint> Sets { get; set; }
        public IReadOnlyList<ImageSnapshot> ImageSnapshots { get; set; } = Array.Empty<ImageSnapshot>();
    }
}
