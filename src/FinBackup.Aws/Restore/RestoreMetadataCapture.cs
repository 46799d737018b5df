using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Amazon.EC2.Model;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain.Restore;

namespace FinBackup.Aws.Restore
{
    /// <summary>The restore metadata of an EC2 instance or RDS DB instance, from the describe responses discovery already has.</summary>
    public static class RestoreMetadataCapture
    {
        public static Dictionary<string, string> FromInstance(Instance i)
        {
            var m = new Dictionary<string, string>(StringComparer.Ordinal);
            if (i == null) return m;
            Put(m, RestoreMetadataKeys.InstanceType, i.InstanceType?.Value);
            Put(m, RestoreMetadataKeys.SubnetId, i.SubnetId);
            Put(m, RestoreMetadataKeys.AvailabilityZone, i.Placement?.AvailabilityZone);
            Put(m, RestoreMetadataKeys.SecurityGroupIds, string.Join(",", (i.SecurityGroups ?? new List<GroupIdentifier>()).Select(g => g.GroupId).Where(g => !string.IsNullOrEmpty(g))));
            Put(m, RestoreMetadataKeys.IamInstanceProfileArn, i.IamInstanceProfile?.Arn);
            Put(m, RestoreMetadataKeys.KeyName, i.KeyName);
            foreach (var b in i.BlockDeviceMappings ?? new List<InstanceBlockDeviceMapping>())
            {
                if (b.Ebs?.VolumeId != null && !string.IsNullOrEmpty(b.DeviceName)) m[RestoreMetadataKeys.DevicePrefix + b.Ebs.VolumeId] = b.DeviceName;
            }
            foreach (var t in i.Tags ?? new List<Tag>())
            {
                if (t?.Key != null && !t.Key.StartsWith("aws:", StringComparison.Ordinal)) m[RestoreMetadataKeys.TagPrefix + t.Key] = t.Value ?? string.Empty;
            }
            return m;
        }

        public static Dictionary<string, string> FromDbInstance(RdsDbInstance db)
        {
            var m = new Dictionary<string, string>(StringComparer.Ordinal);
            if (db == null) return m;
            Put(m, RestoreMetadataKeys.DBInstanceClass, db.InstanceClass);
            Put(m, RestoreMetadataKeys.DBSubnetGroupName, db.DBSubnetGroupName);
            Put(m, RestoreMetadataKeys.VpcSecurityGroupIds, string.Join(",", db.VpcSecurityGroupIds ?? new List<string>()));
            Put(m, RestoreMetadataKeys.DBParameterGroupName, db.DBParameterGroupName);
            Put(m, RestoreMetadataKeys.OptionGroupName, db.OptionGroupName);
            Put(m, RestoreMetadataKeys.MultiAZ, db.MultiAZ ? "true" : "false");
            var port = db.EndpointPort ?? db.DbInstancePort;
            if (port.HasValue && port.Value > 0) Put(m, RestoreMetadataKeys.Port, port.Value.ToString(CultureInfo.InvariantCulture));
            Put(m, RestoreMetadataKeys.KmsKeyId, db.KmsKeyId);
            Put(m, RestoreMetadataKeys.Engine, db.Engine);
            Put(m, RestoreMetadataKeys.AvailabilityZone, db.AvailabilityZone);
            foreach (var t in db.Tags ?? new Dictionary<string, string>())
            {
                if (!t.Key.StartsWith("aws:", StringComparison.Ordinal)) m[RestoreMetadataKeys.TagPrefix + t.Key] = t.Value ?? string.Empty;
            }
            return m;
        }

        private static void Put(Dictionary<string, string> m, string key, string value)
        {
            if (!string.IsNullOrEmpty(value)) m[key] = value;
        }
    }
}
