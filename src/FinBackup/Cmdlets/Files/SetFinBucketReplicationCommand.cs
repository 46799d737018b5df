using System.Collections.Generic;
using System.Management.Automation;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;

namespace FinBackup.Cmdlets.Files
{
    /// <summary>Configures S3 replication with Replication Time Control from the primary backup bucket to the DR bucket.</summary>
    [Cmdlet(VerbsCommon.Set, "FinBucketReplication", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BucketReplicationRule))]
    public sealed class SetFinBucketReplicationCommand : FinAwsCmdlet
    {
        /// <summary>Fills the buckets, DR region and replica key from the policy when they are not given.</summary>
        [Parameter(ValueFromPipeline = true)]
        public BackupPolicy Policy { get; set; }

        [Parameter]
        [Alias("Bucket", "BucketName")]
        public string SourceBucket { get; set; }

        [Parameter]
        public string DestinationBucket { get; set; }

        [Parameter]
        [RegionCompleter]
        public string DestinationRegion { get; set; }

        [Parameter]
        public string ReplicaKmsKeyId { get; set; }

        [Parameter(Mandatory = true, HelpMessage = "The IAM role S3 assumes to replicate, such as arn:aws:iam::123456789012:role/fin-backup-replication.")]
        [ValidatePattern(@"^arn:aws[a-z-]*:iam::\d{12}:role/.+$")]
        public string RoleArn { get; set; }

        [Parameter]
        public string Prefix { get; set; }

        [Parameter]
        public string RuleId { get; set; } = "fin-backup-dr";

        protected override void ProcessRecord()
        {
            ValidateRegion(DestinationRegion, "-DestinationRegion");
            var sourceRegion = RegionFor(null, Policy); // -Region, else the policy's primary region, else the session's
            var rule = new BucketReplicationRule
            {
                SourceBucket = SourceBucket ?? Policy?.BucketFor(sourceRegion),
                DestinationRegion = DestinationRegion ?? Policy?.DrRegion,
                Prefix = Prefix,
                RoleArn = RoleArn,
                RuleId = RuleId,
            };
            rule.DestinationBucket = DestinationBucket ?? Policy?.BucketFor(rule.DestinationRegion);
            rule.ReplicaKmsKeyId = ReplicaKmsKeyId ?? Policy?.KmsKeyFor(rule.DestinationRegion);
            if (string.IsNullOrEmpty(rule.SourceBucket) || string.IsNullOrEmpty(rule.DestinationBucket) || string.IsNullOrEmpty(rule.DestinationRegion))
            {
                ThrowFinError(new FinBackupException("FinReplicationBucketsMissing", FinErrorKind.InvalidArgument,
                    "The source bucket, destination bucket and destination region are all needed.",
                    "Pass -SourceBucket, -DestinationBucket and -DestinationRegion, or -Policy with buckets for both regions."), this);
            }
            if (string.IsNullOrEmpty(rule.ReplicaKmsKeyId))
            {
                ThrowFinError(new FinBackupException("FinReplicationKmsKeyMissing", FinErrorKind.InvalidArgument,
                    $"No KMS key for the replicas in {rule.DestinationRegion}; FinBackup does not replicate without SSE-KMS.",
                    "Pass -ReplicaKmsKeyId (a key in the destination region), or -Policy with a key for that region."), this);
            }
            if (!ShouldProcess($"s3://{rule.SourceBucket}", $"Replicate to s3://{rule.DestinationBucket} ({rule.DestinationRegion}) with Replication Time Control, replicas encrypted with {rule.ReplicaKmsKeyId}"))
                return;
            try
            {
                Session.Get<IBucketReplicationGateway>(sourceRegion).ConfigureReplication(rule, CancellationToken);
                AuditConfigurationChange(Policy, "BucketReplication", $"s3://{rule.SourceBucket}", "Updated", null, sourceRegion, new Dictionary<string, string>
                {
                    ["destinationBucket"] = rule.DestinationBucket, ["destinationRegion"] = rule.DestinationRegion, ["replicaKmsKeyId"] = rule.ReplicaKmsKeyId,
                });
                WriteObject(rule);
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, rule.SourceBucket);
            }
        }
    }
}
