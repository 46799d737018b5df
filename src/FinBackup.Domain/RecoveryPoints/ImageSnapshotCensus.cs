using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// An AMI's backing snapshots against what the snapshot listing shows of them, in one region: the images some of
    /// whose snapshots carry no FinBackup tags (once such an image is deregistered, nothing would find them again), and
    /// the tagged image snapshots no image uses any more whose expiry has passed (left when an image was deregistered but
    /// deleting its snapshots failed). Plain rules, no AWS.
    /// </summary>
    public sealed class ImageSnapshotCensus
    {
        private ImageSnapshotCensus(List<FinRecoveryPoint> untagged, List<ImageSnapshot> leftovers)
        {
            ImagesWithUntaggedSnapshots = untagged;
            Leftovers = leftovers;
        }

        /// <summary>Images (of the policy) with a snapshot the listing does not show as tagged.</summary>
        public IReadOnlyList<FinRecoveryPoint> ImagesWithUntaggedSnapshots { get; }

        /// <summary>Tagged image snapshots of the policy that no image uses, expired and not under a legal hold.</summary>
        public IReadOnlyList<ImageSnapshot> Leftovers { get; }

        /// <param name="images">Every image the region's listing shows (with the same query as the snapshot listing).</param>
        /// <param name="checkedImages">The images to check for untagged snapshots (those listed, not those made since).</param>
        /// <param name="tagged">The image snapshots the listing shows (fin:kind=Ami).</param>
        /// <param name="policyName">Only this policy's images and snapshots are acted on (null: every policy's).</param>
        public static ImageSnapshotCensus Of(IEnumerable<FinRecoveryPoint> images, IEnumerable<FinRecoveryPoint> checkedImages,
            IEnumerable<ImageSnapshot> tagged, string policyName, DateTime now)
        {
            var all = (images ?? Enumerable.Empty<FinRecoveryPoint>()).Where(i => i != null && i.Kind == RecoveryPointKind.Ami).ToList();
            var snapshots = (tagged ?? Enumerable.Empty<ImageSnapshot>()).Where(s => s != null && !string.IsNullOrEmpty(s.SnapshotId)).ToList();
            var taggedIds = new HashSet<string>(snapshots.Select(s => s.SnapshotId), StringComparer.Ordinal);
            var used = new HashSet<string>(all.SelectMany(i => i.SnapshotIds ?? new List<string>()).Where(id => !string.IsNullOrEmpty(id)), StringComparer.Ordinal);
            bool Ours(string policy) => policyName == null || string.Equals(policy, policyName, StringComparison.Ordinal);

            var untagged = (checkedImages ?? Enumerable.Empty<FinRecoveryPoint>())
                .Where(i => i != null && i.Kind == RecoveryPointKind.Ami && i.ManagedByFinBackup && Ours(i.PolicyName)
                            && (i.SnapshotIds ?? new List<string>()).Any(id => !string.IsNullOrEmpty(id) && !taggedIds.Contains(id)))
                .ToList();
            var leftovers = snapshots
                .Where(s => Ours(s.PolicyName) && !used.Contains(s.SnapshotId) && !s.LegalHold && s.ExpiresAt.HasValue && s.ExpiresAt.Value <= now)
                .GroupBy(s => s.SnapshotId, StringComparer.Ordinal).Select(g => g.First())
                .ToList();
            return new ImageSnapshotCensus(untagged, leftovers);
        }
    }
}
