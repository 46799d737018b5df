using FinBackup.Aws.RecoveryPoints;
using FinBackup.Aws.Services.Backup;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;
using FinBackup.Domain.Waiting;
using FinBackup.Tests.Aws;

namespace FinBackup.Tests.Restore;

/// <summary>
/// moto 5.2.1 emulates none of ListRecoveryPointsByBackupVault, ListTags (Backup), GetRecoveryPointRestoreMetadata,
/// StartRestoreJob, DescribeRestoreJob: the requests are captured at a loopback server and checked against botocore's AWS
/// Backup model (method, URI template, query parameter names, body members, required members); the restore sequencing is
/// checked against a test double of the gateway.
/// </summary>
public sealed class BackupVaultWireShapeTests
{
    private const string PointArn = "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45";
    private static readonly BotocoreModel Model = BotocoreModel.Load("backup", "2018-11-15");

    private static void AssertMatchesModel(ProxiedRequest request, string operation)
    {
        var problems = Model.Validate(operation, request.Method, request.PathAndQuery, request.BodyText);
        var query = request.PathAndQuery.Contains('?') ? request.PathAndQuery.Split('?')[1] : "";
        var allowed = Model.QueryParameters(operation);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(pair.Split('=')[0]);
            if (!allowed.Contains(name)) problems.Add($"query parameter {name} is not in the model ({string.Join(", ", allowed)})");
        }
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        Assert.Contains("/us-east-1/backup/aws4_request", request.Headers["Authorization"]);
    }

    private static (LoopbackProxy, BackupClient) Capture(Func<ProxiedRequest, string> answer)
    {
        var proxy = new LoopbackProxy(null, (_, r) => new CannedResponse(200, answer(r), "application/json"));
        return (proxy, AwsTestContext.For(proxy.EndpointUrl).Backup("us-east-1"));
    }

    [Fact]
    public async Task ListRecoveryPoints_with_time_filters_matches_the_model_and_reads_lifecycle_fields()
    {
        var (proxy, client) = Capture(_ => "{\"RecoveryPoints\":[{\"RecoveryPointArn\":\"" + PointArn + "\",\"ResourceArn\":\"arn:aws:rds:us-east-1:123456789012:db:cross-sell-db\",\"ResourceType\":\"RDS\",\"Status\":\"COMPLETED\",\"CreationDate\":1764583200,\"IsEncrypted\":true,\"EncryptionKeyArn\":\"arn:aws:kms:us-east-1:123456789012:key/k\",\"BackupSizeInBytes\":214748364800,\"Lifecycle\":{\"DeleteAfterDays\":1},\"CalculatedLifecycle\":{\"DeleteAt\":1764669600},\"BackupVaultName\":\"fin-backup-vault\",\"ResourceName\":\"cross-sell-db\"}]}");
        using (proxy)
        {
            var points = await client.ListRecoveryPointsAsync("fin-backup-vault", new BackupRecoveryPointFilter
            {
                CreatedAfter = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc),
                CreatedBefore = new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc),
                ResourceType = "RDS",
            });
            var p = Assert.Single(points);
            Assert.Equal(1, p.DeleteAfterDays);
            Assert.Equal("cross-sell-db", p.ResourceName);
            var req = Assert.Single(proxy.Requests);
            Assert.Contains("createdAfter=2026-12-01T00%3A00%3A00Z", req.PathAndQuery);
            AssertMatchesModel(req, "ListRecoveryPointsByBackupVault");
        }
    }

    [Fact]
    public async Task ListTags_GetRestoreMetadata_StartRestoreJob_and_DescribeRestoreJob_match_the_model()
    {
        var (proxy, client) = Capture(r =>
            r.PathAndQuery.StartsWith("/tags/") ? "{\"Tags\":{\"fin:managed-by\":\"FinBackup\"}}"
            : r.PathAndQuery.EndsWith("/restore-metadata") ? "{\"RecoveryPointArn\":\"" + PointArn + "\",\"ResourceType\":\"RDS\",\"RestoreMetadata\":{\"DBInstanceIdentifier\":\"cross-sell-db\",\"DBInstanceClass\":\"db.r6g.large\"}}"
            : r.Method == "PUT" ? "{\"RestoreJobId\":\"job-1\"}"
            : "{\"RestoreJobId\":\"job-1\",\"Status\":\"RUNNING\",\"PercentDone\":\"42.5\",\"ExpectedCompletionTimeMinutes\":30,\"CreatedResourceArn\":\"arn:aws:rds:us-east-1:123456789012:db:cross-sell-db-r\"}");
        using (proxy)
        {
            Assert.Equal("FinBackup", (await client.ListTagsAsync(PointArn))["fin:managed-by"]);
            var meta = await client.GetRecoveryPointRestoreMetadataAsync("fin-backup-vault", PointArn);
            Assert.Equal("RDS", meta.ResourceType);
            Assert.Equal("db.r6g.large", meta.Metadata["DBInstanceClass"]);
            var id = await client.StartRestoreJobAsync(new BackupRestoreJobRequest
            {
                RecoveryPointArn = PointArn,
                Metadata = new Dictionary<string, string> { ["DBInstanceIdentifier"] = "cross-sell-db-r" },
                IamRoleArn = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole",
                IdempotencyToken = "restore-1",
                ResourceType = "RDS",
            });
            Assert.Equal("job-1", id);
            var job = await client.DescribeRestoreJobAsync("job-1");
            Assert.Equal(42.5, job.PercentDone);
            Assert.Equal("RUNNING", job.Status);
            Assert.Equal(30, job.ExpectedCompletionTimeMinutes);

            Assert.Equal(4, proxy.Requests.Count);
            Assert.Equal("/tags/" + Uri.EscapeDataString(PointArn) + "/", proxy.Requests[0].PathAndQuery);
            AssertMatchesModel(proxy.Requests[0], "ListTags");
            AssertMatchesModel(proxy.Requests[1], "GetRecoveryPointRestoreMetadata");
            AssertMatchesModel(proxy.Requests[2], "StartRestoreJob");
            Assert.Contains("\"Metadata\":{\"DBInstanceIdentifier\":\"cross-sell-db-r\"}", proxy.Requests[2].BodyText);
            AssertMatchesModel(proxy.Requests[3], "DescribeRestoreJob");
        }
    }

    [Fact]
    public void Provider_lists_the_policy_vault_with_lock_state_lifecycle_and_tags_and_nothing_without_a_vault()
    {
        var proxy = new LoopbackProxy(null, (_, r) =>
            r.PathAndQuery == "/backup-vaults/fin-backup-vault" ? new CannedResponse(200, "{\"BackupVaultName\":\"fin-backup-vault\",\"Locked\":true}", "application/json")
            : r.PathAndQuery.StartsWith("/backup-vaults/fin-backup-vault/recovery-points/") ? new CannedResponse(200,
                "{\"RecoveryPoints\":[" +
                "{\"RecoveryPointArn\":\"arn:p:1\",\"ResourceArn\":\"arn:aws:rds:us-east-1:123456789012:db:cross-sell-db\",\"ResourceType\":\"RDS\",\"Status\":\"COMPLETED\",\"CreationDate\":1764583200,\"IsEncrypted\":true,\"EncryptionKeyArn\":\"arn:k\",\"BackupSizeInBytes\":1073741824,\"CalculatedLifecycle\":{\"DeleteAt\":1764669600}}," +
                "{\"RecoveryPointArn\":\"arn:p:2\",\"ResourceArn\":\"arn:aws:ec2:us-east-1:123456789012:volume/vol-1\",\"ResourceType\":\"EBS\",\"Status\":\"CREATING\",\"CreationDate\":1764586800}]}", "application/json")
            : r.PathAndQuery.StartsWith("/tags/arn%3Ap%3A1") ? new CannedResponse(200, "{\"Tags\":{\"fin:managed-by\":\"FinBackup\",\"fin:application\":\"Cross-sell\",\"fin:policy\":\"finco\"}}", "application/json")
            : new CannedResponse(200, "{\"Tags\":{}}", "application/json"));
        using (proxy)
        {
            using var ctx = AwsTestContext.For(proxy.EndpointUrl);
            var provider = new BackupVaultRecoveryPointProvider(ctx, "us-east-1");
            Assert.Empty(provider.List(new RecoveryPointQuery(), CancellationToken.None));
            Assert.Empty(proxy.Requests);

            var managed = provider.List(new RecoveryPointQuery { BackupVaultName = "fin-backup-vault" }, CancellationToken.None);
            var p = Assert.Single(managed);
            Assert.Equal(RecoveryPointKind.BackupVaultPoint, p.Kind);
            Assert.Equal("arn:p:1", p.RecoveryPointId);
            Assert.Equal("Cross-sell", p.Application);
            Assert.Equal("cross-sell-db", p.ResourceId);
            Assert.Equal("RDS", p.ResourceType);
            Assert.True(p.VaultLocked);
            Assert.True(p.Encrypted);
            Assert.Equal(1.0, p.SizeGiB);
            Assert.Equal(RecoveryPointState.Available, p.State);
            Assert.Equal(new DateTime(2025, 12, 2, 10, 0, 0, DateTimeKind.Utc), p.LifecycleDeleteAt);
            Assert.Null(p.ExpiresAt);
            Assert.Contains(proxy.Requests, r => r.PathAndQuery.StartsWith("/tags/"));

            var all = provider.List(new RecoveryPointQuery { BackupVaultName = "fin-backup-vault", IncludeUnmanaged = true }, CancellationToken.None);
            Assert.Equal(2, all.Count);
            Assert.Equal(RecoveryPointState.Pending, all.Single(x => x.RecoveryPointId == "arn:p:2").State);
            Assert.Equal("vol-1", all.Single(x => x.RecoveryPointId == "arn:p:2").ResourceId);

            Assert.Equal("FinDeleteVaultPointRefused", Assert.Throws<FinBackupException>(() => provider.Delete(p, CancellationToken.None)).ErrorId);
            Assert.Equal("FinDeleteUnmanagedRefused", Assert.Throws<FinBackupException>(() => provider.Delete(all.Single(x => x.RecoveryPointId == "arn:p:2"), CancellationToken.None)).ErrorId);
            Assert.Equal("FinVaultPointCopyByPlan", Assert.Throws<FinBackupException>(() => provider.Copy(p, new CopyRecoveryPointRequest(), CancellationToken.None)).ErrorId);
        }
    }

    [Fact]
    public void Provider_lists_nothing_where_the_endpoint_does_not_implement_the_API_or_the_vault_is_missing()
    {
        var proxy = new LoopbackProxy(null, (_, r) =>
            r.PathAndQuery == "/backup-vaults/fin-backup-vault" ? new CannedResponse(200, "{\"BackupVaultName\":\"fin-backup-vault\"}", "application/json")
            : r.PathAndQuery == "/backup-vaults/gone" ? new CannedResponse(400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"no vault\"}", "application/json")
            : new CannedResponse(404, "<!doctype html><title>404 Not Found</title>", "text/html"));
        using (proxy)
        {
            using var ctx = AwsTestContext.For(proxy.EndpointUrl);
            var provider = new BackupVaultRecoveryPointProvider(ctx, "us-east-1");
            Assert.Empty(provider.List(new RecoveryPointQuery { BackupVaultName = "fin-backup-vault" }, CancellationToken.None));
            Assert.Empty(provider.List(new RecoveryPointQuery { BackupVaultName = "gone" }, CancellationToken.None));
        }
    }
}

public sealed class BackupVaultRestorerTests
{
    private sealed class FakeGateway : IBackupVaultRestoreGateway
    {
        public List<string> Calls { get; } = new();
        public VaultRestoreJobRequest? Started { get; private set; }
        public Queue<VaultRestoreJob> Jobs { get; } = new();
        public string ResourceType { get; set; } = "RDS";

        public VaultRestoreMetadata GetRestoreMetadata(string vaultName, string recoveryPointArn, CancellationToken ct)
        {
            Calls.Add($"metadata {vaultName} {recoveryPointArn}");
            return new VaultRestoreMetadata
            {
                ResourceType = ResourceType,
                Metadata = new Dictionary<string, string> { ["DBInstanceIdentifier"] = "cross-sell-db", ["DBInstanceClass"] = "db.r6g.large", ["MasterUserPassword"] = "s3cr3t-value", ["Port"] = "5432" },
            };
        }

        public string StartRestoreJob(VaultRestoreJobRequest request, CancellationToken ct)
        {
            Calls.Add("start");
            Started = request;
            return "job-1";
        }

        public VaultRestoreJob DescribeRestoreJob(string restoreJobId, CancellationToken ct)
        {
            Calls.Add("describe " + restoreJobId);
            return Jobs.Count > 1 ? Jobs.Dequeue() : Jobs.Peek();
        }
    }

    private static FinRecoveryPoint Point() => new()
    {
        RecoveryPointId = "arn:aws:backup:us-east-1:123456789012:recovery-point:1",
        Arn = "arn:aws:backup:us-east-1:123456789012:recovery-point:1",
        Kind = RecoveryPointKind.BackupVaultPoint, BackupVaultName = "fin-backup-vault", ResourceType = "RDS", Region = "us-east-1",
    };

    private static (BackupVaultRestorer, List<TimeSpan>) Restorer(FakeGateway gw)
    {
        var now = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        var sleeps = new List<TimeSpan>();
        var waiter = new Waiter(() => now, (t, _) => { sleeps.Add(t); now += t; });
        return (new BackupVaultRestorer(gw, waiter), sleeps);
    }

    [Fact]
    public void Metadata_then_start_with_overrides_then_describe_until_completed()
    {
        var gw = new FakeGateway();
        gw.Jobs.Enqueue(new VaultRestoreJob { RestoreJobId = "job-1", Status = "PENDING" });
        gw.Jobs.Enqueue(new VaultRestoreJob { RestoreJobId = "job-1", Status = "RUNNING", PercentDone = 50 });
        gw.Jobs.Enqueue(new VaultRestoreJob { RestoreJobId = "job-1", Status = "COMPLETED", PercentDone = 100, CreatedResourceArn = "arn:aws:rds:us-east-1:123456789012:db:cross-sell-db-r" });
        var (restorer, sleeps) = Restorer(gw);
        var verbose = new List<string>();
        var progress = new List<string>();
        var job = restorer.Restore(Point(), new Dictionary<string, string> { ["TargetDBInstanceIdentifier"] = "cross-sell-db-r", ["Port"] = "6543" },
            "restore-42", wait: true, CancellationToken.None, p => progress.Add(p.Value.Status), verbose.Add);

        Assert.Equal("COMPLETED", job.Status);
        Assert.Equal(new[] { "metadata fin-backup-vault arn:aws:backup:us-east-1:123456789012:recovery-point:1", "start", "describe job-1", "describe job-1", "describe job-1" }, gw.Calls);
        Assert.Equal("cross-sell-db-r", gw.Started!.Metadata["DBInstanceIdentifier"]);
        Assert.Equal("db.r6g.large", gw.Started.Metadata["DBInstanceClass"]);
        Assert.Equal("6543", gw.Started.Metadata["Port"]);
        Assert.Equal("restore-42", gw.Started.IdempotencyToken);
        Assert.Equal("RDS", gw.Started.ResourceType);
        Assert.Equal("arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole", gw.Started.IamRoleArn);
        Assert.Equal(new[] { "PENDING", "RUNNING" }, progress);
        Assert.Equal(2, sleeps.Count);
        Assert.All(verbose, v => Assert.DoesNotContain("s3cr3t-value", v));
        Assert.Contains(verbose, v => v.Contains("MasterUserPassword"));
    }

    [Fact]
    public void A_failed_job_names_what_it_created_and_bad_parameters_stop_before_any_job()
    {
        var gw = new FakeGateway();
        gw.Jobs.Enqueue(new VaultRestoreJob { RestoreJobId = "job-1", Status = "FAILED", StatusMessage = "subnet group not found", CreatedResourceArn = "arn:aws:rds:us-east-1:123456789012:db:half" });
        var (restorer, _) = Restorer(gw);
        var ex = Assert.Throws<FinBackupException>(() => restorer.Restore(Point(), new Dictionary<string, string> { ["TargetDBInstanceIdentifier"] = "x", ["IamRoleArn"] = "arn:aws:iam::123456789012:role/restore" }, "r", true, CancellationToken.None));
        Assert.Equal("FinVaultRestoreJobFailed", ex.ErrorId);
        Assert.Contains("subnet group not found", ex.Message);
        Assert.Contains("arn:aws:rds:us-east-1:123456789012:db:half", ex.Message);
        Assert.Equal("arn:aws:iam::123456789012:role/restore", gw.Started!.IamRoleArn);

        var gw2 = new FakeGateway();
        var (r2, _) = Restorer(gw2);
        Assert.Equal("FinVaultRestoreParameterUnknown", Assert.Throws<FinBackupException>(() =>
            r2.Restore(Point(), new Dictionary<string, string> { ["TargetDBInstanceIdentifier"] = "x", ["Destination"] = "/tmp" }, "r", true, CancellationToken.None)).ErrorId);
        Assert.Equal("FinRestoreTargetIdentifierMissing", Assert.Throws<FinBackupException>(() =>
            r2.Restore(Point(), new Dictionary<string, string>(), "r", true, CancellationToken.None)).ErrorId);
        Assert.DoesNotContain("start", gw2.Calls);
    }

    [Fact]
    public void A_job_that_never_ends_times_out_through_the_waiter()
    {
        var gw = new FakeGateway();
        gw.Jobs.Enqueue(new VaultRestoreJob { RestoreJobId = "job-1", Status = "RUNNING" });
        var (restorer, _) = Restorer(gw);
        restorer.WaitPolicy = new WaitPolicy { FirstDelay = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromMinutes(5), Timeout = TimeSpan.FromHours(1) };
        Assert.Equal("FinWaitTimedOut", Assert.Throws<FinBackupException>(() =>
            restorer.Restore(Point(), new Dictionary<string, string> { ["TargetDBInstanceIdentifier"] = "x" }, "r", true, CancellationToken.None)).ErrorId);
    }
}
