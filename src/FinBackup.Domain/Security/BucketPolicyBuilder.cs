using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Security
{
    /// <summary>What the backup bucket's policy protects against, and who may still do it.</summary>
    public sealed class BucketPolicyOptions
    {
        public string Bucket { get; set; }
        /// <summary>The accepted SSE-KMS key: its ARN (resolved from the policy's alias), plus the alias as FinBackup sends it.</summary>
        public IList<string> KmsKeyIds { get; set; } = new List<string>();
        /// <summary>Principals (role ARNs, wildcards allowed) that may delete objects: the BackupOperator role, for expiry.</summary>
        public IList<string> DeletePrincipalArns { get; set; } = new List<string>();
        /// <summary>Principals that may change lifecycle, Object Lock, versioning, replication, encryption or this policy.</summary>
        public IList<string> AdminPrincipalArns { get; set; } = new List<string>();
        public string Partition { get; set; } = "aws";
        /// <summary>Key prefixes of audit logs in this bucket (e.g. fin-audit/): nobody may delete their objects, not even the operators.</summary>
        public IList<string> AuditPrefixes { get; set; } = new List<string>();
    }

    /// <summary>
    /// Writes the backup bucket's resource policy: deny anything over plain HTTP; deny PutObject without SSE-KMS or with
    /// another key; deny object deletion except by the named operators; deny changes to lifecycle, Object Lock, versioning,
    /// replication, default encryption and the policy itself except by the named administrators. Denies only: what is
    /// allowed comes from the identity policies (New-FinIamPolicy).
    /// </summary>
    public static class BucketPolicyBuilder
    {
        public static IamPolicyDocument Build(BucketPolicyOptions o)
        {
            if (o == null) throw new ArgumentNullException(nameof(o));
            if (string.IsNullOrEmpty(o.Bucket))
                throw new FinBackupException("FinBucketPolicyBucketMissing", FinErrorKind.InvalidArgument,
                    "No bucket was given for the bucket policy.", "Give the policy a bucket for the region, or pass -Bucket.");
            if (o.KmsKeyIds == null || o.KmsKeyIds.Count == 0)
                throw new FinBackupException("FinBucketPolicyKeyMissing", FinErrorKind.InvalidArgument,
                    $"No KMS key was given for the bucket {o.Bucket}; the policy would not know which key to require.",
                    "Give the policy a KMS key for the region, or pass -KmsKeyId.");
            if (o.DeletePrincipalArns == null || o.DeletePrincipalArns.Count == 0)
                throw new FinBackupException("FinBucketPolicyPrincipalMissing", FinErrorKind.InvalidArgument,
                    $"No principal may delete objects in {o.Bucket}: expiry (Remove-FinExpiredBackup) would stop working.",
                    "Pass -DeletePrincipalArn with the BackupOperator role's ARN.");
            if (o.AdminPrincipalArns == null || o.AdminPrincipalArns.Count == 0)
                throw new FinBackupException("FinBucketPolicyAdminMissing", FinErrorKind.InvalidArgument,
                    $"No principal may change the policy or protection of {o.Bucket}: nobody could ever change them again.",
                    "Pass -AdminPrincipalArn with the role that administers the backup bucket.");

            var bucket = "arn:" + o.Partition + ":s3:::" + o.Bucket;
            var objects = bucket + "/*";
            var doc = new IamPolicyDocument();
            doc.Add(new IamStatement("DenyInsecureTransport", IamEffect.Deny, new[] { "s3:*" }, new[] { bucket, objects }) { Principals = All() })
                .When("Bool", "aws:SecureTransport", "false");
            doc.Add(new IamStatement("DenyPutWithoutSseKms", IamEffect.Deny, new[] { "s3:PutObject" }, new[] { objects }) { Principals = All() })
                .When("StringNotEquals", "s3:x-amz-server-side-encryption", "aws:kms");
            doc.Add(new IamStatement("DenyPutWithAnotherKey", IamEffect.Deny, new[] { "s3:PutObject" }, new[] { objects }) { Principals = All() })
                .When("StringNotEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", o.KmsKeyIds.Distinct(StringComparer.Ordinal).ToArray());
            doc.Add(new IamStatement("DenyDeletesExceptOperators", IamEffect.Deny, new[] { "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention" }, new[] { objects }) { Principals = All() })
                .When("ArnNotLike", "aws:PrincipalArn", o.DeletePrincipalArns.ToArray());
            var audit = (o.AuditPrefixes ?? new List<string>()).Where(p => !string.IsNullOrEmpty(p)).Select(p => bucket + "/" + p + "*").Distinct(StringComparer.Ordinal).ToArray();
            if (audit.Length > 0)
                doc.Add(new IamStatement("DenyAuditRecordDeletes", IamEffect.Deny,
                    new[] { "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention", "s3:PutObjectTagging", "s3:DeleteObjectTagging" }, audit) { Principals = All() });
            doc.Add(new IamStatement("DenyProtectionChangesExceptAdministrators", IamEffect.Deny,
                    new[]
                    {
                        "s3:PutLifecycleConfiguration", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning",
                        "s3:PutReplicationConfiguration", "s3:PutEncryptionConfiguration", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
                        "s3:DeleteBucket",
                    },
                    new[] { bucket }) { Principals = All() })
                .When("ArnNotLike", "aws:PrincipalArn", o.AdminPrincipalArns.ToArray());
            return doc;
        }

        private static IList<string> All() => new List<string> { "*" };
    }
}
