using System;

namespace FinBackup.Domain.Security
{
    /// <summary>A generated IAM identity policy or bucket policy, as New-FinIamPolicy and New-FinBucketPolicy write it.</summary>
    public sealed class FinPolicyDocument
    {
        /// <summary>The role (BackupOperator, ...) or "BucketPolicy".</summary>
        public string Role { get; set; }
        /// <summary>A name to create it under, e.g. FinBackup-finco-BackupOperator.</summary>
        public string PolicyName { get; set; }
        /// <summary>The backup policy it was generated from.</summary>
        public string BackupPolicyName { get; set; }
        /// <summary>The regions it covers, comma-separated.</summary>
        public string Regions { get; set; }
        /// <summary>The bucket, for a bucket policy.</summary>
        public string Bucket { get; set; }
        public int Statements { get; set; }
        /// <summary>How many distinct actions it allows (or denies, for a bucket policy).</summary>
        public int Actions { get; set; }
        /// <summary>The policy document (JSON), ready for aws iam put-role-policy / aws s3api put-bucket-policy.</summary>
        public string Document { get; set; }
        /// <summary>Where it was written, with -OutputDirectory.</summary>
        public string Path { get; set; }
        public override string ToString() => PolicyName;
    }
}
