using System.Management.Automation;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Policy;

/// <summary>Import-FinBackupPolicy and Test-FinBackupPolicy as an admin runs them, in the hosted engine with the built module.</summary>
public sealed class PolicyCmdletTests : IDisposable
{
    private static readonly string Examples = Path.Combine(RepoPaths.Root, "examples");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "finpolicy-" + Guid.NewGuid().ToString("N"));

    public PolicyCmdletTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static IEnumerable<PSObject> Findings(ScriptResult r) =>
        r.Output.Where(o => o.BaseObject.GetType().Name == "PolicyFinding");

    private static string P(PSObject o, string name) => o.Properties[name].Value?.ToString() ?? "";

    private const string MinimalApp = "@{ Name = 'A'; Frequency = '1h'; Retention = '12h'; Rpo = '1h'; Rto = '2h'; RecoveryPoints = @('EbsSnapshotSet'); RestoreApprovers = @('ops'); DeclaredVolumes = 1 }";

    private static string Policy(string apps, string extra = "") => $@"@{{
    Name          = 'finco'
    PrimaryRegion = 'us-east-1'
    DrRegion      = 'us-west-2'
    KmsKeys       = @{{ 'us-east-1' = 'alias/fin-backup'; 'us-west-2' = 'alias/fin-backup' }}
    {extra}
    Applications  = @(
        {apps}
    )
}}";

    [Fact]
    public void The_shipped_example_imports_and_its_findings_include_both_inconsistencies()
    {
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{Examples}/finco.policy.psd1' | Test-FinBackupPolicy");
        Assert.Null(r.Terminating);
        var findings = Findings(r).ToList();

        var vendor = Assert.Single(findings, f => P(f, "Rule") == "FrequencyMeetsRpo");
        Assert.Equal("Vendor Assistance Management", P(vendor, "Application"));
        Assert.Equal("Error", P(vendor, "Severity"));
        Assert.Matches(@"^finco\.policy\.psd1 line \d+$", P(vendor, "Location"));

        var customer = Assert.Single(findings, f => P(f, "Rule") == "RpoDefined");
        Assert.Equal("Customer Assistance Management", P(customer, "Application"));
        Assert.Equal("Error", P(customer, "Severity"));

        // AWS Backup cannot keep the RDS recovery points for 12 hours; hourly AWS Backup + hourly snapshots break the RDS quota.
        Assert.Equal(3, findings.Count(f => P(f, "Rule") == "AwsBackupMinimumRetention"));
        Assert.Equal(2, findings.Count(f => P(f, "Rule") == "ManualRdsSnapshotQuota" && P(f, "Severity") == "Error"));

        var failed = Assert.Single(r.Errors);
        Assert.Equal("FinPolicyInvalid,FinBackup.Cmdlets.TestFinBackupPolicyCommand", failed.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, failed.CategoryInfo.Category);
        Assert.Contains("7 error(s)", failed.Exception.Message);
    }

    [Fact]
    public void The_recommended_policy_has_no_errors_or_warnings_even_with_Strict()
    {
        using var host = new ModuleHost();
        var r = host.Run($"Test-FinBackupPolicy -Path '{Examples}/finco.recommended.policy.psd1' -Strict");
        Assert.Empty(r.Errors);
        var findings = Findings(r).ToList();
        Assert.All(findings, f => Assert.Equal("Info", P(f, "Severity")));
        Assert.All(findings, f => Assert.Equal("DrCopyFitsRpo", P(f, "Rule")));

        var quiet = host.Run($"Import-FinBackupPolicy '{Examples}/finco.recommended.policy.psd1' | Test-FinBackupPolicy -Strict -Quiet");
        Assert.Equal(true, quiet.Output.Single().BaseObject);
        Assert.Equal(false, host.Run($"Test-FinBackupPolicy '{Examples}/finco.policy.psd1' -Quiet").Output.Single().BaseObject);
    }

    [Fact]
    public void The_json_recommended_policy_reads_to_the_same_policy_as_the_psd1()
    {
        using var host = new ModuleHost();
        const string describe = "$_.Name + '|' + $_.Frequency + '|' + $_.Retention + '|' + $_.Rpo + '|' + $_.Rto + '|' + ($_.RecoveryPoints -join ',') + '|' + $_.BackupPlanFrequency + '|' + $_.BackupPlanRetention + '|' + (($_.FileSets | ForEach-Object { $_.Name + ':' + $_.Frequency + ':' + ($_.Paths -join ';') }) -join ',') + '|' + $_.CopyToDrRegion + '|' + ($_.RestoreApprovers -join ',') + '|' + $_.DeclaredDataGiB";
        var psd1 = host.Run($"(Import-FinBackupPolicy '{Examples}/finco.recommended.policy.psd1').Applications | ForEach-Object {{ {describe} }}");
        var json = host.Run($"(Import-FinBackupPolicy '{Examples}/finco.recommended.policy.json').Applications | ForEach-Object {{ {describe} }}");
        Assert.Empty(psd1.Errors);
        Assert.Empty(json.Errors);
        Assert.Equal(5, psd1.Output.Count);
        Assert.Equal(psd1.Output.Select(o => o.ToString()), json.Output.Select(o => o.ToString()));
        Assert.Equal(0, host.Run($"@(Test-FinBackupPolicy '{Examples}/finco.recommended.policy.json' -Strict | Where-Object Severity -ne 'Info').Count").Output.Single().BaseObject);
    }

    [Fact]
    public void A_bad_field_is_an_error_naming_file_line_and_field_and_nothing_is_returned()
    {
        var path = Write("finco.policy.psd1", Policy(MinimalApp + "\n        @{ Name = 'B'; Frequency = '1h'; Retention = '12x'; Rpo = '1h'; Rto = '2h'; RecoveryPoints = 'EbsSnapshotSet' }"));
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{path}'");
        Assert.Empty(r.Output);
        var e = Assert.Single(r.Errors);
        Assert.Equal("FinPolicyFieldInvalid,FinBackup.Cmdlets.ImportFinBackupPolicyCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
        Assert.Equal("finco.policy.psd1 line 9: Applications[1].Retention: \"12x\" is not a duration; use 45m, 1h, 12h, 2d or ISO 8601 such as PT45M", e.Exception.Message);
        Assert.Equal(path, e.TargetObject);
        Assert.Contains("45m", e.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Unknown_keys_warn_with_did_you_mean_and_the_policy_is_still_returned()
    {
        var path = Write("p.psd1", Policy(MinimalApp.Replace("Retention", "Retension")));
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{path}'");
        Assert.Empty(r.Errors);
        Assert.Single(r.Output);
        var w = Assert.Single(r.Warnings);
        Assert.Contains("p.psd1 line 8: Applications[0].Retension: unknown key 'Retension' is ignored; did you mean 'Retention'?", w);
    }

    [Fact]
    public void Every_read_error_is_reported()
    {
        var path = Write("p.psd1", Policy(
            "@{ Name = 'A'; Frequency = '0m' }\n        @{ Name = 'a'; Rto = -5; CopyToDrRegion = 'yes' }",
            "TagKey = 'fin:application'\n    DrRegon = 'us-west-2'\n    Buckets = @{ 'us-est-1' = 'b' }"));
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{path}'");
        var messages = r.Errors.Select(e => e.Exception.Message).ToList();
        Assert.Contains(messages, m => m.Contains("Buckets['us-est-1']: \"us-est-1\" is not an AWS region; did you mean 'us-east-1'?"));
        Assert.Contains(messages, m => m.Contains("Applications[0].Frequency: \"0m\" is zero"));
        Assert.Contains(messages, m => m.Contains("Applications[1].Rto: the number -5 is not a positive duration"));
        Assert.Contains(messages, m => m.Contains("Applications[1].CopyToDrRegion: expected $true or $false"));
        Assert.Contains(messages, m => m.Contains("Applications[1].Name: the application name \"a\" is already used at line 10"));
        Assert.Equal(5, messages.Count);
        Assert.Contains(r.Warnings, w => w.Contains("did you mean 'DrRegion'?"));
    }

    [Fact]
    public void A_psd1_is_never_run_and_expressions_are_refused_with_their_line()
    {
        var marker = Path.Combine(_dir, "ran.txt");
        var path = Write("evil.psd1", Policy(MinimalApp, $"Description = \"$([System.IO.File]::WriteAllText('{marker}', 'ran'))\"\n    BackupVaultName = (Get-Date)"));
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{path}'");
        Assert.False(File.Exists(marker), "the policy file was executed");
        Assert.Empty(r.Output);
        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e => Assert.Equal("FinPolicySyntaxError,FinBackup.Cmdlets.ImportFinBackupPolicyCommand", e.FullyQualifiedErrorId));
        Assert.All(r.Errors, e => Assert.Equal(ErrorCategory.ParserError, e.CategoryInfo.Category));
        Assert.StartsWith("evil.psd1 line 6: Description: ", r.Errors[0].Exception.Message);
        Assert.Contains("would need running the file", r.Errors[0].Exception.Message);
        Assert.StartsWith("evil.psd1 line 7: BackupVaultName: '(Get-Date)' is not a literal value", r.Errors[1].Exception.Message);
    }

    [Fact]
    public void A_file_that_does_not_parse_names_the_line()
    {
        var path = Write("broken.psd1", "@{\n    Name = 'finco'\n    PrimaryRegion = 'us-east-1\n}\n");
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{path}'");
        var e = r.Errors.First();
        Assert.Equal("FinPolicySyntaxError,FinBackup.Cmdlets.ImportFinBackupPolicyCommand", e.FullyQualifiedErrorId);
        Assert.Matches(@"^broken\.psd1 line \d: PowerShell cannot parse this", e.Exception.Message);
    }

    [Fact]
    public void A_missing_file_is_ObjectNotFound_with_the_path()
    {
        var path = Path.Combine(_dir, "nope.psd1");
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{path}'");
        var e = Assert.Single(r.Errors);
        Assert.Equal("FinPolicyFileNotFound,FinBackup.Cmdlets.ImportFinBackupPolicyCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        Assert.Contains(path, e.Exception.Message);
        Assert.Null(r.Terminating);

        var t = host.Run($"Test-FinBackupPolicy '{path}'");
        Assert.Equal("FinPolicyFileNotFound,FinBackup.Cmdlets.TestFinBackupPolicyCommand", Assert.Single(t.Errors).FullyQualifiedErrorId);
        var quiet = host.Run($"Test-FinBackupPolicy '{path}' -Quiet");
        Assert.Empty(quiet.Errors);
        Assert.Equal(false, quiet.Output.Single().BaseObject);
    }

    [Fact]
    public void Strict_turns_warnings_into_a_failure()
    {
        var path = Write("p.psd1", Policy(MinimalApp.Replace("RestoreApprovers = @('ops'); ", "")));
        using var host = new ModuleHost();
        var lax = host.Run($"Test-FinBackupPolicy '{path}'");
        Assert.Empty(lax.Errors);
        Assert.Contains(Findings(lax), f => P(f, "Rule") == "RestoreApproversDefined" && P(f, "Severity") == "Warning");

        var strict = host.Run($"Test-FinBackupPolicy '{path}' -Strict");
        var e = Assert.Single(strict.Errors);
        Assert.Equal("FinPolicyInvalid,FinBackup.Cmdlets.TestFinBackupPolicyCommand", e.FullyQualifiedErrorId);
        Assert.Contains("1 warning(s) (-Strict)", e.Exception.Message);

        Assert.Equal(true, host.Run($"Test-FinBackupPolicy '{path}' -Quiet").Output.Single().BaseObject);
        Assert.Equal(false, host.Run($"Test-FinBackupPolicy '{path}' -Quiet -Strict").Output.Single().BaseObject);

        var stopped = host.Run($"Test-FinBackupPolicy '{path}' -Strict -ErrorAction Stop; 'not reached'");
        Assert.NotNull(stopped.Terminating);
        Assert.DoesNotContain(stopped.Output, o => o.ToString() == "not reached");
    }

    [Fact]
    public void Test_with_a_path_reports_read_problems_as_findings()
    {
        var path = Write("p.psd1", Policy(MinimalApp.Replace("'1h'; Rto", "'1x'; Rto")));
        using var host = new ModuleHost();
        var r = host.Run($"Test-FinBackupPolicy '{path}'");
        var f = Assert.Single(Findings(r));
        Assert.Equal("ValidDuration", P(f, "Rule"));
        Assert.Equal("A", P(f, "Application"));
        Assert.Equal("Applications[0].Rpo", P(f, "Field"));
        Assert.Equal("FinPolicyInvalid,FinBackup.Cmdlets.TestFinBackupPolicyCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Paths_bind_from_the_pipeline_by_FullName()
    {
        using var host = new ModuleHost();
        var r = host.Run($"[pscustomobject]@{{ FullName = '{Examples}/finco.recommended.policy.psd1' }}, [pscustomobject]@{{ FullName = '{Examples}/finco.policy.psd1' }} | Import-FinBackupPolicy | ForEach-Object {{ $_.Applications.Count }}");
        Assert.Empty(r.Errors);
        Assert.Equal(new object[] { 5, 5 }, r.Output.Select(o => o.BaseObject));

        var t = host.Run($"[pscustomobject]@{{ FullName = '{Examples}/finco.policy.psd1' }} | Test-FinBackupPolicy -Quiet");
        Assert.Equal(false, t.Output.Single().BaseObject);
    }

    [Fact]
    public void Relative_paths_resolve_from_the_current_location()
    {
        using var host = new ModuleHost();
        var r = host.Run($"$null = $ExecutionContext.SessionState.Path.SetLocation('{RepoPaths.Root}'); (Import-FinBackupPolicy ./examples/finco.policy.psd1).SourcePath");
        Assert.Empty(r.Errors);
        Assert.Equal(Path.Combine(Examples, "finco.policy.psd1"), r.Output.Single().ToString());
    }
}

public sealed class PolicyWildcardTests
{
    private static readonly string Examples = Path.Combine(RepoPaths.Root, "examples");

    [Fact]
    public void Wildcards_read_every_matching_file_and_a_wildcard_matching_nothing_is_an_error()
    {
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{Examples}/finco*.psd1' | ForEach-Object {{ [System.IO.Path]::GetFileName($_.SourcePath) }}");
        Assert.Empty(r.Errors);
        Assert.Equal(new[] { "finco.policy.psd1", "finco.recommended.policy.psd1" }, r.Output.Select(o => o.ToString()).OrderBy(s => s));

        var quiet = host.Run($"Test-FinBackupPolicy '{Examples}/finco.recommended.*' -Strict -Quiet");
        Assert.Equal(new object[] { true, true }, quiet.Output.Select(o => o.BaseObject));

        var none = host.Run($"Import-FinBackupPolicy '{Examples}/nothing*.psd1'");
        Assert.Equal("FinPolicyFileNotFound,FinBackup.Cmdlets.ImportFinBackupPolicyCommand", Assert.Single(none.Errors).FullyQualifiedErrorId);
        Assert.Equal(false, host.Run($"Test-FinBackupPolicy '{Examples}/nothing*.psd1' -Quiet").Output.Single().BaseObject);
    }
}

public sealed class PolicyReadWarningTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "finpolicy-" + Guid.NewGuid().ToString("N") + ".json");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Unknown_keys_fail_Strict_whether_the_policy_comes_by_path_or_through_the_pipeline()
    {
        File.WriteAllText(_path, """
        {
          "Name": "finco", "PrimaryRegion": "us-east-1", "DrRegion": "us-west-2",
          "KmsKeys": { "us-east-1": "alias/fin-backup", "us-west-2": "alias/fin-backup" },
          "Applications": [ { "Name": "A", "Frequency": "1h", "Retention": "12h", "Rpo": "1h", "Rto": "2h",
                              "RecoveryPoints": ["EbsSnapshotSet"], "RestoreApprovers": ["ops"], "DeclaredVolumes": 1, "Critcality": "High" } ]
        }
        """);
        using var host = new ModuleHost();
        var byPath = host.Run($"Test-FinBackupPolicy '{_path}' -Strict");
        var byPipe = host.Run($"Import-FinBackupPolicy '{_path}' -WarningAction SilentlyContinue | Test-FinBackupPolicy -Strict");
        foreach (var r in new[] { byPath, byPipe })
        {
            var f = Assert.Single(r.Output, o => o.Properties["Severity"].Value?.ToString() != "Info");
            Assert.Equal("KnownKey", f.Properties["Rule"].Value?.ToString());
            Assert.Contains("did you mean 'Criticality'?", f.Properties["Message"].Value?.ToString());
            Assert.Equal("FinPolicyInvalid,FinBackup.Cmdlets.TestFinBackupPolicyCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
        }
    }
}
