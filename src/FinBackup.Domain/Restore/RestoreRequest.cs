using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// What to restore and how: the typed overrides of Invoke-FinRestore's parameters (every one optional: recorded
    /// metadata and the policy fill the rest). Property names are the cmdlet's parameter names, so a plan can carry them
    /// as a string table and rebuild the request with <see cref="FromParameters"/>.
    /// </summary>
    /// <summary>The strategies of an Auto Scaling roll (-Strategy).</summary>
    public static class RollStrategies
    {
        /// <summary>StartInstanceRefresh with a DesiredConfiguration and AutoRollback: AWS replaces and rolls back (real AWS only; moto has no instance refresh).</summary>
        public const string Refresh = "Refresh";
        /// <summary>FinBackup replaces the instances itself in batches, keeping the desired capacity in service (runs anywhere, moto included).</summary>
        public const string Replace = "Replace";
    }

    public sealed class RestoreRequest
    {
        /// <summary>The policy (keys, buckets, RestoreTargets, RestoreSecret, RTO). Not a parameter of the table.</summary>
        public BackupPolicy Policy { get; set; }
        /// <summary>Set by a plan to keep its id; null: a new one.</summary>
        public string RestoreId { get; set; }
        public DateTime? PlannedAt { get; set; }
        public DateTime? ApprovedAt { get; set; }
        public bool Wait { get; set; }

        // EBS snapshot sets
        public string AvailabilityZone { get; set; }
        public string InstanceId { get; set; }
        public bool ReplaceVolumes { get; set; }
        public int? InitializationRateMiBps { get; set; }
        public string KmsKeyId { get; set; }
        public string VolumeType { get; set; }

        // AMIs
        public string SubnetId { get; set; }
        public string[] SecurityGroupId { get; set; }
        public string InstanceType { get; set; }
        public string IamInstanceProfile { get; set; }
        public string KeyName { get; set; }
        public string LaunchTemplateId { get; set; }

        // AMIs rolled into an Auto Scaling group (primary region)
        /// <summary>Roll the AMI into this group: a launch template version, then an instance refresh or a batch replacement.</summary>
        public string AutoScalingGroupName { get; set; }
        /// <summary>Refresh (StartInstanceRefresh with AutoRollback; real AWS) or Replace (batches of new instances, then the old ones terminated).</summary>
        public string Strategy { get; set; }
        /// <summary>Refresh: the share of the desired capacity kept healthy (0-100; default 100, with MaxHealthyPercentage 200).</summary>
        public int? MinHealthyPercentage { get; set; }
        /// <summary>Refresh: seconds a new instance warms up before the next is replaced (default: the group's).</summary>
        public int? InstanceWarmup { get; set; }
        /// <summary>Replace: instances replaced per batch (default: the desired capacity, i.e. one batch, capacity doubled for the change).</summary>
        public int? BatchSize { get; set; }

        // AWS Backup vault points
        /// <summary>The role AWS Backup restores with (default: the account's service-role/AWSBackupDefaultServiceRole).</summary>
        public string IamRoleArn { get; set; }

        // RDS
        /// <summary>From a snapshot: the new instance's name (same as TargetDBInstanceIdentifier). Point in time: the source instance.</summary>
        public string DBInstanceIdentifier { get; set; }
        public string TargetDBInstanceIdentifier { get; set; }
        public DateTime? RestoreTime { get; set; }
        public bool UseLatestRestorableTime { get; set; }
        public string DBInstanceClass { get; set; }
        public string DBSubnetGroupName { get; set; }
        public string[] VpcSecurityGroupId { get; set; }
        public bool? MultiAZ { get; set; }
        public int? Port { get; set; }
        public string UpdateSecret { get; set; }
        public bool ManageMasterUserPassword { get; set; }

        // Files
        public string Destination { get; set; }
        public string[] Include { get; set; }
        public string[] Exclude { get; set; }
        public bool Force { get; set; }
        /// <summary>Files: restore setuid, setgid and sticky bits as recorded (stripped by default).</summary>
        public bool PreservePrivilegedModes { get; set; }
        public int Parallelism { get; set; } = 4;

        /// <summary>Whether the request is a point-in-time restore (no recovery point; the source is DBInstanceIdentifier).</summary>
        public bool IsPointInTime => RestoreTime.HasValue || UseLatestRestorableTime;

        private static readonly string[] NotParameters = { nameof(Policy), nameof(IsPointInTime) };

        /// <summary>The parameter names <see cref="FromParameters"/> accepts.</summary>
        public static IReadOnlyList<string> ParameterNames { get; } = typeof(RestoreRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && !NotParameters.Contains(p.Name)).Select(p => p.Name).ToList();

        /// <summary>
        /// Builds a request from a table of Invoke-FinRestore parameter names to string values (a plan's parameters).
        /// Lists are comma-separated; switches "true"/"false"; times ISO 8601 (UTC). An unknown name or a bad value fails with
        /// FinRestoreParameterInvalid naming it.
        /// </summary>
        public static RestoreRequest FromParameters(IDictionary<string, string> parameters, BackupPolicy policy = null)
        {
            var request = new RestoreRequest { Policy = policy };
            if (parameters == null) return request;
            var props = typeof(RestoreRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite && !NotParameters.Contains(p.Name)).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            foreach (var kv in parameters)
            {
                if (!props.TryGetValue(kv.Key ?? string.Empty, out var prop))
                    throw Invalid(kv.Key, $"'{kv.Key}' is not a restore parameter", "Use Invoke-FinRestore's parameter names: " + string.Join(", ", ParameterNames) + ".");
                if (kv.Value == null) continue;
                prop.SetValue(request, Convert(kv.Key, kv.Value, prop.PropertyType));
            }
            return request;
        }

        /// <summary>The request as a parameter table (only the values set), the inverse of <see cref="FromParameters"/>.</summary>
        public IDictionary<string, string> ToParameters()
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var blank = new RestoreRequest();
            foreach (var prop in typeof(RestoreRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && !NotParameters.Contains(p.Name)))
            {
                var v = prop.GetValue(this);
                if (v == null || Equals(v, prop.GetValue(blank))) continue;
                result[prop.Name] = v is string[] a ? string.Join(",", a)
                    : v is DateTime d ? d.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture)
                    : v is bool b ? (b ? "true" : "false")
                    : System.Convert.ToString(v, CultureInfo.InvariantCulture);
            }
            return result;
        }

        private static object Convert(string name, string value, Type type)
        {
            var t = Nullable.GetUnderlyingType(type) ?? type;
            if (t == typeof(string)) return value;
            if (t == typeof(string[])) return value.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
            if (t == typeof(bool))
            {
                if (bool.TryParse(value, out var b)) return b;
                if (value == "1") return true;
                if (value == "0") return false;
                throw Invalid(name, $"'{value}' is not true or false", $"Give {name} as true or false.");
            }
            if (t == typeof(int))
            {
                if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
                throw Invalid(name, $"'{value}' is not a whole number", $"Give {name} as a number, e.g. 200.");
            }
            if (t == typeof(DateTime))
            {
                if (DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d))
                    return DateTime.SpecifyKind(d, DateTimeKind.Utc);
                throw Invalid(name, $"'{value}' is not a time", $"Give {name} in ISO 8601, e.g. 2026-12-01T09:40:00Z.");
            }
            throw Invalid(name, $"type {t.Name} cannot be read from text", null);
        }

        private static FinBackupException Invalid(string name, string problem, string fix) =>
            new FinBackupException("FinRestoreParameterInvalid", FinErrorKind.InvalidArgument, $"Restore parameter {name}: {problem}.", fix);

        /// <summary>Checks the values that have a range (before anything is called).</summary>
        public void Validate()
        {
            if (InitializationRateMiBps.HasValue && (InitializationRateMiBps < 100 || InitializationRateMiBps > 300))
                throw Invalid(nameof(InitializationRateMiBps), $"{InitializationRateMiBps} MiB/s is outside EBS's range 100-300", "Use 100 to 300, or leave it out.");
            if (RestoreTime.HasValue && UseLatestRestorableTime)
                throw Invalid(nameof(RestoreTime), "RestoreTime and UseLatestRestorableTime exclude each other", "Pass one of them.");
            if (!string.IsNullOrEmpty(Strategy) && !string.Equals(Strategy, RollStrategies.Refresh, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(Strategy, RollStrategies.Replace, StringComparison.OrdinalIgnoreCase))
                throw Invalid(nameof(Strategy), $"'{Strategy}' is not a roll strategy", "Use Refresh (instance refresh with automatic rollback) or Replace (batches, runs on the sandbox).");
            if (!string.IsNullOrEmpty(Strategy) && string.IsNullOrEmpty(AutoScalingGroupName))
                throw Invalid(nameof(Strategy), "Strategy rolls an Auto Scaling group and needs AutoScalingGroupName", "Add -AutoScalingGroupName <group>.");
            if (MinHealthyPercentage.HasValue && (MinHealthyPercentage < 0 || MinHealthyPercentage > 100))
                throw Invalid(nameof(MinHealthyPercentage), $"{MinHealthyPercentage}% is outside 0-100", "Use 0 to 100 (100 keeps the whole desired capacity in service).");
            if (InstanceWarmup.HasValue && InstanceWarmup < 0)
                throw Invalid(nameof(InstanceWarmup), $"{InstanceWarmup} seconds is negative", "Give the warm-up in seconds, e.g. 120.");
            if (BatchSize.HasValue && BatchSize < 1)
                throw Invalid(nameof(BatchSize), $"a batch of {BatchSize} instances replaces nothing", "Give 1 or more.");
            if (ReplaceVolumes && string.IsNullOrEmpty(InstanceId))
                throw Invalid(nameof(ReplaceVolumes), "ReplaceVolumes needs InstanceId (the stopped instance whose volumes are swapped)", "Add -InstanceId i-...");
        }
    }
}
