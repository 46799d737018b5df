using System.Management.Automation;
using System.Text.Json;
using FinBackup.PowerShell.Tests.RecoveryPoints;
using FinBackup.TestSupport;
using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;

namespace FinBackup.PowerShell.Tests.Compliance;

/// <summary>
/// Test-FinCompliance and Export-FinComplianceReport on the sandbox estate in moto, with the bank's recommended policy:
/// points taken and copied by the module, findings checked against what the AWS CLI sees.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ComplianceCmdletTests
{
    private readonly MotoServer _moto;
    private readonly AwsCli _aws;

    public ComplianceCmdletTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
        _aws = new AwsCli(moto.EndpointUrl);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
    }

    private static string PolicyPath => Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.psd1");

    private static string? S(PSObject o, string name) => o.Properties[name]?.Value?.ToString();

    private static PSObject One(IEnumerable<PSObject> findings, string app, string control, string? region) =>
        Assert.Single(findings, f => S(f, "Application") == app && S(f, "Control") == control && S(f, "Region") == region);

    private ModuleHost Sandbox()
    {
        var host = new ModuleHost();
        var start = host.Run($"Start-FinSandbox -EndpointUrl {_moto.EndpointUrl}");
        Assert.Empty(start.Errors);
        var points = host.Run($"$policy = Import-FinBackupPolicy '{PolicyPath}'; $policy | Get-FinResource | New-FinSnapshot -Wait | Copy-FinBackupToRegion -Wait");
        Assert.Null(points.Terminating);
        Assert.Empty(points.Errors);
        return host;
    }

    [Fact]
    public void Findings_on_the_sandbox_are_Compliant_NonCompliant_or_Unknown_with_evidence_that_matches_the_AWS_CLI()
    {
        using var host = Sandbox();
        var run = host.Run("Test-FinCompliance -Policy $policy -Verbose");
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var findings = run.Output;
        Assert.Equal(5 * 17, findings.Count); // 5 applications x (7 regional controls x 2 regions + 3)
        Assert.Contains(run.Progress, p => p.RecordType == ProgressRecordType.Completed);
        // The audit trail is read (the sandbox policy audits to its primary backup bucket): no "not available" reason.
        Assert.DoesNotContain(run.Verbose, v => v.StartsWith("Audit trail not available", StringComparison.Ordinal));

        // Fresh snapshot sets in both regions: the newest point now, within the 30-minute RPO (Vendor Assistance).
        var vendor = "Vendor Assistance Management";
        var last = One(findings, vendor, "LastRecoveryPointCreated", "us-east-1");
        Assert.Equal("Compliant", S(last, "Status"));
        var lastDr = One(findings, vendor, "LastRecoveryPointCreated", "us-west-2");
        Assert.Equal("Compliant", S(lastDr, "Status"));
        var drIds = S(lastDr, "PointIds")!.Split(", ");
        var cliDr = _aws.Json("ec2", "describe-snapshots", "--region", "us-west-2", "--filters", $"Name=tag:fin:application,Values={vendor}");
        var cliDrSets = cliDr.GetProperty("Snapshots").EnumerateArray()
            .SelectMany(s => s.GetProperty("Tags").EnumerateArray().Where(t => t.GetProperty("Key").GetString() == "fin:set-id").Select(t => t.GetProperty("Value").GetString())).ToHashSet();
        Assert.Contains(drIds, id => cliDrSets.Contains(id)); // the evidence names points that exist, as AWS lists them
        // Copies exist but none is due yet (every point is younger than the RPO): nothing to judge.
        var copy = One(findings, vendor, "CrossRegionCopy", "us-west-2");
        Assert.Equal("Unknown", S(copy, "Status"));
        Assert.Equal("0 points due", S(copy, "Measured"));

        // Encryption: the status is what the AWS CLI's view of the snapshots and images implies.
        foreach (var region in new[] { "us-east-1", "us-west-2" })
        {
            var keyArn = _aws.Json("kms", "describe-key", "--region", region, "--key-id", "alias/fin-backup").GetProperty("KeyMetadata").GetProperty("Arn").GetString()!;
            var keyId = keyArn[(keyArn.IndexOf(":key/", StringComparison.Ordinal) + 5)..];
            bool Ours(JsonElement e) => e.GetProperty("Encrypted").GetBoolean() && e.TryGetProperty("KmsKeyId", out var k)
                                        && k.GetString() is string kid && (kid == "alias/fin-backup" || kid == keyArn || kid == keyId);
            var snaps = _aws.Json("ec2", "describe-snapshots", "--region", region, "--filters", $"Name=tag:fin:application,Values={vendor}")
                .GetProperty("Snapshots").EnumerateArray().ToList();
            var images = _aws.Json("ec2", "describe-images", "--region", region, "--owners", "self", "--filters", $"Name=tag:fin:application,Values={vendor}")
                .GetProperty("Images").EnumerateArray().ToList();
            Assert.NotEmpty(snaps);
            Assert.NotEmpty(images);
            var imagesOk = images.All(i => i.GetProperty("BlockDeviceMappings").EnumerateArray().Where(b => b.TryGetProperty("Ebs", out _)).All(b => b.GetProperty("Ebs").TryGetProperty("Encrypted", out var en) && en.GetBoolean()));
            var expected = snaps.All(Ours) && imagesOk ? "Compliant" : "NonCompliant";
            Assert.Equal(expected, S(One(findings, vendor, "RecoveryPointEncrypted", region), "Status"));
        }

        // The sandbox's vault has no lock although the policy says VaultLock = $true.
        var vault = _aws.Json("backup", "describe-backup-vault", "--region", "us-east-1", "--backup-vault-name", "fin-backup-vault");
        Assert.False(vault.GetProperty("Locked").GetBoolean());
        var lockFinding = One(findings, "Cross-sell", "VaultLock", "us-east-1");
        Assert.Equal("NonCompliant", S(lockFinding, "Status"));
        Assert.Equal("not locked", S(lockFinding, "Measured"));
        Assert.Equal("Compliant", S(One(findings, vendor, "VaultLock", "us-east-1"), "Status")); // no AWS Backup points: not applicable

        // The backup bucket has no Object Lock: Agent payment's file backups are not WORM.
        var objectLock = One(findings, "Agent payment", "ObjectLock", "us-east-1");
        Assert.Equal("NonCompliant", S(objectLock, "Status"));
        var cli = Assert.Throws<InvalidOperationException>(() => _aws.Run("s3api", "get-object-lock-configuration", "--bucket", "fin-backup-use1"));
        Assert.Contains("ObjectLockConfigurationNotFoundError", cli.Message);

        // The audit trail is read (the sandbox audits to its primary bucket): the period's RPO is judged, not Unknown.
        var rpo = One(findings, vendor, "AchievedRpo", "us-east-1");
        Assert.NotEqual("Unknown", S(rpo, "Status"));
        // No drill has run on this sandbox yet: Unknown, with the advice to run one, never an error.
        var drill = One(findings, vendor, "RestoreTimeMeetsTarget", "us-west-2");
        Assert.Equal("Unknown", S(drill, "Status"));
        Assert.Contains("Start-FinRecoveryDrill", S(drill, "Advice"));
        // No restore in the period, and the trail says so: nothing unapproved.
        var approved = One(findings, "Cross-sell", "RestoreApproved", null);
        Assert.Equal("Compliant", S(approved, "Status"));
        Assert.Equal("0 of 0 approved", S(approved, "Measured"));

        // After the vault is locked from outside, the primary region's finding turns Compliant; the DR vault is still open.
        _aws.Run("backup", "put-backup-vault-lock-configuration", "--region", "us-east-1", "--backup-vault-name", "fin-backup-vault", "--min-retention-days", "1");
        var again = host.Run("Test-FinCompliance -Policy $policy -Application 'Cross-sell'");
        Assert.Empty(again.Errors);
        Assert.Equal(17, again.Output.Count);
        Assert.Equal("Compliant", S(One(again.Output, "Cross-sell", "VaultLock", "us-east-1"), "Status"));
        Assert.StartsWith("locked (min 1 d", S(One(again.Output, "Cross-sell", "VaultLock", "us-east-1"), "Measured"));
        Assert.Equal("NonCompliant", S(One(again.Output, "Cross-sell", "VaultLock", "us-west-2"), "Status"));

        // A period that ends in the future would count time that has not happened as a gap: refused.
        var future = host.Run($"Test-FinCompliance -Policy $policy -Application '{vendor}' -To ([DateTime]::UtcNow.AddHours(2))");
        var refused = Assert.Single(future.Errors);
        Assert.StartsWith("FinCompliancePeriodInvalid", refused.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, refused.CategoryInfo.Category);
        Assert.Empty(future.Output);

        // Every finding exports cleanly: plain values only (text, UTC times, the status by name).
        Assert.All(findings, f => Assert.All(f.Properties.Where(p => p.IsGettable), p =>
            Assert.True(p.Value is null || p.Value is string || p.Value is DateTime || p.Value.GetType().IsEnum, $"{p.Name} is {p.Value?.GetType()}")));
    }

    [Fact]
    public void Export_writes_Html_Csv_and_Json_with_the_same_rows_and_never_over_a_file_without_Force()
    {
        using var host = Sandbox();
        var dir = Directory.CreateTempSubdirectory("fin-compliance-export-");
        try
        {
            var html = Path.Combine(dir.FullName, "finco.html");
            var r = host.Run($"Export-FinComplianceReport -Policy $policy -Path '{html}'");
            Assert.Empty(r.Errors);
            Assert.Equal(html, ((FileInfo)r.Output.Single().BaseObject).FullName);
            var text = File.ReadAllText(html);
            Assert.Contains("<section id=\"charts\">", text);
            Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(text, "<svg ").Count);
            Assert.DoesNotContain("<script", text);

            var again = host.Run($"Export-FinComplianceReport -Policy $policy -Path '{html}' -Format Csv");
            var error = Assert.Single(again.Errors);
            Assert.StartsWith("FinComplianceReportExists", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
            Assert.Equal(text, File.ReadAllText(html));

            var whatIf = host.Run($"Export-FinComplianceReport -Policy $policy -Path '{Path.Combine(dir.FullName, "w.csv")}' -WhatIf");
            Assert.Empty(whatIf.Errors);
            Assert.False(File.Exists(Path.Combine(dir.FullName, "w.csv")));

            var csv = Path.Combine(dir.FullName, "finco.csv");
            var json = Path.Combine(dir.FullName, "finco.json");
            Assert.Empty(host.Run($"Export-FinComplianceReport -Policy $policy -Path '{csv}'").Errors);
            Assert.Empty(host.Run($"Export-FinComplianceReport -Policy $policy -Path '{json}' -Format Json").Errors);
            Assert.Empty(host.Run($"Export-FinComplianceReport -Policy $policy -Path '{html}' -Force").Errors);
            var rows = File.ReadAllLines(csv);
            Assert.Equal(5 * 17 + 1, rows.Length);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
            Assert.Equal(5 * 17, findings.Count);
            Assert.All(findings, f => Assert.Contains(f.GetProperty("Status").GetString(), new[] { "Compliant", "NonCompliant", "Unknown" }));
            Assert.All(findings, f => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", f.GetProperty("EvaluatedAt").GetString()));
            var csvStatuses = rows.Skip(1).Select(l => l.Split(',')[4]).ToList();
            Assert.Equal(findings.Select(f => f.GetProperty("Status").GetString()), csvStatuses);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
