using FinBackup.Domain.Audit;
using FinBackup.Domain.Compliance;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Tests.Compliance;

/// <summary>An in-memory history for the compliance controls: a policy, points, audit records and drills at a fake clock.</summary>
internal sealed class ComplianceHistory
{
    public const string Primary = "us-east-1";
    public const string Dr = "us-west-2";
    public const string KeyArnPrimary = "arn:aws:kms:us-east-1:123456789012:key/11111111-aaaa";
    public const string KeyArnDr = "arn:aws:kms:us-west-2:123456789012:key/22222222-bbbb";
    public static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
    private int _next;
    private long _seq;

    public BackupPolicy Policy { get; } = new()
    {
        Name = "finco", PrimaryRegion = Primary, DrRegion = Dr, BackupVaultName = "fin-backup-vault", VaultLock = true,
        KmsKeys = { [Primary] = "alias/fin-backup", [Dr] = "alias/fin-backup" },
        Buckets = { [Primary] = "fin-backup-use1", [Dr] = "fin-backup-usw2" },
    };

    public ApplicationPolicy App { get; }
    public ComplianceEvidence Evidence { get; }

    public ComplianceHistory(params RecoveryPointKindRequest[] kinds)
    {
        App = new ApplicationPolicy
        {
            Name = "Cross-sell", Frequency = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(12), Rpo = TimeSpan.FromHours(1), Rto = TimeSpan.FromHours(2),
            CopyToDrRegion = true,
        };
        foreach (var k in kinds.Length == 0 ? new[] { RecoveryPointKindRequest.EbsSnapshotSet } : kinds) App.RecoveryPoints.Add(k);
        Policy.Applications.Add(App);
        Evidence = new ComplianceEvidence
        {
            Policy = Policy, Now = Now, From = Now.AddHours(-24), To = Now, AuditEvents = new List<AuditEvent>(), Drills = new List<RecoveryDrillRecord>(),
            KmsKeyArns = { [Primary] = KeyArnPrimary, [Dr] = KeyArnDr },
        };
    }

    public FinRecoveryPoint Point(DateTime created, string region = Primary, RecoveryPointKind kind = RecoveryPointKind.EbsSnapshotSet, string resource = "i-0aaa")
    {
        var p = new FinRecoveryPoint
        {
            RecoveryPointId = $"fin-set-{++_next:D4}", Kind = kind, Application = App.Name, PolicyName = Policy.Name, ResourceId = resource, Region = region,
            CreatedAt = created, ExpiresAt = created + TimeSpan.FromHours(12), State = RecoveryPointState.Available, Encrypted = true,
            KmsKeyId = region == Primary ? KeyArnPrimary : KeyArnDr, ManagedByFinBackup = true,
        };
        Evidence.Points.Add(p);
        return p;
    }

    public FinRecoveryPoint CopyOf(FinRecoveryPoint source, TimeSpan lag)
    {
        var c = Point(source.CreatedAt + lag, Dr, source.Kind, source.ResourceId);
        c.SourceRecoveryPointId = source.RecoveryPointId;
        c.SourceRegion = Primary;
        c.ExpiresAt = source.ExpiresAt;
        return c;
    }

    /// <summary>Hourly points (and DR copies 10 minutes later) from <paramref name="first"/> while not after Now.</summary>
    public List<FinRecoveryPoint> Hourly(DateTime first, bool copies = true)
    {
        var list = new List<FinRecoveryPoint>();
        for (var t = first; t <= Now; t = t.AddHours(1))
        {
            var p = Point(t);
            list.Add(p);
            if (copies && t.AddMinutes(10) <= Now) CopyOf(p, TimeSpan.FromMinutes(10));
        }
        return list;
    }

    public AuditEvent Audit(string action, DateTime at, string target, string region = Primary, string result = AuditResults.Succeeded, params (string Key, string Value)[] details)
    {
        var a = new AuditEvent
        {
            Sequence = ++_seq, TimeUtc = at, Action = action, Application = App.Name, PolicyName = Policy.Name, Region = region, Target = target, Result = result,
            Actor = "arn:aws:iam::123456789012:role/fin-backup-operator",
        };
        foreach (var (k, v) in details) a.Details[k] = v;
        Evidence.AuditEvents!.Add(a);
        return a;
    }

    /// <summary>A point that existed and was deleted at expiry, known only from the trail.</summary>
    public AuditEvent Expired(DateTime created, string region = Primary, string resource = "i-0aaa", DateTime? deletedAt = null, bool legalHold = false, string reason = "Expired")
    {
        var expires = created.AddHours(12);
        return Audit(AuditActions.RecoveryPointDeleted, deletedAt ?? expires.AddMinutes(5), $"fin-set-old-{++_next:D4}", region, AuditResults.Succeeded,
            (AuditDetailKeys.Kind, "EbsSnapshotSet"), (AuditDetailKeys.ResourceId, resource),
            (AuditDetailKeys.CreatedAt, created.ToString("yyyy-MM-ddTHH:mm:ssZ")), (AuditDetailKeys.ExpiresAt, expires.ToString("yyyy-MM-ddTHH:mm:ssZ")),
            (AuditDetailKeys.LegalHold, legalHold ? "true" : "false"), (AuditDetailKeys.DeleteReason, reason));
    }

    public IReadOnlyList<FinComplianceFinding> Run(ComplianceControl control) => control.Evaluate(App, Evidence).ToList();

    public FinComplianceFinding Run(ComplianceControl control, string? region) => Assert.Single(Run(control), f => f.Region == region);
}
