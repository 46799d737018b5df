using System;
using System.IO;
using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Files;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// The S3 side of file backups in ONE region: content objects (packs and chunks), manifests and their tags.
    /// Keys are relative to the bucket; every write is SSE-KMS with the given key and carries an S3 SHA-256 checksum.
    /// </summary>
    /// <summary>
    /// Optional on a <see cref="IFileBackupStore"/>: a range of an object as a stream read front to back (one ranged GET),
    /// so a restore writes and hashes content as it arrives through a small buffer instead of holding each range whole.
    /// </summary>
    public interface IFileRangeStreams
    {
        /// <summary>
        /// Bytes [offset, offset + length) of <paramref name="key"/>. Reading past them returns 0; a reply cut short throws
        /// FinBackupException (the connection, or a short object). The caller disposes the stream.
        /// </summary>
        System.IO.Stream OpenRange(string bucket, string key, long offset, long length, CancellationToken cancellationToken);
    }

    public interface IFileBackupStore
    {
        string Region { get; }

        /// <summary>Whether the bucket has Object Lock and its default mode (GOVERNANCE or COMPLIANCE).</summary>
        BucketProtection DescribeBucket(string bucket, CancellationToken cancellationToken);

        /// <summary>Every object under <paramref name="prefix"/> (paged listing, one call per 1,000 keys).</summary>
        IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken cancellationToken);

        /// <summary>
        /// Writes the <paramref name="length"/> bytes <paramref name="content"/> holds from its current position as
        /// <paramref name="key"/>, with S3 verifying <paramref name="sha256"/> (x-amz-checksum-sha256). A retried request
        /// seeks the content back to where it started, so it may be read more than once; it is not disposed. Thread-safe.
        /// </summary>
        void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, ObjectWriteOptions options, CancellationToken cancellationToken);

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
}
