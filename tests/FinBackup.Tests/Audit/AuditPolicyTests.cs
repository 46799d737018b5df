using FinBackup.Domain.Audit;
using FinBackup.Domain.Policy;

namespace FinBackup.Tests.Audit;

public sealed class AuditPolicyTests
{
    private const string Base = "\"Name\":\"finco\",\"PrimaryRegion\":\"us-east-1\",\"DrRegion\":\"us-west-2\",\"KmsKeys\":{\"us-east-1\":\"alias/fin-backup\",\"us-west-2\":\"alias/fin-backup\"},\"Buckets\":{\"us-east-1\":\"fin-backup-use1\"},\"Applications\":[{\"Name\":\"Cross-sell\",\"Frequency\":\"1h\",\"Retention\":\"12h\",\"Rpo\":\"1h\",\"Rto\":\"2h\",\"RecoveryPoints\":[\"EbsSnapshotSet\"]}]";

    private static PolicyReadResult Read(string audit) => PolicyReader.ReadJson("{" + Base + (audit == null ? string.Empty : ",\"Audit\":" + audit) + "}", "audit.json");

    [Fact]
    public void Without_an_Audit_table_the_log_is_the_primary_bucket_under_fin_audit()
    {
        var r = Read(null);
        Assert.False(r.HasErrors, string.Join("\n", r.Errors));
        var l = r.Policy.AuditLocation()!;
        Assert.Equal(("fin-backup-use1", "us-east-1", "fin-audit/", "alias/fin-backup"), (l.Bucket, l.Region, l.Prefix, l.KmsKeyId));
        Assert.Equal(AuditLogLayout.DefaultRetention, l.Retention);
        Assert.Equal("fin-audit/finco/records/000000000042.json", AuditLogLayout.RecordKey(l, 42));
        Assert.Equal(42, AuditLogLayout.SequenceOf(l, "fin-audit/finco/records/000000000042.json"));
        Assert.Null(AuditLogLayout.SequenceOf(l, "fin-audit/finco/records/42.json"));
    }

    [Fact]
    public void An_Audit_table_names_bucket_region_prefix_and_retention()
    {
        var r = Read("{\"Bucket\":\"fin-audit-usw2\",\"Region\":\"us-west-2\",\"Prefix\":\"trail\",\"Retention\":\"3650d\"}");
        Assert.False(r.HasErrors, string.Join("\n", r.Errors));
        var l = r.Policy.AuditLocation()!;
        Assert.Equal(("fin-audit-usw2", "us-west-2", "trail/", TimeSpan.FromDays(3650)), (l.Bucket, l.Region, l.Prefix, l.Retention));
        Assert.Null(Read("{\"Enabled\":false}").Policy.AuditLocation());
    }

    [Theory]
    [InlineData("{\"Bucket\":\"Not_A_Bucket\"}", "Audit.Bucket")]
    [InlineData("{\"Region\":\"us-eest-1\"}", "Audit.Region")]
    [InlineData("{\"Retention\":\"12h\"}", "Audit.Retention")]
    [InlineData("{\"Prefix\":\"/abs\"}", "Audit.Prefix")]
    [InlineData("{\"Region\":\"eu-west-1\"}", "Audit.Bucket")]
    [InlineData("{\"Bucket\":\"fin-audit-euw1\",\"Region\":\"eu-west-1\"}", "Audit.Region")]
    [InlineData("{\"Colour\":\"red\"}", "Audit.Colour")]
    public void Import_rejects_a_bad_Audit_table(string audit, string field)
    {
        var r = Read(audit);
        Assert.Contains(r.Diagnostics, d => d.Field == field);
    }
}
