using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Aws.Files;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Files;

[Collection(MotoCollection.Name)]
public sealed class FileBackupIntegrationTests : IDisposable
{
    private readonly FilesTestBed _bed;

    public FileBackupIntegrationTests(MotoServer moto)
    {
        _bed = new FilesTestBed(moto);
    }

    public void Dispose() => _bed.Dispose();

    private FileBackupResult Backup(FileBackupRequest request, FileBackupSettings? settings = null, RecordingObserver? observer = null, Func<DateTime>? clock = null) =>
        new FileBackupEngine(_bed.Store, settings ?? FilesTestBed.SmallSettings(), clock).Run(request, observer ?? new RecordingObserver(), CancellationToken.None);

    private FileRestoreSummary Restore(FileManifest manifest, string destination, IList<string>? include = null, bool force = false, RecordingObserver? observer = null, string bucket = FilesTestBed.PrimaryBucket, IFileBackupStore? store = null) =>
        new FileRestoreEngine(store ?? _bed.Store).Run(new FileRestoreRequest
        {
            Manifest = manifest,
            Bucket = bucket,
            Destination = destination,
            Include = include ?? new List<string>(),
            Force = force,
        }, observer ?? new RecordingObserver(), CancellationToken.None);

    [Fact]
    public void Backup_packs_small_files_chunks_large_ones_and_restores_byte_identical_with_mode_and_mtime()
    {
        var ledger = _bed.MakeLedger();
        var result = Backup(_bed.Request(ledger));

        var manifest = result.Manifest;
        Assert.Equal(44, manifest.Files.Count);
        Assert.Empty(manifest.Missing);
        Assert.All(manifest.Files, f => Assert.StartsWith("ledger/", f.Path));
        // 42 small files fit in one 256 KiB pack; 300 KB and 200 KB files make 3 + 2 chunks of 128 KiB.
        Assert.Equal(1, _bed.CountObjects(FilesTestBed.PrimaryBucket, "packs/"));
        Assert.Equal(5, _bed.CountObjects(FilesTestBed.PrimaryBucket, "data/"));
        Assert.Equal(6, result.Summary.ObjectsPut);
        Assert.Equal(RecoveryPointKind.FileBackup, result.RecoveryPoint.Kind);
        Assert.Equal("Agent payment", result.RecoveryPoint.Application);
        Assert.Equal(manifest.Key, result.RecoveryPoint.RecoveryPointId);
        Assert.StartsWith("manifests/agent-payment/", manifest.Key);

        // Tags like every point, SSE-KMS and a SHA-256 checksum on the objects.
        var tags = _bed.Store.GetTags(FilesTestBed.PrimaryBucket, manifest.Key, CancellationToken.None);
        Assert.Equal("FileBackup", tags[FinTags.Kind]);
        Assert.Equal("Agent payment", tags[FinTags.Application]);
        Assert.Equal("finco", tags[FinTags.Policy]);
        Assert.Equal(FinTags.ManagedByValue, tags[FinTags.ManagedBy]);
        Assert.True(tags.ContainsKey(FinTags.ExpiresAt) && tags.ContainsKey(FinTags.Window));
        var chunkKey = manifest.Files.Single(f => f.Path == "ledger/journal.bin").Parts[0].Key;
        var head = _bed.Context.S3("us-east-1").GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = FilesTestBed.PrimaryBucket, Key = chunkKey, ChecksumMode = ChecksumMode.ENABLED,
        }).GetAwaiter().GetResult();
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, head.ServerSideEncryptionMethod);
        Assert.Equal(FilesTestBed.PrimaryKey, head.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal(Convert.ToBase64String(FileBackupLayout.FromHex(chunkKey[(chunkKey.LastIndexOf('/') + 1)..])), head.ChecksumSHA256);

        var restoreDir = _bed.NewDir("restore");
        var summary = Restore(manifest, restoreDir);
        Assert.Equal(44, summary.FilesRestored);
        Assert.Equal(0, summary.FilesFailed);
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(ledger)!), FilesTestBed.HashTree(restoreDir));
        var original = new FileInfo(Path.Combine(ledger, "journal.bin"));
        Assert.Equal(original.LastWriteTimeUtc, File.GetLastWriteTimeUtc(Path.Combine(restoreDir, "ledger", "journal.bin")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(restoreDir, "ledger", "secret.conf")));
        Assert.Empty(Directory.EnumerateFiles(restoreDir, "*.finrestore-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Rerun_with_nothing_changed_uploads_and_reads_nothing_and_without_the_cache_still_uploads_nothing()
    {
        var ledger = _bed.MakeLedger();
        var first = Backup(_bed.Request(ledger));
        var second = Backup(_bed.Request(ledger));

        Assert.Equal(0, second.Summary.ObjectsPut);
        Assert.Equal(0, second.Summary.BytesUploaded);
        Assert.Equal(0, second.Summary.BytesRead);
        Assert.Equal(44, second.Summary.FilesUnchanged);
        Assert.Equal(first.Manifest.Key, second.Manifest.PreviousManifestKey);
        Assert.NotEqual(first.Manifest.Key, second.Manifest.Key);
        Assert.Equal(first.Manifest.Files.Select(f => f.Sha256), second.Manifest.Files.Select(f => f.Sha256));

        // Cache deleted: every file is read again, but the bucket already holds all content.
        Directory.Delete(_bed.CacheDir, true);
        var third = Backup(_bed.Request(ledger));
        Assert.Equal(0, third.Summary.ObjectsPut);
        Assert.True(third.Summary.BytesRead > 500_000);
        Assert.Equal(0, third.Summary.FilesUnchanged);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lost_content_is_uploaded_again_from_the_source_and_the_new_point_restores(bool noCache)
    {
        // Issue 13 item 1: a pack and a chunk the first manifest references are deleted from outside (aws s3 rm); the files
        // are unchanged. The next backup must not reference what the bucket no longer holds: it re-reads those files and
        // uploads their content again, and its point restores byte-identical.
        var ledger = _bed.MakeLedger();
        var first = Backup(_bed.Request(ledger));
        var pack = first.Manifest.Files.First(f => f.Path.EndsWith(".dat", StringComparison.Ordinal)).Parts[0].Key;
        var chunk = first.Manifest.Files.Single(f => f.Path == "ledger/journal.bin").Parts[1].Key;
        _bed.Aws("s3", "rm", $"s3://{FilesTestBed.PrimaryBucket}/{pack}");
        _bed.Aws("s3", "rm", $"s3://{FilesTestBed.PrimaryBucket}/{chunk}");

        var request = _bed.Request(ledger);
        request.NoCache = noCache;
        var observer = new RecordingObserver();
        var second = Backup(request, observer: observer);

        Assert.Equal(0, second.Summary.FilesFailed);
        Assert.True(second.Summary.ObjectsPut >= 2, $"ObjectsPut {second.Summary.ObjectsPut}: the lost pack and chunk must be uploaded again");
        Assert.True(second.Summary.BytesUploaded > 0);
        Assert.Equal(2, second.Summary.ContentObjectsMissing);
        Assert.Contains(observer.Messages, m => m.Contains("missing from the bucket", StringComparison.Ordinal));
        // Every object the new manifest references exists (checked with the AWS CLI, not the store under test).
        var listed = _bed.Aws("s3api", "list-objects-v2", "--bucket", FilesTestBed.PrimaryBucket, "--query", "Contents[].Key", "--output", "text")
            .Split((char[])['\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        Assert.All(second.Manifest.Files.SelectMany(f => f.Parts), p => Assert.Contains(p.Key, listed));

        var restoreDir = _bed.NewDir("restore");
        var summary = Restore(second.Manifest, restoreDir);
        Assert.Equal(0, summary.FilesFailed);
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(ledger)!), FilesTestBed.HashTree(restoreDir));

        // And the run after that is a clean no-change run again.
        var third = Backup(_bed.Request(ledger));
        Assert.Equal(0, third.Summary.ObjectsPut);
        Assert.Equal(0, third.Summary.ContentObjectsMissing);
    }

    [Fact]
    public void A_truncated_pack_is_treated_as_lost_and_its_files_are_uploaded_again()
    {
        var ledger = _bed.MakeLedger();
        var first = Backup(_bed.Request(ledger));
        var pack = first.Manifest.Files.First(f => f.Path.EndsWith(".dat", StringComparison.Ordinal)).Parts[0].Key;
        var tmp = Path.Combine(_bed.NewDir("trunc"), "short");
        File.WriteAllBytes(tmp, new byte[10]);
        _bed.Aws("s3", "cp", tmp, $"s3://{FilesTestBed.PrimaryBucket}/{pack}");

        var second = Backup(_bed.Request(ledger));
        Assert.Equal(1, second.Summary.ContentObjectsMissing);
        var restoreDir = _bed.NewDir("restore");
        Assert.Equal(0, Restore(second.Manifest, restoreDir).FilesFailed);
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(ledger)!), FilesTestBed.HashTree(restoreDir));
    }

    [Fact]
    public void Cache_that_disagrees_with_the_previous_manifest_is_not_trusted()
    {
        var ledger = _bed.MakeLedger();
        Backup(_bed.Request(ledger));
        // Rewrite the file with other bytes but the same size and mtime: the cache alone would call it unchanged.
        var path = Path.Combine(ledger, "secret.conf");
        var mtime = File.GetLastWriteTimeUtc(path);
        File.WriteAllText(path, "password=hunter3\n");
        File.SetLastWriteTimeUtc(path, mtime);
        var cache = FileChangeCache.Load(_bed.CacheDir);
        cache.TryGet("ledger/secret.conf", out var entry);
        var stat = FileStat.Of(new FileInfo(path));
        cache.Set("ledger/secret.conf", stat, new string('0', 64)); // cache claims a hash the manifest does not have
        cache.Save(_bed.CacheDir);

        var second = Backup(_bed.Request(ledger));
        var file = second.Manifest.Files.Single(f => f.Path == "ledger/secret.conf");
        Assert.Equal(FilesTestBed.Sha256OfFile(path), file.Sha256);
        Assert.Equal(1, second.Summary.ObjectsPut);
    }

    [Fact]
    public void One_changed_small_file_uploads_one_pack_and_one_changed_chunk_uploads_one_chunk()
    {
        var ledger = _bed.MakeLedger();
        Backup(_bed.Request(ledger));

        File.WriteAllText(Path.Combine(ledger, "2026-11-01", "entry-006.dat"), "changed");
        var second = Backup(_bed.Request(ledger));
        Assert.Equal(1, second.Summary.ObjectsPut);
        Assert.Equal(43, second.Summary.FilesUnchanged);

        // Change bytes inside the second 128 KiB chunk of journal.bin: only that chunk is new.
        var journal = Path.Combine(ledger, "journal.bin");
        using (var fs = new FileStream(journal, FileMode.Open, FileAccess.Write))
        {
            fs.Position = 150_000;
            fs.Write(new byte[] { 1, 2, 3, 4, 5 });
        }
        var third = Backup(_bed.Request(ledger));
        Assert.Equal(1, third.Summary.ObjectsPut);
        Assert.Equal(128 << 10, third.Summary.BytesUploaded);

        var restoreDir = _bed.NewDir("restore");
        var restoreObserver = new RecordingObserver();
        Restore(third.Manifest, restoreDir, observer: restoreObserver);
        Assert.True(restoreObserver.Failures.Count == 0, string.Join(" / ", restoreObserver.Failures.Select(f => f.Path + ": " + f.Error.ErrorId + " " + f.Error.Message)));
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(ledger)!), FilesTestBed.HashTree(restoreDir));
    }

    [Fact]
    public void Identical_content_in_another_file_is_stored_once()
    {
        var dir = Path.Combine(_bed.NewDir("dup"), "data");
        Directory.CreateDirectory(dir);
        var big = new byte[400_000];
        new Random(7).NextBytes(big);
        File.WriteAllBytes(Path.Combine(dir, "a.bin"), big);
        File.WriteAllBytes(Path.Combine(dir, "b.bin"), big);
        File.WriteAllText(Path.Combine(dir, "x.txt"), "same");
        File.WriteAllText(Path.Combine(dir, "y.txt"), "same");
        var r = Backup(_bed.Request(dir));
        Assert.Equal(4 + 1, r.Summary.ObjectsPut); // 4 chunks for one copy of the big content, 1 pack holding "same" once
        var x = r.Manifest.Files.Single(f => f.Path == "data/x.txt");
        var y = r.Manifest.Files.Single(f => f.Path == "data/y.txt");
        Assert.Equal(x.Parts[0].Key, y.Parts[0].Key);
        Assert.Equal(x.Parts[0].Offset, y.Parts[0].Offset);
    }

    [Fact]
    public void Subset_restore_writes_only_the_included_files_and_keeps_existing_files_without_Force()
    {
        var ledger = _bed.MakeLedger();
        var manifest = Backup(_bed.Request(ledger)).Manifest;
        var restoreDir = _bed.NewDir("restore");
        var summary = Restore(manifest, restoreDir, include: new[] { "ledger/2026-11-*" });
        var expected = manifest.Files.Where(f => f.Path.StartsWith("ledger/2026-11-")).Select(f => f.Path).OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.True(expected.Count > 10);
        Assert.Equal(expected, FilesTestBed.HashTree(restoreDir).Keys.OrderBy(p => p, StringComparer.Ordinal).ToList());
        Assert.Equal(expected.Count, summary.FilesRestored);

        // Existing file, different content: not overwritten without Force, overwritten with it.
        var target = Path.Combine(restoreDir, expected[0]);
        File.WriteAllText(target, "local edit");
        var observer = new RecordingObserver();
        var again = Restore(manifest, restoreDir, include: new[] { expected[0] }, observer: observer);
        Assert.Equal(0, again.FilesRestored);
        Assert.Equal("FinRestoreFileExists", Assert.Single(observer.Failures).Error.ErrorId);
        Assert.Equal("local edit", File.ReadAllText(target));
        var forced = Restore(manifest, restoreDir, include: new[] { expected[0] }, force: true);
        Assert.Equal(1, forced.FilesRestored);
        Assert.Equal(manifest.Files.Single(f => f.Path == expected[0]).Sha256, FilesTestBed.Sha256OfFile(target));
    }

    [Fact]
    public void Traversal_absolute_and_symlinked_entries_are_refused_and_nothing_is_written_outside()
    {
        var ledger = _bed.MakeLedger();
        var good = Backup(_bed.Request(ledger)).Manifest;
        var template = good.Files.First(f => f.Size > 0 && f.Parts.Count == 1);
        ManifestFile As(string path) => new() { Path = path, Size = template.Size, Mode = 420, ModifiedAt = template.ModifiedAt, Sha256 = template.Sha256, Parts = template.Parts };
        var outside = _bed.NewDir("outside");
        var hostile = new FileManifest
        {
            Key = "manifests/agent-payment/hostile/evil.json",
            Application = "Agent payment",
            CreatedAt = DateTime.UtcNow,
            Files = new List<ManifestFile>
            {
                As("ok/fine.dat"),
                As("../escape.dat"),
                As("a/../../escape2.dat"),
                As(outside + "/abs.dat"),
                As("link/through.dat"),
                As("C:/windows.dat"),
            },
        };
        _bed.Store.PutManifest(FilesTestBed.PrimaryBucket, hostile, new Dictionary<string, string>(), new ObjectWriteOptions { KmsKeyId = FilesTestBed.PrimaryKey }, CancellationToken.None);
        var loaded = _bed.Store.GetManifest(FilesTestBed.PrimaryBucket, hostile.Key, CancellationToken.None);

        var parent = _bed.NewDir("dest-parent");
        var dest = Path.Combine(parent, "dest");
        Directory.CreateDirectory(dest);
        Directory.CreateSymbolicLink(Path.Combine(dest, "link"), outside);
        var observer = new RecordingObserver();
        var summary = Restore(loaded, dest, observer: observer);

        Assert.Equal(1, summary.FilesRestored);
        Assert.True(File.Exists(Path.Combine(dest, "ok", "fine.dat")));
        Assert.Equal(5, observer.Failures.Count);
        Assert.All(observer.Failures, f => Assert.Equal("FinRestorePathUnsafe", f.Error.ErrorId));
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.False(File.Exists(Path.Combine(parent, "escape.dat")));
        Assert.False(File.Exists(Path.Combine(parent, "escape2.dat")));
    }

    [Fact]
    public void A_file_that_keeps_changing_is_reported_missing_and_one_that_settles_is_backed_up_whole()
    {
        var dir = Path.Combine(_bed.NewDir("busy"), "app");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "busy.log"), "line 1\n");
        File.WriteAllText(Path.Combine(dir, "settles.log"), "first\n");
        var big = new byte[300_000];
        new Random(3).NextBytes(big);
        File.WriteAllBytes(Path.Combine(dir, "growing.bin"), big);
        File.WriteAllText(Path.Combine(dir, "quiet.txt"), "quiet");
        var settings = FilesTestBed.SmallSettings();
        settings.AfterFileRead = (rel, attempt) =>
        {
            if (rel == "app/busy.log") File.AppendAllText(Path.Combine(dir, "busy.log"), $"line {attempt + 1}\n");
            if (rel == "app/growing.bin") File.AppendAllText(Path.Combine(dir, "growing.bin"), "more");
            if (rel == "app/settles.log" && attempt == 1) File.AppendAllText(Path.Combine(dir, "settles.log"), "second\n");
        };
        var observer = new RecordingObserver();
        var result = Backup(_bed.Request(dir), settings, observer);

        Assert.Equal(new[] { "app/busy.log", "app/growing.bin" }, result.Manifest.Missing.Select(m => m.Path).OrderBy(p => p).ToArray());
        Assert.All(result.Manifest.Missing, m => Assert.Equal("FinFileChangedDuringBackup", m.ErrorId));
        Assert.Equal(2, observer.Failures.Count);
        Assert.Equal(new[] { "app/quiet.txt", "app/settles.log" }, result.Manifest.Files.Select(f => f.Path).ToArray());
        var settled = result.Manifest.Files.Single(f => f.Path == "app/settles.log");
        Assert.Equal(FilesTestBed.Sha256OfFile(Path.Combine(dir, "settles.log")), settled.Sha256);
        // The manifest written to S3 says what is missing.
        var stored = _bed.Store.GetManifest(FilesTestBed.PrimaryBucket, result.Manifest.Key, CancellationToken.None);
        Assert.Equal(2, stored.Missing.Count);
    }

    [Fact]
    public void Unreadable_and_vanished_paths_are_per_file_errors_and_the_backup_goes_on()
    {
        var dir = Path.Combine(_bed.NewDir("perm"), "etc");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ok.conf"), "ok");
        var request = _bed.Request(dir, "/nonexistent/finbackup/path");
        var observer = new RecordingObserver();
        var result = Backup(request, observer: observer);
        Assert.Single(result.Manifest.Files);
        var missing = Assert.Single(result.Manifest.Missing);
        Assert.Equal("FinFileSourceNotFound", missing.ErrorId);
        Assert.Equal("FinFileSourceNotFound", Assert.Single(observer.Failures).Error.ErrorId);
    }

    [Fact]
    public void Include_and_exclude_globs_select_the_files_and_symlinks_are_skipped()
    {
        var ledger = _bed.MakeLedger();
        File.CreateSymbolicLink(Path.Combine(ledger, "link.dat"), "/etc/hostname");
        var request = _bed.Request(ledger);
        request.Include = new List<string> { "*.dat", "ledger/journal.bin" };
        request.Exclude = new List<string> { "2026-10-*" };
        var observer = new RecordingObserver();
        var result = Backup(request, observer: observer);
        Assert.All(result.Manifest.Files, f => Assert.True(f.Path.EndsWith(".dat") || f.Path == "ledger/journal.bin"));
        Assert.DoesNotContain(result.Manifest.Files, f => f.Path.Contains("2026-10-"));
        Assert.Contains(result.Manifest.Files, f => f.Path == "ledger/journal.bin");
        Assert.Contains(observer.Skips, s => s.Path == "ledger/link.dat");
        Assert.DoesNotContain(result.Manifest.Files, f => f.Path == "ledger/link.dat");
    }

    [Fact]
    public void Expiry_garbage_collection_deletes_expired_manifests_and_only_content_no_live_manifest_references()
    {
        var ledger = _bed.MakeLedger();
        var settings = FilesTestBed.SmallSettings();
        settings.GracePeriod = TimeSpan.FromSeconds(30);
        var shortLived = _bed.Request(ledger);
        shortLived.Retention = TimeSpan.FromMinutes(10);
        var a = Backup(shortLived, settings);

        // B changes journal.bin (new chunks) and reuses everything else from A.
        var journal = Path.Combine(ledger, "journal.bin");
        var bytes = File.ReadAllBytes(journal);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(journal, bytes);
        var longLived = _bed.Request(ledger);
        longLived.Retention = TimeSpan.FromDays(1);
        var b = Backup(longLived, settings);
        Assert.Equal(1, b.Summary.ObjectsPut);
        var aOnly = a.Manifest.ReferencedObjects().Except(b.Manifest.ReferencedObjects()).ToList();
        var shared = a.Manifest.ReferencedObjects().Intersect(b.Manifest.ReferencedObjects()).ToList();
        Assert.Single(aOnly);
        Assert.True(shared.Count >= 4);

        // An unreferenced object written just now (as by a backup in progress) must survive.
        var inFlight = FileBackupLayout.ChunkKey(new string('a', 64));
        _bed.Store.PutContent(FilesTestBed.PrimaryBucket, inFlight, new MemoryStream(new byte[] { 1 }), 1, System.Security.Cryptography.SHA256.HashData(new byte[] { 1 }),
            new ObjectWriteOptions { KmsKeyId = FilesTestBed.PrimaryKey }, CancellationToken.None);

        // Now + 20 min: A expired; with a 6 h grace nothing young is touched; with 1 min grace A's own chunk goes.
        var later = DateTime.UtcNow.AddMinutes(20);
        var cautious = new FileBackupGarbageCollector(_bed.Store, () => later).Collect(FilesTestBed.PrimaryBucket, null, whatIf: true, CancellationToken.None);
        Assert.Equal(new[] { a.Manifest.Key }, cautious.ManifestsDeleted);
        Assert.Empty(cautious.ObjectsDeleted);
        Assert.True(_bed.CountObjects(FilesTestBed.PrimaryBucket, "manifests/") == 2, "WhatIf deletes nothing");

        var gc = new FileBackupGarbageCollector(_bed.Store, () => later) { GracePeriod = TimeSpan.FromMinutes(10) };
        var result = gc.Collect(FilesTestBed.PrimaryBucket, null, whatIf: false, CancellationToken.None);
        Assert.Equal(new[] { a.Manifest.Key }, result.ManifestsDeleted);
        Assert.Equal(aOnly.Concat(new[] { inFlight }).OrderBy(k => k, StringComparer.Ordinal), result.ObjectsDeleted);
        Assert.Empty(result.Failures);
        Assert.Equal(1, _bed.CountObjects(FilesTestBed.PrimaryBucket, "manifests/"));

        // B restores whole: shared content was kept.
        var restoreDir = _bed.NewDir("restore");
        var summary = Restore(b.Manifest, restoreDir);
        Assert.Equal(0, summary.FilesFailed);
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(ledger)!), FilesTestBed.HashTree(restoreDir));
    }

    [Fact]
    public void Garbage_collection_keeps_legal_hold_and_spares_content_of_a_manifest_written_during_the_sweep()
    {
        var ledger = _bed.MakeLedger();
        var request = _bed.Request(ledger);
        request.Retention = TimeSpan.FromMinutes(5);
        request.NoCache = true;
        var held = Backup(request);
        _bed.Context.S3("us-east-1").PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = FilesTestBed.PrimaryBucket,
            Key = held.Manifest.Key,
            Tagging = new Tagging { TagSet = _bed.Store.GetTags(FilesTestBed.PrimaryBucket, held.Manifest.Key, CancellationToken.None)
                .Select(kv => new Tag { Key = kv.Key, Value = kv.Value }).Append(new Tag { Key = FinTags.LegalHold, Value = "true" }).ToList() },
        }).GetAwaiter().GetResult();
        var later = DateTime.UtcNow.AddHours(1);
        var gc = new FileBackupGarbageCollector(_bed.Store, () => later) { GracePeriod = TimeSpan.FromMinutes(1) };
        var r = gc.Collect(FilesTestBed.PrimaryBucket, null, false, CancellationToken.None);
        Assert.Empty(r.ManifestsDeleted);
        Assert.Equal("under legal hold", r.ManifestsKept[held.Manifest.Key]);
        Assert.Empty(r.ObjectsDeleted);

        // A second, unheld and expired point whose content would go, except that a backup finishes during the sweep
        // and references it: the re-listing of manifests spares that content.
        var racing = new RacingStore(_bed.Store);
        var gc2 = new FileBackupGarbageCollector(racing, () => later) { GracePeriod = TimeSpan.FromMinutes(1) };
        var r2 = gc2.Collect(FilesTestBed.PrimaryBucket, new[] { held.Manifest.Key + ".unused" }, false, CancellationToken.None);
        Assert.True(racing.Raced);
        Assert.Empty(r2.ObjectsDeleted);
    }

    /// <summary>Answers the first <see cref="Drop"/> manifest writes as done without writing them (a PUT cut on its way).</summary>
    private sealed class DroppingStore(IFileBackupStore inner) : ForwardingFileBackupStore(inner)
    {
        public int Drop { get; set; }
        public int ManifestPuts { get; private set; }
        public override void PutManifest(string bucket, FileManifest manifest, IDictionary<string, string> tags, ObjectWriteOptions options, CancellationToken ct)
        {
            if (++ManifestPuts <= Drop) return;
            Inner.PutManifest(bucket, manifest, tags, options, ct);
        }
    }

    [Fact]
    public void A_manifest_write_answered_as_done_but_not_stored_is_written_again_and_never_reported_as_a_point_that_does_not_exist()
    {
        // Issue 13 (fault bench, 20 %): a file backup reported taken whose manifest the bucket did not hold.
        var ledger = _bed.MakeLedger();
        var once = new DroppingStore(_bed.Store) { Drop = 1 };
        var result = new FileBackupEngine(once, FilesTestBed.SmallSettings()).Run(_bed.Request(ledger), new RecordingObserver(), CancellationToken.None);
        Assert.Equal(2, once.ManifestPuts);
        Assert.Equal("FinBackup", _bed.Store.GetTags(FilesTestBed.PrimaryBucket, result.Manifest.Key, CancellationToken.None)["fin:managed-by"]);

        var always = new DroppingStore(_bed.Store) { Drop = int.MaxValue };
        var ex = Assert.Throws<FinBackupException>(() => new FileBackupEngine(always, FilesTestBed.SmallSettings())
            .Run(_bed.Request(ledger), new RecordingObserver(), CancellationToken.None));
        Assert.Equal("FinFileManifestNotStored", ex.ErrorId);
        Assert.Equal(2, always.ManifestPuts);
    }

    /// <summary>Holds each pack PUT for a while (not forwarded: only the overlap is measured) and counts how many overlap.</summary>
    private sealed class SlowPackStore(IFileBackupStore inner) : ForwardingFileBackupStore(inner)
    {
        private int _inFlight;
        public int MaxPacksInFlight { get; private set; }
        public List<int> PackSizes { get; } = new();
        public override void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, ObjectWriteOptions options, CancellationToken ct)
        {
            if (!key.StartsWith(FileBackupLayout.PackPrefix, StringComparison.Ordinal)) { Inner.PutContent(bucket, key, content, length, sha256, options, ct); return; }
            lock (PackSizes)
            {
                PackSizes.Add((int)length);
                MaxPacksInFlight = Math.Max(MaxPacksInFlight, ++_inFlight);
            }
            Task.Delay(300, ct).Wait(ct); // blocks as the S3 adapter's PUT does (a task waited for on a pool thread)
            lock (PackSizes) _inFlight--;
        }
    }

    [Fact]
    public void At_the_default_sizes_packs_are_3_MiB_and_two_are_in_memory_at_once()
    {
        // Issue 14: packs are the only content in memory (chunks are read again from the file), so the default keeps two:
        // one filling while the last uploads. 30 MiB of 512 KiB files: 10 packs of 6 files (3 MiB).
        var defaults = new FileBackupSettings();
        Assert.Equal(3 << 20, defaults.PackSize);
        var root = Path.Combine(_bed.NewDir("src"), "small");
        Directory.CreateDirectory(root);
        var rnd = new Random(14);
        var bytes = new byte[512 << 10];
        for (var i = 0; i < 60; i++)
        {
            rnd.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(root, $"f-{i:D2}.dat"), bytes);
        }
        var slow = new SlowPackStore(_bed.Store);
        new FileBackupEngine(slow, defaults).Run(_bed.Request(root), new RecordingObserver(), CancellationToken.None);
        Assert.Equal(10, slow.PackSizes.Count);
        Assert.All(slow.PackSizes, size => Assert.Equal(3 << 20, size));
        Assert.Equal(FileBackupSettings.DefaultPacksInMemory, slow.MaxPacksInFlight); // one uploads while the next fills; never more
    }

    /// <summary>
    /// Reads each chunk's body itself and, for the first <paramref name="rewrites"/> chunk PUTs, rewrites a byte of the file in
    /// place half-way through the body, at three quarters of the chunk (same size, same mtime: nothing a stat sees), then
    /// forwards what it read. The tests' large files are one chunk (100,000 bytes; chunks are 128 KiB), so the byte is in it.
    /// </summary>
    private sealed class RewritingStore(IFileBackupStore inner, string file, int rewrites) : ForwardingFileBackupStore(inner)
    {
        private int _rewrites;
        public int ChunkPuts;
        public int ChunkPutsFailed;
        public override void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, ObjectWriteOptions options, CancellationToken ct)
        {
            if (!key.StartsWith(FileBackupLayout.DataPrefix, StringComparison.Ordinal)) { Inner.PutContent(bucket, key, content, length, sha256, options, ct); return; }
            Interlocked.Increment(ref ChunkPuts);
            var body = new MemoryStream();
            try
            {
                var half = new byte[length / 2];
                content.ReadExactly(half);
                body.Write(half);
                if (Interlocked.Increment(ref _rewrites) <= rewrites) FlipInPlace(file, length * 3 / 4);
                content.CopyTo(body);
            }
            catch
            {
                Interlocked.Increment(ref ChunkPutsFailed);
                throw;
            }
            body.Position = 0;
            Inner.PutContent(bucket, key, body, length, sha256, options, ct);
        }
    }

    private static void FlipInPlace(string path, long offset)
    {
        var mtime = File.GetLastWriteTimeUtc(path);
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            fs.Position = offset;
            var b = fs.ReadByte();
            fs.Position = offset;
            fs.WriteByte((byte)(b ^ 0xFF));
        }
        File.SetLastWriteTimeUtc(path, mtime);
    }

    /// <summary>db/data.bin (100,000 random bytes: one chunk at the test sizes) and db/notes.txt (a small file).</summary>
    private (string Dir, string Db, byte[] Big) DbDirectory(string name, int seed)
    {
        var dir = Path.Combine(_bed.NewDir(name), "db");
        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "data.bin");
        var big = new byte[100_000];
        new Random(seed).NextBytes(big);
        File.WriteAllBytes(db, big);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "quiet");
        return (dir, db, big);
    }

    [Fact]
    public void A_large_file_rewritten_in_place_while_its_chunks_upload_is_read_again_and_the_point_holds_what_it_now_says()
    {
        // Chunks are uploaded from the file, not from memory, and each upload checks its bytes against the hash taken when
        // the file was read: a rewrite the stat cannot see (same size and mtime) fails that upload, and the file is read again.
        var (dir, db, big) = DbDirectory("rewritten", 5);
        var store = new RewritingStore(_bed.Store, db, rewrites: 1);
        var observer = new RecordingObserver();
        var result = new FileBackupEngine(store, FilesTestBed.SmallSettings()).Run(_bed.Request(dir), observer, CancellationToken.None);

        Assert.Empty(result.Manifest.Missing);
        Assert.True(store.ChunkPutsFailed >= 1, "the upload of the rewritten chunk must fail");
        Assert.Contains(observer.Messages, m => m.Contains("'db/data.bin' changed after it was read", StringComparison.Ordinal));
        var entry = result.Manifest.Files.Single(f => f.Path == "db/data.bin");
        Assert.Equal(FilesTestBed.Sha256OfFile(db), entry.Sha256); // the bytes as rewritten, not the first read's
        Assert.NotEqual(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(big)).ToLowerInvariant(), entry.Sha256);
        var restoreDir = _bed.NewDir("restore");
        var restoreObserver = new RecordingObserver();
        Restore(result.Manifest, restoreDir, observer: restoreObserver);
        Assert.Empty(restoreObserver.Failures);
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(dir)!), FilesTestBed.HashTree(restoreDir));
    }

    [Fact]
    public void A_large_file_rewritten_under_every_upload_is_reported_missing_and_no_point_references_a_chunk_it_lacks()
    {
        var (dir, db, big) = DbDirectory("churning", 6);
        var store = new RewritingStore(_bed.Store, db, rewrites: int.MaxValue);
        var observer = new RecordingObserver();
        var result = new FileBackupEngine(store, FilesTestBed.SmallSettings()).Run(_bed.Request(dir), observer, CancellationToken.None);

        var missing = Assert.Single(result.Manifest.Missing);
        Assert.Equal("db/data.bin", missing.Path);
        Assert.Equal("FinFileChangedDuringBackup", missing.ErrorId);
        Assert.Equal(new[] { "db/notes.txt" }, result.Manifest.Files.Select(f => f.Path).ToArray());
        Assert.Equal("db/data.bin", Assert.Single(observer.Failures).Path);
        // Every object the stored manifest references is in the bucket, and the change cache does not vouch for the file.
        var stored = _bed.Store.GetManifest(FilesTestBed.PrimaryBucket, result.Manifest.Key, CancellationToken.None);
        var keys = _bed.Store.List(FilesTestBed.PrimaryBucket, "", CancellationToken.None).Select(o => o.Key).ToHashSet();
        Assert.All(stored.ReferencedObjects(), k => Assert.Contains(k, keys));
        var next = Backup(_bed.Request(dir));
        Assert.Empty(next.Manifest.Missing);
        Assert.Equal(FilesTestBed.Sha256OfFile(db), next.Manifest.Files.Single(f => f.Path == "db/data.bin").Sha256);
    }

    [Fact]
    public void Through_the_S3_adapter_a_chunk_whose_bytes_no_longer_match_fails_its_PUT_and_the_bucket_does_not_get_the_object()
    {
        // The S3 adapter sends a chunk straight from the file: the check before the last window is handed over must abort
        // the request (it is not retried: the body, not the connection, failed), so moto never stores a torn object.
        var path = Path.Combine(_bed.NewDir("sdk"), "chunk.bin");
        var bytes = new byte[300_000];
        new Random(9).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var file = new ManagedSourceFile(new FileInfo(path));
        var source = new LargeFileSource(file, "chunk.bin", file.OpenRead(true), _ => { });
        var claimed = System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, 299_999)); // not these bytes' hash
        var key = FileBackupLayout.ChunkKey(Convert.ToHexString(claimed).ToLowerInvariant());
        using (var body = source.OpenChunk(0, bytes.Length, claimed))
        {
            var ex = Assert.ThrowsAny<Exception>(() => _bed.Store.PutContent(FilesTestBed.PrimaryBucket, key, body, bytes.Length, claimed,
                new ObjectWriteOptions { KmsKeyId = FilesTestBed.PrimaryKey }, CancellationToken.None));
            Assert.True(source.Changed, ex.ToString());
            // The body's own failure, not a connection failure (which would be retried, and reported as S3's).
            Assert.Contains("changed after it was read", ex.Message);
            Assert.IsNotType<FinBackupException>(ex);
        }
        Assert.DoesNotContain(_bed.Store.List(FilesTestBed.PrimaryBucket, FileBackupLayout.DataPrefix, CancellationToken.None), o => o.Key == key);
        source.Close();
    }

    [Fact]
    public void When_the_upload_of_shared_content_fails_because_its_file_changed_another_file_with_that_content_uploads_it()
    {
        // a.bin and b.bin are equal: b's chunks wait for a's uploads instead of uploading twice. a is rewritten under its
        // first chunk upload, so that chunk is not stored: b uploads it from b, and a is read again.
        var dir = Path.Combine(_bed.NewDir("twins"), "data");
        Directory.CreateDirectory(dir);
        var big = new byte[100_000];
        new Random(8).NextBytes(big);
        File.WriteAllBytes(Path.Combine(dir, "a.bin"), big);
        File.WriteAllBytes(Path.Combine(dir, "b.bin"), big);
        var store = new RewritingStore(_bed.Store, Path.Combine(dir, "a.bin"), rewrites: 1);
        var result = new FileBackupEngine(store, FilesTestBed.SmallSettings()).Run(_bed.Request(dir), new RecordingObserver(), CancellationToken.None);

        Assert.Empty(result.Manifest.Missing);
        var b = result.Manifest.Files.Single(f => f.Path == "data/b.bin");
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(big)).ToLowerInvariant(), b.Sha256);
        var keys = _bed.Store.List(FilesTestBed.PrimaryBucket, FileBackupLayout.DataPrefix, CancellationToken.None).Select(o => o.Key).ToHashSet();
        Assert.All(result.Manifest.ReferencedObjects(), k => Assert.Contains(k, keys));
        var restoreDir = _bed.NewDir("restore");
        var restoreObserver = new RecordingObserver();
        Restore(result.Manifest, restoreDir, observer: restoreObserver);
        Assert.Empty(restoreObserver.Failures);
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(dir)!), FilesTestBed.HashTree(restoreDir));
    }

    [Fact]
    public void A_re_run_lists_the_buckets_content_while_the_previous_manifest_is_fetched()
    {
        var ledger = _bed.MakeLedger();
        var first = Backup(_bed.Request(ledger));
        var store = new ManifestWaitsForListingsStore(_bed.Store);
        var second = new FileBackupEngine(store, FilesTestBed.SmallSettings()).Run(_bed.Request(ledger), new RecordingObserver(), CancellationToken.None);

        Assert.True(store.ListingsStartedFirst, "both content listings should start before the previous manifest's GET returns");
        Assert.Equal(first.Manifest.Key, second.Summary.PreviousManifestKey);
        Assert.Equal(first.Manifest.Files.Count, second.Summary.FilesUnchanged);
        Assert.Equal(0, second.Summary.ObjectsPut);
    }

    [Fact]
    public void A_listing_that_fails_on_a_re_run_fails_the_backup_with_its_own_error_and_writes_no_manifest()
    {
        var ledger = _bed.MakeLedger();
        Backup(_bed.Request(ledger));
        var before = _bed.Store.List(FilesTestBed.PrimaryBucket, FileBackupLayout.ManifestPrefix, CancellationToken.None).Count;
        var store = new FailingPackListingStore(_bed.Store);
        var ex = Assert.Throws<FinBackupException>(() =>
            new FileBackupEngine(store, FilesTestBed.SmallSettings()).Run(_bed.Request(ledger), new RecordingObserver(), CancellationToken.None));

        Assert.Equal(FinErrorIds.AwsAccessDenied, ex.ErrorId);
        Assert.Equal(before, _bed.Store.List(FilesTestBed.PrimaryBucket, FileBackupLayout.ManifestPrefix, CancellationToken.None).Count);
    }

    /// <summary>Holds the previous manifest's GET until the data/ and packs/ listings have both started (or 10 s).</summary>
    private sealed class ManifestWaitsForListingsStore(IFileBackupStore inner) : ForwardingFileBackupStore(inner)
    {
        private readonly CountdownEvent _listings = new(2);
        public bool ListingsStartedFirst { get; private set; }
        public override IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken ct)
        {
            if ((prefix == FileBackupLayout.DataPrefix || prefix == FileBackupLayout.PackPrefix) && !_listings.IsSet) _listings.Signal();
            return Inner.List(bucket, prefix, ct);
        }
        public override FileManifest GetManifest(string bucket, string key, CancellationToken ct)
        {
            ListingsStartedFirst = _listings.Wait(TimeSpan.FromSeconds(10));
            return Inner.GetManifest(bucket, key, ct);
        }
    }

    private sealed class FailingPackListingStore(IFileBackupStore inner) : ForwardingFileBackupStore(inner)
    {
        public override IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken ct) =>
            prefix == FileBackupLayout.PackPrefix
                ? throw new FinBackupException(FinErrorIds.AwsAccessDenied, FinErrorKind.PermissionDenied, "Access denied listing packs/.", "Grant s3:ListBucket.")
                : Inner.List(bucket, prefix, ct);
    }

    /// <summary>Lets a "backup" write a manifest between the GC's two manifest listings.</summary>
    private sealed class RacingStore(IFileBackupStore inner) : ForwardingFileBackupStore(inner)
    {
        private int _manifestLists;
        public bool Raced { get; private set; }
        public override IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken ct)
        {
            if (prefix == FileBackupLayout.ManifestPrefix && ++_manifestLists == 1)
            {
                // First listing: hide every manifest so all content looks unreferenced.
                return new List<StoredObject>();
            }
            if (prefix == FileBackupLayout.ManifestPrefix && _manifestLists == 2) Raced = true;
            return Inner.List(bucket, prefix, ct);
        }
    }

    [Fact]
    public void Provider_lists_copies_to_the_DR_region_re_encrypted_idempotently_and_deletes_through_the_collector()
    {
        var ledger = _bed.MakeLedger();
        var backup = Backup(_bed.Request(ledger));
        var primary = new FileBackupRecoveryPointProvider(_bed.Context, FilesTestBed.Primary);
        var listed = primary.List(new RecoveryPointQuery { Applications = { "Agent payment" } }, CancellationToken.None);
        var point = Assert.Single(listed);
        Assert.Equal(backup.Manifest.Key, point.RecoveryPointId);
        Assert.Equal(FilesTestBed.PrimaryBucket, point.Bucket);
        Assert.Equal(RecoveryPointKind.FileBackup, point.Kind);
        Assert.True(point.ManagedByFinBackup);
        Assert.Empty(primary.List(new RecoveryPointQuery { Applications = { "Cross-sell" } }, CancellationToken.None));

        var dr = new FileBackupRecoveryPointProvider(_bed.Context, FilesTestBed.Dr);
        var request = new CopyRecoveryPointRequest
        {
            DestinationRegion = FilesTestBed.Dr,
            DestinationBucket = FilesTestBed.DrBucket,
            KmsKeyId = FilesTestBed.DrKey,
            Tags = RecoveryPointTagCodec.ForCopy(point),
        };
        var copy = dr.Copy(point, request, CancellationToken.None);
        Assert.Equal(FilesTestBed.Dr, copy.Region);
        Assert.Equal(point.RecoveryPointId, copy.SourceRecoveryPointId);
        Assert.Equal(FilesTestBed.Primary, copy.SourceRegion);
        Assert.Equal(backup.Manifest.ReferencedObjects().Count, _bed.CountObjects(FilesTestBed.DrBucket, "data/") + _bed.CountObjects(FilesTestBed.DrBucket, "packs/"));
        var key = backup.Manifest.ReferencedObjects()[0];
        var head = _bed.Context.S3(FilesTestBed.Dr).GetObjectMetadataAsync(FilesTestBed.DrBucket, key).GetAwaiter().GetResult();
        Assert.Equal(FilesTestBed.DrKey, head.ServerSideEncryptionKeyManagementServiceKeyId);

        var again = dr.Copy(point, request, CancellationToken.None);
        Assert.Equal(copy.RecoveryPointId, again.RecoveryPointId);
        var drListed = Assert.Single(dr.List(new RecoveryPointQuery { SourceRecoveryPointId = point.RecoveryPointId }, CancellationToken.None));
        Assert.Equal(FilesTestBed.DrBucket, drListed.Bucket);

        var unencrypted = Assert.Throws<FinBackupException>(() => dr.Copy(point, new CopyRecoveryPointRequest { DestinationBucket = FilesTestBed.DrBucket }, CancellationToken.None));
        Assert.Equal("FinCopyUnencryptedRefused", unencrypted.ErrorId);

        // The DR copy restores byte-identical from the DR bucket alone.
        var drManifest = _bed.DrStore.GetManifest(FilesTestBed.DrBucket, copy.RecoveryPointId, CancellationToken.None);
        var restoreDir = _bed.NewDir("restore-dr");
        Restore(drManifest, restoreDir, bucket: FilesTestBed.DrBucket, store: _bed.DrStore);
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(ledger)!), FilesTestBed.HashTree(restoreDir));

        // A second backup after the copy, then delete the first point through the provider: shared content stays.
        var second = Backup(_bed.Request(ledger));
        primary.GracePeriod = TimeSpan.Zero;
        primary.Delete(point, CancellationToken.None);
        Assert.Equal(new[] { second.Manifest.Key }, primary.List(new RecoveryPointQuery(), CancellationToken.None).Select(p => p.RecoveryPointId));
        var restore2 = _bed.NewDir("restore-2");
        Restore(second.Manifest, restore2);
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(ledger)!), FilesTestBed.HashTree(restore2));

        var unmanaged = new FinRecoveryPoint { RecoveryPointId = second.Manifest.Key, Bucket = FilesTestBed.PrimaryBucket, ManagedByFinBackup = false };
        Assert.Equal("FinDeleteUnmanagedRefused", Assert.Throws<FinBackupException>(() => primary.Delete(unmanaged, CancellationToken.None)).ErrorId);
    }

    [Fact]
    public void Object_Lock_bucket_gets_retention_until_the_points_expiry()
    {
        var s3 = _bed.Context.S3("us-east-1");
        s3.PutBucketAsync(new PutBucketRequest { BucketName = "fin-backup-locked", ObjectLockEnabledForBucket = true }).GetAwaiter().GetResult();
        var dir = Path.Combine(_bed.NewDir("locked"), "etc");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "a.conf"), "a");
        var request = _bed.Request(dir);
        request.Bucket = "fin-backup-locked";
        var result = Backup(request);
        var head = s3.GetObjectMetadataAsync("fin-backup-locked", result.Manifest.Files[0].Parts[0].Key).GetAwaiter().GetResult();
        Assert.Equal(ObjectLockMode.Governance, head.ObjectLockMode);
        Assert.Equal(result.Manifest.ExpiresAt!.Value, head.ObjectLockRetainUntilDate!.Value.ToUniversalTime(), TimeSpan.FromSeconds(1));
        var manifestHead = s3.GetObjectMetadataAsync("fin-backup-locked", result.Manifest.Key).GetAwaiter().GetResult();
        Assert.Equal(result.Manifest.ExpiresAt!.Value, manifestHead.ObjectLockRetainUntilDate!.Value.ToUniversalTime(), TimeSpan.FromSeconds(1));
    }
}

[Collection(MotoCollection.Name)]
public sealed class BucketReplicationTests : IDisposable
{
    private readonly FilesTestBed _bed;

    public BucketReplicationTests(MotoServer moto)
    {
        _bed = new FilesTestBed(moto);
    }

    public void Dispose() => _bed.Dispose();

    [Fact]
    public void Replication_rule_has_Replication_Time_Control_the_replica_key_and_versioning_on_both_buckets()
    {
        var gateway = new S3BucketReplicationGateway(_bed.Context, FilesTestBed.Primary);
        var id = gateway.ConfigureReplication(new BucketReplicationRule
        {
            SourceBucket = FilesTestBed.PrimaryBucket,
            DestinationBucket = FilesTestBed.DrBucket,
            DestinationRegion = FilesTestBed.Dr,
            ReplicaKmsKeyId = FilesTestBed.DrKey,
            RoleArn = "arn:aws:iam::123456789012:role/fin-backup-replication",
        }, CancellationToken.None);
        Assert.Equal("fin-backup-dr", id);

        var s3 = _bed.Context.S3(FilesTestBed.Primary);
        var config = s3.GetBucketReplicationAsync(new GetBucketReplicationRequest { BucketName = FilesTestBed.PrimaryBucket }).GetAwaiter().GetResult().Configuration;
        Assert.Equal("arn:aws:iam::123456789012:role/fin-backup-replication", config.Role);
        var rule = Assert.Single(config.Rules);
        Assert.Equal("arn:aws:s3:::" + FilesTestBed.DrBucket, rule.Destination.BucketArn);
        Assert.Equal(FilesTestBed.DrKey, rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID);
        Assert.Equal(ReplicationTimeStatus.Enabled, rule.Destination.ReplicationTime.Status);
        Assert.Equal(15, rule.Destination.ReplicationTime.Time.Minutes);
        // moto 5.2.1 does not return SourceSelectionCriteria (SSE-KMS objects) on read-back; the request carries it (see S3BucketReplicationGateway).
        foreach (var (region, bucket) in new[] { (FilesTestBed.Primary, FilesTestBed.PrimaryBucket), (FilesTestBed.Dr, FilesTestBed.DrBucket) })
        {
            var v = _bed.Context.S3(region).GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }).GetAwaiter().GetResult();
            Assert.Equal(VersionStatus.Enabled, v.VersioningConfig.Status);
        }
    }
}
