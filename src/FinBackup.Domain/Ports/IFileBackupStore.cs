using System;
using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Files;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// The S3 side of file backups in ONE region: content objects (packs and chunks), manifests and their tags.
    /// Keys are relative to the bucket; every write is SSE-KMS with the given key and carries an S3 SHA-256 checksum.
    /// </summary>
    public interface IFileBackupStore
    {
        string Region { get; }

        /// <summary>Whether the bucket has Object Lock and its default mode (GOVERNANCE or COMPLIANCE).</summary>
        BucketProtection DescribeBucket(string bucket, CancellationToken cancellationToken);

        /// <summary>Every object under <paramref name="prefix"/> (paged listing, one call per 1,000 keys).</summary>
        IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken cancellationToken);

        /// <summary>
        /// Writes <paramref name="count"/> bytes of <paramref name="buffer"/> as <paramref name="key"/>, with S3 verifying
        /// <paramref name="sha256"/> (x-amz-checksum-sha256). Thread-safe.
        /// </summary>
        void PutContent(string bucket, string key, byte[] buffer, int count, byte[] sha256, ObjectWriteOptions options, CancellationToken cancellationToken);

        /// <summary>Re-writes an existing object onto itself server-side (fresh LastModified, the given key and retention).</summary>
        void Touch(string bucket, string key, ObjectWriteOptions options, CancellationToken cancellationToken);

        /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="key"/> into <paramref name="destination"/>.</summary>
        void ReadRange(string bucket, string key, long offset, int length, byte[] destination, int destinationOffset, CancellationToken cancellationToken);

        void PutManifest(string bucket, FileManifest manifest, IDictionary<string, string> tags, ObjectWriteOptions options, CancellationToken cancellationToken);

        FileManifest GetManifest(string bucket, string key, CancellationToken cancellationToken);

        IDictionary<string, string> GetTags(string bucket, string key, CancellationToken cancellationToken);

        /// <summary>Deletes keys (batched, 1,000 per call). Returns the keys that could not be deleted, with the reason.</summary>
        IDictionary<string, string> Delete(string bucket, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

        /// <summary>Server-side copy of <paramref name="key"/> from a bucket in another (or the same) region into this region's bucket.</summary>
        void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, ObjectWriteOptions options, CancellationToken cancellationToken);
    }

    public sealed class StoredObject
    {
        public string Key { get; set; }
        public long Size { get; set; }
        public DateTime LastModified { get; set; }
        public override string ToString() => Key;
    }

    public sealed class BucketProtection
    {
        public bool ObjectLockEnabled { get; set; }
        /// <summary>GOVERNANCE or COMPLIANCE (the bucket's default retention mode), GOVERNANCE when the bucket sets none.</summary>
        public string ObjectLockMode { get; set; }
    }

    public sealed class ObjectWriteOptions
    {
        /// <summary>KMS key id, ARN or alias for SSE-KMS; required.</summary>
        public string KmsKeyId { get; set; }
        /// <summary>Object Lock retention until this time (only when the bucket has Object Lock).</summary>
        public DateTime? RetainUntil { get; set; }
        public string ObjectLockMode { get; set; }
    }

    /// <summary>S3 replication with Replication Time Control (Set-FinBucketReplication).</summary>
    public interface IBucketReplicationGateway
    {
        /// <summary>Enables versioning on both buckets if needed and writes the replication configuration. Returns the rule id.</summary>
        string ConfigureReplication(BucketReplicationRule request, CancellationToken cancellationToken);
    }

    public sealed class BucketReplicationRule
    {
        public string SourceBucket { get; set; }
        public string DestinationBucket { get; set; }
        public string DestinationRegion { get; set; }
        public string ReplicaKmsKeyId { get; set; }
        public string RoleArn { get; set; }
        public string Prefix { get; set; }
        public string RuleId { get; set; } = "fin-backup-dr";
        /// <summary>Replication Time Control threshold in minutes (S3 supports 15).</summary>
        public int ReplicationTimeMinutes { get; set; } = 15;
    }

    /// <summary>Runs a Systems Manager command document on instances chosen by tag (Send-FinFileBackupCommand).</summary>
    public interface IFleetCommandGateway
    {
        FleetCommand Send(FleetCommandRequest request, CancellationToken cancellationToken);
    }

    public sealed class FleetCommandRequest
    {
        public string DocumentName { get; set; }
        public string TagKey { get; set; }
        public IList<string> TagValues { get; set; } = new List<string>();
        public IList<string> InstanceIds { get; set; } = new List<string>();
        public IDictionary<string, IList<string>> Parameters { get; set; } = new Dictionary<string, IList<string>>();
        public string Comment { get; set; }
        public int TimeoutSeconds { get; set; } = 3600;
        public string MaxConcurrency { get; set; } = "50%";
        public string MaxErrors { get; set; } = "1";
        public string OutputS3Bucket { get; set; }
        public string OutputS3KeyPrefix { get; set; }
    }

    public sealed class FleetCommand
    {
        public string CommandId { get; set; }
        public string DocumentName { get; set; }
        public string Region { get; set; }
        public string Status { get; set; }
        public string Targets { get; set; }
        public int TargetCount { get; set; }
        public DateTime? RequestedAt { get; set; }
        public override string ToString() => CommandId;
    }
}
