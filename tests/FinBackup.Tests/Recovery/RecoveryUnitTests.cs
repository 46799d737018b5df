using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;

namespace FinBackup.Tests.Recovery;

public sealed class RtoEstimatorTests
{
    private static BackupPolicy Policy(double dataGiB, double? dbGiB, int databases, TimeSpan rto)
    {
        var p = new BackupPolicy { Name = "t", PrimaryRegion = "us-east-1", DrRegion = "us-west-2" };
        p.Applications.Add(new ApplicationPolicy
        {
            Name = "App", Rto = rto, DeclaredDataGiB = dataGiB, DeclaredDatabaseGiB = dbGiB, DeclaredDatabases = databases, DeclaredInstances = 1,
            RecoveryPoints = { RecoveryPointKindRequest.EbsSnapshotSet },
        });
        return p;
    }

    [Fact]
    public void A_large_database_is_the_critical_path_and_the_steps_run_in_failover_order()
    {
        var p = Policy(10649.6, 10240, 1, TimeSpan.FromHours(2));
        var e = RtoEstimator.Estimate(p, p.Applications[0]);
        Assert.Equal(new[] { "Network", "NAT gateway", "Security groups", "Load balancer", "WAF web ACL", "Database restore", "Launch template + Auto Scaling group", "Instance boot", "Volume initialization", "DNS failover" },
            e.Steps.Select(s => s.Name));
        // 2 + 5 + 1 + (15 + 10240/256 = 55) + (60 s + 30 s x 3 = 2m 30s)
        Assert.Equal(TimeSpan.FromSeconds((2 + 5 + 1 + 55) * 60 + 150), e.Estimated);
        Assert.True(e.Steps.Single(s => s.Name == "Database restore").OnCriticalPath);
        Assert.False(e.Steps.Single(s => s.Name == "Load balancer").OnCriticalPath);
        Assert.Equal(TimeSpan.FromMinutes(8), e.Steps.Single(s => s.Name == "Database restore").Start);
        Assert.True(e.Meets);
    }

    [Fact]
    public void Without_a_database_the_compute_branch_is_critical_and_volume_initialization_follows_the_declared_size()
    {
        var p = Policy(409.6, null, 0, TimeSpan.FromHours(2));
        var e = RtoEstimator.Estimate(p, p.Applications[0]);
        Assert.DoesNotContain(e.Steps, s => s.Name == "Database restore");
        var init = e.Steps.Single(s => s.Name == "Volume initialization");
        Assert.Equal(TimeSpan.FromSeconds(Math.Round(409.6 * 1024 / 250)), init.Duration);
        Assert.True(init.OnCriticalPath);
        Assert.Contains("Volume initialization", e.CriticalPath);
    }

    [Fact]
    public void Slower_assumptions_exceed_the_RTO_and_Test_FinBackupPolicy_warns_with_the_critical_path()
    {
        var p = Policy(10649.6, 10240, 1, TimeSpan.FromHours(1));
        p.Assumptions.RdsRestoreGiBPerMinute = 50;
        var f = Assert.Single(PolicyValidator.Validate(p), x => x.Rule == PolicyRules.RtoEstimateMeetsRto);
        Assert.Equal(PolicySeverity.Warning, f.Severity);
        Assert.Contains("Database restore", f.Message);
        p.Assumptions.RdsRestoreGiBPerMinute = 100000;
        p.Assumptions.VolumeInitializationMiBps = 100000;
        Assert.DoesNotContain(PolicyValidator.Validate(p), x => x.Rule == PolicyRules.RtoEstimateMeetsRto);
    }

    [Fact]
    public void A_missing_database_size_is_assumed_on_both_paths_and_said_so()
    {
        var p = Policy(1000, null, 1, TimeSpan.FromHours(2));
        var e = RtoEstimator.Estimate(p, p.Applications[0]);
        Assert.Contains(e.Caveats, c => c.Contains("DeclaredDatabaseGiB"));
        Assert.Contains("DeclaredDatabaseGiB not stated", e.Assumptions);
    }
}

public sealed class BlueprintDomainTests
{
    private static ObservedStack Stack() => new()
    {
        Network = new BlueprintNetwork
        {
            VpcName = "app-vpc", Cidr = "10.10.0.0/16", InternetGateway = true,
            Subnets = { new BlueprintSubnet { Name = "subnet-2", AvailabilityZone = "us-east-1b", Cidr = "10.10.1.0/24", Public = true },
                        new BlueprintSubnet { Name = "subnet-1", AvailabilityZone = "us-east-1a", Cidr = "10.10.0.0/24", Public = true } },
            RouteTables = { new BlueprintRouteTable { Name = "rtb-1", Subnets = { "subnet-1" }, Routes = { "0.0.0.0/0 -> nat:nat-1" } } },
            NatGateways = { new BlueprintNatGateway { Name = "nat-1", AvailabilityZone = "us-east-1a", Subnet = "subnet-1" } },
        },
        SecurityGroups = { new BlueprintSecurityGroup { Name = "sg-2", Ingress = { new BlueprintRule { Protocol = "tcp", FromPort = 8080, ToPort = 8080, SourceGroups = { "sg-1" } } } } },
        LoadBalancerDnsName = "app-alb-1.us-east-1.elb.amazonaws.com",
        Dns = new BlueprintDns { Zone = "app.example.", Records = { new BlueprintRecord { Name = "app.example.", Type = "A", Failover = "PRIMARY", Target = "alias:app-alb-1.us-east-1.elb.amazonaws.com." } } },
        Names = { ["subnet-1"] = "app-public-a", ["subnet-2"] = "app-public-b", ["sg-1"] = "app-alb-sg", ["sg-2"] = "app-app-sg", ["nat-1"] = "app-nat-a", ["rtb-1"] = "app-public-rt" },
    };

    [Fact]
    public void The_assembler_replaces_ids_by_logical_names_AZs_by_letters_and_the_own_ALB_by_load_balancer()
    {
        var bp = BlueprintAssembler.Assemble(Stack(), "finco", "App", "us-east-1", new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(new[] { "app-public-a", "app-public-b" }, bp.Network!.Subnets.Select(s => s.Name));
        Assert.Equal(new[] { "a", "b" }, bp.Network.Subnets.Select(s => s.AvailabilityZone));
        Assert.Equal("0.0.0.0/0 -> nat:app-nat-a", bp.Network.RouteTables.Single().Routes.Single());
        Assert.Equal("app-public-a", bp.Network.NatGateways.Single().Subnet);
        Assert.Equal("app-alb-sg", bp.SecurityGroups.Single().Ingress.Single().SourceGroups.Single());
        Assert.Equal("app-app-sg", bp.SecurityGroups.Single().Name);
        Assert.Equal("alias:load-balancer", bp.Dns!.Records.Single().Target);
        Assert.Equal(RecoveryBlueprint.CurrentSchemaVersion, bp.SchemaVersion);
    }

    [Fact]
    public void Compare_gives_one_row_per_changed_added_or_removed_property_and_none_for_equal_blueprints()
    {
        var a = BlueprintAssembler.Assemble(Stack(), "finco", "App", "us-east-1", DateTime.UtcNow);
        var b = BlueprintAssembler.Assemble(Stack(), "finco", "App", "us-east-1", DateTime.UtcNow.AddHours(1));
        Assert.Empty(BlueprintComparer.Compare(a, b));
        b.Network!.Subnets[0].Cidr = "10.10.9.0/24";
        b.SecurityGroups.Add(new BlueprintSecurityGroup { Name = "app-db-sg", Description = "db" });
        a.Databases.Add(new BlueprintDatabase { Identifier = "app-db", InstanceClass = "db.m5.large" });
        var changes = BlueprintComparer.Compare(a, b);
        Assert.Contains(changes, c => c is { Tier: "Network", Item: "subnet:app-public-a", Property: "Cidr", Old: "10.10.0.0/24", New: "10.10.9.0/24", Change: "Changed" });
        Assert.Contains(changes, c => c is { Tier: "Security", Item: "security-group:app-db-sg", Property: "Description", Old: null, New: "db", Change: "Added" });
        Assert.Contains(changes, c => c is { Tier: "Database", Item: "db-instance:app-db", Property: "InstanceClass", Change: "Removed" });
    }

    [Theory]
    [InlineData("Agent payment", "agent-payment")]
    [InlineData("Customer Assistance Management", "customer-assistance-management")]
    [InlineData("Cross-sell", "cross-sell")]
    public void Blueprint_keys_use_the_application_slug(string app, string slug)
    {
        Assert.Equal($"fin-blueprints/{slug}/latest.json", BlueprintLayout.LatestKey(app));
        Assert.Equal($"fin-blueprints/{slug}/20261201T093005Z.json", BlueprintLayout.KeyFor(app, new DateTime(2026, 12, 1, 9, 30, 5, DateTimeKind.Utc)));
    }
}
