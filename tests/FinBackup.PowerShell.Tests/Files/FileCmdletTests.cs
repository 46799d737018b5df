using System.Management.Automation;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using FinBackup.TestSupport;

namespace FinBackup.PowerShell.Tests.Files;

[Collection(MotoCollection.Name)]
public sealed class FileCmdletTests : IDisposable
{
    private static readonly HttpClient Http = new();
    private readonly MotoServer _moto;
    private readonly string _root;
    private readonly string _conn;

    public FileCmdletTests(MotoServer moto)
    {
        moto.Reset();
        _moto = moto;
        Http.PutAsync(moto.EndpointUrl + "/fin-backup-use1", null).GetAwaiter().GetResult().EnsureSuccessStatusCode();
        _root = Directory.CreateTempSubdirectory("finps-files-").FullName;
        Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", Path.Combine(_root, "cache"));
        _conn = $"-Region us-east-1 -AccessKey testing -SecretKey testing -EndpointUrl {moto.EndpointUrl}";
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("FINBACKUP_CACHE_DIR", null);
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private string MakeTree()
    {
        var ledger = Path.Combine(_root, "src", "ledger");
        Directory.CreateDirectory(Path.Combine(ledger, "2026-11-01"));
        Directory.CreateDirectory(Path.Combine(ledger, "2026-10-31"));
        File.WriteAllText(Path.Combine(ledger, "2026-11-01", "a.dat"), "november");
        File.WriteAllText(Path.Combine(ledger, "2026-10-31", "b.dat"), "october");
        var big = new byte[3 << 20];
        new Random(5).NextBytes(big);
        File.WriteAllBytes(Path.Combine(ledger, "journal.bin"), big);
        return ledger;
    }

    private static string Sha(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    [Fact]
    public void BackupFinFile_Summary_emits_only_the_summary_which_pipes_into_Invoke_FinRestore_WhatIf_then_restores()
    {
        var ledger = MakeTree();
        using var host = new ModuleHost();
        var backup = host.Run($"Backup-FinFile -Path '{ledger}', '{_root}/does-not-exist' -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' -Summary {_conn} -Verbose");
        Assert.Null(backup.Terminating);
        var missing = Assert.Single(backup.Errors);
        Assert.Equal("FinFileSourceNotFound,FinBackup.Cmdlets.Files.BackupFinFileCommand", missing.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
        var summary = Assert.Single(backup.Output);
        Assert.Equal("FinBackup.Domain.Files.FileBackupSummary", summary.BaseObject.GetType().FullName);
        Assert.Equal("fin-backup-use1", summary.Properties["Bucket"].Value);
        var point = summary; // RecoveryPointId and Bucket bind Invoke-FinRestore by property name
        Assert.Equal(3L, summary.Properties["Files"].Value);
        Assert.Equal(2L, summary.Properties["ObjectsPut"].Value); // one pack of the two small files, one 3 MiB chunk... of an 8 MiB chunk size
        Assert.Contains(backup.Verbose, v => v.Contains("does-not-exist"));
        Assert.Contains(backup.Progress, p => p.RecordType == ProgressRecordType.Completed);
        Assert.Contains(backup.Progress, p => p.StatusDescription.Contains("files/s"));

        var dest = Path.Combine(_root, "restore");
        var whatIf = host.Run($"$p | Invoke-FinRestore -Destination '{dest}' -Include 'ledger/2026-11-*' -WhatIf {_conn}",
            new Dictionary<string, object?> { ["p"] = point });
        Assert.Empty(whatIf.Errors);
        Assert.False(Directory.Exists(dest) && Directory.EnumerateFiles(dest, "*", SearchOption.AllDirectories).Any());
        Assert.Empty(whatIf.Output); // -WhatIf lists the files ("What if: ...") and returns nothing

        var restored = host.Run($"$p | Invoke-FinRestore -Destination '{dest}' -Confirm:$false {_conn}", new Dictionary<string, object?> { ["p"] = point });
        Assert.Empty(restored.Errors);
        Assert.Equal(3L, restored.Output.Single().Properties["FilesRestored"].Value);
        Assert.Equal("FinRestoreResult", restored.Output.Single().BaseObject.GetType().Name);
        Assert.Equal("Available", restored.Output.Single().Properties["Status"].Value.ToString());
        Assert.Equal(Sha(Path.Combine(ledger, "journal.bin")), Sha(Path.Combine(dest, "ledger", "journal.bin")));
        Assert.Equal("november", File.ReadAllText(Path.Combine(dest, "ledger", "2026-11-01", "a.dat")));

        // Again without -Force: every file exists, one error each, nothing overwritten.
        File.WriteAllText(Path.Combine(dest, "ledger", "2026-11-01", "a.dat"), "edited");
        var again = host.Run($"Invoke-FinRestore -RecoveryPointId '{point.Properties["RecoveryPointId"].Value}' -Bucket fin-backup-use1 -Destination '{dest}' -Confirm:$false {_conn}");
        Assert.Equal(3, again.Errors.Count);
        Assert.All(again.Errors, e => Assert.Equal("FinRestoreFileExists,FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand", e.FullyQualifiedErrorId));
        Assert.Equal("edited", File.ReadAllText(Path.Combine(dest, "ledger", "2026-11-01", "a.dat")));
    }

    [Fact]
    public void A_second_run_with_nothing_changed_puts_no_content_objects()
    {
        var ledger = MakeTree();
        using var host = new ModuleHost();
        var cmd = $"Backup-FinFile -Path '{ledger}' -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' {_conn}";
        var first = host.Run(cmd);
        var point = Assert.Single(first.Output); // one type by default: the point
        Assert.Equal("FinBackup.Domain.RecoveryPoints.FinRecoveryPoint", point.BaseObject.GetType().FullName);
        Assert.Equal("FileBackup", point.Properties["Kind"].Value.ToString());
        var second = host.Run(cmd + " -Summary");
        Assert.Empty(second.Errors);
        var summary = Assert.Single(second.Output);
        Assert.Equal(0L, summary.Properties["ObjectsPut"].Value);
        Assert.Equal(3L, summary.Properties["FilesUnchanged"].Value);
    }

    [Fact]
    public void GetFinRecoveryPoint_Kind_FileBackup_lists_the_point_and_pipes_into_Invoke_FinRestore_WhatIf()
    {
        var ledger = MakeTree();
        using var host = new ModuleHost();
        var backup = host.Run($"Backup-FinFile -Path '{ledger}' -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' {_conn}");
        Assert.Empty(backup.Errors);
        var id = (string)backup.Output[0].Properties["RecoveryPointId"].Value;

        var listed = host.Run($"Get-FinRecoveryPoint -Kind FileBackup -Application 'Agent payment' {_conn}");
        Assert.Empty(listed.Errors);
        var point = Assert.Single(listed.Output);
        Assert.Equal(id, point.Properties["RecoveryPointId"].Value);
        Assert.Equal("fin-backup-use1", point.Properties["Bucket"].Value);

        var dest = Path.Combine(_root, "restore-listed");
        var whatIf = host.Run($"Get-FinRecoveryPoint -Kind FileBackup -Application 'Agent payment' {_conn} | Invoke-FinRestore -Destination '{dest}' -Include 'ledger/2026-11-*' -WhatIf {_conn}");
        Assert.Empty(whatIf.Errors);
        Assert.Empty(whatIf.Output); // -WhatIf lists what it would write and returns nothing
        Assert.False(Directory.Exists(dest));
    }

    [Fact]
    public void BackupFinFile_with_a_policy_backs_up_each_file_set_with_the_policy_bucket_key_and_retention()
    {
        var ledger = MakeTree();
        var etc = Path.Combine(_root, "src", "agentpay");
        Directory.CreateDirectory(etc);
        File.WriteAllText(Path.Combine(etc, "app.conf"), "x=1");
        File.WriteAllText(Path.Combine(etc, "app.tmp"), "scratch");
        using var host = new ModuleHost();
        var script = $$"""
            $policy = [FinBackup.Domain.Policy.BackupPolicy]::new()
            $policy.Name = 'finco'; $policy.PrimaryRegion = 'us-east-1'; $policy.DrRegion = 'us-west-2'
            $policy.Buckets['us-east-1'] = 'fin-backup-use1'; $policy.KmsKeys['us-east-1'] = 'alias/fin-backup'
            $app = [FinBackup.Domain.Policy.ApplicationPolicy]::new()
            $app.Name = 'Agent payment'; $app.Retention = [TimeSpan]::FromHours(12); $app.Frequency = [TimeSpan]::FromMinutes(45)
            $ledgerSet = [FinBackup.Domain.Policy.FileSetPolicy]::new(); $ledgerSet.Name = 'ledger'; $ledgerSet.Paths.Add('{{ledger}}')
            $configSet = [FinBackup.Domain.Policy.FileSetPolicy]::new(); $configSet.Name = 'config'; $configSet.Paths.Add('{{etc}}'); $configSet.Exclude.Add('*.tmp')
            $app.FileSets.Add($ledgerSet); $app.FileSets.Add($configSet)
            $policy.Applications.Add($app)
            Backup-FinFile -Policy $policy -Application 'agent payment' {{_conn}}
            """;
        var r = host.Run(script);
        Assert.Empty(r.Errors);
        Assert.Null(r.Terminating);
        Assert.Equal(2, r.Output.Count);
        var points = r.Output.Where(o => o.BaseObject.GetType().Name == "FinRecoveryPoint").ToList();
        Assert.Equal(2, points.Count);
        Assert.All(points, p =>
        {
            Assert.Equal("finco", p.Properties["PolicyName"].Value);
            Assert.Equal("Agent payment", p.Properties["Application"].Value);
            var created = (DateTime)p.Properties["CreatedAt"].Value;
            Assert.Equal(created.AddHours(12), (DateTime)((DateTime?)p.Properties["ExpiresAt"].Value)!, TimeSpan.FromSeconds(1));
            var window = DateTime.Parse((string)p.Properties["Window"].Value, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
            Assert.Equal(0, (long)(window - DateTime.UnixEpoch).TotalMinutes % 45);
        });
        var summaries = host.Run(script.TrimEnd() + " -Summary").Output.Where(o => o.BaseObject.GetType().Name == "FileBackupSummary").ToList();
        Assert.Equal(new long[] { 3, 1 }, summaries.Select(s => (long)s.Properties["Files"].Value).ToArray());

        var unknown = host.Run(script.Replace("-Application 'agent payment'", "-Application 'Payroll'"));
        Assert.Equal("FinApplicationNotInPolicy,FinBackup.Cmdlets.Files.BackupFinFileCommand", Assert.Single(unknown.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void BackupFinFile_with_the_recommended_example_policy_uses_its_bucket_and_reports_paths_missing_on_this_host()
    {
        using var host = new ModuleHost();
        var policy = Path.Combine(RepoPaths.Root, "examples", "finco.recommended.policy.psd1");
        var r = host.Run($"$policy = Import-FinBackupPolicy '{policy}'; Backup-FinFile -Policy $policy -Application 'Agent payment' {_conn}");
        Assert.Null(r.Terminating);
        // /var/lib/agentpay/ledger and /etc/agentpay do not exist here: one per-file error each, and both points are still written.
        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e => Assert.Equal("FinFileSourceNotFound,FinBackup.Cmdlets.Files.BackupFinFileCommand", e.FullyQualifiedErrorId));
        var points = r.Output.Where(o => o.BaseObject.GetType().Name == "FinRecoveryPoint").ToList();
        Assert.Equal(2, points.Count);
        Assert.All(points, p =>
        {
            Assert.Equal("fin-backup-use1", p.Properties["Bucket"].Value);
            Assert.Equal("finco", p.Properties["PolicyName"].Value);
        });
    }

    [Fact]
    public void RemoveFinExpiredBackup_removes_an_expired_FileBackup_point_through_the_provider_and_keeps_the_newest()
    {
        var ledger = MakeTree();
        using var host = new ModuleHost();
        host.Run($$"""
            $policy = [FinBackup.Domain.Policy.BackupPolicy]::new()
            $policy.Name = 'finco'; $policy.PrimaryRegion = 'us-east-1'
            $policy.Buckets['us-east-1'] = 'fin-backup-use1'; $policy.KmsKeys['us-east-1'] = 'alias/fin-backup'
            $app = [FinBackup.Domain.Policy.ApplicationPolicy]::new()
            $app.Name = 'Agent payment'; $app.Retention = [TimeSpan]::FromSeconds(1)
            $set = [FinBackup.Domain.Policy.FileSetPolicy]::new(); $set.Name = 'ledger'; $set.Paths.Add('{{ledger}}')
            $app.FileSets.Add($set); $policy.Applications.Add($app)
            """);
        var backup = $"Backup-FinFile -Policy $policy -Application 'Agent payment' {_conn}";
        var first = host.Run(backup);
        Thread.Sleep(1100);
        var second = host.Run(backup);
        Assert.Empty(first.Errors);
        Assert.Empty(second.Errors);
        Thread.Sleep(1500);
        var r = host.Run($"Remove-FinExpiredBackup -Policy $policy -Kind FileBackup -Application 'Agent payment' -Region us-east-1 -Confirm:$false {_conn.Replace("-Region us-east-1 ", "")}");
        Assert.True(r.Errors.Count == 0, string.Join(" / ", r.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        var decisions = string.Join(" | ", r.Output.Select(d => $"{d.Properties["RecoveryPointId"].Value} {d.Properties["Outcome"].Value} {d.Properties["Reason"]?.Value}"));
        var removed = r.Output.Where(d => d.Properties["Outcome"].Value.ToString() == "Removed").Select(d => (string)d.Properties["RecoveryPointId"].Value).ToList();
        Assert.True(removed.SequenceEqual(new[] { (string)first.Output[0].Properties["RecoveryPointId"].Value }), decisions);
        var left = host.Run($"Get-FinRecoveryPoint -Kind FileBackup -Application 'Agent payment' {_conn}");
        Assert.Equal((string)second.Output[0].Properties["RecoveryPointId"].Value, Assert.Single(left.Output).Properties["RecoveryPointId"].Value);
        // Content is shared and young: the newest point still restores whole.
        var dest = Path.Combine(_root, "after-expiry");
        var restored = host.Run($"Get-FinRecoveryPoint -Kind FileBackup -Application 'Agent payment' {_conn} | Invoke-FinRestore -Destination '{dest}' -Confirm:$false {_conn}");
        Assert.Empty(restored.Errors);
        Assert.Equal(3L, restored.Output.Single().Properties["FilesRestored"].Value);
        Assert.Equal("FinRestoreResult", restored.Output.Single().BaseObject.GetType().Name);
        Assert.Equal("Available", restored.Output.Single().Properties["Status"].Value.ToString());
    }

    [Fact]
    public void CopyFinBackupToRegion_copies_a_FileBackup_point_to_the_DR_bucket_which_restores_byte_identical()
    {
        var create = new StringContent("<CreateBucketConfiguration><LocationConstraint>us-west-2</LocationConstraint></CreateBucketConfiguration>");
        Http.PutAsync(_moto.EndpointUrl + "/fin-backup-usw2", create).GetAwaiter().GetResult().EnsureSuccessStatusCode();
        // Copy-FinBackupToRegion checks the destination key exists before copying: give the DR region its alias/fin-backup.
        var cli = new FinBackup.PowerShell.Tests.RecoveryPoints.AwsCli(_moto.EndpointUrl);
        var drKey = cli.Json("kms", "create-key", "--region", "us-west-2", "--description", "fin-backup").GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        cli.Run("kms", "create-alias", "--region", "us-west-2", "--alias-name", "alias/fin-backup", "--target-key-id", drKey);
        var ledger = MakeTree();
        using var host = new ModuleHost();
        host.Run($$"""
            $policy = [FinBackup.Domain.Policy.BackupPolicy]::new()
            $policy.Name = 'finco'; $policy.PrimaryRegion = 'us-east-1'; $policy.DrRegion = 'us-west-2'
            $policy.Buckets['us-east-1'] = 'fin-backup-use1'; $policy.KmsKeys['us-east-1'] = 'alias/fin-backup'
            $policy.Buckets['us-west-2'] = 'fin-backup-usw2'; $policy.KmsKeys['us-west-2'] = 'alias/fin-backup'
            $app = [FinBackup.Domain.Policy.ApplicationPolicy]::new()
            $app.Name = 'Agent payment'; $app.Retention = [TimeSpan]::FromHours(12)
            $set = [FinBackup.Domain.Policy.FileSetPolicy]::new(); $set.Name = 'ledger'; $set.Paths.Add('{{ledger}}')
            $app.FileSets.Add($set); $policy.Applications.Add($app)
            """);
        var noRegion = _conn.Replace("-Region us-east-1 ", "");
        var r = host.Run($"Backup-FinFile -Policy $policy -Application 'Agent payment' {_conn} | Where-Object {{ $_.Kind -eq 'FileBackup' }} | Copy-FinBackupToRegion -Policy $policy -Wait {noRegion}");
        Assert.True(r.Errors.Count == 0, string.Join(" / ", r.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        var copy = r.Output.Single(o => o.BaseObject.GetType().Name == "FinRecoveryPoint");
        Assert.Equal("us-west-2", copy.Properties["Region"].Value);
        Assert.Equal("fin-backup-usw2", copy.Properties["Bucket"].Value);
        Assert.Equal("us-east-1", copy.Properties["SourceRegion"].Value);

        var listed = host.Run($"Get-FinRecoveryPoint -Kind FileBackup -Application 'Agent payment' -Region us-west-2 {noRegion}");
        Assert.Equal(copy.Properties["RecoveryPointId"].Value, Assert.Single(listed.Output).Properties["RecoveryPointId"].Value);
        var dest = Path.Combine(_root, "restore-dr");
        var restored = host.Run($"Get-FinRecoveryPoint -Kind FileBackup -Application 'Agent payment' -Region us-west-2 {noRegion} | Invoke-FinRestore -Destination '{dest}' -Confirm:$false {noRegion}");
        Assert.True(restored.Errors.Count == 0, string.Join(" / ", restored.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message)));
        Assert.Equal(Sha(Path.Combine(ledger, "journal.bin")), Sha(Path.Combine(dest, "ledger", "journal.bin")));
    }

    [Fact]
    public void InvokeFinRestore_refuses_a_point_that_is_not_available_yet()
    {
        using var host = new ModuleHost();
        var r = host.Run($"[FinBackup.Domain.RecoveryPoints.FinRecoveryPoint]@{{ RecoveryPointId = 'snap-set-1'; Kind = 'EbsSnapshotSet'; State = 'Pending' }} | Invoke-FinRestore -Confirm:$false {_conn}");
        var error = Assert.Single(r.Errors);
        Assert.Equal("FinRestorePointNotAvailable,FinBackup.Cmdlets.Restore.InvokeFinRestoreCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
    }

    [Fact]
    public void BackupFinFile_without_a_key_fails_binding_and_WhatIf_uploads_nothing()
    {
        var ledger = MakeTree();
        using var host = new ModuleHost();
        var r = host.Run($"Backup-FinFile -Path '{ledger}' -Bucket fin-backup-use1 -KmsKeyId '' -Application 'Agent payment' {_conn}");
        Assert.True(r.Terminating != null || r.Errors.Count > 0);
        var whatIf = host.Run($"Backup-FinFile -Path '{ledger}' -Bucket fin-backup-use1 -KmsKeyId alias/fin-backup -Application 'Agent payment' -WhatIf {_conn}");
        Assert.Empty(whatIf.Output);
        var list = Http.GetStringAsync(_moto.EndpointUrl + "/fin-backup-use1?list-type=2").GetAwaiter().GetResult();
        Assert.DoesNotContain("<Key>", list);
    }

    [Fact]
    public void SendFinFileBackupCommand_sends_the_document_to_instances_by_tag_and_returns_the_command_id()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "finbackup-file-backup.ssm.json"));
        var body = System.Text.Json.JsonSerializer.Serialize(new { Name = "FinBackup-FileBackup", DocumentType = "Command", Content = doc });
        using var request = new HttpRequestMessage(HttpMethod.Post, _moto.EndpointUrl + "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "AmazonSSM.CreateDocument");
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20261123/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=x");
        Http.Send(request).EnsureSuccessStatusCode();

        using var host = new ModuleHost();
        var whatIf = host.Run($"Send-FinFileBackupCommand -Application 'Agent payment' -PolicyPath /etc/finbackup/finco.policy.psd1 -WhatIf {_conn}");
        Assert.Empty(whatIf.Output);
        var r = host.Run($"Send-FinFileBackupCommand -Application 'Agent payment' -PolicyPath /etc/finbackup/finco.policy.psd1 {_conn}");
        Assert.Empty(r.Errors);
        var command = r.Output.Single();
        Assert.False(string.IsNullOrEmpty((string)command.Properties["CommandId"].Value));
        Assert.Equal("tag:fin:application=Agent payment", command.Properties["Targets"].Value);

        var missing = host.Run($"Send-FinFileBackupCommand -Application 'Agent payment' {_conn}");
        Assert.Equal("FinFleetBackupArgumentsMissing,FinBackup.Cmdlets.Files.SendFinFileBackupCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void SetFinBucketReplication_refuses_without_a_replica_key_and_WhatIf_changes_nothing()
    {
        using var host = new ModuleHost();
        var role = "arn:aws:iam::123456789012:role/fin-backup-replication";
        var noKey = host.Run($"Set-FinBucketReplication -SourceBucket fin-backup-use1 -DestinationBucket fin-backup-usw2 -DestinationRegion us-west-2 -RoleArn {role} {_conn}");
        Assert.Equal("FinReplicationKmsKeyMissing,FinBackup.Cmdlets.Files.SetFinBucketReplicationCommand", Assert.Single(noKey.Errors).FullyQualifiedErrorId);
        var whatIf = host.Run($"Set-FinBucketReplication -SourceBucket fin-backup-use1 -DestinationBucket fin-backup-usw2 -DestinationRegion us-west-2 -ReplicaKmsKeyId alias/fin-backup -RoleArn {role} -WhatIf {_conn}");
        Assert.Empty(whatIf.Errors);
        Assert.Empty(whatIf.Output);
        var versioning = Http.GetStringAsync(_moto.EndpointUrl + "/fin-backup-use1?versioning").GetAwaiter().GetResult();
        Assert.DoesNotContain("Enabled", versioning);
    }

    [Fact]
    public void Help_describes_every_file_cmdlet_with_examples()
    {
        using var host = new ModuleHost();
        foreach (var name in new[] { "Backup-FinFile", "Invoke-FinRestore", "Set-FinBucketReplication", "Send-FinFileBackupCommand" })
        {
            var r = host.Run($"(Get-Help {name} -Full).examples.example.Count");
            Assert.True(Convert.ToInt32(r.Output.Single().BaseObject) >= 2, name);
        }
    }
}
