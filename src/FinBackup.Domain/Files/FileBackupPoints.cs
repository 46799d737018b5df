using System;
using System.Collections.Generic;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Manifest-to-point mapping, one place: a file-backup manifest (and its S3 tags) as the recovery point every FinBackup
    /// cmdlet understands, and a manifest as the fin:* tags written with it.
    /// </summary>
    public static class FileBackupPoints
    {
        /// <summary>Turns a manifest and its tags into the recovery point every FinBackup cmdlet understands.</summary>
        public static FinRecoveryPoint ToRecoveryPoint(FileManifest m, IDictionary<string, string> tags, string region, string bucket)
        {
            var point = new FinRecoveryPoint
            {
                RecoveryPointId = m.Key,
                Kind = RecoveryPointKind.FileBackup,
                Application = m.Application,
                PolicyName = m.PolicyName,
                Window = m.Window,
                ResourceId = m.Host,
                Region = region ?? m.Region,
                Bucket = bucket ?? m.Bucket,
                CreatedAt = m.CreatedAt,
                ExpiresAt = m.ExpiresAt,
                State = RecoveryPointState.Available,
                Encrypted = true,
                KmsKeyId = m.KmsKeyId,
                SizeGiB = Math.Round(m.TotalBytes / 1073741824.0, 6),
                SourceRecoveryPointId = m.SourceRecoveryPointId,
                SourceRegion = m.SourceRegion,
                ManagedByFinBackup = true,
            };
            if (tags != null) RecoveryPointTagCodec.Decode(tags, point);
            point.Kind = RecoveryPointKind.FileBackup;
            return point;
        }

        /// <summary>
        /// The point a manifest's tags describe, without reading the manifest (listing: one GetObjectTagging per point);
        /// <paramref name="created"/> comes from the manifest's key.
        /// </summary>
        public static FinRecoveryPoint FromTags(string manifestKey, IDictionary<string, string> tags, string region, string bucket, DateTime created)
        {
            var point = new FinRecoveryPoint
            {
                RecoveryPointId = manifestKey,
                Kind = RecoveryPointKind.FileBackup,
                Region = region,
                Bucket = bucket,
                CreatedAt = created,
                State = RecoveryPointState.Available,
                Encrypted = true,
            };
            if (tags != null) RecoveryPointTagCodec.Decode(tags, point);
            point.Kind = RecoveryPointKind.FileBackup;
            return point;
        }

        public static IDictionary<string, string> TagsFor(FileManifest m)
        {
            var tags = RecoveryPointTagCodec.Encode(new FinRecoveryPoint
            {
                Kind = RecoveryPointKind.FileBackup,
                Application = m.Application,
                PolicyName = m.PolicyName,
                Window = m.Window,
                ResourceId = m.Host,
                ExpiresAt = m.ExpiresAt,
                SourceRecoveryPointId = m.SourceRecoveryPointId,
                SourceRegion = m.SourceRegion,
                ManagedByFinBackup = true,
            });
            return tags;
        }

        /// <summary>
        /// The tags of a copy of <paramref name="source"/> in another bucket: <paramref name="given"/> when the caller has them
        /// (Copy-FinBackupToRegion passes the source point's copy tags), else the source's own tags as a copy's; then the
        /// lineage (fin:source-id, fin:source-region), the kind and fin:managed-by, always.
        /// </summary>
        public static IDictionary<string, string> CopyTags(FileManifest source, string sourceRegion, string sourceBucket,
            IDictionary<string, string> given, Func<IDictionary<string, string>> sourceTags)
        {
            var tags = given != null && given.Count > 0
                ? new Dictionary<string, string>(given, StringComparer.Ordinal)
                : RecoveryPointTagCodec.ForCopy(ToRecoveryPoint(source, sourceTags(), sourceRegion, sourceBucket));
            tags[FinTags.SourceId] = source.Key;
            tags[FinTags.SourceRegion] = sourceRegion;
            tags[FinTags.Kind] = RecoveryPointKind.FileBackup.ToString();
            tags[FinTags.ManagedBy] = FinTags.ManagedByValue;
            return tags;
        }
    }
}
