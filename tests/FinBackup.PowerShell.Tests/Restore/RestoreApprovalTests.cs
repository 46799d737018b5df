using AwsCli = FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli;
using System.Management.Automation;
using FinBackup.PowerShell.Tests.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Restore;

/// <summary>
/// Maker-checker on moto, end to end in the built module: IAM users requester / approver / outsider with their own access
/// keys (moto's STS GetCallerIdentity answers each user's ARN for its keys), profiles in a temporary shared credentials file
/// (AWS_SHARED_CREDENTIALS_FILE). Plans and approvals are checked in the bucket with the AWS CLI; refused restores write nothing.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class RestoreApprovalTests : IDisposable
{
    private const string Bucket = "fin-backup-use1";
    private readonly MotoServer _moto;
    private readonly AwsCli _cli;
    private readonly string _root;
    private readonly string _endpoint;
    private readonly Dictionary<string, string> _arns = new();
    private readonly string? _oldCredentials;

    public RestoreApprovalTests(MotoServer moto)
    {
        moto.Reset();
        _moto = moto;
        _endpoint = moto.EndpointUrl;
        _cli = new AwsCli(moto.EndpointUrl);
        _root = Directory.CreateTempSubdirectory("finps-approve-").FullName;
        Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", Path.Combine(_root, "cache"));
        Cli("s3api", "create-bucket", "--bucket", Bucket, "--region", "us-east-1");
        var key = CliJson("kms", "create-key", "--region", "us-east-1").GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        Cli("kms", "create-alias", "--region", "us-east-1", "--alias-name", "alias/fin-backup", "--target-key-id", key);
        var credentials = new System.Text.StringBuilder();
        foreach (var user in new[] { "requester", "approver", "outsider" })
        {
            _arns[user] = CliJson("iam", "create-user", "--user-name", user).GetProperty("User").GetProperty("Arn").GetString()!;
            var k = CliJson("iam", "create-access-key", "--user-name", user).GetProperty("AccessKey");
            credentials.Append($"[{user}]\naws_access_key_id = {k.GetProperty("AccessKeyId").GetString()}\naws_secret_access_key = {k.GetProperty("SecretAccessKey").GetString()}\n\n");
        }
        var file = Path.Combine(_root, "credentials");
        File.WriteAllText(file, credentials.ToString());
        _oldCredentials = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", file);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", _oldCredentials);
        Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", null);
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private static string[] WithRegion(string[] args) => args.Contains("--region") ? args : args.Concat(new[] { "--region", "us-east-1" }).ToArray();
    private string Cli(params string[] args) => _cli.Run(WithRegion(args));
    private System.Text.Json.JsonElement CliJson(params string[] args) => _cli.Json(WithRegion(args));

    private string As(string user) => $"-ProfileName {user} -Region us-east-1 -EndpointUrl {_endpoint}";

    private string PolicyScript(string approvers) => $$"""
        $policy = [FinBackup.Domain.Policy.BackupPolicy]::new()
        $policy.Name = 'finco'; $policy.PrimaryRegion = 'us-east-1'
        $policy.Buckets['us-east-1'] = '{{Bucket}}'; $policy.KmsKeys['us-east-1'] = 'alias/fin-backup'
        $app = [FinBackup.Domain.Policy.ApplicationPolicy]::new(); $app.Name = 'Agent payment'; $app.Rto = [TimeSpan]::FromHours(2)
        foreach ($a in @({{approvers}})) { $app.RestoreApprovers.Add($a) }
        $policy.Applications.Add($app)
        """;

    private string MakeTree()
    {
        var ledger = Path.Combine(_root, "src", "ledger");
        Directory.CreateDirectory(ledger);
        File.WriteAllText(Path.Combine(ledger, "a.dat"), "november");
        File.WriteAllText(Path.Combine(ledger, "b.dat"), "october");
        return ledger;
    }

    private List<string> Keys(string prefix)
    {
        var r = CliJson("s3api", "list-objects-v2", "--bucket", Bucket, "--prefix", prefix);
        return r.ValueKind == System.Text.Json.JsonValueKind.Object && r.TryGetProperty("Contents", out var c)
            ? c.EnumerateArray().Select(o => o.GetProperty("Key").GetString()!).ToList()
            : new List<string>();
    }

    private void ForgeApproval(string planId, string hash, string approver, DateTime approvedAt, DateTime validUntil)
    {
        var json = $$"""
            {"format":"finbackup-restore-approval/1","PlanId":"{{planId}}","PlanHash":"{{hash}}","Approver":"{{approver}}","ApprovedAt":"{{approvedAt:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}}","ValidUntil":"{{validUntil:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}}"}
            """;
        var file = Path.Combine(_root, "forged.json");
        File.WriteAllText(file, json);
        Cli("s3api", "put-object", "--bucket", Bucket, "--key", $"fin-restore/approvals/{planId}/forged.json", "--body", file,
            "--server-side-encryption", "aws:kms", "--ssekms-key-id", "alias/fin-backup");
    }

    private void RemoveForged(string planId) =>
        Cli("s3api", "delete-object", "--bucket", Bucket, "--key", $"fin-restore/approvals/{planId}/forged.json");

    private static void AssertRefused(ScriptResult r, string errorId, ErrorCategory category, string dest)
    {
        Assert.Null(r.Terminating);
        var e = Assert.Single(r.Errors);
        Assert.Equal(errorId + ",FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand", e.FullyQualifiedErrorId);
        Assert.Equal(category, e.CategoryInfo.Category);
        Assert.False(string.IsNullOrEmpty(e.ErrorDetails?.RecommendedAction), "a refusal says how to fix it");
        Assert.Empty(r.Output);
        Assert.False(Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).Any(), $"{errorId}: something was restored");
    }

    [Fact]
    public void Moto_STS_answers_each_IAM_users_own_ARN_for_its_keys()
    {
        using var host = new ModuleHost();
        foreach (var user in new[] { "requester", "approver", "outsider" })
        {
            var r = host.Run($"Test-FinAwsConnection {As(user)}");
            Assert.Empty(r.Errors);
            Assert.Equal(_arns[user], r.Output.Single().Properties["Arn"].Value);
        }
    }

    [Fact]
    public void Plan_approve_restore_refuses_unapproved_self_outsider_expired_and_edited_plans_and_restores_when_approved()
    {
        var ledger = MakeTree();
        var dest = Path.Combine(_root, "restore");
        using var host = new ModuleHost();
        Assert.Empty(host.Run(PolicyScript("'approver'")).Errors);
        var backup = host.Run($"Backup-FinFile -Path '{ledger}' -Bucket {Bucket} -KmsKeyId alias/fin-backup -Application 'Agent payment' {As("requester")}");
        Assert.Empty(backup.Errors);

        // 1. plan (maker: requester)
        var made = host.Run($"$plan = Get-FinRecoveryPoint -Kind FileBackup -Application 'Agent payment' {As("requester")} | New-FinRestorePlan -Policy $policy -Destination '{dest}' {As("requester")}; $plan");
        Assert.Empty(made.Errors);
        var plan = made.Output.Single();
        var planId = (string)plan.Properties["PlanId"].Value;
        var hash = (string)plan.Properties["ContentHash"].Value;
        Assert.Equal(_arns["requester"], plan.Properties["RequestedBy"].Value);
        Assert.Equal(1, (int)plan.Properties["ItemCount"].Value);
        var head = CliJson("s3api", "head-object", "--bucket", Bucket, "--key", $"fin-restore/plans/{planId}.json");
        Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
        Assert.Contains(dest, (string)host.Run("$plan.Items[0].Parameters['Destination']").Output.Single().BaseObject);

        // 2. refusals, nothing restored
        AssertRefused(host.Run($"$plan | Invoke-FinRestore -Policy $policy -Confirm:$false {As("requester")}"), "FinRestorePlanNotApproved", ErrorCategory.PermissionDenied, dest);

        var self = host.Run($"$plan | Approve-FinRestore -Policy $policy -Confirm:$false {As("requester")}");
        Assert.Equal("FinRestorePlanSelfApproved,FinBackup.Cmdlets.Restore.ApproveFinRestoreCommand", Assert.Single(self.Errors).FullyQualifiedErrorId);
        var outsider = host.Run($"$plan | Approve-FinRestore -Policy $policy -Confirm:$false {As("outsider")}");
        Assert.Equal("FinRestoreApproverNotAllowed,FinBackup.Cmdlets.Restore.ApproveFinRestoreCommand", Assert.Single(outsider.Errors).FullyQualifiedErrorId);
        Assert.Empty(Keys($"fin-restore/approvals/{planId}/"));

        // approvals written into the bucket behind Approve-FinRestore's back are checked again at restore time
        ForgeApproval(planId, hash, _arns["requester"], DateTime.UtcNow, DateTime.UtcNow.AddHours(1));
        AssertRefused(host.Run($"$plan | Invoke-FinRestore -Policy $policy -Confirm:$false {As("requester")}"), "FinRestorePlanSelfApproved", ErrorCategory.SecurityError, dest);
        ForgeApproval(planId, hash, _arns["outsider"], DateTime.UtcNow, DateTime.UtcNow.AddHours(1));
        AssertRefused(host.Run($"$plan | Invoke-FinRestore -Policy $policy -Confirm:$false {As("requester")}"), "FinRestoreApproverNotAllowed", ErrorCategory.PermissionDenied, dest);
        ForgeApproval(planId, hash, _arns["approver"], DateTime.UtcNow.AddHours(-5), DateTime.UtcNow.AddHours(-1));
        AssertRefused(host.Run($"$plan | Invoke-FinRestore -Policy $policy -Confirm:$false {As("requester")}"), "FinRestoreApprovalExpired", ErrorCategory.PermissionDenied, dest);
        RemoveForged(planId);

        // 3. approve (checker: approver, own credentials)
        var approved = host.Run($"$approval = $plan | Approve-FinRestore -Policy $policy -Confirm:$false {As("approver")}; $approval");
        Assert.Empty(approved.Errors);
        var approval = approved.Output.Single();
        Assert.Equal(_arns["approver"], approval.Properties["Approver"].Value);
        Assert.Equal(hash, approval.Properties["PlanHash"].Value);
        var approvalKey = Assert.Single(Keys($"fin-restore/approvals/{planId}/"));
        Assert.Equal($"s3://{Bucket}/{approvalKey}", approval.Properties["Location"].Value);
        Assert.Equal("aws:kms", CliJson("s3api", "head-object", "--bucket", Bucket, "--key", approvalKey).GetProperty("ServerSideEncryption").GetString());
        var stored = Cli("s3", "cp", $"s3://{Bucket}/{approvalKey}", "-");
        Assert.Contains(_arns["approver"], stored);
        Assert.Contains(hash, stored);

        // an approver on another machine reads the plan back by id
        var fetched = host.Run($"Get-FinRestorePlan -PlanId {planId} -Policy $policy {As("approver")}");
        Assert.Empty(fetched.Errors);
        Assert.Equal(hash, fetched.Output.Single().Properties["ContentHash"].Value);

        // 4. edited after approval: in memory, then in the bucket
        var edited = host.Run($"$e = Get-FinRestorePlan -PlanId {planId} -Policy $policy {As("requester")}; $e.Items[0].Parameters['Destination'] = '{_root}/elsewhere'; $e | Invoke-FinRestore -Policy $policy -Confirm:$false {As("requester")}");
        AssertRefused(edited, "FinRestorePlanChanged", ErrorCategory.SecurityError, dest);
        Assert.False(Directory.Exists(Path.Combine(_root, "elsewhere")));
        var original = Cli("s3", "cp", $"s3://{Bucket}/fin-restore/plans/{planId}.json", "-");
        var tampered = Path.Combine(_root, "tampered.json");
        File.WriteAllText(tampered, original.Replace(dest.Replace("\\", "\\\\"), _root + "/elsewhere"));
        Cli("s3", "cp", tampered, $"s3://{Bucket}/fin-restore/plans/{planId}.json", "--sse", "aws:kms", "--sse-kms-key-id", "alias/fin-backup");
        AssertRefused(host.Run($"$plan | Invoke-FinRestore -Policy $policy -Confirm:$false {As("requester")}"), "FinRestorePlanChanged", ErrorCategory.SecurityError, dest);
        var originalFile = Path.Combine(_root, "original.json");
        File.WriteAllText(originalFile, original);
        Cli("s3", "cp", originalFile, $"s3://{Bucket}/fin-restore/plans/{planId}.json", "--sse", "aws:kms", "--sse-kms-key-id", "alias/fin-backup");

        // -WhatIf on an approved plan writes nothing
        var whatIf = host.Run($"$plan | Invoke-FinRestore -Policy $policy -WhatIf {As("requester")}");
        Assert.Empty(whatIf.Errors);
        Assert.False(Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).Any());

        // 5. restore the approved, unchanged plan
        var restored = host.Run($"$plan | Invoke-FinRestore -Policy $policy -Confirm:$false -Verbose {As("requester")}");
        Assert.Empty(restored.Errors);
        Assert.Equal(2L, restored.Output.Single().Properties["FilesRestored"].Value);
        Assert.Equal("november", File.ReadAllText(Path.Combine(dest, "ledger", "a.dat")));
        Assert.Contains(restored.Verbose, v => v.Contains(planId) && v.Contains("approved by " + _arns["approver"]));

        // 6. the audit trail holds every step of the maker-checker, refusals included, with who did it (issue 11)
        var events = host.Run($"Get-FinAuditEvent -Policy $policy -Action 'Restore.*' {As("requester")}");
        Assert.True(events.Errors.Count == 0, string.Join("\n", events.Errors.Select(e => e.ToString())));
        var rows = events.Output.Select(o => new
        {
            Action = (string)o.Properties["Action"].Value,
            Result = (string)o.Properties["Result"].Value,
            ErrorId = o.Properties["ErrorId"].Value as string,
            Actor = (string)o.Properties["Actor"].Value,
            Details = (IDictionary<string, string>)((PSObject)PSObject.AsPSObject(o.Properties["Details"].Value)).BaseObject,
        }).ToList();
        var expected = new[]
        {
            ("Restore.Planned", "Succeeded", (string?)null, "requester"),
            ("Restore.Started", "Refused", "FinRestorePlanNotApproved", "requester"),
            ("Restore.Approved", "Refused", "FinRestorePlanSelfApproved", "requester"),
            ("Restore.Approved", "Refused", "FinRestoreApproverNotAllowed", "outsider"),
            ("Restore.Started", "Refused", "FinRestorePlanSelfApproved", "requester"),
            ("Restore.Started", "Refused", "FinRestoreApproverNotAllowed", "requester"),
            ("Restore.Started", "Refused", "FinRestoreApprovalExpired", "requester"),
            ("Restore.Approved", "Succeeded", null, "approver"),
            ("Restore.Started", "Refused", "FinRestorePlanChanged", "requester"),
            ("Restore.Started", "Refused", "FinRestorePlanChanged", "requester"),
            ("Restore.Started", "Succeeded", null, "requester"),
            ("Restore.Completed", "Succeeded", null, "requester"),
        };
        Assert.Equal(expected.Select(e => $"{e.Item1} {e.Item2} {e.Item3} {_arns[e.Item4]}"), rows.Select(r => $"{r.Action} {r.Result} {r.ErrorId} {r.Actor}"));
        Assert.All(rows, r => Assert.Equal(planId, r.Details["planId"]));
        var started = rows[10];
        Assert.Equal("Approved", started.Details["approval"]);
        Assert.Equal(_arns["approver"], started.Details["approvedBy"]);
        var completed = rows[11];
        Assert.Equal("Available", completed.Details["status"]);
        Assert.Equal("2", completed.Details["filesRestored"]);
        Assert.Equal(restored.Output.Single().Properties["RestoreId"].Value, completed.Details["restoreId"]);
        Assert.Equal(_arns["approver"], rows[7].Details["approvedBy"]);

        // and the compliance control reads them: one approved restore of the application
        var finding = host.Run($"Test-FinCompliance -Policy $policy -Application 'Agent payment' {As("requester")} | Where-Object Control -eq RestoreApproved");
        var restoreApproved = Assert.Single(finding.Output);
        Assert.Equal("Compliant", restoreApproved.Properties["Status"].Value.ToString());
        Assert.Equal("1 of 1 approved", restoreApproved.Properties["Measured"].Value);
    }

    [Fact]
    public void Backup_FinFile_with_a_policy_and_a_direct_refusal_are_audited_and_WhatIf_records_nothing()
    {
        var ledger = MakeTree();
        using var host = new ModuleHost();
        Assert.Empty(host.Run(PolicyScript("'approver'") + $"; $fs = [FinBackup.Domain.Policy.FileSetPolicy]::new(); $fs.Name = 'ledger'; $fs.Paths.Add('{ledger}'); $app.FileSets.Add($fs)").Errors);
        Assert.Empty(host.Run($"Backup-FinFile -Policy $policy -Application 'Agent payment' -WhatIf {As("requester")}").Errors);
        Assert.Empty(Keys("fin-audit/"));
        var backup = host.Run($"$point = Backup-FinFile -Policy $policy -Application 'Agent payment' {As("requester")}; $point");
        Assert.True(backup.Errors.Count == 0, string.Join("\n", backup.Errors.Select(e => e.ToString())));
        var pointId = (string)backup.Output.Single().Properties["RecoveryPointId"].Value;
        var refused = host.Run($"$point | Invoke-FinRestore -Policy $policy -Destination '{_root}/direct' -Confirm:$false {As("requester")}");
        Assert.Equal("FinRestoreApprovalRequired,FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand", Assert.Single(refused.Errors).FullyQualifiedErrorId);

        var events = host.Run($"Get-FinAuditEvent -Policy $policy {As("requester")}").Output;
        Assert.Equal(new[] { "RecoveryPoint.Created Succeeded", "Restore.Started Refused" },
            events.Select(e => $"{e.Properties["Action"].Value} {e.Properties["Result"].Value}"));
        var created = events[0];
        Assert.Equal(pointId, created.Properties["Target"].Value);
        var details = (IDictionary<string, string>)PSObject.AsPSObject(created.Properties["Details"].Value).BaseObject;
        Assert.Equal("FileBackup", details["kind"]);
        Assert.Equal("2", details["files"]);
        Assert.Equal("ledger", details["fileSet"]);
        Assert.Equal(_arns["requester"], created.Properties["Actor"].Value);
        Assert.Equal("FinRestoreApprovalRequired", events[1].Properties["ErrorId"].Value);
        // the records are in the bucket, checked with the AWS CLI
        Assert.Equal(2, Keys("fin-audit/finco/records/").Count);
    }

    [Fact]
    public void Without_RestoreApprovers_a_stored_plan_restores_directly_and_Approve_says_none_is_needed()
    {
        var ledger = MakeTree();
        var dest = Path.Combine(_root, "restore-direct");
        using var host = new ModuleHost();
        Assert.Empty(host.Run(PolicyScript("")).Errors);
        Assert.Empty(host.Run($"Backup-FinFile -Path '{ledger}' -Bucket {Bucket} -KmsKeyId alias/fin-backup -Application 'Agent payment' {As("requester")}").Errors);
        var made = host.Run($"$plan = Get-FinRecoveryPoint -Kind FileBackup {As("requester")} | New-FinRestorePlan -Policy $policy -Destination '{dest}' {As("requester")}; $plan");
        Assert.Empty(made.Errors);
        var approve = host.Run($"$plan | Approve-FinRestore -Policy $policy -Confirm:$false {As("approver")}");
        Assert.Equal("FinRestoreApprovalNotRequired,FinBackup.Cmdlets.Restore.ApproveFinRestoreCommand", Assert.Single(approve.Errors).FullyQualifiedErrorId);
        var restored = host.Run($"$plan | Invoke-FinRestore -Policy $policy -Confirm:$false -Verbose {As("requester")}");
        Assert.Empty(restored.Errors);
        Assert.Equal(2L, restored.Output.Single().Properties["FilesRestored"].Value);
        Assert.Contains(restored.Verbose, v => v.Contains("needs no approval"));
    }

    [Fact]
    public void New_FinRestorePlan_WhatIf_stores_nothing_and_such_a_plan_is_refused_as_not_found()
    {
        var ledger = MakeTree();
        var dest = Path.Combine(_root, "restore-whatif");
        using var host = new ModuleHost();
        Assert.Empty(host.Run(PolicyScript("'approver'")).Errors);
        Assert.Empty(host.Run($"Backup-FinFile -Path '{ledger}' -Bucket {Bucket} -KmsKeyId alias/fin-backup -Application 'Agent payment' {As("requester")}").Errors);
        var made = host.Run($"$plan = Get-FinRecoveryPoint -Kind FileBackup {As("requester")} | New-FinRestorePlan -Policy $policy -Destination '{dest}' -WhatIf {As("requester")}; $plan");
        Assert.Empty(made.Errors);
        Assert.Single(made.Output);
        Assert.Empty(Keys("fin-restore/"));
        AssertRefused(host.Run($"$plan | Invoke-FinRestore -Policy $policy -Confirm:$false {As("requester")}"), "FinRestorePlanNotFound", ErrorCategory.ObjectNotFound, dest);
    }

    [Fact]
    public void In_a_bucket_with_Object_Lock_plans_and_approvals_are_retained_until_they_expire()
    {
        const string locked = "fin-backup-locked";
        Cli("s3api", "create-bucket", "--bucket", locked, "--object-lock-enabled-for-bucket");
        Cli("s3api", "put-object-lock-configuration", "--bucket", locked, "--object-lock-configuration",
            "{\"ObjectLockEnabled\":\"Enabled\",\"Rule\":{\"DefaultRetention\":{\"Mode\":\"GOVERNANCE\",\"Days\":1}}}");
        var ledger = MakeTree();
        using var host = new ModuleHost();
        Assert.Empty(host.Run(PolicyScript("'approver'") + $"; $policy.Buckets['us-east-1'] = '{locked}'").Errors);
        Assert.Empty(host.Run($"Backup-FinFile -Path '{ledger}' -Bucket {Bucket} -KmsKeyId alias/fin-backup -Application 'Agent payment' {As("requester")}").Errors);
        var made = host.Run($"$plan = Get-FinRecoveryPoint -Kind FileBackup {As("requester")} | New-FinRestorePlan -Policy $policy -Destination '{_root}/r' {As("requester")}; $plan");
        Assert.Empty(made.Errors);
        var planId = (string)made.Output.Single().Properties["PlanId"].Value;
        var approved = host.Run($"$plan | Approve-FinRestore -Policy $policy -ValidFor 1h -Confirm:$false {As("approver")}");
        Assert.Empty(approved.Errors);
        var validUntil = (DateTime)approved.Output.Single().Properties["ValidUntil"].Value;

        var key = Assert.Single(CliJson("s3api", "list-objects-v2", "--bucket", locked, "--prefix", $"fin-restore/approvals/{planId}/").GetProperty("Contents").EnumerateArray()).GetProperty("Key").GetString()!;
        // moto 5.2.1 answers GetObjectRetention with a 500; HeadObject reports the same lock fields.
        var head = CliJson("s3api", "head-object", "--bucket", locked, "--key", key);
        Assert.Equal("GOVERNANCE", head.GetProperty("ObjectLockMode").GetString());
        Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
        var until = DateTime.Parse(head.GetProperty("ObjectLockRetainUntilDate").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.True(Math.Abs((until - validUntil).TotalSeconds) < 2, $"retained until {until:o}, approval valid until {validUntil:o}");
        Assert.Equal("GOVERNANCE", CliJson("s3api", "head-object", "--bucket", locked, "--key", $"fin-restore/plans/{planId}.json").GetProperty("ObjectLockMode").GetString());
    }
}
