using System.Text.Json;
using FinBackup.Aws.Restore;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Restore;

/// <summary>
/// The Replace strategy of the Auto Scaling roll end-to-end on moto, checked from outside with the AWS CLI: every instance of
/// the group runs the restored image, the old ones are terminated, and - sampled by the CLI before every change FinBackup
/// sends (a loopback proxy sits between FinBackup and moto) and after the last - the in-service count never fell below the
/// desired capacity.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class AutoScalingRollMotoTests
{
    private static readonly string[] Mutations = { "UpdateAutoScalingGroup", "SetDesiredCapacity", "TerminateInstanceInAutoScalingGroup" };
    private readonly MotoServer _moto;

    public AutoScalingRollMotoTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static (int InService, int Desired, string Version, List<string> Ids) GroupState(RestoreMotoBed bed)
    {
        var g = bed.Cli("autoscaling", "describe-auto-scaling-groups", "--region", "us-east-1", "--auto-scaling-group-names", "cross-sell-asg").GetProperty("AutoScalingGroups")[0];
        var instances = g.GetProperty("Instances").EnumerateArray().ToList();
        return (instances.Count(i => i.GetProperty("LifecycleState").GetString() == "InService" && i.GetProperty("HealthStatus").GetString() == "Healthy"),
            g.GetProperty("DesiredCapacity").GetInt32(), g.GetProperty("LaunchTemplate").GetProperty("Version").GetString()!,
            instances.Select(i => i.GetProperty("InstanceId").GetString()!).ToList());
    }

    private static string CreateGroup(RestoreMotoBed bed, int maxSize)
    {
        var image = bed.Instances("us-east-1", $"Name=instance-id,Values={bed.InstanceId}")[0].GetProperty("ImageId").GetString()!;
        var lt = bed.Cli("ec2", "create-launch-template", "--region", "us-east-1", "--launch-template-name", "cross-sell-lt",
            "--launch-template-data", JsonSerializer.Serialize(new { ImageId = image, InstanceType = "t3.micro" }))
            .GetProperty("LaunchTemplate").GetProperty("LaunchTemplateId").GetString()!;
        bed.Cli("autoscaling", "create-auto-scaling-group", "--region", "us-east-1", "--auto-scaling-group-name", "cross-sell-asg",
            "--launch-template", $"LaunchTemplateId={lt},Version=1", "--min-size", "2", "--max-size", maxSize.ToString(), "--desired-capacity", "2",
            "--vpc-zone-identifier", bed.PrimarySubnet);
        return lt;
    }

    [Fact]
    public void Replace_rolls_every_instance_onto_the_restored_image_in_batches_keeping_the_desired_capacity_in_service()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl, withDatabase: false);
        var ami = bed.Take(RecoveryPointKind.Ami);
        var lt = CreateGroup(bed, maxSize: 2);
        var before = GroupState(bed);
        Assert.Equal(2, before.Ids.Count);

        var samples = new List<(string Action, int InService, int Desired)>();
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, r) =>
        {
            var action = Mutations.FirstOrDefault(m => r.BodyText.Contains("Action=" + m + "&", StringComparison.Ordinal));
            if (action != null)
            {
                var s = GroupState(bed);
                lock (samples) samples.Add((action, s.InService, s.Desired));
            }
            return null;
        });
        using var viaProxy = AwsTestContext.For(proxy.EndpointUrl);
        var runtime = bed.Runtime();
        runtime.Ec2 = r => new Ec2RestoreGateway(viaProxy, r);
        runtime.AutoScaling = r => new AutoScalingRollGateway(viaProxy, r);

        var result = new RestoreEngine(runtime).Prepare(ami, new RestoreRequest
        {
            Policy = bed.Policy, AutoScalingGroupName = "cross-sell-asg", Strategy = RollStrategies.Replace, BatchSize = 1,
        }, "us-east-1", default).Execute(null, default);

        Assert.Equal(RestoreStatus.Available, result.Status);
        Assert.Equal(lt + ":2", result.ResourceIds[0]);
        var after = GroupState(bed);
        Assert.Equal(2, after.Desired);
        Assert.Equal(2, after.InService);
        Assert.Equal("2", after.Version);
        Assert.Empty(after.Ids.Intersect(before.Ids));
        Assert.Equal(after.Ids.OrderBy(x => x), result.ResourceIds.Skip(1).OrderBy(x => x));
        var group = bed.Cli("autoscaling", "describe-auto-scaling-groups", "--region", "us-east-1", "--auto-scaling-group-names", "cross-sell-asg").GetProperty("AutoScalingGroups")[0];
        Assert.Equal(2, group.GetProperty("MaxSize").GetInt32()); // raised to 3 for the roll, put back
        foreach (var id in after.Ids)
        {
            var i = bed.Instances("us-east-1", $"Name=instance-id,Values={id}").Single();
            Assert.Equal(ami.RecoveryPointId, i.GetProperty("ImageId").GetString());
            Assert.Equal("running", i.GetProperty("State").GetProperty("Name").GetString());
        }
        foreach (var id in before.Ids)
            Assert.Contains(bed.Instances("us-east-1", $"Name=instance-id,Values={id}").Single().GetProperty("State").GetProperty("Name").GetString(), new[] { "shutting-down", "terminated" });
        var v2 = bed.Cli("ec2", "describe-launch-template-versions", "--region", "us-east-1", "--launch-template-id", lt, "--versions", "2").GetProperty("LaunchTemplateVersions")[0];
        Assert.Equal(ami.RecoveryPointId, v2.GetProperty("LaunchTemplateData").GetProperty("ImageId").GetString());

        // Sampled before every change: 1 update + 2 x (raise, terminate) + MaxSize put back.
        Assert.Equal(new[] { "UpdateAutoScalingGroup", "SetDesiredCapacity", "TerminateInstanceInAutoScalingGroup", "SetDesiredCapacity", "TerminateInstanceInAutoScalingGroup", "UpdateAutoScalingGroup" },
            samples.Select(s => s.Action));
        Assert.All(samples, s => Assert.True(s.InService >= 2, $"{s.InService} in service before {s.Action}"));
        Assert.Contains(samples, s => s.Desired == 3);
        Assert.DoesNotContain(proxy.Requests, r => r.BodyText.Contains("Action=StartInstanceRefresh"));
    }

    [Fact]
    public void Preparing_a_roll_of_either_strategy_changes_nothing_and_lists_the_calls()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl, withDatabase: false);
        var ami = bed.Take(RecoveryPointKind.Ami);
        var lt = CreateGroup(bed, maxSize: 4);
        var before = GroupState(bed);
        var runtime = bed.Runtime();
        runtime.AutoScaling = r => new AutoScalingRollGateway(bed.Ctx, r);
        var replace = new RestoreEngine(runtime).Prepare(ami, new RestoreRequest { AutoScalingGroupName = "cross-sell-asg", Strategy = "Replace" }, "us-east-1", default);
        var refresh = new RestoreEngine(runtime).Prepare(ami, new RestoreRequest { AutoScalingGroupName = "cross-sell-asg" }, "us-east-1", default);
        Assert.Contains(replace.Steps, s => s.Action.Contains("UpdateAutoScalingGroup") && s.Action.Contains("from version 1"));
        Assert.Contains(replace.Steps, s => s.Action.Contains("SetDesiredCapacity 2 -> 4"));
        Assert.Contains(refresh.Steps, s => s.Action.Contains("StartInstanceRefresh") && s.Action.Contains("AutoRollback"));
        Assert.DoesNotContain(refresh.Steps, s => s.Action.Contains("UpdateAutoScalingGroup"));

        var after = GroupState(bed);
        Assert.Equal((before.InService, before.Desired, before.Version), (after.InService, after.Desired, after.Version));
        Assert.Equal(before.Ids, after.Ids);
        Assert.Single(bed.Cli("ec2", "describe-launch-template-versions", "--region", "us-east-1", "--launch-template-id", lt).GetProperty("LaunchTemplateVersions").EnumerateArray());
    }
}
