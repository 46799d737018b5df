using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Tests.Aws;

namespace FinBackup.Tests.RecoveryPoints;

public sealed class BackupPlanTests
{
    [Theory]
    [InlineData(null, "cron(0 * ? * * *)")]
    [InlineData("00:30:00", "cron(0 * ? * * *)")]   // AWS Backup cannot go below hourly: the nearest >= 60 min
    [InlineData("01:00:00", "cron(0 * ? * * *)")]
    [InlineData("01:30:00", "cron(0 0/2 ? * * *)")]
    [InlineData("05:00:00", "cron(0 0/6 ? * * *)")]
    [InlineData("12:00:00", "cron(0 0/12 ? * * *)")]
    [InlineData("1.00:00:00", "cron(0 0 ? * * *)")]
    [InlineData("2.00:00:00", "cron(0 0 ? * * *)")]
    public void Schedule_is_the_nearest_cron_at_or_above_the_frequency(string? frequency, string expected)
    {
        Assert.Equal(expected, BackupPlanBuilder.Schedule(frequency == null ? null : TimeSpan.Parse(frequency)));
    }

    [Theory]
    [InlineData("12:00:00", 1)]
    [InlineData("1.00:00:00", 1)]
    [InlineData("1.01:00:00", 2)]
    public void Lifecycle_is_whole_days_and_at_least_one(string retention, long days)
    {
        Assert.Equal(days, BackupPlanBuilder.DeleteAfterDays(TimeSpan.Parse(retention)));
    }

    private static BackupPolicy Policy()
    {
        var p = MotoEstate.Policy("Cross-sell", "Vendor Assistance Management");
        p.Applications[0].RecoveryPoints.Add(RecoveryPointKindRequest.BackupPlan);
        p.Applications[0].BackupPlanFrequency = TimeSpan.FromHours(12);
        p.Applications[0].BackupPlanRetention = TimeSpan.FromDays(1);
        return p;
    }

    [Fact]
    public void One_plan_per_application_asking_for_it_with_copy_to_DR_and_tag_selection()
    {
        var spec = Assert.Single(BackupPlanBuilder.Build(Policy()));
        Assert.Equal("fin-finco-cross-sell", spec.PlanName);
        Assert.Equal("us-east-1", spec.Region);
        Assert.Equal("us-west-2", spec.DrRegion);
        Assert.Equal("fin:application", spec.SelectionTagKey);
        Assert.Equal("Cross-sell", spec.SelectionTagValue);
        var rule = Assert.Single(spec.Rules);
        Assert.Equal("cron(0 0/12 ? * * *)", rule.ScheduleExpression);
        Assert.True(rule.CopyToDr);
        Assert.Equal(1, rule.DeleteAfterDays);
        Assert.Equal("FinBackup", rule.RecoveryPointTags["fin:managed-by"]);
    }

    [Fact]
    public async Task The_plan_request_FinBackup_sends_matches_the_AWS_Backup_model()
    {
        var spec = Assert.Single(BackupPlanBuilder.Build(Policy()));
        var definition = BackupPlanGateway.ToDefinition(spec, "arn:aws:backup:us-west-2:123456789012:backup-vault:fin-backup-vault");
        using var proxy = new LoopbackProxy(null, (_, _) => new CannedResponse(200, "{\"BackupPlanId\":\"p-1\",\"VersionId\":\"v1\"}", "application/json"));
        using var ctx = AwsTestContext.For(proxy.EndpointUrl, "us-east-1");
        await ctx.Backup("us-east-1").CreateBackupPlanAsync(definition, spec.Tags);
        var request = Assert.Single(proxy.Requests);
        Assert.True(BotocoreModel.Available("backup"));
        var problems = BotocoreModel.Load("backup", "2018-11-15").Validate("CreateBackupPlan", request.Method, request.PathAndQuery, request.BodyText);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        Assert.Contains("\"DestinationBackupVaultArn\":\"arn:aws:backup:us-west-2:123456789012:backup-vault:fin-backup-vault\"", request.BodyText);
        Assert.Contains("\"ScheduleExpression\":\"cron(0 0/12 ? * * *)\"", request.BodyText);
        Assert.Contains("\"DeleteAfterDays\":1", request.BodyText);
    }

    [Fact]
    public async Task The_selection_request_matches_the_AWS_Backup_model_and_selects_by_the_application_tag()
    {
        var spec = Assert.Single(BackupPlanBuilder.Build(Policy()));
        using var proxy = new LoopbackProxy(null, (_, _) => new CannedResponse(200, "{\"SelectionId\":\"s-1\",\"BackupPlanId\":\"p-1\"}", "application/json"));
        using var ctx = AwsTestContext.For(proxy.EndpointUrl, "us-east-1");
        var id = new BackupPlanGateway(ctx, "us-east-1").EnsureSelection("p-1", spec, "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole", default);
        Assert.Equal("s-1", id);
        var request = Assert.Single(proxy.Requests);
        var problems = BotocoreModel.Load("backup", "2018-11-15").Validate("CreateBackupSelection", request.Method, request.PathAndQuery, request.BodyText);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        Assert.Contains("fin:application", request.BodyText);
        Assert.Contains("Cross-sell", request.BodyText);
        Assert.Contains("CreatorRequestId", request.BodyText);
    }
}
