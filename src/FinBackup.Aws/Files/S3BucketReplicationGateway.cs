using System;
using System.Collections.Generic;
using System.Threading;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Domain;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.Files
{
    /// <summary>S3 Cross-Region Replication with Replication Time Control, SSE-KMS replicas re-encrypted with the DR key.</summary>
    [Gateway(typeof(IBucketReplicationGateway))]
    public sealed class S3BucketReplicationGateway : IBucketReplicationGateway
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public S3BucketReplicationGateway(AwsClientContext context, string region)
        {
            _context = context;
            _region = context.Region(region);
        }

        public string ConfigureReplication(BucketReplicationRule r, CancellationToken ct)
        {
            var source = _context.S3(_region);
            var destination = _context.S3(r.DestinationRegion ?? _region);
            try
            {
                EnableVersioning(source, r.SourceBucket, ct);
                EnableVersioning(destination, r.DestinationBucket, ct);
                var minutes = new ReplicationTimeValue { Minutes = r.ReplicationTimeMinutes };
                var rule = new ReplicationRule
                {
                    Id = r.RuleId,
                    Priority = 1,
                    Status = ReplicationRuleStatus.Enabled,
                    Filter = new ReplicationRuleFilter { Prefix = r.Prefix ?? string.Empty },
                    DeleteMarkerReplication = new DeleteMarkerReplication { Status = DeleteMarkerReplicationStatus.Disabled },
                    SourceSelectionCriteria = new SourceSelectionCriteria
                    {
                        SseKmsEncryptedObjects = new SseKmsEncryptedObjects { SseKmsEncryptedObjectsStatus = SseKmsEncryptedObjectsStatus.Enabled },
                    },
                    Destination = new ReplicationDestination
                    {
                        BucketArn = "arn:aws:s3:::" + r.DestinationBucket,
                        EncryptionConfiguration = new EncryptionConfiguration { ReplicaKmsKeyID = r.ReplicaKmsKeyId },
                        ReplicationTime = new ReplicationTime { Status = ReplicationTimeStatus.Enabled, Time = minutes },
                        Metrics = new Metrics { Status = MetricsStatus.Enabled, EventThreshold = new ReplicationTimeValue { Minutes = r.ReplicationTimeMinutes } },
                    },
                };
                source.PutBucketReplicationAsync(new PutBucketReplicationRequest
                {
                    BucketName = r.SourceBucket,
                    Configuration = new ReplicationConfiguration { Role = r.RoleArn, Rules = new List<ReplicationRule> { rule } },
                }, ct).GetAwaiter().GetResult();
                return rule.Id;
            }
            catch (AmazonServiceException ex)
            {
                throw S3FileBackupStore.Translate(ex, r.SourceBucket, null);
            }
        }

        private static void EnableVersioning(IAmazonS3 s3, string bucket, CancellationToken ct)
        {
            var current = s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, ct).GetAwaiter().GetResult();
            if (current.VersioningConfig?.Status == VersionStatus.Enabled) return;
            s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            }, ct).GetAwaiter().GetResult();
        }
    }
}
