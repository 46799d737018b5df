using System.Diagnostics;
using System.Text.Json;
using FinBackup.Aws.Sandbox;
using FinBackup.Domain.Sandbox;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Recovery;

/// <summary>The application stacks the sandbox seeds in the primary region, checked from outside with the AWS CLI.</summary>
[Collection(MotoCollection.Name)]
public sealed class ApplicationStackSeedTests
{
    private readonly MotoServer _moto;

    public ApplicationStackSeedTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private JsonElement Cli(string region, params string[] args) => AwsCliJson.Run(_moto, region, args);

    [Fact]
    public async Task Each_application_gets_its_stack_in_the_primary_region_only_and_a_second_run_creates_nothing()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var estate = SandboxEstate.Bank();
        var watch = Stopwatch.StartNew();
        var first = await new SandboxSeeder(ctx, "us-east-1").SeedAsync(estate, null, CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"seeded in {seconds:0.0} s");
        Assert.Equal(5, first.Vpcs);
        Assert.Equal(20, first.Subnets);
        Assert.Equal(5, first.NatGateways);
        Assert.Equal(5 * 2 + 3, first.SecurityGroups);
        Assert.Equal(5, first.LoadBalancers);
        Assert.Equal(5, first.AutoScalingGroups);
        Assert.Equal(5, first.WebAcls);
        Assert.Equal(5, first.HostedZones);
        Assert.Equal(5, first.ReplicatedSecrets);
        Assert.Equal(5, first.Ec2Instances);

        var second = await new SandboxSeeder(ctx, "us-east-1").SeedAsync(estate, null, CancellationToken.None);
        Assert.Equal(0, second.Created);
        Assert.Equal(5, second.LoadBalancers);

        // ELBv2: an internet-facing ALB per application, with a listener forwarding to its target group.
        var lbs = Cli("us-east-1", "elbv2", "describe-load-balancers").GetProperty("LoadBalancers").EnumerateArray().ToList();
        Assert.Equal(5, lbs.Count);
        var alb = lbs.Single(l => l.GetProperty("LoadBalancerName").GetString() == "agent-payment-alb");
        Assert.Equal("internet-facing", alb.GetProperty("Scheme").GetString());
        var listener = Cli("us-east-1", "elbv2", "describe-listeners", "--load-balancer-arn", alb.GetProperty("LoadBalancerArn").GetString()!)
            .GetProperty("Listeners")[0];
        var tgArn = listener.GetProperty("DefaultActions")[0].GetProperty("TargetGroupArn").GetString();
        var tg = Cli("us-east-1", "elbv2", "describe-target-groups", "--names", "agent-payment-tg").GetProperty("TargetGroups")[0];
        Assert.Equal(tg.GetProperty("TargetGroupArn").GetString(), tgArn);
        Assert.Equal("/health", tg.GetProperty("HealthCheckPath").GetString());

        // Auto Scaling: the group on the launch template, in the two private subnets, registered with the target group.
        var asg = Cli("us-east-1", "autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "agent-payment-asg")
            .GetProperty("AutoScalingGroups")[0];
        Assert.Equal("agent-payment-lt", asg.GetProperty("LaunchTemplate").GetProperty("LaunchTemplateName").GetString());
        Assert.Equal(tgArn, asg.GetProperty("TargetGroupARNs")[0].GetString());
        Assert.Equal(2, asg.GetProperty("VPCZoneIdentifier").GetString()!.Split(',').Length);
        Assert.Equal("ELB", asg.GetProperty("HealthCheckType").GetString());

        // NAT gateway with its Elastic IP in the public subnet; private route table through it.
        var nats = Cli("us-east-1", "ec2", "describe-nat-gateways").GetProperty("NatGateways").EnumerateArray().ToList();
        Assert.Equal(5, nats.Count);
        Assert.Equal(5, Cli("us-east-1", "ec2", "describe-addresses").GetProperty("Addresses").GetArrayLength());
        var privateRt = Cli("us-east-1", "ec2", "describe-route-tables", "--filters", "Name=tag:Name,Values=agent-payment-private-rt").GetProperty("RouteTables")[0];
        Assert.Contains(privateRt.GetProperty("Routes").EnumerateArray(), r => r.TryGetProperty("NatGatewayId", out var n) && n.GetString()!.StartsWith("nat-"));

        // WAFv2: a regional web ACL per application, associated with the ALB.
        var acls = Cli("us-east-1", "wafv2", "list-web-acls", "--scope", "REGIONAL").GetProperty("WebACLs").EnumerateArray().ToList();
        Assert.Equal(5, acls.Count);
        var forAlb = Cli("us-east-1", "wafv2", "get-web-acl-for-resource", "--resource-arn", alb.GetProperty("LoadBalancerArn").GetString()!);
        Assert.Equal("agent-payment-waf", forAlb.GetProperty("WebACL").GetProperty("Name").GetString());

        // Route 53: the failover pair, PRIMARY an alias to the ALB with a health check, SECONDARY the placeholder.
        var zones = Cli("us-east-1", "route53", "list-hosted-zones").GetProperty("HostedZones").EnumerateArray().ToList();
        var zone = zones.Single(z => z.GetProperty("Name").GetString() == "agent-payment.finco.example.");
        var records = Cli("us-east-1", "route53", "list-resource-record-sets", "--hosted-zone-id", zone.GetProperty("Id").GetString()!)
            .GetProperty("ResourceRecordSets").EnumerateArray().Where(r => r.TryGetProperty("Failover", out _)).ToList();
        var primary = records.Single(r => r.GetProperty("Failover").GetString() == "PRIMARY");
        Assert.Equal(alb.GetProperty("DNSName").GetString()!.TrimEnd('.'), primary.GetProperty("AliasTarget").GetProperty("DNSName").GetString()!.TrimEnd('.'));
        Assert.False(string.IsNullOrEmpty(primary.GetProperty("HealthCheckId").GetString()));
        Assert.Equal("192.0.2.10", records.Single(r => r.GetProperty("Failover").GetString() == "SECONDARY").GetProperty("ResourceRecords")[0].GetProperty("Value").GetString());

        // Secrets: replicated to the DR region.
        var secret = Cli("us-east-1", "secretsmanager", "describe-secret", "--secret-id", "fin/restore/cross-sell");
        Assert.Equal("us-west-2", secret.GetProperty("ReplicationStatus")[0].GetProperty("Region").GetString());

        // The DR region holds no application infrastructure.
        Assert.Equal(0, Cli("us-west-2", "elbv2", "describe-load-balancers").GetProperty("LoadBalancers").GetArrayLength());
        Assert.Equal(0, Cli("us-west-2", "autoscaling", "describe-auto-scaling-groups").GetProperty("AutoScalingGroups").GetArrayLength());
        Assert.Equal(0, Cli("us-west-2", "ec2", "describe-nat-gateways").GetProperty("NatGateways").GetArrayLength());
        Assert.Equal(0, Cli("us-west-2", "wafv2", "list-web-acls", "--scope", "REGIONAL").GetProperty("WebACLs").GetArrayLength());
        Assert.All(Cli("us-west-2", "ec2", "describe-vpcs").GetProperty("Vpcs").EnumerateArray(), v => Assert.True(v.GetProperty("IsDefault").GetBoolean()));
    }
}
