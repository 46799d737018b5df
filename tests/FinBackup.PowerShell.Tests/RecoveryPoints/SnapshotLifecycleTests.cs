using System.Management.Automation;
using System.Text.Json;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.RecoveryPoints;

[Collection(MotoCollection.Name)]
public sealed class SnapshotLifecycleTests
{
    private readonly MotoServer _moto;
    private readonly AwsCli _aws;

    public SnapshotLifecycleTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
        _aws = new AwsCli(moto.EndpointUrl);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
    }

    private ModuleHost Host()
    {
        var host = new ModuleHost();
        var r = host.Run($"Set-FinDefault -Region us-east-1 -EndpointUrl '{_moto.EndpointUrl}'");
        Assert.Empty(r.Errors);
        return host;
    }

    private static string PolicyPath => Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.psd1");

    private static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;

    [Fact]
    public void The_composed_pipeline_from_the_issue_snapshots_copies_lists_plans_expiry_and_runs_the_cycle_without_duplicates()
    {
        var (keys, _) = _aws.SeedEstate(true, "Cross-sell", "Agent payment");
        using var host = Host();

        var copies = host.Run($"$policy = Import-FinBackupPolicy '{PolicyPath}'; $policy | Get-FinResource | New-FinSnapshot | Copy-FinBackupToRegion -Wait");
        Assert.Null(copies.Terminating);
        Assert.Empty(copies.Errors);
        // Cross-sell: snapshot set + AMI + RDS snapshot; Agent payment: snapshot set.
        Assert.Equal(4, copies.Output.Count);
        Assert.All(copies.Output, c => Assert.Equal("us-west-2", Prop(c, "Region")));
        Assert.All(copies.Output, c => Assert.Equal("us-east-1", Prop(c, "SourceRegion")));
        Assert.Contains(copies.Progress, p => p.RecordType == ProgressRecordType.Completed);

        var agent = host.Run("Get-FinRecoveryPoint -Application 'Agent payment' -Region us-west-2");
        Assert.Empty(agent.Errors);
        var point = Assert.Single(agent.Output);
        Assert.Equal("EbsSnapshotSet", Prop(point, "Kind")!.ToString());
        Assert.Equal(true, Prop(point, "Encrypted"));

        var whatIf = host.Run("Remove-FinExpiredBackup -Policy $policy -WhatIf");
        Assert.Empty(whatIf.Errors);
        Assert.Equal(8, whatIf.Output.Count); // 4 points in each region, each the newest of its resource
        Assert.All(whatIf.Output, d => Assert.Equal("Kept", Prop(d, "Outcome")!.ToString()));

        var cycle = host.Run("Invoke-FinBackupCycle -Policy $policy");
        Assert.Empty(cycle.Errors);
        Assert.Equal(5, cycle.Output.Count);
        var cs = cycle.Output.Single(s => (string?)Prop(s, "Application") == "Cross-sell");
        Assert.Equal(0, Prop(cs, "Taken"));
        Assert.Equal(3, Prop(cs, "AlreadyTaken"));
        Assert.Equal(0, Prop(cs, "Copied"));
        Assert.Equal(true, Prop(cs, "RpoMet"));

        // What an auditor sees with the AWS CLI in the DR region: tags, encryption and the DR key.
        var dr = _aws.Json("ec2", "describe-snapshots", "--region", "us-west-2", "--filters", "Name=tag:fin:application,Values=Agent payment");
        var snaps = dr.GetProperty("Snapshots").EnumerateArray().ToList();
        Assert.Equal(2, snaps.Count);
        foreach (var s in snaps)
        {
            Assert.True(s.GetProperty("Encrypted").GetBoolean());
            Assert.Equal("alias/fin-backup", s.GetProperty("KmsKeyId").GetString());
            var tags = s.GetProperty("Tags").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString());
            Assert.Equal("FinBackup", tags["fin:managed-by"]);
            Assert.Equal("us-east-1", tags["fin:source-region"]);
            Assert.StartsWith("snapset-", tags["fin:source-id"]);
            Assert.Equal("finco", tags["fin:policy"]);
        }
        var rds = _aws.Json("rds", "describe-db-snapshots", "--region", "us-west-2").GetProperty("DBSnapshots").EnumerateArray().Single();
        Assert.True(rds.GetProperty("Encrypted").GetBoolean());
        Assert.Equal(keys["us-west-2"], rds.GetProperty("KmsKeyId").GetString());

        // Nothing was duplicated by the second pass (the cycle).
        var primary = _aws.Json("ec2", "describe-snapshots", "--region", "us-east-1", "--filters", "Name=tag:fin:managed-by,Values=FinBackup", "Name=tag:fin:kind,Values=EbsSnapshotSet");
        Assert.Equal(4, primary.GetProperty("Snapshots").GetArrayLength());
    }

    [Fact]
    public void Remove_expires_only_what_the_rules_allow_and_WhatIf_deletes_nothing()
    {
        var (_, instances) = _aws.SeedEstate(false, "Agent payment");
        var instance = instances["Agent payment"];
        var volume = _aws.Json("ec2", "describe-volumes", "--region", "us-east-1").GetProperty("Volumes")[0].GetProperty("VolumeId").GetString()!;
        string Seed(string setId, string extra) =>
            _aws.Json("ec2", "create-snapshot", "--region", "us-east-1", "--volume-id", volume, "--tag-specifications",
                "ResourceType=snapshot,Tags=[{Key=fin:managed-by,Value=FinBackup},{Key=fin:kind,Value=EbsSnapshotSet},{Key=fin:policy,Value=finco}," +
                $"{{Key=fin:application,Value=Agent payment}},{{Key=fin:resource-id,Value={instance}}},{{Key=fin:set-id,Value={setId}}},{{Key=fin:expires-at,Value=2020-01-01T00:00:00Z}}{extra}]")
                .GetProperty("SnapshotId").GetString()!;
        var expired = Seed("snapset-expired", "");
        var held = Seed("snapset-held", ",{Key=fin:legal-hold,Value=true}");
        var foreign = _aws.Json("ec2", "create-snapshot", "--region", "us-east-1", "--volume-id", volume).GetProperty("SnapshotId").GetString()!;
        Thread.Sleep(1100);
        using var host = Host();
        var taken = host.Run($"$policy = Import-FinBackupPolicy '{PolicyPath}'; New-FinSnapshot -ResourceId {instance} -Application 'Agent payment' -Policy $policy");
        Assert.Empty(taken.Errors);

        var whatIf = host.Run("Remove-FinExpiredBackup -Policy $policy -Application 'Agent payment' -WhatIf");
        Assert.Empty(whatIf.Errors);
        var byId = whatIf.Output.ToDictionary(d => (string)Prop(d, "RecoveryPointId")!, d => d);
        Assert.Equal("WouldRemove", Prop(byId["snapset-expired"], "Outcome")!.ToString());
        Assert.Equal("LegalHold", Prop(byId["snapset-held"], "Reason")!.ToString());
        Assert.DoesNotContain(foreign, byId.Keys);
        Assert.Contains(_aws.Json("ec2", "describe-snapshots", "--region", "us-east-1", "--snapshot-ids", expired).GetProperty("Snapshots").EnumerateArray(), _ => true);

        var removed = host.Run("Remove-FinExpiredBackup -Policy $policy -Application 'Agent payment' -Confirm:$false");
        Assert.Empty(removed.Errors);
        var decisions = removed.Output.ToDictionary(d => (string)Prop(d, "RecoveryPointId")!, d => d);
        Assert.Equal("Removed", Prop(decisions["snapset-expired"], "Outcome")!.ToString());
        Assert.Equal("Kept", Prop(decisions["snapset-held"], "Outcome")!.ToString());
        Assert.Single(decisions.Values, d => Prop(d, "Reason")!.ToString() == "NewestAvailableForResourceInRegion");

        var left = _aws.Json("ec2", "describe-snapshots", "--region", "us-east-1", "--filters", $"Name=volume-id,Values={volume}")
            .GetProperty("Snapshots").EnumerateArray().Select(s => s.GetProperty("SnapshotId").GetString()).ToList();
        Assert.DoesNotContain(expired, left);
        Assert.Contains(held, left);
        Assert.Contains(foreign, left);
    }

    [Fact]
    public void Bad_input_gives_named_errors_and_the_rest_goes_on()
    {
        var (_, instances) = _aws.SeedEstate(false, "Cross-sell");
        using var host = Host();
        var r = host.Run($"'i-00000000000000bad', '{instances["Cross-sell"]}' | ForEach-Object {{ [pscustomobject]@{{ ResourceId = $_ }} }} | New-FinSnapshot -Retention 12:00:00");
        var error = Assert.Single(r.Errors);
        Assert.Equal("FinResourceNotFound,FinBackup.Cmdlets.NewFinSnapshotCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        var point = Assert.Single(r.Output);
        Assert.Equal(instances["Cross-sell"], Prop(point, "ResourceId"));

        var noKey = host.Run("Get-FinRecoveryPoint -Region us-east-1 | Copy-FinBackupToRegion -DestinationRegion eu-west-1");
        Assert.NotNull(noKey.Terminating ?? (object?)noKey.Errors.FirstOrDefault());
        var refused = noKey.Errors.FirstOrDefault() ?? (noKey.Terminating as IContainsErrorRecord)?.ErrorRecord;
        Assert.Equal("FinCopyUnencryptedRefused,FinBackup.Cmdlets.CopyFinBackupToRegionCommand", refused!.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.SecurityError, refused.CategoryInfo.Category);
        Assert.Empty(_aws.Json("ec2", "describe-snapshots", "--region", "eu-west-1", "--owner-ids", "self", "--filters", "Name=tag:fin:managed-by,Values=FinBackup")
            .GetProperty("Snapshots").EnumerateArray());

        var missingKey = host.Run("Get-FinRecoveryPoint -Region us-east-1 | Copy-FinBackupToRegion -DestinationRegion us-west-2 -KmsKeyId alias/not-in-us-west-2");
        var keyError = Assert.Single(missingKey.Errors);
        Assert.Equal("FinKmsKeyNotFound,FinBackup.Cmdlets.CopyFinBackupToRegionCommand", keyError.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, keyError.CategoryInfo.Category);
        Assert.Contains("us-west-2", keyError.Exception.Message);
        Assert.Empty(missingKey.Output);
        Assert.Equal(0, _aws.Json("ec2", "describe-snapshots", "--region", "us-west-2", "--filters", "Name=tag:fin:managed-by,Values=FinBackup").GetProperty("Snapshots").GetArrayLength());

        var noPolicy = host.Run($"New-FinSnapshot -ResourceId {instances["Cross-sell"]}");
        var e = noPolicy.Errors.FirstOrDefault() ?? (noPolicy.Terminating as IContainsErrorRecord)?.ErrorRecord;
        Assert.Equal("FinSnapshotRetentionRequired,FinBackup.Cmdlets.NewFinSnapshotCommand", e!.FullyQualifiedErrorId);
    }

    [Fact]
    public void Set_FinBackupPlan_creates_vaults_in_both_regions_and_a_plan_per_RDS_application()
    {
        _aws.SeedEstate(false);
        using var host = Host();
        var whatIf = host.Run($"$policy = Import-FinBackupPolicy '{PolicyPath}'; Set-FinBackupPlan -Policy $policy -WhatIf");
        Assert.Empty(whatIf.Errors);
        Assert.Equal(3, whatIf.Output.Count);
        Assert.All(whatIf.Output, p => Assert.Equal("WouldSet", Prop(p, "Action")));
        Assert.Empty(_aws.Json("backup", "list-backup-vaults", "--region", "us-east-1").GetProperty("BackupVaultList").EnumerateArray());

        var set = host.Run("Set-FinBackupPlan -Policy $policy -Application 'Cross-sell'");
        foreach (var region in new[] { "us-east-1", "us-west-2" })
        {
            var vaults = _aws.Json("backup", "list-backup-vaults", "--region", region).GetProperty("BackupVaultList").EnumerateArray().ToList();
            Assert.Contains(vaults, v => v.GetProperty("BackupVaultName").GetString() == "fin-backup-vault");
        }
        var plans = _aws.Json("backup", "list-backup-plans", "--region", "us-east-1").GetProperty("BackupPlansList").EnumerateArray().ToList();
        var plan = Assert.Single(plans);
        Assert.Equal("fin-finco-cross-sell", plan.GetProperty("BackupPlanName").GetString());
        var full = _aws.Json("backup", "get-backup-plan", "--region", "us-east-1", "--backup-plan-id", plan.GetProperty("BackupPlanId").GetString()!);
        var rule = full.GetProperty("BackupPlan").GetProperty("Rules")[0];
        Assert.Equal("cron(0 0/12 ? * * *)", rule.GetProperty("ScheduleExpression").GetString());
        Assert.Equal(1, rule.GetProperty("Lifecycle").GetProperty("DeleteAfterDays").GetInt32());
        Assert.StartsWith("arn:aws:backup:us-west-2:", rule.GetProperty("CopyActions")[0].GetProperty("DestinationBackupVaultArn").GetString());
        // moto does not emulate CreateBackupSelection: that step is an error record naming the plan, not a crash.
        Assert.All(set.Errors, e => Assert.Contains("fin-finco-cross-sell", e.Exception.Message));
    }

    [Fact]
    public void Wait_reports_progress_filters_narrow_the_listing_and_the_cycle_WhatIf_changes_nothing()
    {
        var (_, instances) = _aws.SeedEstate(false, "Cross-sell", "Agent payment");
        using var host = Host();
        var policy = $"$policy = Import-FinBackupPolicy '{PolicyPath}'; ";

        var whatIf = host.Run(policy + "Invoke-FinBackupCycle -Policy $policy -WhatIf");
        Assert.Empty(whatIf.Errors);
        Assert.All(whatIf.Output, s => Assert.Equal(0, Prop(s, "Taken")));
        Assert.Equal(0, _aws.Json("ec2", "describe-snapshots", "--region", "us-east-1", "--filters", "Name=tag:fin:managed-by,Values=FinBackup").GetProperty("Snapshots").GetArrayLength());

        var ami = host.Run($"New-FinSnapshot -ResourceId {instances["Cross-sell"]} -Application 'Cross-sell' -Kind Ami -Retention 06:00:00 -Wait");
        Assert.Empty(ami.Errors);
        var point = Assert.Single(ami.Output);
        Assert.Equal("Available", Prop(point, "State")!.ToString());
        Assert.Contains(ami.Progress, p => p.RecordType == ProgressRecordType.Completed);
        host.Run($"New-FinSnapshot -ResourceId {instances["Agent payment"]} -Application 'Agent payment' -Retention 06:00:00");

        var amis = host.Run("Get-FinRecoveryPoint -Region us-east-1 -Kind Ami");
        Assert.Equal((string?)Prop(point, "RecoveryPointId"), (string?)Prop(Assert.Single(amis.Output), "RecoveryPointId"));
        var byResource = host.Run($"Get-FinRecoveryPoint -Region us-east-1 -ResourceId {instances["Agent payment"]} -State Available");
        Assert.Equal("EbsSnapshotSet", Prop(Assert.Single(byResource.Output), "Kind")!.ToString());
        Assert.Empty(host.Run("Get-FinRecoveryPoint -Region us-east-1 -State Failed").Output);
        Assert.Empty(host.Run("Get-FinRecoveryPoint -Region us-east-1 -OlderThan 01:00:00").Output);
        Assert.Equal(2, host.Run("Get-FinRecoveryPoint -Region us-east-1, us-west-2").Output.Count);
    }
}
