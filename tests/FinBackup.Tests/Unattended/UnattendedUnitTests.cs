using System.Text.Json;
using System.Text.RegularExpressions;
using FinBackup.Aws.Services.CloudWatch;
using FinBackup.Aws.Services.Scheduler;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Unattended;
using FinBackup.TestSupport;
using FinBackup.Tests.Aws;

namespace FinBackup.Tests.Unattended;

/// <summary>Schedule planning, expressions, drift, metrics, alarms and the SSM documents (no AWS).</summary>
public sealed class UnattendedUnitTests
{
    private static readonly string JsonPolicy = Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.json");
    private static readonly DateTime Now = new(2026, 12, 1, 10, 17, 30, DateTimeKind.Utc);

    private static BackupPolicy Recommended()
    {
        var r = PolicyReader.ReadJson(File.ReadAllText(JsonPolicy), JsonPolicy);
        Assert.Empty(r.Diagnostics);
        return r.Policy;
    }

    [Theory]
    [InlineData(30, 5, "cron(5/30 * * * ? *)", false)]
    [InlineData(60, 5, "cron(5 * * * ? *)", false)]
    [InlineData(15, 0, "cron(0/15 * * * ? *)", false)]
    [InlineData(720, 5, "cron(5 0/12 * * ? *)", false)]
    [InlineData(1440, 10, "cron(10 0 * * ? *)", false)]
    [InlineData(45, 5, "rate(45 minutes)", true)]
    [InlineData(90, 5, "rate(90 minutes)", true)]
    [InlineData(300, 5, "rate(5 hours)", true)]
    public void Each_frequency_gets_an_expression_that_fires_once_per_window(int minutes, int offset, string expected, bool anchored)
    {
        Assert.Equal(expected, ScheduleExpressions.For(TimeSpan.FromMinutes(minutes), TimeSpan.FromMinutes(offset), out var a));
        Assert.Equal(anchored, a);
    }

    [Fact]
    public void A_rate_schedule_starts_on_a_window_boundary_plus_the_offset_so_every_run_lands_in_its_own_window()
    {
        var f = TimeSpan.FromMinutes(45);
        var start = ScheduleExpressions.NextStart(Now, f, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2));
        Assert.True(start >= Now.AddMinutes(2));
        Assert.True(start < Now.AddMinutes(2) + f);
        for (var i = 0; i < 64; i++)
        {
            var run = start + TimeSpan.FromTicks(f.Ticks * i);
            var window = BackupWindow.At(run, f);
            Assert.Equal(TimeSpan.FromMinutes(5), run - window.Start);
        }
        Assert.True(ScheduleExpressions.IsAligned(start, f, TimeSpan.FromMinutes(5)));
        Assert.False(ScheduleExpressions.IsAligned(start.AddMinutes(7), f, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(30, 30)]
    [InlineData(30, 2.5)]
    public void Frequencies_and_offsets_a_schedule_cannot_express_are_refused_with_the_fix(double minutes, double offset)
    {
        var ex = Assert.Throws<FinBackupException>(() => ScheduleExpressions.For(TimeSpan.FromMinutes(minutes), TimeSpan.FromMinutes(offset), out _));
        Assert.StartsWith("FinSchedule", ex.ErrorId);
        Assert.False(string.IsNullOrEmpty(ex.RecommendedAction));
    }

    [Fact]
    public void The_recommended_policy_yields_one_schedule_per_application_window_and_file_set()
    {
        var plan = new SchedulePlanner().Plan(Recommended(), Now);
        Assert.Equal(7, plan.Count);
        Assert.Equal(5, plan.Count(p => p.Kind == ScheduleKind.Cycle));
        var vendor = plan.Single(p => p.Application == "Vendor Assistance Management");
        Assert.Equal("fin-finco-vendor-assistance-management-cycle", vendor.Definition.Name);
        Assert.Equal("cron(5/30 * * * ? *)", vendor.Definition.ScheduleExpression);
        Assert.Null(vendor.Definition.StartDate);
        var sets = plan.Where(p => p.Kind == ScheduleKind.FileSet).ToList();
        Assert.Equal(new[] { "fin-finco-agent-payment-files-config", "fin-finco-agent-payment-files-ledger" }, sets.Select(s => s.Definition.Name).OrderBy(n => n));
        Assert.All(sets, s => Assert.Equal("rate(45 minutes)", s.Definition.ScheduleExpression));
        Assert.All(sets, s => Assert.NotNull(s.Definition.StartDate));
        Assert.All(plan, p =>
        {
            var d = p.Definition;
            Assert.Equal("finbackup", d.GroupName);
            Assert.Equal("OFF", d.FlexibleTimeWindowMode);
            Assert.Equal("UTC", d.ScheduleExpressionTimezone);
            Assert.Equal("arn:aws:scheduler:::aws-sdk:ssm:sendCommand", d.TargetArn);
            Assert.Equal("arn:aws:sqs:us-east-1:123456789012:fin-backup-schedule-dlq", d.DeadLetterArn);
            Assert.Equal(3, d.MaximumRetryAttempts);
            Assert.Equal((int)(p.Frequency.TotalSeconds / 2), d.MaximumEventAgeInSeconds);
            Assert.Matches("^[0-9a-zA-Z_.-]{1,64}$", d.Name);
        });
    }

    [Fact]
    public void The_target_input_is_the_SendCommand_request_by_tag_with_the_documents_parameters()
    {
        var plan = new SchedulePlanner().Plan(Recommended(), Now);
        var cycle = JsonDocument.Parse(plan.Single(p => p.Application == "Cross-sell").Definition.Input).RootElement;
        Assert.Equal("FinBackup-Cycle", cycle.GetProperty("DocumentName").GetString());
        var target = cycle.GetProperty("Targets")[0];
        Assert.Equal("tag:fin:role", target.GetProperty("Key").GetString());
        Assert.Equal("backup-admin", target.GetProperty("Values")[0].GetString());
        Assert.Equal("Cross-sell", cycle.GetProperty("Parameters").GetProperty("Application")[0].GetString());
        Assert.Equal("fin-admin-use1", cycle.GetProperty("Parameters").GetProperty("ModuleBucket")[0].GetString());
        Assert.Equal("finbackup/policies/finco.recommended.policy.psd1", cycle.GetProperty("Parameters").GetProperty("PolicyKey")[0].GetString());
        var ledger = JsonDocument.Parse(plan.Single(p => p.FileSet == "ledger").Definition.Input).RootElement;
        Assert.Equal("FinBackup-FileSetBackup", ledger.GetProperty("DocumentName").GetString());
        Assert.Equal("tag:fin:application", ledger.GetProperty("Targets")[0].GetProperty("Key").GetString());
        Assert.Equal("Agent payment", ledger.GetProperty("Targets")[0].GetProperty("Values")[0].GetString());
        Assert.Equal("ledger", ledger.GetProperty("Parameters").GetProperty("FileSet")[0].GetString());
        // Every parameter the schedule passes is one the document declares.
        foreach (var p in plan)
        {
            var doc = JsonDocument.Parse(SsmDocumentCatalog.Get(p.DocumentName)!.Content).RootElement.GetProperty("parameters");
            var input = JsonDocument.Parse(p.Definition.Input).RootElement.GetProperty("Parameters");
            foreach (var param in input.EnumerateObject()) Assert.True(doc.TryGetProperty(param.Name, out _), $"{p.DocumentName} lacks parameter {param.Name}");
        }
    }

    [Fact]
    public void Planning_the_same_policy_twice_gives_the_same_inputs_and_names()
    {
        var a = new SchedulePlanner().Plan(Recommended(), Now);
        var b = new SchedulePlanner().Plan(Recommended(), Now.AddHours(5));
        Assert.Equal(a.Select(p => p.Definition.Name + p.Definition.Input + p.Definition.ScheduleExpression), b.Select(p => p.Definition.Name + p.Definition.Input + p.Definition.ScheduleExpression));
    }

    [Fact]
    public void A_policy_without_a_Schedule_table_is_refused_with_every_missing_field_named()
    {
        var p = Recommended();
        p.Schedule = new SchedulePolicy();
        var ex = Assert.Throws<FinBackupException>(() => new SchedulePlanner().Plan(p, Now));
        Assert.Equal("FinSchedulePolicyIncomplete", ex.ErrorId);
        foreach (var f in new[] { "AdminInstanceTag", "ModuleBucket", "SchedulerRoleArn", "DeadLetterQueueArn" }) Assert.Contains(f, ex.Message);
    }

    [Fact]
    public void Diff_reports_missing_in_sync_drifted_and_extra_and_only_this_policys_extras()
    {
        var plan = new SchedulePlanner().Plan(Recommended(), Now);
        var actual = plan.Skip(1).Select(p => Copy(p.Definition)).ToList();
        actual[0].ScheduleExpression = "rate(2 hours)";
        actual[0].Input = actual[0].Input.Replace("backup-admin", "someone-else");
        var rateOne = actual.First(a => a.ScheduleExpression.StartsWith("rate(45"));
        rateOne.StartDate = rateOne.StartDate!.Value.AddMinutes(7);
        actual.Add(new ScheduleDefinition { Name = "fin-finco-retired-app-cycle", GroupName = "finbackup" });
        actual.Add(new ScheduleDefinition { Name = "fin-other-policy-cycle", GroupName = "finbackup" });
        var rows = ScheduleDiff.Compare(plan, actual, SchedulePlanner.PolicyPrefix(Recommended()));
        Assert.Equal(ScheduleStatus.Missing, rows.Single(r => r.Planned?.Definition.Name == plan[0].Definition.Name).Status);
        var drifted = rows.Single(r => r.Planned?.Definition.Name == plan[1].Definition.Name);
        Assert.Equal(ScheduleStatus.Drifted, drifted.Status);
        Assert.Contains(drifted.Differences, d => d.StartsWith("ScheduleExpression: 'rate(2 hours)' -> 'cron(5 * * * ? *)'"));
        Assert.Contains(drifted.Differences, d => d.StartsWith("Target.Input"));
        Assert.Equal(ScheduleStatus.Drifted, rows.Single(r => r.Actual == rateOne).Status);
        Assert.Contains(rows.Single(r => r.Actual == rateOne).Differences, d => d.StartsWith("StartDate"));
        Assert.Equal("fin-finco-retired-app-cycle", rows.Single(r => r.Status == ScheduleStatus.Extra).Actual.Name);
        Assert.Equal(4, rows.Count(r => r.Status == ScheduleStatus.InSync)); // 7 planned: 1 missing, 2 drifted
    }

    [Fact]
    public void A_rate_schedule_with_a_later_StartDate_on_the_same_phase_is_in_sync()
    {
        var plan = new SchedulePlanner().Plan(Recommended(), Now);
        var ledger = plan.Single(p => p.FileSet == "ledger");
        var actual = Copy(ledger.Definition);
        actual.StartDate = actual.StartDate!.Value.AddMinutes(45 * 17);
        Assert.Empty(ScheduleDiff.Differences(ledger, actual));
    }

    [Fact]
    public void The_CreateSchedule_request_matches_botocores_scheduler_model()
    {
        foreach (var p in new SchedulePlanner().Plan(Recommended(), Now))
        {
            var body = SchedulerClient.Body(p.Definition).ToJsonString();
            var problems = BotocoreModel.Load("scheduler", "2021-06-30").Validate("CreateSchedule", "POST", "/schedules/" + p.Definition.Name, body);
            Assert.True(problems.Count == 0, string.Join("; ", problems));
            Assert.Empty(BotocoreModel.Load("scheduler", "2021-06-30").Validate("UpdateSchedule", "PUT", "/schedules/" + p.Definition.Name, body));
        }
    }

    [Fact]
    public void Cycle_metrics_carry_the_rpo_per_region_the_counts_and_the_copy_lag()
    {
        var policy = Recommended();
        var s = new FinBackupCycleSummary { Application = "Cross-sell", Taken = 3, Failed = 1, Duration = TimeSpan.FromSeconds(42), PrimaryRpo = TimeSpan.FromMinutes(4), DrRpo = TimeSpan.FromMinutes(64) };
        s.RpoAchieved["us-east-1"] = TimeSpan.FromMinutes(4);
        s.RpoAchieved["us-west-2"] = TimeSpan.FromMinutes(64);
        var data = BackupMetrics.ForCycle(s, policy, Now);
        string Dim(MetricDatum d) => string.Join(",", d.Dimensions.Select(x => x.Key + "=" + x.Value));
        Assert.Equal(240, data.Single(d => d.MetricName == "CurrentRpoSeconds" && Dim(d) == "Application=Cross-sell,Region=us-east-1").Value);
        Assert.Equal(3840, data.Single(d => d.MetricName == "CurrentRpoSeconds" && Dim(d) == "Application=Cross-sell,Region=us-west-2").Value);
        Assert.Equal(3, data.Single(d => d.MetricName == "PointsTaken").Value);
        Assert.Equal(1, data.Single(d => d.MetricName == "PointsFailed").Value);
        Assert.Equal(3600, data.Single(d => d.MetricName == "CopyLagSeconds" && Dim(d).EndsWith("us-west-2")).Value);
        Assert.Equal(42, data.Single(d => d.MetricName == "DurationSeconds").Value);
        // No point in a region: no RPO datum (the alarm treats missing data as breaching), never a made-up zero.
        var none = new FinBackupCycleSummary { Application = "Cross-sell" };
        none.RpoAchieved["us-east-1"] = null;
        Assert.DoesNotContain(BackupMetrics.ForCycle(none, policy, Now), d => d.MetricName == "CurrentRpoSeconds");
    }

    [Fact]
    public void File_backup_metrics_have_their_own_FileSet_dimension_so_they_never_mask_the_cycles_rpo()
    {
        var s = new FinBackup.Domain.Files.FileBackupSummary { Application = "Agent payment", Region = "us-east-1", BytesUploaded = 1234, Duration = TimeSpan.FromSeconds(3) };
        var data = BackupMetrics.ForFileBackup(s, "ledger", Now.AddSeconds(-10), false, Now);
        Assert.All(data, d => Assert.Contains(d.Dimensions, x => x.Key == "FileSet" && x.Value == "ledger"));
        Assert.Equal(1234, data.Single(d => d.MetricName == "BytesUploaded").Value);
        Assert.Equal(10, data.Single(d => d.MetricName == "CurrentRpoSeconds").Value, 3);
    }

    [Fact]
    public void PutMetricData_parameters_follow_the_query_list_convention()
    {
        var d = new MetricDatum { MetricName = "CurrentRpoSeconds", Value = 12.5, Unit = "Seconds", Timestamp = Now };
        d.Dimensions.Add(new("Application", "Cross-sell"));
        var p = CloudWatchClient.MetricDataParameters("FinBackup", new[] { d }).ToDictionary(k => k.Key, k => k.Value);
        Assert.Equal("FinBackup", p["Namespace"]);
        Assert.Equal("CurrentRpoSeconds", p["MetricData.member.1.MetricName"]);
        Assert.Equal("Application", p["MetricData.member.1.Dimensions.member.1.Name"]);
        Assert.Equal("12.5", p["MetricData.member.1.Value"]);
        Assert.Equal("2026-12-01T10:17:30.000Z", p["MetricData.member.1.Timestamp"]);
    }

    [Fact]
    public void One_rpo_alarm_per_application_with_the_rpo_as_threshold_and_missing_data_breaching()
    {
        var alarms = RpoAlarmPlanner.Plan(Recommended());
        Assert.Equal(5, alarms.Count);
        var vendor = alarms.Single(a => a.Application == "Vendor Assistance Management");
        Assert.Equal("fin-finco-vendor-assistance-management-rpo", vendor.AlarmName);
        Assert.Equal(1800, vendor.Threshold);
        Assert.Equal(1800, vendor.PeriodSeconds);
        Assert.All(alarms, a =>
        {
            Assert.Equal("breaching", a.TreatMissingData);
            Assert.Equal("GreaterThanThreshold", a.ComparisonOperator);
            Assert.Equal("CurrentRpoSeconds", a.MetricName);
            Assert.Equal("FinBackup", a.Namespace);
            Assert.Equal(new[] { "arn:aws:sns:us-east-1:123456789012:fin-backup-alarms" }, a.AlarmActions);
            Assert.Contains(a.Dimensions, x => x.Key == "Region" && x.Value == "us-east-1");
        });
        var p = Recommended();
        p.Alarms.SnsTopicArn = null;
        Assert.Equal("FinAlarmTopicMissing", Assert.Throws<FinBackupException>(() => RpoAlarmPlanner.Plan(p)).ErrorId);
    }

    [Fact]
    public void The_ssm_documents_are_embedded_from_examples_and_every_reference_is_a_declared_parameter()
    {
        var docs = SsmDocumentCatalog.All();
        Assert.Equal(SsmDocumentNames.All, docs.Select(d => d.Name));
        foreach (var d in docs)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, d.Source)), d.Content);
            var root = JsonDocument.Parse(d.Content).RootElement;
            Assert.Equal("2.2", root.GetProperty("schemaVersion").GetString());
            var declared = root.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
            foreach (var p in declared.Values)
            {
                Assert.Equal("String", p.GetProperty("type").GetString());
                // Values are pasted into single-quoted PowerShell strings: the pattern must not allow a quote.
                var pattern = new Regex(p.GetProperty("allowedPattern").GetString()!);
                Assert.False(pattern.IsMatch("x'; Remove-Item / -Recurse; '"), $"{d.Name}: a parameter pattern lets a quote through");
            }
            var step = root.GetProperty("mainSteps")[0];
            Assert.Equal("aws:runPowerShellScript", step.GetProperty("action").GetString());
            var script = string.Join("\n", step.GetProperty("inputs").GetProperty("runCommand").EnumerateArray().Select(l => l.GetString()));
            foreach (Match m in Regex.Matches(script, @"\{\{\s*(\w+)\s*\}\}")) Assert.True(declared.ContainsKey(m.Groups[1].Value), $"{d.Name} uses undeclared {m.Groups[1].Value}");
            Assert.Contains("exit 1", script);
            Assert.Contains("ConvertTo-Json", script);
            Assert.Contains("Get-FinS3Object '{{ ModuleBucket }}' '{{ ModuleKey }}'", script);
        }
        Assert.Contains("-Confirm:$false", docs.Single(d => d.Name == "FinBackup-Cycle").Content);
    }

    [Fact]
    public void The_Schedule_table_is_read_and_bad_values_are_errors_that_name_the_field()
    {
        var text = File.ReadAllText(JsonPolicy).Replace("\"arn:aws:iam::123456789012:role/fin-backup-scheduler\"", "\"fin-backup-scheduler\"")
                                                .Replace("\"MaximumRetryAttempts\": 3", "\"MaximumRetryAttempts\": 500, \"Retries\": 1");
        var r = PolicyReader.ReadJson(text, "p.json");
        Assert.Contains(r.Errors, e => e.Field == "Schedule.SchedulerRoleArn" && e.Problem.Contains("IAM role ARN"));
        Assert.Contains(r.Errors, e => e.Field == "Schedule.MaximumRetryAttempts");
        Assert.Contains(r.Warnings, w => w.Field == "Schedule.Retries");
        var good = Recommended();
        Assert.Equal("backup-admin", good.Schedule.AdminInstanceTag["fin:role"]);
        Assert.Equal(TimeSpan.FromMinutes(5), good.Schedule.WindowOffset);
        Assert.True(good.Metrics.Enabled);
    }

    private static ScheduleDefinition Copy(ScheduleDefinition d) => (ScheduleDefinition)typeof(ScheduleDefinition).GetMethod("MemberwiseClone", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.Invoke(d, null)!;
}
