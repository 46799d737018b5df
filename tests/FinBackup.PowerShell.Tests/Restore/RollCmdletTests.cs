using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;
using System.Management.Automation;
using System.Text.Json;
using FinBackup.PowerShell.Tests.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Restore;

/// <summary>Invoke-FinRestore -AutoScalingGroupName in the built module against moto, checked with the AWS CLI.</summary>
[Collection(MotoCollection.Name)]
public sealed class RollCmdletTests
{
    private readonly MotoServer _moto;
    private readonly AwsCli _aws;

    public RollCmdletTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
        _aws = new AwsCli(moto.EndpointUrl);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
    }

    private static string PolicyPath => Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.psd1");
    private static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;

    private List<JsonElement> GroupInstances() =>
        _aws.Json("autoscaling", "describe-auto-scaling-groups", "--region", "us-east-1", "--auto-scaling-group-names", "cross-sell-asg")
            .GetProperty("AutoScalingGroups")[0].GetProperty("Instances").EnumerateArray().ToList();

    [Fact]
    public void WhatIf_changes_nothing_and_Replace_rolls_the_group_onto_the_restored_image_with_progress()
    {
        var (_, instances) = _aws.SeedEstate(false, "Cross-sell");
        _aws.Run("s3api", "create-bucket", "--region", "us-east-1", "--bucket", "fin-backup-use1");
        var source = _aws.Json("ec2", "describe-instances", "--region", "us-east-1", "--instance-ids", instances["Cross-sell"])
            .GetProperty("Reservations")[0].GetProperty("Instances")[0];
        var lt = _aws.Json("ec2", "create-launch-template", "--region", "us-east-1", "--launch-template-name", "cross-sell-lt", "--launch-template-data",
                JsonSerializer.Serialize(new { ImageId = source.GetProperty("ImageId").GetString(), InstanceType = "t3.micro" }))
            .GetProperty("LaunchTemplate").GetProperty("LaunchTemplateId").GetString()!;
        _aws.Run("autoscaling", "create-auto-scaling-group", "--region", "us-east-1", "--auto-scaling-group-name", "cross-sell-asg",
            "--launch-template", $"LaunchTemplateId={lt},Version=1", "--min-size", "2", "--max-size", "4", "--desired-capacity", "2",
            "--vpc-zone-identifier", source.GetProperty("SubnetId").GetString()!);
        var before = GroupInstances().Select(i => i.GetProperty("InstanceId").GetString()!).ToList();

        using var host = new ModuleHost();
        var r = host.Run($"Set-FinDefault -Region us-east-1 -EndpointUrl '{_moto.EndpointUrl}'; $drill = Import-FinBackupPolicy '{PolicyPath}'; " +
                         "foreach ($a in $drill.Applications) { $a.RestoreApprovers.Clear() }; " +
                         "$ami = $drill | Get-FinResource -Application 'Cross-sell' | New-FinSnapshot -Wait | Where-Object Kind -eq 'Ami'; $ami.RecoveryPointId");
        Assert.True(r.Errors.Count == 0, string.Join(" / ", r.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        var imageId = (string)Assert.Single(r.Output).BaseObject;

        var whatIf = host.Run("$ami | Invoke-FinRestore -Policy $drill -AutoScalingGroupName cross-sell-asg -Strategy Replace -BatchSize 1 -WhatIf; " +
                              "$ami | Invoke-FinRestore -Policy $drill -AutoScalingGroupName cross-sell-asg -WhatIf");
        Assert.True(whatIf.Errors.Count == 0, string.Join(" / ", whatIf.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        Assert.Empty(whatIf.Output);
        Assert.Single(_aws.Json("ec2", "describe-launch-template-versions", "--region", "us-east-1", "--launch-template-id", lt).GetProperty("LaunchTemplateVersions").EnumerateArray());
        Assert.Equal(before, GroupInstances().Select(i => i.GetProperty("InstanceId").GetString()!).ToList());

        var roll = host.Run("$ami | Invoke-FinRestore -Policy $drill -AutoScalingGroupName cross-sell-asg -Strategy Replace -BatchSize 1 -Confirm:$false");
        Assert.True(roll.Errors.Count == 0, string.Join(" / ", roll.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        var result = Assert.Single(roll.Output);
        Assert.Equal("Available", Prop(result, "Status")!.ToString());
        Assert.Equal(lt + ":2", ((string[])Prop(result, "ResourceIds")!)[0]);
        Assert.Contains(((string[])Prop(result, "Stages")!), s => s.StartsWith("Batch2.InService "));
        Assert.Contains(roll.Progress, p => p.RecordType == ProgressRecordType.Completed);
        var after = GroupInstances();
        Assert.Equal(2, after.Count);
        Assert.Empty(after.Select(i => i.GetProperty("InstanceId").GetString()!).Intersect(before));
        foreach (var i in after)
        {
            var ec2 = _aws.Json("ec2", "describe-instances", "--region", "us-east-1", "--instance-ids", i.GetProperty("InstanceId").GetString()!)
                .GetProperty("Reservations")[0].GetProperty("Instances")[0];
            Assert.Equal(imageId, ec2.GetProperty("ImageId").GetString());
        }

        // A refresh needs a group on a numbered version; on $Latest it is refused before anything is made.
        _aws.Run("autoscaling", "update-auto-scaling-group", "--region", "us-east-1", "--auto-scaling-group-name", "cross-sell-asg",
            "--launch-template", $"LaunchTemplateId={lt},Version=$Latest");
        var refused = host.Run("$ami | Invoke-FinRestore -Policy $drill -AutoScalingGroupName cross-sell-asg -Confirm:$false");
        Assert.Equal("FinRestoreRollGroupUnsupported,FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand", Assert.Single(refused.Errors).FullyQualifiedErrorId);
        Assert.Empty(refused.Output);
        Assert.Equal(2, _aws.Json("ec2", "describe-launch-template-versions", "--region", "us-east-1", "--launch-template-id", lt).GetProperty("LaunchTemplateVersions").GetArrayLength());
    }
}
