using FinBackup.Domain.Policy;

namespace FinBackup.Tests.Policy;

/// <summary>Policies that pass every rule, to be broken one field at a time by the tests.</summary>
internal static class TestPolicies
{
    public static BackupPolicy Valid(params ApplicationPolicy[] apps)
    {
        var p = new BackupPolicy
        {
            Name = "finco",
            PrimaryRegion = "us-east-1",
            DrRegion = "us-west-2",
            BackupVaultName = "fin-backup-vault",
        };
        p.KmsKeys["us-east-1"] = "alias/fin-backup";
        p.KmsKeys["us-west-2"] = "alias/fin-backup";
        p.Buckets["us-east-1"] = "fin-backup-use1";
        p.Buckets["us-west-2"] = "fin-backup-usw2";
        foreach (var a in apps.Length > 0 ? apps : new[] { Ec2("Web"), Rds("Db") }) p.Applications.Add(a);
        return p;
    }

    public static ApplicationPolicy Ec2(string name, string frequency = "1h", string rpo = "1h", string retention = "12h") => new()
    {
        Name = name,
        Frequency = Duration.Parse(frequency),
        Rpo = Duration.Parse(rpo),
        Rto = TimeSpan.FromHours(2),
        Retention = Duration.Parse(retention),
        RecoveryPoints = { RecoveryPointKindRequest.EbsSnapshotSet },
        RestoreApprovers = { "fin-restore-approvers" },
        DeclaredDataGiB = 409.6,
        DeclaredInstances = 1,
        DeclaredVolumes = 2,
    };

    public static ApplicationPolicy Rds(string name) => new()
    {
        Name = name,
        Frequency = TimeSpan.FromHours(1),
        Rpo = TimeSpan.FromHours(1),
        Rto = TimeSpan.FromHours(2),
        Retention = TimeSpan.FromHours(12),
        RecoveryPoints = { RecoveryPointKindRequest.RdsSnapshot, RecoveryPointKindRequest.BackupPlan },
        BackupPlanFrequency = TimeSpan.FromHours(12),
        BackupPlanRetention = TimeSpan.FromDays(1),
        RestoreApprovers = { "fin-restore-approvers" },
        DeclaredDataGiB = 100,
        DeclaredDatabases = 1,
    };

    public static IReadOnlyList<PolicyFinding> Findings(BackupPolicy p) => PolicyValidator.Validate(p);

    public static IEnumerable<PolicyFinding> Errors(BackupPolicy p) => Findings(p).Where(f => f.Severity == PolicySeverity.Error);

    public static IEnumerable<PolicyFinding> Problems(BackupPolicy p) => Findings(p).Where(f => f.Severity != PolicySeverity.Info);
}
