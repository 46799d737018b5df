using CsCheck;
using FinBackup.Aws.Files;
using FinBackup.Domain;
using FinBackup.Domain.Files;

namespace FinBackup.Tests.Files;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*.dat", "ledger/2026/a.dat", true)]
    [InlineData("*.dat", "ledger/2026/a.dat.bak", false)]
    [InlineData("ledger/2026-11-*", "ledger/2026-11-03.dat", true)]
    [InlineData("ledger/2026-11-*", "ledger/2026-11-03/deep/x.bin", true)]
    [InlineData("ledger/2026-11-*", "ledger/2026-10-03.dat", false)]
    [InlineData("ledger/2026-11-*", "other/ledger/2026-11-03.dat", false)]
    [InlineData("ledger/*.dat", "ledger/sub/a.dat", false)]
    [InlineData("ledger/**/*.dat", "ledger/a.dat", true)]
    [InlineData("ledger/**/*.dat", "ledger/x/y/z/a.dat", true)]
    [InlineData("**/cache/**", "app/cache/x", true)]
    [InlineData("cache", "app/cache/x/y.bin", true)]
    [InlineData("cache", "app/cached/y.bin", false)]
    [InlineData("entry-00?.dat", "l/entry-007.dat", true)]
    [InlineData("entry-00?.dat", "l/entry-0077.dat", false)]
    [InlineData("[a-c]*.log", "x/b1.log", true)]
    [InlineData("[!a-c]*.log", "x/b1.log", false)]
    [InlineData("[^a-c]*.log", "x/d1.log", true)]
    [InlineData("a?c", "a/c", false)]
    [InlineData("./ledger/*.dat", "ledger/a.dat", true)]
    [InlineData("*.DAT", "ledger/a.dat", false)]
    public void Matches_as_documented(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, new GlobPattern(pattern).Matches(path));
    }

    [Fact]
    public void Star_never_crosses_a_slash_and_double_star_matches_anything_below()
    {
        var segment = Gen.String[Gen.Char['a', 'e'], 1, 5];
        Gen.Select(segment.Array[1, 5], segment).Sample((dirs, name) =>
        {
            var path = string.Join("/", dirs) + "/" + name;
            Assert.True(new GlobPattern("**").Matches(path));
            Assert.True(new GlobPattern(dirs[0] + "/**").Matches(path));
            Assert.Equal(dirs.Length == 1, new GlobPattern(dirs[0] + "/*").MatchesExactly(path));
        });
    }

    [Fact]
    public void Filter_excludes_win_over_includes_and_no_include_selects_all()
    {
        var f = new GlobFilter(new[] { "*.dat" }, new[] { "tmp" });
        Assert.True(f.IsSelected("a/b.dat"));
        Assert.False(f.IsSelected("a/tmp/b.dat"));
        Assert.False(f.IsSelected("a/b.txt"));
        var all = new GlobFilter(null, new[] { "*.tmp" });
        Assert.True(all.IsSelected("a/b.txt"));
        Assert.False(all.IsSelected("a/b.tmp"));
    }
}

public sealed class RestorePathGuardTests
{
    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("a/..")]
    [InlineData("/etc/passwd")]
    [InlineData("\\\\server\\share")]
    [InlineData("C:/Windows/x")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("")]
    [InlineData("a\0b")]
    [InlineData("..\\x")]
    public void Unsafe_paths_are_refused(string path)
    {
        var dest = Path.Combine(Path.GetTempPath(), "finguard-" + Guid.NewGuid().ToString("N"));
        Assert.Null(RestorePathGuard.Resolve(dest, path, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Theory]
    [InlineData("ledger/2026-11-01.dat")]
    [InlineData("a..b/c")]
    [InlineData("x")]
    public void Safe_paths_resolve_under_the_destination(string path)
    {
        var dest = Path.Combine(Path.GetTempPath(), "finguard-" + Guid.NewGuid().ToString("N"));
        var full = RestorePathGuard.Resolve(dest, path, out var reason);
        Assert.Null(reason);
        Assert.StartsWith(Path.GetFullPath(dest) + Path.DirectorySeparatorChar, full);
    }

    [Fact]
    public void A_symbolic_link_on_the_way_or_as_the_target_is_refused()
    {
        var root = Directory.CreateTempSubdirectory("finguard-").FullName;
        try
        {
            var dest = Path.Combine(root, "dest");
            Directory.CreateDirectory(dest);
            Directory.CreateSymbolicLink(Path.Combine(dest, "up"), root);
            File.CreateSymbolicLink(Path.Combine(dest, "file"), "/etc/hostname");
            Assert.Null(RestorePathGuard.Resolve(dest, "up/x.dat", out var r1));
            Assert.Contains("symbolic link", r1);
            Assert.Null(RestorePathGuard.Resolve(dest, "file", out var r2));
            Assert.Contains("symbolic link", r2);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void No_generated_relative_path_resolves_outside_the_destination()
    {
        var dest = Path.Combine(Path.GetTempPath(), "finguard-fixed");
        var segment = Gen.OneOf(Gen.Const(".."), Gen.Const("."), Gen.Const(""), Gen.String[Gen.Char["ab./\\"], 1, 4]);
        segment.Array[1, 6].Sample(parts =>
        {
            var path = string.Join("/", parts);
            var full = RestorePathGuard.Resolve(dest, path, out _);
            if (full != null) Assert.StartsWith(Path.GetFullPath(dest) + Path.DirectorySeparatorChar, full);
        });
    }
}

public sealed class FileManifestJsonTests
{
    [Fact]
    public void Round_trips_every_field()
    {
        var m = new FileManifest
        {
            Id = "20261123T191502123Z-host-abc123",
            Key = "manifests/agent-payment/20261123T190000Z/20261123T191502123Z-host-abc123.json",
            Application = "Agent payment",
            PolicyName = "finco",
            FileSet = "ledger",
            Window = "2026-11-23T19:00:00Z",
            Host = "agent-payment-app-1",
            Bucket = "fin-backup-use1",
            Region = "us-east-1",
            KmsKeyId = "alias/fin-backup",
            CreatedAt = new DateTime(2026, 11, 23, 19, 15, 2, 123, DateTimeKind.Utc).AddTicks(4567),
            ExpiresAt = new DateTime(2026, 11, 24, 7, 15, 2, DateTimeKind.Utc),
            PreviousManifestKey = "manifests/agent-payment/x.json",
            Sources = { "/var/lib/agentpay/ledger" },
            Include = { "*.dat" },
            Exclude = { "tmp" },
            Files =
            {
                new ManifestFile
                {
                    Path = "ledger/ä ü/quote\"d.dat", Size = 10, Mode = Convert.ToInt32("640", 8),
                    ModifiedAt = new DateTime(2026, 11, 1, 1, 2, 3, DateTimeKind.Utc).AddTicks(1234567), Sha256 = new string('a', 64),
                    Parts = { new ManifestPart { Key = "packs/ab/" + new string('b', 64), Offset = 5_000_000_000, Length = 10, Sha256 = new string('a', 64) } },
                },
            },
            Missing = { new ManifestMissingFile { Path = "ledger/busy.log", ErrorId = "FinFileChangedDuringBackup", Reason = "kept changing" } },
        };
        var json = FileManifestJson.Serialize(m);
        var text = System.Text.Encoding.UTF8.GetString(json);
        Assert.Contains("\"mode\":\"0640\"", text);
        Assert.Contains("\"format\":\"finbackup-manifest/1\"", text);
        var back = FileManifestJson.Deserialize(json, m.Key);
        Assert.Equal(m.CreatedAt, back.CreatedAt);
        Assert.Equal(m.ExpiresAt, back.ExpiresAt);
        Assert.Equal(m.Application, back.Application);
        Assert.Equal(m.Window, back.Window);
        Assert.Equal(m.Sources, back.Sources);
        Assert.Equal(m.PreviousManifestKey, back.PreviousManifestKey);
        var f = Assert.Single(back.Files);
        Assert.Equal(m.Files[0].Path, f.Path);
        Assert.Equal(m.Files[0].Mode, f.Mode);
        Assert.Equal(m.Files[0].ModifiedAt, f.ModifiedAt);
        Assert.Equal(5_000_000_000, f.Parts[0].Offset);
        Assert.Equal(m.Files[0].Parts[0].Key, f.Parts[0].Key);
        Assert.Equal("FinFileChangedDuringBackup", Assert.Single(back.Missing).ErrorId);
    }

    [Fact]
    public void Streaming_parse_survives_tokens_split_across_reads_and_shares_repeated_keys()
    {
        var m = new FileManifest { Key = "k", Application = "A", CreatedAt = DateTime.UtcNow };
        for (var i = 0; i < 3000; i++)
        {
            var sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))).ToLowerInvariant();
            m.Files.Add(new ManifestFile
            {
                Path = $"dir{i % 7}/file-{i:D5}-ünïcödé.dat", Size = i, Mode = 420, ModifiedAt = DateTime.UtcNow, Sha256 = sha,
                Parts = { new ManifestPart { Key = "packs/aa/" + new string('a', 64), Offset = i * 10L, Length = i, Sha256 = sha } },
            });
        }
        var json = FileManifestJson.Serialize(m);
        Assert.True(json.Length > 4 * 65536);
        var back = FileManifestJson.Deserialize(new TrickleStream(json, 7), "k");
        Assert.Equal(3000, back.Files.Count);
        Assert.Equal(m.Files.Select(f => f.Path), back.Files.Select(f => f.Path));
        Assert.Equal(m.Files.Select(f => f.Sha256), back.Files.Select(f => f.Sha256));
        Assert.Same(back.Files[0].Parts[0].Key, back.Files[2999].Parts[0].Key);
        Assert.Same(back.Files[5].Sha256, back.Files[5].Parts[0].Sha256);
    }

    [Fact]
    public void Modes_and_times_are_written_as_the_general_formatters_write_them_and_read_back()
    {
        // The writer formats mode and mtime itself and the reader parses them from the bytes: both must agree with
        // "0" + Convert.ToString(mode, 8) and the round-trip ISO form, which is what manifests already in buckets hold.
        var modes = new[] { 0, 1, 7, 8, Convert.ToInt32("644", 8), Convert.ToInt32("7777", 8), Convert.ToInt32("100755", 8), int.MaxValue };
        var times = new[]
        {
            DateTime.MinValue, new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1), new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            new DateTime(2026, 2, 28, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999), new DateTime(2028, 2, 29, 12, 0, 0, DateTimeKind.Utc).AddTicks(1),
            new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
        };
        var m = new FileManifest { Key = "k", Application = "A", CreatedAt = times[3] };
        var i = 0;
        foreach (var mode in modes)
        foreach (var t in times)
        {
            m.Files.Add(new ManifestFile { Path = $"f{i++}", Size = 0, Mode = mode, ModifiedAt = t, Sha256 = new string('e', 64) });
        }
        var json = FileManifestJson.Serialize(m);
        var text = System.Text.Encoding.UTF8.GetString(json);
        using (var doc = System.Text.Json.JsonDocument.Parse(json))
        {
            var files = doc.RootElement.GetProperty("files").EnumerateArray().ToList();
            for (var k = 0; k < m.Files.Count; k++)
            {
                Assert.Equal("0" + Convert.ToString(m.Files[k].Mode, 8), files[k].GetProperty("mode").GetString());
                Assert.Equal(m.Files[k].ModifiedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
                    files[k].GetProperty("mtime").GetString());
            }
        }
        var back = FileManifestJson.Deserialize(json, "k");
        Assert.Equal(m.Files.Select(f => f.Mode), back.Files.Select(f => f.Mode));
        Assert.Equal(m.Files.Select(f => f.ModifiedAt), back.Files.Select(f => f.ModifiedAt));
        Assert.All(back.Files, f => Assert.Equal(DateTimeKind.Utc, f.ModifiedAt.Kind));
        // Writing what was read gives the same bytes (a manifest is not rewritten differently by a newer FinBackup).
        Assert.Equal(json, FileManifestJson.Serialize(back));
        Assert.Contains("\"mode\":\"00\"", text);
    }

    [Theory]
    [InlineData("\"mode\":\"\\u0030644\",\"mtime\":\"\\u0032026-11-01T01:02:03.1234567Z\"", 420, "2026-11-01T01:02:03.1234567Z")]
    [InlineData("\"mode\":\"644\",\"mtime\":\"2026-11-01T01:02:03Z\"", 420, "2026-11-01T01:02:03.0000000Z")]
    [InlineData("\"mode\":\"\",\"mtime\":\"2026-11-01T01:02:03.5+01:00\"", 0, "2026-11-01T00:02:03.5000000Z")]
    [InlineData("\"mode\":null,\"mtime\":null", 0, "0001-01-01T00:00:00.0000000Z")]
    public void Escaped_or_other_forms_of_mode_and_mtime_go_through_the_general_parsers(string fields, int mode, string mtime)
    {
        var json = "{\"format\":\"finbackup-manifest/1\",\"files\":[{\"path\":\"a\",\"size\":0," + fields + ",\"sha256\":\"" + new string('e', 64) + "\",\"parts\":[]}]}";
        var f = Assert.Single(FileManifestJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), "k").Files);
        Assert.Equal(mode, f.Mode);
        Assert.Equal(DateTime.Parse(mtime, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal), f.ModifiedAt);
    }

    [Theory]
    [InlineData("\"mode\":\"0648\"")]                                 // not octal
    [InlineData("\"mode\":\"077777777777777\"")]                      // too large
    [InlineData("\"mode\":420")]                                       // a number, not the octal string
    [InlineData("\"mtime\":\"2026-13-01T01:02:03.1234567Z\"")]       // month 13, in the fast form's shape
    [InlineData("\"mtime\":\"2026-02-30T01:02:03.1234567Z\"")]       // no such day
    [InlineData("\"mtime\":\"2026-11-01T24:02:03.1234567Z\"")]       // hour 24
    [InlineData("\"mtime\":\"2026-11-01T01:02:03.12345x7Z\"")]       // a letter among the digits
    [InlineData("\"mtime\":12345")]                                    // a number
    public void Hostile_modes_and_times_are_FinFileManifestInvalid(string field)
    {
        var json = "{\"format\":\"finbackup-manifest/1\",\"files\":[{\"path\":\"a\",\"size\":0," + field + ",\"sha256\":\"" + new string('e', 64) + "\",\"parts\":[]}]}";
        var ex = Assert.Throws<FinBackupException>(() => FileManifestJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), "k"));
        Assert.Equal("FinFileManifestInvalid", ex.ErrorId);
        Assert.Equal(FinErrorKind.InvalidData, ex.Kind);
    }

    [Fact]
    public void A_path_that_is_not_UTF8_is_FinFileManifestInvalid()
    {
        var head = System.Text.Encoding.UTF8.GetBytes("{\"format\":\"finbackup-manifest/1\",\"files\":[{\"path\":\"a");
        var tail = System.Text.Encoding.UTF8.GetBytes("b\",\"size\":0,\"parts\":[]}]}");
        var json = head.Concat(new byte[] { 0xC3, 0x28 }).Concat(tail).ToArray();
        var ex = Assert.Throws<FinBackupException>(() => FileManifestJson.Deserialize(json, "k"));
        Assert.Equal("FinFileManifestInvalid", ex.ErrorId);
    }

    /// <summary>Returns at most n bytes per Read, like a slow network stream.</summary>
    private sealed class TrickleStream(byte[] data, int n) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(n, count));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"format\":\"something-else\"}")]
    [InlineData("{\"format\":\"finbackup-manifest/1\",\"files\":[{\"path\":\"a\"}]}")]
    public void Unreadable_manifests_are_a_named_error(string json)
    {
        var ex = Assert.Throws<FinBackupException>(() => FileManifestJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), "k"));
        Assert.Equal("FinFileManifestInvalid", ex.ErrorId);
        Assert.Equal(FinErrorKind.InvalidData, ex.Kind);
    }
}

public sealed class FileBackupLayoutAndCacheTests
{
    [Theory]
    [InlineData("Agent payment", "agent-payment")]
    [InlineData("Inventory Management System", "inventory-management-system")]
    [InlineData("  Cross-sell ", "cross-sell")]
    [InlineData("", "unnamed")]
    public void Slugs_are_lower_case_dashes(string name, string slug) => Assert.Equal(slug, FileBackupLayout.Slug(name));

    [Fact]
    public void Keys_are_content_addressed_and_manifest_keys_carry_window_time_and_host()
    {
        var sha = new string('c', 62) + "0f";
        Assert.Equal("data/cc/" + sha, FileBackupLayout.ChunkKey(sha));
        Assert.Equal("packs/cc/" + sha, FileBackupLayout.PackKey(sha));
        var created = new DateTime(2026, 11, 23, 19, 15, 2, 123, DateTimeKind.Utc);
        var id = FileBackupLayout.NewManifestId(created, "agent-payment-app-1");
        var key = FileBackupLayout.ManifestKey("Agent payment", "2026-11-23T19:00:00Z", id);
        Assert.StartsWith("manifests/agent-payment/20261123T190000Z/20261123T191502123Z-agent-payment-app-1-", key);
        Assert.Equal("agent-payment-app-1", FileBackupLayout.HostOfManifestKey(key));
        Assert.Equal(created, FileBackupCatalog.CreatedFromKey(key));
        Assert.True(FileBackupLayout.IsManifestKey(key));
    }

    [Fact]
    public void Cache_round_trips_and_a_damaged_cache_is_empty_not_an_error()
    {
        var dir = Directory.CreateTempSubdirectory("fincache-").FullName;
        try
        {
            var cache = new FileChangeCache { LastManifestKey = "manifests/a/b.json" };
            cache.Set("ledger/a.dat", new FileStat { Size = 5, ModifiedTicks = 638_000_000_000_000_000, Inode = 42 }, new string('d', 64));
            Assert.True(cache.Save(dir));
            var back = FileChangeCache.Load(dir);
            Assert.Equal("manifests/a/b.json", back.LastManifestKey);
            Assert.True(back.TryGet("ledger/a.dat", out var e));
            Assert.Equal(42UL, e.Stat.Inode);
            Assert.Equal(new string('d', 64), e.Sha256);

            File.WriteAllText(Path.Combine(dir, "files.tsv"), "#finbackup-file-cache/1\nmanifest\tx\nledger/a.dat\tnot-a-number\t1\t2\tz\n");
            Assert.Equal(0, FileChangeCache.Load(dir).Count);
            Assert.Equal(0, FileChangeCache.Load(Path.Combine(dir, "absent")).Count);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Cache_read_after_the_previous_manifest_shares_its_path_and_hash_strings_and_keeps_its_own_when_they_differ()
    {
        var dir = Directory.CreateTempSubdirectory("fincache-").FullName;
        try
        {
            var cache = new FileChangeCache { LastManifestKey = "manifests/a/b.json" };
            cache.Set("set/same.dat", new FileStat { Size = 1, ModifiedTicks = 2, Inode = 3 }, new string('a', 64));
            cache.Set("set/edited.dat", new FileStat { Size = 4, ModifiedTicks = 5, Inode = 6 }, new string('b', 64));
            cache.Set("set/new.dat", new FileStat { Size = 7, ModifiedTicks = 8, Inode = 9 }, new string('c', 64));
            Assert.True(cache.Save(dir));
            Assert.Equal("manifests/a/b.json", FileChangeCache.ReadLastManifestKey(dir));
            Assert.Null(FileChangeCache.ReadLastManifestKey(Path.Combine(dir, "absent")));

            var same = new ManifestFile { Path = string.Concat("set/", "same.dat"), Sha256 = new string('a', 64) };
            var edited = new ManifestFile { Path = string.Concat("set/", "edited.dat"), Sha256 = new string('e', 64) };
            var previous = new Dictionary<string, ManifestFile>(StringComparer.Ordinal) { [same.Path] = same, [edited.Path] = edited };
            var back = FileChangeCache.Load(dir, previous);
            Assert.Equal(3, back.Count);
            Assert.True(back.TryGet("set/same.dat", out var s) && ReferenceEquals(s.Sha256, same.Sha256));
            Assert.True(back.TryGet("set/edited.dat", out var e) && e.Sha256 == new string('b', 64)); // its own hash, not the manifest's
            Assert.True(back.TryGet("set/new.dat", out var n) && n.Sha256 == new string('c', 64) && n.Stat.Inode == 9);
            var keys = ((Dictionary<string, FileChangeCache.Entry>)typeof(FileChangeCache)
                .GetField("_entries", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(back)!).Keys;
            Assert.Same(same.Path, keys.Single(k => k == "set/same.dat"));
            Assert.Same(edited.Path, keys.Single(k => k == "set/edited.dat"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Cache_parsed_in_place_keeps_every_entry_across_buffer_refills_long_lines_and_CRLF()
    {
        var dir = Directory.CreateTempSubdirectory("fincache-").FullName;
        try
        {
            var cache = new FileChangeCache();
            for (var i = 0; i < 3000; i++)
                cache.Set($"d{i % 7}/file-{i:D5}.dat", new FileStat { Size = i, ModifiedTicks = 638_000_000_000_000_000 + i, Inode = ulong.MaxValue - (ulong)i }, i.ToString("x64"));
            var longPath = "deep/" + new string('p', 70_000); // longer than the 64 KiB parse buffer
            cache.Set(longPath, new FileStat { Size = 7, ModifiedTicks = 1, Inode = 2 }, new string('e', 64));
            Assert.True(cache.Save(dir));
            var back = FileChangeCache.Load(dir);
            Assert.Equal(3001, back.Count);
            Assert.True(back.TryGet("d3/file-02999.dat", out var e));
            Assert.Equal(2999, e.Stat.Size);
            Assert.Equal(638_000_000_000_002_999, e.Stat.ModifiedTicks);
            Assert.Equal(ulong.MaxValue - 2999, e.Stat.Inode);
            Assert.Equal(2999.ToString("x64"), e.Sha256);
            Assert.True(back.TryGet(longPath, out var l) && l.Stat.Size == 7);

            // A file edited on Windows (CRLF) and one line with a field too many: the good line is read, the odd one skipped.
            File.WriteAllText(Path.Combine(dir, "files.tsv"), "#finbackup-file-cache/1\r\nmanifest\tm\r\na.dat\t1\t2\t3\tsha\r\nb.dat\t1\t2\t3\tsha\textra\r\n");
            var crlf = FileChangeCache.Load(dir);
            Assert.Equal(1, crlf.Count);
            Assert.True(crlf.TryGet("a.dat", out var a) && a.Sha256 == "sha" && a.Stat.Inode == 3);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void FileStat_reads_inode_and_mode_on_Linux()
    {
        if (!OperatingSystem.IsLinux()) return;
        var file = Path.GetTempFileName();
        try
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            var stat = FileStat.Of(new FileInfo(file));
            Assert.Equal(Convert.ToInt32("640", 8), stat.Mode);
            Assert.NotEqual(0UL, stat.Inode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Engine_refuses_requests_without_key_bucket_paths_or_with_clashing_names()
    {
        var engine = new FileBackupEngine(new NoStore());
        FinBackupException Run(FileBackupRequest r) => Assert.Throws<FinBackupException>(() => engine.Run(r, null!, CancellationToken.None));
        FileBackupRequest Good() => new() { Bucket = "b", Application = "A", KmsKeyId = "k", Paths = new List<string> { "/x/data" } };
        var noKey = Good(); noKey.KmsKeyId = null;
        Assert.Equal("FinFileBackupKmsKeyMissing", Run(noKey).ErrorId);
        var noBucket = Good(); noBucket.Bucket = "";
        Assert.Equal("FinFileBackupBucketMissing", Run(noBucket).ErrorId);
        var noPaths = Good(); noPaths.Paths.Clear();
        Assert.Equal("FinFileBackupPathMissing", Run(noPaths).ErrorId);
        var clash = Good(); clash.Paths.Add("/y/data/");
        Assert.Equal("FinFileBackupSourceNameClash", Run(clash).ErrorId);
    }

    private sealed class NoStore : Domain.Ports.IFileBackupStore
    {
        public string Region => "us-east-1";
        public Domain.Ports.BucketProtection DescribeBucket(string bucket, CancellationToken ct) => throw new InvalidOperationException();
        public IReadOnlyList<Domain.Ports.StoredObject> List(string bucket, string prefix, CancellationToken ct) => throw new InvalidOperationException();
        public void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, Domain.Ports.ObjectWriteOptions options, CancellationToken ct) => throw new InvalidOperationException();
        public void Touch(string bucket, string key, Domain.Ports.ObjectWriteOptions options, CancellationToken ct) => throw new InvalidOperationException();
        public void ReadRange(string bucket, string key, long offset, int length, byte[] destination, int destinationOffset, CancellationToken ct) => throw new InvalidOperationException();
        public void PutManifest(string bucket, FileManifest manifest, IDictionary<string, string> tags, Domain.Ports.ObjectWriteOptions options, CancellationToken ct) => throw new InvalidOperationException();
        public FileManifest GetManifest(string bucket, string key, CancellationToken ct) => throw new InvalidOperationException();
        public IDictionary<string, string> GetTags(string bucket, string key, CancellationToken ct) => throw new InvalidOperationException();
        public IDictionary<string, string> Delete(string bucket, IReadOnlyCollection<string> keys, CancellationToken ct) => throw new InvalidOperationException();
        public void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, Domain.Ports.ObjectWriteOptions options, CancellationToken ct) => throw new InvalidOperationException();
    }
}

/// <summary>A chunk read again from its file by its upload: the bytes handed over are those that were hashed, or none of the last window.</summary>
public sealed class ChunkStreamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("finbackup-chunk-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private (LargeFileSource Source, byte[] Bytes, List<LargeFileSource> HandedOver) Open(int size)
    {
        var path = Path.Combine(_dir, "f.bin");
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var file = new ManagedSourceFile(new FileInfo(path));
        var handedOver = new List<LargeFileSource>();
        return (new LargeFileSource(file, "f.bin", file.OpenRead(true), handedOver.Add), bytes, handedOver);
    }

    private static byte[] Sha(byte[] b, int offset, int count) => System.Security.Cryptography.SHA256.HashData(b.AsSpan(offset, count));

    [Fact]
    public void An_unchanged_chunk_reads_back_exactly_and_again_after_a_seek_to_the_start()
    {
        var (source, bytes, _) = Open(300_000);
        using var chunk = source.OpenChunk(100_000, 150_000, Sha(bytes, 100_000, 150_000));
        Assert.Equal(150_000, chunk.Length);
        var first = new MemoryStream();
        chunk.CopyTo(first, 7_000); // small reads, as the SDK's
        Assert.Equal(bytes.AsSpan(100_000, 150_000).ToArray(), first.ToArray());
        chunk.Position = 0; // a retried request
        var second = new MemoryStream();
        chunk.CopyTo(second);
        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.False(source.Changed);
        source.Close();
    }

    [Fact]
    public void A_chunk_whose_bytes_changed_hands_over_none_of_its_last_window_and_marks_the_file_changed()
    {
        var (source, bytes, _) = Open(200_000);
        var expected = Sha(bytes, 0, 200_000);
        using (var fs = new FileStream(Path.Combine(_dir, "f.bin"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            fs.Position = 199_000;
            fs.WriteByte((byte)(bytes[199_000] ^ 1));
        }
        using var chunk = source.OpenChunk(0, 200_000, expected);
        var sent = new MemoryStream();
        var buffer = new byte[8192];
        Assert.Throws<SourceChangedException>(() =>
        {
            int n;
            while ((n = chunk.Read(buffer, 0, buffer.Length)) > 0) sent.Write(buffer, 0, n);
        });
        Assert.True(source.Changed);
        Assert.Equal(3 * 65_536, sent.Length); // the windows before the last; the last (checked, and wrong) was withheld
        Assert.Throws<SourceChangedException>(() => chunk.Read(buffer, 0, buffer.Length)); // and it stays refused
        source.Close();
    }

    [Fact]
    public void A_file_that_changed_is_handed_over_for_another_read_when_its_last_upload_lets_go_and_an_unchanged_one_is_closed()
    {
        var (source, _, handedOver) = Open(1_000);
        source.Entry = new ManifestFile { Path = "f.bin" };
        source.Hold();                 // an upload
        source.MarkChanged();
        source.Release();              // the reader
        Assert.Empty(handedOver);      // the upload still holds it
        source.Release();              // the upload
        Assert.Same(source, Assert.Single(handedOver));
        Assert.Equal(1_000, source.ReadAt(0, new byte[2_000], 0, 2_000)); // still open, for the retry
        source.Close();

        var (quiet, _, none) = Open(1_000);
        quiet.Entry = new ManifestFile { Path = "f.bin" };
        quiet.Release();
        Assert.Empty(none);
        Assert.Throws<ObjectDisposedException>(() => quiet.ReadAt(0, new byte[10], 0, 10));
    }
}
