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
