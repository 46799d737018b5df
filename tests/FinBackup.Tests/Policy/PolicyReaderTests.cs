using FinBackup.Domain.Policy;

namespace FinBackup.Tests.Policy;

public sealed class PolicyReaderTests
{
    private const string File = "/etc/fin/finco.policy.json";

    private static PolicyReadResult Read(string json) => PolicyReader.ReadJson(json, File);

    /// <summary>A policy with one application; <paramref name="app"/> is the application's JSON body (without braces).</summary>
    private static string WithApp(string app) =>
        "{\n" +
        "  \"Name\": \"finco\",\n" +
        "  \"PrimaryRegion\": \"us-east-1\",\n" +
        "  \"DrRegion\": \"us-west-2\",\n" +
        "  \"Applications\": [\n" +
        "    {\n" +
        app + "\n" +
        "    }\n" +
        "  ]\n" +
        "}";

    [Fact]
    public void Reads_every_field_of_the_model()
    {
        var json = """
        {
          "Name": "finco",
          "Description": "d",
          "PrimaryRegion": "us-east-1",
          "DrRegion": "us-west-2",
          "TagKey": "app",
          "BackupVaultName": "fin-backup-vault",
          "VaultLock": true,
          "KmsKeys": { "us-east-1": "alias/fin-backup", "us-west-2": "alias/fin-dr" },
          "Buckets": { "us-east-1": "b1", "us-west-2": "b2" },
          "Quotas": { "ConcurrentSnapshotCopiesPerRegion": 50, "PendingSnapshotsPerVolume": 5, "ManualRdsSnapshotsPerRegion": 200 },
          "Assumptions": { "CopyThroughputMiBps": 250, "ChangeRatePercentPerHour": 2.5, "EbsSnapshotDuration": "10m" },
          "Applications": [
            {
              "name": "Agent payment",
              "Criticality": "High",
              "Frequency": "1h", "Retention": "P1DT12H", "Rpo": "PT1H", "Rto": "2h",
              "RecoveryPoints": ["EbsSnapshotSet", "rdssnapshot", "BackupPlan"],
              "BackupPlanFrequency": "12h", "BackupPlanRetention": "1d",
              "FileSets": [ { "Name": "ledger", "Paths": ["/var/lib/agentpay/ledger"], "Include": ["*.db"], "Exclude": ["*.tmp"], "Frequency": "45m" } ],
              "CopyToDrRegion": false,
              "RestoreApprovers": "fin-restore-approvers",
              "DeclaredDataGiB": 10649.6, "DeclaredInstances": 1, "DeclaredVolumes": 2, "DeclaredDatabases": 1
            }
          ]
        }
        """;
        var result = Read(json);
        Assert.Empty(result.Diagnostics);
        var p = result.Policy;
        Assert.Equal("finco", p.Name);
        Assert.Equal(File, p.SourcePath);
        Assert.Equal("app", p.TagKey);
        Assert.True(p.VaultLock);
        Assert.Equal("alias/fin-dr", p.KmsKeyFor("us-west-2"));
        Assert.Equal("b1", p.BucketFor("us-east-1"));
        Assert.Equal(200, p.Quotas.ManualRdsSnapshotsPerRegion);
        Assert.Equal(2.5, p.Assumptions.ChangeRatePercentPerHour);
        Assert.Equal(TimeSpan.FromMinutes(10), p.Assumptions.EbsSnapshotDuration);
        var a = Assert.Single(p.Applications);
        Assert.Equal("Agent payment", a.Name);
        Assert.Equal(TimeSpan.FromHours(36), a.Retention);
        Assert.Equal(TimeSpan.FromHours(1), a.Rpo);
        Assert.Equal(new[] { RecoveryPointKindRequest.EbsSnapshotSet, RecoveryPointKindRequest.RdsSnapshot, RecoveryPointKindRequest.BackupPlan }, a.RecoveryPoints);
        Assert.Equal(TimeSpan.FromHours(12), a.BackupPlanFrequency);
        Assert.Equal(TimeSpan.FromDays(1), a.BackupPlanRetention);
        Assert.False(a.CopyToDrRegion);
        Assert.Equal(new[] { "fin-restore-approvers" }, a.RestoreApprovers); // a single string is a list of one
        Assert.Equal(10649.6, a.DeclaredDataGiB);
        var set = Assert.Single(a.FileSets);
        Assert.Equal(TimeSpan.FromMinutes(45), set.Frequency);
        Assert.Equal(new[] { "*.tmp" }, set.Exclude);
        Assert.Equal("finco.policy.json line 15", p.Locations["Applications[0].Name"]);
    }

    [Fact]
    public void A_bad_duration_names_file_line_and_field_in_the_agreed_words()
    {
        var result = Read(WithApp("      \"Name\": \"A\",\n      \"Retention\": \"12x\""));
        Assert.Null(result.Policy.Applications[0].Retention);
        var d = Assert.Single(result.Errors);
        Assert.Equal(PolicyRules.ValidDuration, d.Rule);
        Assert.Equal("Applications[0].Retention", d.Field);
        Assert.Equal(8, d.Position.Line);
        Assert.Equal("finco.policy.json line 8: Applications[0].Retention: \"12x\" is not a duration; use 45m, 1h, 12h, 2d or ISO 8601 such as PT45M", d.Message);
        Assert.Equal("A", d.Application);
    }

    [Theory]
    [InlineData("\"Rpo\": \"0m\"", "Applications[0].Rpo", "zero")]
    [InlineData("\"Rto\": \"-1h\"", "Applications[0].Rto", "negative")]
    [InlineData("\"Frequency\": 0", "Applications[0].Frequency", "not a positive duration")]
    [InlineData("\"Frequency\": 45", "Applications[0].Frequency", "has no unit")]
    public void Zero_negative_and_unitless_durations_are_errors(string entry, string field, string words)
    {
        var result = Read(WithApp("      \"Name\": \"A\",\n      " + entry));
        var d = Assert.Single(result.Errors);
        Assert.Equal(field, d.Field);
        Assert.Equal(8, d.Position.Line);
        Assert.Contains(words, d.Problem);
    }

    [Theory]
    [InlineData("\"Retension\": \"12h\"", "Retention")]
    [InlineData("\"Frequncy\": \"1h\"", "Frequency")]
    [InlineData("\"RPO\": \"1h\"", null)] // case-insensitive: RPO is Rpo, no warning at all
    [InlineData("\"CopyToDR\": true", "CopyToDrRegion")]
    [InlineData("\"Colour\": \"blue\"", "")]
    public void Unknown_keys_are_warnings_with_did_you_mean(string entry, string? suggestion)
    {
        var result = Read(WithApp("      \"Name\": \"A\",\n      " + entry));
        Assert.False(result.HasErrors);
        if (suggestion == null)
        {
            Assert.Empty(result.Diagnostics);
            Assert.Equal(TimeSpan.FromHours(1), result.Policy.Applications[0].Rpo);
            return;
        }
        var w = Assert.Single(result.Warnings);
        Assert.Equal(PolicyRules.KnownKey, w.Rule);
        Assert.Equal(8, w.Position.Line);
        if (suggestion.Length > 0)
        {
            Assert.Contains($"did you mean '{suggestion}'?", w.Message);
        }
        else
        {
            Assert.DoesNotContain("did you mean", w.Message);
            Assert.Contains("Known keys here", w.Suggestion);
        }
    }

    [Fact]
    public void Unknown_top_level_key_suggests_the_closest()
    {
        var result = Read("{ \"Name\": \"x\", \"PrimaryRegion\": \"us-east-1\", \"Applications\": [ { \"Name\": \"A\" } ], \"BackupVault\": \"v\" }");
        var w = Assert.Single(result.Warnings);
        Assert.Contains("did you mean 'BackupVaultName'?", w.Message);
        Assert.Equal("BackupVault", w.Field);
    }

    [Theory]
    [InlineData("\"CopyToDrRegion\": \"yes\"", "Applications[0].CopyToDrRegion", "expected $true or $false")]
    [InlineData("\"DeclaredVolumes\": \"2\"", "Applications[0].DeclaredVolumes", "expected a whole number")]
    [InlineData("\"DeclaredVolumes\": 2.5", "Applications[0].DeclaredVolumes", "expected a whole number")]
    [InlineData("\"DeclaredDataGiB\": -1", "Applications[0].DeclaredDataGiB", "greater than zero")]
    [InlineData("\"Criticality\": 3", "Applications[0].Criticality", "expected a string")]
    [InlineData("\"RestoreApprovers\": { \"a\": 1 }", "Applications[0].RestoreApprovers", "expected a list of strings")]
    [InlineData("\"FileSets\": \"ledger\"", "Applications[0].FileSets", "expected a list of file set tables")]
    [InlineData("\"RecoveryPoints\": [\"EbsSnapshots\"]", "Applications[0].RecoveryPoints[0]", "did you mean 'EbsSnapshotSet'?")]
    [InlineData("\"RecoveryPoints\": [\"1\"]", "Applications[0].RecoveryPoints[0]", "not a recovery point kind")]
    [InlineData("\"FileSets\": [ { \"Name\": \"x\" } ]", "Applications[0].FileSets[0].Paths", "is missing")]
    public void Wrong_types_and_values_name_the_field(string entry, string field, string words)
    {
        var result = Read(WithApp("      \"Name\": \"A\",\n      " + entry));
        var d = Assert.Single(result.Errors);
        Assert.Equal(field, d.Field);
        Assert.Contains(words, d.Problem);
        Assert.Equal(8, d.Position.Line);
    }

    [Fact]
    public void Duplicate_application_names_are_an_error_at_the_second_one()
    {
        var json = "{\n \"Name\": \"x\",\n \"PrimaryRegion\": \"us-east-1\",\n \"Applications\": [\n  { \"Name\": \"Cross-sell\" },\n  { \"Name\": \"cross-sell\" }\n ]\n}";
        var d = Assert.Single(Read(json).Errors);
        Assert.Equal(PolicyRules.UniqueApplicationName, d.Rule);
        Assert.Equal("Applications[1].Name", d.Field);
        Assert.Equal(6, d.Position.Line);
        Assert.Contains("already used at line 5", d.Problem);
    }

    [Theory]
    [InlineData("\"PrimaryRegion\": \"us-east1\"", "PrimaryRegion", "did you mean 'us-east-1'?")]
    [InlineData("\"PrimaryRegion\": \"mars-north-1\"", "PrimaryRegion", "is not an AWS region")]
    [InlineData("\"PrimaryRegion\": \"us-east-1\", \"DrRegion\": \"us-wset-2\"", "DrRegion", "did you mean 'us-west-2'?")]
    [InlineData("\"PrimaryRegion\": \"us-east-1\", \"KmsKeys\": { \"eu-west-9\": \"alias/k\" }", "KmsKeys['eu-west-9']", "is not an AWS region")]
    [InlineData("\"PrimaryRegion\": \"us-east-1\", \"Buckets\": { \"US-EAST-1\": \"b\" }", "Buckets['US-EAST-1']", "did you mean 'us-east-1'?")]
    public void Unknown_regions_are_errors(string entries, string field, string words)
    {
        var result = Read("{ \"Name\": \"x\", " + entries + ", \"Applications\": [ { \"Name\": \"A\" } ] }");
        var d = Assert.Single(result.Errors);
        Assert.Equal(PolicyRules.KnownRegion, d.Rule);
        Assert.Equal(field, d.Field);
        Assert.Contains(words, d.Problem);
    }

    [Fact]
    public void Missing_required_fields_are_errors()
    {
        var result = Read("{ \"Applications\": [ { \"Criticality\": \"High\" } ] }");
        var fields = result.Errors.Select(e => e.Field).OrderBy(f => f).ToList();
        Assert.Equal(new[] { "Applications[0].Name", "Name", "PrimaryRegion" }, fields);
        Assert.All(result.Errors, e => Assert.Equal(PolicyRules.RequiredField, e.Rule));
    }

    [Fact]
    public void An_empty_application_list_is_an_error()
    {
        var d = Assert.Single(Read("{ \"Name\": \"x\", \"PrimaryRegion\": \"us-east-1\", \"Applications\": [] }").Errors);
        Assert.Equal("Applications", d.Field);
        Assert.Contains("empty", d.Problem);
    }

    [Fact]
    public void A_document_that_is_not_a_table_is_an_error()
    {
        var d = Assert.Single(Read("[1, 2]").Errors);
        Assert.Equal(PolicyRules.ValueType, d.Rule);
        Assert.Contains("must be a table", d.Problem);
    }

    [Fact]
    public void Bad_json_comes_back_as_one_error_diagnostic_not_an_exception()
    {
        var result = Read("{ \"Name\": \"x\",\n \"Applications\": [ { \"Rpo\": 1h } ] }");
        Assert.Null(result.Policy);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(PolicyRules.WellFormed, d.Rule);
        Assert.Equal(2, d.Position.Line);
        Assert.Equal("Applications[0].Rpo", d.Field);
    }

    [Fact]
    public void Every_read_problem_is_reported_not_only_the_first()
    {
        var result = Read(WithApp("      \"Name\": \"A\",\n      \"Frequency\": \"x\",\n      \"Retention\": \"y\",\n      \"Rpo\": true"));
        Assert.Equal(3, result.Errors.Count());
        Assert.Equal(new[] { 8, 9, 10 }, result.Errors.Select(e => e.Position.Line));
    }
}
