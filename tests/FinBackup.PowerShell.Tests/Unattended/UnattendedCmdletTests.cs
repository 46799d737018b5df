using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;
using System.Management.Automation;
using System.Text.Json;
using FinBackup.PowerShell.Tests.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Unattended;

/// <summary>
/// Running unattended against moto 5.2.1 (EventBridge Scheduler, SSM documents and Run Command, CloudWatch, SNS),
/// checked from outside with the AWS CLI.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class UnattendedCmdletTests
{
    private readonly MotoServer _moto;
    private readonly AwsCli _aws;

    public UnattendedCmdletTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
        _aws = new AwsCli(moto.EndpointUrl);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
    }

    private static string PolicyPath => Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.psd1");

    private ModuleHost Host()
    {
        var host = new ModuleHost();
        var r = host.Run($"Set-FinDefault -Region us-east-1 -EndpointUrl '{_moto.EndpointUrl}'; $policy = Import-FinBackupPolicy '{PolicyPath}'");
        Assert.Empty(r.Errors);
        Assert.Null(r.Terminating);
        return host;
    }

    private static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;

    private List<JsonElement> Schedules(string group = "finbackup") =>
        _aws.Json("scheduler", "list-schedules", "--region", "us-east-1", "--group-name", group).GetProperty("Schedules").EnumerateArray().ToList();

    private JsonElement Schedule(string name) => _aws.Json("scheduler", "get-schedule", "--region", "us-east-1", "--group-name", "finbackup", "--name", name);

    [Fact]
    public void Register_creates_one_schedule_per_application_window_and_file_set_and_a_second_run_changes_nothing()
    {
        using var host = Host();
        var whatIf = host.Run("Register-FinBackupSchedule -Policy $policy -WhatIf");
        Assert.Empty(whatIf.Errors);
        Assert.Equal(7, whatIf.Output.Count);
        Assert.All(whatIf.Output, o => Assert.Equal("Skipped", Prop(o, "Action")));
        Assert.Empty(Schedules()); // -WhatIf created nothing

        var first = host.Run("Register-FinBackupSchedule -Policy $policy");
        Assert.Empty(first.Errors);
        Assert.All(first.Output, o => Assert.Equal("Created", Prop(o, "Action")));
        Assert.Contains(first.Progress, p => p.RecordType == ProgressRecordType.Completed);

        var listed = Schedules();
        Assert.Equal(7, listed.Count);
        var vendor = Schedule("fin-finco-vendor-assistance-management-cycle");
        Assert.Equal("cron(5/30 * * * ? *)", vendor.GetProperty("ScheduleExpression").GetString());
        Assert.Equal("UTC", vendor.GetProperty("ScheduleExpressionTimezone").GetString());
        Assert.Equal("OFF", vendor.GetProperty("FlexibleTimeWindow").GetProperty("Mode").GetString());
        var target = vendor.GetProperty("Target");
        Assert.Equal("arn:aws:scheduler:::aws-sdk:ssm:sendCommand", target.GetProperty("Arn").GetString());
        Assert.Equal("arn:aws:sqs:us-east-1:123456789012:fin-backup-schedule-dlq", target.GetProperty("DeadLetterConfig").GetProperty("Arn").GetString());
        Assert.Equal(3, target.GetProperty("RetryPolicy").GetProperty("MaximumRetryAttempts").GetInt32());
        Assert.Equal(900, target.GetProperty("RetryPolicy").GetProperty("MaximumEventAgeInSeconds").GetInt32());
        var input = JsonDocument.Parse(target.GetProperty("Input").GetString()!).RootElement;
        Assert.Equal("FinBackup-Cycle", input.GetProperty("DocumentName").GetString());
        Assert.Equal("tag:fin:role", input.GetProperty("Targets")[0].GetProperty("Key").GetString());
        Assert.Equal("Vendor Assistance Management", input.GetProperty("Parameters").GetProperty("Application")[0].GetString());
        foreach (var set in new[] { "ledger", "config" })
        {
            var s = Schedule("fin-finco-agent-payment-files-" + set);
            Assert.Equal("rate(45 minutes)", s.GetProperty("ScheduleExpression").GetString());
            var start = DateTimeOffset.FromUnixTimeSeconds((long)s.GetProperty("StartDate").GetDouble()).UtcDateTime;
            Assert.Equal(5, (start.Ticks - DateTime.UnixEpoch.Ticks) % TimeSpan.FromMinutes(45).Ticks / TimeSpan.TicksPerMinute); // window + 5 min
            Assert.Equal(set, JsonDocument.Parse(s.GetProperty("Target").GetProperty("Input").GetString()!).RootElement.GetProperty("Parameters").GetProperty("FileSet")[0].GetString());
        }
        var modified = listed.ToDictionary(s => s.GetProperty("Name").GetString()!, s => s.GetProperty("LastModificationDate").GetDouble());

        var second = host.Run("Register-FinBackupSchedule -Policy $policy");
        Assert.Empty(second.Errors);
        Assert.All(second.Output, o => Assert.Equal("None", Prop(o, "Action")));
        Assert.All(second.Output, o => Assert.Equal("InSync", Prop(o, "Status")!.ToString()));
        Assert.Equal(modified, Schedules().ToDictionary(s => s.GetProperty("Name").GetString()!, s => s.GetProperty("LastModificationDate").GetDouble()));
    }

    [Fact]
    public void A_schedule_changed_with_the_AWS_CLI_is_reported_drifted_and_repaired()
    {
        using var host = Host();
        Assert.Empty(host.Run("Register-FinBackupSchedule -Policy $policy").Errors);
        const string name = "fin-finco-cross-sell-cycle";
        var original = Schedule(name);
        var target = JsonSerializer.Serialize(new
        {
            Arn = "arn:aws:scheduler:::aws-sdk:ssm:sendCommand",
            RoleArn = "arn:aws:iam::123456789012:role/fin-backup-scheduler",
            Input = original.GetProperty("Target").GetProperty("Input").GetString(),
        });
        _aws.Run("scheduler", "update-schedule", "--region", "us-east-1", "--group-name", "finbackup", "--name", name,
            "--schedule-expression", "rate(2 hours)", "--flexible-time-window", "Mode=FLEXIBLE,MaximumWindowInMinutes=30", "--target", target);

        var get = host.Run("Get-FinBackupSchedule -Policy $policy");
        Assert.Empty(get.Errors);
        var row = get.Output.Single(o => (string?)Prop(o, "Name") == name);
        Assert.Equal("Drifted", Prop(row, "Status")!.ToString());
        var diffs = (string)Prop(row, "Differences")!;
        Assert.Contains("ScheduleExpression: 'rate(2 hours)' -> 'cron(5 * * * ? *)'", diffs);
        Assert.Contains("FlexibleTimeWindow: 'FLEXIBLE' -> 'OFF'", diffs);
        Assert.Contains("Target.DeadLetterConfig", diffs);
        Assert.Equal(6, get.Output.Count(o => Prop(o, "Status")!.ToString() == "InSync"));

        var repair = host.Run("Register-FinBackupSchedule -Policy $policy");
        Assert.Empty(repair.Errors);
        Assert.Equal("Updated", Prop(repair.Output.Single(o => (string?)Prop(o, "Name") == name), "Action"));
        Assert.Equal(6, repair.Output.Count(o => (string?)Prop(o, "Action") == "None"));
        var fixedUp = Schedule(name);
        Assert.Equal("cron(5 * * * ? *)", fixedUp.GetProperty("ScheduleExpression").GetString());
        Assert.Equal("OFF", fixedUp.GetProperty("FlexibleTimeWindow").GetProperty("Mode").GetString());
        Assert.Equal("arn:aws:sqs:us-east-1:123456789012:fin-backup-schedule-dlq", fixedUp.GetProperty("Target").GetProperty("DeadLetterConfig").GetProperty("Arn").GetString());
        Assert.All(host.Run("Get-FinBackupSchedule -Policy $policy").Output, o => Assert.Equal("InSync", Prop(o, "Status")!.ToString()));
    }

    [Fact]
    public void Unregister_removes_only_FinBackups_schedules_of_the_policy()
    {
        _aws.Run("s3api", "create-bucket", "--bucket", "fin-backup-use1", "--region", "us-east-1"); // the audit log's bucket
        using var host = Host();
        Assert.Empty(host.Run("Register-FinBackupSchedule -Policy $policy").Errors);
        var target = "{\"Arn\":\"arn:aws:scheduler:::aws-sdk:ssm:sendCommand\",\"RoleArn\":\"arn:aws:iam::123456789012:role/x\",\"Input\":\"{}\"}";
        void Create(string name, string? group)
        {
            var args = new List<string> { "scheduler", "create-schedule", "--region", "us-east-1", "--name", name, "--schedule-expression", "rate(1 hour)",
                "--flexible-time-window", "Mode=OFF", "--target", target };
            if (group != null) { args.Add("--group-name"); args.Add(group); }
            _aws.Run(args.ToArray());
        }
        Create("fin-finco-retired-app-cycle", "finbackup");   // FinBackup's, no longer planned: Extra
        Create("fin-other-policy-cycle", "finbackup");         // another policy's
        Create("fin-finco-cross-sell-cycle", null);            // same name, default group: not FinBackup's
        Create("payroll-nightly", null);

        var get = host.Run("Get-FinBackupSchedule -Policy $policy");
        Assert.Equal("Extra", Prop(get.Output.Single(o => (string?)Prop(o, "Name") == "fin-finco-retired-app-cycle"), "Status")!.ToString());
        Assert.DoesNotContain(get.Output, o => (string?)Prop(o, "Name") == "fin-other-policy-cycle");
        var register = host.Run("Register-FinBackupSchedule -Policy $policy");
        Assert.Contains(register.Warnings, w => w.Contains("fin-finco-retired-app-cycle"));

        var whatIf = host.Run("Unregister-FinBackupSchedule -Policy $policy -WhatIf");
        Assert.Equal(8, whatIf.Output.Count);
        Assert.Equal(9, Schedules().Count);

        var removed = host.Run("Unregister-FinBackupSchedule -Policy $policy -Force");
        Assert.Empty(removed.Errors);
        Assert.Equal(8, removed.Output.Count);
        Assert.All(removed.Output, o => Assert.Equal("Removed", Prop(o, "Action")));
        Assert.Equal(new[] { "fin-other-policy-cycle" }, Schedules().Select(s => s.GetProperty("Name").GetString()));
        Assert.Equal(new[] { "fin-finco-cross-sell-cycle", "payroll-nightly" }, Schedules("default").Select(s => s.GetProperty("Name").GetString()).OrderBy(n => n));

        // every schedule created and removed is a Policy.Changed record; -WhatIf and the unchanged run wrote none (issue 11)
        var changes = host.Run("Get-FinAuditEvent -Policy $policy -Action Policy.Changed");
        Assert.Empty(changes.Errors);
        var changed = changes.Output.Select(o => ((IDictionary<string, string>)PSObject.AsPSObject(Prop(o, "Details")).BaseObject)["change"] + " " + Prop(o, "Target")).ToList();
        Assert.Equal(7, changed.Count(c => c.StartsWith("Created finbackup/fin-finco-", StringComparison.Ordinal))); // the planned ones
        Assert.Equal(8, changed.Count(c => c.StartsWith("Removed finbackup/fin-finco-", StringComparison.Ordinal))); // and the retired one
        Assert.Contains("Removed finbackup/fin-finco-retired-app-cycle", changed);
        Assert.Equal(15, changed.Count);
    }

    [Fact]
    public void A_policy_without_a_Schedule_table_stops_with_the_fields_to_add()
    {
        using var host = Host();
        var r = host.Run($"Register-FinBackupSchedule -Policy (Import-FinBackupPolicy '{Path.Combine(RepoPaths.Root, "examples", "finco.policy.psd1")}')");
        var record = Assert.Single(r.Errors);
        Assert.StartsWith("FinSchedulePolicyIncomplete,", record.FullyQualifiedErrorId);
        Assert.Empty(r.Output);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Contains("SchedulerRoleArn", record.Exception.Message);
    }

    [Fact]
    public void The_ssm_documents_validate_and_the_cycle_schedules_SendCommand_on_a_sandbox_instance_is_recorded()
    {
        using var host = Host();
        var published = host.Run("Publish-FinSsmDocument -Policy $policy");
        Assert.Empty(published.Errors);
        Assert.Equal(8, published.Output.Count); // 4 documents x 2 regions
        Assert.All(published.Output, o => Assert.Equal("Created", Prop(o, "Action")));
        foreach (var region in new[] { "us-east-1", "us-west-2" })
        foreach (var name in new[] { "FinBackup-Cycle", "FinBackup-FileSetBackup", "FinBackup-RestoreDrill", "FinBackup-DrReadiness" })
        {
            var d = _aws.Json("ssm", "describe-document", "--region", region, "--name", name).GetProperty("Document");
            Assert.Equal("Command", d.GetProperty("DocumentType").GetString());
            Assert.Equal("2.2", d.GetProperty("SchemaVersion").GetString());
        }
        var again = host.Run("Publish-FinSsmDocument -Policy $policy");
        Assert.All(again.Output, o => Assert.Equal("Unchanged", Prop(o, "Action")));

        // A document whose default version was changed by hand is put back: the version with FinBackup's content is the default again.
        _aws.Run("ssm", "update-document", "--region", "us-east-1", "--name", "FinBackup-Cycle", "--document-version", "$LATEST",
            "--content", "{\"schemaVersion\":\"2.2\",\"description\":\"tampered\",\"mainSteps\":[{\"action\":\"aws:runShellScript\",\"name\":\"x\",\"inputs\":{\"runCommand\":[\"true\"]}}]}");
        _aws.Run("ssm", "update-document-default-version", "--region", "us-east-1", "--name", "FinBackup-Cycle", "--document-version", "2");
        var repaired = host.Run("Publish-FinSsmDocument -Policy $policy -Name FinBackup-Cycle -TargetRegion us-east-1");
        Assert.True(repaired.Errors.Count == 0, string.Join("; ", repaired.Errors.Select(e => e.ToString())));
        Assert.Equal("Updated", Prop(Assert.Single(repaired.Output), "Action"));
        Assert.Equal("1", _aws.Json("ssm", "describe-document", "--region", "us-east-1", "--name", "FinBackup-Cycle").GetProperty("Document").GetProperty("DefaultVersion").GetString());
        Assert.Equal("Unchanged", Prop(Assert.Single(host.Run("Publish-FinSsmDocument -Policy $policy -Name FinBackup-Cycle -TargetRegion us-east-1").Output), "Action"));

        // What the scheduler sends: the registered schedule's Input is a SendCommand request; issue it on an admin instance.
        var image = _aws.Json("ec2", "describe-images", "--region", "us-east-1").GetProperty("Images")[0].GetProperty("ImageId").GetString()!;
        var instance = _aws.Json("ec2", "run-instances", "--region", "us-east-1", "--image-id", image, "--count", "1", "--instance-type", "t3.micro",
            "--tag-specifications", "ResourceType=instance,Tags=[{Key=fin:role,Value=backup-admin}]").GetProperty("Instances")[0].GetProperty("InstanceId").GetString();
        Assert.Empty(host.Run("Register-FinBackupSchedule -Policy $policy").Errors);
        var input = Schedule("fin-finco-cross-sell-cycle").GetProperty("Target").GetProperty("Input").GetString()!;
        var command = _aws.Json("ssm", "send-command", "--region", "us-east-1", "--cli-input-json", input).GetProperty("Command");
        Assert.Equal(1, command.GetProperty("TargetCount").GetInt32());
        var listed = _aws.Json("ssm", "list-commands", "--region", "us-east-1").GetProperty("Commands").EnumerateArray().Single();
        Assert.Equal("FinBackup-Cycle", listed.GetProperty("DocumentName").GetString());
        Assert.Equal("Cross-sell", listed.GetProperty("Parameters").GetProperty("Application")[0].GetString());
        Assert.Equal("backup-admin", listed.GetProperty("Targets")[0].GetProperty("Values")[0].GetString());
        Assert.NotNull(instance);
    }

    [Fact]
    public void Metrics_appear_after_a_cycle_and_an_rpo_alarm_exists_per_application()
    {
        _aws.SeedEstate(false, "Cross-sell", "Vendor Assistance Management");
        _aws.Run("sns", "create-topic", "--region", "us-east-1", "--name", "fin-backup-alarms");
        _aws.Run("s3api", "create-bucket", "--region", "us-east-1", "--bucket", "fin-backup-use1"); // the audit trail's bucket
        using var host = Host();
        var cycle = host.Run("Invoke-FinBackupCycle -Policy $policy -Verbose");
        Assert.Empty(cycle.Errors);
        // This estate has no DR bucket for the cycle's verification findings: that warning is the verification's, not metrics'.
        Assert.Empty(cycle.Warnings.Where(w => !w.StartsWith("The verification findings", StringComparison.Ordinal)));
        Assert.Contains(cycle.Verbose, v => v.StartsWith("Published") && v.Contains("FinBackup"));

        var metrics = _aws.Json("cloudwatch", "list-metrics", "--region", "us-east-1", "--namespace", "FinBackup").GetProperty("Metrics").EnumerateArray().ToList();
        string Key(JsonElement m) => m.GetProperty("MetricName").GetString() + ":" + string.Join(",", m.GetProperty("Dimensions").EnumerateArray()
            .Select(d => d.GetProperty("Name").GetString() + "=" + d.GetProperty("Value").GetString()).OrderBy(x => x));
        var keys = metrics.Select(Key).ToHashSet();
        Assert.Contains("CurrentRpoSeconds:Application=Cross-sell,Region=us-east-1", keys);
        Assert.Contains("CurrentRpoSeconds:Application=Cross-sell,Region=us-west-2", keys);
        Assert.Contains("PointsTaken:Application=Vendor Assistance Management,Region=us-east-1", keys);
        Assert.Contains("PointsFailed:Application=Cross-sell,Region=us-east-1", keys);
        Assert.Contains("CopyLagSeconds:Application=Cross-sell,Region=us-west-2", keys);
        Assert.Contains("DurationSeconds:Application=Cross-sell,Region=us-east-1", keys);
        var now = DateTime.UtcNow;
        var stats = _aws.Json("cloudwatch", "get-metric-statistics", "--region", "us-east-1", "--namespace", "FinBackup", "--metric-name", "PointsTaken",
            "--dimensions", "Name=Application,Value=Cross-sell", "Name=Region,Value=us-east-1", "--statistics", "Sum", "--period", "3600",
            "--start-time", now.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ"), "--end-time", now.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ"));
        Assert.Equal(2, stats.GetProperty("Datapoints").EnumerateArray().Sum(d => d.GetProperty("Sum").GetDouble())); // snapshot set + AMI

        var alarms = host.Run("Set-FinRpoAlarm -Policy $policy");
        Assert.Empty(alarms.Errors);
        Assert.Equal(5, alarms.Output.Count);
        Assert.All(alarms.Output, o => Assert.Equal("Created", Prop(o, "Action")));
        var described = _aws.Json("cloudwatch", "describe-alarms", "--region", "us-east-1", "--alarm-name-prefix", "fin-finco-").GetProperty("MetricAlarms").EnumerateArray().ToList();
        Assert.Equal(5, described.Count);
        var vendor = described.Single(a => a.GetProperty("AlarmName").GetString() == "fin-finco-vendor-assistance-management-rpo");
        Assert.Equal(1800, vendor.GetProperty("Threshold").GetDouble());
        Assert.Equal("breaching", vendor.GetProperty("TreatMissingData").GetString());
        Assert.Equal("CurrentRpoSeconds", vendor.GetProperty("MetricName").GetString());
        Assert.Equal("GreaterThanThreshold", vendor.GetProperty("ComparisonOperator").GetString());
        Assert.Equal("arn:aws:sns:us-east-1:123456789012:fin-backup-alarms", vendor.GetProperty("AlarmActions")[0].GetString());
        Assert.All(host.Run("Set-FinRpoAlarm -Policy $policy").Output, o => Assert.Equal("Unchanged", Prop(o, "Action")));
    }

    [Fact]
    public void A_file_backup_publishes_its_metrics_with_the_file_set_dimension()
    {
        _aws.Run("s3api", "create-bucket", "--region", "us-east-1", "--bucket", "fin-backup-use1");
        var root = Directory.CreateTempSubdirectory("finps-unattended-").FullName;
        Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", Path.Combine(root, "cache"));
        try
        {
            var ledger = Path.Combine(root, "ledger");
            Directory.CreateDirectory(ledger);
            File.WriteAllText(Path.Combine(ledger, "a.dat"), new string('x', 5000));
            using var host = Host();
            var r = host.Run($"Backup-FinFile -Path '{ledger}' -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment'");
            Assert.Empty(r.Errors);
            Assert.Empty(r.Warnings);
            var metrics = _aws.Json("cloudwatch", "list-metrics", "--region", "us-east-1", "--namespace", "FinBackup", "--metric-name", "BytesUploaded")
                .GetProperty("Metrics").EnumerateArray().Single();
            var dims = metrics.GetProperty("Dimensions").EnumerateArray().ToDictionary(d => d.GetProperty("Name").GetString()!, d => d.GetProperty("Value").GetString());
            Assert.Equal("Agent payment", dims["Application"]);
            Assert.Equal("us-east-1", dims["Region"]);
            Assert.Equal("(paths)", dims["FileSet"]);
            var now = DateTime.UtcNow;
            var stats = _aws.Json("cloudwatch", "get-metric-statistics", "--region", "us-east-1", "--namespace", "FinBackup", "--metric-name", "BytesUploaded",
                "--dimensions", "Name=Application,Value=Agent payment", "Name=Region,Value=us-east-1", "Name=FileSet,Value=(paths)", "--statistics", "Sum", "--period", "3600",
                "--start-time", now.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ"), "--end-time", now.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ"));
            Assert.True(stats.GetProperty("Datapoints").EnumerateArray().Single().GetProperty("Sum").GetDouble() > 0);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", null);
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
    }

    [Fact]
    public void An_alarm_topic_that_does_not_exist_is_an_error_naming_the_policy_field()
    {
        using var host = Host();
        var r = host.Run("Set-FinRpoAlarm -Policy $policy");
        var record = Assert.Single(r.Errors);
        Assert.StartsWith("FinAlarmTopicNotFound,", record.FullyQualifiedErrorId);
        Assert.Empty(r.Output);
        Assert.Contains("Alarms.SnsTopicArn", record.Exception.Message);
        Assert.Empty(_aws.Json("cloudwatch", "describe-alarms", "--region", "us-east-1").GetProperty("MetricAlarms").EnumerateArray());
    }

    [Fact]
    public void NoMetrics_publishes_nothing_and_a_metrics_failure_is_a_warning_that_never_fails_the_cycle()
    {
        _aws.SeedEstate(false, "Cross-sell");
        using (var host = Host())
        {
            var quiet = host.Run("Invoke-FinBackupCycle -Policy $policy -NoMetrics");
            Assert.Empty(quiet.Errors);
            Assert.Empty(_aws.Json("cloudwatch", "list-metrics", "--region", "us-east-1", "--namespace", "FinBackup").GetProperty("Metrics").EnumerateArray());
        }
        // CloudWatch unreachable (nothing listens on the port), everything else on the sandbox.
        var closed = MotoServer.FreePort();
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_CLOUDWATCH", $"http://127.0.0.1:{closed}");
        try
        {
            using var host = new ModuleHost();
            var r = host.Run($"$env:AWS_ENDPOINT_URL = '{_moto.EndpointUrl}'; $policy = Import-FinBackupPolicy '{PolicyPath}'; Invoke-FinBackupCycle -Policy $policy -Region us-east-1");
            Assert.Null(r.Terminating);
            Assert.Empty(r.Errors);
            Assert.Equal(5, r.Output.Count);
            var warning = Assert.Single(r.Warnings.Where(w => !w.StartsWith("The verification findings", StringComparison.Ordinal)));
            Assert.Contains("metrics were not published", warning);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_CLOUDWATCH", null);
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", null);
        }
    }
}
