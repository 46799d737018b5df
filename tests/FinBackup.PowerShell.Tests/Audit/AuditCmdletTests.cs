using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using FinBackup.PowerShell.Tests.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Audit;

/// <summary>
/// The audit trail end to end on moto: points taken, held, refused and removed are recorded in the policy's bucket
/// (Object Lock compliance retention, checked with the AWS CLI), read back with Get-FinAuditEvent, verified with
/// Test-FinAuditLog, and tampered with through the AWS CLI (a record deleted, edited, two reordered, one inserted):
/// each is reported at its position.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class AuditCmdletTests
{
    private const string Bucket = "fin-backup-use1";
    private const string Records = "fin-audit/finco/records/";
    private readonly MotoServer _moto;
    private readonly AwsCli _aws;

    public AuditCmdletTests(MotoServer moto)
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
        return host;
    }

    private static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;

    private static string Errors(ScriptResult r) => string.Join("\n", r.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)) + r.Terminating?.Message;

    private static string Key(int seq) => Records + seq.ToString("D12") + ".json";

    private string GetRecord(int seq)
    {
        var file = Path.GetTempFileName();
        _aws.Run("s3api", "get-object", "--bucket", Bucket, "--key", Key(seq), file);
        var text = File.ReadAllText(file);
        File.Delete(file);
        return text;
    }

    private void PutRecord(int seq, string text)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, text);
        _aws.Run("s3api", "put-object", "--bucket", Bucket, "--key", Key(seq), "--body", file, "--server-side-encryption", "aws:kms", "--ssekms-key-id", "alias/fin-backup");
        File.Delete(file);
    }

    private List<PSObject> Findings(ModuleHost host)
    {
        var r = host.Run("Test-FinAuditLog -Policy $policy");
        Assert.True(r.Errors.Count == 0 && r.Terminating == null, Errors(r));
        return r.Output.ToList();
    }

    [Fact]
    public void Changes_are_audited_in_the_bucket_read_back_verified_and_each_kind_of_tampering_is_found_at_its_position()
    {
        _aws.SeedEstate(false, "Cross-sell");
        _aws.Run("s3api", "create-bucket", "--bucket", Bucket, "--region", "us-east-1", "--object-lock-enabled-for-bucket");
        var unmanagedVolume = _aws.Json("ec2", "describe-volumes", "--region", "us-east-1").GetProperty("Volumes")[0].GetProperty("VolumeId").GetString()!;
        var unmanaged = _aws.Json("ec2", "create-snapshot", "--region", "us-east-1", "--volume-id", unmanagedVolume, "--description", "by hand").GetProperty("SnapshotId").GetString()!;
        using var host = Host();

        // Take points (audited as RecoveryPoint.Created), hold them, try to remove one, release it, remove it.
        var taken = host.Run("$points = @(Get-FinResource -Policy $policy -Application 'Cross-sell' | New-FinSnapshot -Confirm:$false); $points");
        Assert.True(taken.Errors.Count == 0 && taken.Terminating == null, Errors(taken));
        Assert.True(taken.Output.Count >= 1);
        var set = taken.Output.First(p => Prop(p, "Kind")!.ToString() == "EbsSnapshotSet");
        var setId = (string)Prop(set, "RecoveryPointId")!;
        var members = ((System.Collections.IEnumerable)Prop(set, "SnapshotIds")!).Cast<object>().Select(o => o.ToString()!).ToList();

        var held = host.Run("$points | Where-Object Kind -eq EbsSnapshotSet | Set-FinLegalHold -Confirm:$false");
        Assert.True(held.Errors.Count == 0, Errors(held));
        Assert.Equal(true, Prop(Assert.Single(held.Output), "LegalHold"));
        foreach (var snap in members)
        {
            var tags = _aws.Json("ec2", "describe-tags", "--region", "us-east-1", "--filters", $"Name=resource-id,Values={snap}", "Name=key,Values=fin:legal-hold").GetProperty("Tags");
            Assert.Equal("true", tags[0].GetProperty("Value").GetString());
        }

        var refused = host.Run("$points | Where-Object Kind -eq EbsSnapshotSet | Remove-FinRecoveryPoint -Force");
        var hold = Assert.Single(refused.Errors);
        Assert.StartsWith("FinRemovePointLegalHold", hold.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, hold.CategoryInfo.Category);
        Assert.Equal(members.Count, _aws.Json(new[] { "ec2", "describe-snapshots", "--region", "us-east-1", "--snapshot-ids" }.Concat(members).ToArray()).GetProperty("Snapshots").GetArrayLength());

        var notOurs = host.Run($"Remove-FinRecoveryPoint -RecoveryPointId {unmanaged} -Kind EbsSnapshotSet -Policy $policy -Force");
        Assert.StartsWith("FinRemovePointUnmanaged", Assert.Single(notOurs.Errors).FullyQualifiedErrorId);
        Assert.Equal(1, _aws.Json("ec2", "describe-snapshots", "--region", "us-east-1", "--snapshot-ids", unmanaged).GetProperty("Snapshots").GetArrayLength());

        var whatIf = host.Run("$points | Where-Object Kind -eq EbsSnapshotSet | Clear-FinLegalHold -Force -WhatIf");
        Assert.Empty(whatIf.Output);
        var cleared = host.Run("$points | Where-Object Kind -eq EbsSnapshotSet | Clear-FinLegalHold -Force");
        Assert.True(cleared.Errors.Count == 0, Errors(cleared));
        var removed = host.Run("$points | Where-Object Kind -eq EbsSnapshotSet | Remove-FinRecoveryPoint -Force -PassThru");
        Assert.True(removed.Errors.Count == 0, Errors(removed));
        var left = _aws.Json("ec2", "describe-snapshots", "--region", "us-east-1", "--filters", $"Name=tag:fin:set-id,Values={setId}").GetProperty("Snapshots");
        Assert.Equal(0, left.GetArrayLength());

        // Read it back: one AuditEvent per record, in order, with the actor from STS.
        var all = host.Run("Get-FinAuditEvent -Policy $policy");
        Assert.True(all.Errors.Count == 0, Errors(all));
        var actions = all.Output.Select(e => (string)Prop(e, "Action")!).ToList();
        Assert.Equal(Enumerable.Range(1, all.Output.Count).Select(i => (long)i), all.Output.Select(e => (long)Prop(e, "Sequence")!));
        Assert.Contains("RecoveryPoint.Created", actions);
        Assert.Equal(new[] { "LegalHold.Set", "RecoveryPoint.Deleted", "RecoveryPoint.Deleted", "LegalHold.Cleared", "RecoveryPoint.Deleted" }, actions.SkipWhile(a => a == "RecoveryPoint.Created"));
        Assert.Equal(new[] { "Refused", "Refused", "Succeeded" }, all.Output.Where(e => (string)Prop(e, "Action")! == "RecoveryPoint.Deleted").Select(e => (string)Prop(e, "Result")!));
        var deleted = all.Output.Last();
        var details = (System.Collections.IDictionary)Prop(deleted, "Details")!;
        Assert.Equal("Manual", details["deleteReason"]);
        Assert.Equal("EbsSnapshotSet", details["kind"]);
        Assert.Contains(":", (string)Prop(deleted, "Actor")!); // an ARN from GetCallerIdentity
        var holds = host.Run($"Get-FinAuditEvent -Policy $policy -Action 'LegalHold.*' -Target {setId}");
        Assert.Equal(2, holds.Output.Count);
        var n = all.Output.Count;

        // Stored as the AWS CLI sees it: one object per record, SSE-KMS, Object Lock COMPLIANCE; a run digest per run.
        var keys = _aws.Json("s3api", "list-objects-v2", "--bucket", Bucket, "--prefix", "fin-audit/finco/").GetProperty("Contents").EnumerateArray().Select(o => o.GetProperty("Key").GetString()!).ToList();
        Assert.Equal(n, keys.Count(k => k.StartsWith(Records, StringComparison.Ordinal)));
        Assert.True(keys.Count(k => k.Contains("/digests/")) >= 5, string.Join(", ", keys));
        // (moto 5.2.1 answers 500 to get-object-retention on these objects; head-object reports the lock.)
        var head = _aws.Json("s3api", "head-object", "--bucket", Bucket, "--key", Key(1));
        Assert.Equal("COMPLIANCE", head.GetProperty("ObjectLockMode").GetString());
        Assert.True(head.GetProperty("ObjectLockRetainUntilDate").GetDateTime() > DateTime.UtcNow.AddYears(6));
        Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
        Assert.Equal(AuditOk(host), "Intact");

        // 1. Delete record 2 (a delete marker hides it; compliance mode keeps the version).
        var original2 = GetRecord(2);
        _aws.Run("s3api", "delete-object", "--bucket", Bucket, "--key", Key(2));
        var f = Assert.Single(Findings(host));
        Assert.Equal(("Deleted", 2L), (Prop(f, "Problem")!.ToString(), (long)Prop(f, "Position")!));
        PutRecord(2, original2);
        Assert.Equal("Intact", AuditOk(host));

        // 2. Edit record 3 (change its target).
        var original3 = GetRecord(3);
        PutRecord(3, original3.Replace("\"target\":\"", "\"target\":\"x"));
        f = Assert.Single(Findings(host));
        Assert.Equal(("Edited", 3L), (Prop(f, "Problem")!.ToString(), (long)Prop(f, "Position")!));
        PutRecord(3, original3);

        // 3. Reorder records 4 and 5.
        var original4 = GetRecord(4);
        var original5 = GetRecord(5);
        PutRecord(4, original5);
        PutRecord(5, original4);
        f = Assert.Single(Findings(host));
        Assert.Equal(("Reordered", 4L), (Prop(f, "Problem")!.ToString(), (long)Prop(f, "Position")!));
        PutRecord(4, original4);
        PutRecord(5, original5);
        Assert.Equal("Intact", AuditOk(host));

        // 4. Insert a record after the last one, with a correct sequence, previous hash and SHA-256: only the signed digests catch it.
        var last = GetRecord(n);
        var lastHash = Regex.Match(last, "\"hash\":\"([0-9a-f]{64})\"}$").Groups[1].Value;
        var body = Regex.Replace(last, "\"hash\":\"[0-9a-f]{64}\"}$", string.Empty).TrimEnd(',');
        body = Regex.Replace(body, "^\\{\"sequence\":\\d+", "{\"sequence\":" + (n + 1));
        body = Regex.Replace(body, "\"previousHash\":\"[0-9a-f]*\"", "\"previousHash\":\"" + lastHash + "\"");
        body = body.Replace("\"result\":\"Succeeded\"", "\"result\":\"Refused\"") + "}";
        var forgedHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body))).ToLowerInvariant();
        PutRecord(n + 1, body.Substring(0, body.Length - 1) + ",\"hash\":\"" + forgedHash + "\"}");
        f = Assert.Single(Findings(host));
        Assert.Equal(("Inserted", (long)(n + 1)), (Prop(f, "Problem")!.ToString(), (long)Prop(f, "Position")!));
    }

    private string AuditOk(ModuleHost host) => Prop(Assert.Single(Findings(host)), "Status")!.ToString()!;

    [Fact]
    public void A_missing_audit_bucket_never_fails_the_backup_it_is_one_warning_per_run()
    {
        _aws.SeedEstate(false, "Cross-sell");
        using var host = Host();
        var r = host.Run("Get-FinResource -Policy $policy -Application 'Cross-sell' | New-FinSnapshot -Confirm:$false");
        Assert.True(r.Errors.Count == 0 && r.Terminating == null, Errors(r));
        Assert.NotEmpty(r.Output);
        Assert.Single(r.Warnings, w => w.Contains("not audited"));
    }
}
