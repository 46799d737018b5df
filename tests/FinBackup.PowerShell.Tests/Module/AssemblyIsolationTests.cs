using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Module;

/// <summary>
/// FinBackup must work in a session where another AWSSDK.Core is already loaded (every AWS.Tools user):
/// load AWSSDK.Core 3.7 into the engine first, then import FinBackup and run a cmdlet that calls AWS.
/// Runs in a fresh pwsh process so the older SDK does not leak into other tests.
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
{PwshProcess.ImportBuiltModule}
# an AWS.Tools-style credentials object from the OTHER SDK version is accepted through -Credential
$cred = [Amazon.Runtime.BasicAWSCredentials]::new('testing', 'testing')
$id = Test-FinAwsConnection -EndpointUrl '{_moto.EndpointUrl}' -Region us-east-1 -Credential $cred -ErrorAction Stop
'ACCOUNT=' + $id.Account
'SOURCE=' + $id.CredentialSource
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {{ $_.GetName().Name -eq 'AWSSDK.Core' }} | ForEach-Object {{ 'LOADED=' + $_.GetName().Version }}
";
        var r = PwshProcess.Command(script);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Contains("PRELOADED=3.3.0.0", r.Stdout);
        Assert.Matches(@"ACCOUNT=\d{12}", r.Stdout);
        Assert.Contains("SOURCE=parameter -Credential", r.Stdout);
        // both SDKs live side by side: the session's 3.7 (assembly version 3.3) and FinBackup's 4.x
        Assert.Contains("LOADED=3.3.0.0", r.Stdout);
        Assert.Contains("LOADED=4.0.0.0", r.Stdout);
    }
}

/// <summary>-Credential also takes a PSCredential of access key id and secret key, and -Verbose says so.</summary>
[Collection(MotoCollection.Name)]
public sealed class CredentialParameterTests
{
    private readonly MotoServer _moto;

    public CredentialParameterTests(MotoServer moto) => _moto = moto;

    [Fact]
    public void A_PSCredential_is_read_as_access_key_and_secret_key()
    {
        using var host = new ModuleHost();
        var r = host.Run($@"
$secret = [System.Net.NetworkCredential]::new('', 'testing').SecurePassword
$cred = [System.Management.Automation.PSCredential]::new('testing', $secret)
Test-FinAwsConnection -EndpointUrl '{_moto.EndpointUrl}' -Region us-east-1 -Credential $cred -Verbose");
        Assert.Empty(r.Errors);
        var info = Assert.Single(r.Output);
        Assert.Equal("parameter -Credential", info.Properties["CredentialSource"].Value);
        Assert.Contains(r.Verbose, v => v.StartsWith("Credentials: parameter -Credential"));
    }

    [Fact]
    public void An_object_without_keys_is_refused_with_a_named_error()
    {
        using var host = new ModuleHost();
        var r = host.Run($"Test-FinAwsConnection -EndpointUrl '{_moto.EndpointUrl}' -Region us-east-1 -Credential 'just a string'");
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("FinCredentialUnreadable,", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }
}

/// <summary>
/// The Windows PowerShell resolver (NetFrameworkDependencyResolver) answers only for FinBackup's own dependencies, by full
/// identity, and Remove-Module unhooks FinBackup's loader. The resolver's matching runs here on .NET; hooking it into
/// AppDomain.AssemblyResolve happens only on .NET Framework, which this machine does not have.
/// </summary>
public sealed class DependencyResolverTests
{
    [Fact]
    public void The_resolver_answers_only_for_the_exact_identity_of_a_file_in_dependencies()
    {
        var script = @"
Import-Module FinBackup -ErrorAction Stop
$asm = (Get-Module FinBackup).ImplementingAssembly
$type = $asm.GetType('FinBackup.Loading.NetFrameworkDependencyResolver', $true)
$dir = [System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName($asm.Location), 'dependencies')
$flags = [System.Reflection.BindingFlags]'NonPublic,Instance'
$resolver = $type.GetConstructor($flags, $null, [type[]]@([string]), $null).Invoke(@($dir))
$find = $type.GetMethod('Find', $flags)
$core = [System.Reflection.AssemblyName]::GetAssemblyName([System.IO.Path]::Combine($dir, 'AWSSDK.Core.dll'))
'EXACT=' + [bool]$find.Invoke($resolver, @($core.FullName))
'SIMPLE=' + [bool]$find.Invoke($resolver, @('AWSSDK.Core'))
$older = $core.FullName -replace 'Version=[0-9.]+', 'Version=3.3.0.0'
'OLDER=' + [bool]$find.Invoke($resolver, @($older))
$token = $core.FullName -replace 'PublicKeyToken=[0-9a-f]+', 'PublicKeyToken=0123456789abcdef'
'TOKEN=' + [bool]$find.Invoke($resolver, @($token))
'OTHER=' + [bool]$find.Invoke($resolver, @('Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed'))
$init = $asm.GetType('FinBackup.Loading.ModuleInitializer', $true)
$installed = $init.GetProperty('IsInstalled', [System.Reflection.BindingFlags]'NonPublic,Static')
'BEFORE=' + $installed.GetValue($null)
Remove-Module FinBackup
'REMOVED=' + $installed.GetValue($null)
Import-Module FinBackup -ErrorAction Stop
'REIMPORTED=' + $installed.GetValue($null)
$null = Get-FinDefault
'WORKS=True'
";
        var r = PwshProcess.Run(script);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Contains("EXACT=True", r.Stdout);
        Assert.Contains("SIMPLE=False", r.Stdout);
        Assert.Contains("OLDER=False", r.Stdout);
        Assert.Contains("TOKEN=False", r.Stdout);
        Assert.Contains("OTHER=False", r.Stdout);
        Assert.Contains("BEFORE=True", r.Stdout);
        Assert.Contains("REMOVED=False", r.Stdout);
        Assert.Contains("REIMPORTED=True", r.Stdout);
        Assert.Contains("WORKS=True", r.Stdout);
    }
}
