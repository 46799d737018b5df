using System.Security.Cryptography;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;

namespace FinBackup.Tests.Files;

/// <summary>Content objects in memory: ranged reads only (what a restore asks for).</summary>
internal class MemoryContentStore : IFileBackupStore
{
    public Dictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);
    public string Region => "us-east-1";
    /// <summary>Runs before every read with its number (1, 2, ...): what happens in the destination while a restore runs.</summary>
    public Action<int> BeforeRead { get; set; }
    private int _reads;
    protected void Reading() => BeforeRead?.Invoke(Interlocked.Increment(ref _reads));
    public void ReadRange(string bucket, string key, long offset, int length, byte[] destination, int destinationOffset, CancellationToken ct)
    {
        Reading();
        Buffer.BlockCopy(Objects[key], (int)offset, destination, destinationOffset, length);
    }
    public BucketProtection DescribeBucket(string bucket, CancellationToken ct) => throw new NotSupportedException();
    public IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken ct) => throw new NotSupportedException();
    public void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, ObjectWriteOptions options, CancellationToken ct) => throw new NotSupportedException();
    public void Touch(string bucket, string key, ObjectWriteOptions options, CancellationToken ct) => throw new NotSupportedException();
    public void PutManifest(string bucket, FileManifest manifest, IDictionary<string, string> tags, ObjectWriteOptions options, CancellationToken ct) => throw new NotSupportedException();
    public FileManifest GetManifest(string bucket, string key, CancellationToken ct) => throw new NotSupportedException();
    public IDictionary<string, string> GetTags(string bucket, string key, CancellationToken ct) => throw new NotSupportedException();
    public IDictionary<string, string> Delete(string bucket, IReadOnlyCollection<string> keys, CancellationToken ct) => throw new NotSupportedException();
    public void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, ObjectWriteOptions options, CancellationToken ct) => throw new NotSupportedException();
}

/// <summary>
/// The same objects read as S3 streams them (<see cref="IFileRangeStreams"/>): a range read front to back, and a reply that
/// can be cut after <see cref="CutAfter"/> bytes of a range (the connection lost mid-body).
/// </summary>
internal sealed class StreamingMemoryContentStore : MemoryContentStore, IFileRangeStreams
{
    public long? CutAfter { get; set; }
    public int Opened { get; private set; }

    public Stream OpenRange(string bucket, string key, long offset, long length, CancellationToken ct)
    {
        Reading();
        Opened++;
        var body = new MemoryStream(Objects[key], (int)offset, (int)length, false);
        return CutAfter is long cut ? new CutStream(body, cut) : body;
    }

    private sealed class CutStream(Stream inner, long cut) : Stream
    {
        private long _read;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= cut) throw new FinBackupException("FinS3ConnectionFailed", FinErrorKind.ConnectionError, "The connection was lost mid-reply (test).");
            var n = inner.Read(buffer, offset, (int)Math.Min(count, cut - _read));
            _read += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Every restore-verification case again, with the content streamed through a small buffer (as from S3).</summary>
public sealed class StreamedRestoreVerificationTests : RestoreVerificationTests
{
    private protected override MemoryContentStore CreateStore() => new StreamingMemoryContentStore();

    private StreamingMemoryContentStore Streaming => (StreamingMemoryContentStore)_store;

    [Fact]
    public void Two_files_sharing_one_range_of_a_pack_are_both_restored()
    {
        var a = Packed("set/a.txt", 11);
        var twin = _files[0];
        _files.Add(new ManifestFile { Path = "set/a-copy.txt", Size = twin.Size, Mode = twin.Mode, ModifiedAt = MTime, Sha256 = twin.Sha256, Parts = twin.Parts.ToList() });
        var b = Packed("set/b.txt", 12);

        var (summary, observer) = Restore();

        Assert.Empty(observer.Failures);
        Assert.Equal(3, summary.FilesRestored);
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(_dest, "set", "a.txt")));
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(_dest, "set", "a-copy.txt")));
        Assert.Equal(b, File.ReadAllBytes(Path.Combine(_dest, "set", "b.txt")));
        NoTemporaryFilesLeft();
    }

    [Fact]
    public void A_reply_cut_mid_segment_fails_the_file_it_cut_and_those_after_it_and_none_of_them_lands()
    {
        var a = Packed("set/a.txt", 21);
        Packed("set/b.txt", 22);
        Packed("set/c.txt", 23);
        Streaming.CutAfter = 3000 + 1200; // inside b.txt

        var (summary, observer) = Restore();

        Assert.Equal(1, summary.FilesRestored);
        Assert.Equal(new[] { "set/b.txt", "set/c.txt" }, observer.Failures.Select(f => f.Path).OrderBy(p => p, StringComparer.Ordinal));
        Assert.All(observer.Failures, f => Assert.Equal("FinS3ConnectionFailed", f.Error.ErrorId));
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(_dest, "set", "a.txt")));
        Assert.False(File.Exists(Path.Combine(_dest, "set", "b.txt")));
        Assert.False(File.Exists(Path.Combine(_dest, "set", "c.txt")));
        Assert.Equal(1, Streaming.Opened); // one GET for the segment
        NoTemporaryFilesLeft();
    }
}

/// <summary>
/// Issue 14: the faster restore (one hash while writing, batched durable renames) still verifies every file before it is
/// moved into place, names the damaged part, leaves no temporary file, and overwrites nothing without Force.
/// </summary>
public class RestoreVerificationTests : IDisposable
{
    private protected static readonly DateTime MTime = new(2026, 11, 30, 8, 15, 30, DateTimeKind.Utc);
    private protected readonly string _dest = Directory.CreateTempSubdirectory("fin-verify-").FullName;
    private protected readonly MemoryContentStore _store;
    private protected virtual MemoryContentStore CreateStore() => new();

    public RestoreVerificationTests() => _store = CreateStore();
    private protected readonly List<ManifestFile> _files = new();
    private readonly List<byte> _pack = new();
    private const string PackKey = "packs/ab/abababababababababababababababababababababababababababababababab";

    public void Dispose()
    {
        try { Directory.Delete(_dest, true); } catch (IOException) { }
    }

    private static string Hex(byte[] b) => Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();

    private static byte[] Bytes(int seed, int length)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    private protected byte[] Packed(string path, int seed, int mode = 0x1A4)
    {
        var content = Bytes(seed, 3000);
        var sha = Hex(content);
        _files.Add(new ManifestFile
        {
            Path = path, Size = content.Length, Mode = mode, ModifiedAt = MTime, Sha256 = sha,
            Parts = new List<ManifestPart> { new() { Key = PackKey, Offset = _pack.Count, Length = content.Length, Sha256 = sha } },
        });
        _pack.AddRange(content);
        return content;
    }

    private byte[] Chunked(string path, int seed, int chunks)
    {
        var parts = new List<ManifestPart>();
        var all = new List<byte>();
        for (var i = 0; i < chunks; i++)
        {
            var c = Bytes(seed * 100 + i, 5000);
            var sha = Hex(c);
            var key = "data/" + sha.Substring(0, 2) + "/" + sha;
            _store.Objects[key] = c;
            parts.Add(new ManifestPart { Key = key, Offset = 0, Length = c.Length, Sha256 = sha });
            all.AddRange(c);
        }
        var content = all.ToArray();
        _files.Add(new ManifestFile { Path = path, Size = content.Length, Mode = 0x1A4, ModifiedAt = MTime, Sha256 = Hex(content), Parts = parts });
        return content;
    }

    private protected (FileRestoreSummary Summary, RecordingObserver Observer) Restore(bool force = false, int commitFiles = 100000,
        bool stage = true, string destination = null, CancellationToken ct = default, int parallelism = 4)
    {
        _store.Objects[PackKey] = _pack.ToArray();
        var manifest = new FileManifest { Key = "manifests/app/20261130T0800Z/m.json", Application = "App", Files = _files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList() };
        var observer = new RecordingObserver();
        var summary = new FileRestoreEngine(_store).Run(
            new FileRestoreRequest
            {
                Manifest = manifest, Bucket = "b", Destination = destination ?? _dest, Force = force, CommitFiles = commitFiles,
                StageNewDirectories = stage, Parallelism = parallelism,
            }, observer, ct);
        return (summary, observer);
    }

    /// <summary>No temporary file and no staging directory (.name.finrestore-tag-dN) anywhere under the destination.</summary>
    private protected void NoTemporaryFilesLeft() =>
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dest, "*.finrestore-*", SearchOption.AllDirectories));

    private string[] Entries(string dir) =>
        Directory.Exists(dir) ? Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray() : [];

    // With one worker, whole files come first (plan order), then the pack's segment: a chunked file's reads come before
    // the pack's, so a hook at the pack's read runs once that file is written and verified, before anything is committed.

    [Fact]
    public void A_new_directory_is_built_under_a_hidden_name_and_appears_whole_with_every_file_verified()
    {
        if (!NativeFileSystem.Available) return; // staging is Linux only
        var z = Chunked("set/z.bin", 10, 2);
        var a = Packed("set/a.txt", 11);
        var c = Packed("set/sub/c.txt", 12);
        Packed("set/sub/bad.txt", 13);
        _pack[6000 + 5] ^= 1; // bad.txt (the third in the pack) is damaged
        string[] during = null;
        _store.BeforeRead = n => { if (n == 3) during = Entries(_dest); };

        var (summary, observer) = Restore(parallelism: 1);

        // z.bin was written and verified, and still the destination held only the staging directory, not "set".
        Assert.StartsWith(".set.finrestore-", Assert.Single(during));
        Assert.Equal(3, summary.FilesRestored);
        Assert.Equal("set/sub/bad.txt", Assert.Single(observer.Failures).Path);
        Assert.Equal(new[] { "set" }, Entries(_dest));
        Assert.Equal(z, File.ReadAllBytes(Path.Combine(_dest, "set", "z.bin")));
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(_dest, "set", "a.txt")));
        Assert.Equal(c, File.ReadAllBytes(Path.Combine(_dest, "set", "sub", "c.txt")));
        Assert.Equal(new[] { "c.txt" }, Entries(Path.Combine(_dest, "set", "sub")));
        NoTemporaryFilesLeft();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void In_an_existing_directory_files_go_through_temporary_names_and_a_new_subdirectory_is_staged(bool stage)
    {
        var z = Chunked("set/sub/z.bin", 20, 2);
        var a = Packed("set/a.txt", 21);
        Directory.CreateDirectory(Path.Combine(_dest, "set"));
        string[] during = null;
        _store.BeforeRead = n => { if (n == 2) during = Entries(Path.Combine(_dest, "set")); };

        var (summary, observer) = Restore(stage: stage, parallelism: 1);

        Assert.Empty(observer.Failures);
        Assert.Equal(2, summary.FilesRestored);
        if (stage && NativeFileSystem.Available) Assert.StartsWith(".sub.finrestore-", Assert.Single(during));
        else Assert.Equal(new[] { "sub" }, during);
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(_dest, "set", "a.txt")));
        Assert.Equal(z, File.ReadAllBytes(Path.Combine(_dest, "set", "sub", "z.bin")));
        NoTemporaryFilesLeft();
    }

    [Fact]
    public void A_missing_destination_and_its_parents_are_created_and_it_appears_whole()
    {
        var a = Packed("x/a.txt", 31);
        var b = Packed("b.txt", 32);
        var destination = Path.Combine(_dest, "new", "deeper");

        var (summary, observer) = Restore(destination: destination);

        Assert.Empty(observer.Failures);
        Assert.Equal(2, summary.FilesRestored);
        Assert.Equal(new[] { "new" }, Entries(_dest));
        Assert.Equal(new[] { "deeper" }, Entries(Path.Combine(_dest, "new")));
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(destination, "x", "a.txt")));
        Assert.Equal(b, File.ReadAllBytes(Path.Combine(destination, "b.txt")));
        NoTemporaryFilesLeft();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_directory_that_appears_while_the_restore_runs_gets_the_files_one_by_one_and_keeps_its_own_without_Force(bool force)
    {
        var z = Chunked("set/z.bin", 40, 2);
        var a = Packed("set/a.txt", 41);
        var b = Packed("set/b.txt", 42);
        var c = Packed("set/sub/c.txt", 43);
        var appeared = Path.Combine(_dest, "set");
        _store.BeforeRead = n =>
        {
            if (n != 3) return;
            Directory.CreateDirectory(appeared);
            File.WriteAllText(Path.Combine(appeared, "a.txt"), "someone else's");
        };

        var (summary, observer) = Restore(force: force, parallelism: 1);

        Assert.Equal(force ? 4 : 3, summary.FilesRestored);
        if (force) Assert.Equal(a, File.ReadAllBytes(Path.Combine(appeared, "a.txt")));
        else
        {
            var failure = Assert.Single(observer.Failures);
            Assert.Equal(("set/a.txt", "FinRestoreFileExists"), (failure.Path, failure.Error.ErrorId));
            Assert.Equal("someone else's", File.ReadAllText(Path.Combine(appeared, "a.txt")));
        }
        Assert.Equal(z, File.ReadAllBytes(Path.Combine(appeared, "z.bin")));
        Assert.Equal(b, File.ReadAllBytes(Path.Combine(appeared, "b.txt")));
        Assert.Equal(c, File.ReadAllBytes(Path.Combine(appeared, "sub", "c.txt")));
        NoTemporaryFilesLeft();
    }

    [Theory]
    [InlineData(1)] // before any file of "set" is written
    [InlineData(3)] // after one is staged, before the commit
    public void A_symbolic_link_that_appears_at_a_new_directory_s_name_is_not_followed(int atRead)
    {
        if (OperatingSystem.IsWindows()) return;
        Chunked("set/z.bin", 50, 2);
        Packed("set/a.txt", 51);
        Packed("set/sub/c.txt", 52);
        var outside = Directory.CreateTempSubdirectory("fin-outside-").FullName;
        try
        {
            _store.BeforeRead = n => { if (n == atRead) File.CreateSymbolicLink(Path.Combine(_dest, "set"), outside); };

            var (summary, observer) = Restore(parallelism: 1);

            Assert.Equal(0, summary.FilesRestored);
            Assert.Equal(3, observer.Failures.Count);
            Assert.All(observer.Failures, f => Assert.Equal("FinRestorePathUnsafe", f.Error.ErrorId));
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
            NoTemporaryFilesLeft();
        }
        finally
        {
            Directory.Delete(outside, true);
        }
    }

    [Fact]
    public void A_cancelled_restore_leaves_no_staging_directory_and_no_file()
    {
        if (!NativeFileSystem.Available) return; // without staging, the directories made in place stay
        Chunked("set/z.bin", 60, 2);
        for (var i = 0; i < 50; i++) Packed($"set/d{i % 5}/f{i}.txt", 61 + i);
        using var cts = new CancellationTokenSource();
        _store.BeforeRead = n => { if (n == 3) cts.Cancel(); };

        Assert.ThrowsAny<OperationCanceledException>(() => Restore(ct: cts.Token, parallelism: 1));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_dest, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_damaged_pack_byte_fails_that_file_only_naming_its_bytes_and_nothing_lands_at_its_target()
    {
        var a = Packed("set/a.txt", 1);
        Packed("set/b.txt", 2);
        var c = Packed("set/sub/c.txt", 3);
        _pack[3000 + 17] ^= 0x40; // inside b.txt

        var (summary, observer) = Restore();

        Assert.Equal(2, summary.FilesRestored);
        Assert.Equal(1, summary.FilesFailed);
        var failure = Assert.Single(observer.Failures);
        Assert.Equal("set/b.txt", failure.Path);
        Assert.Equal("FinRestoreChecksumMismatch", failure.Error.ErrorId);
        Assert.Contains("Bytes 3000-5999 of '" + PackKey + "'", failure.Error.Message);
        Assert.False(File.Exists(Path.Combine(_dest, "set", "b.txt")));
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(_dest, "set", "a.txt")));
        Assert.Equal(c, File.ReadAllBytes(Path.Combine(_dest, "set", "sub", "c.txt")));
        NoTemporaryFilesLeft();
    }

    [Fact]
    public void A_damaged_chunk_of_a_large_file_is_named_and_the_file_is_not_restored()
    {
        Chunked("set/big.bin", 7, 3);
        var damaged = _files[0].Parts[1];
        _store.Objects[damaged.Key] = (byte[])_store.Objects[damaged.Key].Clone();
        _store.Objects[damaged.Key][4999] ^= 1;

        var (summary, observer) = Restore();

        Assert.Equal(0, summary.FilesRestored);
        var failure = Assert.Single(observer.Failures);
        Assert.Equal("FinRestoreChecksumMismatch", failure.Error.ErrorId);
        Assert.Contains("'" + damaged.Key + "'", failure.Error.Message);
        Assert.False(File.Exists(Path.Combine(_dest, "set", "big.bin")));
        NoTemporaryFilesLeft();
    }

    [Fact]
    public void A_file_whose_parts_match_but_whole_hash_does_not_is_refused()
    {
        Chunked("set/big.bin", 8, 2);
        _files[0].Sha256 = new string('0', 64);

        var (summary, observer) = Restore();

        Assert.Equal(0, summary.FilesRestored);
        Assert.Contains("have SHA-256", Assert.Single(observer.Failures).Error.Message);
        Assert.False(File.Exists(Path.Combine(_dest, "set", "big.bin")));
        NoTemporaryFilesLeft();
    }

    [Fact]
    public void Restored_files_carry_content_mode_and_mtime_of_the_manifest()
    {
        var small = Packed("set/ro.txt", 4, mode: 0x124); // 0444
        var large = Chunked("set/large.bin", 5, 4);

        var (summary, _) = Restore();

        Assert.Equal(2, summary.FilesRestored);
        var ro = Path.Combine(_dest, "set", "ro.txt");
        Assert.Equal(small, File.ReadAllBytes(ro));
        Assert.Equal(large, File.ReadAllBytes(Path.Combine(_dest, "set", "large.bin")));
        Assert.Equal(MTime, File.GetLastWriteTimeUtc(ro));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(ro));
        NoTemporaryFilesLeft();
    }

    [Fact]
    public void An_existing_file_is_kept_without_Force_and_replaced_with_it()
    {
        var content = Packed("set/a.txt", 6);
        Directory.CreateDirectory(Path.Combine(_dest, "set"));
        var target = Path.Combine(_dest, "set", "a.txt");
        File.WriteAllText(target, "the operator's own file");

        var (kept, observer) = Restore();
        Assert.Equal(0, kept.FilesRestored);
        Assert.Equal("FinRestoreFileExists", Assert.Single(observer.Failures).Error.ErrorId);
        Assert.Equal("the operator's own file", File.ReadAllText(target));

        var (forced, _) = Restore(force: true);
        Assert.Equal(1, forced.FilesRestored);
        Assert.Equal(content, File.ReadAllBytes(target));
        NoTemporaryFilesLeft();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // every file renamed into place, in batches
    public void Thousands_of_files_across_commit_batches_are_all_restored_intact(bool stage)
    {
        var expected = new Dictionary<string, byte[]>();
        for (var i = 0; i < 9000; i++) expected[$"set/d{i / 1000}/f{i:D4}.dat"] = Packed($"set/d{i / 1000}/f{i:D4}.dat", 1000 + i);

        var (summary, observer) = Restore(commitFiles: 2000, stage: stage);

        Assert.Empty(observer.Failures);
        Assert.Equal(9000, summary.FilesRestored);
        foreach (var kv in expected.Where((_, i) => i % 97 == 0))
            Assert.Equal(kv.Value, File.ReadAllBytes(Path.Combine(_dest, kv.Key)));
        Assert.Equal(9000, Directory.EnumerateFiles(_dest, "*", SearchOption.AllDirectories).Count());
        NoTemporaryFilesLeft();
    }
}
