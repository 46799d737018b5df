using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using FinBackup.Domain.Files;
using Xunit;

namespace FinBackup.Tests.Files;

/// <summary>
/// How a small file is read whole for a pack (<see cref="SourceFile.ReadWhole"/>): by descriptor on Linux
/// (<see cref="NativeFileSystem.ReadWholeAt"/>: openat, fstat, pread, fstat, close), through a FileStream elsewhere. Both
/// read one byte more than expected to see growth and call the hook before the stat that ends the read.
/// </summary>
public sealed class SmallFileReadTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "finbackup-smallread-" + Guid.NewGuid().ToString("N"));
    private int _dirfd = -1;

    public SmallFileReadTests() { Directory.CreateDirectory(_dir); }

    public void Dispose()
    {
        if (_dirfd >= 0) NativeFileSystem.Close(_dirfd);
        Directory.Delete(_dir, true);
    }

    public static TheoryData<bool> Kinds()
    {
        var kinds = new TheoryData<bool> { false };
        if (NativeFileSystem.Available) kinds.Add(true);
        return kinds;
    }

    private SourceFile Source(string name, bool native)
    {
        if (!native) return new ManagedSourceFile(new FileInfo(Path.Combine(_dir, name)));
        if (_dirfd < 0)
        {
            _dirfd = NativeFileSystem.OpenDirectory(NativeFileSystem.AtFdCwd, NativeFileSystem.Bytes(_dir), false, out var errno);
            Assert.True(_dirfd >= 0, "errno " + errno);
        }
        return new NativeSourceFile(_dirfd, NativeFileSystem.Bytes(name), null);
    }

    private byte[] Write(string name, int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(_dir, name), bytes);
        return bytes;
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_file_is_read_whole_at_the_offset_and_its_stat_after_the_read_is_the_walks(bool native)
    {
        var bytes = Write("a.txt", 2048, 1);
        var source = Source("a.txt", native);
        var before = source.Stat();
        var buffer = new byte[10 + 2048 + 1 + 5];
        var hooked = 0;

        var read = source.ReadWhole(buffer, 10, 2048, () => hooked++, out var after);

        Assert.Equal(2048, read);
        Assert.Equal(bytes, buffer.Skip(10).Take(2048).ToArray());
        Assert.All(buffer.Take(10).Concat(buffer.Skip(10 + 2048)), b => Assert.Equal(0, b));
        Assert.Equal(1, hooked);
        Assert.Equal(before, after);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void An_empty_file_reads_nothing(bool native)
    {
        File.WriteAllBytes(Path.Combine(_dir, "empty"), Array.Empty<byte>());
        var source = Source("empty", native);
        var before = source.Stat();
        var buffer = new byte[1];

        Assert.Equal(0, source.ReadWhole(buffer, 0, 0, null, out var after));
        Assert.Equal(before, after);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_file_that_grew_since_its_stat_reads_one_byte_more_than_expected(bool native)
    {
        Write("grew.log", 100, 2);
        var source = Source("grew.log", native);
        var before = source.Stat();
        File.AppendAllText(Path.Combine(_dir, "grew.log"), "more");

        var read = source.ReadWhole(new byte[101], 0, 100, null, out var after);

        Assert.Equal(101, read);
        Assert.NotEqual(before, after);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_file_that_shrank_reads_short_and_a_change_during_the_read_shows_in_the_stat_after_it(bool native)
    {
        Write("shrank", 100, 3);
        var source = Source("shrank", native);
        File.WriteAllBytes(Path.Combine(_dir, "shrank"), new byte[40]);
        Assert.Equal(40, source.ReadWhole(new byte[101], 0, 100, null, out _));

        Write("busy", 100, 4);
        var busy = Source("busy", native);
        var before = busy.Stat();
        var read = busy.ReadWhole(new byte[101], 0, 100, () => File.AppendAllText(Path.Combine(_dir, "busy"), "x"), out var after);
        Assert.Equal(100, read);
        Assert.Equal(101, after.Size);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void By_descriptor_the_stat_after_the_read_is_the_inode_that_was_read_wherever_its_name_now_points()
    {
        if (!NativeFileSystem.Available) return;
        var old = Write("swapped.conf", 64, 5);
        Write("next.conf", 64, 6);
        var source = Source("swapped.conf", native: true);
        var before = source.Stat();
        var buffer = new byte[65];

        // Renamed over while the file is open: the bytes read and the stat both belong to the old inode, so the entry
        // made from them is consistent (the next run sees the new file). By path, the stat would be the new file's.
        var read = source.ReadWhole(buffer, 0, 64, () => File.Move(Path.Combine(_dir, "next.conf"), Path.Combine(_dir, "swapped.conf"), true), out var after);

        Assert.Equal(64, read);
        Assert.Equal(old, buffer.Take(64).ToArray());
        Assert.Equal(before, after);
        Assert.NotEqual(before.Inode, source.Stat().Inode);
    }

    [Fact]
    public void A_fifo_in_the_files_place_is_refused_without_blocking_and_a_missing_file_is_not_found()
    {
        if (!NativeFileSystem.Available) return;
        using (var p = Process.Start("mkfifo", Path.Combine(_dir, "pipe"))) p.WaitForExit();
        var hooked = false;

        var ex = Assert.Throws<IOException>(() => Source("pipe", native: true).ReadWhole(new byte[10], 0, 9, () => hooked = true, out _));
        Assert.Contains("named pipe", ex.Message);
        Assert.False(hooked);
        Assert.Throws<FileNotFoundException>(() => Source("gone", native: true).ReadWhole(new byte[10], 0, 9, null, out _));
    }

    [Fact]
    public void A_buffer_without_room_for_the_extra_byte_is_a_programming_error_not_a_short_read()
    {
        if (!NativeFileSystem.Available) return;
        Write("b", 10, 7);
        Assert.Throws<ArgumentOutOfRangeException>(() => Source("b", native: true).ReadWhole(new byte[10], 0, 10, null, out _));
    }
}
