using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// How FinBackup runs unattended (the policy's Schedule table): which instances run the cycle, where they get the
    /// module and the policy, and how EventBridge Scheduler reaches Systems Manager. Read by Register-FinBackupSchedule,
    /// Publish-FinSsmDocument and the SSM documents.
    /// </summary>
    public sealed class SchedulePolicy
    {
        /// <summary>Tags selecting the admin instance(s) that run the snapshot cycle (Run Command targets), e.g. fin:role=backup-admin.</summary>
        public IDictionary<string, string> AdminInstanceTag { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>The bucket the SSM documents install the module and read the policy from.</summary>
        public string ModuleBucket { get; set; }
        /// <summary>Key of the module zip (the contents of out/FinBackup) in <see cref="ModuleBucket"/>.</summary>
        public string ModuleKey { get; set; } = "finbackup/FinBackup.zip";
        /// <summary>Key of the policy file in <see cref="ModuleBucket"/>; null means finbackup/policies/&lt;policy name&gt;.policy.psd1.</summary>
        public string PolicyKey { get; set; }
        /// <summary>The IAM role EventBridge Scheduler assumes to call ssm:SendCommand.</summary>
        public string SchedulerRoleArn { get; set; }
        /// <summary>The SQS queue that receives invocations the scheduler could not deliver after its retries.</summary>
        public string DeadLetterQueueArn { get; set; }
        /// <summary>Optional bucket for Run Command output.</summary>
        public string OutputBucket { get; set; }
        /// <summary>FinBackup's schedule group; Unregister-FinBackupSchedule never touches other groups.</summary>
        public string GroupName { get; set; } = "finbackup";
        /// <summary>How long after a window starts the run fires (a clock a little behind must not land in the previous window).</summary>
        public TimeSpan WindowOffset { get; set; } = TimeSpan.FromMinutes(5);
        /// <summary>Scheduler retries of a failed SendCommand call (0-185).</summary>
        public int MaximumRetryAttempts { get; set; } = 3;
        /// <summary>How long the scheduler keeps retrying an invocation; null means half the window (a late run is still inside it).</summary>
        public TimeSpan? MaximumEventAge { get; set; }
        /// <summary>Run Command timeout of the cycle and file-set commands.</summary>
        public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromHours(1);

        public string EffectivePolicyKey(string policyName) =>
            string.IsNullOrEmpty(PolicyKey) ? "finbackup/policies/" + (policyName ?? "policy") + ".policy.psd1" : PolicyKey;
    }

    /// <summary>Where RPO alarms notify (the policy's Alarms table).</summary>
    public sealed class AlarmPolicy
    {
        /// <summary>The SNS topic the alarm actions (ALARM and OK) publish to.</summary>
        public string SnsTopicArn { get; set; }
        /// <summary>How many 5-minute periods the RPO must be over target before the alarm fires (default 1).</summary>
        public int EvaluationPeriods { get; set; } = 1;
    }

    /// <summary>CloudWatch metrics of cycles and file backups (the policy's Metrics table).</summary>
    public sealed class MetricsPolicy
    {
        /// <summary>Whether Invoke-FinBackupCycle and Backup-FinFile publish metrics (default true).</summary>
        public bool Enabled { get; set; } = true;
        public string Namespace { get; set; } = "FinBackup";
    }
}
