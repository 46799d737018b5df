using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Unattended;

namespace FinBackup.Cmdlets.Unattended
{
    /// <summary>
    /// Creates or updates FinBackup's SSM Command documents (the cycle, a file-set backup, the restore drill, the DR
    /// readiness check) in the policy's regions. The content is examples/ssm/*.json, embedded at build time; a document
    /// whose default version already has that content is left alone.
    /// </summary>
    [Cmdlet(VerbsData.Publish, "FinSsmDocument", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FinSsmDocument))]
    public sealed class PublishFinSsmDocumentCommand : RecoveryPointCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy (from Import-FinBackupPolicy).")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Only these documents (default: all four).</summary>
        [Parameter]
        [ValidateSet(SsmDocumentNames.Cycle, SsmDocumentNames.FileSet, SsmDocumentNames.RestoreDrill, SsmDocumentNames.DrReadiness, IgnoreCase = true)]
        public string[] Name { get; set; }

        /// <summary>Regions to publish to (default: the policy's primary and DR regions).</summary>
        [Parameter]
        [RegionCompleter]
        public string[] TargetRegion { get; set; }

        protected override void ProcessRecord()
        {
            RegionFor(null, Policy); // the connection's default region: -Region, else the policy's primary region
            IList<SsmDocumentSource> documents = null;
            try
            {
                documents = SsmDocumentCatalog.All().Where(d => Name == null || Name.Contains(d.Name, StringComparer.OrdinalIgnoreCase)).ToList();
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, Policy);
            }
            var regions = TargetRegion != null && TargetRegion.Length > 0 ? TargetRegion.ToList() : Policy.Regions.ToList();
            if (regions.Count == 0) regions.Add(RegionOrDefault(null));
            foreach (var region in regions)
            {
                foreach (var doc in documents)
                {
                    if (CancellationToken.IsCancellationRequested) return;
                    var result = new FinSsmDocument { Name = doc.Name, Region = region, Source = doc.Source };
                    try
                    {
                        var gateway = Session.Get<ISsmDocumentGateway>(region);
                        var existing = gateway.Get(doc.Name, CancellationToken);
                        if (existing != null && Same(existing.Content, doc.Content))
                        {
                            result.Action = "Unchanged";
                            result.DocumentVersion = existing.DefaultVersion;
                        }
                        else if (ShouldProcess($"SSM document {doc.Name} ({region})", existing == null ? "Create Command document from " + doc.Source : "Update to a new default version from " + doc.Source))
                        {
                            result.DocumentVersion = existing == null ? gateway.Create(doc.Name, doc.Content, CancellationToken) : gateway.Update(doc.Name, doc.Content, CancellationToken);
                            result.Action = existing == null ? "Created" : "Updated";
                            AuditConfigurationChange(Policy, "SsmDocument", doc.Name, result.Action, null, region,
                                new Dictionary<string, string> { ["documentVersion"] = result.DocumentVersion, ["source"] = doc.Source });
                        }
                        else
                        {
                            result.Action = "Skipped";
                            result.DocumentVersion = existing?.DefaultVersion;
                        }
                        WriteObject(result);
                    }
                    catch (FinBackupException ex)
                    {
                        WriteFinError(ex, $"{doc.Name} ({region})");
                    }
                }
            }
        }

        private static bool Same(string a, string b) =>
            string.Equals((a ?? string.Empty).Replace("\r\n", "\n").Trim(), (b ?? string.Empty).Replace("\r\n", "\n").Trim(), StringComparison.Ordinal);
    }

    /// <summary>
    /// One CloudWatch alarm per application of the policy on its CurrentRpoSeconds metric (namespace FinBackup,
    /// dimensions Application and Region = the primary region): fires when the newest available point is older than the
    /// RPO, and on missing data (what a dead scheduler looks like); notifies the policy's SNS topic on ALARM and OK.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "FinRpoAlarm", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FinRpoAlarm))]
    public sealed class SetFinRpoAlarmCommand : RecoveryPointCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy (from Import-FinBackupPolicy).")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Only these applications (default: every application with an RPO).</summary>
        [Parameter]
        [SupportsWildcards]
        [ApplicationCompleter]
        public string[] Application { get; set; }

        protected override void ProcessRecord()
        {
            var region = RegionFor(null, Policy); // -Region, else the policy's primary region, else the session's
            IList<RpoAlarmSpec> specs = null;
            try
            {
                specs = RpoAlarmPlanner.Plan(Policy);
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, Policy);
            }
            if (Application != null && Application.Length > 0)
            {
                var selected = ApplicationFilter.Select(Policy, Application, WriteFinError).Select(a => a.Name).ToList();
                if (selected.Count == 0) return;
                specs = specs.Where(s => selected.Contains(s.Application, StringComparer.OrdinalIgnoreCase)).ToList();
            }
            var gateway = Session.Get<IAlarmGateway>(region);
            try
            {
                if (!gateway.TopicExists(Policy.Alarms.SnsTopicArn, CancellationToken))
                    ThrowFinError(new FinBackupException("FinAlarmTopicNotFound", FinErrorKind.ObjectNotFound,
                        $"The SNS topic '{Policy.Alarms.SnsTopicArn}' (Alarms.SnsTopicArn in policy '{Policy}') does not exist in {region}.",
                        "Create it (aws sns create-topic --name <name>) or fix Alarms.SnsTopicArn in the policy."), Policy);
            }
            catch (FinBackupException ex)
            {
                ThrowFinError(ex, Policy);
            }
            foreach (var spec in specs)
            {
                if (CancellationToken.IsCancellationRequested) return;
                spec.Region = region;
                var result = new FinRpoAlarm
                {
                    AlarmName = spec.AlarmName,
                    Application = spec.Application,
                    Region = region,
                    MetricName = spec.MetricName,
                    Rpo = spec.Rpo,
                    ThresholdSeconds = spec.Threshold,
                    PeriodSeconds = spec.PeriodSeconds,
                    TreatMissingData = spec.TreatMissingData,
                    SnsTopicArn = Policy.Alarms.SnsTopicArn,
                };
                try
                {
                    var existing = gateway.Find(spec.AlarmName, CancellationToken);
                    if (RpoAlarmPlanner.Matches(spec, existing)) result.Action = "Unchanged";
                    else if (ShouldProcess($"CloudWatch alarm {spec.AlarmName} ({region})",
                                 $"{(existing == null ? "Create" : "Update")} alarm: {spec.MetricName} > {spec.Threshold:0} s or missing, notify {Policy.Alarms.SnsTopicArn}"))
                    {
                        gateway.Put(spec, CancellationToken);
                        result.Action = existing == null ? "Created" : "Updated";
                        AuditConfigurationChange(Policy, "RpoAlarm", spec.AlarmName, result.Action, spec.Application, region,
                            new Dictionary<string, string> { ["metric"] = spec.MetricName, ["thresholdSeconds"] = spec.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    }
                    else result.Action = "Skipped";
                    WriteObject(result);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, spec.AlarmName);
                }
            }
        }
    }
}
