using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Files;

/// <summary>A store that records every request and answers none: a restore of an invalid manifest must make no request.</summary>
internal sealed class NoRequestStore : IFileBackupStore
{
    public List<string> Requests { get; } = new();
    public string Region => "us-east-1";
    private Exception Fail(string what) { Requests.Add(what); return new InvalidOperationException("unexpected request: " + what); }
    public BucketProtection DescribeBucket(string bucket, CancellationToken ct) => throw Fail("DescribeBucket");
    public IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken ct) => throw Fail("List " + prefix);
    public void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, ObjectWriteOptions options, CancellationToken ct) => throw Fail("Put " + key);
    public void Touch(string bucket, string key, ObjectWriteOptions options, CancellationToken ct) => throw Fail("Touch " + key);
    public void ReadRange(string bucket, string key, long offset, int length, byte[] destination, int destinationOffset, CancellationToken ct) => throw Fail("Get " + key);
    public void PutManifest(string bucket, FileManifest manifest, IDictionary<string, string> tags, ObjectWriteOptions options, CancellationToken ct) => throw Fail("PutManifest");
    public FileManifest GetManifest(string bucket, string key, CancellationToken ct) => throw Fail("GetManifest " + key);
    public IDictionary<string, string> GetTags(string bucket, string key, CancellationToken ct) => throw Fail("GetTags " + key);
    public IDictionary<string, string> Delete(string bucket, IReadOnlyCollection<string> keys, CancellationToken ct) => throw Fail("Delete");
    public void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, ObjectWriteOptions options, CancellationToken ct) => throw Fail("Copy " + key);
}

/// <summary>Issue 13 item 8: a hostile manifest is refused, before any request, with FinManifestInvalid naming the entry.</summary>
public sealed class HostileManifestTests : IDisposable
{
    private const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"; // sha256("test")
    private readonly string _dest = Directory.CreateTempSubdirectory("fin-hostile-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dest, true); } catch (IOException) { }
    }

    internal static ManifestFile GoodFile(string path) => new()
    {
        Path = path,
        Size = 4,
        Mode = 420,
        ModifiedAt = new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc),
        Sha256 = Sha,
        Parts = new List<ManifestPart> { new() { Key = "packs/9f/" + Sha, Offset = 0, Length = 4, Sha256 = Sha } },
    };

    private static FileManifest Manifest(params ManifestFile[] files) => new()
    {
        Key = "manifests/agent-payment/20261130T0000Z/hostile.json",
        Application = "Agent payment",
        Files = files.ToList(),
    };

    private FinBackupException RestoreFails(FileManifest manifest, NoRequestStore store)
    {
        var ex = Assert.Throws<FinBackupException>(() => new FileRestoreEngine(store).Run(
            new FileRestoreRequest { Manifest = manifest, Bucket = "fin-backup-use1", Destination = _dest }, new RecordingObserver(), CancellationToken.None));
        Assert.Empty(store.Requests);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dest));
        return ex;
    }

    [Fact]
    public void A_part_key_outside_the_layout_is_refused_before_any_request_naming_the_entry()
    {
        var evil = GoodFile("ok.txt");
        evil.Parts[0].Key = "../../../etc/passwd";
        var store = new NoRequestStore();
        var ex = RestoreFails(Manifest(GoodFile("first.txt"), evil), store);
        Assert.Equal("FinManifestInvalid", ex.ErrorId);
        Assert.Equal(FinErrorKind.InvalidData, ex.Kind);
        Assert.Contains("files[1].parts[0].key", ex.Message);
        Assert.Contains("../../../etc/passwd", ex.Message);
    }

    [Fact]
    public void Duplicate_entries_for_one_path_are_refused_even_with_Force()
    {
        var store = new NoRequestStore();
        var ex = Assert.Throws<FinBackupException>(() => new FileRestoreEngine(store).Run(
            new FileRestoreRequest { Manifest = Manifest(GoodFile("a/x.txt"), GoodFile("a/y.txt"), GoodFile("a/x.txt")), Bucket = "b", Destination = _dest, Force = true },
            new RecordingObserver(), CancellationToken.None));
        Assert.Equal("FinManifestInvalid", ex.ErrorId);
        Assert.Contains("files[2].path 'a/x.txt' is the same path as files[0]", ex.Message);
        Assert.Empty(store.Requests);
    }

    [Theory]
    [InlineData("size", "files[0].size -1 is negative")]
    [InlineData("offset", "files[0].parts[0].offset -5 is negative")]
    [InlineData("overflow", "offset 9223372036854775800 + length 4 lies beyond")]
    [InlineData("sum", "files[0].parts: the lengths add up to 4 bytes, not the file's size 10")]
    [InlineData("format", "version 2; this FinBackup reads version 1")]
    [InlineData("sha", "files[0].sha256 'zz' is not a SHA-256")]
    [InlineData("mode", "files[0].mode 10000 is not a permission mode")]
    [InlineData("prefix", "is not a content object")]
    public void Sizes_offsets_sums_format_version_and_hashes_are_checked_before_any_request(string @case, string expected)
    {
        var f = GoodFile("f.txt");
        var m = Manifest(f);
        switch (@case)
        {
            case "size": f.Size = -1; break;
            case "offset": f.Parts[0].Offset = -5; break;
            case "overflow": f.Parts[0].Offset = long.MaxValue - 7; break;
            case "sum": f.Size = 10; break;
            case "format": m.Format = "finbackup-manifest/2"; break;
            case "sha": f.Sha256 = "zz"; break;
            case "mode": f.Mode = 4096; break;
            case "prefix": f.Parts[0].Key = "packs/aa/" + Sha; break;
        }
        var ex = RestoreFails(m, new NoRequestStore());
        Assert.Equal("FinManifestInvalid", ex.ErrorId);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void A_range_beyond_the_end_of_its_pack_is_found_against_the_listing()
    {
        var f = GoodFile("f.txt");
        f.Parts[0].Offset = 100;
        var problems = ManifestValidator.Problems(Manifest(f), new Dictionary<string, long> { ["packs/9f/" + Sha] = 50 });
        Assert.Contains(problems, p => p.Contains("files[0].parts[0]: offset 100 + length 4 lies beyond the end of 'packs/9f/" + Sha + "' (50 bytes)"));
        problems = ManifestValidator.Problems(Manifest(GoodFile("g.txt")), new Dictionary<string, long>());
        Assert.Contains(problems, p => p.Contains("does not exist in the bucket"));
    }

    [Fact]
    public void A_sound_manifest_has_no_problems()
    {
        Assert.Empty(ManifestValidator.Problems(Manifest(GoodFile("a.txt"), GoodFile("b.txt"))));
        Assert.Null(ManifestValidator.CheckFormat("finbackup-manifest/1"));
        Assert.Null(ManifestValidator.CheckFormat("finbackup-manifest/1.3"));
    }
}

/// <summary>Issue 13 item 8: setuid, setgid and sticky bits are stripped at restore unless PreservePrivilegedModes.</summary>
[Collection(MotoCollection.Name)]
public sealed class PrivilegedModeRestoreTests : IDisposable
{
    private readonly FilesTestBed _bed;

    public PrivilegedModeRestoreTests(MotoServer moto) { _bed = new FilesTestBed(moto); }

    public void Dispose() => _bed.Dispose();

    [Fact]
    public void Mode_4777_restores_as_0777_and_with_PreservePrivilegedModes_as_4777()
    {
        if (!OperatingSystem.IsLinux()) return;
        var root = Path.Combine(_bed.NewDir("suid"), "bin");
        Directory.CreateDirectory(root);
        var tool = Path.Combine(root, "tool");
        File.WriteAllText(tool, "#!/bin/sh\n");
        File.SetUnixFileMode(tool, (UnixFileMode)Convert.ToInt32("4777", 8));
        var backup = new FileBackupEngine(_bed.Store, FilesTestBed.SmallSettings()).Run(_bed.Request(root), new RecordingObserver(), CancellationToken.None);
        Assert.Equal(Convert.ToInt32("4777", 8), backup.Manifest.Files.Single().Mode);

        var dest = _bed.NewDir("suid-restore");
        var observer = new RecordingObserver();
        new FileRestoreEngine(_bed.Store).Run(new FileRestoreRequest { Manifest = backup.Manifest, Bucket = FilesTestBed.PrimaryBucket, Destination = dest }, observer, CancellationToken.None);
        var restored = File.GetUnixFileMode(Path.Combine(dest, "bin", "tool"));
        Assert.Equal(Convert.ToString(Convert.ToInt32("0777", 8), 8), Convert.ToString((int)restored, 8));
        Assert.Contains(observer.Messages, m => m.Contains("setuid") && m.Contains("-PreservePrivilegedModes"));

        var dest2 = _bed.NewDir("suid-restore2");
        new FileRestoreEngine(_bed.Store).Run(new FileRestoreRequest
        {
            Manifest = backup.Manifest, Bucket = FilesTestBed.PrimaryBucket, Destination = dest2, PreservePrivilegedModes = true,
        }, new RecordingObserver(), CancellationToken.None);
        Assert.Equal("4777", Convert.ToString((int)File.GetUnixFileMode(Path.Combine(dest2, "bin", "tool")), 8));
    }
}
