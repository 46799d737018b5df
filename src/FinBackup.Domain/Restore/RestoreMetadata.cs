using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// What a restore needs to know about the resource a point was taken of, captured at backup time: a flat table of
    /// well-known keys (<see cref="RestoreMetadataKeys"/>), stored as a JSON document beside the point in the policy's
    /// backup bucket (<see cref="RestoreMetadataDocument"/>) and copied to the DR bucket with the point.
    /// </summary>
    public static class RestoreMetadataKeys
    {
        // EC2 instance (snapshot sets and AMIs)
        public const string InstanceType = "InstanceType";
        public const string SubnetId = "SubnetId";
        public const string AvailabilityZone = "AvailabilityZone";
        /// <summary>Comma-separated security group ids.</summary>
        public const string SecurityGroupIds = "SecurityGroupIds";
        public const string IamInstanceProfileArn = "IamInstanceProfileArn";
        public const string KeyName = "KeyName";
        /// <summary>"Device:vol-0abc" = "/dev/xvdf": where each volume was attached.</summary>
        public const string DevicePrefix = "Device:";
        /// <summary>"SnapshotVolume:snap-0abc" = "vol-0abc": the volume each member snapshot was taken of.</summary>
        public const string SnapshotVolumePrefix = "SnapshotVolume:";
        /// <summary>"Tag:Name" = "cross-sell-app-1": the instance's own tags (not aws:*).</summary>
        public const string TagPrefix = "Tag:";

        // RDS DB instance
        public const string DBInstanceClass = "DBInstanceClass";
        public const string DBSubnetGroupName = "DBSubnetGroupName";
        /// <summary>Comma-separated VPC security group ids.</summary>
        public const string VpcSecurityGroupIds = "VpcSecurityGroupIds";
        public const string DBParameterGroupName = "DBParameterGroupName";
        public const string OptionGroupName = "OptionGroupName";
        public const string MultiAZ = "MultiAZ";
        public const string Port = "Port";
        public const string KmsKeyId = "KmsKeyId";
        public const string Engine = "Engine";
    }

    /// <summary>The document stored per recovery point (format version 1; see about_FinBackup).</summary>
    public sealed class RestoreMetadataDocument
    {
        public const int CurrentFormatVersion = 1;
        public const string KeyPrefix = "restore-metadata/";

        public int FormatVersion { get; set; } = CurrentFormatVersion;
        /// <summary>The original (primary) point's id; DR copies are found under their source's id.</summary>
        public string RecoveryPointId { get; set; }
        public RecoveryPointKind Kind { get; set; }
        public string ResourceId { get; set; }
        /// <summary>The region the resource lived in when the point was taken (mapping applies elsewhere).</summary>
        public string Region { get; set; }
        public DateTime CapturedAt { get; set; }
        public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The object key in the backup bucket: restore-metadata/&lt;Kind&gt;/&lt;original point id&gt;.json.</summary>
        public static string KeyFor(RecoveryPointKind kind, string originalPointId) => KeyPrefix + kind + "/" + originalPointId + ".json";

        /// <summary>The id a point's document is stored under: its source's id for a copy, else its own.</summary>
        public static string OriginalId(FinRecoveryPoint point) => point.IsCopy ? point.SourceRecoveryPointId : point.RecoveryPointId;

        public string Get(string key) => Metadata != null && Metadata.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v) ? v : null;

        public IList<string> GetList(string key) =>
            (Get(key) ?? string.Empty).Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

        public bool? GetBool(string key) => bool.TryParse(Get(key), out var b) ? b : (bool?)null;

        public int? GetInt(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;

        /// <summary>The device a member snapshot's volume was attached at, from its original snapshot id or volume id.</summary>
        public string DeviceFor(string originalSnapshotId, string volumeId)
        {
            var vol = Get(RestoreMetadataKeys.SnapshotVolumePrefix + originalSnapshotId) ?? volumeId;
            return vol == null ? null : Get(RestoreMetadataKeys.DevicePrefix + vol);
        }

        public IDictionary<string, string> InstanceTags() =>
            (Metadata ?? new Dictionary<string, string>()).Where(kv => kv.Key.StartsWith(RestoreMetadataKeys.TagPrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key.Substring(RestoreMetadataKeys.TagPrefix.Length), kv => kv.Value, StringComparer.Ordinal);
    }
}
