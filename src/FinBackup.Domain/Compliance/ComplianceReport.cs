using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Compliance
{
    public enum ComplianceReportFormat
    {
        Html,
        Csv,
        Json,
    }

    /// <summary>What a report is made of: the evidence read and the findings over it.</summary>
    public sealed class ComplianceReport
    {
        public ComplianceEvidence Evidence { get; set; }
        public IReadOnlyList<ApplicationPolicy> Applications { get; set; }
        public IReadOnlyList<FinComplianceFinding> Findings { get; set; }
    }

    /// <summary>
    /// Writes the report as text. CSV and JSON carry the same rows (one per finding) with plain values: times ISO 8601 UTC,
    /// durations as text, enums by name. HTML is one self-contained page (inline CSS and SVG, no script, no external asset)
    /// that prints on A4 and Letter.
    /// </summary>
    public static class ComplianceReportWriter
    {
        /// <summary>The columns of a row, in order (CSV header, JSON keys).</summary>
        public static readonly IReadOnlyList<string> Columns = new[]
        {
            "PolicyName", "Application", "Control", "Region", "Status", "Measured", "Target", "Evidence", "PointIds", "Advice", "PeriodStart", "PeriodEnd", "EvaluatedAt",
        };

        public static string Write(ComplianceReport report, ComplianceReportFormat format)
        {
            switch (format)
            {
                case ComplianceReportFormat.Csv: return Csv(report.Findings);
                case ComplianceReportFormat.Json: return Json(report);
                default: return Html(report);
            }
        }

        private static string[] Row(FinComplianceFinding f) => new[]
        {
            f.PolicyName, f.Application, f.Control, f.Region, f.Status.ToString(), f.Measured, f.Target, f.Evidence, f.PointIds, f.Advice,
            ComplianceText.Iso(f.PeriodStart), ComplianceText.Iso(f.PeriodEnd), ComplianceText.Iso(f.EvaluatedAt),
        };

        // ----- CSV (RFC 4180) -----

        public static string Csv(IEnumerable<FinComplianceFinding> findings)
        {
            var sb = new StringBuilder();
            sb.Append(string.Join(",", Columns)).Append("\r\n");
            foreach (var f in findings) sb.Append(string.Join(",", Row(f).Select(CsvField))).Append("\r\n");
            return sb.ToString();
        }

        private static string CsvField(string v)
        {
            if (string.IsNullOrEmpty(v)) return string.Empty;
            // A spreadsheet runs a cell starting with = + @ as a formula: keep it text.
            if ("=+@".IndexOf(v[0]) >= 0) v = "'" + v;
            return v.IndexOfAny(new[] { ',', '"', '\r', '\n' }) >= 0 ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
        }

        // ----- JSON -----

        public static string Json(ComplianceReport report)
        {
            var e = report.Evidence;
            var sb = new StringBuilder();
            sb.Append("{\n");
            sb.Append("  \"policy\": ").Append(JsonString(e.Policy?.Name)).Append(",\n");
            sb.Append("  \"generatedAt\": ").Append(JsonString(ComplianceText.Iso(e.Now))).Append(",\n");
            sb.Append("  \"periodStart\": ").Append(JsonString(ComplianceText.Iso(e.From))).Append(",\n");
            sb.Append("  \"periodEnd\": ").Append(JsonString(ComplianceText.Iso(e.To))).Append(",\n");
            sb.Append("  \"findings\": [");
            var first = true;
            foreach (var f in report.Findings)
            {
                sb.Append(first ? "\n" : ",\n");
                first = false;
                var row = Row(f);
                sb.Append("    {");
                for (int i = 0; i < Columns.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(JsonString(Columns[i])).Append(": ").Append(JsonString(row[i]));
                }
                sb.Append('}');
            }
            sb.Append(first ? "]\n" : "\n  ]\n");
            sb.Append("}\n");
            return sb.ToString();
        }

        private static string JsonString(string s)
        {
            if (s == null) return "null";
            var sb = new StringBuilder("\"");
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            return sb.Append('"').ToString();
        }

        // ----- HTML -----

        private const string Css = @"
@page { size: auto; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 'DejaVu Sans', Arial, Helvetica, sans-serif; color: #1b1f24; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #8c959f; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 5mm 0 1mm; }
p.meta { margin: 0 0 1mm; color: #424a53; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { border: 1px solid #afb8c1; padding: 1mm 1.5mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eaeef2; }
thead { display: table-header-group; }
tr, .chart, .app { break-inside: avoid; page-break-inside: avoid; }
td.n { text-align: right; white-space: nowrap; }
table.summary th { white-space: nowrap; font-size: 9pt; }
.s-Compliant { color: #116329; font-weight: bold; }
.s-NonCompliant { color: #a40e26; font-weight: bold; }
.s-Unknown { color: #7d4e00; font-weight: bold; }
table.findings td, table.findings th { font-size: 8.5pt; }
ol.evidence { padding-left: 6mm; font-size: 8.5pt; }
ol.evidence li { margin-bottom: 1.5mm; break-inside: avoid; }
ol.evidence ul { padding-left: 5mm; margin: 0.5mm 0 0; }
svg { width: 100%; height: auto; display: block; }
.legend { font-size: 8pt; color: #424a53; margin: 0 0 2mm; }
@media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; page-break-after: avoid; } a { color: inherit; text-decoration: none; } }
";

        public static string Html(ComplianceReport report)
        {
            var e = report.Evidence;
            var findings = report.Findings;
            var apps = report.Applications ?? e.Policy.Applications.ToList();
            var sb = new StringBuilder();
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
            sb.Append("<title>FinBackup compliance report - ").Append(H(e.Policy.Name)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
            sb.Append("<h1 id=\"title\">Backup compliance report: ").Append(H(e.Policy.Name)).Append("</h1>\n");
            sb.Append("<p class=\"meta\">Period ").Append(H(ComplianceText.Iso(e.From))).Append(" to ").Append(H(ComplianceText.Iso(e.To)))
              .Append(" (UTC). Generated ").Append(H(ComplianceText.Iso(e.Now))).Append(" by FinBackup Test-FinCompliance.</p>\n");
            sb.Append("<p class=\"meta\">Regions: primary ").Append(H(e.Policy.PrimaryRegion)).Append(", DR ").Append(H(e.Policy.DrRegion ?? "none"))
              .Append(". Vault ").Append(H(e.Policy.BackupVaultName ?? "none")).Append(". Controls: ").Append(ComplianceControls.All.Count).Append(". Findings: ").Append(findings.Count).Append(".</p>\n");
            var sources = new List<string>();
            if (e.AuditUnavailable != null) sources.Add("audit trail: " + e.AuditUnavailable);
            if (e.DrillsUnavailable != null) sources.Add("drill records: " + e.DrillsUnavailable);
            foreach (var kv in e.PointsUnavailable) sources.Add("recovery points in " + kv.Key + ": " + kv.Value);
            if (sources.Count > 0)
            {
                sb.Append("<p class=\"meta\"><b>Evidence not available</b> (the controls that need it are Unknown): ").Append(H(string.Join("; ", sources))).Append(".</p>\n");
            }

            // Summary per application.
            sb.Append("<section id=\"summary\">\n<h2>Summary per application</h2>\n<table class=\"summary\">\n<thead><tr><th>Application</th><th>RPO</th><th>RTO</th><th>Retention</th>")
              .Append("<th>Compliant</th><th>Non-compliant</th><th>Unknown</th><th>Non-compliant controls</th></tr></thead>\n<tbody>\n");
            foreach (var app in apps)
            {
                var mine = findings.Where(f => f.Application == app.Name).ToList();
                int C(ComplianceStatus s) => mine.Count(f => f.Status == s);
                var failing = mine.Where(f => f.Status == ComplianceStatus.NonCompliant).Select(f => f.Control).Distinct().ToList();
                sb.Append("<tr><td>").Append(H(app.Name)).Append("</td><td>").Append(H(Duration.Format(app.Rpo) ?? "-")).Append("</td><td>").Append(H(Duration.Format(app.Rto) ?? "-"))
                  .Append("</td><td>").Append(H(Duration.Format(app.Retention) ?? "-")).Append("</td><td class=\"n s-Compliant\">").Append(C(ComplianceStatus.Compliant))
                  .Append("</td><td class=\"n s-NonCompliant\">").Append(C(ComplianceStatus.NonCompliant)).Append("</td><td class=\"n s-Unknown\">").Append(C(ComplianceStatus.Unknown))
                  .Append("</td><td>").Append(H(failing.Count == 0 ? "none" : string.Join(", ", failing))).Append("</td></tr>\n");
            }
            sb.Append("</tbody>\n</table>\n</section>\n");

            // Charts.
            sb.Append("<section id=\"charts\">\n<h2>Recovery points over time</h2>\n");
            sb.Append("<p class=\"legend\">Each chart: time since the newest point (of the kind furthest behind) in each region, against the RPO (dashed red); a kind with no point at all is not drawn (see LastRecoveryPointCreated). ")
              .Append("Marks below: one per recovery point, filled when held now, hollow when known from the audit trail as deleted.</p>\n");
            foreach (var app in apps)
            {
                sb.Append("<div class=\"chart app\">\n<h3>").Append(H(app.Name)).Append("</h3>\n");
                sb.Append(ComplianceChart.Svg(e, app, ComplianceTimeline.Build(e, app)));
                sb.Append("</div>\n");
            }
            sb.Append("</section>\n");

            // Findings table.
            sb.Append("<section id=\"findings\">\n<h2>Findings</h2>\n<table class=\"findings\">\n<thead><tr><th>#</th><th>Application</th><th>Control</th><th>Region</th><th>Status</th>")
              .Append("<th>Measured</th><th>Target</th><th>Advice</th></tr></thead>\n<tbody>\n");
            for (int i = 0; i < findings.Count; i++)
            {
                var f = findings[i];
                sb.Append("<tr><td class=\"n\"><a href=\"#e").Append(i + 1).Append("\">").Append(i + 1).Append("</a></td><td>").Append(H(f.Application)).Append("</td><td>").Append(H(f.Control))
                  .Append("</td><td>").Append(H(f.Region ?? "-")).Append("</td><td class=\"s-").Append(f.Status).Append("\">").Append(f.Status).Append("</td><td>").Append(H(f.Measured))
                  .Append("</td><td>").Append(H(f.Target)).Append("</td><td>").Append(H(f.Advice)).Append("</td></tr>\n");
            }
            sb.Append("</tbody>\n</table>\n</section>\n");

            // Evidence list.
            sb.Append("<section id=\"evidence\">\n<h2>Evidence</h2>\n<ol class=\"evidence\">\n");
            for (int i = 0; i < findings.Count; i++)
            {
                var f = findings[i];
                sb.Append("<li id=\"e").Append(i + 1).Append("\"><b>").Append(H(f.Application)).Append(" / ").Append(H(f.Control)).Append(f.Region != null ? " / " + H(f.Region) : string.Empty)
                  .Append("</b>: <span class=\"s-").Append(f.Status).Append("\">").Append(f.Status).Append("</span>");
                var items = string.IsNullOrEmpty(f.Evidence) ? new string[0] : f.Evidence.Split(new[] { "; " }, StringSplitOptions.RemoveEmptyEntries);
                if (items.Length == 0) sb.Append(" (no evidence items)");
                else
                {
                    sb.Append("<ul>");
                    foreach (var item in items) sb.Append("<li>").Append(H(item)).Append("</li>");
                    sb.Append("</ul>");
                }
                sb.Append("</li>\n");
            }
            sb.Append("</ol>\n</section>\n</body>\n</html>\n");
            return sb.ToString();
        }

        internal static string H(string s)
        {
            if (string.IsNullOrEmpty(s)) return string.Empty;
            var sb = new StringBuilder(s.Length + 16);
            foreach (var c in s)
            {
                switch (c)
                {
                    case '<': sb.Append("&lt;"); break;
                    case '>': sb.Append("&gt;"); break;
                    case '&': sb.Append("&amp;"); break;
                    case '"': sb.Append("&quot;"); break;
                    case '\'': sb.Append("&#39;"); break;
                    default: sb.Append(c); break;
                }
            }
            return sb.ToString();
        }
    }
}
