using FinBackup.Aws.Restore;
using FinBackup.Domain.Ports;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;

namespace FinBackup.Tests.Restore;

internal static class PlanFixtures
{
    public const string Requester = "arn:aws:iam::123456789012:user/requester";
    public const string Approver = "arn:aws:iam::123456789012:user/approver";
    public const string Outsider = "arn:aws:iam::123456789012:user/outsider";
    public static readonly DateTime Now = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    public static BackupPolicy Policy(params string[] approvers) => new()
    {
        Name = "finco",
        PrimaryRegion = "us-east-1",
        DrRegion = "us-west-2",
        Buckets = { ["us-east-1"] = "fin-backup-use1", ["us-west-2"] = "fin-backup-usw2" },
        KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-backup" },
        Applications =
        {
            new ApplicationPolicy { Name = "Agent payment", Rto = TimeSpan.FromHours(2), RestoreApprovers = approvers.ToList() },
            new ApplicationPolicy { Name = "Cross-sell", Rto = TimeSpan.FromHours(2), RestoreApprovers = new List<string> { "approver" } },
        },
    };

    public static FinRecoveryPoint FilePoint(string id = "manifests/agent-payment/20261201T0900Z-a.json") => new()
    {
        RecoveryPointId = id, Kind = RecoveryPointKind.FileBackup, Application = "Agent payment", Region = "us-east-1",
        ResourceId = "agent-payment-app-1", Bucket = "fin-backup-use1", SizeGiB = 2,
    };

    public static FinRecoveryPoint RdsPoint(string id = "fin-cross-sell-db-20261201t0900z") => new()
    {
        RecoveryPointId = id, Kind = RecoveryPointKind.RdsSnapshot, Application = "Cross-sell", Region = "us-east-1",
        ResourceId = "cross-sell-db", SizeGiB = 200,
    };

    public static RestorePlan Plan(BackupPolicy? policy = null, string requester = Requester) =>
        new RestorePlanBuilder(() => Now, () => "0a1b2c3d").Build(policy ?? Policy("approver"), "Agent payment",
            new[] { FilePoint(), FilePoint("manifests/agent-payment/20261201T0900Z-b.json") }, new RestoreTargets { Destination = "/restore" }, requester);

    public static RestorePlan Copy(RestorePlan p) =>
        RestorePlanJson.DeserializePlan(RestorePlanJson.Serialize(p), "test");

    public static RestoreApproval Approval(RestorePlan plan, string approver = Approver, DateTime? at = null, TimeSpan? validFor = null)
    {
        var when = at ?? Now;
        return new RestoreApproval { PlanId = plan.PlanId, PlanHash = plan.ContentHash, Approver = approver, ApprovedAt = when, ValidUntil = when + (validFor ?? TimeSpan.FromHours(4)) };
    }
}

public sealed class RestorePlanHashTests
{
    [Fact]
    public void Reserialising_and_refilling_dictionaries_in_another_order_keep_the_hash()
    {
        var plan = PlanFixtures.Plan();
        Assert.Matches("^[0-9a-f]{64}$", plan.ContentHash);
        Assert.Equal(plan.ContentHash, RestorePlanHash.Compute(plan));
        var copy = PlanFixtures.Copy(plan);
        Assert.Equal(plan.ContentHash, RestorePlanHash.Compute(copy));
        Assert.Equal(RestorePlanHash.Canonical(plan), RestorePlanHash.Canonical(copy));

        var item = copy.Items[0];
        item.Parameters["SubnetId"] = "subnet-1";
        item.Parameters["AvailabilityZone"] = "us-east-1a";
        var a = RestorePlanHash.Compute(copy);
        item.Parameters = new Dictionary<string, string> { ["SubnetId"] = "subnet-1", ["Destination"] = "/restore", ["AvailabilityZone"] = "us-east-1a" };
        Assert.Equal(a, RestorePlanHash.Compute(copy));
    }

    public static IEnumerable<object[]> Edits() => new (string, Action<RestorePlan>)[]
    {
        ("PlanId", p => p.PlanId += "x"),
        ("PolicyName", p => p.PolicyName = "other"),
        ("Application", p => p.Application = "Cross-sell"),
        ("Region", p => p.Region = "us-west-2"),
        ("RequestedBy", p => p.RequestedBy = PlanFixtures.Approver),
        ("CreatedAt", p => p.CreatedAt = p.CreatedAt.AddSeconds(1)),
        ("ExpiresAt", p => p.ExpiresAt = null),
        ("EstimatedDuration", p => p.EstimatedDuration += TimeSpan.FromMinutes(1)),
        ("TargetRto", p => p.TargetRto = TimeSpan.FromHours(3)),
        ("Items order", p => p.Items.Reverse()),
        ("Item removed", p => p.Items.RemoveAt(1)),
        ("RecoveryPointId", p => p.Items[0].RecoveryPointId = "manifests/other.json"),
        ("Kind", p => p.Items[0].Kind = RecoveryPointKind.RdsSnapshot),
        ("SourceRegion", p => p.Items[0].SourceRegion = "us-west-2"),
        ("TargetRegion", p => p.Items[0].TargetRegion = "us-west-2"),
        ("ResourceId", p => p.Items[0].ResourceId = "other-host"),
        ("ResourceToCreate", p => p.Items[0].ResourceToCreate = "Files to /tmp"),
        ("SizeGiB", p => p.Items[0].SizeGiB = 3),
        ("Item EstimatedDuration", p => p.Items[0].EstimatedDuration += TimeSpan.FromSeconds(1)),
        ("EstimateBasis", p => p.Items[0].EstimateBasis = "guess"),
        ("Parameter value", p => p.Items[0].Parameters["Destination"] = "/tmp"),
        ("Parameter added", p => p.Items[0].Parameters["Include"] = "*"),
        ("Parameter removed", p => p.Items[0].Parameters.Clear()),
        ("Parameter name case", p => { p.Items[0].Parameters.Remove("Destination"); p.Items[0].Parameters["destination"] = "/restore"; }),
    }.Select(e => new object[] { e.Item1, e.Item2 });

    [Theory]
    [MemberData(nameof(Edits))]
    public void Editing_any_field_changes_the_hash(string field, Action<RestorePlan> edit)
    {
        var plan = PlanFixtures.Plan();
        var edited = PlanFixtures.Copy(plan);
        edit(edited);
        Assert.True(plan.ContentHash != RestorePlanHash.Compute(edited), $"editing {field} kept the hash");
    }

    [Fact]
    public void The_canonical_form_is_sorted_compact_json_with_escaped_strings()
    {
        var plan = PlanFixtures.Plan();
        plan.Items[0].ResourceToCreate = "a \"quoted\"\\ path\n";
        var c = RestorePlanHash.Canonical(plan);
        Assert.StartsWith("{\"Application\":\"Agent payment\",\"CreatedAt\":\"2026-12-01T10:00:00.0000000Z\",", c);
        Assert.Contains("\"ResourceToCreate\":\"a \\\"quoted\\\"\\\\ path\\u000a\"", c);
        Assert.Contains("\"format\":\"finbackup-restore-plan-hash/1\"", c);
        Assert.DoesNotContain(" :", c);
        Assert.DoesNotContain("ContentHash", c);
    }
}

public sealed class RestoreEstimatorTests
{
    [Fact]
    public void Each_kind_uses_its_policy_figures()
    {
        var a = new RestoreAssumptions { EbsVolumeCreateMinutes = 2, InitializationRateMiBps = 200, InstanceBootMinutes = 5, RdsRestoreFixedMinutes = 15, RdsRestoreGiBPerHour = 100, FileRestoreMiBps = 50 };
        var e = new RestoreEstimator(a);
        // 100 GiB at 200 MiB/s = 512 s, + 2 min
        Assert.Equal(TimeSpan.FromSeconds(120 + 512), e.Estimate(RecoveryPointKind.EbsSnapshotSet, 100).Duration);
        Assert.Equal(TimeSpan.FromSeconds(300 + 512), e.Estimate(RecoveryPointKind.Ami, 100).Duration);
        // 200 GiB at 100 GiB/h = 2 h, + 15 min
        Assert.Equal(TimeSpan.FromMinutes(135), e.Estimate(RecoveryPointKind.RdsSnapshot, 200).Duration);
        Assert.Equal(TimeSpan.FromMinutes(135), e.Estimate(RecoveryPointKind.BackupVaultPoint, 200, "RDS").Duration);
        Assert.Equal(TimeSpan.FromSeconds(120 + 512), e.Estimate(RecoveryPointKind.BackupVaultPoint, 100, "EBS").Duration);
        // 1 GiB at 50 MiB/s = 20.48 s, rounded up
        Assert.Equal(TimeSpan.FromSeconds(21), e.Estimate(RecoveryPointKind.FileBackup, 1).Duration);
        Assert.Contains("Restore.RdsRestoreGiBPerHour", e.Estimate(RecoveryPointKind.RdsSnapshot, 200).Basis);
        Assert.Contains("size unknown", e.Estimate(RecoveryPointKind.RdsSnapshot, null).Basis);
        Assert.Equal(TimeSpan.FromMinutes(15), e.Estimate(RecoveryPointKind.RdsSnapshot, null).Duration);
    }

    [Fact]
    public void Faster_figures_give_shorter_estimates_and_the_plan_sums_its_items_against_the_RTO()
    {
        var policy = PlanFixtures.Policy("approver");
        var slow = new RestorePlanBuilder(() => PlanFixtures.Now).Build(policy, "Cross-sell", new[] { PlanFixtures.RdsPoint(), PlanFixtures.RdsPoint("fin-cross-sell-db-20261201t0800z") }, null, PlanFixtures.Requester);
        Assert.Equal(TimeSpan.FromMinutes(2 * 135), slow.EstimatedDuration);
        Assert.False(slow.FitsRto);
        policy.Restore.RdsRestoreGiBPerHour = 400;
        var fast = new RestorePlanBuilder(() => PlanFixtures.Now).Build(policy, "Cross-sell", new[] { PlanFixtures.RdsPoint() }, null, PlanFixtures.Requester);
        Assert.Equal(TimeSpan.FromMinutes(45), fast.EstimatedDuration);
        Assert.True(fast.FitsRto);
    }

    [Fact]
    public void Policy_Restore_table_is_read_from_a_policy_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "restore-policy-" + Guid.NewGuid().ToString("N") + ".json");
        var json = """
            { "Name": "finco", "PrimaryRegion": "us-east-1",
              "Restore": { "InitializationRateMiBps": 250, "RdsRestoreGiBPerHour": 80, "ApprovalValidity": "2h", "PlanValidity": "12h" },
              "Applications": [ { "Name": "Cross-sell", "Frequency": "1h", "Retention": "12h" } ] }
            """;
        File.WriteAllText(path, json);
        try
        {
            var result = PolicyReader.Read(JsonPolicyParser.Parse(json, path), path);
            Assert.Equal(250, result.Policy.Restore.InitializationRateMiBps);
            Assert.Equal(80, result.Policy.Restore.RdsRestoreGiBPerHour);
            Assert.Equal(TimeSpan.FromHours(2), result.Policy.Restore.ApprovalValidity);
            Assert.Equal(TimeSpan.FromHours(12), result.Policy.Restore.PlanValidity);
            Assert.Equal(50, result.Policy.Restore.FileRestoreMiBps);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public sealed class RestorePlanBuilderTests
{
    [Fact]
    public void Builds_one_item_per_point_with_resolved_targets_and_refuses_ambiguous_ones()
    {
        var policy = PlanFixtures.Policy("approver");
        var b = new RestorePlanBuilder(() => PlanFixtures.Now, () => "0a1b2c3d");
        var plan = b.Build(policy, "cross-sell", new[] { PlanFixtures.RdsPoint() }, new RestoreTargets { DBInstanceClass = "db.r6g.xlarge" }, PlanFixtures.Requester);
        Assert.Equal("rplan-20261201T100000Z-0a1b2c3d", plan.PlanId);
        Assert.Equal("Cross-sell", plan.Application);
        Assert.Equal(PlanFixtures.Now.AddHours(24), plan.ExpiresAt);
        var item = Assert.Single(plan.Items);
        Assert.Equal("cross-sell-db-restored-202612011000", item.Parameters["TargetDBInstanceIdentifier"]);
        Assert.Equal("DB instance cross-sell-db-restored-202612011000 db.r6g.xlarge (us-east-1)", item.ResourceToCreate);
        Assert.Equal("DBInstanceClass=db.r6g.xlarge; TargetDBInstanceIdentifier=cross-sell-db-restored-202612011000", item.ParameterText);

        var ex = Assert.Throws<FinBackupException>(() => b.Build(policy, "Cross-sell", new[] { PlanFixtures.RdsPoint(), PlanFixtures.RdsPoint("x") },
            new RestoreTargets { TargetDBInstanceIdentifier = "one" }, PlanFixtures.Requester));
        Assert.Equal("FinRestorePlanAmbiguousTarget", ex.ErrorId);
        Assert.Equal("FinRestorePlanDestinationMissing", Assert.Throws<FinBackupException>(() =>
            b.Build(policy, "Agent payment", new[] { PlanFixtures.FilePoint() }, null, PlanFixtures.Requester)).ErrorId);
        Assert.Equal("FinRestorePlanApplicationUnknown", Assert.Throws<FinBackupException>(() =>
            b.Build(policy, "Nope", new[] { PlanFixtures.FilePoint() }, null, PlanFixtures.Requester)).ErrorId);
    }

    [Fact]
    public void Default_DB_identifiers_follow_the_RDS_naming_rules()
    {
        var id = RestorePlanBuilder.DefaultDbIdentifier("arn:aws:rds:us-east-1:123456789012:db:9Cross--Sell_DB" + new string('x', 80), PlanFixtures.Now);
        Assert.Matches("^[a-z][a-z0-9-]*[a-z0-9]$", id);
        Assert.DoesNotContain("--", id);
        Assert.True(id.Length <= 63);
        Assert.EndsWith("-restored-202612011000", id);
        Assert.StartsWith("db-9cross-sell-db", id);
    }
}

public sealed class RestorePrincipalTests
{
    [Theory]
    [InlineData("arn:aws:iam::123456789012:user/approver", "arn:aws:iam::123456789012:user/approver", true)]
    [InlineData("arn:aws:iam::123456789012:user/ops/approver", "approver", true)]
    [InlineData("arn:aws:iam::123456789012:user/approver", "ARN:AWS:IAM::123456789012:USER/APPROVER", true)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/fin-restore-approvers/alice", "fin-restore-approvers", true)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/fin-restore-approvers/alice", "arn:aws:iam::123456789012:role/fin-restore-approvers", true)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/fin-restore-approvers/alice", "arn:aws:iam::123456789012:role/teams/fin-restore-approvers", true)]
    [InlineData("arn:aws:sts::999999999999:assumed-role/fin-restore-approvers/alice", "arn:aws:iam::123456789012:role/fin-restore-approvers", false)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/fin-restore-approvers/alice", "arn:aws:sts::123456789012:assumed-role/fin-restore-approvers/bob", false)]
    [InlineData("arn:aws:iam::123456789012:user/outsider", "approver", false)]
    [InlineData("arn:aws:iam::123456789012:user/approver2", "approver", false)]
    [InlineData("arn:aws:iam::123456789012:root", "root", false)]
    [InlineData("arn:aws:iam::123456789012:user/approver", "", false)]
    public void Matches_ARNs_role_ARNs_and_names(string principal, string entry, bool expected) =>
        Assert.Equal(expected, RestorePrincipal.Parse(principal).Matches(entry));
}

public sealed class RestorePlanGateTests
{
    private readonly RestorePlanGate _gate = new();

    private static string Verify(RestorePlan plan, RestorePlan? stored, IEnumerable<RestoreApproval> approvals, BackupPolicy? policy = null, DateTime? now = null)
    {
        var r = new RestorePlanGate().Verify(plan, stored, approvals, policy ?? PlanFixtures.Policy("approver"), now ?? PlanFixtures.Now.AddMinutes(10));
        return r.Allowed ? "OK" : r.Refusal!.ErrorId;
    }

    [Fact]
    public void An_unchanged_plan_approved_by_a_listed_other_principal_within_its_limit_passes()
    {
        var plan = PlanFixtures.Plan();
        var approval = PlanFixtures.Approval(plan);
        var r = _gate.Verify(plan, PlanFixtures.Copy(plan), new[] { approval }, PlanFixtures.Policy("approver"), PlanFixtures.Now.AddMinutes(10));
        Assert.True(r.Allowed);
        Assert.Same(approval, r.Approval);
        Assert.False(r.ApprovalNotRequired);
    }

    [Fact]
    public void Refusals_each_have_their_own_id_category_and_message()
    {
        var plan = PlanFixtures.Plan();
        var stored = PlanFixtures.Copy(plan);
        Assert.Equal("FinRestorePlanNotFound", Verify(plan, null, new[] { PlanFixtures.Approval(plan) }));
        Assert.Equal("FinRestorePlanNotApproved", Verify(plan, stored, Array.Empty<RestoreApproval>()));
        var elsewhere = PlanFixtures.Approval(plan);
        elsewhere.PlanId = "rplan-other";
        Assert.Equal("FinRestorePlanNotApproved", Verify(plan, stored, new[] { elsewhere }));
        Assert.Equal("FinRestorePlanSelfApproved", Verify(plan, stored, new[] { PlanFixtures.Approval(plan, PlanFixtures.Requester) }));
        Assert.Equal("FinRestoreApproverNotAllowed", Verify(plan, stored, new[] { PlanFixtures.Approval(plan, PlanFixtures.Outsider) }));
        Assert.Equal("FinRestoreApprovalExpired", Verify(plan, stored, new[] { PlanFixtures.Approval(plan) }, now: PlanFixtures.Now.AddHours(5)));
        Assert.Equal("FinRestorePlanExpired", Verify(plan, stored, new[] { PlanFixtures.Approval(plan, validFor: TimeSpan.FromDays(3)) }, now: PlanFixtures.Now.AddHours(25)));

        var r = _gate.Verify(plan, stored, new[] { PlanFixtures.Approval(plan, PlanFixtures.Requester) }, PlanFixtures.Policy("approver", "requester"), PlanFixtures.Now);
        Assert.Equal(FinErrorKind.SecurityError, r.Refusal!.Kind);
        Assert.Contains(PlanFixtures.Requester, r.Refusal.Message);
        Assert.Contains("second person", r.Refusal.Message);
        Assert.False(string.IsNullOrEmpty(r.Refusal.RecommendedAction));

        r = _gate.Verify(plan, stored, new[] { PlanFixtures.Approval(plan, PlanFixtures.Outsider) }, PlanFixtures.Policy("approver"), PlanFixtures.Now);
        Assert.Equal(FinErrorKind.PermissionDenied, r.Refusal!.Kind);
        Assert.Contains(PlanFixtures.Outsider, r.Refusal.Message);
        Assert.Contains("RestoreApprovers (approver)", r.Refusal.Message);
    }

    [Fact]
    public void Self_approval_is_by_ARN_even_when_the_requester_is_also_a_listed_approver()
    {
        var policy = PlanFixtures.Policy("requester", "approver");
        var plan = PlanFixtures.Plan(policy);
        Assert.Equal("FinRestorePlanSelfApproved", Verify(plan, PlanFixtures.Copy(plan), new[] { PlanFixtures.Approval(plan, PlanFixtures.Requester.ToUpperInvariant()) }, policy));
        Assert.Equal("OK", Verify(plan, PlanFixtures.Copy(plan), new[] { PlanFixtures.Approval(plan, PlanFixtures.Requester), PlanFixtures.Approval(plan, PlanFixtures.Approver) }, policy));
        Assert.Equal("FinRestorePlanSelfApproved", _gate.CheckApprover(plan, PlanFixtures.Copy(plan), PlanFixtures.Requester, policy, PlanFixtures.Now)!.ErrorId);
        Assert.Null(_gate.CheckApprover(plan, PlanFixtures.Copy(plan), PlanFixtures.Approver, policy, PlanFixtures.Now));
        Assert.Equal("FinRestoreApproverNotAllowed", _gate.CheckApprover(plan, PlanFixtures.Copy(plan), PlanFixtures.Outsider, policy, PlanFixtures.Now)!.ErrorId);
    }

    [Fact]
    public void Approvers_are_checked_against_the_policy_as_it_is_at_restore_time()
    {
        var plan = PlanFixtures.Plan();
        var approval = PlanFixtures.Approval(plan);
        Assert.Equal("OK", Verify(plan, PlanFixtures.Copy(plan), new[] { approval }, PlanFixtures.Policy("approver")));
        Assert.Equal("FinRestoreApproverNotAllowed", Verify(plan, PlanFixtures.Copy(plan), new[] { approval }, PlanFixtures.Policy("someone-else")));
    }

    [Fact]
    public void Expiry_boundary_valid_until_the_instant_before_ValidUntil_and_never_longer_than_the_policy_allows()
    {
        var plan = PlanFixtures.Plan();
        var stored = PlanFixtures.Copy(plan);
        var approval = PlanFixtures.Approval(plan, validFor: TimeSpan.FromHours(1));
        Assert.Equal("OK", Verify(plan, stored, new[] { approval }, now: approval.ValidUntil.AddTicks(-1)));
        Assert.Equal("FinRestoreApprovalExpired", Verify(plan, stored, new[] { approval }, now: approval.ValidUntil));

        // A ValidUntil written beyond the policy's ApprovalValidity (4 h) is capped at ApprovedAt + 4 h.
        var forged = PlanFixtures.Approval(plan, validFor: TimeSpan.FromDays(30));
        Assert.Equal("OK", Verify(plan, stored, new[] { forged }, now: PlanFixtures.Now.AddHours(4).AddTicks(-1)));
        Assert.Equal("FinRestoreApprovalExpired", Verify(plan, stored, new[] { forged }, now: PlanFixtures.Now.AddHours(4)));
    }

    [Fact]
    public void A_plan_edited_after_approval_is_refused_whether_edited_in_memory_in_the_bucket_or_resealed()
    {
        var plan = PlanFixtures.Plan();
        var stored = PlanFixtures.Copy(plan);
        var approval = PlanFixtures.Approval(plan);

        var edited = PlanFixtures.Copy(plan);
        edited.Items[0].Parameters["Destination"] = "/etc";
        Assert.Equal("FinRestorePlanChanged", Verify(edited, stored, new[] { approval }));

        var resealed = RestorePlanHash.Seal(PlanFixtures.Copy(edited));
        Assert.Equal("FinRestorePlanChanged", Verify(resealed, stored, new[] { approval }));

        // both the presented and the stored copy edited and resealed: the approval is for the old hash
        Assert.Equal("FinRestorePlanChanged", Verify(resealed, PlanFixtures.Copy(resealed), new[] { approval }));

        // the stored copy edited in the bucket, the presented one original
        var tampered = PlanFixtures.Copy(plan);
        tampered.RequestedBy = PlanFixtures.Outsider;
        Assert.Equal("FinRestorePlanChanged", Verify(plan, tampered, new[] { approval }));
    }

    [Fact]
    public void Without_approvers_in_the_policy_no_approval_is_needed()
    {
        var policy = PlanFixtures.Policy();
        var plan = PlanFixtures.Plan(policy);
        var r = _gate.Verify(plan, PlanFixtures.Copy(plan), Array.Empty<RestoreApproval>(), policy, PlanFixtures.Now);
        Assert.True(r.Allowed);
        Assert.True(r.ApprovalNotRequired);
        // but the plan must still be the stored, unchanged one
        Assert.Equal("FinRestorePlanNotFound", Verify(plan, null, Array.Empty<RestoreApproval>(), policy));
    }

    [Fact]
    public void A_plan_under_another_policy_or_application_is_refused()
    {
        var plan = PlanFixtures.Plan();
        var other = PlanFixtures.Policy("approver");
        other.Name = "other";
        Assert.Equal("FinRestorePlanApplicationUnknown", Verify(plan, PlanFixtures.Copy(plan), new[] { PlanFixtures.Approval(plan) }, other));
        var noApp = PlanFixtures.Policy("approver");
        noApp.Applications.RemoveAt(0);
        Assert.Equal("FinRestorePlanApplicationUnknown", Verify(plan, PlanFixtures.Copy(plan), new[] { PlanFixtures.Approval(plan) }, noApp));
    }
}

public sealed class RestorePlanJsonTests
{
    [Fact]
    public void Plan_and_approval_round_trip_and_other_formats_are_unreadable()
    {
        var plan = PlanFixtures.Plan();
        var copy = PlanFixtures.Copy(plan);
        Assert.Equal(plan.ContentHash, copy.ContentHash);
        Assert.Equal(DateTimeKind.Utc, copy.CreatedAt.Kind);
        Assert.Equal(plan.Items[1].Parameters["Destination"], copy.Items[1].Parameters["Destination"]);
        var a = PlanFixtures.Approval(plan);
        var back = RestorePlanJson.DeserializeApproval(RestorePlanJson.Serialize(a), "x");
        Assert.Equal((a.PlanId, a.PlanHash, a.Approver, a.ApprovedAt, a.ValidUntil), (back.PlanId, back.PlanHash, back.Approver, back.ApprovedAt, back.ValidUntil));
        Assert.Equal("FinRestorePlanUnreadable", Assert.Throws<FinBackupException>(() => RestorePlanJson.DeserializePlan("{\"format\":\"x\"}"u8.ToArray(), "x")).ErrorId);
        Assert.Equal("FinRestorePlanUnreadable", Assert.Throws<FinBackupException>(() => RestorePlanJson.DeserializeApproval("not json"u8.ToArray(), "x")).ErrorId);
        Assert.Equal("FinRestorePlanIdInvalid", Assert.Throws<FinBackupException>(() => RestorePlanLayout.PlanKey("../x")).ErrorId);
        Assert.Equal("fin-restore/approvals/rplan-1/" + RestorePlanLayout.ApproverHash(PlanFixtures.Approver) + ".json", RestorePlanLayout.ApprovalKey("rplan-1", PlanFixtures.Approver.ToUpperInvariant()));
    }
}

public sealed class RestorePlanRepositoryTests
{
    private sealed class FakeStore : IRestorePlanStore
    {
        public bool ObjectLock { get; set; }
        public Dictionary<string, RestorePlan> Plans { get; } = new();
        public List<(string Bucket, RestoreApproval Approval, ObjectWriteOptions Options)> Approvals { get; } = new();
        public List<(string Bucket, ObjectWriteOptions Options)> PlanWrites { get; } = new();

        public BucketProtection DescribeBucket(string bucket, CancellationToken ct) => new() { ObjectLockEnabled = ObjectLock, ObjectLockMode = "COMPLIANCE" };
        public string PutPlan(string bucket, RestorePlan plan, ObjectWriteOptions options, CancellationToken ct)
        {
            PlanWrites.Add((bucket, options));
            Plans[bucket + "/" + plan.PlanId] = plan;
            return "s3://" + bucket + "/" + RestorePlanLayout.PlanKey(plan.PlanId);
        }
        public RestorePlan? GetPlan(string bucket, string planId, CancellationToken ct) => Plans.TryGetValue(bucket + "/" + planId, out var p) ? p : null;
        public void PutApproval(string bucket, RestoreApproval approval, ObjectWriteOptions options, CancellationToken ct) => Approvals.Add((bucket, approval, options));
        public IReadOnlyList<RestoreApproval> ListApprovals(string bucket, string planId, CancellationToken ct) =>
            Approvals.Where(a => a.Bucket == bucket && a.Approval.PlanId == planId).Select(a => a.Approval).ToList();
    }

    [Fact]
    public void Plans_live_in_the_target_regions_bucket_with_its_key_and_Object_Lock_where_the_bucket_has_it()
    {
        var stores = new Dictionary<string, FakeStore> { ["us-east-1"] = new(), ["us-west-2"] = new() { ObjectLock = true } };
        var policy = PlanFixtures.Policy("approver");
        policy.KmsKeys["us-west-2"] = "arn:aws:kms:us-west-2:123456789012:key/dr";
        var repo = new RestorePlanRepository(r => stores[r], policy);
        var plan = PlanFixtures.Plan();
        plan.Region = "us-west-2";
        RestorePlanHash.Seal(plan);

        Assert.Equal($"s3://fin-backup-usw2/fin-restore/plans/{plan.PlanId}.json", repo.Save(plan, CancellationToken.None));
        var write = Assert.Single(stores["us-west-2"].PlanWrites);
        Assert.Equal("arn:aws:kms:us-west-2:123456789012:key/dr", write.Options.KmsKeyId);
        Assert.Equal(plan.ExpiresAt, write.Options.RetainUntil);
        Assert.Equal("COMPLIANCE", write.Options.ObjectLockMode);
        Assert.Empty(stores["us-east-1"].PlanWrites);

        Assert.Same(plan, repo.Find(plan.PlanId, null, CancellationToken.None));
        Assert.Null(repo.Find(plan.PlanId, "us-east-1", CancellationToken.None));

        var approval = PlanFixtures.Approval(plan);
        repo.Save(plan, approval, CancellationToken.None);
        Assert.Equal(approval.ValidUntil, stores["us-west-2"].Approvals.Single().Options.RetainUntil);
        Assert.Same(approval, Assert.Single(repo.Approvals(plan, CancellationToken.None)));

        // without Object Lock: no retention
        var east = PlanFixtures.Plan();
        repo.Save(east, CancellationToken.None);
        Assert.Null(stores["us-east-1"].PlanWrites.Single().Options.RetainUntil);

        policy.Buckets.Remove("us-west-2");
        Assert.Equal("FinRestorePlanBucketMissing", Assert.Throws<FinBackupException>(() => repo.Save(plan, CancellationToken.None)).ErrorId);
        policy.KmsKeys.Remove("us-east-1");
        Assert.Equal("FinRestorePlanKeyMissing", Assert.Throws<FinBackupException>(() => repo.Save(east, CancellationToken.None)).ErrorId);
    }
}
