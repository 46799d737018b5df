using System.Management.Automation;
using FinBackup.TestSupport;
using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;

namespace FinBackup.PowerShell.Tests.RecoveryPoints;

/// <summary>
/// The waits (New-FinSnapshot -Wait, Copy-FinBackupToRegion -Wait) and the one region precedence, in the hosted engine
/// against moto, checked with the AWS CLI.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class WaitAndRegionTests
{
    private readonly MotoServer _moto;
    private readonly AwsCli _aws;

    public WaitAndRegionTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
        _aws = new AwsCli(moto.EndpointUrl);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
    }

    private static string PolicyPath => Path.Combine(RepoPaths.Root, "examples", "finco.policy.psd1");

    private ModuleHost Host(string region = "us-east-1")
    {
        var host = new ModuleHost();
        Assert.Empty(host.Run($"Set-FinDefault -Region {region} -EndpointUrl '{_moto.EndpointUrl}'; $p = Import-FinBackupPolicy '{PolicyPath}'").Errors);
        return host;
    }

    [Fact]
    public void New_FinSnapshot_Wait_returns_sets_whose_state_was_described_and_Copy_Wait_returns_finished_copies()
    {
        var (_, instances) = _aws.SeedEstate(false, "Cross-sell", "Agent payment");
        using var host = Host();

        var taken = host.Run("$p | Get-FinResource -ResourceType Ec2Instance | New-FinSnapshot -Kind EbsSnapshotSet -Wait");
        Assert.Empty(taken.Errors);
        Assert.Equal(2, taken.Output.Count);
        Assert.All(taken.Output, o => Assert.Equal("Available", o.Properties["State"].Value.ToString()));
        // What AWS says: every member snapshot of both sets is completed.
        var states = _aws.Json("ec2", "describe-snapshots", "--region", "us-east-1", "--filters", "Name=tag-key,Values=fin:set-id")
            .GetProperty("Snapshots").EnumerateArray().Select(s => s.GetProperty("State").GetString()).ToList();
        Assert.Equal(4, states.Count);
        Assert.All(states, s => Assert.Equal("completed", s));

        var copies = host.Run("$p | Get-FinResource -ResourceType Ec2Instance | New-FinSnapshot -Kind EbsSnapshotSet | Copy-FinBackupToRegion -Wait");
        Assert.Empty(copies.Errors);
        Assert.Equal(2, copies.Output.Count);
        Assert.All(copies.Output, o =>
        {
            Assert.Equal("us-west-2", o.Properties["Region"].Value);
            Assert.Equal("Available", o.Properties["State"].Value.ToString());
        });
        var dr = _aws.Json("ec2", "describe-snapshots", "--region", "us-west-2", "--filters", "Name=tag-key,Values=fin:source-id")
            .GetProperty("Snapshots").EnumerateArray().ToList();
        Assert.Equal(4, dr.Count);
        Assert.All(dr, s => Assert.Equal("completed", s.GetProperty("State").GetString()));
        Assert.Equal(instances.Count, copies.Output.Select(o => o.Properties["ResourceId"].Value).Distinct().Count());
    }

    private static string RegionLine(ScriptResult r) =>
        r.Verbose.First(v => v.StartsWith("Credentials:", StringComparison.Ordinal));

    [Fact]
    public void The_region_is_the_parameter_then_the_piped_object_then_the_policy_then_the_session_default()
    {
        using var host = Host(region: "eu-west-2");

        // 1. -Region beats everything.
        Assert.Contains("Region: ap-south-1 (parameter -Region)", RegionLine(host.Run("Get-FinRecoveryPoint -Policy $p -Region ap-south-1 -Verbose")));
        // 2. The piped object's region beats the policy's.
        var piped = host.Run("[pscustomobject]@{ ResourceId = 'i-0123456789abcdef0'; ResourceType = 'Ec2Instance'; Application = 'Cross-sell'; Region = 'us-west-2' } | " +
                             "New-FinSnapshot -Policy $p -Kind EbsSnapshotSet -WhatIf -Verbose");
        Assert.Contains("Region: us-west-2 (the piped object's Region)", RegionLine(piped));
        // 3. The policy beats the session default. Before, Get-FinRestorePlan (and every cmdlet that used
        //    RecoveryPointCmdlet.DefaultRegionFrom) let Set-FinDefault's region win, while Get-FinRecoveryPoint let the policy win.
        Assert.Contains("Region: us-east-1 (policy 'finco' PrimaryRegion)", RegionLine(host.Run("Get-FinRestorePlan -Policy $p -PlanId rp-none -Verbose")));
        Assert.Contains("Region: us-east-1 (policy 'finco' regions)", RegionLine(host.Run("Get-FinRecoveryPoint -Policy $p -Verbose")));
        // 4. Nothing else: the session default.
        Assert.Contains("Region: eu-west-2 (session default (Set-FinDefault))", RegionLine(host.Run("Get-FinRecoveryPoint -Verbose")));
    }

    [Fact]
    public void A_point_is_verified_in_its_own_region_whatever_region_was_given()
    {
        var (_, instances) = _aws.SeedEstate(false, "Cross-sell");
        using var host = Host();
        Assert.Empty(host.Run($"New-FinSnapshot -Policy $p -ResourceId {instances["Cross-sell"]} -Application 'Cross-sell' -Kind EbsSnapshotSet -Wait").Errors);
        var r = host.Run("Get-FinRecoveryPoint -Policy $p -Region us-east-1 | Test-FinRecoveryPoint -Region us-west-2");
        Assert.Empty(r.Errors);
        var check = Assert.Single(r.Output);
        Assert.Equal("us-east-1", check.Properties["Region"].Value);
        Assert.Equal("Passed", check.Properties["Status"].Value); // in us-west-2 its snapshots would not be found
    }
}
