using System;
using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>Stores a new point's restore metadata beside it, and copies it with the point to another region.</summary>
    public static class RestoreMetadataRecorder
    {
        /// <summary>Writes the document to the policy's bucket in the point's region. Returns a warning instead of failing the backup.</summary>
        public static string Record(RecoveryPointRuntime runtime, BackupPolicy policy, FinRecoveryPoint point, string resourceId, IDictionary<string, string> metadata,
            DateTime now, CancellationToken ct)
        {
            if (runtime.RestoreMetadata == null || point == null || metadata == null || metadata.Count == 0) return null;
            var bucket = policy?.BucketFor(point.Region);
            if (string.IsNullOrEmpty(bucket)) return $"No backup bucket for {point.Region} in the policy: the restore metadata of {point.RecoveryPointId} is not stored.";
            try
            {
                runtime.RestoreMetadata(point.Region).Put(bucket, policy.KmsKeyFor(point.Region), new RestoreMetadataDocument
                {
                    RecoveryPointId = point.RecoveryPointId,
                    Kind = point.Kind,
                    ResourceId = resourceId,
                    Region = point.Region,
                    CapturedAt = now,
                    Metadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal),
                }, ct);
                return null;
            }
            catch (FinBackupException ex)
            {
                return $"The restore metadata of {point.RecoveryPointId} was not stored in s3://{bucket}: {ex.Message}";
            }
        }

        /// <summary>Copies the source point's document to the destination bucket (after the point was copied). Returns a warning or null.</summary>
        public static string CopyWith(RecoveryPointRuntime runtime, BackupPolicy policy, FinRecoveryPoint source, string destination, CancellationToken ct)
        {
            if (runtime.RestoreMetadata == null || source == null || source.Kind == RecoveryPointKind.FileBackup) return null;
            var from = policy?.BucketFor(source.Region);
            var to = policy?.BucketFor(destination);
            if (string.IsNullOrEmpty(from) || string.IsNullOrEmpty(to)) return null;
            try
            {
                runtime.RestoreMetadata(destination).CopyFrom(source.Region, from, to, policy.KmsKeyFor(destination), source.Kind, RestoreMetadataDocument.OriginalId(source), ct);
                return null;
            }
            catch (FinBackupException ex)
            {
                return $"The restore metadata of {source.RecoveryPointId} was not copied to s3://{to}: {ex.Message}";
            }
        }
    }
}
