using System;
using System.Collections.Generic;
using System.Threading;

namespace FinBackup.Domain.Ports
{
    /// <summary>
    /// The objects of an audit log in one region's bucket, and the KMS calls of its run digests. The chain, the sequence
    /// numbers and verification are the domain's (<see cref="FinBackup.Domain.Audit.ChainedAuditLog"/>,
    /// <see cref="FinBackup.Domain.Audit.AuditLogVerifier"/>). Get it with <c>Session.Get&lt;IAuditRecordStore&gt;(region)</c>.
    /// </summary>
    public interface IAuditRecordStore
    {
        /// <summary>Whether the bucket has Object Lock (records then get compliance-mode retention).</summary>
        BucketProtection DescribeBucket(string bucket, CancellationToken cancellationToken);

        /// <summary>Keys under the prefix after <paramref name="startAfter"/> (null: from the start), in key order, every page.</summary>
        IReadOnlyList<string> ListKeys(string bucket, string prefix, string startAfter, CancellationToken cancellationToken);

        /// <summary>Whether the object exists (HEAD).</summary>
        bool Exists(string bucket, string key, CancellationToken cancellationToken);

        /// <summary>The object's bytes, or null when there is none.</summary>
        byte[] Get(string bucket, string key, CancellationToken cancellationToken);

        /// <summary>
        /// Creates the object only if the key is free (PutObject If-None-Match: *), SSE-KMS with <paramref name="kmsKeyId"/>,
        /// Object Lock COMPLIANCE retention until <paramref name="retainUntilUtc"/> when given. Returns false when the key
        /// is already taken (412); the AWS request id through <paramref name="requestId"/>.
        /// </summary>
        bool PutIfAbsent(string bucket, string key, byte[] body, string kmsKeyId, DateTime? retainUntilUtc, out string requestId, CancellationToken cancellationToken);

        /// <summary>KMS GenerateDataKey (AES-256) under the key, bound to the encryption context.</summary>
        AuditDataKey GenerateDataKey(string kmsKeyId, IDictionary<string, string> encryptionContext, CancellationToken cancellationToken);

        /// <summary>KMS Decrypt of a data key made by <see cref="GenerateDataKey"/> (same encryption context); throws when KMS refuses.</summary>
        byte[] DecryptDataKey(byte[] ciphertext, IDictionary<string, string> encryptionContext, CancellationToken cancellationToken);
    }

    public sealed class AuditDataKey
    {
        public byte[] Plaintext { get; set; }
        public byte[] Ciphertext { get; set; }
        /// <summary>The ARN of the KMS key that encrypted it.</summary>
        public string KeyId { get; set; }
    }
}
