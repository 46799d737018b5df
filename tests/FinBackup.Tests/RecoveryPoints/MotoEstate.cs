using Amazon.EC2.Model;
using CreateKeyRequest = Amazon.KeyManagementService.Model.CreateKeyRequest;
using CreateAliasRequest = Amazon.KeyManagementService.Model.CreateAliasRequest;
using FinBackup.Aws;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain.Policy;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>A small bank estate on moto: KMS keys (alias/fin-backup) in both regions, instances with encrypted root + data volumes, a DB.</summary>
internal sealed class MotoEstate
{
    public const string Primary = "us-east-1";
    public const string Dr = "us-west-2";
    public Dictionary<string, string> KeyArns { get; } = new();
    public Dictionary<string, string> Instances { get; } = new(); // app -> instance id

    public static MotoEstate Seed(AwsClientContext ctx, bool withDatabase = false, params string[] apps)
    {
        var e = new MotoEstate();
        foreach (var region in new[] { Primary, Dr })
        {
            var key = ctx.Kms(region).CreateKeyAsync(new CreateKeyRequest { Description = "fin-backup " + region }).GetAwaiter().GetResult();
            ctx.Kms(region).CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/fin-backup", TargetKeyId = key.KeyMetadata.KeyId }).GetAwaiter().GetResult();
            e.KeyArns[region] = key.KeyMetadata.Arn;
        }
        var ec2 = ctx.Ec2(Primary);
        var image = ec2.DescribeImagesAsync(new DescribeImagesRequest()).GetAwaiter().GetResult().Images.First().ImageId;
        foreach (var app in apps.Length == 0 ? new[] { "Cross-sell" } : apps)
        {
            var slug = app.ToLowerInvariant().Replace(' ', '-');
            var r = ec2.RunInstancesAsync(new RunInstancesRequest
            {
                ImageId = image, MinCount = 1, MaxCount = 1, InstanceType = Amazon.EC2.InstanceType.T3Micro,
                BlockDeviceMappings = new List<BlockDeviceMapping>
                {
                    new() { DeviceName = "/dev/sda1", Ebs = new EbsBlockDevice { VolumeSize = 100, Encrypted = true } },
                    new() { DeviceName = "/dev/sdf", Ebs = new EbsBlockDevice { VolumeSize = 309, Encrypted = true } },
                },
                TagSpecifications = new List<TagSpecification>
                {
                    new() { ResourceType = Amazon.EC2.ResourceType.Instance, Tags = new List<Tag> { new("fin:application", app), new("Name", slug + "-app-1") } },
                },
            }).GetAwaiter().GetResult();
            e.Instances[app] = r.Reservation.Instances[0].InstanceId;
        }
        if (withDatabase)
        {
            ctx.Rds(Primary).CreateDBInstanceAsync(new RdsCreateInstanceRequest
            {
                Identifier = "cross-sell-db", AllocatedStorageGiB = 10240, MasterUserPassword = "Sandbox-Passw0rd",
                Tags = new Dictionary<string, string> { ["fin:application"] = "Cross-sell" },
            }).GetAwaiter().GetResult();
        }
        return e;
    }

    public static BackupPolicy Policy(params string[] apps)
    {
        var p = new BackupPolicy
        {
            Name = "finco", PrimaryRegion = Primary, DrRegion = Dr, BackupVaultName = "fin-backup-vault",
            KmsKeys = { [Primary] = "alias/fin-backup", [Dr] = "alias/fin-backup" },
            Buckets = { [Primary] = "fin-backup-use1", [Dr] = "fin-backup-usw2" },
        };
        foreach (var a in apps.Length == 0 ? new[] { "Cross-sell" } : apps)
        {
            p.Applications.Add(new ApplicationPolicy
            {
                Name = a, Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(1),
                RecoveryPoints = { RecoveryPointKindRequest.EbsSnapshotSet, RecoveryPointKindRequest.RdsSnapshot },
            });
        }
        return p;
    }
}
