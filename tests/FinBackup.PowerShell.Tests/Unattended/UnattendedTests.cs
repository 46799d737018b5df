using System.Management.Automation;
using FinBackup.PowerShell.Tests.Module;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Unattended;

/// <summary>
/// Issue 13 items 12 and 13: a host that cannot prompt (hosted runspace without UI, pwsh -NonInteractive with no stdin,
/// as under SSM Run Command or a scheduler) gets FinConfirmationUnavailable saying how to run unattended, not a
/// NullReferenceException; and the sandbox works in an admin's shell (AWS_* variables, a ~/.aws default profile).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class UnattendedTests : IDisposable
{
    private readonly MotoServer _moto;
    private readonly string _root;

    public UnattendedTests(MotoServer moto)
    {
        moto.Reset();
        _moto = moto;
        _root = Directory.CreateTempSubdirectory("finps-unattended-").FullName;
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private static void AssertConfirmationUnavailable(ScriptResult r, string cmdletType, string fix)
    {
        var record = r.Errors.FirstOrDefault() ?? (r.Terminating as IContainsErrorRecord)?.ErrorRecord;
        Assert.True(record != null, "no error; terminating: " + r.Terminating);
        Assert.Equal("FinConfirmationUnavailable,FinBackup.Cmdlets." + cmdletType, record!.FullyQualifiedErrorId);
        Assert.Contains("cannot ask", record.Exception.Message);
        Assert.Contains(fix, record.ErrorDetails?.RecommendedAction ?? "");
        Assert.IsNotType<NullReferenceException>(record.Exception);
    }

    [Fact]
    public void A_ConfirmImpact_High_cmdlet_in_a_host_without_UI_fails_with_FinConfirmationUnavailable_and_says_how_to_run_unattended()
    {
        // A file backup to restore, then Invoke-FinRestore (ConfirmImpact High) without -Confirm:$false or -Force:
        // the default ConfirmPreference (High) makes it ask, and this runspace has no host UI.
        Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", Path.Combine(_root, "cache"));
        try
        {
            new HttpClient().PutAsync(_moto.EndpointUrl + "/fin-backup-use1", null).GetAwaiter().GetResult().EnsureSuccessStatusCode();
            var src = Path.Combine(_root, "src", "ledger");
            Directory.CreateDirectory(src);
            File.WriteAllText(Path.Combine(src, "a.dat"), "a");
            var conn = $"-Region us-east-1 -AccessKey testing -SecretKey testing -EndpointUrl {_moto.EndpointUrl}";
            using var host = new ModuleHost();
            var backup = host.Run($"Backup-FinFile -Path '{src}' -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' {conn}");
            Assert.Empty(backup.Errors);
            var dest = Path.Combine(_root, "restore");
            var r = host.Run($"$p | Invoke-FinRestore -Destination '{dest}' {conn}", new Dictionary<string, object?> { ["p"] = backup.Output[0] });
            AssertConfirmationUnavailable(r, "Restore.InvokeFinRestoreCommand", "-Force (or -Confirm:$false)");
            Assert.False(Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).Any());

            // The advice works: -Confirm:$false runs unattended.
            var ok = host.Run($"$p | Invoke-FinRestore -Destination '{dest}' -Confirm:$false {conn}", new Dictionary<string, object?> { ["p"] = backup.Output[0] });
            Assert.Empty(ok.Errors);
            Assert.True(File.Exists(Path.Combine(dest, "ledger", "a.dat")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", null);
        }
    }

    [Fact]
    public void Any_FinBackup_cmdlet_that_must_ask_in_a_host_without_UI_fails_the_same_way()
    {
        using var host = new ModuleHost();
        var r = host.Run("$ConfirmPreference = 'Low'; Set-FinDefault -Region eu-west-2");
        AssertConfirmationUnavailable(r, "SetFinDefaultCommand", "-Confirm:$false");
        Assert.Null(host.Run("Get-FinDefault").Output.Single().Properties["Region"].Value);
        Assert.Empty(host.Run("$ConfirmPreference = 'Low'; Set-FinDefault -Region eu-west-2 -Confirm:$false").Errors);
    }

    [Fact]
    public void Pwsh_NonInteractive_without_stdin_reports_FinConfirmationUnavailable_and_fails()
    {
        // As a scheduled script runs it ($ErrorActionPreference = 'Stop', as the SSM documents do): in pwsh -Command a
        // statement-terminating error alone does not set the exit code when a later statement succeeds.
        var r = PwshProcess.Run("$ErrorActionPreference = 'Stop'; $ConfirmPreference = 'Low'; Set-FinDefault -Region eu-west-2; 'after'", 120,
            new Dictionary<string, string> { ["AWS_EC2_METADATA_DISABLED"] = "true" }, "-NonInteractive");
        // pwsh prints the message and the recommended action (not the id) and exits 1.
        Assert.Contains("this host cannot ask", r.Stdout + r.Stderr);
        Assert.Contains("To run unattended", r.Stdout + r.Stderr);
        Assert.Contains("-Confirm:$false", r.Stdout + r.Stderr);
        Assert.DoesNotContain("NullReferenceException", r.Stdout + r.Stderr);
        Assert.NotEqual(0, r.ExitCode);
        Assert.DoesNotContain("after", r.Stdout);
    }

    [Fact]
    public void The_sandbox_works_in_an_admins_shell_with_AWS_variables_and_a_default_profile()
    {
        var aws = Directory.CreateDirectory(Path.Combine(_root, "dot-aws")).FullName;
        File.WriteAllText(Path.Combine(aws, "credentials"), "[default]\naws_access_key_id = AKIADEFAULTBOGUS\naws_secret_access_key = default-bogus\n");
        File.WriteAllText(Path.Combine(aws, "config"), "[default]\nregion = eu-central-1\n");
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENTBOGUS",
            ["AWS_SECRET_ACCESS_KEY"] = "environment-bogus",
            ["AWS_REGION"] = "ap-south-1",
            ["AWS_PROFILE"] = "no-such-profile",
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(aws, "credentials"),
            ["AWS_CONFIG_FILE"] = Path.Combine(aws, "config"),
        };
        var r = PwshProcess.Run(
            $"$ErrorActionPreference = 'Stop'; Start-FinSandbox -EndpointUrl {_moto.EndpointUrl} | Out-Null; " +
            "$c = Test-FinAwsConnection; \"SOURCE=$($c.CredentialSource)\"; \"REGION=$($c.Region)\"; " +
            "$n = @(Get-FinResource -Policy (Import-FinBackupPolicy ./examples/finco.recommended.policy.psd1)).Count; \"RESOURCES=$n\"",
            300, env);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("SOURCE=sandbox dummy credentials", r.Stdout);
        Assert.Contains("REGION=us-east-1", r.Stdout);
        Assert.Matches(@"RESOURCES=([1-9]\d*)", r.Stdout);
    }
}
