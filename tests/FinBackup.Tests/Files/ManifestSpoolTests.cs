using System.Text;
using FinBackup.Domain.Files;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Files;

/// <summary>
/// A new backup's entries wait on disk (ManifestFileSpool) and its change cache is written as it goes
/// (FileChangeCacheWriter): lossless records, path order kept or the entries sorted in memory, nothing left behind.
/// </summary>
public sealed class ManifestSpoolTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fin-spool-" + Guid.NewGuid().ToString("N")[..8]);

    public ManifestSpoolTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static ManifestFile Entry(string path, long size = 3, params ManifestPart[] parts) => new()
    {
        Path = path,
        Size = size,
        Mode = 420,
        ModifiedAt = new DateTime(2026, 11, 30, 8, 15, 0, 123, DateTimeKind.Utc).AddTicks(4567),
        Sha256 = new string('a', 64),
        Parts = parts,
    };

    private static ManifestPart Part(string key, long offset, long length, char sha = 'b') =>
        new() { Key = key, Offset = offset, Length = length, Sha256 = new string(sha, 64) };

    [Fact]
    public void Spool_gives_back_every_field_exactly_including_names_that_are_not_valid_unicode_and_records_larger_than_its_buffer()
    {
        var longName = "deep/" + new string('x', 40_000); // 80 KB of UTF-16: crosses the 64 KiB buffer
        var written = new[]
        {
            Entry("app/a.txt", 3, Part("packs/p1", 0, 3)),
            new ManifestFile { Path = "app/bad\\xff.txt", PathBytes = Convert.ToBase64String(new byte[] { 0x61, 0xff }), Size = 0, Mode = 0,
                ModifiedAt = new DateTime(1999, 1, 1, 0, 0, 0, DateTimeKind.Local), Sha256 = null, Parts = Array.Empty<ManifestPart>() },
            Entry("app/lone\uD800surrogate", 7, Part("packs/p1", 3, 4, 'c')),
            Entry(longName, 1 << 20, Part("data/c1", 0, 1 << 19, 'd'), Part("data/c2", 0, 1 << 19, 'e')),
        };
        using var spool = new ManifestFileSpool(_dir);
        foreach (var f in written) spool.Append(f);

        Assert.Equal(4, spool.Count);
        Assert.Equal(3 + 7 + (1 << 20), spool.TotalBytes);
        for (var pass = 0; pass < 2; pass++) // read as often as the manifest is written (a second PUT)
        {
            var back = spool.Read().ToList();
            Assert.Equal(written.Length, back.Count);
            for (var i = 0; i < written.Length; i++)
            {
                Assert.NotSame(written[i], back[i]);
                Assert.Equal(written[i].Path, back[i].Path);
                Assert.Equal(written[i].PathBytes, back[i].PathBytes);
                Assert.Equal(written[i].Size, back[i].Size);
                Assert.Equal(written[i].Mode, back[i].Mode);
                Assert.Equal(written[i].ModifiedAt, back[i].ModifiedAt);
                Assert.Equal(written[i].ModifiedAt.Kind, back[i].ModifiedAt.Kind);
                Assert.Equal(written[i].Sha256, back[i].Sha256);
                Assert.Equal(written[i].Parts.Count, back[i].Parts.Count);
                for (var j = 0; j < written[i].Parts.Count; j++)
                {
                    Assert.Equal(written[i].Parts[j].Key, back[i].Parts[j].Key);
                    Assert.Equal(written[i].Parts[j].Offset, back[i].Parts[j].Offset);
                    Assert.Equal(written[i].Parts[j].Length, back[i].Parts[j].Length);
                    Assert.Equal(written[i].Parts[j].Sha256, back[i].Parts[j].Sha256);
                }
            }
        }
        Assert.Equal("app/lone\uD800surrogate", spool.Read().ElementAt(2).Path); // not replaced by U+FFFD
    }

    [Fact]
    public void Spool_refuses_an_entry_whose_part_has_no_object_yet_and_leaves_no_file_behind()
    {
        using (var spool = new ManifestFileSpool(_dir))
        {
            var ex = Assert.Throws<InvalidOperationException>(() => spool.Append(Entry("app/a", 3, new ManifestPart { Offset = 0, Length = 3 })));
            Assert.Contains("app/a", ex.Message);
            spool.Append(Entry("app/b", 3, Part("packs/p", 0, 3)));
            // On Linux the file has no name while it is used: a killed backup leaves nothing in the cache directory.
            if (OperatingSystem.IsLinux()) Assert.Empty(Directory.GetFiles(_dir));
            Assert.Equal("app/b", spool.Read().Single().Path);
        }
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Spool_knows_whether_its_entries_came_in_path_order()
    {
        using var inOrder = new ManifestFileSpool(_dir);
        foreach (var p in new[] { "a-b", "a/c", "a/z/d", "b" }) inOrder.Append(Entry(p));
        Assert.True(inOrder.InPathOrder);

        using var walked = new ManifestFileSpool(_dir);
        foreach (var p in new[] { "a/c", "a-b" }) walked.Append(Entry(p)); // files of "a/" before its sibling "a-b"
        Assert.False(walked.InPathOrder);
    }

    [Fact]
    public void Spooled_files_merge_with_the_held_ones_in_path_order()
    {
        using var spool = new ManifestFileSpool(_dir);
        foreach (var p in new[] { "app/a", "app/c", "app/d/x", "app/z" }) spool.Append(Entry(p, 1, Part("packs/p", 0, 1)));
        var held = new List<ManifestFile> { Entry("app/b", 100), Entry("app/d/w", 200), Entry("app/zz", 300) };
        var files = new SpooledManifestFiles(held, spool);

        Assert.Equal(7, files.Count);
        Assert.Equal(new[] { "app/a", "app/b", "app/c", "app/d/w", "app/d/x", "app/z", "app/zz" }, files.Select(f => f.Path));
        Assert.Same(held[1], files.Skip(3).First());
        Assert.Equal(604, files.TotalBytes);
        var manifest = new FileManifest { Files = files };
        Assert.Equal(604, manifest.TotalBytes);
        Assert.Equal(new[] { "packs/p" }, manifest.ReferencedObjects());
        Assert.True(files.IsReadOnly);
        Assert.Equal("app/d/x", files[4].Path); // indexing works (LINQ uses it), by reading the spool
        Assert.Throws<ArgumentOutOfRangeException>(() => files[7]);
        Assert.Throws<NotSupportedException>(() => files.Add(Entry("x")));
    }

    [Fact]
    public void A_sha256_key_is_the_hash_and_only_a_lower_case_64_digit_text_parses()
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("ledger"));
        var hex = FileBackupLayout.Hex(hash);
        Assert.True(Sha256Key.TryParse(hex, out var parsed));
        Assert.Equal(Sha256Key.From(hash), parsed);
        var other = (byte[])hash.Clone();
        other[31] ^= 1;
        Assert.NotEqual(Sha256Key.From(hash), Sha256Key.From(other));
        Assert.False(Sha256Key.TryParse(hex.ToUpperInvariant(), out _));
        Assert.False(Sha256Key.TryParse(hex[..63], out _));
        Assert.False(Sha256Key.TryParse(hex[..63] + "g", out _));
        Assert.False(Sha256Key.TryParse(null, out _));
    }

    [Fact]
    public void Cache_writer_streams_lines_adds_the_held_entries_on_commit_and_leaves_the_old_cache_when_not_committed()
    {
        var stat = new FileStat { Size = 5, ModifiedTicks = 638_000_000_000_000_000, Inode = 42 };
        using (var writer = new FileChangeCacheWriter(_dir, "manifests/a/1.json"))
        {
            writer.Add("app/small", stat, new string('1', 64));
            writer.Add("app/tab\there", stat, new string('2', 64)); // cannot be read back: left out
            var large = new FileChangeCache();
            large.Set("app/large", new FileStat { Size = 9 << 20, ModifiedTicks = 1, Inode = 43 }, new string('3', 64));
            Assert.True(writer.Commit(large));
        }
        var cache = FileChangeCache.Load(_dir);
        Assert.Equal("manifests/a/1.json", cache.LastManifestKey);
        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("app/small", out var small));
        Assert.Equal(new string('1', 64), small.Sha256);
        Assert.Equal(stat.Inode, small.Stat.Inode);
        Assert.True(cache.TryGet("app/large", out var big));
        Assert.Equal(9L << 20, big.Stat.Size);

        // A backup that fails after writing lines: the temp file goes, the last committed cache stays.
        using (var failed = new FileChangeCacheWriter(_dir, "manifests/a/2.json"))
        {
            failed.Add("app/other", stat, new string('4', 64));
        }
        Assert.Equal("manifests/a/1.json", FileChangeCache.ReadLastManifestKey(_dir));
        Assert.Equal(new[] { "files.tsv" }, Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Cache_writer_in_a_directory_it_cannot_create_only_reports_that_the_cache_was_not_written()
    {
        var blocker = Path.Combine(_dir, "not-a-dir");
        File.WriteAllText(blocker, "x");
        using var writer = new FileChangeCacheWriter(Path.Combine(blocker, "cache"), "k");
        writer.Add("app/a", new FileStat { Size = 1 }, new string('1', 64));
        Assert.False(writer.Commit(null));
    }
}

/// <summary>A backup whose entries were spooled writes the same manifest a held one would: every file, in path order, restorable.</summary>
[Collection(MotoCollection.Name)]
public sealed class SpooledBackupTests : IDisposable
{
    private readonly FilesTestBed _bed;

    public SpooledBackupTests(MotoServer moto) => _bed = new FilesTestBed(moto);

    public void Dispose() => _bed.Dispose();

    private (FileBackupResult Result, RecordingObserver Observer) Backup(params string[] paths) => Backup(false, paths);

    private (FileBackupResult Result, RecordingObserver Observer) Backup(bool managedWalk, params string[] paths)
    {
        var observer = new RecordingObserver();
        var settings = FilesTestBed.SmallSettings();
        settings.ManagedWalk = managedWalk;
        var result = new FileBackupEngine(_bed.Store, settings).Run(_bed.Request(paths), observer, CancellationToken.None);
        return (result, observer);
    }

    private void AssertRestoresIdentically(FileManifest manifest, string source)
    {
        var restoreDir = _bed.NewDir("restore");
        var summary = new FileRestoreEngine(_bed.Store).Run(new FileRestoreRequest
        {
            Manifest = manifest, Bucket = FilesTestBed.PrimaryBucket, Destination = restoreDir,
        }, new RecordingObserver(), CancellationToken.None);
        Assert.Equal(0, summary.FilesFailed);
        Assert.Equal(FilesTestBed.HashTree(Path.GetDirectoryName(source)!), FilesTestBed.HashTree(restoreDir));
    }

    private static void Write(string root, string rel, byte[] bytes)
    {
        var path = Path.Combine(root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    [Theory]
    [InlineData(false)] // the Linux descriptor walk
    [InlineData(true)]  // System.IO, as on Windows and macOS
    public void Files_beside_a_directory_whose_name_they_extend_come_out_in_path_order_without_sorting_in_memory(bool managedWalk)
    {
        var root = Path.Combine(_bed.NewDir("order"), "app");
        var rnd = new Random(7);
        byte[] Bytes(int n) { var b = new byte[n]; rnd.NextBytes(b); return b; }
        // "a-b" sorts before "a/..." as a path although the directory "a" sorts first as a name.
        Write(root, "a-b", Bytes(100));
        Write(root, "a/c", Bytes(200));
        Write(root, "a/z/d", Bytes(300));
        Write(root, "a.txt", Bytes(50));
        Write(root, "a0", Bytes(70_000)); // a large file (held in memory) between the spooled ones
        Write(root, "b", Bytes(10));

        var (result, observer) = Backup(managedWalk, root);

        var paths = result.Manifest.Files.Select(f => f.Path).ToList();
        Assert.Equal(new[] { "app/a-b", "app/a.txt", "app/a/c", "app/a/z/d", "app/a0", "app/b" }, paths);
        Assert.DoesNotContain(observer.Messages, m => m.Contains("sorted in memory"));
        Assert.Equal(6, result.Summary.Files);
        Assert.Equal(100 + 200 + 300 + 50 + 70_000 + 10, result.Summary.Bytes);
        Assert.Equal(Math.Round(result.Summary.Bytes / 1073741824.0, 6), result.RecoveryPoint.SizeGiB);
        // The entries waited beside the change cache; nothing but the cache is left there.
        Assert.Equal(new[] { "files.tsv" }, Directory.GetFiles(_bed.CacheDir).Select(Path.GetFileName));
        var cache = FileChangeCache.Load(_bed.CacheDir);
        Assert.Equal(6, cache.Count); // packed and large files alike
        Assert.Equal(result.Manifest.Key, cache.LastManifestKey);
        AssertRestoresIdentically(result.Manifest, root);
    }

    [Fact]
    public void The_System_IO_walk_backs_up_the_same_files_as_the_descriptor_walk_in_the_same_order()
    {
        var ledger = _bed.MakeLedger(seed: 5);
        var (native, _) = Backup(false, ledger);
        var (managed, said) = Backup(true, ledger);

        Assert.Equal(native.Manifest.Files.Select(f => (f.Path, f.Size, f.Sha256)), managed.Manifest.Files.Select(f => (f.Path, f.Size, f.Sha256)));
        Assert.DoesNotContain(said.Messages, m => m.Contains("sorted in memory"));
        AssertRestoresIdentically(managed.Manifest, ledger);
    }

    [Fact]
    public void Several_paths_given_in_any_order_are_walked_in_the_order_of_their_names()
    {
        var parent = _bed.NewDir("sources");
        Write(parent, "ledger/2026/a.dat", new byte[] { 1 });
        Write(parent, "ledger-archive/b.dat", new byte[] { 2 });
        Write(parent, "agentpay/c.dat", new byte[] { 3 });

        var (result, observer) = Backup(Path.Combine(parent, "ledger"), Path.Combine(parent, "agentpay"), Path.Combine(parent, "ledger-archive"));

        Assert.Equal(new[] { "agentpay/c.dat", "ledger-archive/b.dat", "ledger/2026/a.dat" }, result.Manifest.Files.Select(f => f.Path));
        Assert.DoesNotContain(observer.Messages, m => m.Contains("sorted in memory"));
        Assert.Equal(new[] { Path.Combine(parent, "ledger"), Path.Combine(parent, "agentpay"), Path.Combine(parent, "ledger-archive") }, result.Manifest.Sources);
    }

    [Fact]
    public void Names_whose_byte_order_differs_from_their_text_order_are_sorted_in_memory_and_said()
    {
        var root = Path.Combine(_bed.NewDir("astral"), "app");
        // U+E000 is EE 80 80 in UTF-8 (before F0 9F 98 80, U+1F600) but after U+1F600's surrogates (D83D DE00) as text.
        Write(root, "\uE000.txt", new byte[] { 1, 2, 3 });
        Write(root, "\U0001F600.txt", new byte[] { 4, 5, 6 });

        var (result, observer) = Backup(root);

        Assert.Equal(new[] { "app/\U0001F600.txt", "app/\uE000.txt" }, result.Manifest.Files.Select(f => f.Path));
        Assert.Contains(observer.Messages, m => m.Contains("sorted in memory"));
        AssertRestoresIdentically(result.Manifest, root);

        // System.IO compares the names as text, as the manifest does: no sort needed there.
        var (managed, said) = Backup(true, root);
        Assert.Equal(new[] { "app/\U0001F600.txt", "app/\uE000.txt" }, managed.Manifest.Files.Select(f => f.Path));
        Assert.DoesNotContain(said.Messages, m => m.Contains("sorted in memory"));
    }

    [Fact]
    public void Identical_small_files_in_the_pack_being_filled_and_in_an_earlier_pack_all_name_the_object_that_holds_them()
    {
        var root = Path.Combine(_bed.NewDir("dups"), "app");
        var rnd = new Random(11);
        var same = new byte[40_000];
        rnd.NextBytes(same);
        Write(root, "d1/first", same);
        Write(root, "d1/second", same); // same pack, not yet sealed
        for (var i = 0; i < 8; i++) { var b = new byte[60_000]; rnd.NextBytes(b); Write(root, $"d2/fill-{i}", b); } // seals it
        Write(root, "d3/third", same); // an earlier pack's content

        var (result, _) = Backup(root);

        var copies = result.Manifest.Files.Where(f => f.Path.EndsWith("first") || f.Path.EndsWith("second") || f.Path.EndsWith("third")).ToList();
        Assert.Equal(3, copies.Count);
        Assert.All(copies, f => Assert.StartsWith("packs/", f.Parts.Single().Key));
        Assert.Single(copies.Select(f => f.Parts[0].Key + "@" + f.Parts[0].Offset).Distinct());
        Assert.All(copies, f => Assert.Equal(f.Sha256, f.Parts[0].Sha256));
        Assert.True(_bed.CountObjects(FilesTestBed.PrimaryBucket, "packs/") >= 2);
        AssertRestoresIdentically(result.Manifest, root);
    }
}
