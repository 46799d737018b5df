using System.Diagnostics;
using System.Text.Json;
using FinBackup.Domain.Audit;
using FinBackup.Domain.Compliance;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using static FinBackup.Tests.Compliance.ComplianceHistory;

namespace FinBackup.Tests.Compliance;

/// <summary>The report's three formats carry the same rows; the HTML is self-contained and renders in headless Chromium.</summary>
public sealed class ComplianceReportTests
{
    private static ComplianceReport Report()
    {
        var h = new ComplianceHistory(RecoveryPointKindRequest.EbsSnapshotSet, RecoveryPointKindRequest.FileBackup);
        h.App.Name = "Agent <payment> & \"co\"";
        for (var t = Now.AddHours(-25); t < Now.AddHours(-11); t = t.AddHours(1))
        {
            if (t != Now.AddHours(-18)) h.Expired(t).Application = h.App.Name;
        }
        foreach (var p in h.Hourly(Now.AddHours(-11))) p.Application = h.App.Name;
        foreach (var p in h.Evidence.Points) p.Application = h.App.Name;
        h.Evidence.Buckets[Primary] = new BucketLockState { Bucket = "fin-backup-use1", ObjectLockEnabled = false };
        h.Evidence.Points[3].Encrypted = false;
        var findings = new ComplianceEvaluator().Evaluate(h.Evidence, h.Policy.Applications);
        return new ComplianceReport { Evidence = h.Evidence, Applications = h.Policy.Applications.ToList(), Findings = findings };
    }

    [Fact]
    public void Csv_and_Json_carry_the_same_rows_with_ISO_times_text_durations_and_enum_names()
    {
        var report = Report();
        var csv = ComplianceReportWriter.Write(report, ComplianceReportFormat.Csv);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", ComplianceReportWriter.Columns), lines[0]);
        Assert.Equal(report.Findings.Count + 1, lines.Length); // no field breaks a line: evidence is one field
        Assert.Contains(",NonCompliant,", csv);
        Assert.Contains("\"Agent <payment> & \"\"co\"\"\"", csv);
        Assert.Contains(",2026-11-30T12:00:00Z,2026-12-01T12:00:00Z,2026-12-01T12:00:00Z", csv);

        using var json = JsonDocument.Parse(ComplianceReportWriter.Write(report, ComplianceReportFormat.Json));
        var rows = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(report.Findings.Count, rows.Count);
        Assert.Equal("2026-12-01T12:00:00Z", json.RootElement.GetProperty("generatedAt").GetString());
        for (var i = 0; i < rows.Count; i++)
        {
            var f = report.Findings[i];
            Assert.Equal(f.Status.ToString(), rows[i].GetProperty("Status").GetString());
            Assert.Equal(f.Measured, rows[i].GetProperty("Measured").GetString());
            Assert.Equal(f.Evidence, rows[i].GetProperty("Evidence").GetString());
            Assert.Equal(ComplianceReportWriter.Columns, rows[i].EnumerateObject().Select(p => p.Name));
        }
        var rpo = rows.Single(r => r.GetProperty("Control").GetString() == "AchievedRpo" && r.GetProperty("Region").GetString() == Primary);
        Assert.Contains("largest gap 2h", rpo.GetProperty("Evidence").GetString());
    }

    [Fact]
    public void Csv_keeps_a_cell_that_starts_like_a_formula_as_text()
    {
        var f = new FinComplianceFinding { Application = "=HYPERLINK(\"x\")", Control = "AchievedRpo", Status = ComplianceStatus.Unknown, Measured = "+1h" };
        var csv = ComplianceReportWriter.Csv(new[] { f });
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", csv);
        Assert.Contains(",'+1h,", csv);
    }

    [Fact]
    public void Html_is_one_self_contained_page_with_summary_charts_findings_and_evidence()
    {
        var report = Report();
        var html = ComplianceReportWriter.Write(report, ComplianceReportFormat.Html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        // The only URL is the SVG namespace name, which nothing fetches.
        Assert.Equal(new[] { "http://www.w3.org/2000/svg" }, System.Text.RegularExpressions.Regex.Matches(html, "https?://[^\"' <]+").Select(m => m.Value).Distinct());
        foreach (var id in new[] { "summary", "charts", "findings", "evidence" }) Assert.Contains($"<section id=\"{id}\">", html);
        Assert.Contains("@page", html);
        Assert.Contains("@media print", html);
        Assert.Contains("Agent &lt;payment&gt; &amp; &quot;co&quot;", html);
        Assert.DoesNotContain("Agent <payment>", html);
        // One row per finding, one evidence entry per finding, one chart with both regions, the RPO line and the points.
        Assert.Equal(report.Findings.Count, System.Text.RegularExpressions.Regex.Matches(html, "<li id=\"e\\d+\">").Count);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<svg "));
        Assert.Contains("class=\"rpo\"", html);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "class=\"exposure\"").Count);
        Assert.Contains("(deleted)</title>", html); // points known from the trail are drawn too
        Assert.Contains("us-west-2 (DR)", html);
        // the summary counts use the findings' own status words (not OK/Failed, which an auditor would read differently)
        Assert.Contains("<th>Compliant</th><th>Non-compliant</th><th>Unknown</th>", html);
        Assert.DoesNotContain("<th>OK</th>", html);
    }

    [Fact]
    public void Html_renders_in_headless_Chromium_to_a_screenshot_and_an_A4_PDF_without_console_errors()
    {
        var chromium = Chromium.Find();
        var dir = Directory.CreateTempSubdirectory("fin-compliance-html-");
        try
        {
            var page = Path.Combine(dir.FullName, "report.html");
            File.WriteAllText(page, ComplianceReportWriter.Write(Report(), ComplianceReportFormat.Html));
            var png = Path.Combine(dir.FullName, "report.png");
            var shot = Chromium.Run(chromium, dir.FullName, $"--screenshot={png}", "--window-size=1240,1754", new Uri(page).AbsoluteUri);
            Assert.True(File.Exists(png), "Chromium wrote no screenshot: " + shot.StdErr);
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes.Take(4));
            Assert.True(bytes.Length > 20_000, $"screenshot is only {bytes.Length} bytes: the page did not render");
            Assert.Empty(Chromium.ConsoleErrors(shot.StdErr));

            var dom = Chromium.Run(chromium, dir.FullName, "--dump-dom", new Uri(page).AbsoluteUri);
            foreach (var id in new[] { "title", "summary", "charts", "findings", "evidence" }) Assert.Contains($"id=\"{id}\"", dom.StdOut);
            Assert.Contains("<svg", dom.StdOut);
            Assert.Empty(Chromium.ConsoleErrors(dom.StdErr));

            var pdf = Path.Combine(dir.FullName, "report.pdf");
            Chromium.Run(chromium, dir.FullName, $"--print-to-pdf={pdf}", "--no-pdf-header-footer", new Uri(page).AbsoluteUri);
            Assert.True(File.Exists(pdf) && new FileInfo(pdf).Length > 5_000, "Chromium could not print the report to PDF");
            Assert.StartsWith("%PDF", File.ReadAllText(pdf)[..4]);
        }
        finally
        {
            try { dir.Delete(true); } catch (IOException) { }
        }
    }
}

/// <summary>Headless Chromium (Debian package chromium, /usr/bin/chromium) as an independent renderer.</summary>
internal static class Chromium
{
    public static string Find()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("FIN_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate)) return candidate;
        }
        Assert.Fail("Headless Chromium is required to check the HTML compliance report and was not found (/usr/bin/chromium). " +
                    "Install it: apt-get install -y chromium (or set FIN_CHROMIUM to a Chromium/Chrome binary). .ci/run installs it.");
        return null!;
    }

    public static (string StdOut, string StdErr) Run(string chromium, string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
                     "--enable-logging=stderr", "--v=0", $"--user-data-dir={Path.Combine(workDir, "profile")}", "--virtual-time-budget=5000" }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            Assert.Fail("Chromium did not finish within 120 s: " + string.Join(' ', args));
        }
        return (stdout.Result, stderr.Result);
    }

    /// <summary>Console messages of the page (CSP violations, failed loads, script errors) as Chromium logs them to stderr.</summary>
    public static List<string> ConsoleErrors(string stderr) =>
        stderr.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal) || l.Contains("Content Security Policy", StringComparison.Ordinal)
                                      || l.Contains("net::ERR_", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal)).ToList();
}
