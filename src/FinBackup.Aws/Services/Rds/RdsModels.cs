using System;
using System.Collections.Generic;

namespace FinBackup.Aws.Services.Rds
{
    /// <summary>An RDS DB instance as DescribeDBInstances returns it (the fields FinBackup uses).</summary>
    public sealed class RdsDbInstance
    {
        public string Identifier { get; set; }
        public string Arn { get; set; }
        public string Engine { get; set; }
        public string EngineVersion { get; set; }
        public string InstanceClass { get; set; }
        public string Status { get; set; }
        public int AllocatedStorageGiB { get; set; }
        public bool StorageEncrypted { get; set; }
        public string KmsKeyId { get; set; }
        public string AvailabilityZone { get; set; }
        public string DbiResourceId { get; set; }
        public DateTime? CreateTime { get; set; }
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        // restore metadata
        public string DBSubnetGroupName { get; set; }
        public IList<string> VpcSecurityGroupIds { get; set; } = new List<string>();
        public string DBParameterGroupName { get; set; }
        public string OptionGroupName { get; set; }
        public bool MultiAZ { get; set; }
        public string EndpointAddress { get; set; }
        public int? EndpointPort { get; set; }
        public int? DbInstancePort { get; set; }
        public DateTime? LatestRestorableTime { get; set; }
        public int BackupRetentionPeriod { get; set; }
        // names the DR blueprint reader uses
        public bool MultiAz => MultiAZ;
        public int? Port => EndpointPort;
        public string SubnetGroupName => DBSubnetGroupName;
    }

    /// <summary>RestoreDBInstanceFromDBSnapshot / RestoreDBInstanceToPointInTime.</summary>
    public sealed class RdsRestoreInstanceRequest
    {
        public string TargetIdentifier { get; set; }
        public string SnapshotIdentifier { get; set; }
        public string SourceIdentifier { get; set; }
        public DateTime? RestoreTime { get; set; }
        public bool UseLatestRestorableTime { get; set; }
        public string InstanceClass { get; set; }
        public string SubnetGroupName { get; set; }
        public IList<string> VpcSecurityGroupIds { get; set; }
        public string ParameterGroupName { get; set; }
        public string OptionGroupName { get; set; }
        public bool? MultiAZ { get; set; }
        public int? Port { get; set; }
        public IDictionary<string, string> Tags { get; set; }
    }

    /// <summary>An RDS DB snapshot as DescribeDBSnapshots / CreateDBSnapshot / CopyDBSnapshot return it.</summary>
    public sealed class RdsDbSnapshot
    {
        public string Identifier { get; set; }
        public string Arn { get; set; }
        public string InstanceIdentifier { get; set; }
        /// <summary>"manual", "automated", "shared", "public", "awsbackup".</summary>
        public string SnapshotType { get; set; }
        /// <summary>"creating", "available", "copying", "deleting"...</summary>
        public string Status { get; set; }
        public DateTime? CreateTime { get; set; }
        public string Engine { get; set; }
        public int AllocatedStorageGiB { get; set; }
        public bool Encrypted { get; set; }
        public string KmsKeyId { get; set; }
        public int? PercentProgress { get; set; }
        public string SourceRegion { get; set; }
        public string SourceDBSnapshotIdentifier { get; set; }
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>Which snapshots to describe: by id, or by instance, optionally of one type.</summary>
    public sealed class RdsSnapshotQuery
    {
        public string SnapshotIdentifier { get; set; }
        public string InstanceIdentifier { get; set; }
        /// <summary>e.g. "manual"; null for all types.</summary>
        public string SnapshotType { get; set; }
        public IDictionary<string, IEnumerable<string>> Filters { get; set; }
    }

    /// <summary>CopyDBSnapshot: the source (an ARN for cross-region), the target id, encryption and tags.</summary>
    public sealed class RdsCopySnapshotRequest
    {
        /// <summary>Source snapshot identifier; must be an ARN when copying across regions.</summary>
        public string SourceSnapshotIdentifier { get; set; }
        public string TargetSnapshotIdentifier { get; set; }
        /// <summary>KMS key in the destination region (id, ARN or alias); required for encrypted cross-region copies.</summary>
        public string KmsKeyId { get; set; }
        public bool? CopyTags { get; set; }
        public IDictionary<string, string> Tags { get; set; }
        /// <summary>The source snapshot's region when copying across regions: a PreSignedUrl is generated for it, as the SDKs do.</summary>
        public string SourceRegion { get; set; }
    }

    /// <summary>CreateDBInstance (used to seed the sandbox).</summary>
    public sealed class RdsCreateInstanceRequest
    {
        public string Identifier { get; set; }
        public string InstanceClass { get; set; } = "db.m5.large";
        public string Engine { get; set; } = "postgres";
        public string EngineVersion { get; set; }
        public int AllocatedStorageGiB { get; set; }
        public string MasterUsername { get; set; } = "finadmin";
        public string MasterUserPassword { get; set; }
        public bool StorageEncrypted { get; set; } = true;
        public string KmsKeyId { get; set; }
        public IDictionary<string, string> Tags { get; set; }
    }
}
