using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;
using System.Management.Automation;
using FinBackup.PowerShell.Tests.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Recovery;

/// <summary>Invoke-FinFailover, Start-FinRecoveryDrill and Get-FinRecoveryDrill in the built module against moto, checked with the AWS CLI.</summary>
[Collection(MotoCollection.Name)]
public sealed class FailoverCmdletTests
{
    private readonly MotoServer _moto;
    private readonly AwsCli _aws;

    public FailoverCmdletTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
        _aws = new AwsCli(moto.EndpointUrl);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
    }

    private static string PolicyPath => Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.psd1");

    private ModuleHost Host()
    {
        _aws.Run("s3api", "create-bucket", "--region", "us-east-1", "--bucket", "fin-backup-use1");
        _aws.Run("s3api", "create-bucket", "--region", "us-west-2", "--bucket", "fin-backup-usw2", "--create-bucket-configuration", "LocationConstraint=us-west-2");
        var host = new ModuleHost();
        var r = host.Run($"Set-FinDefault -Region us-east-1 -EndpointUrl '{_moto.EndpointUrl}'; $policy = Import-FinBackupPolicy '{PolicyPath}'");
        Assert.Empty(r.Errors);
        return host;
    }

    private int Vpcs() => _aws.Json("ec2", "describe-vpcs", "--region", "us-west-2").GetProperty("Vpcs").GetArrayLength();

    private void Put(string key, string json)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, json);
        try
        {
            _aws.Run("s3api", "put-object", "--region", "us-west-2", "--bucket", "fin-backup-usw2", "--key", key, "--body", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Invoke_FinFailover_refuses_the_primary_region_and_a_missing_blueprint_and_WhatIf_creates_nothing()
    {
        using var host = Host();
        var primary = host.Run("Invoke-FinFailover -Policy $policy -Application 'Cross-sell' -Region us-east-1 -Force");
        var refused = primary.Terminating?.ErrorRecord ?? Assert.Single(primary.Errors);
        Assert.Equal("FinFailoverRegionInvalid,FinBackup.Cmdlets.InvokeFinFailoverCommand", refused.FullyQualifiedErrorId);
        Assert.Empty(primary.Output);

        var missing = host.Run("Invoke-FinFailover -Policy $policy -Application 'Cross-sell' -WhatIf");
        Assert.Equal("FinBlueprintNotFound,FinBackup.Cmdlets.InvokeFinFailoverCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.Errors[0].CategoryInfo.Category);

        // A blueprint in the DR bucket: -WhatIf plans and makes nothing.
        Put("fin-blueprints/cross-sell/latest.json", """
            {"SchemaVersion":1,"Application":"Cross-sell","Policy":"finco","Region":"us-east-1","CreatedAt":"2026-12-01T00:00:00Z",
             "Network":{"VpcName":"cross-sell-vpc","Cidr":"10.10.0.0/16","InternetGateway":true,
               "Subnets":[{"Name":"cross-sell-public-a","AvailabilityZone":"a","Cidr":"10.10.0.0/24","Public":true}]},
             "SecurityGroups":[{"Name":"cross-sell-alb-sg","Description":"alb","Ingress":[]}]}
            """);
        var before = Vpcs();
        var whatIf = host.Run("Invoke-FinFailover -Policy $policy -Application 'Cross-sell' -WhatIf");
        Assert.True(whatIf.Errors.Count == 0, string.Join(" / ", whatIf.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        Assert.Empty(whatIf.Output);
        Assert.Equal(before, Vpcs());
    }

    [Fact]
    public void Get_FinRecoveryDrill_lists_the_records_of_the_drill_bucket_newest_first_and_skips_what_is_not_a_record()
    {
        using var host = Host();
        Put("fin-drills/cross-sell/drill-a.json", """{"DrillId":"drill-a","Application":"Cross-sell","Region":"us-west-2","StartedAt":"2026-11-01T10:00:00Z","Outcome":"Succeeded","MeasuredRto":"00:41:00","TornDown":true}""");
        Put("fin-drills/cross-sell/drill-b.json", """{"DrillId":"drill-b","Application":"Cross-sell","Region":"us-west-2","StartedAt":"2026-12-01T10:00:00Z","Outcome":"Partial","TornDown":true}""");
        Put("fin-drills/cross-sell/notes.json", "not json");
        Put("fin-drills/agent-payment/drill-c.json", """{"DrillId":"drill-c","Application":"Agent payment","Region":"us-west-2","StartedAt":"2026-12-01T11:00:00Z","Outcome":"Succeeded"}""");

        var r = host.Run("Get-FinRecoveryDrill -Policy $policy -Application 'Cross-sell'");
        Assert.Empty(r.Errors);
        Assert.Equal(new[] { "drill-b", "drill-a" }, r.Output.Select(o => (string)o.Properties["DrillId"].Value).ToArray());
        Assert.Equal("FinBackup.Domain.Recovery.RecoveryDrillRecord", r.Output[0].BaseObject.GetType().FullName);
        Assert.Equal("s3://fin-backup-usw2/fin-drills/cross-sell/drill-a.json", r.Output[1].Properties["Location"].Value);
        Assert.Equal(TimeSpan.FromMinutes(41), r.Output[1].Properties["MeasuredRto"].Value);

        var all = host.Run("Get-FinRecoveryDrill $policy");
        Assert.Equal(3, all.Output.Count);
        var unknown = host.Run("Get-FinRecoveryDrill $policy -Application 'Nope'");
        Assert.Equal("FinApplicationNotInPolicy,FinBackup.Cmdlets.GetFinRecoveryDrillCommand", Assert.Single(unknown.Errors).FullyQualifiedErrorId);
    }
}
