using System.Diagnostics;
using System.Management.Automation;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Policy;

/// <summary>
/// Get-FinResource against moto. The estate is seeded here with boto3 (this project does not reference the AWS SDK):
/// Cross-sell's instance (100 + 309 GiB, encrypted, tagged fin:application) and its PostgreSQL DB instance.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class GetFinResourceTests
{
    private static readonly string Examples = Path.Combine(RepoPaths.Root, "examples");
    private readonly MotoServer _moto;

    public GetFinResourceTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private void Seed(string region = "us-east-1")
    {
        var script = $@"
import boto3
kw = dict(endpoint_url='{_moto.EndpointUrl}', region_name='{region}', aws_access_key_id='testing', aws_secret_access_key='testing')
ec2 = boto3.client('ec2', **kw)
image = ec2.describe_images()['Images'][0]['ImageId']
ec2.run_instances(ImageId=image, InstanceType='t3.medium', MinCount=1, MaxCount=1,
    BlockDeviceMappings=[
        {{'DeviceName': '/dev/xvda', 'Ebs': {{'VolumeSize': 100, 'Encrypted': True}}}},
        {{'DeviceName': '/dev/sdf', 'Ebs': {{'VolumeSize': 309, 'Encrypted': True}}}}],
    TagSpecifications=[{{'ResourceType': 'instance', 'Tags': [{{'Key': 'fin:application', 'Value': 'Cross-sell'}}, {{'Key': 'Name', 'Value': 'cross-sell-app-1'}}]}}])
rds = boto3.client('rds', **kw)
rds.create_db_instance(DBInstanceIdentifier='cross-sell-db', DBInstanceClass='db.m5.large', Engine='postgres',
    AllocatedStorage=10240, MasterUsername='finadmin', MasterUserPassword='Sandbox-Passw0rd', StorageEncrypted=True,
    Tags=[{{'Key': 'fin:application', 'Value': 'Cross-sell'}}])
";
        var psi = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit(60_000);
        Assert.True(p.ExitCode == 0, "seeding failed: " + stderr);
    }

    private string Aws => $"-EndpointUrl '{_moto.EndpointUrl}' -AccessKey testing -SecretKey testing";

    private static string P(PSObject o, string name) => o.Properties[name].Value?.ToString() ?? "";

    [Fact]
    public void Finds_the_tagged_instance_and_database_and_warns_for_every_application_with_nothing()
    {
        Seed();
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{Examples}/finco.recommended.policy.psd1' | Get-FinResource {Aws}");
        Assert.Empty(r.Errors);
        Assert.Null(r.Terminating);
        Assert.Equal(2, r.Output.Count);
        Assert.All(r.Output, o => Assert.Equal("FinResource", o.BaseObject.GetType().Name));

        var instance = r.Output.Single(o => P(o, "ResourceType") == "Ec2Instance");
        Assert.Equal("Cross-sell", P(instance, "Application"));
        Assert.Equal("cross-sell-app-1", P(instance, "Name"));
        Assert.Equal("us-east-1", P(instance, "Region"));
        Assert.Equal("409", P(instance, "SizeGiB"));
        Assert.Equal("True", P(instance, "Encrypted"));
        Assert.StartsWith("i-", P(instance, "ResourceId"));

        var db = r.Output.Single(o => P(o, "ResourceType") == "RdsDbInstance");
        Assert.Equal("cross-sell-db", P(db, "ResourceId"));
        Assert.Equal("10240", P(db, "SizeGiB"));

        Assert.Equal(4, r.Warnings.Count); // never silence: the four applications with no tagged resources
        Assert.Contains(r.Warnings, w => w.Contains("fin:application=Vendor Assistance Management") && w.Contains("nothing to back up"));
        Assert.DoesNotContain(r.Warnings, w => w.Contains("=Cross-sell"));
        Assert.Contains(r.Progress, p => p.RecordType == ProgressRecordType.Completed);
    }

    [Fact]
    public void Filters_by_application_wildcard_and_resource_type_and_searches_several_regions()
    {
        Seed("us-east-1");
        Seed("us-west-2");
        using var host = new ModuleHost();
        var r = host.Run($"$p = Import-FinBackupPolicy '{Examples}/finco.policy.psd1'; Get-FinResource -Policy $p -Application 'cross*' -Region us-east-1, us-west-2 -ResourceType EbsVolume {Aws}");
        Assert.Empty(r.Errors);
        Assert.Empty(r.Warnings);
        Assert.Equal(4, r.Output.Count); // 2 volumes in each region
        Assert.All(r.Output, o => Assert.Equal("EbsVolume", P(o, "ResourceType")));
        Assert.Equal(2, r.Output.Count(o => P(o, "Region") == "us-west-2"));
        Assert.Equal(new[] { "100", "100", "309", "309" }, r.Output.Select(o => P(o, "SizeGiB")).OrderBy(s => s));
    }

    [Fact]
    public void Output_binds_by_property_name_to_ResourceId_Region_and_Application()
    {
        Seed();
        using var host = new ModuleHost();
        var r = host.Run($@"
function Receive-Resource {{
    param([Parameter(ValueFromPipelineByPropertyName)] [string] $ResourceId,
          [Parameter(ValueFromPipelineByPropertyName)] [string] $Region,
          [Parameter(ValueFromPipelineByPropertyName)] [string] $Application)
    process {{ ""$Application|$Region|$ResourceId"" }}
}}
Import-FinBackupPolicy '{Examples}/finco.policy.psd1' | Get-FinResource -Application Cross-sell {Aws} | Receive-Resource");
        Assert.Empty(r.Errors);
        Assert.Contains(r.Output, o => o.ToString() == "Cross-sell|us-east-1|cross-sell-db");
        Assert.Contains(r.Output, o => o.ToString()!.StartsWith("Cross-sell|us-east-1|i-"));
    }

    [Fact]
    public void An_application_not_in_the_policy_is_an_error_with_a_suggestion()
    {
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{Examples}/finco.policy.psd1' | Get-FinResource -Application 'Cross sell' {Aws}");
        var e = Assert.Single(r.Errors);
        Assert.Equal("FinApplicationNotInPolicy,FinBackup.Cmdlets.GetFinResourceCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        Assert.Contains("did you mean 'Cross-sell'?", e.Exception.Message);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void An_unknown_region_stops_the_command_with_a_suggestion()
    {
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{Examples}/finco.policy.psd1' | Get-FinResource -Region us-est-1 {Aws}");
        var e = Assert.Single(r.Errors);
        Assert.Equal("FinRegionUnknown,FinBackup.Cmdlets.GetFinResourceCommand", e.FullyQualifiedErrorId);
        Assert.Contains("did you mean 'us-east-1'?", e.Exception.Message);
    }

    [Fact]
    public void An_unreachable_endpoint_is_an_error_per_search_not_a_crash()
    {
        using var host = new ModuleHost();
        var r = host.Run($"Import-FinBackupPolicy '{Examples}/finco.policy.psd1' | Get-FinResource -Application Cross-sell -EndpointUrl http://127.0.0.1:{MotoServer.FreePort()} -AccessKey a -SecretKey b");
        Assert.Null(r.Terminating);
        Assert.Equal(2, r.Errors.Count); // EC2 and RDS in us-east-1
        Assert.All(r.Errors, e => Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category));
        Assert.Contains(r.Errors, e => e.Exception.Message.StartsWith("Could not search EC2 in us-east-1"));
        Assert.Contains(r.Warnings, w => w.Contains("Some searches failed"));
    }
}
