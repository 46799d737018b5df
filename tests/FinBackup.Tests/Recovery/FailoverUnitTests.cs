using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.Recovery.Failover;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Waiting;

namespace FinBackup.Tests.Recovery;

/// <summary>An in-memory region: resources by failover id and logical name; counts every create and delete.</summary>
internal sealed class InMemoryFailoverGateway : IFailoverGateway
{
    public sealed class Item
    {
        public FailoverResource Resource { get; set; } = new();
        public string? FailoverId { get; set; }
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
        public FailoverResourceRequest? Request { get; set; }
        public int Polls { get; set; }
    }

    private int _next;
    public List<Item> Items { get; } = new();
    public List<FailoverResourceKind> Deleted { get; } = new();
    public int Creates { get; private set; }
    /// <summary>Throw on the create of this kind (once, when FailOnce).</summary>
    public FailoverResourceKind? FailOn { get; set; }
    public bool FailOnce { get; set; } = true;
    /// <summary>Polls before a NAT gateway, load balancer or DB is ready.</summary>
    public int PollsUntilReady { get; set; } = 2;
    public Action<FailoverResourceRequest>? OnCreate { get; set; }

    public string Region => "us-west-2";

    public FailoverResource? Find(FailoverResourceRequest r, CancellationToken ct) =>
        Items.FirstOrDefault(i => i.FailoverId == r.FailoverId && i.Resource.Kind == r.Kind && i.Resource.LogicalName == r.LogicalName)?.Resource is { } f ? Copy(f) : null;

    public FailoverResource Create(FailoverResourceRequest r, CancellationToken ct)
    {
        if (FailOn == r.Kind)
        {
            if (FailOnce) FailOn = null;
            throw new FinBackupException("FinAwsRequestFailed", FinErrorKind.ResourceUnavailable, $"injected failure creating {r.Kind}");
        }
        OnCreate?.Invoke(r);
        Creates++;
        var slow = r.Kind is FailoverResourceKind.NatGateway or FailoverResourceKind.LoadBalancer or FailoverResourceKind.DbInstance;
        var id = r.Kind + "-" + (++_next);
        var res = new FailoverResource
        {
            Kind = r.Kind, LogicalName = r.LogicalName, Id = id, Arn = "arn:" + id, Name = r.Name, Ready = !slow, State = slow ? "pending" : "available",
        };
        if (r.Kind == FailoverResourceKind.LoadBalancer)
        {
            res.Attributes["DnsName"] = r.Name + ".us-west-2.elb.example";
            res.Attributes["CanonicalHostedZoneId"] = "Z1";
        }
        if (r.Kind == FailoverResourceKind.DbInstance) res.Attributes["Endpoint"] = r.Name + ".rds.example:5432";
        Items.Add(new Item { Resource = res, FailoverId = r.FailoverId, Tags = new Dictionary<string, string>(r.Tags), Request = r });
        return Copy(res);
    }

    public FailoverResource? Refresh(FailoverResource x, CancellationToken ct)
    {
        var item = Items.FirstOrDefault(i => i.Resource.Id == x.Id);
        if (item == null) return null;
        if (!item.Resource.Ready && ++item.Polls >= PollsUntilReady)
        {
            item.Resource.Ready = true;
            item.Resource.State = "available";
        }
        return Copy(item.Resource);
    }

    public FailoverResource? FindExistingVpc(string v, CancellationToken ct) =>
        Items.FirstOrDefault(i => i.Resource.Kind == FailoverResourceKind.Vpc && (i.Resource.Id == v || i.Resource.Name == v))?.Resource is { } f ? Copy(f) : null;

    public IReadOnlyList<FailoverResource> ListTagged(string id, CancellationToken ct) =>
        Items.Where(i => i.FailoverId == id && i.Resource.Kind is not (FailoverResourceKind.Listener or FailoverResourceKind.SecurityGroupRules
            or FailoverResourceKind.WebAclAssociation or FailoverResourceKind.DnsRecord)).Select(i => Copy(i.Resource)).ToList();

    public void Detach(FailoverResource x, CancellationToken ct) { }

    public void Delete(FailoverResource x, CancellationToken ct)
    {
        Deleted.Add(x.Kind);
        Items.RemoveAll(i => i.Resource.Id == x.Id);
        // Parts without tags of their own go with their parent, as in AWS.
        Items.RemoveAll(i => i.Request != null && (i.Request.GroupId == x.Id || (i.Request.LoadBalancerArn != null && i.Request.LoadBalancerArn == x.Arn)));
    }

    public FailoverTargetHealth TargetHealth(string arn, CancellationToken ct) => new() { Registered = 1, Healthy = 1 };
    public bool? Resolves(string host, CancellationToken ct) => true;

    public int Count(FailoverResourceKind kind) => Items.Count(i => i.Resource.Kind == kind);
    public Item One(FailoverResourceKind kind) => Items.Single(i => i.Resource.Kind == kind);

    private static FailoverResource Copy(FailoverResource r) => new()
    {
        Kind = r.Kind, LogicalName = r.LogicalName, Id = r.Id, Arn = r.Arn, Name = r.Name, Ready = r.Ready, State = r.State, External = r.External,
        Attributes = new Dictionary<string, string>(r.Attributes),
    };
}

internal sealed class InMemoryDrillStore : IRecoveryDrillStore
{
    public List<(string Bucket, RecoveryDrillRecord Record, string Key)> Puts { get; } = new();
    public string Put(string bucket, RecoveryDrillRecord record, string kmsKeyId, CancellationToken ct)
    {
        Puts.Add((bucket, record, kmsKeyId));
        return $"s3://{bucket}/fin-drills/x/{record.DrillId}.json";
    }
    public IReadOnlyList<RecoveryDrillRecord> List(string bucket, string? application, CancellationToken ct) =>
        Puts.Where(p => p.Bucket == bucket && (application == null || p.Record.Application == application)).Select(p => p.Record).ToList();
}

public sealed class FailoverUnitTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>The blueprint of the sandbox's Agent payment stack, as Export-FinRecoveryBlueprint writes it.</summary>
    internal static RecoveryBlueprint Blueprint() => new()
    {
        Application = "Agent payment", Policy = "finco", Region = "us-east-1", CreatedAt = T0.AddMinutes(-30),
        Network = new BlueprintNetwork
        {
            VpcName = "agent-payment-vpc", Cidr = "10.12.0.0/16", InternetGateway = true,
            Subnets =
            {
                new BlueprintSubnet { Name = "agent-payment-private-a", AvailabilityZone = "a", Cidr = "10.12.10.0/24" },
                new BlueprintSubnet { Name = "agent-payment-private-b", AvailabilityZone = "b", Cidr = "10.12.11.0/24" },
                new BlueprintSubnet { Name = "agent-payment-public-a", AvailabilityZone = "a", Cidr = "10.12.0.0/24", Public = true },
                new BlueprintSubnet { Name = "agent-payment-public-b", AvailabilityZone = "b", Cidr = "10.12.1.0/24", Public = true },
            },
            RouteTables =
            {
                new BlueprintRouteTable { Name = "agent-payment-private-rt", Subnets = { "agent-payment-private-a", "agent-payment-private-b" }, Routes = { "0.0.0.0/0 -> nat:agent-payment-nat-a", "10.12.0.0/16 -> local" } },
                new BlueprintRouteTable { Name = "agent-payment-public-rt", Subnets = { "agent-payment-public-a", "agent-payment-public-b" }, Routes = { "0.0.0.0/0 -> internet-gateway", "10.12.0.0/16 -> local" } },
            },
            NatGateways = { new BlueprintNatGateway { Name = "agent-payment-nat-a", AvailabilityZone = "a", Subnet = "agent-payment-public-a" } },
        },
        SecurityGroups =
        {
            new BlueprintSecurityGroup { Name = "agent-payment-alb-sg", Description = "alb", Ingress = { new BlueprintRule { Protocol = "tcp", FromPort = 443, ToPort = 443, Cidrs = { "0.0.0.0/0" } } } },
            new BlueprintSecurityGroup { Name = "agent-payment-app-sg", Description = "app", Ingress = { new BlueprintRule { Protocol = "tcp", FromPort = 8080, ToPort = 8080, SourceGroups = { "agent-payment-alb-sg" } } } },
            new BlueprintSecurityGroup { Name = "agent-payment-db-sg", Description = "db", Ingress = { new BlueprintRule { Protocol = "tcp", FromPort = 5432, ToPort = 5432, SourceGroups = { "agent-payment-app-sg", "external:default" } } } },
        },
        LoadBalancer = new BlueprintLoadBalancer
        {
            Name = "agent-payment-alb", Scheme = "internet-facing", Type = "application", Subnets = { "agent-payment-public-a", "agent-payment-public-b" },
            SecurityGroups = { "agent-payment-alb-sg" }, Listeners = { new BlueprintListener { Protocol = "HTTP", Port = 80, TargetGroup = "agent-payment-tg" } },
            TargetGroups = { new BlueprintTargetGroup { Name = "agent-payment-tg", Protocol = "HTTP", Port = 8080, HealthCheckPath = "/health" } },
        },
        LaunchTemplate = new BlueprintLaunchTemplate { Name = "agent-payment-lt", ImageId = "ami-primary", InstanceType = "m5.large", SecurityGroups = { "agent-payment-app-sg" } },
        AutoScalingGroup = new BlueprintAutoScalingGroup { Name = "agent-payment-asg", MinSize = 0, MaxSize = 2, DesiredCapacity = 0, Subnets = { "agent-payment-private-a", "agent-payment-private-b" }, TargetGroups = { "agent-payment-tg" } },
        WebAcl = new BlueprintWebAcl { Name = "agent-payment-waf", DefaultAction = "Allow", Rules = { "{\"Name\":\"rate-limit\"}" } },
        Dns = new BlueprintDns
        {
            Zone = "agent-payment.finco.example.",
            Records =
            {
                new BlueprintRecord { Name = "app.agent-payment.finco.example.", Type = "A", SetIdentifier = "primary", Failover = "PRIMARY", Target = "alias:load-balancer" },
                new BlueprintRecord { Name = "app.agent-payment.finco.example.", Type = "A", SetIdentifier = "secondary", Failover = "SECONDARY", Target = "192.0.2.10", Ttl = 60 },
            },
        },
        Databases = { new BlueprintDatabase { Identifier = "agent-payment-db", InstanceClass = "db.m5.large", Engine = "postgres", SecurityGroups = { "agent-payment-db-sg" } } },
        RestoreSecretNames = { "fin/restore/agent-payment" },
    };

    internal static FailoverRequest Request(RecoveryBlueprint? bp = null, string? drillId = null)
    {
        var app = new ApplicationPolicy { Name = "Agent payment", Rto = TimeSpan.FromHours(2), RestoreSecret = "fin/restore/agent-payment", DeclaredInstances = 1 };
        var policy = new BackupPolicy { Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2", Applications = { app } };
        return new FailoverRequest
        {
            Policy = policy, Application = app, Blueprint = bp ?? Blueprint(), Region = "us-west-2", DrillId = drillId, SecretName = app.RestoreSecret,
            Image = new FinRecoveryPoint { RecoveryPointId = "ami-dr", Kind = RecoveryPointKind.Ami, CreatedAt = T0.AddMinutes(-40), Region = "us-west-2" },
            DbSnapshots = { ["agent-payment-db"] = new FinRecoveryPoint { RecoveryPointId = "snap-dr", Kind = RecoveryPointKind.RdsSnapshot, CreatedAt = T0.AddMinutes(-50), Region = "us-west-2" } },
        };
    }

    /// <summary>A clock that moves one second each time it is read.</summary>
    private sealed class Clock
    {
        public DateTime Now = T0;
        public DateTime Read() => Now = Now.AddSeconds(1);
    }

    private static FailoverEngine Engine(IFailoverGateway g, Clock? clock = null)
    {
        clock ??= new Clock();
        return new FailoverEngine(g, clock.Read, new Waiter(clock.Read, (t, ct) => { })) { WaitPolicy = new WaitPolicy { Timeout = TimeSpan.FromHours(1) } };
    }

    [Fact]
    public void The_plan_is_ordered_network_first_DNS_last_and_WhatIf_creates_nothing()
    {
        var g = new InMemoryFailoverGateway();
        var plan = Engine(g).PlanResult(Request());
        Assert.Equal("Planned", plan.Status);
        Assert.Equal(new[]
        {
            "Network", "Network", "Network", "Security", "Security", "LoadBalancer", "Waf", "Database", "Compute", "Dns",
        }, plan.Steps.Select(s => s.Tier).ToArray());
        Assert.Equal(Enumerable.Range(1, 10), plan.Steps.Select(s => s.Order));
        Assert.All(plan.Steps, s => Assert.Equal("Planned", s.Outcome));
        Assert.Contains("NatGateway agent-payment-nat-a", plan.Steps[1].Resources);
        Assert.Contains("DnsRecord", plan.Steps[9].Resources);
        Assert.Equal(0, g.Creates);
        Assert.Contains("Route 53 failover switch", plan.StepsText);
        Assert.NotNull(plan.EstimatedRto);
    }

    [Fact]
    public void A_run_builds_every_resource_once_remaps_rules_uses_the_DR_copies_and_switches_DNS_last()
    {
        var g = new InMemoryFailoverGateway();
        var clock = new Clock();
        var seen = new List<string>();
        var result = Engine(g, clock).Run(Request(), (s, n) => seen.Add($"{s.Order}:{s.Outcome}"), default);

        Assert.Equal("Succeeded", result.Status);
        Assert.Equal("failover-agent-payment-us-west-2", result.FailoverId);
        Assert.Equal(1, g.Count(FailoverResourceKind.Vpc));
        Assert.Equal(4, g.Count(FailoverResourceKind.Subnet));
        Assert.Equal(1, g.Count(FailoverResourceKind.NatGateway));
        Assert.Equal(1, g.Count(FailoverResourceKind.ElasticIp));
        Assert.Equal(3, g.Count(FailoverResourceKind.SecurityGroup));
        Assert.Equal(1, g.Count(FailoverResourceKind.Listener));
        Assert.Equal(1, g.Count(FailoverResourceKind.DnsRecord));
        Assert.Equal(g.Creates, result.Created);
        Assert.Equal(0, result.Adopted);

        string IdOf(FailoverResourceKind k, string logical) => g.Items.Single(i => i.Resource.Kind == k && i.Resource.LogicalName == logical).Resource.Id;
        var appRules = g.Items.Single(i => i.Resource.LogicalName == "agent-payment-app-sg/ingress").Request!;
        Assert.Equal(IdOf(FailoverResourceKind.SecurityGroup, "agent-payment-app-sg"), appRules.GroupId);
        Assert.Equal(new[] { IdOf(FailoverResourceKind.SecurityGroup, "agent-payment-alb-sg") }, appRules.Rules.Single().SourceGroupIds);
        // An external source (a group outside the blueprint) is not carried over.
        Assert.Equal(new[] { IdOf(FailoverResourceKind.SecurityGroup, "agent-payment-app-sg") },
            g.Items.Single(i => i.Resource.LogicalName == "agent-payment-db-sg/ingress").Request!.Rules.Single().SourceGroupIds);
        var privateRt = g.Items.Single(i => i.Resource.LogicalName == "agent-payment-private-rt").Request!;
        Assert.Equal(IdOf(FailoverResourceKind.NatGateway, "agent-payment-nat-a"), privateRt.Routes.Single().NatGatewayId);
        Assert.Equal("us-west-2a", g.Items.Single(i => i.Resource.LogicalName == "agent-payment-private-a").Request!.AvailabilityZone);
        Assert.Equal("ami-dr", g.One(FailoverResourceKind.LaunchTemplate).Request!.ImageId);
        var asg = g.One(FailoverResourceKind.AutoScalingGroup).Request!;
        Assert.Equal(new[] { "arn:" + IdOf(FailoverResourceKind.TargetGroup, "agent-payment-tg") }, asg.TargetGroupArns);
        Assert.Equal(1, asg.DesiredCapacity); // at least one instance, even when the primary's desired capacity is 0
        var db = g.One(FailoverResourceKind.DbInstance).Request!;
        Assert.Equal("snap-dr", db.DbSnapshotId);
        Assert.Equal("fin/restore/agent-payment", db.SecretName);
        Assert.Equal(IdOf(FailoverResourceKind.DbSubnetGroup, "agent-payment-vpc-db-subnets"), db.DbSubnetGroupName);
        var dns = g.One(FailoverResourceKind.DnsRecord).Request!;
        Assert.Equal("agent-payment-alb.us-west-2.elb.example", dns.AliasDnsName);
        Assert.Equal("secondary", dns.Record!.SetIdentifier);
        Assert.Equal("agent-payment-alb.us-west-2.elb.example", result.LoadBalancerDnsName);
        Assert.Equal(g.Items.Last().Resource.Kind, FailoverResourceKind.DnsRecord);
        // Tags: the failover id and the logical name on every resource; the application tag (not a drill).
        Assert.All(g.Items, i => Assert.Equal(result.FailoverId, i.Tags[FailoverIds.TagFailoverId]));
        Assert.All(g.Items, i => Assert.Equal("Agent payment", i.Tags[FinTags.Application]));

        // Timings: each step recorded start/end; progress before and after each; tiers sum their steps; total against the RTO.
        Assert.All(result.Steps, s => Assert.True(s.CompletedAt > s.StartedAt));
        Assert.Equal(20, seen.Count);
        Assert.Equal(result.Steps.Where(s => s.Tier == "Network").Sum(s => s.Duration!.Value.Ticks), result.Tiers.Single(t => t.Tier == "Network").Duration.Ticks);
        Assert.Equal(result.CompletedAt - result.StartedAt, result.Duration);
        Assert.True(result.RtoMet);
    }

    [Fact]
    public void A_second_run_adopts_everything_and_creates_nothing()
    {
        var g = new InMemoryFailoverGateway();
        var first = Engine(g).Run(Request(), null, default);
        var creates = g.Creates;
        var second = Engine(g).Run(Request(), null, default);
        Assert.Equal("Succeeded", second.Status);
        Assert.Equal(creates, g.Creates);
        Assert.Equal(0, second.Created);
        Assert.Equal(first.Created, second.Adopted);
    }

    [Theory]
    [InlineData(FailoverResourceKind.NatGateway)]
    [InlineData(FailoverResourceKind.Listener)]
    [InlineData(FailoverResourceKind.DbInstance)]
    [InlineData(FailoverResourceKind.AutoScalingGroup)]
    [InlineData(FailoverResourceKind.DnsRecord)]
    public void A_run_failing_at_a_step_stops_there_and_a_rerun_completes_without_duplicates(FailoverResourceKind failAt)
    {
        var g = new InMemoryFailoverGateway { FailOn = failAt };
        var stopped = Engine(g).Run(Request(), null, default);
        Assert.Equal("Failed", stopped.Status);
        var failed = Assert.Single(stopped.Steps, s => s.Outcome == "Failed");
        Assert.Contains("injected failure", failed.Error);
        Assert.Contains($"Step {failed.Order}", stopped.Error);
        Assert.All(stopped.Steps.Where(s => s.Order > failed.Order), s => Assert.Equal("Planned", s.Outcome));
        Assert.Null(stopped.RtoMet);

        var resumed = Engine(g).Run(Request(), null, default);
        Assert.Equal("Succeeded", resumed.Status);
        Assert.True(resumed.Adopted > 0);
        var clean = new InMemoryFailoverGateway();
        Engine(clean).Run(Request(), null, default);
        foreach (var kind in Enum.GetValues<FailoverResourceKind>()) Assert.Equal(clean.Count(kind), g.Count(kind));
    }

    [Fact]
    public void Cancelling_between_steps_stops_the_run_and_a_rerun_finishes_it()
    {
        var g = new InMemoryFailoverGateway();
        using var cts = new CancellationTokenSource();
        var r = Engine(g).Run(Request(), (s, n) => { if (s.Order == 4 && s.Outcome == "Succeeded") cts.Cancel(); }, cts.Token);
        Assert.Equal("Cancelled", r.Status);
        Assert.Equal("Cancelled", r.Steps[4].Outcome);
        Assert.Equal(0, g.Count(FailoverResourceKind.LoadBalancer));
        var resumed = Engine(g).Run(Request(), null, default);
        Assert.Equal("Succeeded", resumed.Status);
        Assert.Equal(3, g.Count(FailoverResourceKind.SecurityGroup));
    }

    [Fact]
    public void A_missing_AMI_copy_fails_the_compute_step_with_its_own_error_id()
    {
        var g = new InMemoryFailoverGateway();
        var request = Request();
        request.Image = null;
        var r = Engine(g).Run(request, null, default);
        Assert.Equal("Failed", r.Status);
        Assert.Equal("FinFailoverPointMissing", r.ErrorId);
        Assert.Equal(RtoEstimator.TierCompute, r.Steps.Single(s => s.Outcome == "Failed").Tier);
    }

    [Fact]
    public void SkipDns_and_an_existing_VPC_named_in_the_policy_are_honoured_and_teardown_never_removes_the_existing_VPC()
    {
        var g = new InMemoryFailoverGateway();
        g.Items.Add(new InMemoryFailoverGateway.Item { Resource = new FailoverResource { Kind = FailoverResourceKind.Vpc, Id = "vpc-existing", Name = "dr-shared" } });
        var request = Request();
        request.SkipDns = true;
        request.ExistingVpc = "dr-shared";
        var r = Engine(g).Run(request, null, default);
        Assert.Equal("Succeeded", r.Status);
        Assert.Equal("Skipped", r.Steps.Last().Outcome);
        Assert.Equal(0, g.Count(FailoverResourceKind.DnsRecord));
        Assert.Equal(1, g.Count(FailoverResourceKind.Vpc));
        Assert.All(g.Items.Where(i => i.Resource.Kind == FailoverResourceKind.Subnet), i => Assert.Equal("vpc-existing", i.Request!.VpcId));

        new FailoverTeardown(g, new Waiter(sleep: (t, ct) => { })).Remove(r.FailoverId, default);
        Assert.Equal("vpc-existing", Assert.Single(g.Items).Resource.Id);
    }

    [Fact]
    public void Teardown_removes_only_what_carries_the_failover_id_dependents_first()
    {
        var g = new InMemoryFailoverGateway();
        var keep = Engine(g).Run(Request(), null, default);
        var drill = Engine(g).Run(Request(drillId: "drill-20261201T120000Z-ab12"), null, default);
        var before = g.Items.Count(i => i.FailoverId == keep.FailoverId);

        var deleted = new FailoverTeardown(g, new Waiter(sleep: (t, ct) => { })).Remove(drill.FailoverId, default);
        Assert.Empty(g.Items.Where(i => i.FailoverId == drill.FailoverId && i.Resource.Kind is not (FailoverResourceKind.Listener or FailoverResourceKind.SecurityGroupRules or FailoverResourceKind.WebAclAssociation)));
        Assert.Equal(before, g.Items.Count(i => i.FailoverId == keep.FailoverId));
        Assert.Equal(FailoverResourceKind.AutoScalingGroup, g.Deleted.First());
        Assert.Equal(FailoverResourceKind.Vpc, g.Deleted.Last());
        Assert.True(g.Deleted.IndexOf(FailoverResourceKind.LoadBalancer) < g.Deleted.IndexOf(FailoverResourceKind.TargetGroup));
        Assert.True(g.Deleted.IndexOf(FailoverResourceKind.NatGateway) < g.Deleted.IndexOf(FailoverResourceKind.ElasticIp));
        Assert.True(g.Deleted.IndexOf(FailoverResourceKind.DbInstance) < g.Deleted.IndexOf(FailoverResourceKind.SecurityGroup));
        Assert.Equal(deleted.Count, g.Deleted.Count);
    }

    [Fact]
    public void A_drill_builds_an_isolated_copy_validates_records_and_tears_it_down()
    {
        var g = new InMemoryFailoverGateway();
        var store = new InMemoryDrillStore();
        var clock = new Clock();
        var drillId = FailoverIds.NewDrillId(T0);
        List<FailoverResourceRequest> made = new();
        g.OnCreate = made.Add;
        var record = new RecoveryDrill(g, clock.Read, new Waiter(clock.Read, (t, ct) => { })).Run(Request(drillId: drillId),
            new RecoveryDrillOptions { Store = store, Bucket = "fin-backup-usw2", KmsKeyId = "alias/fin-backup", RunBy = "arn:aws:iam::1:user/a" }, null, default);

        Assert.Equal("Succeeded", record.Outcome);
        Assert.True(record.TornDown);
        Assert.Empty(g.Items);
        var stored = Assert.Single(store.Puts);
        Assert.Equal("fin-backup-usw2", stored.Bucket);
        Assert.Equal("alias/fin-backup", stored.Key);
        Assert.Equal(drillId, record.DrillId);
        Assert.Equal(drillId, record.FailoverId);
        // Isolation: own names, drill tags and no application tag, no DNS change.
        Assert.DoesNotContain(made, m => m.Kind == FailoverResourceKind.DnsRecord);
        Assert.All(made, m => Assert.Equal(drillId, m.Tags[FailoverIds.TagDrillId]));
        Assert.All(made, m => Assert.False(m.Tags.ContainsKey(FinTags.Application)));
        var lb = made.Single(m => m.Kind == FailoverResourceKind.LoadBalancer);
        Assert.NotEqual("agent-payment-alb", lb.Name);
        Assert.EndsWith("-d" + FailoverIds.ShortId(drillId), lb.Name);
        Assert.True(lb.Name!.Length <= 32);
        // Evidence: points and their age (achieved RPO), steps, validations, measured RTO.
        Assert.Equal(TimeSpan.FromMinutes(50), record.AchievedRpo!.Value - (record.StartedAt - T0));
        Assert.Equal(2, record.PointsUsed.Count);
        Assert.Contains(record.Validations, v => v.Name.StartsWith("TargetGroupHealthy:") && v.Passed);
        Assert.Contains(record.Validations, v => v.Name.StartsWith("DatabaseAvailable:") && v.Passed);
        Assert.Contains(record.Validations, v => v.Name.StartsWith("DatabaseEndpointResolves:") && v.Passed && !v.Skipped);
        Assert.Equal(new[] { "Validation", "Teardown" }, record.Steps.TakeLast(2).Select(s => s.Name));
        Assert.True(record.MeasuredRto > TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromHours(2), record.TargetRto);
    }

    [Fact]
    public void A_drill_with_Keep_leaves_its_copy_and_a_failed_rebuild_is_recorded_as_Failed()
    {
        var g = new InMemoryFailoverGateway();
        var store = new InMemoryDrillStore();
        var options = new RecoveryDrillOptions { Store = store, Bucket = "b", KmsKeyId = "k", Keep = true };
        var kept = new RecoveryDrill(g, waiter: new Waiter(sleep: (t, ct) => { })).Run(Request(drillId: "drill-1"), options, null, default);
        Assert.False(kept.TornDown);
        Assert.NotEmpty(g.Items);

        var failing = new InMemoryFailoverGateway { FailOn = FailoverResourceKind.LoadBalancer };
        var failed = new RecoveryDrill(failing, waiter: new Waiter(sleep: (t, ct) => { })).Run(Request(drillId: "drill-2"),
            new RecoveryDrillOptions { Store = store, Bucket = "b", KmsKeyId = "k" }, null, default);
        Assert.Equal("Failed", failed.Outcome);
        Assert.Null(failed.MeasuredRto);
        Assert.Contains("injected failure", failed.Error);
        Assert.True(failed.TornDown);
        Assert.Empty(failing.Items);
        Assert.Equal(2, store.Puts.Count);
    }

    [Theory]
    [InlineData("agent-payment-alb", 32)]
    [InlineData("customer-assistance-management-target-group", 32)]
    [InlineData("1db--name-", 63)]
    public void Drill_names_fit_AWS_limits_and_keep_the_drill_suffix(string baseName, int max)
    {
        var name = FailoverIds.Name(baseName, "drill-20261201T120000Z-ab12", max);
        Assert.True(name.Length <= max, name);
        Assert.EndsWith("-d" + FailoverIds.ShortId("drill-20261201T120000Z-ab12"), name);
        Assert.True(char.IsLetter(name[0]), name);
        Assert.DoesNotContain("--", name);
        Assert.Equal(baseName, FailoverIds.Name(baseName, null, 255));
    }
}
