using System.Diagnostics;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Files;

/// <summary>
/// Issue 13 item 7: only regular files are read; FIFOs, devices, sockets and links are named skips in the manifest; names
/// that are not UTF-8 are stored losslessly and restored byte-exact; trees deeper than PATH_MAX are walked.
/// Linux only (the cases need mkfifo, mknod and raw byte names).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class SpecialFileTests : IDisposable
{
    private readonly FilesTestBed _bed;

    public SpecialFileTests(MotoServer moto)
    {
        _bed = new FilesTestBed(moto);
    }

    public void Dispose() => _bed.Dispose();

    private static void Sh(string script)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "bash failed: " + err);
    }

    private static string Py(string script)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "python failed: " + err);
        return output.Trim();
    }

    /// <summary>Runs the backup on another thread: a hang (the bug) fails the test instead of hanging the suite.</summary>
    private FileBackupResult BackupWithoutHanging(FileBackupRequest request, RecordingObserver observer)
    {
        using var cts = new CancellationTokenSource();
        var task = Task.Run(() => new FileBackupEngine(_bed.Store, FilesTestBed.SmallSettings()).Run(request, observer, cts.Token));
        if (!task.Wait(TimeSpan.FromSeconds(90)))
        {
            cts.Cancel();
            // Unblock a reader stuck in open() on a FIFO so the thread can end.
            Assert.Fail("Backup-FinFile did not finish: it is blocked on a special file.");
        }
        return task.GetAwaiter().GetResult();
    }

    [Fact]
    public void A_fifo_and_a_character_device_are_never_opened_and_are_named_skips_in_the_manifest_and_summary()
    {
        if (!OperatingSystem.IsLinux()) return;
        var root = Path.Combine(_bed.NewDir("special"), "data");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "a.txt"), "regular\n");
        Sh($"mkfifo '{root}/queue.fifo' && mknod '{root}/zero.dev' c 1 5 && ln -s a.txt '{root}/link'");
        var observer = new RecordingObserver();

        var result = BackupWithoutHanging(_bed.Request(root), observer);

        Assert.Equal(new[] { "data/a.txt" }, result.Manifest.Files.Select(f => f.Path).ToArray());
        Assert.Contains(observer.Skips, s => s.Path == "data/queue.fifo" && s.Reason.Contains("FIFO"));
        Assert.Contains(observer.Skips, s => s.Path == "data/zero.dev" && s.Reason.Contains("character device"));
        Assert.Contains(observer.Skips, s => s.Path == "data/link" && s.Reason.Contains("symbolic link"));
        Assert.Equal(3, result.Summary.FilesSkipped);
        // Named in the manifest (what an auditor reads) and in the summary, with the real reason.
        var skipped = result.Manifest.Skipped.ToDictionary(s => s.Path, s => s.Reason);
        Assert.Contains("FIFO", skipped["data/queue.fifo"]);
        Assert.Contains("character device", skipped["data/zero.dev"]);
        Assert.Equal(3, result.Summary.FilesNotRegular);
        Assert.Contains(result.Summary.NotBackedUp, s => s.StartsWith("data/queue.fifo: ") && s.Contains("FIFO"));
        // Read back from S3: the skipped list survives the JSON.
        var stored = _bed.Store.GetManifest(FilesTestBed.PrimaryBucket, result.Manifest.Key, CancellationToken.None);
        Assert.Equal(3, stored.Skipped.Count);
    }

    [Fact]
    public void A_fifo_given_as_the_source_itself_is_a_named_skip_not_a_hang()
    {
        if (!OperatingSystem.IsLinux()) return;
        var dir = _bed.NewDir("fifo-source");
        Sh($"mkfifo '{dir}/pipe'");
        var observer = new RecordingObserver();
        var result = BackupWithoutHanging(_bed.Request(Path.Combine(dir, "pipe")), observer);
        Assert.Empty(result.Manifest.Files);
        Assert.Contains(observer.Skips, s => s.Path == "pipe" && s.Reason.Contains("FIFO"));
    }

    [Fact]
    public void A_name_that_is_not_UTF8_is_backed_up_losslessly_and_restored_with_its_exact_bytes()
    {
        if (!OperatingSystem.IsLinux()) return;
        var root = Path.Combine(_bed.NewDir("bytes"), "docs");
        Directory.CreateDirectory(root);
        // Latin-1 "ré.txt" (0x72 0xe9 ...) and a directory named 0xff 0xfe holding a file.
        Py($"import os; r=b'{root}'; open(r+b'/r\\xe9.txt','wb').write(b'latin1 name'); os.mkdir(r+b'/\\xff\\xfe'); open(r+b'/\\xff\\xfe/inner.txt','wb').write(b'inner')");
        File.WriteAllText(Path.Combine(root, "plain.txt"), "plain");
        var observer = new RecordingObserver();

        var result = BackupWithoutHanging(_bed.Request(root), observer);

        Assert.Empty(observer.Skips);
        Assert.Empty(result.Manifest.Missing);
        Assert.Equal(0, result.Summary.FilesFailed);
        Assert.Equal(3, result.Manifest.Files.Count);
        var latin = result.Manifest.Files.Single(f => f.Path.StartsWith("docs/r"));
        Assert.Equal("docs/r\\xe9.txt", latin.Path);
        Assert.Equal(Convert.ToBase64String("docs/r"u8.ToArray().Concat(new byte[] { 0xe9 }).Concat(".txt"u8.ToArray()).ToArray()), latin.PathBytes);
        Assert.Null(result.Manifest.Files.Single(f => f.Path == "docs/plain.txt").PathBytes);

        var stored = _bed.Store.GetManifest(FilesTestBed.PrimaryBucket, result.Manifest.Key, CancellationToken.None);
        var dest = _bed.NewDir("bytes-restore");
        var summary = new FileRestoreEngine(_bed.Store).Run(new FileRestoreRequest { Manifest = stored, Bucket = FilesTestBed.PrimaryBucket, Destination = dest },
            observer, CancellationToken.None);
        Assert.Equal(0, summary.FilesFailed);
        Assert.Equal(3, summary.FilesRestored);
        // Checked from outside with Python's byte-level file API.
        var listing = Py($"import os; d=b'{dest}/docs'; print(sorted(os.listdir(d))); print(open(d+b'/r\\xe9.txt','rb').read()); print(open(d+b'/\\xff\\xfe/inner.txt','rb').read())");
        Assert.Equal("[b'plain.txt', b'r\\xe9.txt', b'\\xff\\xfe']\nb'latin1 name'\nb'inner'", listing);
    }

    [Fact]
    public void A_file_under_a_path_longer_than_4KB_is_backed_up_not_silently_skipped()
    {
        if (!OperatingSystem.IsLinux()) return;
        var root = Path.Combine(_bed.NewDir("deep"), "tree");
        Directory.CreateDirectory(root);
        // 24 levels of 200-character names: about 4.8 KB below the root, beyond PATH_MAX.
        Py($"import os; os.chdir('{root}')\nfor i in range(24):\n    n=('d%02d' % i)*66\n    os.mkdir(n); os.chdir(n)\nopen('deep.txt','w').write('deep')");
        File.WriteAllText(Path.Combine(root, "top.txt"), "top");
        var observer = new RecordingObserver();

        var result = BackupWithoutHanging(_bed.Request(root), observer);

        Assert.Empty(observer.Skips);
        Assert.Empty(result.Manifest.Missing);
        var deep = Assert.Single(result.Manifest.Files, f => f.Path.EndsWith("/deep.txt"));
        Assert.True(deep.Path.Length > 4096, deep.Path.Length.ToString());
        Assert.Equal(4, deep.Size);
        Assert.Equal(2, result.Manifest.Files.Count);
        Sh($"rm -rf '{root}'");
    }

    [Fact]
    public void A_second_scheduled_run_in_the_same_window_returns_the_existing_point_and_Force_takes_another()
    {
        var ledger = _bed.MakeLedger();
        var request = _bed.Request(ledger);
        request.Frequency = TimeSpan.FromMinutes(45);
        var clock = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        var engine = new FileBackupEngine(_bed.Store, FilesTestBed.SmallSettings(), () => clock);
        var first = engine.Run(request, new RecordingObserver(), CancellationToken.None);
        clock = clock.AddMinutes(20); // same 45-minute window (09:45-10:30)
        var second = engine.Run(request, new RecordingObserver(), CancellationToken.None);

        Assert.Equal(first.RecoveryPoint.RecoveryPointId, second.RecoveryPoint.RecoveryPointId);
        Assert.True(second.Summary.ExistingPoint);
        Assert.Equal(0, second.Summary.BytesUploaded);
        Assert.Equal(1, _bed.CountObjects(FilesTestBed.PrimaryBucket, "manifests/"));

        request.Force = true;
        var forced = engine.Run(request, new RecordingObserver(), CancellationToken.None);
        Assert.NotEqual(first.RecoveryPoint.RecoveryPointId, forced.RecoveryPoint.RecoveryPointId);
        request.Force = false;

        clock = clock.AddMinutes(30); // the next window
        var third = engine.Run(request, new RecordingObserver(), CancellationToken.None);
        Assert.NotEqual(first.RecoveryPoint.RecoveryPointId, third.RecoveryPoint.RecoveryPointId);
        Assert.False(third.Summary.ExistingPoint);
        Assert.Equal(3, _bed.CountObjects(FilesTestBed.PrimaryBucket, "manifests/"));
    }
}
