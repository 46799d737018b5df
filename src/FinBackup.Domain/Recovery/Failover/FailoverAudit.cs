using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using FinBackup.Domain.Audit;

namespace FinBackup.Domain.Recovery.Failover
{
    /// <summary>
    /// The audit records of a failover or drill: one Failover.Step per step that ran (succeeded or failed; planned, pending and
    /// skipped steps change nothing and are not recorded), and one Drill.Recorded per drill with its outcome and measured RTO.
    /// </summary>
    public static class FailoverAudit
    {
        /// <summary>The step-callback wrapper: records a finished step, then calls <paramref name="next"/> (progress).</summary>
        public static Action<FinFailoverStep, int> Recording(AuditTrail trail, Func<string> runId, string application, string region, bool drill,
            Action<FinFailoverStep, int> next, CancellationToken ct = default(CancellationToken))
        {
            return (step, total) =>
            {
                next?.Invoke(step, total);
                Step(trail, runId?.Invoke(), application, region, drill, step, ct);
            };
        }

        public static AuditEvent Step(AuditTrail trail, string runId, string application, string region, bool drill, FinFailoverStep step,
            CancellationToken ct = default(CancellationToken))
        {
            if (trail == null || step == null) return null;
            var result = step.Outcome == "Succeeded" ? AuditResults.Succeeded : step.Outcome == "Failed" || step.Outcome == "Cancelled" ? AuditResults.Failed : null;
            if (result == null) return null;
            var d = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [drill ? "drillId" : "failoverId"] = runId,
                ["step"] = step.Order.ToString(CultureInfo.InvariantCulture),
                ["name"] = step.Name,
                ["tier"] = step.Tier,
                ["outcome"] = step.Outcome,
                ["created"] = step.Created.ToString(CultureInfo.InvariantCulture),
                ["adopted"] = step.Adopted.ToString(CultureInfo.InvariantCulture),
                ["resources"] = step.Resources,
                ["error"] = step.Error,
                [AuditDetailKeys.Duration] = step.Duration.HasValue ? System.Xml.XmlConvert.ToString(step.Duration.Value) : null,
            };
            var target = (runId ?? "failover") + "/" + step.Order.ToString(CultureInfo.InvariantCulture) + " " + step.Name;
            return trail.Record(AuditActions.FailoverStep, target, result, application, region, d, cancellationToken: ct);
        }

        public static AuditEvent Drill(AuditTrail trail, RecoveryDrillRecord record, CancellationToken ct = default(CancellationToken))
        {
            if (trail == null || record == null) return null;
            var d = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["drillId"] = record.DrillId,
                ["outcome"] = record.Outcome,
                ["measuredRto"] = record.MeasuredRto.HasValue ? System.Xml.XmlConvert.ToString(record.MeasuredRto.Value) : null,
                ["targetRto"] = record.TargetRto.HasValue ? System.Xml.XmlConvert.ToString(record.TargetRto.Value) : null,
                ["achievedRpo"] = record.AchievedRpo.HasValue ? System.Xml.XmlConvert.ToString(record.AchievedRpo.Value) : null,
                ["tornDown"] = record.TornDown ? "true" : "false",
                ["location"] = record.Location,
                ["error"] = record.Error,
            };
            return trail.Record(AuditActions.DrillRecorded, record.DrillId, record.Outcome == "Succeeded" ? AuditResults.Succeeded : AuditResults.Failed,
                record.Application, record.Region, d, cancellationToken: ct);
        }
    }
}
