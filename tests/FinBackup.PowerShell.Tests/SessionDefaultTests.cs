namespace FinBackup.PowerShell.Tests;

public sealed class SessionDefaultTests
{
    [Fact]
    public void SetFinDefault_then_GetFinDefault_returns_the_values_and_Clear_removes_them()
    {
        using var host = new ModuleHost();
        var set = host.Run("Set-FinDefault -Region eu-west-2 -EndpointUrl http://127.0.0.1:9 -PassThru");
        Assert.Empty(set.Errors);
        var got = host.Run("Get-FinDefault").Output.Single();
        Assert.Equal("eu-west-2", got.Properties["Region"].Value);
        Assert.Equal("http://127.0.0.1:9", got.Properties["EndpointUrl"].Value);

        host.Run("Set-FinDefault -ProfileName ops");
        got = host.Run("Get-FinDefault").Output.Single();
        Assert.Equal("eu-west-2", got.Properties["Region"].Value); // untouched parameters keep their value
        Assert.Equal("ops", got.Properties["ProfileName"].Value);

        host.Run("Clear-FinDefault");
        got = host.Run("Get-FinDefault").Output.Single();
        Assert.Null(got.Properties["Region"].Value);
    }

    [Fact]
    public void SetFinDefault_WhatIf_changes_nothing()
    {
        using var host = new ModuleHost();
        host.Run("Set-FinDefault -Region eu-west-2 -WhatIf");
        var got = host.Run("Get-FinDefault").Output.Single();
        Assert.Null(got.Properties["Region"].Value);
    }

    [Fact]
    public void SetFinDefault_with_a_bad_endpoint_fails_with_a_named_error()
    {
        using var host = new ModuleHost();
        var r = host.Run("Set-FinDefault -EndpointUrl 'not a url'");
        var error = Assert.Single(r.Errors);
        Assert.Equal("FinDefaultEndpointInvalid,FinBackup.Cmdlets.SetFinDefaultCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }
}
