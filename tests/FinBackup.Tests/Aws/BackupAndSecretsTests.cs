using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.Backup;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Aws;

[Collection(MotoCollection.Name)]
public sealed class BackupAndSecretsTests
{
    private readonly MotoServer _moto;

    public BackupAndSecretsTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static BackupPlanDefinition Plan(string name, string vault, long days) => new()
    {
        Name = name,
        Rules =
        {
            new BackupRuleDefinition
            {
                RuleName = "hourly",
                TargetVaultName = vault,
                ScheduleExpression = "cron(0 * ? * * *)",
                StartWindowMinutes = 60,
                CompletionWindowMinutes = 120,
                DeleteAfterDays = days,
                RecoveryPointTags = new Dictionary<string, string> { ["fin:policy"] = "finco" },
            },
        },
    };

    [Fact]
    public async Task Backup_vault_and_plan_round_trip_in_two_regions()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        foreach (var region in new[] { "us-east-1", "us-west-2" })
        {
            var backup = ctx.Backup(region);
            var vault = await backup.CreateBackupVaultAsync("fin-backup-vault", tags: new Dictionary<string, string> { ["fin:managed-by"] = "FinBackup" });
            Assert.Contains(":" + region + ":", vault.Arn);
            var described = await backup.DescribeBackupVaultAsync("fin-backup-vault");
            Assert.NotNull(described);
            Assert.Equal(vault.Arn, described!.Arn);
            Assert.Null(await backup.DescribeBackupVaultAsync("no-such-vault"));
            Assert.Single(await backup.ListBackupVaultsAsync(), v => v.Name == "fin-backup-vault");

            await backup.PutBackupVaultLockConfigurationAsync("fin-backup-vault", 1, 35);
            var locked = await backup.DescribeBackupVaultAsync("fin-backup-vault");
            Assert.Equal(1, locked!.MinRetentionDays);
            Assert.Equal(35, locked.MaxRetentionDays);

            var created = await backup.CreateBackupPlanAsync(Plan("finco-" + region, "fin-backup-vault", 1));
            Assert.False(string.IsNullOrEmpty(created.PlanId));
            var got = await backup.GetBackupPlanAsync(created.PlanId);
            Assert.NotNull(got);
            Assert.Equal("finco-" + region, got!.Name);
            var rule = Assert.Single(got.Plan!.Rules);
            Assert.Equal("cron(0 * ? * * *)", rule.ScheduleExpression);
            Assert.Equal(1, rule.DeleteAfterDays);
            Assert.Equal("finco", rule.RecoveryPointTags!["fin:policy"]);
            Assert.Contains(await backup.ListBackupPlansAsync(), p => p.PlanId == created.PlanId);
        }
        // The regions are separate: each has exactly one plan.
        Assert.Single(await ctx.Backup("us-east-1").ListBackupPlansAsync());
    }

    [Fact]
    public async Task Secrets_created_read_updated_listed_in_two_regions()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        foreach (var region in new[] { "us-east-1", "us-west-2" })
        {
            var sm = ctx.SecretsManager(region);
            var info = await sm.CreateSecretAsync("fin/restore/cross-sell", "{\"user\":\"restore\"}", description: "restore credentials",
                tags: new Dictionary<string, string> { ["fin:application"] = "Cross-sell" });
            Assert.Contains(":" + region + ":", info.Arn);
            var value = await sm.GetSecretValueAsync("fin/restore/cross-sell");
            Assert.Equal("{\"user\":\"restore\"}", value.SecretString);
            var v2 = await sm.PutSecretValueAsync("fin/restore/cross-sell", "{\"user\":\"restore2\"}");
            Assert.Equal("{\"user\":\"restore2\"}", (await sm.GetSecretValueAsync("fin/restore/cross-sell")).SecretString);
            Assert.NotEqual(info.VersionId, v2);
            var described = await sm.DescribeSecretAsync("fin/restore/cross-sell");
            Assert.Equal("Cross-sell", described!.Tags["fin:application"]);
            Assert.Null(await sm.DescribeSecretAsync("fin/restore/none"));
            Assert.Single(await sm.ListSecretsAsync("fin/restore/"));
        }
        var missing = await Assert.ThrowsAsync<AwsServiceException>(() => ctx.SecretsManager("us-east-1").GetSecretValueAsync("fin/restore/none"));
        Assert.Equal("ResourceNotFoundException", missing.ErrorCode);
        Assert.Equal("FinAwsNotFound", missing.ErrorId);
    }

    [Fact]
    public async Task A_secret_replicated_to_the_DR_region_is_readable_there()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var east = ctx.SecretsManager("us-east-1");
        await east.CreateSecretAsync("fin/restore/customer-assistance", "{\"user\":\"r\"}");
        await east.ReplicateSecretToRegionsAsync("fin/restore/customer-assistance", new Dictionary<string, string> { ["us-west-2"] = null! });
        var described = await east.DescribeSecretAsync("fin/restore/customer-assistance");
        Assert.True(described!.ReplicationStatus.ContainsKey("us-west-2"));
        var replica = await ctx.SecretsManager("us-west-2").GetSecretValueAsync("fin/restore/customer-assistance");
        Assert.Equal("{\"user\":\"r\"}", replica.SecretString);
    }
}
