using System;
using System.Collections.Generic;
using System.Threading;
using FinBackup.Domain;
using FinBackup.Domain.Connection;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Unattended;

namespace FinBackup.Cmdlets.Unattended
{
    /// <summary>
    /// Publishes a finished run's metrics after the domain result is in. A metrics failure is a warning: it never
    /// fails the backup it reports on.
    /// </summary>
    internal static class MetricsReporter
    {
        public static void Publish(IAwsSession session, string region, string metricNamespace, IList<MetricDatum> data, Action<string> warn, Action<string> verbose,
            CancellationToken cancellationToken)
        {
            if (data == null || data.Count == 0) return;
            try
            {
                var ns = string.IsNullOrEmpty(metricNamespace) ? "FinBackup" : metricNamespace;
                session.Get<IMetricsPublisher>(region).Publish(ns, data, cancellationToken);
                verbose($"Published {data.Count} CloudWatch metric(s) to {ns} in {region}.");
            }
            catch (OperationCanceledException)
            {
            }
            catch (FinBackupException ex)
            {
                warn($"The backup succeeded but its CloudWatch metrics were not published ({region}): {ex.Message} " +
                     "The RPO alarm treats missing data as breaching. Use -NoMetrics or Metrics = @{ Enabled = $false } in the policy to turn metrics off.");
            }
        }
    }
}

namespace FinBackup.Cmdlets.Unattended
{
    using System.Collections.Generic;
    using System.Linq;
    using System.Management.Automation;
    using FinBackup.Domain.Connection;
    using FinBackup.Domain.Files;
    using FinBackup.Domain.Policy;
    using FinBackup.Domain.RecoveryPoints;
    using FinBackup.Domain.Unattended;

    /// <summary>The one line each backup cmdlet calls after its result is in.</summary>
    internal static class CycleMetrics
    {
        public static void Publish(PSCmdlet cmdlet, IAwsSession session, BackupPolicy policy, IEnumerable<FinBackupCycleSummary> summaries, System.Threading.CancellationToken ct)
        {
            var now = System.DateTime.UtcNow;
            var data = summaries.SelectMany(s => BackupMetrics.ForCycle(s, policy, now)).ToList();
            MetricsReporter.Publish(session, policy.PrimaryRegion ?? session.Region, policy.Metrics?.Namespace, data, cmdlet.WriteWarning, cmdlet.WriteVerbose, ct);
        }

        public static void PublishFileBackup(FinCmdlet cmdlet, IAwsSession session, string region, BackupPolicy policy, string fileSet, FileBackupResult result)
        {
            var failed = result.Summary != null && result.Summary.FilesFailed > 0;
            var data = BackupMetrics.ForFileBackup(result.Summary, fileSet, result.RecoveryPoint?.CreatedAt.ToUniversalTime(), failed, System.DateTime.UtcNow);
            MetricsReporter.Publish(session, region, policy?.Metrics?.Namespace, data, cmdlet.WriteWarning, cmdlet.WriteVerbose, default(System.Threading.CancellationToken));
        }
    }
}
