using System;
using System.Collections.Generic;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Unattended
{
    /// <summary>A CloudWatch alarm on an application's CurrentRpoSeconds, as planned and as found.</summary>
    public sealed class RpoAlarmSpec
    {
        public string AlarmName { get; set; }
        public string Description { get; set; }
        public string Namespace { get; set; }
        public string MetricName { get; set; }
        public IList<KeyValuePair<string, string>> Dimensions { get; set; } = new List<KeyValuePair<string, string>>();
        public string Statistic { get; set; } = "Maximum";
        public int PeriodSeconds { get; set; }
        public int EvaluationPeriods { get; set; }
        public double Threshold { get; set; }
        public string ComparisonOperator { get; set; } = "GreaterThanThreshold";
        public string TreatMissingData { get; set; } = "breaching";
        public IList<string> AlarmActions { get; set; } = new List<string>();
        public IList<string> OkActions { get; set; } = new List<string>();
        public string Application { get; set; }
        public string Region { get; set; }
        public TimeSpan Rpo { get; set; }
    }

    /// <summary>Output of Set-FinRpoAlarm: one alarm per application.</summary>
    public sealed class FinRpoAlarm
    {
        public string AlarmName { get; set; }
        public string Application { get; set; }
        public string Region { get; set; }
        public string MetricName { get; set; }
        public TimeSpan Rpo { get; set; }
        public double ThresholdSeconds { get; set; }
        public int PeriodSeconds { get; set; }
        public string TreatMissingData { get; set; }
        public string SnsTopicArn { get; set; }
        /// <summary>Created, Updated, Unchanged or Skipped (-WhatIf / declined).</summary>
        public string Action { get; set; }
        public override string ToString() => AlarmName;
    }

    /// <summary>
    /// One alarm per application with an RPO: CurrentRpoSeconds (Application, Region = primary) over the RPO, missing
    /// data breaching (a dead scheduler publishes nothing), notifying the policy's SNS topic on ALARM and OK. The period
    /// is the application's frequency (the cycle publishes once per window), rounded up to whole minutes, so a healthy
    /// schedule always has a datapoint in every period.
    /// </summary>
    public static class RpoAlarmPlanner
    {
        public static IList<RpoAlarmSpec> Plan(BackupPolicy policy)
        {
            var topic = policy.Alarms?.SnsTopicArn;
            if (string.IsNullOrEmpty(topic))
                throw new FinBackupException("FinAlarmTopicMissing", FinErrorKind.InvalidArgument,
                    $"The policy '{policy}' names no SNS topic for its alarms.",
                    "Add Alarms = @{ SnsTopicArn = 'arn:aws:sns:us-east-1:123456789012:fin-backup-alarms' } to the policy.");
            if (string.IsNullOrEmpty(policy.PrimaryRegion))
                throw new FinBackupException("FinPolicyPrimaryRegionMissing", FinErrorKind.InvalidArgument, $"Policy '{policy}' has no primary region.", "Set PrimaryRegion in the policy.");
            var ns = policy.Metrics?.Namespace ?? "FinBackup";
            var list = new List<RpoAlarmSpec>();
            foreach (var app in policy.Applications)
            {
                if (!app.Rpo.HasValue) continue;
                var frequency = app.Frequency ?? app.Rpo.Value;
                var period = (int)Math.Ceiling(frequency.TotalMinutes) * 60;
                if (period > 86400) period = 86400;
                var spec = new RpoAlarmSpec
                {
                    AlarmName = SchedulePlanner.PolicyPrefix(policy) + SchedulePlanner.Slug(app.Name) + "-rpo",
                    Description = $"FinBackup {policy.Name}: the newest available recovery point of '{app.Name}' in {policy.PrimaryRegion} is older than its RPO " +
                                  $"({SchedulePlanner.Format(app.Rpo)}), or no cycle has reported (missing data).",
                    Namespace = ns,
                    MetricName = BackupMetrics.CurrentRpo,
                    PeriodSeconds = period,
                    EvaluationPeriods = Math.Max(1, policy.Alarms.EvaluationPeriods),
                    Threshold = app.Rpo.Value.TotalSeconds,
                    Application = app.Name,
                    Region = policy.PrimaryRegion,
                    Rpo = app.Rpo.Value,
                };
                spec.Dimensions.Add(new KeyValuePair<string, string>("Application", app.Name));
                spec.Dimensions.Add(new KeyValuePair<string, string>("Region", policy.PrimaryRegion));
                spec.AlarmActions.Add(topic);
                spec.OkActions.Add(topic);
                list.Add(spec);
            }
            return list;
        }

        /// <summary>Whether the alarm found matches the plan in every field Set-FinRpoAlarm sets.</summary>
        public static bool Matches(RpoAlarmSpec planned, RpoAlarmSpec actual)
        {
            if (actual == null) return false;
            bool Same(IList<string> a, IList<string> b) => string.Join("|", a) == string.Join("|", b);
            bool SameDims(IList<KeyValuePair<string, string>> a, IList<KeyValuePair<string, string>> b) =>
                string.Join("|", Sorted(a)) == string.Join("|", Sorted(b));
            return planned.Description == actual.Description && planned.Namespace == actual.Namespace && planned.MetricName == actual.MetricName
                   && planned.Statistic == actual.Statistic && planned.PeriodSeconds == actual.PeriodSeconds && planned.EvaluationPeriods == actual.EvaluationPeriods
                   && Math.Abs(planned.Threshold - actual.Threshold) < 0.001 && planned.ComparisonOperator == actual.ComparisonOperator
                   && planned.TreatMissingData == actual.TreatMissingData && Same(planned.AlarmActions, actual.AlarmActions) && Same(planned.OkActions, actual.OkActions)
                   && SameDims(planned.Dimensions, actual.Dimensions);
        }

        private static IEnumerable<string> Sorted(IList<KeyValuePair<string, string>> d)
        {
            var l = new List<string>();
            foreach (var kv in d) l.Add(kv.Key + "=" + kv.Value);
            l.Sort(StringComparer.Ordinal);
            return l;
        }
    }
}
