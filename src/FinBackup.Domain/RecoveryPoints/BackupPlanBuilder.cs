using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>One AWS Backup plan FinBackup wants: one per application that asks for BackupPlan.</summary>
    public sealed class FinBackupPlanSpec
    {
        public string PlanName { get; set; }
        public string Application { get; set; }
        public string Region { get; set; }
        public string VaultName { get; set; }
        public string DrRegion { get; set; }
        public IList<FinBackupRuleSpec> Rules { get; set; } = new List<FinBackupRuleSpec>();
        /// <summary>Resources are selected by this tag (the policy's application tag = the application's name).</summary>
        public string SelectionName { get; set; }
        public string SelectionTagKey { get; set; }
        public string SelectionTagValue { get; set; }
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
    }

    public sealed class FinBackupRuleSpec
    {
        public string RuleName { get; set; }
        public string ScheduleExpression { get; set; }
        public long StartWindowMinutes { get; set; }
        public long CompletionWindowMinutes { get; set; }
        public long DeleteAfterDays { get; set; }
        /// <summary>Copy to the DR region's vault (its ARN is resolved when the vault exists), or false.</summary>
        public bool CopyToDr { get; set; }
        public long CopyDeleteAfterDays { get; set; }
        public IDictionary<string, string> RecoveryPointTags { get; set; } = new Dictionary<string, string>();
        public override string ToString() => $"{RuleName} {ScheduleExpression} keep {DeleteAfterDays}d";
    }

    /// <summary>What Set-FinBackupPlan did for one plan.</summary>
    public sealed class FinBackupPlanResult
    {
        public string PlanName { get; set; }
        public string Application { get; set; }
        public string Region { get; set; }
        /// <summary>Created, Updated, or WouldSet (-WhatIf).</summary>
        public string Action { get; set; }
        public string PlanId { get; set; }
        public string PlanArn { get; set; }
        public string VersionId { get; set; }
        public string VaultArn { get; set; }
        public string DrVaultArn { get; set; }
        public bool VaultLocked { get; set; }
        public string SelectionId { get; set; }
        public IList<FinBackupRuleSpec> Rules { get; set; } = new List<FinBackupRuleSpec>();
        public IList<string> Notes { get; set; } = new List<string>();
    }

    /// <summary>
    /// Turns a policy into AWS Backup plans: for each application asking for BackupPlan, one plan with one rule scheduled at the
    /// application's BackupPlanFrequency rounded UP to what AWS Backup can do (at least hourly, a cron expression dividing the
    /// day), lifecycle in whole days (at least 1), a copy action to the DR vault, and a selection by the application tag.
    /// Hour-level expiry stays with Remove-FinExpiredBackup.
    /// </summary>
    public static class BackupPlanBuilder
    {
        public const string HourlySchedule = "cron(0 * ? * * *)";
        private static readonly int[] DayDivisors = { 1, 2, 3, 4, 6, 8, 12, 24 };

        public static IReadOnlyList<FinBackupPlanSpec> Build(BackupPolicy policy)
        {
            if (policy == null) throw new ArgumentNullException(nameof(policy));
            var vault = string.IsNullOrEmpty(policy.BackupVaultName) ? "fin-backup-vault" : policy.BackupVaultName;
            var plans = new List<FinBackupPlanSpec>();
            foreach (var app in policy.Applications.Where(a => a != null && a.UsesBackupPlan))
            {
                var retentionDays = DeleteAfterDays(app.EffectiveBackupPlanRetention);
                var copy = app.CopyToDrRegion && !string.IsNullOrEmpty(policy.DrRegion)
                           && !string.Equals(policy.DrRegion, policy.PrimaryRegion, StringComparison.OrdinalIgnoreCase);
                var tags = new Dictionary<string, string>
                {
                    [FinTags.ManagedBy] = FinTags.ManagedByValue,
                    [FinTags.Policy] = policy.Name ?? string.Empty,
                    [FinTags.Application] = app.Name,
                };
                plans.Add(new FinBackupPlanSpec
                {
                    PlanName = PlanName(policy.Name, app.Name),
                    Application = app.Name,
                    Region = policy.PrimaryRegion,
                    DrRegion = copy ? policy.DrRegion : null,
                    VaultName = vault,
                    SelectionName = Truncate("fin-" + Slug(app.Name), 50),
                    SelectionTagKey = policy.TagKey ?? FinTags.Application,
                    SelectionTagValue = app.Name,
                    Tags = tags,
                    Rules =
                    {
                        new FinBackupRuleSpec
                        {
                            RuleName = Truncate("fin-" + Slug(app.Name), 50),
                            ScheduleExpression = Schedule(app.EffectiveBackupPlanFrequency),
                            StartWindowMinutes = 60,
                            CompletionWindowMinutes = 180,
                            DeleteAfterDays = retentionDays,
                            CopyToDr = copy,
                            CopyDeleteAfterDays = retentionDays,
                            RecoveryPointTags = new Dictionary<string, string>(tags),
                        },
                    },
                });
            }
            return plans;
        }

        /// <summary>The cron expression for a frequency: rounded up to whole hours (at least 1) dividing the day, or daily.</summary>
        public static string Schedule(TimeSpan? frequency)
        {
            var hours = frequency.HasValue ? (int)Math.Ceiling(frequency.Value.TotalHours) : 1;
            if (hours <= 1) return HourlySchedule;
            var every = DayDivisors.FirstOrDefault(d => d >= hours);
            if (every == 0 || every == 24) return "cron(0 0 ? * * *)";
            return $"cron(0 0/{every} ? * * *)";
        }

        /// <summary>AWS Backup keeps recovery points whole days, at least 1.</summary>
        public static long DeleteAfterDays(TimeSpan? retention) =>
            Math.Max(1, retention.HasValue ? (long)Math.Ceiling(retention.Value.TotalDays) : 1);

        public static string PlanName(string policyName, string application) =>
            Truncate("fin-" + Slug(policyName ?? "policy") + "-" + Slug(application), 50);

        private static string Slug(string s)
        {
            var chars = (s ?? string.Empty).Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray();
            var slug = new string(chars);
            while (slug.Contains("--")) slug = slug.Replace("--", "-");
            return slug.Trim('-');
        }

        private static string Truncate(string s, int max) => s.Length <= max ? s : s.Substring(0, max).TrimEnd('-');
    }
}
