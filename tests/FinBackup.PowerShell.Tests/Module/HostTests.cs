namespace FinBackup.PowerShell.Tests.Module;

/// <summary>
/// Real pwsh (the local tool) as the host: the built module imports by path, its default views render, and a failing
/// command fails the process, in one pwsh process (each costs half a second). The root manifest's message is in tests/pester.
/// </summary>
public sealed class PwshHostTests
{
    [Fact]
    public void Pwsh_imports_the_built_module_by_path_renders_its_view_and_fails_the_process_on_an_error()
    {
        var r = PwshProcess.Command(PwshProcess.ImportBuiltModule + "; Set-FinDefault -Region us-east-1 -PassThru | Out-Host; $ErrorActionPreference = 'Stop'; Set-FinDefault -EndpointUrl 'not a url'");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Matches(@"Region\s*:\s*us-east-1", r.Stdout);
        Assert.DoesNotContain("\u001b[", r.Stdout); // no colour codes when redirected
        Assert.Contains("not an absolute URL", r.Stdout + r.Stderr);
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
