using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;
using FinBackup.Domain.Waiting;

namespace FinBackup.Tests.Restore;

public sealed class RestoreUnitTests
{
    [Fact]
    public void A_request_is_built_from_a_table_of_Invoke_FinRestore_parameter_names_and_back()
    {
        var table = new Dictionary<string, string>
        {
            ["DBInstanceIdentifier"] = "cross-sell-db", ["targetdbinstanceidentifier"] = "cross-sell-db-pitr", ["SubnetId"] = "subnet-1",
            ["InstanceType"] = "m5.large", ["AvailabilityZone"] = "us-west-2b", ["InstanceId"] = "i-0abc", ["LaunchTemplateId"] = "lt-0abc",
            ["Destination"] = "/restore", ["InitializationRateMiBps"] = "200", ["SecurityGroupId"] = "sg-1, sg-2",
            ["RestoreTime"] = "2026-12-01T09:40:00Z", ["ReplaceVolumes"] = "true", ["MultiAZ"] = "false",
        };
        var r = RestoreRequest.FromParameters(table);
        Assert.Equal("cross-sell-db", r.DBInstanceIdentifier);
        Assert.Equal("cross-sell-db-pitr", r.TargetDBInstanceIdentifier);
        Assert.Equal(200, r.InitializationRateMiBps);
        Assert.Equal(new[] { "sg-1", "sg-2" }, r.SecurityGroupId);
        Assert.Equal(new DateTime(2026, 12, 1, 9, 40, 0, DateTimeKind.Utc), r.RestoreTime);
        Assert.Equal(DateTimeKind.Utc, r.RestoreTime!.Value.Kind);
        Assert.True(r.ReplaceVolumes);
        Assert.False(r.MultiAZ);
        Assert.True(r.IsPointInTime);

        var back = RestoreRequest.FromParameters(r.ToParameters());
        Assert.Equal(r.ToParameters(), back.ToParameters());
        Assert.Equal("2026-12-01T09:40:00.0000000Z", r.ToParameters()["RestoreTime"]);
        Assert.False(r.ToParameters().ContainsKey("Wait")); // defaults are left out
    }

    [Theory]
    [InlineData("NoSuchParameter", "x", "'NoSuchParameter' is not a restore parameter")]
    [InlineData("InitializationRateMiBps", "fast", "InitializationRateMiBps")]
    [InlineData("RestoreTime", "yesterday", "ISO 8601")]
    [InlineData("ReplaceVolumes", "maybe", "true or false")]
    public void A_bad_parameter_table_fails_naming_the_parameter(string name, string value, string expected)
    {
        var ex = Assert.Throws<FinBackupException>(() => RestoreRequest.FromParameters(new Dictionary<string, string> { [name] = value }));
        Assert.Equal("FinRestoreParameterInvalid", ex.ErrorId);
        Assert.Contains(expected, ex.Message + " " + ex.RecommendedAction);
    }

    [Fact]
    public void Validation_checks_ranges_and_combinations_before_anything_is_called()
    {
        Assert.Equal("FinRestoreParameterInvalid", Assert.Throws<FinBackupException>(() => new RestoreRequest { InitializationRateMiBps = 99 }.Validate()).ErrorId);
        Assert.Equal("FinRestoreParameterInvalid", Assert.Throws<FinBackupException>(() => new RestoreRequest { InitializationRateMiBps = 301 }.Validate()).ErrorId);
        new RestoreRequest { InitializationRateMiBps = 100 }.Validate();
        new RestoreRequest { InitializationRateMiBps = 300 }.Validate();
        Assert.Contains("InstanceId", Assert.Throws<FinBackupException>(() => new RestoreRequest { ReplaceVolumes = true }.Validate()).Message);
        Assert.Throws<FinBackupException>(() => new RestoreRequest { RestoreTime = DateTime.UtcNow, UseLatestRestorableTime = true }.Validate());
    }

    [Fact]
    public void The_restore_window_is_checked_inclusively_and_falls_back_to_creation_and_retention()
    {
        var latest = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        var earliest = latest.AddDays(-7);
        RestoreWindow.Check("db", latest, earliest, latest, 7);
        RestoreWindow.Check("db", earliest, earliest, latest, 7);
        var before = Assert.Throws<FinBackupException>(() => RestoreWindow.Check("db", earliest.AddSeconds(-1), earliest, latest, 7));
        Assert.Equal("FinRestoreTimeOutsideWindow", before.ErrorId);
        Assert.Contains("2026-11-24 10:00:00Z to 2026-12-01 10:00:00Z", before.Message);
        Assert.Equal("FinRestoreTimeOutsideWindow", Assert.Throws<FinBackupException>(() => RestoreWindow.Check("db", latest.AddMinutes(1), earliest, latest, 7)).ErrorId);
        Assert.Equal("FinRestorePointInTimeUnavailable", Assert.Throws<FinBackupException>(() => RestoreWindow.Check("db", latest, null, latest, 0)).ErrorId);

        Assert.Equal(latest.AddDays(-1), RestoreWindow.Earliest(null, latest.AddDays(-30), 1, latest));
        Assert.Equal(latest.AddHours(-2), RestoreWindow.Earliest(null, latest.AddHours(-2), 1, latest)); // younger than the retention
        Assert.Equal(latest.AddHours(-5), RestoreWindow.Earliest(latest.AddHours(-5), latest.AddDays(-30), 7, latest)); // the service's figure wins
        Assert.Null(RestoreWindow.Earliest(null, latest, 0, latest));
    }

    [Fact]
    public void Network_ids_map_only_across_regions_and_a_missing_entry_names_the_policy_key()
    {
        var app = new ApplicationPolicy { Name = "Cross-sell" };
        app.RestoreTargets["us-west-2"] = new RestoreTarget
        {
            SubnetIds = { ["subnet-p"] = "subnet-d" }, SecurityGroupIds = { ["sg-p"] = "sg-d" }, DBSubnetGroupName = "dr-db-subnets",
        };
        var same = new RestoreTargetMapper(app, "us-east-1", "us-east-1");
        Assert.False(same.IsCrossRegion);
        Assert.Equal("subnet-x", same.Subnet("subnet-x"));
        var dr = new RestoreTargetMapper(app, "us-east-1", "us-west-2");
        Assert.Equal("subnet-d", dr.Subnet("subnet-p"));
        Assert.Equal(new[] { "sg-d" }, dr.SecurityGroups(new[] { "sg-p" }));
        Assert.Equal("dr-db-subnets", dr.Named("prod-db-subnets", t => t.DBSubnetGroupName, "DBSubnetGroupName", "-DBSubnetGroupName", true));
        Assert.Null(dr.Subnet(null));
        var missing = Assert.Throws<FinBackupException>(() => dr.SecurityGroups(new[] { "sg-p", "sg-other" }));
        Assert.Equal("FinRestoreTargetMappingMissing", missing.ErrorId);
        Assert.Contains("RestoreTargets['us-west-2'].SecurityGroupIds['sg-other']", missing.Message);
        Assert.Contains("-SecurityGroupId", missing.RecommendedAction);
        var none = new RestoreTargetMapper(new ApplicationPolicy { Name = "X" }, "us-east-1", "eu-west-1");
        Assert.Contains("DBSubnetGroupName", Assert.Throws<FinBackupException>(() => none.Named("prod", t => t.DBSubnetGroupName, "DBSubnetGroupName", "-DBSubnetGroupName", true)).Message);
        Assert.Equal("kp", none.Named("kp", t => t.KeyName, "KeyName", "-KeyName", false));
    }

    [Fact]
    public void The_policy_reads_RestoreTargets_RestoreSecret_and_the_initialization_rate_and_rejects_a_rate_out_of_range()
    {
        const string json = """
        { "Name": "finco", "PrimaryRegion": "us-east-1", "DrRegion": "us-west-2",
          "Applications": [ { "Name": "Cross-sell", "RestoreSecret": "fin/restore/cross-sell", "VolumeInitializationRateMiBps": 250,
            "RestoreTargets": { "us-west-2": { "SubnetIds": { "subnet-p": "subnet-d" }, "SecurityGroupIds": { "sg-p": "sg-d" }, "DBSubnetGroupName": "dr-db" } } } ] }
        """;
        var read = PolicyReader.ReadJson(json, "p.json");
        Assert.False(read.HasErrors, string.Join("; ", read.Errors.Select(e => e.ToString())));
        var app = read.Policy.Applications[0];
        Assert.Equal("fin/restore/cross-sell", app.RestoreSecret);
        Assert.Equal(250, app.VolumeInitializationRateMiBps);
        var t = app.RestoreTargetFor("US-WEST-2")!;
        Assert.Equal("subnet-d", t.SubnetIds["subnet-p"]);
        Assert.Equal("sg-d", t.SecurityGroupIds["sg-p"]);
        Assert.Equal("dr-db", t.DBSubnetGroupName);

        var bad = PolicyReader.ReadJson(json.Replace("250", "50").Replace("\"us-west-2\": { \"Subnet", "\"us-wset-2\": { \"Subnet"), "p.json");
        Assert.Contains(bad.Errors, e => e.ToString().Contains("100-300"));
        Assert.Contains(bad.Errors, e => e.ToString().Contains("us-wset-2"));
    }

    [Fact]
    public void A_failure_half_way_reports_what_was_created_in_a_Failed_result_and_the_error()
    {
        var ec2 = new FailingEc2 { FailOnCreate = 2 };
        var runtime = new RestoreRuntime
        {
            Ec2 = _ => ec2, Waiter = new Waiter(sleep: (_, _) => { }),
            Metadata = _ => new NoMetadata(),
        };
        var point = new FinRecoveryPoint
        {
            RecoveryPointId = "snapset-1", Kind = RecoveryPointKind.EbsSnapshotSet, Region = "us-east-1", State = RecoveryPointState.Available,
            SnapshotIds = { "snap-1", "snap-2" }, Application = "Cross-sell",
        };
        var prepared = new RestoreEngine(runtime).Prepare(point, new RestoreRequest { AvailabilityZone = "us-east-1a", KmsKeyId = "alias/fin-backup" }, "us-east-1", default);
        var ex = Assert.Throws<RestoreFailedException>(() => prepared.Execute(null, default));
        Assert.Equal("FinRestoreFailed", ex.ErrorId);
        Assert.Equal(RestoreStatus.Failed, ex.Result.Status);
        Assert.Equal(new[] { "vol-1" }, ex.Result.ResourceIds);
        Assert.Contains("vol-1", ex.Message);
        Assert.Contains("Remove-FinRestoredResource -RestoreId " + ex.Result.RestoreId, ex.RecommendedAction);
        Assert.Equal(ex.Result.RestoreId, ec2.Tags[0]["fin:restore-id"]); // tagged at creation, so cleanup finds it
        Assert.Equal(ex.Result.RestoreId + ":snap-1", ec2.Tokens[0]);
    }

    private sealed class NoMetadata : IRestoreMetadataStore
    {
        public void Put(string bucket, string kmsKeyId, RestoreMetadataDocument document, CancellationToken cancellationToken) { }
        public RestoreMetadataDocument? Get(string bucket, RecoveryPointKind kind, string originalPointId, CancellationToken cancellationToken) => null;
        public bool CopyFrom(string a, string b, string c, string d, RecoveryPointKind kind, string e, CancellationToken f) => false;
    }

    private sealed class FailingEc2 : IEc2RestoreGateway
    {
        public int FailOnCreate;
        private int _creates;
        public List<IDictionary<string, string>> Tags { get; } = new();
        public List<string> Tokens { get; } = new();

        public IReadOnlyList<RestoreSnapshot> DescribeSnapshots(IEnumerable<string> snapshotIds, CancellationToken ct) =>
            snapshotIds.Select(s => new RestoreSnapshot { SnapshotId = s, SizeGiB = 8 }).ToList();
        public RestoreInstanceInfo? DescribeInstance(string instanceId, CancellationToken ct) => null;
        public string SubnetAvailabilityZone(string subnetId, CancellationToken ct) => "us-east-1a";
        public string CreateVolume(VolumeSpec spec, CancellationToken ct)
        {
            if (++_creates == FailOnCreate)
                throw new FinBackupException("FinSnapshotQuotaExceeded", FinErrorKind.LimitsExceeded, "VolumeLimitExceeded: too many volumes");
            Tags.Add(spec.Tags);
            Tokens.Add(spec.ClientToken);
            return "vol-" + _creates;
        }
        public IDictionary<string, string> VolumeStates(IEnumerable<string> volumeIds, CancellationToken ct) => volumeIds.ToDictionary(v => v, _ => "available");
        public void AttachVolume(string volumeId, string instanceId, string device, CancellationToken ct) { }
        public void DetachVolume(string volumeId, string instanceId, CancellationToken ct) { }
        public void Tag(IEnumerable<string> resourceIds, IDictionary<string, string> tags, CancellationToken ct) { }
        public string RunInstance(InstanceSpec spec, CancellationToken ct) => "i-1";
        public long CreateLaunchTemplateVersion(string launchTemplateId, string imageId, string restoreId, CancellationToken ct) => 2;
        public IReadOnlyList<FinRestoredResource> FindRestored(string restoreId, CancellationToken ct) => new List<FinRestoredResource>();
        public void Remove(FinRestoredResource resource, CancellationToken ct) { }
    }
}
