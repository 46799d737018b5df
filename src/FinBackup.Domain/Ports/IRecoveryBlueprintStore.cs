using System;
using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.Recovery;

namespace FinBackup.Domain.Ports
{
    /// <summary>Recovery blueprints as JSON objects in the backup bucket of ONE region, every write SSE-KMS with the given key.</summary>
    public interface IRecoveryBlueprintStore
    {
        string Region { get; }

        /// <summary>Writes the blueprint as JSON under <paramref name="key"/>; returns the SHA-256 (hex) of the bytes written.</summary>
        string Put(string bucket, string key, RecoveryBlueprint blueprint, string kmsKeyId, CancellationToken cancellationToken);

        /// <summary>Server-side copy from a bucket in another region into this region's bucket, re-encrypted with <paramref name="kmsKeyId"/>.</summary>
        void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, string kmsKeyId, CancellationToken cancellationToken);

        /// <summary>The blueprint at <paramref name="key"/>, or null when there is none. Throws FinBlueprintUnreadable for a document it cannot read.</summary>
        StoredBlueprint Get(string bucket, string key, CancellationToken cancellationToken);
    }

    public sealed class StoredBlueprint
    {
        public RecoveryBlueprint Blueprint { get; set; }
        public string Bucket { get; set; }
        public string Key { get; set; }
        public DateTime LastModified { get; set; }
        public string Sha256 { get; set; }
        /// <summary>aws:kms when encrypted with KMS.</summary>
        public string ServerSideEncryption { get; set; }
        public string KmsKeyId { get; set; }
    }
}
