using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace FinBackup.Domain.Unattended
{
    /// <summary>One planned or found schedule and how they compare.</summary>
    public sealed class ScheduleComparison
    {
        public PlannedSchedule Planned { get; set; }
        public ScheduleDefinition Actual { get; set; }
        public ScheduleStatus Status { get; set; }
        public IList<string> Differences { get; set; } = new List<string>();
    }

    /// <summary>
    /// Planned against actual: Missing (planned, not found), InSync, Drifted (a field FinBackup sets differs), Extra
    /// (found with this policy's name prefix in FinBackup's group, not planned). For rate() schedules the StartDate is
    /// compared by phase (on a window boundary plus the offset), not by value: a new plan always has a later one.
    /// </summary>
    public static class ScheduleDiff
    {
        public static IList<ScheduleComparison> Compare(IEnumerable<PlannedSchedule> planned, IEnumerable<ScheduleDefinition> actual, string policyPrefix)
        {
            var found = (actual ?? Enumerable.Empty<ScheduleDefinition>()).GroupBy(a => a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var result = new List<ScheduleComparison>();
            var plannedNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in planned)
            {
                plannedNames.Add(p.Definition.Name);
                if (!found.TryGetValue(p.Definition.Name, out var a))
                {
                    result.Add(new ScheduleComparison { Planned = p, Status = ScheduleStatus.Missing });
                    continue;
                }
                var diffs = Differences(p, a);
                result.Add(new ScheduleComparison { Planned = p, Actual = a, Differences = diffs, Status = diffs.Count == 0 ? ScheduleStatus.InSync : ScheduleStatus.Drifted });
            }
            foreach (var a in found.Values.Where(a => !plannedNames.Contains(a.Name) && a.Name.StartsWith(policyPrefix, StringComparison.Ordinal)).OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                result.Add(new ScheduleComparison { Actual = a, Status = ScheduleStatus.Extra });
            }
            return result;
        }

        public static IList<string> Differences(PlannedSchedule planned, ScheduleDefinition actual)
        {
            var p = planned.Definition;
            var d = new List<string>();
            void Check(string field, string want, string have)
            {
                if (!string.Equals(want ?? string.Empty, have ?? string.Empty, StringComparison.Ordinal))
                    d.Add($"{field}: {Show(have)} -> {Show(want)}");
            }
            Check("ScheduleExpression", p.ScheduleExpression, actual.ScheduleExpression);
            Check("ScheduleExpressionTimezone", p.ScheduleExpressionTimezone, actual.ScheduleExpressionTimezone ?? "UTC");
            Check("State", p.State, actual.State);
            Check("FlexibleTimeWindow", p.FlexibleTimeWindowMode, actual.FlexibleTimeWindowMode);
            Check("Description", p.Description, actual.Description);
            Check("Target.Arn", p.TargetArn, actual.TargetArn);
            Check("Target.RoleArn", p.RoleArn, actual.RoleArn);
            Check("Target.Input", p.Input, actual.Input);
            Check("Target.DeadLetterConfig", p.DeadLetterArn, actual.DeadLetterArn);
            Check("Target.RetryPolicy.MaximumRetryAttempts", Num(p.MaximumRetryAttempts), Num(actual.MaximumRetryAttempts));
            Check("Target.RetryPolicy.MaximumEventAgeInSeconds", Num(p.MaximumEventAgeInSeconds), Num(actual.MaximumEventAgeInSeconds));
            if (planned.AnchorOffset.HasValue)
            {
                if (!actual.StartDate.HasValue || !ScheduleExpressions.IsAligned(actual.StartDate.Value, planned.Frequency, planned.AnchorOffset.Value))
                    d.Add($"StartDate: {Show(actual.StartDate?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))} -> on a window boundary + {SchedulePlanner.Format(planned.AnchorOffset)}");
            }
            return d;
        }

        private static string Num(int? n) => n?.ToString(CultureInfo.InvariantCulture);

        private static string Show(string s)
        {
            if (string.IsNullOrEmpty(s)) return "(none)";
            return s.Length > 80 ? "'" + s.Substring(0, 77) + "...'" : "'" + s + "'";
        }
    }
}
