using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using FinBackup.Domain;
using FinBackup.Domain.Compliance;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;

using FinBackup.Completion;

namespace FinBackup.Cmdlets
{
    /// <summary>Shared plumbing: reads the evidence once through the session's ports and evaluates every control.</summary>
    public abstract class FinComplianceCmdlet : FinDrCmdlet
    {
        protected const int ProgressId = 1;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The backup policy (Import-FinBackupPolicy ./policy.psd1).")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Applications to check (wildcards); default every application of the policy.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ApplicationCompleter]
        public string[] Application { get; set; }

        /// <summary>Start of the period (AchievedRpo, CrossRegionCopy, deletions, restores); default 24 hours before -To.</summary>
        [Parameter]
        public DateTime? From { get; set; }

        /// <summary>End of the period; default now.</summary>
        [Parameter]
        public DateTime? To { get; set; }

        protected abstract string Activity { get; }

        /// <summary>Null when the invocation cannot start (a terminating error was thrown) or was cancelled.</summary>
        protected ComplianceReport Evaluate()
        {
            RequirePrimaryRegion(Policy);
            var from = From?.ToUniversalTime();
            var to = To?.ToUniversalTime();
            if (from != null && to != null && from >= to)
            {
                Fail("FinCompliancePeriodInvalid", FinErrorKind.InvalidArgument, $"-From ({from:u}) is not before -To ({to:u}).",
                    "Give a period whose start is before its end, e.g. -From (Get-Date).AddDays(-7) -To (Get-Date).", Policy);
            }
            if (to != null && to > DateTime.UtcNow.AddMinutes(1))
            {
                Fail("FinCompliancePeriodInvalid", FinErrorKind.InvalidArgument, $"-To ({to:u}) is in the future; time that has not happened would count as a gap.",
                    "Leave -To out (it defaults to now) or give a time in the past.", Policy);
            }
            if (from != null && to == null && from >= DateTime.UtcNow)
            {
                Fail("FinCompliancePeriodInvalid", FinErrorKind.InvalidArgument, $"-From ({from:u}) is in the future.", "Give a -From in the past (or a -To after it).", Policy);
            }
            var apps = SelectApplications(Policy, Application);
            var session = Session;
            var collector = new ComplianceEvidenceCollector(new CompliancePorts
            {
                RecoveryPoints = r => session.Get<IRecoveryPointProviders>(r),
                AuditLog = r => session.Get<IAuditLog>(r),
                Drills = r => session.Get<IRecoveryDrillStore>(r),
                Vaults = r => session.Get<IBackupVaultLockReader>(r),
                Buckets = r => session.Get<IFileBackupStore>(r),
                Kms = r => session.Get<IKmsKeyCheck>(r),
            });
            var step = 0;
            collector.Progress = what => WriteFinProgress(ProgressId, Activity, "Reading evidence: " + what, Math.Min(90, step++ * 8), Policy.Name);
            try
            {
                var evidence = collector.Collect(Policy, apps, from, to, CancellationToken);
                if (evidence.AuditUnavailable != null) WriteVerbose("Audit trail not available: " + evidence.AuditUnavailable);
                if (evidence.DrillsUnavailable != null) WriteVerbose("Drill records not available: " + evidence.DrillsUnavailable);
                foreach (var kv in evidence.PointsUnavailable) WriteVerbose($"Recovery points in {kv.Key} not available: {kv.Value}");
                WriteFinProgress(ProgressId, Activity, "Evaluating controls", 95, Policy.Name);
                var findings = new ComplianceEvaluator().Evaluate(evidence, apps);
                WriteVerbose($"{apps.Count} application(s), {findings.Count} finding(s): {findings.Count(f => f.Status == ComplianceStatus.Compliant)} compliant, " +
                             $"{findings.Count(f => f.Status == ComplianceStatus.NonCompliant)} non-compliant, {findings.Count(f => f.Status == ComplianceStatus.Unknown)} unknown; " +
                             $"{evidence.Points.Count} point(s) read, period {evidence.From:u} to {evidence.To:u}.");
                return new ComplianceReport { Evidence = evidence, Applications = apps, Findings = findings };
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            finally
            {
                CompleteFinProgress(ProgressId, Activity);
            }
        }
    }

    /// <summary>
    /// Evaluates the compliance controls (after AWS Backup Audit Manager's) for each application of the policy over a period
    /// and emits one finding per application and control (per region for regional controls). Read-only.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "FinCompliance")]
    [OutputType(typeof(FinComplianceFinding))]
    public sealed class TestFinComplianceCommand : FinComplianceCmdlet
    {
        protected override string Activity => "Test compliance";

        protected override void ProcessRecord()
        {
            var report = Evaluate();
            if (report == null) return;
            foreach (var f in report.Findings) WriteObject(f);
        }
    }

    /// <summary>
    /// Writes the compliance findings as an auditor-ready report: HTML (one self-contained page with a summary, a chart per
    /// application, the findings and the evidence; prints on A4/Letter), CSV or JSON (the same rows, plain values).
    /// </summary>
    [Cmdlet(VerbsData.Export, "FinComplianceReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportFinComplianceReportCommand : FinComplianceCmdlet
    {
        /// <summary>The file to write.</summary>
        [Parameter(Mandatory = true, Position = 1, HelpMessage = "The file to write the report to (.html, .csv or .json).")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Html, Csv or Json; default from the file's extension (.html/.htm, .csv, .json), else Html.</summary>
        [Parameter]
        public ComplianceReportFormat? Format { get => (ComplianceReportFormat?)_format; set => _format = (int?)value; }
        // Stored as an int, not as the enum: a field of a FinBackup.Domain value type makes PowerShell's scan of the module's
        // exported types load FinBackup.Domain before the module can choose its precompiled image (tests: CmdletAssemblyLayoutTests).
        private int? _format;

        /// <summary>Replace an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override string Activity => "Export compliance report";

        protected override void ProcessRecord()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            var format = Format ?? FormatFromExtension(path);
            if (Directory.Exists(path))
            {
                ThrowFinError(new FinBackupException("FinComplianceReportPathIsDirectory", FinErrorKind.InvalidArgument,
                    $"{path} is a directory.", "Give a file path, e.g. -Path ./finco-compliance.html."), path);
                return;
            }
            if (File.Exists(path) && !Force)
            {
                WriteFinError(new FinBackupException("FinComplianceReportExists", FinErrorKind.ResourceExists,
                    $"{path} already exists; it was left as it is.", "Add -Force to replace it, or give another -Path."), path);
                return;
            }
            if (!ShouldProcess(path, $"Write the {format} compliance report of policy '{Policy.Name}'")) return;
            var report = Evaluate();
            if (report == null) return;
            var text = ComplianceReportWriter.Write(report, format);
            var temp = path + ".tmp-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            try
            {
                var dir = System.IO.Path.GetDirectoryName(path);
                if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
                File.WriteAllText(temp, text, new UTF8Encoding(false));
                if (File.Exists(path)) File.Delete(path);
                File.Move(temp, path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { }
                WriteFinError(new FinBackupException("FinComplianceReportWriteFailed", FinErrorKind.WriteError,
                    $"Could not write {path}: {ex.Message}", "Check that the directory exists and is writable, and that the file is not open elsewhere.", ex), path);
                return;
            }
            WriteVerbose($"Wrote {report.Findings.Count} finding(s) to {path} ({format}).");
            WriteObject(new FileInfo(path));
        }

        internal static ComplianceReportFormat FormatFromExtension(string path)
        {
            switch (System.IO.Path.GetExtension(path ?? string.Empty).ToLowerInvariant())
            {
                case ".csv": return ComplianceReportFormat.Csv;
                case ".json": return ComplianceReportFormat.Json;
                default: return ComplianceReportFormat.Html;
            }
        }
    }
}
