using System.Text.Json;
using FinBackup.Aws;
using FinBackup.Aws.Recovery;
using FinBackup.Aws.Recovery.Failover;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Aws.Sandbox;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.Recovery.Failover;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;
using FinBackup.Domain.Sandbox;
using FinBackup.Domain.Waiting;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Recovery;

/// <summary>Invoke-FinFailover and Start-FinRecoveryDrill against moto (the seeded sandbox), checked from outside with the AWS CLI.</summary>
[Collection(MotoCollection.Name)]
public sealed class FailoverMotoTests
{
    private const string App = "Agent payment";
    private const string Dr = "us-west-2";
    private readonly MotoServer _moto;

    public FailoverMotoTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private JsonElement Cli(params string[] args) => AwsCliJson.Run(_moto, Dr, args);

    private static BackupPolicy Policy() => new()
    {
        Name = "finco", PrimaryRegion = "us-east-1", DrRegion = Dr,
        KmsKeys = { ["us-east-1"] = "alias/fin-backup", [Dr] = "alias/fin-backup" },
        Buckets = { ["us-east-1"] = "fin-backup-use1", [Dr] = "fin-backup-usw2" },
        Applications =
        {
            new ApplicationPolicy
            {
                Name = App, Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(1), Rto = TimeSpan.FromHours(2),
                RecoveryPoints = { RecoveryPointKindRequest.Ami, RecoveryPointKindRequest.RdsSnapshot }, DeclaredInstances = 1, RestoreSecret = "fin/restore/agent-payment",
            },
        },
    };

    /// <summary>Seeds the sandbox, exports the blueprint to both buckets, takes an AMI and a DB snapshot and copies both to the DR region.</summary>
    private static (AwsClientContext Ctx, BackupPolicy Policy) Bed(string endpoint)
    {
        var ctx = AwsTestContext.For(endpoint);
        new SandboxSeeder(ctx, "us-east-1").SeedAsync(SandboxEstate.Bank(), null, CancellationToken.None).GetAwaiter().GetResult();
        var policy = Policy();
        new BlueprintExporter().Export(policy, App, "us-east-1", new AwsRecoveryBlueprintReader(ctx, "us-east-1"),
            new S3BlueprintStore(ctx, "us-east-1"), new S3BlueprintStore(ctx, Dr), default);
        var runtime = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(ctx, r)) { PollInterval = TimeSpan.FromMilliseconds(10), WaitTimeout = TimeSpan.FromSeconds(60) };
        var instance = ctx.Ec2("us-east-1").DescribeInstancesAsync(new Amazon.EC2.Model.DescribeInstancesRequest()).Result.Reservations.SelectMany(r => r.Instances)
            .First(i => i.Tags.Any(t => t.Key == "fin:application" && t.Value == App) && i.State.Name == "running").InstanceId;
        var taker = new RecoveryPointTaker(runtime);
        var points = new List<FinRecoveryPoint>();
        foreach (var (kind, id, type) in new[] { (RecoveryPointKind.Ami, instance, FinResourceType.Ec2Instance), (RecoveryPointKind.RdsSnapshot, "agent-payment-db", FinResourceType.RdsDbInstance) })
        {
            var taken = taker.Take(new TakeRecoveryPointRequest { ResourceId = id, ResourceType = type, Region = "us-east-1", Application = App, Policy = policy }, kind, default);
            taker.WaitUntilDone(taken.Point, null, default);
            points.Add(Assert.Single(runtime.Provider("us-east-1", kind).List(new RecoveryPointQuery { RecoveryPointIds = { taken.Point.RecoveryPointId } }, default)));
        }
        var copies = new CopyCoordinator(runtime).Copy(points, new CopyToRegionRequest { Policy = policy, Wait = true }, null, default);
        Assert.All(copies, c => Assert.Null(c.Error));
        return (ctx, policy);
    }

    private static FailoverRequest Request(AwsClientContext ctx, BackupPolicy policy, string? drillId = null)
    {
        var stored = new S3BlueprintStore(ctx, Dr).Get("fin-backup-usw2", BlueprintLayout.LatestKey(App), default)!;
        var request = new FailoverRequest
        {
            Policy = policy, Application = policy.FindApplication(App), Blueprint = stored.Blueprint, BlueprintKey = stored.Key, Region = Dr,
            SecretName = policy.FindApplication(App).RestoreSecret, DrillId = drillId,
        };
        FailoverPoints.Select(request, new RecoveryPointProviderCatalog(ctx, Dr), default);
        return request;
    }

    private static FailoverEngine Engine(IFailoverGateway gateway) =>
        new(gateway, waiter: new Waiter(sleep: (t, ct) => ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(20))))
        {
            WaitPolicy = new WaitPolicy { FirstDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(60) },
        };

    private int Count(string service, string op, string query, params string[] extra) =>
        Cli(new[] { service, op }.Concat(extra).Concat(new[] { "--query", query }).ToArray()).GetInt32();

    /// <summary>Every kind a failover makes, counted in the DR region with the AWS CLI.</summary>
    private Dictionary<string, int> Inventory() => new()
    {
        ["vpcs"] = Count("ec2", "describe-vpcs", "length(Vpcs)"),
        ["subnets"] = Count("ec2", "describe-subnets", "length(Subnets)"),
        ["igws"] = Count("ec2", "describe-internet-gateways", "length(InternetGateways)"),
        ["eips"] = Count("ec2", "describe-addresses", "length(Addresses)"),
        ["nats"] = Count("ec2", "describe-nat-gateways", "length(NatGateways[?State!='deleted'])"),
        ["routeTables"] = Count("ec2", "describe-route-tables", "length(RouteTables)"),
        ["securityGroups"] = Count("ec2", "describe-security-groups", "length(SecurityGroups)"),
        ["launchTemplates"] = Count("ec2", "describe-launch-templates", "length(LaunchTemplates)"),
        ["loadBalancers"] = Count("elbv2", "describe-load-balancers", "length(LoadBalancers)"),
        ["targetGroups"] = Count("elbv2", "describe-target-groups", "length(TargetGroups)"),
        ["listeners"] = Cli("elbv2", "describe-load-balancers", "--query", "LoadBalancers[].LoadBalancerArn").EnumerateArray()
            .Sum(lb => Count("elbv2", "describe-listeners", "length(Listeners)", "--load-balancer-arn", lb.GetString()!)),
        ["webAcls"] = Count("wafv2", "list-web-acls", "length(WebACLs)", "--scope", "REGIONAL"),
        ["asgs"] = Count("autoscaling", "describe-auto-scaling-groups", "length(AutoScalingGroups)"),
        ["dbs"] = Count("rds", "describe-db-instances", "length(DBInstances)"),
        ["dbSubnetGroups"] = Count("rds", "describe-db-subnet-groups", "length(DBSubnetGroups)"),
        ["instances"] = Count("ec2", "describe-instances", "length(Reservations[].Instances[?State.Name!='terminated'][])"),
    };

    [Fact]
    public void A_failover_rebuilds_the_stack_in_the_DR_region_switches_DNS_and_a_second_run_creates_nothing()
    {
        var (ctx, policy) = Bed(_moto.EndpointUrl);
        using var _ = ctx;
        var before = Inventory();
        Assert.Equal(0, before["loadBalancers"]);
        var request = Request(ctx, policy);
        Assert.NotNull(request.Image);
        Assert.Equal(Dr, request.Image!.Region);
        Assert.True(request.Image.IsCopy);

        var steps = new List<string>();
        var result = Engine(new AwsFailoverGateway(ctx, Dr)).Run(request, (s, n) => steps.Add(s.Name + ":" + s.Outcome), default);
        Assert.True(result.Status == "Succeeded", result.Error + "\n" + result.StepsText);
        Assert.Equal(FailoverIds.ForFailover(App, Dr), result.FailoverId);
        Assert.Equal(10, result.Steps.Length);
        Assert.All(result.Steps, s => Assert.Equal("Succeeded", s.Outcome));
        Assert.All(result.Steps, s => Assert.True(s.StartedAt <= s.CompletedAt));
        Assert.Equal(new[] { "Network", "Security", "LoadBalancer", "Waf", "Database", "Compute", "Dns" }, result.Tiers.Select(t => t.Tier).ToArray());
        Assert.True(result.RtoMet);
        Assert.Contains(steps, s => s.EndsWith(":Pending"));

        // From outside.
        var vpc = Cli("ec2", "describe-vpcs", "--filters", $"Name=tag:fin:failover-id,Values={result.FailoverId}").GetProperty("Vpcs").EnumerateArray().Single();
        var vpcId = vpc.GetProperty("VpcId").GetString()!;
        Assert.Equal("10.12.0.0/16", vpc.GetProperty("CidrBlock").GetString());
        Assert.Equal(4, Count("ec2", "describe-subnets", "length(Subnets)", "--filters", $"Name=vpc-id,Values={vpcId}"));
        Assert.Equal(new[] { "us-west-2a", "us-west-2b" }, Cli("ec2", "describe-subnets", "--filters", $"Name=vpc-id,Values={vpcId}", "--query", "Subnets[].AvailabilityZone")
            .EnumerateArray().Select(e => e.GetString()).Distinct().OrderBy(x => x).ToArray());
        var nat = Cli("ec2", "describe-nat-gateways", "--filter", $"Name=vpc-id,Values={vpcId}").GetProperty("NatGateways").EnumerateArray().Single();
        Assert.Equal("available", nat.GetProperty("State").GetString());
        var natId = nat.GetProperty("NatGatewayId").GetString()!;
        var routes = Cli("ec2", "describe-route-tables", "--filters", $"Name=vpc-id,Values={vpcId}", "--query", "RouteTables[].Routes[].[NatGatewayId,GatewayId]").GetRawText();
        Assert.Contains(natId, routes);
        Assert.Contains("igw-", routes);
        var lb = Cli("elbv2", "describe-load-balancers", "--names", "agent-payment-alb").GetProperty("LoadBalancers").EnumerateArray().Single();
        var lbArn = lb.GetProperty("LoadBalancerArn").GetString()!;
        var lbDns = lb.GetProperty("DNSName").GetString()!;
        Assert.Equal(vpcId, lb.GetProperty("VpcId").GetString());
        var listener = Cli("elbv2", "describe-listeners", "--load-balancer-arn", lbArn).GetProperty("Listeners").EnumerateArray().Single();
        var tgArn = listener.GetProperty("DefaultActions")[0].GetProperty("TargetGroupArn").GetString()!;
        Assert.Equal("agent-payment-tg", Cli("elbv2", "describe-target-groups", "--target-group-arns", tgArn).GetProperty("TargetGroups")[0].GetProperty("TargetGroupName").GetString());
        // Security group rules remapped: the app group admits the NEW ALB group, not the primary's.
        var groups = Cli("ec2", "describe-security-groups", "--filters", $"Name=vpc-id,Values={vpcId}").GetProperty("SecurityGroups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("GroupName").GetString()!, g => g);
        Assert.Equal(groups["agent-payment-alb-sg"].GetProperty("GroupId").GetString(),
            groups["agent-payment-app-sg"].GetProperty("IpPermissions")[0].GetProperty("UserIdGroupPairs")[0].GetProperty("GroupId").GetString());
        // ASG on the DR AMI copy, attached to the target group.
        var asg = Cli("autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "agent-payment-asg").GetProperty("AutoScalingGroups").EnumerateArray().Single();
        Assert.Equal(tgArn, asg.GetProperty("TargetGroupARNs")[0].GetString());
        var ltId = asg.GetProperty("LaunchTemplate").GetProperty("LaunchTemplateId").GetString()!;
        var image = Cli("ec2", "describe-launch-template-versions", "--launch-template-id", ltId, "--query", "LaunchTemplateVersions[0].LaunchTemplateData.ImageId").GetString();
        Assert.Equal(request.Image.RecoveryPointId, image);
        Assert.Equal(Dr, Cli("ec2", "describe-images", "--image-ids", image!, "--query", "Images[0].ImageId").GetString() == image ? Dr : "elsewhere");
        // WAF associated with the new ALB, with the blueprint's rule.
        var acl = Cli("wafv2", "get-web-acl-for-resource", "--resource-arn", lbArn).GetProperty("WebACL");
        Assert.Equal("agent-payment-waf", acl.GetProperty("Name").GetString());
        Assert.Equal("rate-limit", acl.GetProperty("Rules")[0].GetProperty("Name").GetString());
        // The database restored from the DR snapshot copy, in the new VPC's subnet group.
        var db = Cli("rds", "describe-db-instances", "--db-instance-identifier", "agent-payment-db").GetProperty("DBInstances")[0];
        Assert.Equal("available", db.GetProperty("DBInstanceStatus").GetString());
        Assert.Equal(vpcId, db.GetProperty("DBSubnetGroup").GetProperty("VpcId").GetString());
        // (The sandbox's primary DB sits in its account's default security group, outside the blueprint: no group is remapped for it.)
        // Route 53: the SECONDARY failover record aliases the DR ALB.
        var zone = AwsCliJson.Run(_moto, "us-east-1", "route53", "list-hosted-zones", "--query", "HostedZones[?Name=='agent-payment.finco.example.'].Id | [0]").GetString()!;
        var secondary = AwsCliJson.Run(_moto, "us-east-1", "route53", "list-resource-record-sets", "--hosted-zone-id", zone,
            "--query", "ResourceRecordSets[?Failover=='SECONDARY'] | [0]");
        Assert.Equal(lbDns.TrimEnd('.'), secondary.GetProperty("AliasTarget").GetProperty("DNSName").GetString()!.TrimEnd('.'));
        Assert.Equal(lbDns, result.LoadBalancerDnsName);

        // A second run creates nothing new: everything is adopted.
        var afterFirst = Inventory();
        var again = Engine(new AwsFailoverGateway(ctx, Dr)).Run(Request(ctx, policy), null, default);
        Assert.True(again.Status == "Succeeded", again.Error);
        Assert.Equal(0, again.Created);
        Assert.Equal(result.Created, again.Adopted);
        Assert.Equal(afterFirst, Inventory());
    }

    /// <summary>Fails one step the way a crash would stop it: after the step has made part of its resources.</summary>
    private sealed class FailAt : IFailoverGateway
    {
        private readonly IFailoverGateway _inner;
        private readonly FailoverResourceKind _kind;
        public FailAt(IFailoverGateway inner, FailoverResourceKind kind) { _inner = inner; _kind = kind; }
        public string Region => _inner.Region;
        public FailoverResource? Find(FailoverResourceRequest r, CancellationToken ct) => _inner.Find(r, ct);
        public FailoverResource Create(FailoverResourceRequest r, CancellationToken ct) =>
            r.Kind == _kind ? throw new FinBackupException("FinAwsRequestFailed", FinErrorKind.ResourceUnavailable, "injected failure") : _inner.Create(r, ct);
        public FailoverResource? Refresh(FailoverResource x, CancellationToken ct) => _inner.Refresh(x, ct);
        public FailoverResource? FindExistingVpc(string v, CancellationToken ct) => _inner.FindExistingVpc(v, ct);
        public IReadOnlyList<FailoverResource> ListTagged(string id, CancellationToken ct) => _inner.ListTagged(id, ct);
        public void Detach(FailoverResource x, CancellationToken ct) => _inner.Detach(x, ct);
        public void Delete(FailoverResource x, CancellationToken ct) => _inner.Delete(x, ct);
        public FailoverTargetHealth TargetHealth(string arn, CancellationToken ct) => _inner.TargetHealth(arn, ct);
        public bool? Resolves(string h, CancellationToken ct) => _inner.Resolves(h, ct);
    }

    [Fact]
    public void A_failover_stopped_mid_way_completes_on_a_rerun_without_duplicates_and_a_drill_leaves_nothing_behind_with_its_record_in_the_bucket()
    {
        var (ctx, policy) = Bed(_moto.EndpointUrl);
        using var _ = ctx;
        var empty = Inventory();

        // Stopped at the listener: target group and load balancer exist, the listener does not.
        var stopped = Engine(new FailAt(new AwsFailoverGateway(ctx, Dr), FailoverResourceKind.Listener)).Run(Request(ctx, policy), null, default);
        Assert.Equal("Failed", stopped.Status);
        Assert.Equal("FinAwsRequestFailed", stopped.ErrorId);
        var failed = Assert.Single(stopped.Steps, s => s.Outcome == "Failed");
        Assert.Equal(RtoEstimator.TierLoadBalancer, failed.Tier);
        Assert.All(stopped.Steps.Where(s => s.Order > failed.Order), s => Assert.Equal("Planned", s.Outcome));
        Assert.Equal(1, Count("elbv2", "describe-load-balancers", "length(LoadBalancers)"));

        // Cancelled at the start of a run: nothing more is made.
        using (var cts = new CancellationTokenSource())
        {
            cts.Cancel();
            var cancelled = Engine(new AwsFailoverGateway(ctx, Dr)).Run(Request(ctx, policy), null, cts.Token);
            Assert.Equal("Cancelled", cancelled.Status);
            Assert.Equal(0, cancelled.Created);
        }

        var resumed = Engine(new AwsFailoverGateway(ctx, Dr)).Run(Request(ctx, policy), null, default);
        Assert.True(resumed.Status == "Succeeded", resumed.Error);
        Assert.True(resumed.Adopted > 0);
        var full = Inventory();
        Assert.Equal(empty["vpcs"] + 1, full["vpcs"]);
        Assert.Equal(empty["loadBalancers"] + 1, full["loadBalancers"]);
        Assert.Equal(empty["targetGroups"] + 1, full["targetGroups"]);
        Assert.Equal(1, full["listeners"]);
        Assert.Equal(empty["nats"] + 1, full["nats"]);
        Assert.Equal(empty["eips"] + 1, full["eips"]);
        Assert.Equal(empty["asgs"] + 1, full["asgs"]);
        Assert.Equal(empty["dbs"] + 1, full["dbs"]);
        Assert.Equal(empty["webAcls"] + 1, full["webAcls"]);

        // A drill beside it: its own names and tags, validated, recorded, torn down to exactly what was there before.
        var store = new S3RecoveryDrillStore(ctx, Dr);
        var drill = new RecoveryDrill(new AwsFailoverGateway(ctx, Dr), waiter: new Waiter(sleep: (t, ct) => ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(20))))
        {
            WaitPolicy = new WaitPolicy { FirstDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(60) },
        };
        var record = drill.Run(Request(ctx, policy, FailoverIds.NewDrillId(DateTime.UtcNow)), new RecoveryDrillOptions
        {
            Store = store, Bucket = "fin-backup-usw2", KmsKeyId = "alias/fin-backup", RunBy = "arn:aws:iam::123456789012:user/drill",
        }, null, default);
        Assert.True(record.Outcome == "Succeeded", record.Error + " " + string.Join("; ", record.Validations.Select(v => v.Name + "=" + v.Passed + " " + v.Detail)));
        Assert.True(record.TornDown, record.Error);
        Assert.Contains(record.Validations, v => v.Name.StartsWith("TargetGroupHealthy:") && v.Passed);
        Assert.Contains(record.Validations, v => v.Name.StartsWith("DatabaseAvailable:") && v.Passed);
        Assert.Contains(record.Validations, v => v.Name.StartsWith("DatabaseEndpointResolves:") && v.Skipped);
        Assert.NotNull(record.MeasuredRto);
        Assert.NotNull(record.AchievedRpo);
        Assert.Equal(2, record.PointsUsed.Count);
        Assert.Contains(record.Steps, s => s.Name == "Route 53 failover switch" && s.Outcome == "Skipped");
        Assert.Equal(full, Inventory());
        Assert.Equal(0, Count("ec2", "describe-vpcs", "length(Vpcs)", "--filters", $"Name=tag:fin:drill-id,Values={record.DrillId}"));
        Assert.Equal(1, Count("elbv2", "describe-load-balancers", "length(LoadBalancers)"));

        var key = S3RecoveryDrillStore.KeyFor(App, record.DrillId);
        var head = Cli("s3api", "head-object", "--bucket", "fin-backup-usw2", "--key", key);
        Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
        var listed = Assert.Single(store.List("fin-backup-usw2", App, default));
        Assert.Equal(record.DrillId, listed.DrillId);
        Assert.Equal(record.MeasuredRto, listed.MeasuredRto);
        Assert.Equal($"s3://fin-backup-usw2/{key}", listed.Location);
        // The real failover's resources were not touched by the teardown; DNS still points at the failover's ALB.
        Assert.Equal("agent-payment-alb", Cli("elbv2", "describe-load-balancers", "--query", "LoadBalancers[0].LoadBalancerName").GetString());
    }
}
