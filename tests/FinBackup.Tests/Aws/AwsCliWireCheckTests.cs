using System.Diagnostics;
using System.Text.Json;
using FinBackup.Aws.Services.Backup;
using FinBackup.Aws.Services.Rds;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Aws;

/// <summary>
/// Wire checks against the AWS CLI: the same operation through FinBackup's protocol clients and through `aws` (botocore's
/// serializers) gives the same result — each side reads what the other wrote.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class AwsCliWireCheckTests
{
    private readonly MotoServer _moto;

    public AwsCliWireCheckTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private JsonElement Aws(string region, params string[] args)
    {
        var exe = MotoServer.FindExecutable("aws");
        Assert.True(exe != null, "the AWS CLI (aws) must be on PATH for the wire check");
        var psi = new ProcessStartInfo(exe!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--endpoint-url", _moto.EndpointUrl, "--region", region, "--output", "json" }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        // An admin's shell names a profile (AWS_PROFILE) that the emptied config files do not have: the CLI would refuse.
        psi.Environment.Remove("AWS_PROFILE");
        psi.Environment.Remove("AWS_DEFAULT_PROFILE");
        psi.Environment.Remove("AWS_SESSION_TOKEN");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60000), "aws timed out");
        Assert.True(p.ExitCode == 0, $"aws {string.Join(' ', args)} failed: {stderr}");
        return string.IsNullOrWhiteSpace(stdout) ? default : JsonDocument.Parse(stdout).RootElement.Clone();
    }

    [Fact]
    public async Task Rds_snapshot_created_by_FinBackup_reads_the_same_through_the_CLI_and_a_CLI_copy_reads_the_same_through_FinBackup()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        var rds = ctx.Rds("us-east-1");
        await rds.CreateDBInstanceAsync(new RdsCreateInstanceRequest
        {
            Identifier = "agent-payment-db", AllocatedStorageGiB = 10240, MasterUserPassword = "Sandbox-Passw0rd",
            Tags = new Dictionary<string, string> { ["fin:application"] = "Agent payment" },
        });
        var ours = await rds.CreateDBSnapshotAsync("fin-agent-payment-1", "agent-payment-db",
            new Dictionary<string, string> { ["fin:managed-by"] = "FinBackup", ["fin:window"] = "2026-11-23T19:00:00Z" });

        var cli = Aws("us-east-1", "rds", "describe-db-snapshots", "--db-snapshot-identifier", "fin-agent-payment-1").GetProperty("DBSnapshots")[0];
        Assert.Equal(ours.Arn, cli.GetProperty("DBSnapshotArn").GetString());
        Assert.Equal("agent-payment-db", cli.GetProperty("DBInstanceIdentifier").GetString());
        Assert.Equal(ours.AllocatedStorageGiB, cli.GetProperty("AllocatedStorage").GetInt32());
        Assert.Equal(ours.SnapshotType, cli.GetProperty("SnapshotType").GetString());
        var cliTags = Aws("us-east-1", "rds", "list-tags-for-resource", "--resource-name", ours.Arn).GetProperty("TagList")
            .EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!);
        Assert.Equal(await rds.ListTagsForResourceAsync(ours.Arn), cliTags);

        // The other way round: a cross-region copy made by the CLI, read by FinBackup.
        Aws("us-west-2", "rds", "copy-db-snapshot", "--source-db-snapshot-identifier", ours.Arn,
            "--target-db-snapshot-identifier", "fin-agent-payment-1-dr", "--source-region", "us-east-1", "--copy-tags");
        var theirs = Assert.Single(await ctx.Rds("us-west-2").DescribeDBSnapshotsAsync(new RdsSnapshotQuery { SnapshotIdentifier = "fin-agent-payment-1-dr" }));
        var cliCopy = Aws("us-west-2", "rds", "describe-db-snapshots", "--db-snapshot-identifier", "fin-agent-payment-1-dr").GetProperty("DBSnapshots")[0];
        Assert.Equal(cliCopy.GetProperty("DBSnapshotArn").GetString(), theirs.Arn);
        Assert.Equal(cliCopy.GetProperty("Status").GetString(), theirs.Status);
    }

    [Fact]
    public async Task Secrets_and_backup_vaults_agree_between_FinBackup_and_the_CLI()
    {
        using var ctx = AwsTestContext.For(_moto.EndpointUrl);
        Aws("us-west-2", "secretsmanager", "create-secret", "--name", "fin/restore/vendor-assistance", "--secret-string", "{\"u\":\"r\"}");
        var value = await ctx.SecretsManager("us-west-2").GetSecretValueAsync("fin/restore/vendor-assistance");
        var cliValue = Aws("us-west-2", "secretsmanager", "get-secret-value", "--secret-id", "fin/restore/vendor-assistance");
        Assert.Equal(cliValue.GetProperty("SecretString").GetString(), value.SecretString);
        Assert.Equal(cliValue.GetProperty("ARN").GetString(), value.Arn);
        Assert.Equal(cliValue.GetProperty("VersionId").GetString(), value.VersionId);

        var vault = await ctx.Backup("us-west-2").CreateBackupVaultAsync("fin-backup-vault");
        var cliVault = Aws("us-west-2", "backup", "describe-backup-vault", "--backup-vault-name", "fin-backup-vault");
        Assert.Equal(vault.Arn, cliVault.GetProperty("BackupVaultArn").GetString());
        var plan = await ctx.Backup("us-west-2").CreateBackupPlanAsync(new BackupPlanDefinition
        {
            Name = "finco",
            Rules = { new BackupRuleDefinition { RuleName = "hourly", TargetVaultName = "fin-backup-vault", ScheduleExpression = "cron(0 * ? * * *)", DeleteAfterDays = 1 } },
        });
        var cliPlan = Aws("us-west-2", "backup", "get-backup-plan", "--backup-plan-id", plan.PlanId!).GetProperty("BackupPlan");
        Assert.Equal("finco", cliPlan.GetProperty("BackupPlanName").GetString());
        var rule = cliPlan.GetProperty("Rules")[0];
        Assert.Equal("cron(0 * ? * * *)", rule.GetProperty("ScheduleExpression").GetString());
        Assert.Equal(1, rule.GetProperty("Lifecycle").GetProperty("DeleteAfterDays").GetInt32());
    }
}
