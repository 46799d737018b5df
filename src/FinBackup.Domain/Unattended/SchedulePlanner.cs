using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Unattended
{
    /// <summary>
    /// From the policy, the EventBridge Scheduler schedules FinBackup needs: one per application (its snapshot cycle, on
    /// the admin instances) and one per file set (Backup-FinFile, on the application's instances). Each targets
    /// Systems Manager SendCommand through the scheduler's universal target, with flexible window off, the policy's
    /// retry policy and dead-letter queue. Names are stable (fin-&lt;policy&gt;-&lt;application&gt;-cycle,
    /// fin-&lt;policy&gt;-&lt;application&gt;-files-&lt;set&gt;), so a second registration finds the first.
    /// </summary>
    public sealed class SchedulePlanner
    {
        /// <summary>The scheduler's universal target for ssm:SendCommand.</summary>
        public const string SendCommandTarget = "arn:aws:scheduler:::aws-sdk:ssm:sendCommand";
        public const string NamePrefix = "fin-";
        private const int MaxName = 64;
        private static readonly TimeSpan MinimumLead = TimeSpan.FromMinutes(2);

        /// <summary>The schedules of <paramref name="policy"/>; throws FinSchedulePolicyIncomplete when the Schedule table lacks what they need.</summary>
        public IList<PlannedSchedule> Plan(BackupPolicy policy, DateTime utcNow)
        {
            if (policy == null) throw new ArgumentNullException(nameof(policy));
            var s = policy.Schedule ?? new SchedulePolicy();
            var missing = new List<string>();
            if (s.AdminInstanceTag == null || s.AdminInstanceTag.Count == 0) missing.Add("AdminInstanceTag (e.g. @{ 'fin:role' = 'backup-admin' })");
            if (string.IsNullOrEmpty(s.ModuleBucket)) missing.Add("ModuleBucket (the bucket holding the module zip and the policy)");
            if (string.IsNullOrEmpty(s.SchedulerRoleArn)) missing.Add("SchedulerRoleArn (the role EventBridge Scheduler assumes to call ssm:SendCommand)");
            if (string.IsNullOrEmpty(s.DeadLetterQueueArn)) missing.Add("DeadLetterQueueArn (the SQS queue for invocations that fail after retries)");
            if (missing.Count > 0)
                throw new FinBackupException("FinSchedulePolicyIncomplete", FinErrorKind.InvalidArgument,
                    $"The policy '{policy}' cannot be scheduled: its Schedule table lacks {string.Join("; ", missing)}.",
                    "Add a Schedule table to the policy, e.g. Schedule = @{ AdminInstanceTag = @{ 'fin:role' = 'backup-admin' }; ModuleBucket = 'fin-admin-use1'; " +
                    "SchedulerRoleArn = 'arn:aws:iam::123456789012:role/fin-scheduler'; DeadLetterQueueArn = 'arn:aws:sqs:us-east-1:123456789012:fin-schedule-dlq' } (see about_FinBackup).");

            var result = new List<PlannedSchedule>();
            foreach (var app in policy.Applications)
            {
                var frequency = app.Frequency ?? throw new FinBackupException("FinScheduleFrequencyMissing", FinErrorKind.InvalidArgument,
                    $"The application '{app.Name}' in policy '{policy}' has no Frequency, so it cannot be scheduled.", "Give it a Frequency such as '1h' in the policy.");
                var adminTargets = s.AdminInstanceTag.Select(t => new KeyValuePair<string, string>(t.Key, t.Value)).ToList();
                result.Add(Build(policy, s, ScheduleKind.Cycle, app, null, frequency, SsmDocumentNames.Cycle, adminTargets, utcNow,
                    $"FinBackup {policy.Name}: snapshot cycle of '{app.Name}' every {Format(frequency)} (RPO {Format(app.Rpo)})"));
                foreach (var set in app.FileSets ?? new List<FileSetPolicy>())
                {
                    var setFrequency = set.Frequency ?? frequency;
                    var appTargets = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>(policy.TagKey, app.Name) };
                    result.Add(Build(policy, s, ScheduleKind.FileSet, app, set.Name, setFrequency, SsmDocumentNames.FileSet, appTargets, utcNow,
                        $"FinBackup {policy.Name}: file set '{set.Name}' of '{app.Name}' every {Format(setFrequency)} (RPO {Format(app.Rpo)})"));
                }
            }
            var duplicate = result.GroupBy(p => p.Definition.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate != null)
                throw new FinBackupException("FinScheduleNameCollision", FinErrorKind.InvalidArgument,
                    $"Two schedules of policy '{policy}' would both be named '{duplicate.Key}' ({string.Join(", ", duplicate.Select(d => d.Application + (d.FileSet != null ? "/" + d.FileSet : "")))}).",
                    "Rename one of the applications or file sets so their names differ in letters or digits.");
            return result;
        }

        /// <summary>The prefix every schedule of this policy has (what Extra and Unregister look for).</summary>
        public static string PolicyPrefix(BackupPolicy policy) => NamePrefix + Slug(policy.Name ?? "policy") + "-";

        private PlannedSchedule Build(BackupPolicy policy, SchedulePolicy s, ScheduleKind kind, ApplicationPolicy app, string fileSet, TimeSpan frequency,
            string document, IList<KeyValuePair<string, string>> targets, DateTime utcNow, string description)
        {
            var expression = ScheduleExpressions.For(frequency, s.WindowOffset, out var anchored);
            var name = kind == ScheduleKind.Cycle
                ? Name(PolicyPrefix(policy) + Slug(app.Name) + "-cycle")
                : Name(PolicyPrefix(policy) + Slug(app.Name) + "-files-" + Slug(fileSet));
            var maxAge = s.MaximumEventAge ?? TimeSpan.FromTicks(frequency.Ticks / 2);
            if (maxAge < TimeSpan.FromMinutes(1)) maxAge = TimeSpan.FromMinutes(1);
            if (maxAge > TimeSpan.FromHours(24)) maxAge = TimeSpan.FromHours(24);

            var parameters = new JsonFields()
                .Add("ModuleBucket", new object[] { s.ModuleBucket })
                .Add("ModuleKey", new object[] { s.ModuleKey })
                .Add("PolicyKey", new object[] { s.EffectivePolicyKey(policy.Name) })
                .Add("Application", new object[] { app.Name });
            if (fileSet != null) parameters.Add("FileSet", new object[] { fileSet });
            var input = new JsonFields()
                .Add("DocumentName", document)
                .Add("Targets", targets.Select(t => (object)new JsonFields().Add("Key", "tag:" + t.Key).Add("Values", new object[] { t.Value })).ToList())
                .Add("Parameters", parameters)
                .Add("TimeoutSeconds", (int)Math.Min(172800, Math.Max(30, s.CommandTimeout.TotalSeconds)))
                .Add("Comment", Truncate($"FinBackup {(kind == ScheduleKind.Cycle ? "cycle" : "file set " + fileSet)} of {app.Name}", 100));
            if (!string.IsNullOrEmpty(s.OutputBucket))
            {
                input.Add("OutputS3BucketName", s.OutputBucket)
                     .Add("OutputS3KeyPrefix", "finbackup/ssm-output/" + name + "/");
            }

            return new PlannedSchedule
            {
                Kind = kind,
                Application = app.Name,
                FileSet = fileSet,
                Frequency = frequency,
                AnchorOffset = anchored ? s.WindowOffset : (TimeSpan?)null,
                DocumentName = document,
                Targets = string.Join(", ", targets.Select(t => $"tag:{t.Key}={t.Value}")),
                Definition = new ScheduleDefinition
                {
                    Name = name,
                    GroupName = s.GroupName,
                    Description = Truncate(description, 512),
                    ScheduleExpression = expression,
                    ScheduleExpressionTimezone = "UTC",
                    StartDate = anchored ? ScheduleExpressions.NextStart(utcNow, frequency, s.WindowOffset, MinimumLead) : (DateTime?)null,
                    State = "ENABLED",
                    FlexibleTimeWindowMode = "OFF",
                    TargetArn = SendCommandTarget,
                    RoleArn = s.SchedulerRoleArn,
                    Input = CanonicalJson.Write(input),
                    DeadLetterArn = s.DeadLetterQueueArn,
                    MaximumRetryAttempts = s.MaximumRetryAttempts,
                    MaximumEventAgeInSeconds = (int)maxAge.TotalSeconds,
                },
            };
        }

        /// <summary>Lower-case letters, digits and single dashes.</summary>
        public static string Slug(string text)
        {
            var sb = new StringBuilder();
            foreach (var c in (text ?? string.Empty).ToLowerInvariant())
            {
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) sb.Append(c);
                else if (sb.Length > 0 && sb[sb.Length - 1] != '-') sb.Append('-');
            }
            return sb.ToString().Trim('-');
        }

        /// <summary>Names longer than the scheduler's 64 characters are cut and get a stable hash suffix.</summary>
        private static string Name(string full)
        {
            if (full.Length <= MaxName) return full;
            uint h = 2166136261;
            foreach (var c in full) { h ^= c; h *= 16777619; }
            return full.Substring(0, MaxName - 9).TrimEnd('-') + "-" + h.ToString("x8");
        }

        private static string Truncate(string s, int max) => s.Length <= max ? s : s.Substring(0, max);

        internal static string Format(TimeSpan? t)
        {
            if (!t.HasValue) return "not set";
            var v = t.Value;
            if (v.TotalDays >= 1 && v.Ticks % TimeSpan.TicksPerDay == 0) return $"{(long)v.TotalDays}d";
            if (v.TotalHours >= 1 && v.Ticks % TimeSpan.TicksPerHour == 0) return $"{(long)v.TotalHours}h";
            return $"{(long)v.TotalMinutes}m";
        }
    }

    /// <summary>The names of FinBackup's SSM Command documents (examples/ssm/*.json).</summary>
    public static class SsmDocumentNames
    {
        public const string Cycle = "FinBackup-Cycle";
        public const string FileSet = "FinBackup-FileSetBackup";
        public const string RestoreDrill = "FinBackup-RestoreDrill";
        public const string DrReadiness = "FinBackup-DrReadiness";
        public static readonly string[] All = { Cycle, FileSet, RestoreDrill, DrReadiness };
    }
}
