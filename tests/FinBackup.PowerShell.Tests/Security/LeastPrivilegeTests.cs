using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using FinBackup.PowerShell.Tests.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Security;

/// <summary>
/// The generated IAM policies against an endpoint that enforces them: moto checks identity policies once
/// POST /moto-api/reset-auth (body 0) turns authorization on. moto checks ACTIONS only — not resources, not conditions
/// (a conditional Allow counts as a deny there) — so each user gets the action-level projection of its generated policy
/// (every action of its Allow statements, on "*"). That proves each role's action list is enough for its work and that
/// everything outside it is refused; the resource ARNs and tag/ViaService conditions are pinned by the unit tests and are
/// what AWS itself enforces. Runs on its own moto (authorization is server-wide).
/// <para>Not shown here: file backups. Once authorization is on, moto 5.2.1 rejects the signature of every S3
/// ListObjectsV2 whose prefix contains '/' (the AWS CLI's as well as the .NET SDK's: SignatureDoesNotMatch), and every
/// file-backup listing has one; the S3 statements are pinned by the unit tests instead.</para>
/// </summary>
public sealed class LeastPrivilegeTests : IDisposable
{
    private const string Account = "123456789012";
    private static readonly HttpClient Http = new();
    private readonly MotoServer _moto = new();

    public void Dispose() => _moto.Dispose();

    private static string PolicyPath => Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.psd1");

    /// <summary>Every action the document's Allow statements name, as one Allow on "*": what moto can enforce.</summary>
    private static string ActionLevelProjection(string document)
    {
        using var doc = JsonDocument.Parse(document);
        var actions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var st in doc.RootElement.GetProperty("Statement").EnumerateArray())
        {
            if (st.GetProperty("Effect").GetString() != "Allow") continue;
            var a = st.GetProperty("Action");
            if (a.ValueKind == JsonValueKind.String) actions.Add(a.GetString()!);
            else foreach (var x in a.EnumerateArray()) actions.Add(x.GetString()!);
        }
        Assert.DoesNotContain(actions, x => x == "*" || x.EndsWith(":*", StringComparison.Ordinal));
        return JsonSerializer.Serialize(new { Version = "2012-10-17", Statement = new[] { new { Effect = "Allow", Action = actions.ToArray(), Resource = "*" } } });
    }

    private (string Key, string Secret) CreateUser(AwsCli cli, string name, string policyDocument)
    {
        cli.Run("iam", "create-user", "--user-name", name);
        cli.Run("iam", "put-user-policy", "--user-name", name, "--policy-name", name, "--policy-document", policyDocument);
        var key = cli.Json("iam", "create-access-key", "--user-name", name).GetProperty("AccessKey");
        return (key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
    }

    private string Conn((string Key, string Secret) k) => $"-Region us-east-1 -AccessKey {k.Key} -SecretKey {k.Secret} -EndpointUrl {_moto.EndpointUrl}";

    private static string Errors(ScriptResult r) => string.Join("\n", r.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)) + r.Terminating?.Message;

    [Fact]
    public void Each_role_can_do_its_work_and_nothing_else_when_the_endpoint_enforces_its_generated_policy()
    {
        var cli = new AwsCli(_moto.EndpointUrl);
        cli.SeedEstate(true, "Cross-sell", "Agent payment");
        var unmanaged = cli.Json("ec2", "describe-volumes", "--region", "us-east-1").GetProperty("Volumes")[0].GetProperty("VolumeId").GetString()!;
        var unmanagedSnapshot = cli.Json("ec2", "create-snapshot", "--region", "us-east-1", "--volume-id", unmanaged, "--description", "made by hand").GetProperty("SnapshotId").GetString()!;

        // The documents, as an admin generates them (no AWS call: -AccountId given).
        var documents = new Dictionary<string, string>();
        using (var host = new ModuleHost())
        {
            var r = host.Run($"$policy = Import-FinBackupPolicy '{PolicyPath}'; New-FinIamPolicy -Policy $policy -AccountId {Account}");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, Errors(r));
            foreach (var o in r.Output) documents[(string)o.Properties["Role"].Value] = (string)o.Properties["Document"].Value;
        }
        Assert.Equal(new[] { "Auditor", "BackupOperator", "FileBackupInstance", "RestoreApprover", "RestoreOperator" }, documents.Keys.Order());

        var admin = CreateUser(cli, "fin-admin", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        var operatorKeys = CreateUser(cli, "fin-backup-operator", ActionLevelProjection(documents["BackupOperator"]));
        var restoreKeys = CreateUser(cli, "fin-restore-operator", ActionLevelProjection(documents["RestoreOperator"]));
        var auditorKeys = CreateUser(cli, "fin-auditor", ActionLevelProjection(documents["Auditor"]));
        using (var content = new StringContent("0", Encoding.UTF8, "text/plain"))
        {
            Http.PostAsync(_moto.EndpointUrl + "/moto-api/reset-auth", content).GetAwaiter().GetResult().EnsureSuccessStatusCode();
        }
        var asAdmin = new AwsCli(_moto.EndpointUrl, admin.Key, admin.Secret);
        Assert.Throws<InvalidOperationException>(() => new AwsCli(_moto.EndpointUrl).Run("ec2", "describe-volumes", "--region", "us-east-1"));

        using var h = new ModuleHost();
        // The roles run the policy with its audit trail off: with authorization on, moto 5.2.1 rejects the signature of any
        // S3 listing whose prefix contains '/', and every audit read has one (fin-audit/<policy>/records/). The audit
        // permissions are checked as documents in IamPolicyBuilderTests; this test proves the rest under enforcement.
        var unaudited = Path.Combine(Path.GetTempPath(), $"finco-unaudited-{Guid.NewGuid():N}.policy.psd1");
        var text = File.ReadAllText(PolicyPath);
        var open = text.IndexOf("@{", StringComparison.Ordinal);
        File.WriteAllText(unaudited, text.Substring(0, open + 2) + "\n    Audit = @{ Enabled = $false }\n" + text.Substring(open + 2));
        Assert.Null(h.Run($"$policy = Import-FinBackupPolicy '{unaudited}'").Terminating);

        // Before anyone has taken a point this window: the other roles cannot take one. The refusal is a clear
        // access-denied error (PermissionDenied) naming the action.
        var restoreCycle = h.Run($"Invoke-FinBackupCycle -Policy $policy -Confirm:$false {Conn(restoreKeys)}");
        Assert.Contains(restoreCycle.Errors, e => e.CategoryInfo.Category == ErrorCategory.PermissionDenied && e.Exception.Message.Contains("ec2:CreateSnapshots", StringComparison.Ordinal));
        var auditorSnapshot = h.Run($"Get-FinResource -Policy $policy -Application 'Cross-sell' {Conn(auditorKeys)} | New-FinSnapshot {Conn(auditorKeys)}");
        Assert.NotEmpty(auditorSnapshot.Errors);
        Assert.All(auditorSnapshot.Errors, e => Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category));
        Assert.Contains(auditorSnapshot.Errors, e => e.Exception.Message.Contains("not authorized to perform", StringComparison.Ordinal));
        Assert.Empty(asAdmin.Json("ec2", "describe-snapshots", "--region", "us-east-1", "--filters", "Name=tag:fin:managed-by,Values=FinBackup").GetProperty("Snapshots").EnumerateArray());

        // BackupOperator: a whole cycle (discover, snapshot, AMI, RDS snapshot, DR copies, expiry) with no error.
        var cycle = h.Run($"Invoke-FinBackupCycle -Policy $policy -Confirm:$false {Conn(operatorKeys)}");
        Assert.True(cycle.Errors.Count == 0 && cycle.Terminating == null, Errors(cycle));
        Assert.Contains(cycle.Output, s => (string?)s.Properties["Application"].Value == "Cross-sell" && (int)s.Properties["Taken"].Value == 3);
        var drSnapshots = asAdmin.Json("ec2", "describe-snapshots", "--region", "us-west-2", "--filters", "Name=tag:fin:managed-by,Values=FinBackup").GetProperty("Snapshots");
        Assert.True(drSnapshots.GetArrayLength() > 0, "the operator's cycle made DR copies");

        // RestoreOperator: reads the points it would restore from; cannot take or expire points.
        var toRestore = h.Run($"Get-FinRecoveryPoint -Policy $policy -Kind EbsSnapshotSet, Ami, RdsSnapshot {Conn(restoreKeys)}");
        Assert.True(toRestore.Errors.Count == 0 && toRestore.Terminating == null, Errors(toRestore));
        Assert.NotEmpty(toRestore.Output);

        // Auditor: reads every point; expiry as the auditor deletes nothing.
        var list = h.Run($"Get-FinRecoveryPoint -Policy $policy -Kind EbsSnapshotSet, Ami, RdsSnapshot {Conn(auditorKeys)}");
        Assert.True(list.Errors.Count == 0 && list.Terminating == null, Errors(list));
        Assert.NotEmpty(list.Output);
        var expire = h.Run($"Remove-FinExpiredBackup -Policy $policy -Confirm:$false {Conn(auditorKeys)}");
        Assert.Empty(expire.Output.Where(d => d.Properties["Outcome"]?.Value?.ToString() == "Deleted"));

        // Nobody deleted the hand-made snapshot (FinBackup never deletes an unmanaged point; IAM's tag condition is AWS's to enforce).
        var stillThere = asAdmin.Json("ec2", "describe-snapshots", "--region", "us-east-1", "--snapshot-ids", unmanagedSnapshot).GetProperty("Snapshots");
        Assert.Equal(1, stillThere.GetArrayLength());
    }
}

[Collection(MotoCollection.Name)]
public sealed class BucketPolicyCmdletTests
{
    private readonly MotoServer _moto;

    public BucketPolicyCmdletTests(MotoServer moto)
    {
        moto.Reset();
        _moto = moto;
    }

    [Fact]
    public void The_bucket_policy_requires_the_resolved_key_ARN_and_applies_with_the_AWS_CLI()
    {
        var cli = new AwsCli(_moto.EndpointUrl);
        var (keys, _) = cli.SeedEstate(false);
        cli.Run("s3api", "create-bucket", "--bucket", "fin-backup-use1", "--region", "us-east-1");
        using var host = new ModuleHost();
        var r = host.Run($@"$policy = Import-FinBackupPolicy '{Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.psd1")}'
New-FinBucketPolicy -Policy $policy -ForRegion us-east-1 -DeletePrincipalArn arn:aws:iam::123456789012:role/fin-backup-operator -AdminPrincipalArn arn:aws:iam::123456789012:role/fin-storage-admin -Region us-east-1 -AccessKey testing -SecretKey testing -EndpointUrl {_moto.EndpointUrl}");
        Assert.True(r.Errors.Count == 0 && r.Terminating == null, string.Join("\n", r.Errors) + r.Terminating?.Message);
        var doc = (string)Assert.Single(r.Output).Properties["Document"].Value;
        Assert.Contains(keys["us-east-1"], doc);
        Assert.Contains("\"alias/fin-backup\"", doc);
        cli.Run("s3api", "put-bucket-policy", "--bucket", "fin-backup-use1", "--policy", doc);
        var applied = cli.Json("s3api", "get-bucket-policy", "--bucket", "fin-backup-use1").GetProperty("Policy").GetString()!;
        using var json = System.Text.Json.JsonDocument.Parse(applied);
        Assert.Equal(6, json.RootElement.GetProperty("Statement").GetArrayLength()); // with DenyAuditRecordDeletes: the audit log lives in this bucket

        var missing = host.Run("New-FinBucketPolicy -Policy $policy -DeletePrincipalArn @() -AdminPrincipalArn x -KmsKeyArn 'us-east-1=arn:aws:kms:us-east-1:1:key/1'");
        Assert.NotNull(missing.Terminating ?? (object?)missing.Errors.FirstOrDefault());
    }
}
