using FinBackup.Domain.Policy;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Policy;

/// <summary>The JSON form of the recommended policy (the .psd1 examples are tested through the module, which parses .psd1).</summary>
public sealed class ExamplePolicyJsonTests
{
    private static readonly string PathToJson = Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.json");

    [Fact]
    public void The_recommended_json_policy_reads_cleanly_and_has_no_errors_or_warnings()
    {
        var result = PolicyReader.ReadJson(File.ReadAllText(PathToJson), PathToJson);
        Assert.Empty(result.Diagnostics);
        var p = result.Policy;
        Assert.Equal("finco", p.Name);
        Assert.Equal("us-east-1", p.PrimaryRegion);
        Assert.Equal("us-west-2", p.DrRegion);
        Assert.Equal("fin:application", p.TagKey);
        Assert.Equal("fin-backup-vault", p.BackupVaultName);
        Assert.Equal("alias/fin-backup", p.KmsKeyFor("us-west-2"));
        Assert.Equal("fin-backup-usw2", p.BucketFor("us-west-2"));
        Assert.Equal(new[] { "Cross-sell", "Inventory Management System", "Agent payment", "Customer Assistance Management", "Vendor Assistance Management" },
            p.Applications.Select(a => a.Name));
        Assert.Equal(2048, Math.Round(p.Applications.Sum(a => a.DeclaredDataGiB!.Value) - 3 * 10240, 6)); // 2 TB on EC2 + 3 x 10 TB
        var findings = PolicyValidator.Validate(p);
        Assert.DoesNotContain(findings, f => f.Severity != PolicySeverity.Info);
    }
}
