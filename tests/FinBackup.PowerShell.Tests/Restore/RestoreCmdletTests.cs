using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;
using System.Management.Automation;
using System.Text.Json;
using FinBackup.PowerShell.Tests.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Restore;

/// <summary>The direct-restore lines of the usage block, in the built module against moto, checked with the AWS CLI.</summary>
[Collection(MotoCollection.Name)]
public sealed class RestoreCmdletTests
{
    private const string Password = "Restore-S3cret-Xq7-42";
    private readonly MotoServer _moto;
    private readonly AwsCli _aws;

    public RestoreCmdletTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
        _aws = new AwsCli(moto.EndpointUrl);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
    }

    private static string PolicyPath => Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.psd1");
    private static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;

    /// <summary>The estate, the backup buckets, the restore secret, and a host with the recommended policy ($policy) and points taken.</summary>
    private ModuleHost Seed()
    {
        _aws.SeedEstate(true, "Cross-sell");
        _aws.Run("s3api", "create-bucket", "--region", "us-east-1", "--bucket", "fin-backup-use1");
        _aws.Run("s3api", "create-bucket", "--region", "us-west-2", "--bucket", "fin-backup-usw2", "--create-bucket-configuration", "LocationConstraint=us-west-2");
        _aws.Run("secretsmanager", "create-secret", "--region", "us-east-1", "--name", "fin/restore/cross-sell",
            "--secret-string", "{\"username\":\"finadmin\",\"password\":\"" + Password + "\"}");
        _aws.Run("secretsmanager", "create-secret", "--region", "us-east-1", "--name", "app/cross-sell/db", "--secret-string", "{\"dbname\":\"crosssell\"}");
        var host = new ModuleHost();
        var r = host.Run($"Set-FinDefault -Region us-east-1 -EndpointUrl '{_moto.EndpointUrl}'; $policy = Import-FinBackupPolicy '{PolicyPath}'; " +
                         "$points = $policy | Get-FinResource -Application 'Cross-sell' | New-FinSnapshot -Wait");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        // A drill policy: the same, without maker-checker and with the restore secret (the plan/approve flow has its own tests).
        r = host.Run($"$drill = Import-FinBackupPolicy '{PolicyPath}'; foreach ($a in $drill.Applications) {{ $a.RestoreApprovers.Clear() }}; " +
                     "$drill.FindApplication('Cross-sell').RestoreSecret = 'fin/restore/cross-sell'");
        Assert.Empty(r.Errors);
        return host;
    }

    [Fact]
    public void The_direct_usage_lines_restore_a_DB_from_its_latest_snapshot_and_check_the_point_in_time_window()
    {
        using var host = Seed();
        var line1 = host.Run("Get-FinRecoveryPoint -Kind RdsSnapshot -Application 'Cross-sell' -Latest | Invoke-FinRestore -DBInstanceIdentifier cross-sell-db-restored -Confirm:$false");
        Assert.True(line1.Errors.Count == 0, string.Join(" / ", line1.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        var result = Assert.Single(line1.Output);
        Assert.Equal("FinBackup.Domain.Restore.FinRestoreResult", result.BaseObject.GetType().FullName);
        Assert.Equal("RdsSnapshot", Prop(result, "Kind")!.ToString());
        Assert.Equal(new[] { "cross-sell-db-restored" }, (string[])Prop(result, "ResourceIds")!);
        Assert.Null(Prop(result, "ApprovedAt"));
        var dbs = _aws.Json("rds", "describe-db-instances", "--region", "us-east-1").GetProperty("DBInstances").EnumerateArray()
            .Select(d => d.GetProperty("DBInstanceIdentifier").GetString()).ToList();
        Assert.Contains("cross-sell-db-restored", dbs);

        // The second line (Get-Date is not in the minimal hosted engine: [DateTime]::Now is the same value). The sandbox's DB is
        // seconds old, so 20 minutes ago is outside its window.
        var line2 = host.Run("Invoke-FinRestore -DBInstanceIdentifier cross-sell-db -RestoreTime ([DateTime]::Now).AddMinutes(-20) -TargetDBInstanceIdentifier cross-sell-db-pitr -Confirm:$false");
        var outside = Assert.Single(line2.Errors);
        Assert.Equal("FinRestoreTimeOutsideWindow,FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand", outside.FullyQualifiedErrorId);
        Assert.Contains("restorable window", outside.Exception.Message);
        var latest = host.Run("Invoke-FinRestore -DBInstanceIdentifier cross-sell-db -UseLatestRestorableTime -TargetDBInstanceIdentifier cross-sell-db-pitr -Wait -Confirm:$false");
        Assert.Empty(latest.Errors);
        Assert.Equal("Available", Prop(Assert.Single(latest.Output), "Status")!.ToString());
        Assert.Contains(latest.Progress, p => p.RecordType == ProgressRecordType.Completed);

        // The recommended policy lists RestoreApprovers: a direct restore under it is refused, nothing created.
        var refused = host.Run("Get-FinRecoveryPoint -Policy $policy -Kind RdsSnapshot -Application 'Cross-sell' -Latest | Invoke-FinRestore -Policy $policy -TargetDBInstanceIdentifier x-db -Confirm:$false");
        Assert.Equal("FinRestoreApprovalRequired,FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand", Assert.Single(refused.Errors).FullyQualifiedErrorId);
        Assert.Empty(refused.Output);
    }

    [Fact]
    public void WhatIf_on_every_kind_creates_nothing_and_a_real_run_gives_one_result_type_that_exports_and_fits_120_columns()
    {
        using var host = Seed();
        var before = Counts();
        var whatIf = host.Run("$points | Invoke-FinRestore -Policy $drill -TargetDBInstanceIdentifier cross-sell-db-whatif -WhatIf; " +
                              "Invoke-FinRestore -DBInstanceIdentifier cross-sell-db -UseLatestRestorableTime -TargetDBInstanceIdentifier y-db -WhatIf; " +
                              "$WhatIfPreference = $true; $points | Where-Object Kind -eq 'Ami' | Invoke-FinRestore -Policy $drill; $WhatIfPreference = $false");
        Assert.True(whatIf.Errors.Count == 0, string.Join(" / ", whatIf.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        Assert.Empty(whatIf.Output);
        Assert.Equal(before, Counts());

        var run = host.Run("$r = $points | Invoke-FinRestore -Policy $drill -TargetDBInstanceIdentifier cross-sell-db-copy -Wait -Confirm:$false; $r");
        Assert.True(run.Errors.Count == 0, string.Join(" / ", run.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        Assert.Equal(3, run.Output.Count); // snapshot set, AMI, RDS snapshot
        Assert.All(run.Output, o => Assert.Equal("FinRestoreResult", o.BaseObject.GetType().Name));
        Assert.All(run.Output, o => Assert.Equal("Available", Prop(o, "Status")!.ToString()));
        Assert.All(run.Output, o => Assert.Equal(true, Prop(o, "RtoMet")));
        // Plain values only (what ConvertTo-Json and Export-Csv need): strings, numbers, times, enums, string arrays.
        foreach (var o in run.Output)
            foreach (var p in o.Properties.Where(p => p.Value != null))
                Assert.True(p.Value is string || p.Value is string[] || p.Value is DateTime || p.Value is TimeSpan || p.Value is bool || p.Value is long || p.Value is Enum,
                    $"{p.Name} is a {p.Value.GetType().Name}");
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(run.Output.Select(o => o.BaseObject).ToList()));
        Assert.Equal(3, doc.RootElement.GetArrayLength());
        // The default view: fixed columns plus separators leave the last column at least 20 characters in 120.
        var view = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.ModuleDirectory, "Restore.Format.ps1xml")).Descendants("View")
            .First(v => v.Element("Name")!.Value == "FinRestoreResult");
        var widths = view.Descendants("TableColumnHeader").Select(h => h.Element("Width")?.Value).ToList();
        Assert.True(widths.Where(w => w != null).Sum(w => int.Parse(w!)) + widths.Count - 1 <= 100);
    }

    [Fact]
    public void A_DB_restore_with_RestoreSecret_and_UpdateSecret_never_shows_the_password_in_any_stream_or_output()
    {
        using var host = Seed();
        // Every stream merged into the output (*>&1): results, errors, warnings, verbose, debug, information.
        var r = host.Run("Get-FinRecoveryPoint -Kind RdsSnapshot -Application 'Cross-sell' -Latest | " +
                         "Invoke-FinRestore -Policy $drill -TargetDBInstanceIdentifier cross-sell-db-secret -UpdateSecret app/cross-sell/db -Confirm:$false -Verbose -Debug *>&1; " +
                         "Get-FinRecoveryPoint -Kind RdsSnapshot -Application 'Cross-sell' -Latest | Invoke-FinRestore -Policy $drill -TargetDBInstanceIdentifier cross-sell-db-secret -Confirm:$false -Verbose -Debug *>&1");
        var all = string.Join("\n", r.Output.Select(o => o.BaseObject switch
        {
            ErrorRecord e => e.FullyQualifiedErrorId + " " + e + " " + e.ErrorDetails?.RecommendedAction + " " + e.Exception,
            InformationalRecord i => i.Message,
            InformationRecord i => i.MessageData?.ToString(),
            var x => x.GetType().Name + " " + JsonSerializer.Serialize(x),
        })) + string.Join("\n", r.Verbose) + string.Join("\n", r.Warnings) + string.Join("\n", r.Errors.Select(e => e.ToString() + e.Exception));
        Assert.Contains("RestoreId", all);                   // the result is in there
        Assert.Contains("set from secret fin/restore/cross-sell", all); // the verbose stream is in there
        Assert.Contains("FinRestoreDBInstanceExists", all);  // and an error of the second run
        Assert.DoesNotContain(Password, all);
        var updated = JsonDocument.Parse(_aws.Json("secretsmanager", "get-secret-value", "--region", "us-east-1", "--secret-id", "app/cross-sell/db")
            .GetProperty("SecretString").GetString()!).RootElement;
        Assert.Contains("cross-sell-db-secret", updated.GetProperty("host").GetString());
        // Nothing FinBackup wrote to the backup bucket holds it either.
        foreach (var o in _aws.Json("s3api", "list-objects-v2", "--region", "us-east-1", "--bucket", "fin-backup-use1").GetProperty("Contents").EnumerateArray())
        {
            var file = Path.GetTempFileName();
            _aws.Run("s3api", "get-object", "--region", "us-east-1", "--bucket", "fin-backup-use1", "--key", o.GetProperty("Key").GetString()!, file);
            Assert.DoesNotContain(Password, File.ReadAllText(file));
            File.Delete(file);
        }
    }

    [Fact]
    public void Remove_FinRestoredResource_removes_only_what_the_restore_created_and_WhatIf_removes_nothing()
    {
        using var host = Seed();
        var run = host.Run("$set = $points | Where-Object Kind -eq 'EbsSnapshotSet' | Invoke-FinRestore -Policy $drill -Wait -Confirm:$false; " +
                           "$other = $points | Where-Object Kind -eq 'EbsSnapshotSet' | Invoke-FinRestore -Policy $drill -Confirm:$false; $set");
        Assert.Empty(run.Errors);
        var restoreId = (string)Prop(Assert.Single(run.Output), "RestoreId")!;
        var volumes = _aws.Json("ec2", "describe-volumes", "--region", "us-east-1").GetProperty("Volumes").GetArrayLength();

        var whatIf = host.Run("$set | Remove-FinRestoredResource -WhatIf");
        Assert.Empty(whatIf.Errors);
        Assert.Equal(volumes, _aws.Json("ec2", "describe-volumes", "--region", "us-east-1").GetProperty("Volumes").GetArrayLength());

        var removed = host.Run($"Remove-FinRestoredResource -RestoreId {restoreId} -Force -Confirm:$false");
        Assert.Empty(removed.Errors);
        Assert.Equal(2, removed.Output.Count);
        Assert.All(removed.Output, o => Assert.Equal("Removed", Prop(o, "Status")));
        Assert.Equal(volumes - 2, _aws.Json("ec2", "describe-volumes", "--region", "us-east-1").GetProperty("Volumes").GetArrayLength());
        Assert.Empty(_aws.Json("ec2", "describe-volumes", "--region", "us-east-1", "--filters", $"Name=tag:fin:restore-id,Values={restoreId}").GetProperty("Volumes").EnumerateArray());
        var otherId = (string)Prop(Assert.Single(host.Run("$other").Output), "RestoreId")!;
        Assert.Equal(2, _aws.Json("ec2", "describe-volumes", "--region", "us-east-1", "--filters", $"Name=tag:fin:restore-id,Values={otherId}").GetProperty("Volumes").GetArrayLength());
        var bad = host.Run("Remove-FinRestoredResource -RestoreId snap-123 -Force -Confirm:$false");
        Assert.Equal("FinRestoreIdInvalid,FinBackup.Cmdlets.Restore.RemoveFinRestoredResourceCommand", Assert.Single(bad.Errors).FullyQualifiedErrorId);
    }

    private (int Volumes, int Instances, int Dbs) Counts() => (
        _aws.Json("ec2", "describe-volumes", "--region", "us-east-1").GetProperty("Volumes").GetArrayLength(),
        _aws.Json("ec2", "describe-instances", "--region", "us-east-1").GetProperty("Reservations").EnumerateArray().Sum(r => r.GetProperty("Instances").GetArrayLength()),
        _aws.Json("rds", "describe-db-instances", "--region", "us-east-1").GetProperty("DBInstances").GetArrayLength());
}
