using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Module;

/// <summary>
/// FinBackup must work in a session where another AWSSDK.Core is already loaded (every AWS.Tools user):
/// load AWSSDK.Core 3.7 into the engine first, then import FinBackup and run a cmdlet that calls AWS.
/// Runs in a fresh finps process so the older SDK does not leak into other tests.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class AssemblyIsolationTests
{
    private readonly MotoServer _moto;

    public AssemblyIsolationTests(MotoServer moto) => _moto = moto;

    private static string OldAwsSdkCore()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(root, "awssdk.core", "3.7.402", "lib", "netcoreapp3.1", "AWSSDK.Core.dll");
        Assert.True(File.Exists(path), $"AWSSDK.Core 3.7.402 should have been downloaded by the test project's PackageDownload: {path}");
        return path;
    }

    [Fact]
    public void FinBackup_calls_AWS_with_its_own_SDK_when_AWSSDK_Core_3_7_is_already_loaded()
    {
        var script = $@"
$null = [System.Reflection.Assembly]::LoadFrom('{OldAwsSdkCore()}')
'PRELOADED=' + [Amazon.Runtime.AWSCredentials].Assembly.GetName().Version
Import-Module FinBackup -ErrorAction Stop
$id = Test-FinAwsConnection -EndpointUrl '{_moto.EndpointUrl}' -Region us-east-1 -AccessKey testing -SecretKey testing -ErrorAction Stop
'ACCOUNT=' + $id.Account
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {{ $_.GetName().Name -eq 'AWSSDK.Core' }} | ForEach-Object {{ 'LOADED=' + $_.GetName().Version }}
";
        var r = FinpsProcess.Run(script);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Contains("PRELOADED=3.3.0.0", r.Stdout);
        Assert.Matches(@"ACCOUNT=\d{12}", r.Stdout);
        // both SDKs live side by side: the session's 3.7 (assembly version 3.3) and FinBackup's 4.x
        Assert.Contains("LOADED=3.3.0.0", r.Stdout);
        Assert.Contains("LOADED=4.0.0.0", r.Stdout);
    }
}
