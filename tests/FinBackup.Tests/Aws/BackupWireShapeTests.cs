using FinBackup.Aws.Services.Backup;

namespace FinBackup.Tests.Aws;

/// <summary>
/// moto 5.2.1 does not emulate UpdateBackupPlan, CreateBackupSelection, ListRecoveryPointsByBackupVault,
/// DeleteRecoveryPoint or StartCopyJob: the requests are captured at a loopback server and checked against
/// botocore's AWS Backup model (method, URI template, body members, required members).
/// </summary>
public sealed class BackupWireShapeTests
{
    private static (LoopbackProxy proxy, BackupClient client) Capture(string cannedJson)
    {
        var proxy = new LoopbackProxy(null, (_, _) => new CannedResponse(200, cannedJson, "application/json"));
        var ctx = AwsTestContext.For(proxy.EndpointUrl, "us-east-1");
        return (proxy, ctx.Backup("us-east-1"));
    }

    private static void AssertMatchesModel(ProxiedRequest request, string operation)
    {
        Assert.True(BotocoreModel.Available("backup"), "botocore models (pip install botocore) are needed for this check");
        var problems = BotocoreModel.Load("backup", "2018-11-15").Validate(operation, request.Method, request.PathAndQuery, request.BodyText);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=testing/", request.Headers["Authorization"]);
        Assert.Contains("/us-east-1/backup/aws4_request", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task UpdateBackupPlan_matches_the_model()
    {
        var (proxy, client) = Capture("{\"BackupPlanId\":\"p-1\",\"VersionId\":\"v2\"}");
        using (proxy)
        {
            var plan = new BackupPlanDefinition
            {
                Name = "finco",
                Rules =
                {
                    new BackupRuleDefinition
                    {
                        RuleName = "hourly", TargetVaultName = "fin-backup-vault", ScheduleExpression = "cron(0 * ? * * *)",
                        StartWindowMinutes = 60, CompletionWindowMinutes = 120, DeleteAfterDays = 1,
                        RecoveryPointTags = new Dictionary<string, string> { ["fin:policy"] = "finco" },
                        CopyActions = { new BackupCopyActionDefinition { DestinationVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:fin-backup-vault", DeleteAfterDays = 1 } },
                    },
                },
            };
            var info = await client.UpdateBackupPlanAsync("p-1", plan);
            Assert.Equal("v2", info.VersionId);
            var req = Assert.Single(proxy.Requests);
            Assert.Equal("/backup/plans/p-1", req.PathAndQuery);
            AssertMatchesModel(req, "UpdateBackupPlan");
        }
    }

    [Fact]
    public async Task CreateBackupSelection_matches_the_model()
    {
        var (proxy, client) = Capture("{\"SelectionId\":\"s-1\",\"BackupPlanId\":\"p-1\"}");
        using (proxy)
        {
            var id = await client.CreateBackupSelectionAsync("p-1", new BackupSelectionDefinition
            {
                SelectionName = "finco-apps",
                IamRoleArn = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole",
                TagConditions = { ["fin:application"] = "Cross-sell" },
            });
            Assert.Equal("s-1", id);
            AssertMatchesModel(Assert.Single(proxy.Requests), "CreateBackupSelection");
        }
    }

    [Fact]
    public async Task ListRecoveryPoints_pages_and_matches_the_model()
    {
        var proxy = new LoopbackProxy(null, (n, _) => n == 1
            ? new CannedResponse(200, "{\"RecoveryPoints\":[{\"RecoveryPointArn\":\"arn:a:1\",\"Status\":\"COMPLETED\",\"CreationDate\":1763924400.5}],\"NextToken\":\"t2\"}", "application/json")
            : new CannedResponse(200, "{\"RecoveryPoints\":[{\"RecoveryPointArn\":\"arn:a:2\",\"CalculatedLifecycle\":{\"DeleteAt\":1763967600}}]}", "application/json"));
        using (proxy)
        {
            var client = AwsTestContext.For(proxy.EndpointUrl).Backup("us-east-1");
            var points = await client.ListRecoveryPointsByBackupVaultAsync("fin-backup-vault", "arn:aws:rds:us-east-1:123456789012:db:cross-sell-db");
            Assert.Equal(new[] { "arn:a:1", "arn:a:2" }, points.Select(p => p.RecoveryPointArn));
            Assert.Equal(new DateTime(2025, 11, 23, 19, 0, 0, DateTimeKind.Utc).AddMilliseconds(500), points[0].CreationDate);
            Assert.NotNull(points[1].DeleteAt);
            Assert.Equal(2, proxy.Requests.Count);
            Assert.Contains("nextToken=t2", proxy.Requests[1].PathAndQuery);
            Assert.Contains("resourceArn=arn%3Aaws%3Ards", proxy.Requests[0].PathAndQuery);
            AssertMatchesModel(proxy.Requests[0], "ListRecoveryPointsByBackupVault");
        }
    }

    [Fact]
    public async Task DeleteRecoveryPoint_encodes_the_arn_in_the_path()
    {
        var (proxy, client) = Capture("");
        using (proxy)
        {
            await client.DeleteRecoveryPointAsync("fin-backup-vault", "arn:aws:ec2:us-east-1::snapshot/snap-0123");
            var req = Assert.Single(proxy.Requests);
            Assert.Equal("DELETE", req.Method);
            Assert.Equal("/backup-vaults/fin-backup-vault/recovery-points/arn%3Aaws%3Aec2%3Aus-east-1%3A%3Asnapshot%2Fsnap-0123", req.PathAndQuery);
            AssertMatchesModel(req, "DeleteRecoveryPoint");
        }
    }

    [Fact]
    public async Task StartCopyJob_matches_the_model()
    {
        var (proxy, client) = Capture("{\"CopyJobId\":\"job-1\"}");
        using (proxy)
        {
            var id = await client.StartCopyJobAsync(new BackupCopyJobRequest
            {
                RecoveryPointArn = "arn:aws:ec2:us-east-1::snapshot/snap-0123",
                SourceVaultName = "fin-backup-vault",
                DestinationVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:fin-backup-vault",
                IamRoleArn = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole",
                IdempotencyToken = "tok-1",
                DeleteAfterDays = 1,
            });
            Assert.Equal("job-1", id);
            AssertMatchesModel(Assert.Single(proxy.Requests), "StartCopyJob");
        }
    }

    [Fact]
    public void The_model_check_itself_rejects_wrong_members_paths_and_missing_required_fields()
    {
        var model = BotocoreModel.Load("backup", "2018-11-15");
        Assert.Empty(model.Validate("StartCopyJob", "PUT", "/copy-jobs",
            "{\"RecoveryPointArn\":\"a\",\"SourceBackupVaultName\":\"v\",\"DestinationBackupVaultArn\":\"d\",\"IamRoleArn\":\"r\"}"));
        var problems = model.Validate("StartCopyJob", "POST", "/copy-job",
            "{\"RecoveryPointArn\":\"a\",\"SourceVaultName\":\"v\",\"IamRoleArn\":\"r\",\"Lifecycle\":{\"DeleteAfterDays\":\"1\"}}");
        Assert.Contains(problems, p => p.Contains("method POST"));
        Assert.Contains(problems, p => p.Contains("does not match"));
        Assert.Contains(problems, p => p.Contains("SourceVaultName is not in the model"));
        Assert.Contains(problems, p => p.Contains("required StartCopyJobInput.DestinationBackupVaultArn missing"));
        Assert.Contains(problems, p => p.Contains("DeleteAfterDays should be a number"));
    }
}
