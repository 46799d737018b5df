using System.Management.Automation;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Aws;

/// <summary>Bad input to the AWS common parameters: one clear error each, with its own id and category, and no hang.</summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class ConnectionErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fin-ps-profiles-").FullName;
    private readonly string _credentials;

    public ConnectionErrorTests()
    {
        _credentials = Path.Combine(_dir, "credentials");
        File.WriteAllText(_credentials, "[ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = x\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static ErrorRecord SingleError(ScriptResult r) =>
        r.Errors.Count == 1 ? r.Errors[0] : throw new Xunit.Sdk.XunitException("Expected one error, got: " + string.Join(" | ", r.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));

    [Fact]
    public void Unknown_region()
    {
        using var host = new ModuleHost();
        var e = SingleError(host.Run("Test-FinAwsConnection -Region us-esat-1 -AccessKey AKIA -SecretKey s"));
        Assert.Equal("FinRegionUnknown,FinBackup.Cmdlets.TestFinAwsConnectionCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
        Assert.Contains("us-east-1", e.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Profile_not_found()
    {
        using var host = new ModuleHost();
        var e = SingleError(host.Run($"Test-FinAwsConnection -Region us-east-1 -ProfileName nope -ProfileLocation '{_credentials}'"));
        Assert.Equal("FinProfileNotFound,FinBackup.Cmdlets.TestFinAwsConnectionCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        Assert.Contains("nope", e.Exception.Message);
    }

    [Fact]
    public void Unreachable_endpoint_is_a_connection_error_not_a_hang()
    {
        using var host = new ModuleHost();
        var e = SingleError(host.Run($"Test-FinAwsConnection -Region us-east-1 -EndpointUrl http://127.0.0.1:{MotoServer.FreePort()} -AccessKey AKIA -SecretKey s"));
        Assert.Equal("FinAwsEndpointUnreachable,FinBackup.Cmdlets.TestFinAwsConnectionCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category);
    }

    [Fact]
    public void Missing_region_names_the_fix()
    {
        // An admin's shell may name a region anywhere: AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE's profile, the config
        // file's default profile; and the SDK remembers a region once it has read one in a process. So this runs in a fresh
        // process with every source of a region emptied (an empty config file), where "no region" really is no region.
        var emptyConfig = Path.Combine(Path.GetTempPath(), "fin-empty-config-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(emptyConfig, string.Empty);
        try
        {
            var r = FinBackup.PowerShell.Tests.Module.PwshProcess.Run(
                "Import-Module FinBackup -ErrorAction Stop; try { Test-FinAwsConnection -AccessKey AKIA -SecretKey s -ErrorAction Stop } catch { 'ID=' + $_.FullyQualifiedErrorId; 'FIX=' + $_.ErrorDetails.RecommendedAction }",
                environment: new Dictionary<string, string>
                {
                    ["AWS_REGION"] = "", ["AWS_DEFAULT_REGION"] = "", ["AWS_PROFILE"] = "",
                    ["AWS_SHARED_CREDENTIALS_FILE"] = _credentials, ["AWS_CONFIG_FILE"] = emptyConfig,
                });
            Assert.Contains("ID=FinRegionMissing,FinBackup.Cmdlets.TestFinAwsConnectionCommand", r.Stdout);
            Assert.Matches("FIX=.*-Region", r.Stdout);
        }
        finally
        {
            File.Delete(emptyConfig);
        }
    }

    [Fact]
    public void Moto_missing_says_how_to_install_it()
    {
        using var host = new ModuleHost();
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", _dir);
        try
        {
            var e = SingleError(host.Run("Start-FinSandbox"));
            Assert.Equal("FinSandboxMotoMissing,FinBackup.Cmdlets.StartFinSandboxCommand", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.NotInstalled, e.CategoryInfo.Category);
            Assert.Contains("pip install \"moto[server]\"", e.ErrorDetails.RecommendedAction);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }
}

/// <summary>Tests that change process environment variables (PATH, AWS_*) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AwsEnvironmentCollection
{
    public const string Name = "aws-environment";
}
