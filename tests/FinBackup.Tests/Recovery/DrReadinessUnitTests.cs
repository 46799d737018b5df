using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Tests.Recovery;

/// <summary>Test-FinDrReadiness's checker, one test per problem it must report, on in-memory ports (the moto test covers them together).</summary>
public sealed class DrReadinessUnitTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private sealed class Blueprints : IRecoveryBlueprintStore
    {
        public Dictionary<string, RecoveryBlueprint> ByKey { get; } = new();
        public string Region => "us-west-2";
        public string Put(string b, string k, RecoveryBlueprint bp, string kms, CancellationToken ct) => throw new NotSupportedException();
        public void CopyFrom(string sr, string sb, string k, string db, string kms, CancellationToken ct) => throw new NotSupportedException();
        public StoredBlueprint? Get(string bucket, string key, CancellationToken ct) =>
            ByKey.TryGetValue(key, out var bp) ? new StoredBlueprint { Blueprint = bp, Bucket = bucket, Key = key, LastModified = bp.CreatedAt } : null;
    }

    private sealed class Points : IRecoveryPointProviders, IRecoveryPointProvider
    {
        public List<FinRecoveryPoint> Copies { get; } = new();
        public string Region => "us-west-2";
        public IReadOnlyList<IRecoveryPointProvider> All => new[] { this };
        public IRecoveryPointProvider? Provider(RecoveryPointKind kind) => kind == RecoveryPointKind.Ami ? this : null;
        public IRecoveryPointCreator? Creator(RecoveryPointKind kind) => null;
        public RecoveryPointKind Kind => RecoveryPointKind.Ami;
        public IReadOnlyList<FinRecoveryPoint> List(RecoveryPointQuery q, CancellationToken ct) => Copies.Where(q.Matches).ToList();
        public FinRecoveryPoint Copy(FinRecoveryPoint s, CopyRecoveryPointRequest r, CancellationToken ct) => throw new NotSupportedException();
        public void Delete(FinRecoveryPoint p, CancellationToken ct) => throw new NotSupportedException();
    }

    private sealed class Kms : IKmsKeyCheck
    {
        public string RequireUsableKey(string keyId, CancellationToken ct) => "arn:aws:kms:us-west-2:1:key/k";
    }

    private sealed class Secrets : ISecretReplicationProbe
    {
        public Secrets(string region) => Region = region;
        public string Region { get; }
        public Dictionary<string, SecretReplicaState> ByName { get; } = new();
        public SecretReplicaState? Describe(string name, CancellationToken ct) => ByName.TryGetValue(name, out var s) ? s : null;
    }

    private sealed class Capacity : IDrCapacityProbe
    {
        public DrCapacity Value { get; set; } = new() { ElasticIpQuota = 5, InstanceQuota = 20 };
        public string Region => "us-west-2";
        public DrCapacity Read(CancellationToken ct) => Value;
    }

    private sealed class Bed
    {
        public Blueprints Blueprints { get; } = new();
        public Points Points { get; } = new();
        public Secrets Primary { get; } = new("us-east-1");
        public Secrets Dr { get; } = new("us-west-2");
        public Capacity Capacity { get; } = new();
        public BackupPolicy Policy { get; }

        public Bed()
        {
            Policy = new BackupPolicy
            {
                Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
                KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-backup" },
                Buckets = { ["us-east-1"] = "fin-backup-use1", ["us-west-2"] = "fin-backup-usw2" },
                Quotas = { VpcsPerRegion = 10 },
                Applications =
                {
                    new ApplicationPolicy
                    {
                        Name = "Cross-sell", Frequency = TimeSpan.FromHours(1), Rpo = TimeSpan.FromHours(1), Rto = TimeSpan.FromHours(2),
                        RecoveryPoints = { RecoveryPointKindRequest.Ami }, DeclaredInstances = 1,
                    },
                },
            };
            var bp = FailoverUnitTests.Blueprint();
            bp.Application = "Cross-sell";
            bp.CreatedAt = Now.AddMinutes(-30);
            bp.RestoreSecretNames = new List<string> { "fin/restore/cross-sell" };
            Blueprints.ByKey[BlueprintLayout.LatestKey("Cross-sell")] = bp;
            Points.Copies.Add(new FinRecoveryPoint
            {
                RecoveryPointId = "ami-dr", Kind = RecoveryPointKind.Ami, Application = "Cross-sell", Region = "us-west-2", State = RecoveryPointState.Available,
                CreatedAt = Now.AddMinutes(-20), SourceRecoveryPointId = "ami-p", ManagedByFinBackup = true,
            });
            Primary.ByName["fin/restore/cross-sell"] = new SecretReplicaState { Name = "fin/restore/cross-sell", ReplicationStatus = { ["us-west-2"] = "InSync" } };
            Dr.ByName["fin/restore/cross-sell"] = new SecretReplicaState { Name = "fin/restore/cross-sell", PrimaryRegion = "us-east-1" };
        }

        public IReadOnlyList<FinDrFinding> Check() => new DrReadinessChecker(new DrReadinessPorts
        {
            Blueprints = r => Blueprints,
            RecoveryPoints = r => Points,
            Kms = r => new Kms(),
            Secrets = r => r == "us-east-1" ? Primary : Dr,
            Capacity = r => Capacity,
        }, () => Now).Check(Policy, Policy.Applications.ToList(), default);
    }

    [Fact]
    public void A_healthy_estate_has_no_findings()
    {
        Assert.Empty(new Bed().Check());
    }

    [Fact]
    public void A_missing_DR_copy_is_an_error_for_its_application()
    {
        var bed = new Bed();
        bed.Points.Copies.Clear();
        var f = Assert.Single(bed.Check());
        Assert.Equal((DrChecks.DrCopyPresent, "Cross-sell", PolicySeverity.Error), (f.Check, f.Application, f.Severity));
        Assert.Contains("no available Ami copy in us-west-2", f.Message);
    }

    [Fact]
    public void A_stale_blueprint_is_a_warning_past_twice_the_backup_frequency()
    {
        var bed = new Bed();
        bed.Blueprints.ByKey[BlueprintLayout.LatestKey("Cross-sell")].CreatedAt = Now.AddHours(-2).AddMinutes(-1);
        var f = Assert.Single(bed.Check());
        Assert.Equal((DrChecks.BlueprintFresh, PolicySeverity.Warning), (f.Check, f.Severity));
        Assert.Contains("2 x its backup frequency", f.Message);
        // Exactly at the limit it is still fresh.
        bed.Blueprints.ByKey[BlueprintLayout.LatestKey("Cross-sell")].CreatedAt = Now.AddHours(-2);
        Assert.Empty(bed.Check());
    }

    [Theory]
    [InlineData(false, null, "does not exist in us-west-2")]
    [InlineData(true, null, "is not a replica")]
    [InlineData(true, "Failed", "is Failed, not InSync")]
    public void An_unreplicated_secret_is_an_error_that_names_it(bool replicaExists, string? status, string expected)
    {
        var bed = new Bed();
        if (!replicaExists) bed.Dr.ByName.Clear();
        bed.Primary.ByName["fin/restore/cross-sell"].ReplicationStatus.Clear();
        if (status != null) bed.Primary.ByName["fin/restore/cross-sell"].ReplicationStatus["us-west-2"] = status;
        var f = Assert.Single(bed.Check());
        Assert.Equal((DrChecks.SecretReplicated, PolicySeverity.Error), (f.Check, f.Severity));
        Assert.Contains("fin/restore/cross-sell", f.Message);
        Assert.Contains(expected, f.Message);
    }

    [Fact]
    public void An_exhausted_Elastic_IP_quota_is_an_error_with_the_quota_source()
    {
        var bed = new Bed();
        bed.Capacity.Value = new DrCapacity { ElasticIpsInUse = 5, ElasticIpQuota = 5, InstanceQuota = 20 };
        var f = Assert.Single(bed.Check());
        Assert.Equal((DrChecks.ElasticIpQuota, PolicySeverity.Error), (f.Check, f.Severity));
        Assert.Contains("1 Elastic IP", f.Message);
        Assert.Contains("read from AWS", f.Message);
        bed.Capacity.Value = new DrCapacity { ElasticIpsInUse = 4, ElasticIpQuota = 5, InstanceQuota = 20 };
        Assert.Empty(bed.Check());
    }
}
