using System.Text.Json;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Security;

namespace FinBackup.Tests.Security;

public sealed class IamPolicyBuilderTests
{
    private const string Account = "123456789012";

    private static BackupPolicy Recommended()
    {
        var path = Path.Combine(TestSupport.RepoPaths.Root, "examples", "finco.recommended.policy.json");
        return PolicyReader.ReadJson(File.ReadAllText(path), path).Policy;
    }

    private static IamPolicyDocument Build(FinRole role, Action<IamPolicyOptions>? configure = null)
    {
        var o = new IamPolicyOptions { AccountId = Account, PassRoleArns = { "arn:aws:iam::123456789012:role/fin-backup-service" } };
        configure?.Invoke(o);
        return new IamPolicyBuilder(Recommended(), o).Build(role);
    }

    private static IEnumerable<IamStatement> With(IamPolicyDocument d, string action) => d.Statements.Where(s => s.Actions.Contains(action));

    [Theory]
    [InlineData(FinRole.BackupOperator)]
    [InlineData(FinRole.RestoreOperator)]
    [InlineData(FinRole.RestoreApprover)]
    [InlineData(FinRole.Auditor)]
    [InlineData(FinRole.FileBackupInstance)]
    public void Every_role_names_its_actions_and_is_valid_IAM_JSON(FinRole role)
    {
        var doc = Build(role);
        Assert.DoesNotContain(doc.Statements.SelectMany(s => s.Actions), a => a == "*" || a.EndsWith(":*", StringComparison.Ordinal));
        Assert.All(doc.Statements, s => Assert.NotEmpty(s.Resources));
        using var json = JsonDocument.Parse(doc.ToJson());
        Assert.Equal("2012-10-17", json.RootElement.GetProperty("Version").GetString());
        var sids = json.RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.GetProperty("Sid").GetString()).ToList();
        Assert.Equal(sids.Count, sids.Distinct().Count());
        // Everything that names resources names the policy's own regions, buckets and account only.
        foreach (var arn in doc.Statements.SelectMany(s => s.Resources).Where(r => r != "*"))
        {
            Assert.True(arn.StartsWith("arn:aws:s3:::fin-backup-use1", StringComparison.Ordinal) || arn.StartsWith("arn:aws:s3:::fin-backup-usw2", StringComparison.Ordinal)
                        || arn.Contains(":us-east-1:", StringComparison.Ordinal) || arn.Contains(":us-west-2:", StringComparison.Ordinal) || arn.StartsWith("arn:aws:iam::123456789012:role/", StringComparison.Ordinal), arn);
        }
    }

    [Fact]
    public void Unscopable_reads_are_limited_to_the_policys_regions()
    {
        var doc = Build(FinRole.BackupOperator);
        var reads = Assert.Single(With(doc, "ec2:DescribeSnapshots"));
        Assert.Equal(new[] { "*" }, reads.Resources);
        Assert.Equal(new[] { "us-east-1", "us-west-2" }, reads.Conditions["StringEquals"]["aws:RequestedRegion"]);
    }

    [Fact]
    public void The_backup_operator_deletes_only_what_carries_fin_managed_by_and_creates_only_tagged_points()
    {
        var doc = Build(FinRole.BackupOperator);
        foreach (var action in new[] { "ec2:DeleteSnapshot", "ec2:DeregisterImage" })
        {
            var st = Assert.Single(With(doc, action));
            Assert.Equal("FinBackup", Assert.Single(st.Conditions["StringEquals"]["aws:ResourceTag/fin:managed-by"]));
        }
        var rds = Assert.Single(With(doc, "rds:DeleteDBSnapshot"));
        Assert.Equal("FinBackup", Assert.Single(rds.Conditions["StringEquals"]["rds:snapshot-tag/fin:managed-by"]));
        // Snapshots and images it creates must carry the tag in the request (tag-on-create)...
        Assert.Contains(With(doc, "ec2:CreateSnapshots"), s => s.Conditions.TryGetValue("StringEquals", out var c) && c.ContainsKey("aws:RequestTag/fin:managed-by"));
        // ...and only of instances and volumes of the policy's applications.
        Assert.Contains(With(doc, "ec2:CreateSnapshots"), s => s.Conditions.TryGetValue("Null", out var c) && c.ContainsKey("aws:ResourceTag/fin:application"));
        // Never restores, never reads secrets, never deletes volumes or instances.
        Assert.DoesNotContain(doc.AllowedActions, a => a.StartsWith("secretsmanager:", StringComparison.Ordinal) || a.StartsWith("rds:Restore", StringComparison.Ordinal)
                                                       || a == "ec2:DeleteVolume" || a == "ec2:TerminateInstances" || a == "ec2:RunInstances" || a == "ec2:CreateVolume");
        Assert.Equal(new[] { "arn:aws:iam::123456789012:role/fin-backup-service" }, Assert.Single(With(doc, "iam:PassRole")).Resources);
    }

    [Fact]
    public void Only_the_restore_operator_reads_restore_secrets_and_it_cleans_up_only_what_a_restore_created()
    {
        foreach (var role in Enum.GetValues<FinRole>().Where(r => r != FinRole.RestoreOperator))
            Assert.DoesNotContain(Build(role).AllowedActions, a => a.StartsWith("secretsmanager:", StringComparison.Ordinal));
        var doc = Build(FinRole.RestoreOperator, o => o.RestoreSecretNames.Add("fin/restore/cross-sell"));
        var secrets = Assert.Single(With(doc, "secretsmanager:GetSecretValue"));
        Assert.Contains("arn:aws:secretsmanager:us-west-2:123456789012:secret:fin/restore/cross-sell-*", secrets.Resources);
        Assert.DoesNotContain(secrets.Resources, r => r.EndsWith(":secret:*", StringComparison.Ordinal));
        var cleanup = Assert.Single(With(doc, "ec2:DeleteVolume"));
        Assert.Equal("false", Assert.Single(cleanup.Conditions["Null"]["aws:ResourceTag/fin:restore-id"]));
        Assert.DoesNotContain(doc.AllowedActions, a => a is "ec2:DeleteSnapshot" or "ec2:DeregisterImage" or "rds:DeleteDBSnapshot" or "s3:DeleteObject");
    }

    [Fact]
    public void The_auditor_changes_nothing()
    {
        var doc = Build(FinRole.Auditor);
        var writes = new[] { "Create", "Delete", "Put", "Copy", "Modify", "Restore", "Run", "Start", "Attach", "Detach", "Terminate", "Update", "Send", "Deregister", "Encrypt", "GenerateDataKey", "ReEncrypt" };
        Assert.DoesNotContain(doc.AllowedActions, a => writes.Any(w => a.Split(':')[1].StartsWith(w, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_approver_reads_plans_and_writes_approvals_only()
    {
        var doc = Build(FinRole.RestoreApprover);
        Assert.Equal(new[] { "kms:Decrypt", "kms:GenerateDataKey", "s3:GetBucketObjectLockConfiguration", "s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:PutObjectRetention", "sts:GetCallerIdentity" }, doc.AllowedActions);
        Assert.All(With(doc, "s3:PutObject").Single(s => s.Sid == "RecordApprovals").Resources, r => Assert.EndsWith("/fin-restore/approvals/*", r));
        Assert.All(With(doc, "s3:PutObject").Single(s => s.Sid == "AuditLogAppendOnly").Resources, r => Assert.EndsWith("/fin-audit/finco/*", r));
    }

    [Fact]
    public void The_file_backup_host_writes_its_own_prefix_and_deletes_nothing()
    {
        var doc = Build(FinRole.FileBackupInstance, o => o.Application = "Agent payment");
        Assert.DoesNotContain(doc.AllowedActions, a => a.Contains("Delete", StringComparison.Ordinal));
        var write = Assert.Single(With(doc, "s3:PutObject"), s => s.Sid == "WriteOwnBackups");
        Assert.Contains("arn:aws:s3:::fin-backup-use1/manifests/agent-payment/*", write.Resources);
        Assert.DoesNotContain(write.Resources, r => r.EndsWith("/manifests/*", StringComparison.Ordinal) || r.Contains("/manifests/cross-sell/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(FinRole.BackupOperator)]
    [InlineData(FinRole.RestoreOperator)]
    [InlineData(FinRole.RestoreApprover)]
    [InlineData(FinRole.FileBackupInstance)]
    public void Writers_append_to_the_audit_log_and_cannot_delete_it(FinRole role)
    {
        var doc = Build(role);
        var append = Assert.Single(doc.Statements, s => s.Sid == "AuditLogAppendOnly");
        Assert.Equal(new[] { "arn:aws:s3:::fin-backup-use1/fin-audit/finco/*" }, append.Resources);
        Assert.DoesNotContain(append.Actions, a => a.Contains("Delete", StringComparison.Ordinal));
        Assert.DoesNotContain(doc.Statements.Where(s => s.Actions.Any(a => a.StartsWith("s3:Delete", StringComparison.Ordinal))).SelectMany(s => s.Resources),
            r => r.Contains("fin-audit", StringComparison.Ordinal) || r.EndsWith("fin-backup-use1/*", StringComparison.Ordinal));
        var sign = Assert.Single(doc.Statements, s => s.Sid == "AuditLogSignRunDigests");
        Assert.Equal(new[] { "kms:GenerateDataKey" }, sign.Actions);
        Assert.Equal(new[] { "audit-digest" }, sign.Conditions["StringEquals"]["kms:EncryptionContext:fin:purpose"]);
        Assert.Equal(new[] { "alias/fin-backup" }, sign.Conditions["ForAnyValue:StringEquals"]["kms:ResourceAliases"]);
    }

    [Fact]
    public void The_auditor_reads_the_audit_log_and_verifies_digests_without_writing()
    {
        var doc = Build(FinRole.Auditor);
        Assert.Contains(doc.Statements, s => s.Sid == "AuditLogRead" && s.Actions.Contains("s3:GetObject") && s.Resources.Single() == "arn:aws:s3:::fin-backup-use1/fin-audit/finco/*");
        var verify = Assert.Single(doc.Statements, s => s.Sid == "AuditLogVerifyRunDigests");
        Assert.Equal(new[] { "kms:Decrypt" }, verify.Actions);
        Assert.Equal(new[] { "audit-digest" }, verify.Conditions["StringEquals"]["kms:EncryptionContext:fin:purpose"]);
        Assert.DoesNotContain(doc.Statements.Where(s => s.Sid.StartsWith("AuditLog", StringComparison.Ordinal)).SelectMany(s => s.Actions), a => a.Contains("Put", StringComparison.Ordinal));
    }

    [Fact]
    public void The_bucket_policy_denies_every_delete_of_audit_records()
    {
        var doc = BucketPolicyBuilder.Build(new BucketPolicyOptions
        {
            Bucket = "fin-backup-use1", KmsKeyIds = { "alias/fin-backup" }, DeletePrincipalArns = { "arn:aws:iam::123456789012:role/op" },
            AdminPrincipalArns = { "arn:aws:iam::123456789012:role/admin" }, AuditPrefixes = { "fin-audit/" },
        });
        var deny = Assert.Single(doc.Statements, s => s.Sid == "DenyAuditRecordDeletes");
        Assert.Equal(IamEffect.Deny, deny.Effect);
        Assert.Contains("s3:DeleteObject", deny.Actions);
        Assert.Contains("s3:DeleteObjectVersion", deny.Actions);
        Assert.Equal(new[] { "arn:aws:s3:::fin-backup-use1/fin-audit/*" }, deny.Resources);
        Assert.Empty(deny.Conditions); // no exception, not even for the operators who may expire backups
    }

    [Fact]
    public void Kms_data_operations_go_only_through_the_services_and_match_the_policys_alias()
    {
        var doc = Build(FinRole.BackupOperator);
        var kms = Assert.Single(With(doc, "kms:GenerateDataKey"), s => s.Sid != "AuditLogSignRunDigests");
        Assert.Contains("ec2.us-west-2.amazonaws.com", kms.Conditions["StringEquals"]["kms:ViaService"]);
        Assert.Contains("rds.us-east-1.amazonaws.com", kms.Conditions["StringEquals"]["kms:ViaService"]);
        Assert.Equal(new[] { "alias/fin-backup" }, kms.Conditions["ForAnyValue:StringEquals"]["kms:ResourceAliases"]);
        Assert.Equal(new[] { "arn:aws:kms:us-east-1:123456789012:key/*", "arn:aws:kms:us-west-2:123456789012:key/*" }, kms.Resources);
        // DescribeKey (FinBackup's pre-copy check) is a direct call, not via a service.
        Assert.Contains(With(doc, "kms:DescribeKey"), s => !s.Conditions.ContainsKey("StringEquals") || !s.Conditions["StringEquals"].ContainsKey("kms:ViaService"));
    }

    [Fact]
    public void A_bad_account_id_is_refused_with_the_fix()
    {
        var ex = Assert.Throws<FinBackupException>(() => new IamPolicyBuilder(Recommended(), new IamPolicyOptions { AccountId = "12345" }));
        Assert.Equal("FinIamAccountIdInvalid", ex.ErrorId);
        Assert.Contains("-AccountId", ex.RecommendedAction);
    }

    [Fact]
    public void The_bucket_policy_denies_plain_http_other_keys_and_deletes_or_protection_changes_by_anyone_else()
    {
        var doc = BucketPolicyBuilder.Build(new BucketPolicyOptions
        {
            Bucket = "fin-backup-use1",
            KmsKeyIds = { "arn:aws:kms:us-east-1:123456789012:key/1234", "alias/fin-backup" },
            DeletePrincipalArns = { "arn:aws:iam::123456789012:role/fin-backup-operator" },
            AdminPrincipalArns = { "arn:aws:iam::123456789012:role/fin-storage-admin" },
        });
        Assert.All(doc.Statements, s => Assert.Equal(IamEffect.Deny, s.Effect));
        Assert.All(doc.Statements, s => Assert.Equal(new[] { "*" }, s.Principals));
        Assert.Equal("false", Assert.Single(doc.Statements.Single(s => s.Sid == "DenyInsecureTransport").Conditions["Bool"]["aws:SecureTransport"]));
        Assert.Equal("aws:kms", Assert.Single(doc.Statements.Single(s => s.Sid == "DenyPutWithoutSseKms").Conditions["StringNotEquals"]["s3:x-amz-server-side-encryption"]));
        Assert.Equal(2, doc.Statements.Single(s => s.Sid == "DenyPutWithAnotherKey").Conditions["StringNotEquals"]["s3:x-amz-server-side-encryption-aws-kms-key-id"].Count);
        var deletes = doc.Statements.Single(s => s.Sid == "DenyDeletesExceptOperators");
        Assert.Contains("s3:DeleteObject", deletes.Actions);
        Assert.Equal(new[] { "arn:aws:iam::123456789012:role/fin-backup-operator" }, deletes.Conditions["ArnNotLike"]["aws:PrincipalArn"]);
        var protection = doc.Statements.Single(s => s.Sid == "DenyProtectionChangesExceptAdministrators");
        Assert.Contains("s3:PutBucketObjectLockConfiguration", protection.Actions);
        Assert.Contains("s3:PutLifecycleConfiguration", protection.Actions);
        Assert.Contains("s3:PutBucketPolicy", protection.Actions);
        using var json = JsonDocument.Parse(doc.ToJson());
        Assert.Equal("*", json.RootElement.GetProperty("Statement")[0].GetProperty("Principal").GetString());
    }

    [Theory]
    [InlineData("delete", "FinBucketPolicyPrincipalMissing")]
    [InlineData("admin", "FinBucketPolicyAdminMissing")]
    [InlineData("key", "FinBucketPolicyKeyMissing")]
    public void A_bucket_policy_that_would_lock_everyone_out_or_leave_the_key_open_is_refused(string missing, string errorId)
    {
        var o = new BucketPolicyOptions { Bucket = "b", KmsKeyIds = { "k" }, DeletePrincipalArns = { "d" }, AdminPrincipalArns = { "a" } };
        if (missing == "delete") o.DeletePrincipalArns.Clear();
        if (missing == "admin") o.AdminPrincipalArns.Clear();
        if (missing == "key") o.KmsKeyIds.Clear();
        Assert.Equal(errorId, Assert.Throws<FinBackupException>(() => BucketPolicyBuilder.Build(o)).ErrorId);
    }
}
