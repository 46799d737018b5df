using System.Diagnostics;
using System.Management.Automation;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Aws;

/// <summary>Start-FinSandbox / Test-FinAwsConnection / Stop-FinSandbox in the hosted engine with the built module.</summary>
[Collection(MotoCollection.Name)]
public sealed class SandboxCmdletTests
{
    private readonly MotoServer _moto;

    public SandboxCmdletTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;

    [Fact]
    public void Start_seeds_a_new_moto_sets_defaults_Test_connects_in_both_regions_and_Stop_ends_the_process()
    {
        using var host = new ModuleHost();
        var start = host.Run("Start-FinSandbox");
        Assert.Null(start.Terminating);
        Assert.Empty(start.Errors);
        var sandbox = Assert.Single(start.Output);
        Assert.Equal("FinBackup.Domain.Sandbox.FinSandbox", sandbox.BaseObject.GetType().FullName);
        var url = (string)Prop(sandbox, "EndpointUrl")!;
        Assert.StartsWith("http://127.0.0.1:", url);
        Assert.Equal("us-east-1", Prop(sandbox, "PrimaryRegion"));
        Assert.Equal("us-west-2", Prop(sandbox, "DrRegion"));
        Assert.Equal(5, Prop(sandbox, "Ec2Instances"));
        Assert.Equal(2048, Prop(sandbox, "EbsDeclaredGiB"));
        Assert.Equal(3, Prop(sandbox, "RdsInstances"));
        Assert.Equal(10, Prop(sandbox, "Secrets"));
        Assert.Equal(true, Prop(sandbox, "StartedByFinBackup"));
        var pid = (int)Prop(sandbox, "ProcessId")!;
        Assert.Contains(start.Progress, p => p.RecordType == ProgressRecordType.Completed);
        try
        {
            var defaults = host.Run("Get-FinDefault").Output.Single();
            Assert.Equal(url, Prop(defaults, "EndpointUrl"));
            Assert.Equal("us-east-1", Prop(defaults, "Region"));

            var east = host.Run("Test-FinAwsConnection -Verbose");
            Assert.Empty(east.Errors);
            var info = Assert.Single(east.Output);
            Assert.Equal("FinBackup.Domain.Connection.FinAwsConnectionInfo", info.BaseObject.GetType().FullName);
            Assert.Matches("^[0-9]{12}$", (string)Prop(info, "Account")!);
            Assert.Equal("us-east-1", Prop(info, "Region"));
            Assert.Equal(url, Prop(info, "EndpointUrl"));
            Assert.StartsWith("sandbox dummy credentials", (string)Prop(info, "CredentialSource")!);
            Assert.Contains(east.Verbose, v => v.StartsWith("Credentials: sandbox dummy credentials"));

            var west = host.Run("Test-FinAwsConnection -Region us-west-2");
            Assert.Equal("us-west-2", Prop(Assert.Single(west.Output), "Region"));
            Assert.Equal("parameter -Region", Prop(west.Output[0], "RegionSource"));
        }
        finally
        {
            var stop = host.Run("Stop-FinSandbox -Confirm:$false");
            Assert.Empty(stop.Errors);
        }
        Assert.True(ProcessGone(pid), "moto_server should have been stopped");
        Assert.Null(Prop(host.Run("Get-FinDefault").Output.Single(), "EndpointUrl"));
        var again = host.Run("Stop-FinSandbox");
        Assert.Equal("FinSandboxNotRunning,FinBackup.Cmdlets.StopFinSandboxCommand", Assert.Single(again.Errors).FullyQualifiedErrorId);
    }

    private static bool ProcessGone(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.WaitForExit(5000);
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [Fact]
    public void Attaching_twice_does_not_duplicate_the_estate_and_Stop_leaves_an_attached_server_running()
    {
        using var host = new ModuleHost();
        var first = host.Run($"Start-FinSandbox -EndpointUrl {_moto.EndpointUrl}");
        Assert.Empty(first.Errors);
        Assert.True((int)Prop(first.Output.Single(), "Created")! > 0);
        Assert.Equal(false, Prop(first.Output[0], "StartedByFinBackup"));
        Assert.Null(Prop(first.Output[0], "ProcessId"));

        var second = host.Run($"Start-FinSandbox -EndpointUrl {_moto.EndpointUrl}");
        Assert.Empty(second.Errors);
        Assert.Equal(0, Prop(second.Output.Single(), "Created"));
        Assert.Equal(5, Prop(second.Output[0], "Ec2Instances"));

        var stop = host.Run("Stop-FinSandbox -Verbose");
        Assert.Empty(stop.Errors);
        Assert.Contains(stop.Verbose, v => v.Contains("left running"));
        var probe = new HttpClient().GetAsync(_moto.EndpointUrl + "/moto-api/").GetAwaiter().GetResult();
        Assert.True((int)probe.StatusCode < 500);
        Assert.Null(Prop(host.Run("Get-FinDefault").Output.Single(), "EndpointUrl"));
    }

    [Fact]
    public void WhatIf_starts_nothing_and_sets_no_defaults()
    {
        using var host = new ModuleHost();
        var r = host.Run("Start-FinSandbox -WhatIf");
        Assert.Empty(r.Output);
        Assert.Null(Prop(host.Run("Get-FinDefault").Output.Single(), "EndpointUrl"));
        Assert.Empty(host.Run("$FinBackupSandbox").Output.Where(o => o != null));
    }

    [Fact]
    public void Attaching_to_an_endpoint_where_nothing_listens_is_a_connection_error()
    {
        using var host = new ModuleHost();
        var r = host.Run($"Start-FinSandbox -EndpointUrl http://127.0.0.1:{MotoServer.FreePort()}");
        var error = Assert.Single(r.Errors);
        Assert.Equal("FinSandboxUnreachable,FinBackup.Cmdlets.StartFinSandboxCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
    }
}
