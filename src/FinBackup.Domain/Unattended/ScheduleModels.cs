using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Unattended
{
    /// <summary>What a FinBackup schedule runs.</summary>
    public enum ScheduleKind
    {
        /// <summary>The snapshot cycle of one application, on the admin instance(s).</summary>
        Cycle,
        /// <summary>One file set of an application, on the application's instances.</summary>
        FileSet,
    }

    /// <summary>How a planned schedule compares with what EventBridge Scheduler holds.</summary>
    public enum ScheduleStatus
    {
        Missing,
        InSync,
        Drifted,
        /// <summary>A FinBackup schedule of this policy that the policy no longer asks for.</summary>
        Extra,
    }

    /// <summary>
    /// An EventBridge Scheduler schedule, as FinBackup plans it and as the adapter reads it back: the fields FinBackup
    /// sets (and compares). Times in UTC.
    /// </summary>
    public sealed class ScheduleDefinition
    {
        public string Name { get; set; }
        public string GroupName { get; set; }
        public string Arn { get; set; }
        public string Description { get; set; }
        public string ScheduleExpression { get; set; }
        public string ScheduleExpressionTimezone { get; set; }
        /// <summary>For rate() schedules: the first run, on a window boundary plus the offset (anchors the phase).</summary>
        public DateTime? StartDate { get; set; }
        public string State { get; set; }
        public string FlexibleTimeWindowMode { get; set; }
        public string TargetArn { get; set; }
        public string RoleArn { get; set; }
        /// <summary>The target input: the SSM SendCommand request as JSON.</summary>
        public string Input { get; set; }
        public string DeadLetterArn { get; set; }
        public int? MaximumRetryAttempts { get; set; }
        public int? MaximumEventAgeInSeconds { get; set; }
    }

    /// <summary>One schedule the policy asks for, with what it is for.</summary>
    public sealed class PlannedSchedule
    {
        public ScheduleKind Kind { get; set; }
        public string Application { get; set; }
        public string FileSet { get; set; }
        public TimeSpan Frequency { get; set; }
        /// <summary>For rate() expressions: the phase the StartDate must have (window boundary + offset); null for cron.</summary>
        public TimeSpan? AnchorOffset { get; set; }
        public string DocumentName { get; set; }
        /// <summary>Run Command targets, as text (tag:fin:role=backup-admin).</summary>
        public string Targets { get; set; }
        public ScheduleDefinition Definition { get; set; }
    }

    /// <summary>
    /// A row of Get-/Register-/Unregister-FinBackupSchedule: one schedule, its status against the policy and what was
    /// done. Plain values only, so it exports cleanly.
    /// </summary>
    public sealed class FinBackupSchedule
    {
        public string Name { get; set; }
        public string GroupName { get; set; }
        public string Region { get; set; }
        /// <summary>Cycle or FileSet (null for an Extra schedule FinBackup cannot attribute).</summary>
        public string Kind { get; set; }
        public string Application { get; set; }
        public string FileSet { get; set; }
        public string ScheduleExpression { get; set; }
        public string Document { get; set; }
        public string Targets { get; set; }
        public ScheduleStatus Status { get; set; }
        /// <summary>What the cmdlet did: None, Created, Updated, Removed, or Skipped (-WhatIf / declined).</summary>
        public string Action { get; set; } = "None";
        /// <summary>The drifted fields, "Field: actual -> planned; ...".</summary>
        public string Differences { get; set; }
        public string Arn { get; set; }
        public override string ToString() => Name;
    }
}
