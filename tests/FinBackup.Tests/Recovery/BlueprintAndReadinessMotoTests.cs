using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using FinBackup.Aws;
using FinBackup.Aws.Recovery;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Aws.Sandbox;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;
using FinBackup.Domain.Sandbox;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Recovery;

/// <summary>Blueprints exported from the seeded sandbox and DR readiness, against moto, checked with the AWS CLI.</summary>
[Collection(MotoCollection.Name)]
public sealed class BlueprintAndReadinessMotoTests
{
    private readonly MotoServer _moto;

    public BlueprintAndReadinessMotoTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private JsonElement Cli(string region, params string[] args) => AwsCliJson.Run(_moto, region, args);

    private static BackupPolicy Policy(params string[] apps)
    {
        var p = new BackupPolicy
        {
            Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
            KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-backup" },
            Buckets = { ["us-east-1"] = "fin-backup-use1", ["us-west-2"] = "fin-backup-usw2" },
        };
        foreach (var a in apps)
        {
            p.Applications.Add(new ApplicationPolicy
            {
                Name = a, Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(1), Rto = TimeSpan.FromHours(2),
                RecoveryPoints = { RecoveryPointKindRequest.EbsSnapshotSet }, DeclaredInstances = 1,
            });
        }
        return p;
    }

    private static FinRecoveryBlueprint Export(AwsClientContext ctx, BackupPolicy policy, string app, Func<DateTime>? clock = null) =>
        new BlueprintExporter(clock).Export(policy, app, "us-east-1", new AwsRecoveryBlueprintReader(ctx, "us-east-1"),
            new S3BlueprintStore(ctx, "us-east-1"), new S3BlueprintStore(ctx, "us-west-2"), default);

    [Fact]
    public async Task A_blueprint_is_read_from_the_stack_stored_SSE_KMS_in_both_buckets_holds_no_secrets_and_compares_by_logical_name()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var seeded = await new SandboxSeeder(ctx, "us-east-1").SeedAsync(SandboxEstate.Bank(), null, CancellationToken.None);
        var policy = Policy("Agent payment");

        var t0 = new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
        var summary = Export(ctx, policy, "Agent payment", () => t0);
        Assert.Equal("fin-blueprints/agent-payment/20261201T090000Z.json", summary.Key);
        Assert.Equal("fin-backup-usw2", summary.DrBucket);
        Assert.Equal(4, summary.Subnets);
        Assert.Equal(1, summary.NatGateways);
        Assert.Equal(3, summary.SecurityGroups);
        Assert.Equal(1, summary.Listeners);
        Assert.Equal(1, summary.AutoScalingGroups);
        Assert.Equal(1, summary.WebAclRules);
        Assert.Equal(2, summary.DnsRecords);
        Assert.Equal(1, summary.Databases);
        Assert.Equal(1, summary.RestoreSecrets);

        // From outside: SSE-KMS with each region's key, in both buckets, latest.json beside the timestamped one.
        foreach (var (region, bucket) in new[] { ("us-east-1", "fin-backup-use1"), ("us-west-2", "fin-backup-usw2") })
        {
            foreach (var key in new[] { summary.Key, "fin-blueprints/agent-payment/latest.json" })
            {
                var head = Cli(region, "s3api", "head-object", "--bucket", bucket, "--key", key);
                Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
                var keyId = head.GetProperty("SSEKMSKeyId").GetString()!;
                Assert.True(keyId.Contains(region) || keyId == "alias/fin-backup" || keyId == seeded.KmsKeyArns[region], keyId);
            }
        }

        // The document: names, not ids; no secret value, no user data.
        var obj = await ctx.S3("us-west-2").GetObjectAsync(new GetObjectRequest { BucketName = "fin-backup-usw2", Key = summary.Key });
        string json;
        using (var reader = new StreamReader(obj.ResponseStream)) json = await reader.ReadToEndAsync();
        using (var doc = JsonDocument.Parse(json)) Assert.Equal(1, doc.RootElement.GetProperty("SchemaVersion").GetInt32());
        Assert.DoesNotContain("sg-", json);
        Assert.DoesNotContain("subnet-", json);
        Assert.DoesNotContain("password", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("systemctl", json);
        var secret = Cli("us-east-1", "secretsmanager", "get-secret-value", "--secret-id", "fin/restore/agent-payment").GetProperty("SecretString").GetString()!;
        Assert.DoesNotContain(secret, json);

        var stored = new S3BlueprintStore(ctx, "us-west-2").Get("fin-backup-usw2", BlueprintLayout.LatestKey("Agent payment"), default)!;
        var bp = stored.Blueprint;
        Assert.Equal(summary.Sha256, stored.Sha256);
        var app = bp.SecurityGroups.Single(g => g.Name == "agent-payment-app-sg");
        Assert.Equal(new[] { "agent-payment-alb-sg" }, app.Ingress.Single().SourceGroups);
        Assert.Equal(new[] { "agent-payment-app-sg" }, bp.SecurityGroups.Single(g => g.Name == "agent-payment-db-sg").Ingress.Single().SourceGroups);
        Assert.Equal(new[] { "agent-payment-private-a", "agent-payment-private-b" }, bp.AutoScalingGroup!.Subnets);
        Assert.Equal("agent-payment-tg", bp.LoadBalancer!.Listeners.Single().TargetGroup);
        Assert.Equal("internet-facing", bp.LoadBalancer.Scheme);
        Assert.Contains(bp.Network!.RouteTables, t => t.Routes.Contains("0.0.0.0/0 -> nat:agent-payment-nat-a"));
        Assert.Equal("a", bp.Network.NatGateways.Single().AvailabilityZone);
        Assert.Equal(2, bp.Network.Subnets.Count(s => s.Public));
        Assert.Equal("Allow", bp.WebAcl!.DefaultAction);
        Assert.Contains("RateBasedStatement", bp.WebAcl.Rules.Single());
        var primary = bp.Dns!.Records.Single(r => r.Failover == "PRIMARY");
        Assert.Equal("alias:load-balancer", primary.Target);
        Assert.Equal("load-balancer", primary.HealthCheck!.Target);
        Assert.Equal(3, primary.HealthCheck.FailureThreshold);
        Assert.Equal("192.0.2.10", bp.Dns.Records.Single(r => r.Failover == "SECONDARY").Target);
        Assert.Equal("db.m5.large", bp.Databases.Single().InstanceClass);
        Assert.Equal(new[] { "fin/restore/agent-payment" }, bp.RestoreSecretNames);
        Assert.Equal(64, bp.LaunchTemplate!.UserDataSha256!.Length);

        // Unchanged stack: no differences. A changed ASG: exactly that property.
        var again = new S3BlueprintStore(ctx, "us-east-1");
        Export(ctx, policy, "Agent payment", () => t0.AddHours(1));
        var second = again.Get("fin-backup-use1", BlueprintLayout.LatestKey("Agent payment"), default)!.Blueprint;
        Assert.Empty(BlueprintComparer.Compare(bp, second));
        Cli("us-east-1", "autoscaling", "update-auto-scaling-group", "--auto-scaling-group-name", "agent-payment-asg", "--max-size", "6");
        Export(ctx, policy, "Agent payment", () => t0.AddHours(2));
        var third = again.Get("fin-backup-use1", BlueprintLayout.LatestKey("Agent payment"), default)!.Blueprint;
        var change = Assert.Single(BlueprintComparer.Compare(second, third));
        Assert.Equal(("Compute", "auto-scaling-group:agent-payment-asg", "MaxSize", "2", "6", "Changed"),
            (change.Tier, change.Item, change.Property, change.Old, change.New, change.Change));
    }

    [Fact]
    public async Task Readiness_reports_a_missing_DR_copy_a_stale_blueprint_an_unreplicated_secret_and_an_exhausted_EIP_quota_and_nothing_of_these_when_healthy()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        await new SandboxSeeder(ctx, "us-east-1").SeedAsync(SandboxEstate.Bank(), null, CancellationToken.None);
        var policy = Policy("Cross-sell", "Agent payment");
        policy.Quotas.VpcsPerRegion = 10; // the default 5 would (rightly) warn: moto's default VPC + 2 rebuilds is fine, 5 apps would not be
        var now = DateTime.UtcNow;
        Export(ctx, policy, "Cross-sell");
        Export(ctx, policy, "Agent payment");

        // DR copies of each application's newest snapshot set.
        var runtime = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(ctx, r)) { PollInterval = TimeSpan.FromMilliseconds(10), WaitTimeout = TimeSpan.FromSeconds(30) };
        var instances = (await ctx.Ec2("us-east-1").DescribeInstancesAsync(new Amazon.EC2.Model.DescribeInstancesRequest())).Reservations.SelectMany(r => r.Instances).ToList();
        string InstanceOf(string app) => instances.Single(i => i.Tags.Any(t => t.Key == "fin:application" && t.Value == app)).InstanceId;
        FinRecoveryPoint Take(string app) => new RecoveryPointTaker(runtime).Take(new TakeRecoveryPointRequest
        {
            ResourceId = InstanceOf(app), ResourceType = FinResourceType.Ec2Instance, Region = "us-east-1", Application = app, Policy = policy,
        }, RecoveryPointKind.EbsSnapshotSet, default).Point;
        var copies = new CopyCoordinator(runtime).Copy(new[] { Take("Cross-sell"), Take("Agent payment") }, new CopyToRegionRequest { Policy = policy, Wait = true }, null, default);
        Assert.All(copies, c => Assert.Equal(CopyStatus.Copied, c.Status));

        DrReadinessChecker Checker(Func<DateTime>? clock = null) => new(new DrReadinessPorts
        {
            Blueprints = r => new S3BlueprintStore(ctx, r),
            RecoveryPoints = r => new RecoveryPointProviderCatalog(ctx, r),
            Kms = r => new KmsKeyCheck(ctx, r),
            Secrets = r => new SecretsManagerReplicationProbe(ctx, r),
            Capacity = r => new Ec2DrCapacityProbe(ctx, r),
        }, clock);
        var apps = policy.Applications.ToList();
        var watched = new[] { DrChecks.DrCopyPresent, DrChecks.DrCopyWithinRpo, DrChecks.BlueprintPresent, DrChecks.BlueprintFresh, DrChecks.SecretReplicated, DrChecks.ElasticIpQuota, DrChecks.DrKmsKeyUsable, DrChecks.CheckFailed };

        // Healthy: none of these.
        var healthy = Checker().Check(policy, apps, default);
        Assert.DoesNotContain(healthy, f => watched.Contains(f.Check));

        // Stale blueprint: three hours on (2 x the 1h frequency is the limit).
        var later = Checker(() => now.AddHours(3)).Check(policy, apps, default);
        Assert.Contains(later, f => f.Check == DrChecks.BlueprintFresh && f.Application == "Cross-sell" && f.Severity == PolicySeverity.Warning);

        // Missing DR copy: a third application with no copy in us-west-2.
        var withVendor = Policy("Cross-sell", "Agent payment", "Vendor Assistance Management");
        withVendor.Quotas.VpcsPerRegion = 10;
        Export(ctx, withVendor, "Vendor Assistance Management");
        var missing = Checker().Check(withVendor, withVendor.Applications.ToList(), default);
        var missingCopy = Assert.Single(missing, f => f.Check == DrChecks.DrCopyPresent);
        Assert.Equal("Vendor Assistance Management", missingCopy.Application);
        Assert.Equal(PolicySeverity.Error, missingCopy.Severity);

        // Unreplicated secret.
        Cli("us-east-1", "secretsmanager", "remove-regions-from-replication", "--secret-id", "fin/restore/cross-sell", "--remove-replica-regions", "us-west-2");
        var unreplicated = Checker().Check(policy, apps, default);
        var secret = Assert.Single(unreplicated, f => f.Check == DrChecks.SecretReplicated);
        Assert.Equal("Cross-sell", secret.Application);
        Assert.Contains("fin/restore/cross-sell", secret.Message);

        // Exhausted Elastic IP quota in the DR region (moto states vpc-max-elastic-ips = 5).
        for (int i = 0; i < 5; i++) Cli("us-west-2", "ec2", "allocate-address", "--domain", "vpc");
        var exhausted = Checker().Check(policy, apps, default);
        var eip = Assert.Single(exhausted, f => f.Check == DrChecks.ElasticIpQuota);
        Assert.Equal(PolicySeverity.Error, eip.Severity);
        Assert.Contains("2 Elastic IP", eip.Message);
        Assert.Contains("read from AWS", eip.Message);
    }
}
