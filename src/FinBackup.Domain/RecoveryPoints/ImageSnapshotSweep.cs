using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// Before a cycle expires AMIs in a region: the images' backing snapshots are made findable and what deregistered
    /// images left is removed, from what the cycle listed anyway (<see cref="CycleListing.ImageSnapshots"/>; no call more in
    /// a steady cycle).
    /// <list type="bullet">
    /// <item>A listed image some of whose snapshots carry no FinBackup tags (their tagging failed when it was made) gets them
    /// tagged with the image's tags (one CreateTags per such image).</item>
    /// <item>A tagged image snapshot that no image uses, expired, not under a legal hold (its image was deregistered, then
    /// deleting it failed) is deleted, with an audit record; EC2 refuses to delete a snapshot an image uses, so nothing in use
    /// is ever deleted.</item>
    /// </list>
    /// Returns the images that must not be deregistered this time (region|image id): their snapshots are not known to be
    /// tagged (the snapshot listing failed, or the tagging failed or was declined).
    /// </summary>
    public sealed class ImageSnapshotSweep
    {
        private readonly RecoveryPointRuntime _runtime;

        public ImageSnapshotSweep(RecoveryPointRuntime runtime)
        {
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
        }

        /// <param name="policyName">The policy whose images and snapshots are acted on.</param>
        /// <param name="shouldTag">(target, action) -> go ahead? Asked before tagging an image's snapshots.</param>
        /// <param name="shouldRemove">(target, action) -> go ahead? Asked before deleting a leftover snapshot.</param>
        /// <param name="warn">(application, text): what was done or could not be done; nothing here fails a point.</param>
        public ISet<string> Run(CycleListing listing, string policyName, DateTime now, Func<string, string, bool> shouldTag,
            Func<string, string, bool> shouldRemove, Action<string, string> warn, CancellationToken ct)
        {
            var keep = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var images = listing?.OfKind(RecoveryPointKind.Ami);
            if (images == null || listing.ImageSnapshotsUnsupported) return keep; // not listed: the expiry leaves every AMI alone anyway; or nothing to check by
            var region = listing.Region;
            var ours = images.Where(i => i != null && string.Equals(i.PolicyName, policyName, StringComparison.Ordinal)).ToList();
            var snapshots = listing.ImageSnapshots;
            if (snapshots == null)
            {
                foreach (var i in ours.Where(i => i.SnapshotIds != null && i.SnapshotIds.Count > 0)) keep.Add(Key(region, i.RecoveryPointId));
                return keep;
            }
            var census = ImageSnapshotCensus.Of(images, images.Where(i => !listing.Made(i)), snapshots, policyName, now);

            var tagger = census.ImagesWithUntaggedSnapshots.Count == 0 ? null : _runtime.Provider(region, RecoveryPointKind.Ami) as IRecoveryPointTagger;
            foreach (var image in census.ImagesWithUntaggedSnapshots)
            {
                ct.ThrowIfCancellationRequested();
                if (tagger == null || !shouldTag($"the snapshots of AMI {image.RecoveryPointId} ({image.Application}, {region})", "Tag them with the image's fin:* tags"))
                {
                    keep.Add(Key(region, image.RecoveryPointId));
                    continue;
                }
                try
                {
                    tagger.SetTags(image, image.Tags, ct);
                    warn(image.Application, $"Tagged the snapshots of AMI {image.RecoveryPointId} in {region}: they carried no FinBackup tags (their tagging failed when the image was made).");
                }
                catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                {
                    keep.Add(Key(region, image.RecoveryPointId));
                    var fin = FinBackupException.From(ex, $"Tagging the snapshots of AMI {image.RecoveryPointId} in {region}");
                    warn(image.Application, $"AMI {image.RecoveryPointId} is kept past its expiry until its snapshots are tagged: {fin.ErrorId}: {fin.Message}");
                }
            }

            var deleter = census.Leftovers.Count == 0 ? null : _runtime.Provider(region, RecoveryPointKind.EbsSnapshotSet) as IImageSnapshotListing;
            foreach (var s in deleter == null ? new List<ImageSnapshot>() : census.Leftovers.ToList())
            {
                ct.ThrowIfCancellationRequested();
                var what = $"snapshot {s.SnapshotId} left by a deregistered AMI of {s.ResourceId} ({s.Application}, window {s.Window}, {region})";
                if (!shouldRemove(what, "Remove the snapshot of a deregistered image")) continue;
                try
                {
                    if (!deleter.DeleteImageSnapshot(s.SnapshotId, ct)) continue; // an image uses it: not a leftover
                    _runtime.Audit.Record(Audit.AuditActions.LeftoverDeleted, s.SnapshotId, Audit.AuditResults.Succeeded, s.Application, region,
                        new Dictionary<string, string>
                        {
                            [Audit.AuditDetailKeys.Kind] = RecoveryPointKind.Ami.ToString(),
                            [Audit.AuditDetailKeys.LeftoverOf] = "deregistered image",
                            [Audit.AuditDetailKeys.ResourceId] = s.ResourceId ?? string.Empty,
                            ["window"] = s.Window ?? string.Empty,
                            [Audit.AuditDetailKeys.ExpiresAt] = s.ExpiresAt.HasValue ? Audit.AuditTrail.Iso(s.ExpiresAt.Value) : string.Empty,
                        });
                    warn(s.Application, $"Removed {what}.");
                }
                catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                {
                    var fin = FinBackupException.From(ex, "Removing " + what);
                    _runtime.Audit.Record(Audit.AuditActions.LeftoverDeleted, s.SnapshotId, Audit.AuditResults.Failed, s.Application, region,
                        new Dictionary<string, string> { [Audit.AuditDetailKeys.Kind] = RecoveryPointKind.Ami.ToString(), [Audit.AuditDetailKeys.LeftoverOf] = "deregistered image" }, fin.ErrorId);
                    warn(s.Application, $"Could not remove {what} (the next cycle tries again): {fin.ErrorId}: {fin.Message}");
                }
            }
            return keep;
        }

        public static string Key(string region, string id) => region + "|" + id;
    }
}
