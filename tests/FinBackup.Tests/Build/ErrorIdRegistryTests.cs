using System.Text.RegularExpressions;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Tests.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Build;

/// <summary>
/// Issue 16 (one AWS error table, ids with one kind each) and issue 13 item 11 (advice that points the right way).
/// The meta-test scans the source: every "Fin..." id raised with a FinBackupException is registered in FinErrorIds with
/// exactly the kind it is raised with, and every registered id has a recommended action.
/// </summary>
public sealed class ErrorIdRegistryTests
{
    private static IEnumerable<(string File, int Line, string Text)> SourceLines()
    {
        var src = Path.Combine(RepoPaths.Root, "src");
        foreach (var f in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(RepoPaths.Root, f);
            if (rel.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || rel.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
            var text = File.ReadAllText(f);
            yield return (rel, 0, text);
        }
    }

    private static int LineOf(string text, int index) => text.Take(index).Count(c => c == '\n') + 1;

    [Fact]
    public void Every_error_id_raised_in_the_source_is_registered_with_the_kind_it_is_raised_with()
    {
        var withKind = new Regex("\"(Fin[A-Z][A-Za-z0-9]+)\"\\s*,\\s*FinErrorKind\\.([A-Za-z]+)");
        var raised = new Regex("FinBackupException\\(\\s*\"(Fin[A-Z][A-Za-z0-9]+)\"");
        var compared = new Regex("ErrorId\\s*==\\s*\"(Fin[A-Z][A-Za-z0-9]+)\"");
        var problems = new List<string>();
        var seen = 0;
        foreach (var (file, _, text) in SourceLines())
        {
            foreach (Match m in withKind.Matches(text))
            {
                seen++;
                var id = m.Groups[1].Value;
                var kind = m.Groups[2].Value;
                if (!FinErrorIds.IsRegistered(id))
                    problems.Add($"{file}:{LineOf(text, m.Index)}: {id} is not registered; add to FinErrorIds: public const string {id[3..]} = \"{id}\"; and [{id[3..]}] = new FinErrorInfo(FinErrorKind.{kind}, \"<advice>\"),");
                else if (FinErrorIds.KindOf(id).ToString() != kind)
                    problems.Add($"{file}:{LineOf(text, m.Index)}: {id} is raised as {kind} but registered as {FinErrorIds.KindOf(id)} (one kind per id)");
            }
            foreach (var re in new[] { raised, compared })
            foreach (Match m in re.Matches(text))
            {
                seen++;
                if (!FinErrorIds.IsRegistered(m.Groups[1].Value))
                    problems.Add($"{file}:{LineOf(text, m.Index)}: {m.Groups[1].Value} is not registered in FinErrorIds");
            }
        }
        Assert.True(seen > 100, $"the scan found only {seen} error ids: is the source path right?");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Distinct()));
    }

    [Fact]
    public void Every_registered_id_has_a_recommended_action_and_its_constant_is_named_after_it()
    {
        Assert.All(FinErrorIds.All, kv => Assert.False(string.IsNullOrWhiteSpace(kv.Value.RecommendedAction), kv.Key + " has no recommended action"));
        var constants = typeof(FinErrorIds).GetFields().Where(f => f.IsLiteral).ToDictionary(f => (string)f.GetRawConstantValue()!, f => f.Name);
        Assert.All(FinErrorIds.All.Keys, id => Assert.Equal(id[3..], constants.GetValueOrDefault(id)));
        Assert.Equal(constants.Count, FinErrorIds.All.Count);
    }

    [Theory]
    [InlineData("RequestLimitExceeded", 503)]
    [InlineData("ThrottlingException", 400)]
    [InlineData("InvalidSnapshot.NotFound", 400)]
    [InlineData("DBSnapshotNotFound", 404)]
    [InlineData("DBSnapshotAlreadyExists", 400)]
    [InlineData("UnauthorizedOperation", 403)]
    [InlineData("AccessDeniedException", 400)]
    [InlineData("InvalidKMSKey.NotFound", 400)]
    [InlineData("KMSKeyNotAccessibleFault", 400)]
    [InlineData("SnapshotQuotaExceeded", 400)]
    [InlineData("InternalError", 500)]
    [InlineData("ServiceUnavailable", 503)]
    [InlineData("ExpiredToken", 400)]
    [InlineData("ValidationError", 400)]
    public void One_AWS_error_gets_one_id_whichever_adapter_meets_it(string code, int status)
    {
        var viaProtocol = new AwsServiceException("rds", "Op", status, code, "boom", "req-1");
        var viaSdk = RecoveryPointAwsErrors.Map(new AmazonServiceException("boom") { ErrorCode = code, StatusCode = (System.Net.HttpStatusCode)status }, "Op");
        var viaS3 = S3Translate(code, status);
        Assert.Equal(viaProtocol.ErrorId, viaSdk.ErrorId);
        Assert.Equal(viaProtocol.Kind, viaSdk.Kind);
        Assert.Equal(FinErrorIds.KindOf(viaProtocol.ErrorId), viaProtocol.Kind);
        if (!code.StartsWith("DB", StringComparison.Ordinal)) Assert.Equal(viaProtocol.ErrorId, viaS3.ErrorId);
    }

    private static FinBackupException S3Translate(string code, int status, string key = "data/ab/abcdef")
    {
        const System.Reflection.BindingFlags Internal = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static;
        var store = typeof(FinBackup.Aws.Files.S3FileBackupStore);
        // The SDK's exception (PUTs, listings, manifests) and FinBackup's ranged GET (restore, verification) take the same path.
        var viaSdk = (FinBackupException)store.GetMethod("Translate", Internal, null, new[] { typeof(Amazon.Runtime.AmazonServiceException), typeof(string), typeof(string) }, null)!
            .Invoke(null, new object?[] { new Amazon.S3.AmazonS3Exception("boom") { ErrorCode = code, StatusCode = (System.Net.HttpStatusCode)status }, "fin-backup-use1", key })!;
        var viaRangedGet = (FinBackupException)store.GetMethod("Translate", Internal, null, new[] { typeof(string), typeof(int), typeof(string), typeof(Exception), typeof(string), typeof(string) }, null)!
            .Invoke(null, new object?[] { code, status, "boom", null, "fin-backup-use1", key })!;
        Assert.Equal(viaSdk.ErrorId, viaRangedGet.ErrorId);
        Assert.Equal(viaSdk.Message, viaRangedGet.Message);
        return viaSdk;
    }

    [Theory]
    [InlineData("InternalError", 500)]
    [InlineData("ServiceUnavailable", 503)]
    [InlineData("SlowDown", 503)]
    public void A_5xx_from_S3_does_not_send_the_admin_to_the_bucket_policy_or_key(string code, int status)
    {
        var ex = S3Translate(code, status, "manifests/cross-sell/20261123T100000000Z-host-abc123.json");
        Assert.DoesNotContain("bucket, its policy", ex.RecommendedAction, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("KMS key", ex.RecommendedAction, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("run again", ex.RecommendedAction, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_missing_content_object_is_not_called_an_expired_point_but_a_missing_manifest_may_be()
    {
        var content = S3Translate("NoSuchKey", 404, "data/ab/abcdef0123");
        Assert.Equal("FinFileObjectNotFound", content.ErrorId);
        Assert.DoesNotContain("expire", content.RecommendedAction, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("cannot be restored", content.RecommendedAction);
        var manifest = S3Translate("NoSuchKey", 404, "manifests/cross-sell/20261123T100000000Z-host-abc123.json");
        Assert.Contains("Get-FinRecoveryPoint", manifest.RecommendedAction);
    }

    [Fact]
    public void A_dropped_connection_names_the_sandbox_only_when_the_endpoint_is_the_local_one()
    {
        Assert.DoesNotContain("sandbox", AwsErrorTable.UnreachableAdvice(new Uri("https://ec2.us-east-1.amazonaws.com")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sandbox", AwsErrorTable.UnreachableAdvice(null), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("sandbox", AwsErrorTable.UnreachableAdvice(new Uri("http://127.0.0.1:5000")), StringComparison.OrdinalIgnoreCase);
        var lost = AwsErrorTable.ConnectionLost("AWS rds CreateDBSnapshot", new IOException("The response ended prematurely."));
        Assert.Equal("FinAwsConnectionLost", lost.ErrorId);
        Assert.DoesNotContain("sandbox", lost.RecommendedAction, StringComparison.OrdinalIgnoreCase);
        var sdk = AwsSdkErrorTranslator.Translate(new HttpRequestException("reset", new IOException("Connection reset by peer")), "ec2", "DescribeImages");
        Assert.DoesNotContain("sandbox", sdk.RecommendedAction ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Copying_a_point_already_copied_still_refuses_when_the_DR_key_alias_is_missing_like_the_cycle()
    {
        var e = new FakeEstate();
        var src = e.Add(new FinRecoveryPoint
        {
            RecoveryPointId = "set-1", Kind = RecoveryPointKind.EbsSnapshotSet, Region = "us-east-1", Application = "Cross-sell", ResourceId = "i-1",
            CreatedAt = e.Now.AddMinutes(-10), ExpiresAt = e.Now.AddHours(12), State = RecoveryPointState.Available, ManagedByFinBackup = true,
            SnapshotIds = { "snap-1" },
        });
        var policy = new FinBackup.Domain.Policy.BackupPolicy
        {
            Name = "finco", PrimaryRegion = "us-east-1", DrRegion = "us-west-2",
            KmsKeys = { ["us-east-1"] = "alias/fin-backup", ["us-west-2"] = "alias/fin-backup" },
        };
        var runtime = e.Runtime();
        Assert.Equal(CopyStatus.Copied, new CopyCoordinator(runtime).Copy(new[] { src }, new CopyToRegionRequest { Policy = policy }, null, default).Single().Status);

        runtime.KmsKeys = _ => new MissingKey();
        var again = new CopyCoordinator(runtime).Copy(new[] { src }, new CopyToRegionRequest { Policy = policy }, null, default).Single();
        Assert.Equal(CopyStatus.Failed, again.Status);
        Assert.Equal("FinKmsKeyNotFound", again.Error!.ErrorId);
    }

    private sealed class MissingKey : IKmsKeyCheck
    {
        public string RequireUsableKey(string keyId, CancellationToken cancellationToken) =>
            throw new FinBackupException("FinKmsKeyNotFound", FinErrorKind.ObjectNotFound, $"KMS key '{keyId}' does not exist in us-west-2; nothing was copied.");
    }
}
