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
        using var host = new ModuleHost();
        var previous = (Environment.GetEnvironmentVariable("AWS_REGION"), Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"), Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE"));
        Environment.SetEnvironmentVariable("AWS_REGION", null);
        Environment.SetEnvironmentVariable("AWS_DEFAULT_REGION", null);
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", _credentials);
        try
        {
            var e = SingleError(host.Run("Test-FinAwsConnection -AccessKey AKIA -SecretKey s"));
            Assert.Equal("FinRegionMissing,FinBackup.Cmdlets.TestFinAwsConnectionCommand", e.FullyQualifiedErrorId);
            Assert.Contains("-Region", e.ErrorDetails.RecommendedAction);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_REGION", previous.Item1);
            Environment.SetEnvironmentVariable("AWS_DEFAULT_REGION", previous.Item2);
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", previous.Item3);
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
