using System;
using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;

namespace FinBackup.Domain.Ports
{
    /// <summary>Tags every restore writes on what it creates.</summary>
    public static class RestoreTags
    {
        /// <summary>The restore that created the resource; Remove-FinRestoredResource deletes by it and nothing else.</summary>
        public const string RestoreId = "fin:restore-id";
        /// <summary>The recovery point (and member snapshot) it was restored from.</summary>
        public const string RestoredFrom = "fin:restored-from";
        /// <summary>On a volume swapped out by -ReplaceVolumes: the restore that replaced it (the volume is kept).</summary>
        public const string ReplacedBy = "fin:replaced-by-restore";
        /// <summary>On a launch template: "fin:restore-version:&lt;restore id&gt;" = the version a restore created.</summary>
        public const string LaunchTemplateVersionPrefix = "fin:restore-version:";
    }

    /// <summary>Restore metadata documents in a backup bucket (SSE-KMS).</summary>
    public interface IRestoreMetadataStore
    {
        void Put(string bucket, string kmsKeyId, RestoreMetadataDocument document, CancellationToken cancellationToken);
        /// <summary>The document, or null when there is none.</summary>
        RestoreMetadataDocument Get(string bucket, RecoveryPointKind kind, string originalPointId, CancellationToken cancellationToken);
        /// <summary>Copies a point's document from a bucket in another region into this region's bucket; false when the source has none.</summary>
        bool CopyFrom(string sourceRegion, string sourceBucket, string destinationBucket, string destinationKmsKeyId, RecoveryPointKind kind,
            string originalPointId, CancellationToken cancellationToken);
    }

    /// <summary>A member snapshot of a point, as a restore needs it.</summary>
    public sealed class RestoreSnapshot
    {
        public string SnapshotId { get; set; }
        public string VolumeId { get; set; }
        public int SizeGiB { get; set; }
        /// <summary>For DR copies: the primary snapshot it was copied from (fin:source-snapshot-id), else null.</summary>
        public string SourceSnapshotId { get; set; }
        public string VolumeType { get; set; }
    }

    public sealed class RestoreInstanceInfo
    {
        public string InstanceId { get; set; }
        /// <summary>pending, running, stopping, stopped, shutting-down, terminated.</summary>
        public string State { get; set; }
        public string AvailabilityZone { get; set; }
        public string SubnetId { get; set; }
        /// <summary>Device name -> attached EBS volume id.</summary>
        public IDictionary<string, string> Devices { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public sealed class VolumeSpec
    {
        public string SnapshotId { get; set; }
        public string AvailabilityZone { get; set; }
        public string KmsKeyId { get; set; }
        public string VolumeType { get; set; }
        public int? InitializationRateMiBps { get; set; }
        public string ClientToken { get; set; }
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public sealed class InstanceSpec
    {
        public string ImageId { get; set; }
        public string InstanceType { get; set; }
        public string SubnetId { get; set; }
        public IList<string> SecurityGroupIds { get; set; } = new List<string>();
        public string IamInstanceProfile { get; set; }
        public string KeyName { get; set; }
        public string ClientToken { get; set; }
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>EC2 calls of a restore, in one region.</summary>
    public interface IEc2RestoreGateway
    {
        IReadOnlyList<RestoreSnapshot> DescribeSnapshots(IEnumerable<string> snapshotIds, CancellationToken cancellationToken);
        /// <summary>The instance, or null when it does not exist.</summary>
        RestoreInstanceInfo DescribeInstance(string instanceId, CancellationToken cancellationToken);
        /// <summary>The availability zone of a subnet (FinResourceNotFound when it does not exist).</summary>
        string SubnetAvailabilityZone(string subnetId, CancellationToken cancellationToken);
        string CreateVolume(VolumeSpec spec, CancellationToken cancellationToken);
        /// <summary>Volume id -> state (creating, available, in-use, ...); missing volumes are left out.</summary>
        IDictionary<string, string> VolumeStates(IEnumerable<string> volumeIds, CancellationToken cancellationToken);
        void AttachVolume(string volumeId, string instanceId, string device, CancellationToken cancellationToken);
        void DetachVolume(string volumeId, string instanceId, CancellationToken cancellationToken);
        void Tag(IEnumerable<string> resourceIds, IDictionary<string, string> tags, CancellationToken cancellationToken);
        string RunInstance(InstanceSpec spec, CancellationToken cancellationToken);
        /// <summary>Creates a launch template version using the image; returns its version number (and tags the template with it).</summary>
        long CreateLaunchTemplateVersion(string launchTemplateId, string imageId, string restoreId, CancellationToken cancellationToken);
        /// <summary>Everything in this region tagged with the restore id (volumes, instances, launch template versions).</summary>
        IReadOnlyList<FinRestoredResource> FindRestored(string restoreId, CancellationToken cancellationToken);
        /// <summary>Deletes a volume, terminates an instance or deletes a launch template version.</summary>
        void Remove(FinRestoredResource resource, CancellationToken cancellationToken);
    }

    public sealed class DbInstanceState
    {
        public string Identifier { get; set; }
        public string Arn { get; set; }
        public string Status { get; set; }
        public string EndpointAddress { get; set; }
        public int? EndpointPort { get; set; }
        public DateTime? InstanceCreateTime { get; set; }
        public DateTime? LatestRestorableTime { get; set; }
        /// <summary>From the automated backups' restore window, when the service reports it.</summary>
        public DateTime? EarliestRestorableTime { get; set; }
        public int BackupRetentionPeriodDays { get; set; }
        /// <summary>The instance's restore metadata (class, groups, port, ...), as <see cref="RestoreMetadataKeys"/>.</summary>
        public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public sealed class DbRestoreSpec
    {
        /// <summary>The new DB instance identifier.</summary>
        public string TargetDBInstanceIdentifier { get; set; }
        /// <summary>From a snapshot: its identifier (or ARN).</summary>
        public string DBSnapshotIdentifier { get; set; }
        /// <summary>Point in time: the source instance.</summary>
        public string SourceDBInstanceIdentifier { get; set; }
        public DateTime? RestoreTime { get; set; }
        public bool UseLatestRestorableTime { get; set; }
        public string DBInstanceClass { get; set; }
        public string DBSubnetGroupName { get; set; }
        public IList<string> VpcSecurityGroupIds { get; set; } = new List<string>();
        public string DBParameterGroupName { get; set; }
        public string OptionGroupName { get; set; }
        public bool? MultiAZ { get; set; }
        public int? Port { get; set; }
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>RDS calls of a restore, in one region.</summary>
    public interface IRdsRestoreGateway
    {
        /// <summary>The DB instance, or null when it does not exist.</summary>
        DbInstanceState Describe(string identifier, CancellationToken cancellationToken);
        DbInstanceState RestoreFromSnapshot(DbRestoreSpec spec, CancellationToken cancellationToken);
        DbInstanceState RestoreToPointInTime(DbRestoreSpec spec, CancellationToken cancellationToken);
        /// <summary>ModifyDBInstance MasterUserPassword (ApplyImmediately). The password is never logged or echoed.</summary>
        void SetMasterPassword(string identifier, string password, CancellationToken cancellationToken);
        /// <summary>ModifyDBInstance ManageMasterUserPassword=true (RDS keeps the password in Secrets Manager).</summary>
        void ManageMasterPassword(string identifier, CancellationToken cancellationToken);
        IReadOnlyList<FinRestoredResource> FindRestored(string restoreId, CancellationToken cancellationToken);
        /// <summary>DeleteDBInstance without a final snapshot (it is a restored copy).</summary>
        void Remove(FinRestoredResource resource, CancellationToken cancellationToken);
    }

    /// <summary>DB master credentials from a secret. <see cref="Password"/> is never written anywhere.</summary>
    public sealed class DbCredentials
    {
        public string Username { get; set; }
        public string Password { get; set; }
        public override string ToString() => Username + " (password not shown)";
    }

    /// <summary>Secrets Manager calls of a restore, in one region.</summary>
    public interface IRestoreSecretStore
    {
        /// <summary>Reads {"username","password"}; FinRestoreSecretInvalid when the secret is not such JSON (the value is never in the message).</summary>
        DbCredentials GetDbCredentials(string secretId, CancellationToken cancellationToken);
        /// <summary>Writes host and port into the secret's JSON (other keys kept) as a new version.</summary>
        void WriteEndpoint(string secretId, string host, int port, CancellationToken cancellationToken);
    }
}
