using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Policy
{
    /// <summary>The restore keys of an application (RestoreTargets, RestoreSecret, VolumeInitializationRateMiBps).</summary>
    public sealed partial class PolicyReader
    {
        /// <summary>RestoreTargets = @{ 'us-west-2' = @{ SubnetIds = @{ 'subnet-p' = 'subnet-d' }; SecurityGroupIds = @{...}; DBSubnetGroupName = '...' } }.</summary>
        private IDictionary<string, RestoreTarget> ReadRestoreTargets(PolicyNode node, string field)
        {
            var result = new Dictionary<string, RestoreTarget>(StringComparer.OrdinalIgnoreCase);
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a table of region = @{{ SubnetIds = @{{...}}; SecurityGroupIds = @{{...}} }}, not {node.Describe()}");
                return result;
            }
            foreach (var entry in map.Entries)
            {
                var f = $"{field}['{entry.Key}']";
                if (!RegionKey(entry, f, "Key RestoreTargets by region name, e.g. 'us-west-2'.")) continue;
                if (!(entry.Value is PolicyMap targetMap))
                {
                    Error(PolicyRules.ValueType, entry.Value, f, $"expected a table @{{ SubnetIds = @{{...}}; SecurityGroupIds = @{{...}} }}, not {entry.Value.Describe()}");
                    continue;
                }
                var target = new RestoreTarget();
                ReadMap(targetMap, f, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
                {
                    ["SubnetIds"] = (e, g) => target.SubnetIds = ReadStringMap(e.Value, g, "primary id = id in this region, e.g. @{ 'subnet-0a1' = 'subnet-0b2' }", "give the id in the restore region"),
                    ["SecurityGroupIds"] = (e, g) => target.SecurityGroupIds = ReadStringMap(e.Value, g, "primary id = id in this region, e.g. @{ 'sg-0a1' = 'sg-0b2' }", "give the id in the restore region"),
                    ["DBSubnetGroupName"] = (e, g) => target.DBSubnetGroupName = ReadString(e.Value, g),
                    ["DBParameterGroupName"] = (e, g) => target.DBParameterGroupName = ReadString(e.Value, g),
                    ["OptionGroupName"] = (e, g) => target.OptionGroupName = ReadString(e.Value, g),
                    ["KeyName"] = (e, g) => target.KeyName = ReadString(e.Value, g),
                    ["IamInstanceProfile"] = (e, g) => target.IamInstanceProfile = ReadString(e.Value, g),
                    ["VpcId"] = (e, g) => target.VpcId = ReadString(e.Value, g),
                });
                result[entry.Key] = target;
            }
            return result;
        }

        private int? ReadInitializationRate(PolicyNode node, string field)
        {
            var n = ReadInt(node, field);
            if (n.HasValue && (n.Value < 100 || n.Value > 300))
            {
                Error(PolicyRules.ValidValue, node, field, $"{n.Value} MiB/s is outside EBS's volume initialization range 100-300", "Use a value from 100 to 300, or leave it out for AWS's default rate.");
                return null;
            }
            return n;
        }
    }
}
