using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Unattended;

namespace FinBackup.Cmdlets.Unattended
{
    /// <summary>Shared plumbing of the schedule cmdlets: the policy, its region, the plan and the comparison.</summary>
    public abstract class FinScheduleCmdlet : RecoveryPointCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The backup policy (Import-FinBackupPolicy) whose schedules these are.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>-Region, else the policy's primary region, else the session's: the base's one precedence.</summary>
        protected string ScheduleRegion => RegionFor(null, Policy);

        protected IScheduleGateway Gateway => Session.Get<IScheduleGateway>(ScheduleRegion);

        protected string GroupName => Policy.Schedule?.GroupName ?? "finbackup";

        /// <summary>The policy's plan against what the scheduler holds; a policy that cannot be planned is an invalid invocation.</summary>
        protected IList<ScheduleComparison> Compare()
        {
            RegionFor(null, Policy); // the connection's default region
            IList<PlannedSchedule> plan = null;
            try
            {
                plan = new SchedulePlanner().Plan(Policy, DateTime.UtcNow);
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, Policy);
            }
            try
            {
                var actual = Gateway.List(GroupName, SchedulePlanner.PolicyPrefix(Policy), CancellationToken);
                return ScheduleDiff.Compare(plan, actual, SchedulePlanner.PolicyPrefix(Policy));
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, Policy);
                return null;
            }
        }

        /// <summary>One Policy.Changed record per schedule created, updated or removed.</summary>
        protected void AuditSchedule(FinBackupSchedule row) =>
            AuditConfigurationChange(Policy, "Schedule", $"{row.GroupName}/{row.Name}", row.Action, row.Application, row.Region,
                new System.Collections.Generic.Dictionary<string, string> { ["scheduleExpression"] = row.ScheduleExpression, ["document"] = row.Document, ["targets"] = row.Targets, ["fileSet"] = row.FileSet });

        protected FinBackupSchedule Row(ScheduleComparison c)
        {
            var p = c.Planned;
            var d = p?.Definition ?? c.Actual;
            return new FinBackupSchedule
            {
                Name = d.Name,
                GroupName = d.GroupName ?? GroupName,
                Region = ScheduleRegion,
                Kind = p?.Kind.ToString(),
                Application = p?.Application,
                FileSet = p?.FileSet,
                ScheduleExpression = c.Actual?.ScheduleExpression ?? p?.Definition.ScheduleExpression,
                Document = p?.DocumentName,
                Targets = p?.Targets,
                Status = c.Status,
                Differences = c.Differences.Count == 0 ? null : string.Join("; ", c.Differences),
                Arn = c.Actual?.Arn,
            };
        }
    }

    /// <summary>
    /// Lists the policy's EventBridge Scheduler schedules against what the scheduler holds: Missing, InSync, Drifted
    /// (with the fields that differ) or Extra (a FinBackup schedule of this policy that the policy no longer asks for).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "FinBackupSchedule")]
    [OutputType(typeof(FinBackupSchedule))]
    public sealed class GetFinBackupScheduleCommand : FinScheduleCmdlet
    {
        protected override void ProcessRecord()
        {
            foreach (var c in Compare()) WriteObject(Row(c));
        }
    }

    /// <summary>
    /// Creates the policy's schedules that are missing and repairs the drifted ones (idempotent: a second run changes
    /// nothing). Extra schedules are reported, not removed (Unregister-FinBackupSchedule removes them).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "FinBackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FinBackupSchedule))]
    public sealed class RegisterFinBackupScheduleCommand : FinScheduleCmdlet
    {
        private const string Activity = "Register-FinBackupSchedule";

        protected override void ProcessRecord()
        {
            var comparisons = Compare();
            var groupReady = false;
            for (var i = 0; i < comparisons.Count; i++)
            {
                if (CancellationToken.IsCancellationRequested) break;
                var c = comparisons[i];
                var row = Row(c);
                WriteFinProgress(1, Activity, row.Name, i * 100 / Math.Max(1, comparisons.Count));
                try
                {
                    if (c.Status == ScheduleStatus.Missing)
                    {
                        var d = c.Planned.Definition;
                        if (ShouldProcess($"{d.Name} in schedule group {d.GroupName} ({ScheduleRegion})",
                                $"Create schedule {d.ScheduleExpression} UTC running {c.Planned.DocumentName} on {c.Planned.Targets}"))
                        {
                            if (!groupReady) { Gateway.EnsureGroup(GroupName, CancellationToken); groupReady = true; }
                            row.Arn = Gateway.Create(d, CancellationToken);
                            row.Action = "Created";
                            AuditSchedule(row);
                        }
                        else row.Action = "Skipped";
                    }
                    else if (c.Status == ScheduleStatus.Drifted)
                    {
                        var d = c.Planned.Definition;
                        if (ShouldProcess($"{d.Name} in schedule group {d.GroupName} ({ScheduleRegion})", "Update schedule: " + row.Differences))
                        {
                            row.Arn = Gateway.Update(d, CancellationToken) ?? row.Arn;
                            row.ScheduleExpression = d.ScheduleExpression;
                            row.Action = "Updated";
                            AuditSchedule(row);
                        }
                        else row.Action = "Skipped";
                    }
                    else if (c.Status == ScheduleStatus.Extra)
                    {
                        WriteWarning($"Schedule '{row.Name}' in group '{row.GroupName}' belongs to policy '{Policy.Name}' but the policy no longer asks for it; " +
                                     "Unregister-FinBackupSchedule -Policy removes it.");
                    }
                    WriteObject(row);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, row.Name);
                }
            }
            CompleteFinProgress(1, Activity);
        }
    }

    /// <summary>
    /// Removes FinBackup's schedules of the policy: only in FinBackup's schedule group and with the policy's name
    /// prefix (fin-&lt;policy&gt;-), planned or extra. Nothing else in the account is touched.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Unregister, "FinBackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FinBackupSchedule))]
    public sealed class UnregisterFinBackupScheduleCommand : FinScheduleCmdlet
    {
        private const string Activity = "Unregister-FinBackupSchedule";

        /// <summary>Remove without asking for confirmation (-WhatIf still only reports).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var found = Compare().Where(c => c.Actual != null).ToList();
            for (var i = 0; i < found.Count; i++)
            {
                if (CancellationToken.IsCancellationRequested) break;
                var row = Row(found[i]);
                WriteFinProgress(1, Activity, row.Name, i * 100 / Math.Max(1, found.Count));
                var go = ShouldProcessUnlessForced(Force, $"{row.Name} in schedule group {row.GroupName} ({ScheduleRegion})", "Delete schedule");
                if (!go)
                {
                    row.Action = "Skipped";
                    WriteObject(row);
                    continue;
                }
                try
                {
                    Gateway.Delete(row.Name, row.GroupName, CancellationToken);
                    row.Action = "Removed";
                    AuditSchedule(row);
                    WriteObject(row);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, row.Name);
                }
            }
            CompleteFinProgress(1, Activity);
        }
    }
}
