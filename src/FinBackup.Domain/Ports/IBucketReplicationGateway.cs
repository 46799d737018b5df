using System;
using System.Collections.Generic;
using System.Threading;

namespace FinBackup.Domain.Ports
{
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
}
