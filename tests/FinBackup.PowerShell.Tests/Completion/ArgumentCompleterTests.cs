using System.Management.Automation;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Completion;

/// <summary>What TabExpansion2 offers at the prompt, per completer, in the hosted engine with the built module.</summary>
public sealed class ArgumentCompleterTests
{
    internal static string PolicyPath => Path.Combine(RepoPaths.Root, "examples", "finco.policy.psd1");

    /// <summary>The completion texts TabExpansion2 offers with the cursor at the end of <paramref name="line"/>.</summary>
    internal static string[] Complete(ModuleHost host, string line)
    {
        var r = host.Run($"(TabExpansion2 -inputScript '{line.Replace("'", "''")}' -cursorColumn {line.Length}).CompletionMatches | ForEach-Object CompletionText");
        Assert.Null(r.Terminating);
        return r.Output.Select(o => o.ToString()).ToArray();
    }

    [Fact]
    public void Region_completes_the_known_regions_on_every_region_parameter()
    {
        using var host = new ModuleHost();
        Assert.Equal(new[] { "us-west-1", "us-west-2" }, Complete(host, "Get-FinRecoveryPoint -Region us-we"));
        Assert.Equal(new[] { "us-west-1", "us-west-2" }, Complete(host, "New-FinSnapshot -ResourceId i-1 -Region us-we"));
        Assert.Equal(new[] { "eu-central-1", "eu-central-2" }, Complete(host, "Copy-FinBackupToRegion -DestinationRegion eu-cent"));
        Assert.Equal(new[] { "eu-central-1", "eu-central-2" }, Complete(host, "Set-FinBucketReplication -DestinationRegion eu-cent"));
        Assert.Contains("us-gov-west-1", Complete(host, "Set-FinDefault -Region us-gov"));
        Assert.Empty(Complete(host, "Get-FinResource -Region xx-"));
    }

    [Fact]
    public void Region_offers_the_bound_policys_regions_first()
    {
        using var host = new ModuleHost();
        host.Run($"$p = Import-FinBackupPolicy '{PolicyPath}'");
        var all = Complete(host, "Get-FinRecoveryPoint -Policy $p -Region ");
        Assert.Equal(new[] { "us-east-1", "us-west-2" }, all.Take(2).ToArray());
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    [Fact]
    public void Application_completes_the_bound_policys_applications_quoted_when_they_have_spaces()
    {
        using var host = new ModuleHost();
        host.Run($"$p = Import-FinBackupPolicy '{PolicyPath}'");
        Assert.Equal(new[] { "'Agent payment'" }, Complete(host, "Get-FinResource -Policy $p -Application ag"));
        Assert.Equal(new[] { "Cross-sell", "'Inventory Management System'", "'Agent payment'", "'Customer Assistance Management'", "'Vendor Assistance Management'" },
            Complete(host, "Remove-FinExpiredBackup -Policy $p -Application "));
        Assert.Equal(new[] { "'Inventory Management System'" }, Complete(host, "Get-FinRecoveryPoint -Policy $p -Application 'inv"));
        Assert.Equal(new[] { "'Agent payment'" }, Complete(host, "Set-FinBackupPlan -Policy $p -Application *pay"));
    }

    [Fact]
    public void Audit_action_completes_the_recorded_action_names_and_their_families()
    {
        using var host = new ModuleHost();
        Assert.Equal(new[] { "Restore.Planned", "Restore.Approved", "Restore.Started", "Restore.Completed", "Restore.ResourceRemoved", "Restore.*" },
            Complete(host, "Get-FinAuditEvent -Action Restore."));
        Assert.Equal(new[] { "Failover.Step", "Failover.*" }, Complete(host, "Get-FinAuditEvent -Action fail"));
    }

    [Fact]
    public void Without_a_policy_and_before_any_result_the_id_and_application_completers_offer_nothing_not_file_names()
    {
        using var host = new ModuleHost();
        Assert.Empty(Complete(host, "Get-FinRecoveryPoint -Application "));
        Assert.Empty(Complete(host, "New-FinSnapshot -ResourceId "));
        Assert.Empty(Complete(host, "Invoke-FinRestore -RecoveryPointId "));
    }

    [Fact]
    public void Every_parameter_with_a_completed_name_has_its_completer_on_every_cmdlet()
    {
        using var host = new ModuleHost();
        var r = host.Run("""
            $expected = @{
                Application = 'ApplicationCompleter'; Region = 'RegionCompleter'; DestinationRegion = 'RegionCompleter'; TargetRegion = 'RegionCompleter'
                ProfileName = 'ProfileNameCompleter'; RecoveryPointId = 'RecoveryPointIdCompleter'; ResourceId = 'ResourceIdCompleter'
            }
            $count = 0
            foreach ($command in Get-Command -Module FinBackup -CommandType Cmdlet) {
                foreach ($parameter in $command.Parameters.Values) {
                    if (-not $expected.ContainsKey($parameter.Name)) { continue }
                    $count++
                    $completer = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] } | ForEach-Object { $_.Type.Name }
                    if ($completer -ne $expected[$parameter.Name]) { "$($command.Name) -$($parameter.Name): '$completer'" }
                }
            }
            "checked $count"
            """);
        Assert.Null(r.Terminating);
        var lines = r.Output.Select(o => o.ToString()).ToList();
        Assert.Single(lines, l => l.StartsWith("checked ", StringComparison.Ordinal));
        Assert.True(int.Parse(lines.Last().Substring(8)) > 40, lines.Last());
        Assert.Equal(new[] { lines.Last() }, lines);
    }
}

/// <summary>The environment variables are process-wide, so these run alone (after the parallel collections).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ProfileNameCompleterTests
{
    [Fact]
    public void ProfileName_completes_the_profiles_of_AWS_CONFIG_FILE_and_AWS_SHARED_CREDENTIALS_FILE_not_sso_sessions()
    {
        var dir = Directory.CreateTempSubdirectory("fin-profiles-").FullName;
        var savedConfig = Environment.GetEnvironmentVariable("AWS_CONFIG_FILE");
        var savedCredentials = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
        try
        {
            var config = Path.Combine(dir, "config");
            var credentials = Path.Combine(dir, "credentials");
            var other = Path.Combine(dir, "other-credentials");
            File.WriteAllText(config, "[default]\noutput = json\n[profile fin-ops]\nregion = eu-west-2\n[sso-session corp]\nsso_region = us-east-1\n[profile fin-audit]\n");
            File.WriteAllText(credentials, "[fin-deploy]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = not-read\n[fin-ops]\n");
            File.WriteAllText(other, "[fin-elsewhere]\n");
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", config);
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", credentials);
            using var host = new ModuleHost();

            Assert.Equal(new[] { "fin-deploy", "fin-ops", "fin-audit" }, ArgumentCompleterTests.Complete(host, "Get-FinResource -ProfileName fin-"));
            Assert.Equal(new[] { "default" }, ArgumentCompleterTests.Complete(host, "Set-FinDefault -ProfileName d"));
            Assert.Empty(ArgumentCompleterTests.Complete(host, "Test-FinAwsConnection -ProfileName corp"));
            // A bound -ProfileLocation is read too, first.
            Assert.Equal("fin-elsewhere", ArgumentCompleterTests.Complete(host, $"Test-FinAwsConnection -ProfileLocation '{other}' -ProfileName fin-")[0]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", savedConfig);
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", savedCredentials);
            Directory.Delete(dir, true);
        }
    }
}
