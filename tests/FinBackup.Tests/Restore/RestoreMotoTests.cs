using System.Text.Json;
using Amazon.EC2.Model;
using FinBackup.Aws.Restore;
using FinBackup.Domain;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;
using FinBackup.Tests.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Restore;

/// <summary>Every kind restored against moto through the domain engine and the AWS adapters, checked with the AWS CLI.</summary>
[Collection(MotoCollection.Name)]
public sealed class RestoreMotoTests
{
    private readonly MotoServer _moto;

    public RestoreMotoTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    [Fact]
    public void Restore_metadata_is_captured_beside_the_point_in_the_backup_bucket_and_copied_to_DR_with_it()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var set = bed.Take(RecoveryPointKind.EbsSnapshotSet);
        var key = $"restore-metadata/EbsSnapshotSet/{set.RecoveryPointId}.json";
        var head = bed.Cli("s3api", "head-object", "--region", "us-east-1", "--bucket", "fin-backup-use1", "--key", key);
        Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
        var doc = new S3RestoreMetadataStore(bed.Ctx, "us-east-1").Get("fin-backup-use1", RecoveryPointKind.EbsSnapshotSet, set.RecoveryPointId, default)!;
        Assert.Equal("t3.micro", doc.Get(RestoreMetadataKeys.InstanceType));
        Assert.Equal(bed.PrimarySubnet, doc.Get(RestoreMetadataKeys.SubnetId));
        Assert.Equal(bed.PrimaryAz, doc.Get(RestoreMetadataKeys.AvailabilityZone));
        Assert.Contains(bed.PrimarySg, doc.GetList(RestoreMetadataKeys.SecurityGroupIds));
        Assert.Equal("cross-sell-app-1", doc.InstanceTags()["Name"]);
        var members = bed.Cli("ec2", "describe-snapshots", "--region", "us-east-1", "--snapshot-ids", set.SnapshotIds[0], set.SnapshotIds[1])
            .GetProperty("Snapshots").EnumerateArray().ToList();
        Assert.Equal(new[] { "/dev/sda1", "/dev/sdf" },
            members.Select(m => doc.DeviceFor(m.GetProperty("SnapshotId").GetString()!, null)).OrderBy(d => d).ToArray());

        var copy = bed.CopyToDr(set);
        var drHead = bed.Cli("s3api", "head-object", "--region", "us-west-2", "--bucket", "fin-backup-usw2", "--key", key);
        Assert.Equal("aws:kms", drHead.GetProperty("ServerSideEncryption").GetString());
        Assert.Equal(set.RecoveryPointId, copy.SourceRecoveryPointId);
    }

    [Fact]
    public void Snapshot_set_restores_one_volume_per_member_in_the_recorded_AZ_encrypted_with_the_policy_key_and_tagged()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var set = bed.Take(RecoveryPointKind.EbsSnapshotSet);
        Assert.Equal(RecoveryPointState.Available, set.State);
        var result = bed.Restore(set, new RestoreRequest { Wait = true, InitializationRateMiBps = 200 });

        Assert.Equal(RestoreStatus.Available, result.Status);
        Assert.Equal(2, result.ResourceIds.Length);
        Assert.NotNull(result.AvailableAt);
        Assert.Equal(TimeSpan.FromHours(2), result.TargetRto);
        Assert.True(result.RtoMet);
        var volumes = bed.Volumes("us-east-1", $"Name=tag:fin:restore-id,Values={result.RestoreId}");
        Assert.Equal(result.ResourceIds.OrderBy(x => x), volumes.Select(v => v.GetProperty("VolumeId").GetString()).OrderBy(x => x));
        Assert.All(volumes, v =>
        {
            Assert.Equal(bed.PrimaryAz, v.GetProperty("AvailabilityZone").GetString());
            Assert.True(v.GetProperty("Encrypted").GetBoolean());
            Assert.Equal("alias/fin-backup", v.GetProperty("KmsKeyId").GetString());
            Assert.Contains(v.GetProperty("SnapshotId").GetString(), set.SnapshotIds);
            var tags = RestoreMotoBed.Tags(v);
            Assert.StartsWith(set.RecoveryPointId + "/snap-", tags["fin:restored-from"]);
            Assert.Equal("available", v.GetProperty("State").GetString());
        });
        Assert.Equal(new long[] { 100, 309 }, volumes.Select(v => v.GetProperty("Size").GetInt64()).OrderBy(x => x).ToArray());
    }

    [Fact]
    public void ReplaceVolumes_on_a_stopped_instance_attaches_the_restored_volumes_at_the_recorded_devices_and_keeps_the_old_ones_tagged()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var set = bed.Take(RecoveryPointKind.EbsSnapshotSet);
        var before = bed.Volumes("us-east-1", $"Name=attachment.instance-id,Values={bed.InstanceId}").Select(v => v.GetProperty("VolumeId").GetString()!).ToList();

        // Running instance, or devices in use without -ReplaceVolumes: refused before anything is created.
        var running = Assert.Throws<FinBackupException>(() => bed.Restore(set, new RestoreRequest { InstanceId = bed.InstanceId, ReplaceVolumes = true }));
        Assert.Equal("FinRestoreInstanceNotStopped", running.ErrorId);
        var inUse = Assert.Throws<FinBackupException>(() => bed.Restore(set, new RestoreRequest { InstanceId = bed.InstanceId }));
        Assert.Equal("FinRestoreDeviceInUse", inUse.ErrorId);
        Assert.Empty(bed.Volumes("us-east-1", "Name=tag-key,Values=fin:restore-id"));

        bed.Ctx.Ec2("us-east-1").StopInstancesAsync(new StopInstancesRequest { InstanceIds = new() { bed.InstanceId } }).Wait();
        var result = bed.Restore(set, new RestoreRequest { InstanceId = bed.InstanceId, ReplaceVolumes = true });
        Assert.Equal(RestoreStatus.Available, result.Status);

        var attached = bed.Volumes("us-east-1", $"Name=attachment.instance-id,Values={bed.InstanceId}");
        Assert.Equal(result.ResourceIds.OrderBy(x => x), attached.Select(v => v.GetProperty("VolumeId").GetString()).OrderBy(x => x));
        var devices = attached.Select(v => v.GetProperty("Attachments")[0].GetProperty("Device").GetString()).OrderBy(d => d).ToArray();
        Assert.Equal(new[] { "/dev/sda1", "/dev/sdf" }, devices);
        foreach (var old in before)
        {
            var v = Assert.Single(bed.Volumes("us-east-1", $"Name=volume-id,Values={old}"));
            Assert.Equal("available", v.GetProperty("State").GetString());
            Assert.Equal(result.RestoreId, RestoreMotoBed.Tags(v)["fin:replaced-by-restore"]);
        }
    }

    [Fact]
    public void Ami_launches_an_instance_in_the_recorded_subnet_with_the_recorded_type_and_security_groups()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var ami = bed.Take(RecoveryPointKind.Ami);
        var result = bed.Restore(ami, new RestoreRequest { Wait = true });
        var id = Assert.Single(result.ResourceIds);
        var instance = Assert.Single(bed.Instances("us-east-1", $"Name=instance-id,Values={id}"));
        Assert.Equal(ami.RecoveryPointId, instance.GetProperty("ImageId").GetString());
        Assert.Equal(bed.PrimarySubnet, instance.GetProperty("SubnetId").GetString());
        Assert.Equal("t3.micro", instance.GetProperty("InstanceType").GetString());
        Assert.Contains(instance.GetProperty("SecurityGroups").EnumerateArray(), g => g.GetProperty("GroupId").GetString() == bed.PrimarySg);
        var tags = RestoreMotoBed.Tags(instance);
        Assert.Equal(result.RestoreId, tags["fin:restore-id"]);
        Assert.Equal(ami.RecoveryPointId, tags["fin:restored-from"]);
        Assert.Equal("cross-sell-app-1-restored", tags["Name"]);
        Assert.False(tags.ContainsKey("fin:application")); // a restored copy is not discovered as a protected resource
        Assert.Equal(RestoreStatus.Available, result.Status);
    }

    [Fact]
    public void Ami_with_a_launch_template_makes_a_new_version_that_uses_the_image()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var ami = bed.Take(RecoveryPointKind.Ami);
        var lt = bed.Cli("ec2", "create-launch-template", "--region", "us-east-1", "--launch-template-name", "cross-sell",
            "--launch-template-data", "{\"InstanceType\":\"t3.micro\",\"ImageId\":\"ami-12c6146b\"}").GetProperty("LaunchTemplate").GetProperty("LaunchTemplateId").GetString()!;
        var result = bed.Restore(ami, new RestoreRequest { LaunchTemplateId = lt });
        Assert.Equal(lt + ":2", Assert.Single(result.ResourceIds));
        var v2 = bed.Cli("ec2", "describe-launch-template-versions", "--region", "us-east-1", "--launch-template-id", lt, "--versions", "2")
            .GetProperty("LaunchTemplateVersions")[0];
        Assert.Equal(ami.RecoveryPointId, v2.GetProperty("LaunchTemplateData").GetProperty("ImageId").GetString());
        Assert.Empty(bed.Instances("us-east-1", $"Name=image-id,Values={ami.RecoveryPointId}"));
    }

    [Fact]
    public void Rds_snapshot_restores_to_a_new_instance_and_refuses_a_name_that_is_taken()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var snap = bed.Take(RecoveryPointKind.RdsSnapshot);
        var taken = Assert.Throws<FinBackupException>(() => bed.Restore(snap, new RestoreRequest()));
        Assert.Equal("FinRestoreDBInstanceExists", taken.ErrorId);
        Assert.Contains("never restores in place", taken.Message);
        Assert.Contains("-TargetDBInstanceIdentifier", taken.RecommendedAction);

        var result = bed.Restore(snap, new RestoreRequest { DBInstanceIdentifier = "cross-sell-db-restored", Wait = true });
        Assert.Equal(new[] { "cross-sell-db-restored" }, result.ResourceIds);
        Assert.Equal(RestoreStatus.Available, result.Status);
        var db = bed.Cli("rds", "describe-db-instances", "--region", "us-east-1", "--db-instance-identifier", "cross-sell-db-restored").GetProperty("DBInstances")[0];
        Assert.Equal("db.m5.large", db.GetProperty("DBInstanceClass").GetString());
        var tags = RestoreMotoBed.Tags(db, "TagList");
        Assert.Equal(result.RestoreId, tags["fin:restore-id"]);
        Assert.Equal(snap.RecoveryPointId, tags["fin:restored-from"]);
    }

    [Fact]
    public void Point_in_time_checks_the_window_first_then_restores_to_a_new_instance()
    {
        // moto ignores RestoreTime (the restored instance is a copy of the source as it is now); the window check is ours.
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var outside = Assert.Throws<FinBackupException>(() => bed.Restore(null, new RestoreRequest
        {
            DBInstanceIdentifier = "cross-sell-db", TargetDBInstanceIdentifier = "cross-sell-db-pitr", RestoreTime = DateTime.UtcNow.AddDays(-3),
        }));
        Assert.Equal("FinRestoreTimeOutsideWindow", outside.ErrorId);
        Assert.DoesNotContain("cross-sell-db-pitr", bed.DbIdentifiers("us-east-1"));

        var result = bed.Restore(null, new RestoreRequest { DBInstanceIdentifier = "cross-sell-db", TargetDBInstanceIdentifier = "cross-sell-db-pitr", UseLatestRestorableTime = true, Wait = true });
        Assert.Equal("cross-sell-db", result.SourceRecoveryPointId);
        Assert.Contains("cross-sell-db-pitr", bed.DbIdentifiers("us-east-1"));
        Assert.Equal("Cross-sell", result.Application);
    }

    [Fact]
    public void In_the_DR_region_the_copies_restore_through_RestoreTargets_and_a_missing_mapping_fails_naming_it_with_nothing_created()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var amiCopy = bed.CopyToDr(bed.Take(RecoveryPointKind.Ami));
        var setCopy = bed.CopyToDr(bed.Take(RecoveryPointKind.EbsSnapshotSet));
        var dbCopy = bed.CopyToDr(bed.Take(RecoveryPointKind.RdsSnapshot));

        var instance = bed.Restore(amiCopy, new RestoreRequest { Wait = true });
        var launched = Assert.Single(bed.Instances("us-west-2", $"Name=instance-id,Values={instance.ResourceIds[0]}"));
        Assert.Equal(bed.DrSubnet, launched.GetProperty("SubnetId").GetString());
        Assert.Contains(launched.GetProperty("SecurityGroups").EnumerateArray(), g => g.GetProperty("GroupId").GetString() == bed.DrSg);

        var volumes = bed.Restore(setCopy, new RestoreRequest { Wait = true });
        Assert.All(bed.Volumes("us-west-2", $"Name=tag:fin:restore-id,Values={volumes.RestoreId}"), v =>
        {
            Assert.Equal(bed.DrAz, v.GetProperty("AvailabilityZone").GetString());
            Assert.Equal("alias/fin-backup", v.GetProperty("KmsKeyId").GetString());
            Assert.Contains(RestoreMotoBed.Tags(v)["fin:device"], new[] { "/dev/sda1", "/dev/sdf" });
        });
        Assert.Equal(2, volumes.ResourceIds.Length);

        // The DB's VPC security groups are mapped like the instance's.
        foreach (var g in bed.Cli("rds", "describe-db-instances", "--region", "us-east-1", "--db-instance-identifier", "cross-sell-db").GetProperty("DBInstances")[0]
                     .GetProperty("VpcSecurityGroups").EnumerateArray())
            bed.Policy.Applications[0].RestoreTargets["us-west-2"].SecurityGroupIds[g.GetProperty("VpcSecurityGroupId").GetString()!] = bed.DrSg;
        var db = bed.Restore(dbCopy, new RestoreRequest { Wait = true });
        Assert.Contains("cross-sell-db", bed.DbIdentifiers("us-west-2"));
        Assert.Equal("us-west-2", db.Region);

        // Without the mapping: the primary's subnet cannot be used in us-west-2.
        bed.Policy.Applications[0].RestoreTargets.Clear();
        var before = bed.Instances("us-west-2").Count;
        var missing = Assert.Throws<FinBackupException>(() => bed.Restore(amiCopy, new RestoreRequest()));
        Assert.Equal("FinRestoreTargetMappingMissing", missing.ErrorId);
        Assert.Contains($"SubnetIds['{bed.PrimarySubnet}']", missing.Message);
        Assert.Contains("us-west-2", missing.Message);
        Assert.Equal(before, bed.Instances("us-west-2").Count);
        var missingSet = Assert.Throws<FinBackupException>(() => bed.Restore(setCopy, new RestoreRequest()));
        Assert.Equal("FinRestoreTargetMappingMissing", missingSet.ErrorId);
    }

    [Fact]
    public void Preparing_every_kind_makes_no_AWS_change_and_lists_what_would_be_created()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var set = bed.Take(RecoveryPointKind.EbsSnapshotSet);
        var ami = bed.Take(RecoveryPointKind.Ami);
        var snap = bed.Take(RecoveryPointKind.RdsSnapshot);
        var engine = new RestoreEngine(bed.Runtime());
        var volumes = bed.Volumes("us-east-1").Count;
        var instances = bed.Instances("us-east-1").Count;
        var steps = new[]
        {
            engine.Prepare(set, new RestoreRequest { Policy = bed.Policy }, "us-east-1", default),
            engine.Prepare(ami, new RestoreRequest { Policy = bed.Policy }, "us-east-1", default),
            engine.Prepare(snap, new RestoreRequest { Policy = bed.Policy, TargetDBInstanceIdentifier = "x-db" }, "us-east-1", default),
            engine.Prepare(null, new RestoreRequest { Policy = bed.Policy, DBInstanceIdentifier = "cross-sell-db", TargetDBInstanceIdentifier = "y-db", UseLatestRestorableTime = true }, "us-east-1", default),
        }.SelectMany(p => p.Steps).ToList();
        Assert.Equal(2, steps.Count(s => s.Action.StartsWith("Create a ")));
        Assert.Contains(steps, s => s.Action.StartsWith("Launch a t3.micro instance from " + ami.RecoveryPointId));
        Assert.Contains(steps, s => s.Target.StartsWith("x-db"));
        Assert.Equal(volumes, bed.Volumes("us-east-1").Count);
        Assert.Equal(instances, bed.Instances("us-east-1").Count);
        Assert.Equal(new[] { "cross-sell-db" }, bed.DbIdentifiers("us-east-1"));
    }

    [Fact]
    public void Remove_deletes_what_one_restore_created_and_nothing_else()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        var set = bed.Take(RecoveryPointKind.EbsSnapshotSet);
        var ami = bed.Take(RecoveryPointKind.Ami);
        var snap = bed.Take(RecoveryPointKind.RdsSnapshot);
        var keepVolumes = bed.Restore(set, new RestoreRequest { Wait = true });
        var goInstance = bed.Restore(ami, new RestoreRequest { Wait = true, RestoreId = "restore-20261201t100000z-aaaaaa" });
        var goVolumes = bed.Restore(set, new RestoreRequest { Wait = true, RestoreId = "restore-20261201t100000z-aaaaaa" });
        var goDb = bed.Restore(snap, new RestoreRequest { TargetDBInstanceIdentifier = "cross-sell-db-drill", RestoreId = "restore-20261201t100000z-aaaaaa" });

        var remover = new RestoredResourceRemover(bed.Runtime());
        var found = remover.Find("restore-20261201t100000z-aaaaaa", new[] { "us-east-1", "us-west-2" }, default);
        // The restored instance's own root volume is tagged at launch too (TagSpecifications): it is the restore's as well.
        var instanceVolumes = bed.Volumes("us-east-1", $"Name=attachment.instance-id,Values={goInstance.ResourceIds[0]}").Select(v => v.GetProperty("VolumeId").GetString()!);
        Assert.Equal(goInstance.ResourceIds.Concat(goVolumes.ResourceIds).Concat(goDb.ResourceIds).Concat(instanceVolumes).OrderBy(x => x), found.Select(f => f.ResourceId).OrderBy(x => x));
        foreach (var r in RestoredResourceRemover.Order(found)) remover.Remove(r, default);

        Assert.Empty(bed.Volumes("us-east-1", "Name=tag:fin:restore-id,Values=restore-20261201t100000z-aaaaaa"));
        var left = Assert.Single(bed.Instances("us-east-1", "Name=tag:fin:restore-id,Values=restore-20261201t100000z-aaaaaa"));
        Assert.Contains(left.GetProperty("State").GetProperty("Name").GetString(), new[] { "shutting-down", "terminated" });
        Assert.DoesNotContain("cross-sell-db-drill", bed.DbIdentifiers("us-east-1"));
        // The other restore, the source instance, its volumes and the database are untouched.
        Assert.Equal(2, bed.Volumes("us-east-1", $"Name=tag:fin:restore-id,Values={keepVolumes.RestoreId}").Count);
        Assert.Single(bed.Instances("us-east-1", $"Name=instance-id,Values={bed.InstanceId}"));
        Assert.Equal(2, bed.Volumes("us-east-1", $"Name=attachment.instance-id,Values={bed.InstanceId}").Count);
        Assert.Contains("cross-sell-db", bed.DbIdentifiers("us-east-1"));
    }

    [Fact]
    public void Db_restore_sets_the_master_password_from_RestoreSecret_and_writes_the_endpoint_to_UpdateSecret()
    {
        using var bed = new RestoreMotoBed(_moto.EndpointUrl);
        bed.Cli("secretsmanager", "create-secret", "--region", "us-east-1", "--name", "fin/restore/cross-sell", "--secret-string", "{\"username\":\"finadmin\",\"password\":\"Restore-S3cret-42\"}");
        bed.Cli("secretsmanager", "create-secret", "--region", "us-east-1", "--name", "app/cross-sell/db", "--secret-string", "{\"dbname\":\"crosssell\"}");
        bed.Policy.Applications[0].RestoreSecret = "fin/restore/cross-sell";
        var snap = bed.Take(RecoveryPointKind.RdsSnapshot);
        var result = bed.Restore(snap, new RestoreRequest { TargetDBInstanceIdentifier = "cross-sell-db-restored", UpdateSecret = "app/cross-sell/db" });
        Assert.Equal(RestoreStatus.Available, result.Status); // a secret step waits for available
        var value = JsonDocument.Parse(bed.Cli("secretsmanager", "get-secret-value", "--region", "us-east-1", "--secret-id", "app/cross-sell/db").GetProperty("SecretString").GetString()!).RootElement;
        Assert.Equal("crosssell", value.GetProperty("dbname").GetString());
        Assert.Contains("cross-sell-db-restored", value.GetProperty("host").GetString());
        Assert.True(value.GetProperty("port").GetInt32() > 0);
        Assert.DoesNotContain("Restore-S3cret-42", JsonSerializer.Serialize(result));
    }
}
