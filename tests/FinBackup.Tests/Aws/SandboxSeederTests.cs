using Amazon.EC2.Model;
using Amazon.KeyManagementService.Model;
using FinBackup.Aws.Sandbox;
using FinBackup.Domain;
using FinBackup.Domain.Sandbox;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Aws;

/// <summary>The seeded estate, read back through the module's own clients (SDK EC2/S3/KMS/STS and the protocol clients) in both regions.</summary>
[Collection(MotoCollection.Name)]
public sealed class SandboxSeederTests
{
    private readonly MotoServer _moto;

    public SandboxSeederTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    [Fact]
    public async Task Seeds_the_bank_estate_in_two_regions_and_a_second_run_creates_nothing()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var estate = SandboxEstate.Bank();
        var first = await new SandboxSeeder(ctx, "us-east-1").SeedAsync(estate, null, CancellationToken.None);
        Assert.Equal(5, first.Applications);
        Assert.Equal(5, first.Ec2Instances);
        Assert.Equal(10, first.EbsVolumes);
        Assert.Equal(2048, first.EbsDeclaredGiB);
        Assert.Equal(3, first.RdsInstances);
        Assert.Equal(3 * 10240, first.RdsDeclaredGiB);
        Assert.Equal(2, first.KmsKeys);
        Assert.Equal(2, first.Buckets);
        Assert.Equal(10, first.Secrets);
        Assert.Equal(2, first.BackupVaults);
        Assert.True(first.Created >= 2 + 2 + 2 + 10 + 5 + 3);

        var second = await new SandboxSeeder(ctx, "us-east-1").SeedAsync(estate, null, CancellationToken.None);
        Assert.Equal(0, second.Created);
        Assert.Equal(2048, second.EbsDeclaredGiB);

        // EC2 (SDK): one instance per application, tagged, with its two volumes.
        var reservations = (await ctx.Ec2("us-east-1").DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations;
        var instances = reservations.SelectMany(r => r.Instances).ToList();
        Assert.Equal(5, instances.Count);
        Assert.Contains(instances, i => i.Tags.Any(t => t.Key == FinTags.Application && t.Value == "Inventory Management System")
                                        && i.Tags.Any(t => t.Key == "Name" && t.Value == "inventory-app-1"));
        var westReservations = (await ctx.Ec2("us-west-2").DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations;
        Assert.True(westReservations == null || westReservations.Count == 0);

        foreach (var region in new[] { "us-east-1", "us-west-2" })
        {
            // KMS (SDK): the alias resolves to a customer-managed key in that region.
            var key = (await ctx.Kms(region).DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/fin-backup" })).KeyMetadata;
            Assert.Contains(":" + region + ":", key.Arn);
            Assert.Equal(first.KmsKeyArns[region], key.Arn);

            // S3 (SDK): default SSE-KMS with that key, versioning on.
            var bucket = estate.BucketFor(region);
            var enc = await ctx.S3(region).GetBucketEncryptionAsync(new Amazon.S3.Model.GetBucketEncryptionRequest { BucketName = bucket });
            var rule = Assert.Single(enc.ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
            Assert.Equal(Amazon.S3.ServerSideEncryptionMethod.AWSKMS, rule.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
            Assert.Equal(key.Arn, rule.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId);
            var versioning = await ctx.S3(region).GetBucketVersioningAsync(new Amazon.S3.Model.GetBucketVersioningRequest { BucketName = bucket });
            Assert.Equal(Amazon.S3.VersionStatus.Enabled, versioning.VersioningConfig.Status);

            // Secrets Manager (protocol client): created in the primary region with its key, replicated to the DR region.
            var secret = await ctx.SecretsManager(region).DescribeSecretAsync("fin/restore/agent-payment");
            Assert.NotNull(secret);
            if (region == "us-east-1")
            {
                Assert.Equal(key.Arn, secret!.KmsKeyId);
                Assert.Equal("InSync", secret.ReplicationStatus["us-west-2"]);
            }
            else
            {
                Assert.Equal("us-east-1", secret!.PrimaryRegion);
            }

            // AWS Backup (protocol client): the vault with the region's key.
            var vault = await ctx.Backup(region).DescribeBackupVaultAsync("fin-backup-vault");
            Assert.NotNull(vault);

            // STS (SDK).
            var who = await ctx.Sts(region).GetCallerIdentityAsync(new Amazon.SecurityToken.Model.GetCallerIdentityRequest());
            Assert.False(string.IsNullOrEmpty(who.Account));
        }

        Assert.Equal(new[] { "fin-backup-use1", "fin-backup-usw2" }, estate.Regions.Select(estate.BucketFor));
        var dbs = await ctx.Rds("us-east-1").DescribeDBInstancesAsync();
        Assert.Equal(new[] { "agent-payment-db", "cross-sell-db", "inventory-db" }, dbs.Select(d => d.Identifier).OrderBy(x => x));
        Assert.All(dbs, d => { Assert.True(d.StorageEncrypted); Assert.Equal(10240, d.AllocatedStorageGiB); Assert.Equal("postgres", d.Engine); });
        Assert.Empty(await ctx.Rds("us-west-2").DescribeDBInstancesAsync());
    }

    [Fact]
    public async Task The_identity_gateway_reports_the_caller_in_each_region()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var east = await new FinBackup.Aws.Services.Sts.StsIdentityGateway(ctx, "us-east-1").GetCallerIdentityAsync(CancellationToken.None);
        var west = await new FinBackup.Aws.Services.Sts.StsIdentityGateway(ctx, "us-west-2").GetCallerIdentityAsync(CancellationToken.None);
        Assert.Matches("^[0-9]{12}$", east.Account);
        Assert.StartsWith("arn:aws:", east.Arn);
        Assert.Equal(east.Account, west.Account);
    }
}
