namespace FinBackup.PowerShell.Tests.Module;

/// <summary>finps, the README's way to run scripts without pwsh: renders format views, returns exit codes.</summary>
public sealed class HostTests
{
    [Fact]
    public void Finps_renders_the_default_view_of_a_FinBackup_object()
    {
        var r = FinpsProcess.Run("Import-Module FinBackup; Set-FinDefault -Region us-east-1 -PassThru");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"Region\s*:\s*us-east-1", r.Stdout);
        Assert.DoesNotContain("\u001b[", r.Stdout); // no colour codes when redirected
    }

    [Fact]
    public void Finps_exits_non_zero_and_prints_the_error_when_a_script_fails()
    {
        var r = FinpsProcess.Run("Import-Module FinBackup; Set-FinDefault -EndpointUrl 'not a url'");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("not an absolute URL", r.Stdout + r.Stderr);
    }

    [Fact]
    public void Finps_honours_exit_codes()
    {
        var r = FinpsProcess.Run("exit 7");
        Assert.Equal(7, r.ExitCode);
    }
}

/// <summary>TimeSpan parameters take the policy's duration syntax (45m, 12h, PT45M).</summary>
public sealed class DurationParameterTests
{
    [Theory]
    [InlineData("12h", 12 * 60)]
    [InlineData("45m", 45)]
    [InlineData("PT1H30M", 90)]
    [InlineData("02:00:00", 120)]
    public void Retention_binds_durations(string text, int minutes)
    {
        using var host = new ModuleHost();
        var r = host.Run($"(Get-Command New-FinSnapshot).Parameters['Retention'].Attributes | Where-Object {{ $_ -is [System.Management.Automation.ArgumentTransformationAttribute] }} | ForEach-Object {{ $_.Transform($ExecutionContext, '{text}') }}");
        Assert.Empty(r.Errors);
        Assert.Equal(TimeSpan.FromMinutes(minutes), Assert.IsType<TimeSpan>(r.First));
    }

    [Fact]
    public void A_bad_duration_is_refused_with_the_syntax_to_use()
    {
        using var host = new ModuleHost();
        var r = host.Run("Backup-FinFile -Path /tmp -Bucket b -KmsKeyId k -Application a -Retention 12x -WhatIf");
        var error = Assert.Single(r.Errors);
        Assert.Contains("45m, 1h, 12h", error.ToString());
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, error.CategoryInfo.Category);
    }
}
