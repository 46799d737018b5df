using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace FinBackup.Domain.Policy
{
    /// <summary>The policy's Schedule, Alarms and Metrics tables (running unattended).</summary>
    public sealed partial class PolicyReader
    {
        private static readonly Regex ArnPattern = new Regex(@"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:.+$", RegexOptions.CultureInvariant);
        private static readonly Regex BucketPattern = new Regex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant);
        private static readonly Regex GroupPattern = new Regex(@"^[0-9a-zA-Z_.-]{1,64}$", RegexOptions.CultureInvariant);

        private void ReadSchedule(PolicyNode node, string field)
        {
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field,
                    $"expected a table such as @{{ AdminInstanceTag = @{{ 'fin:role' = 'backup-admin' }}; ModuleBucket = 'fin-admin-use1' }}, not {node.Describe()}");
                return;
            }
            var s = _policy.Schedule;
            ReadMap(map, field, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["AdminInstanceTag"] = (e, f) => s.AdminInstanceTag = ReadStringMap(e.Value, f, "tag = value, e.g. @{ 'fin:role' = 'backup-admin' }", "give the tag's value"),
                ["ModuleBucket"] = (e, f) => s.ModuleBucket = ReadMatching(e.Value, f, BucketPattern, "an S3 bucket name such as 'fin-admin-use1'"),
                ["ModuleKey"] = (e, f) => s.ModuleKey = ReadString(e.Value, f) ?? s.ModuleKey,
                ["PolicyKey"] = (e, f) => s.PolicyKey = ReadString(e.Value, f),
                ["SchedulerRoleArn"] = (e, f) => s.SchedulerRoleArn = ReadMatching(e.Value, f, ArnPattern, "an IAM role ARN such as 'arn:aws:iam::123456789012:role/fin-scheduler'"),
                ["DeadLetterQueueArn"] = (e, f) => s.DeadLetterQueueArn = ReadMatching(e.Value, f, ArnPattern, "an SQS queue ARN such as 'arn:aws:sqs:us-east-1:123456789012:fin-schedule-dlq'"),
                ["OutputBucket"] = (e, f) => s.OutputBucket = ReadMatching(e.Value, f, BucketPattern, "an S3 bucket name"),
                ["GroupName"] = (e, f) => s.GroupName = ReadMatching(e.Value, f, GroupPattern, "a schedule group name of letters, digits, '-', '_' and '.'") ?? s.GroupName,
                ["WindowOffset"] = (e, f) => s.WindowOffset = ReadDuration(e.Value, f) ?? s.WindowOffset,
                ["MaximumRetryAttempts"] = (e, f) => s.MaximumRetryAttempts = ReadRetryAttempts(e.Value, f) ?? s.MaximumRetryAttempts,
                ["MaximumEventAge"] = (e, f) => s.MaximumEventAge = ReadDuration(e.Value, f),
                ["CommandTimeout"] = (e, f) => s.CommandTimeout = ReadDuration(e.Value, f) ?? s.CommandTimeout,
            });
            if (s.WindowOffset >= TimeSpan.FromHours(1))
            {
                Error(PolicyRules.ValidValue, map, field + ".WindowOffset", "must be less than 1 hour (it is how far into a window the run fires)", "Use a few minutes, e.g. WindowOffset = '5m'.");
            }
            if (s.MaximumEventAge.HasValue && (s.MaximumEventAge.Value < TimeSpan.FromMinutes(1) || s.MaximumEventAge.Value > TimeSpan.FromHours(24)))
            {
                Error(PolicyRules.ValidValue, map, field + ".MaximumEventAge", "must be between 1 minute and 24 hours (EventBridge Scheduler's limits)");
            }
        }

        private void ReadAlarms(PolicyNode node, string field)
        {
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a table such as @{{ SnsTopicArn = 'arn:aws:sns:us-east-1:123456789012:fin-backup-alarms' }}, not {node.Describe()}");
                return;
            }
            var a = _policy.Alarms;
            ReadMap(map, field, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["SnsTopicArn"] = (e, f) => a.SnsTopicArn = ReadMatching(e.Value, f, ArnPattern, "an SNS topic ARN such as 'arn:aws:sns:us-east-1:123456789012:fin-backup-alarms'"),
                ["EvaluationPeriods"] = (e, f) => a.EvaluationPeriods = ReadPositiveInt(e.Value, f) ?? a.EvaluationPeriods,
            });
        }

        private void ReadMetrics(PolicyNode node, string field)
        {
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a table such as @{{ Enabled = $true; Namespace = 'FinBackup' }}, not {node.Describe()}");
                return;
            }
            var m = _policy.Metrics;
            ReadMap(map, field, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["Enabled"] = (e, f) => m.Enabled = ReadBool(e.Value, f) ?? m.Enabled,
                ["Namespace"] = (e, f) => m.Namespace = ReadString(e.Value, f) ?? m.Namespace,
            });
        }

        private void ReadVerification(PolicyNode node, string field)
        {
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a table such as @{{ ReadDataEvery = '24h'; SamplePercent = 5 }}, not {node.Describe()}");
                return;
            }
            var v = _policy.Verification;
            ReadMap(map, field, new Dictionary<string, Action<PolicyEntry, string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["Enabled"] = (e, f) => v.Enabled = ReadBool(e.Value, f) ?? v.Enabled,
                ["ReadDataEvery"] = (e, f) => v.ReadDataEvery = ReadDuration(e.Value, f),
                ["SamplePercent"] = (e, f) => v.SamplePercent = ReadPercent(e.Value, f) ?? v.SamplePercent,
            });
        }

        private string ReadMatching(PolicyNode node, string field, Regex pattern, string expected)
        {
            var value = ReadString(node, field);
            if (value == null) return null;
            if (!pattern.IsMatch(value))
            {
                Error(PolicyRules.ValidValue, node, field, $"\"{value}\" is not {expected}");
                return null;
            }
            return value;
        }

        private int? ReadRetryAttempts(PolicyNode node, string field)
        {
            var v = ReadInt(node, field);
            if (v > 185)
            {
                Error(PolicyRules.ValidValue, node, field, "must be between 0 and 185 (EventBridge Scheduler's limit)");
                return null;
            }
            return v;
        }

        /// <summary>A table of string = non-empty string (AdminInstanceTag, RestoreTargets' id maps).</summary>
        private IDictionary<string, string> ReadStringMap(PolicyNode node, string field, string example, string emptyFix)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!(node is PolicyMap map))
            {
                Error(PolicyRules.ValueType, node, field, $"expected a table of {example}, not {node.Describe()}");
                return result;
            }
            foreach (var entry in map.Entries)
            {
                var f = $"{field}['{entry.Key}']";
                Record(f, entry.KeyPosition);
                var value = ReadString(entry.Value, f);
                if (string.IsNullOrWhiteSpace(value))
                {
                    if (value != null) Error(PolicyRules.ValidValue, entry.Value, f, "is empty; " + emptyFix);
                    continue;
                }
                result[entry.Key] = value;
            }
            return result;
        }
    }
}
