using System.Diagnostics;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Tests.Files;
using FinBackup.TestSupport;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>
/// Test-FinRecoveryPoint's verifiers against moto, with damage done from outside with the AWS CLI: a deleted content object,
/// a content object overwritten with other bytes (-ReadData), a deleted member snapshot, a deregistered AMI, a deleted DB snapshot.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class RecoveryPointCheckTests : IDisposable
{
    private readonly FilesTestBed _bed;

    public RecoveryPointCheckTests(MotoServer moto)
    {
        _bed = new FilesTestBed(moto);
    }

    public void Dispose() => _bed.Dispose();

    private string Aws(params string[] args)
    {
        var psi = new ProcessStartInfo(MotoServer.FindExecutable("aws")!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--endpoint-url");
        psi.ArgumentList.Add(_bed.Moto.EndpointUrl);
        psi.ArgumentList.Add("--output");
        psi.ArgumentList.Add("text");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        psi.Environment["AWS_DEFAULT_REGION"] = FilesTestBed.Primary;
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "aws " + string.Join(" ", args) + " hung");
        Assert.True(p.ExitCode == 0, "aws " + string.Join(" ", args) + ": " + error.Result);
        return output.Result.Trim();
    }

    private FinRecoveryPointCheck Check(FinRecoveryPoint point, bool readData = false, double sample = 100)
    {
        var verifiers = new RecoveryPointVerifierCatalog(_bed.Context, FilesTestBed.Primary);
        return RecoveryPointChecker.Check(point, verifiers.Verifier(point.Kind),
            new RecoveryPointCheckOptions { ReadData = readData, SamplePercent = sample, Seed = 7 }, CancellationToken.None);
    }

    /// <summary>Counts the requests the file-backup verifier makes (one LIST per content prefix, no HEAD per object).</summary>
    private sealed class CountingStore(IFileBackupStore inner) : ForwardingFileBackupStore(inner)
    {
        public int Lists, Reads, Manifests;
        public override IReadOnlyList<StoredObject> List(string bucket, string prefix, CancellationToken ct) { Lists++; return Inner.List(bucket, prefix, ct); }
        public override void PutContent(string bucket, string key, Stream content, long length, byte[] sha256, ObjectWriteOptions options, CancellationToken ct) => throw new InvalidOperationException("a check writes nothing");
        public override void Touch(string bucket, string key, ObjectWriteOptions options, CancellationToken ct) => throw new InvalidOperationException("a check writes nothing");
        public override void ReadRange(string bucket, string key, long offset, int length, byte[] destination, int destinationOffset, CancellationToken ct) { Reads++; Inner.ReadRange(bucket, key, offset, length, destination, destinationOffset, ct); }
        public override void PutManifest(string bucket, FileManifest manifest, IDictionary<string, string> tags, ObjectWriteOptions options, CancellationToken ct) => throw new InvalidOperationException("a check writes nothing");
        public override FileManifest GetManifest(string bucket, string key, CancellationToken ct) { Manifests++; return Inner.GetManifest(bucket, key, ct); }
        public override IDictionary<string, string> Delete(string bucket, IReadOnlyCollection<string> keys, CancellationToken ct) => throw new InvalidOperationException("a check deletes nothing");
        public override void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, ObjectWriteOptions options, CancellationToken ct) => throw new InvalidOperationException("a check copies nothing");
    }

    [Fact]
    public void A_file_backup_passes_then_fails_naming_the_content_object_deleted_with_the_CLI_using_one_LIST_per_prefix()
    {
        var result = new FileBackupEngine(_bed.Store, FilesTestBed.SmallSettings()).Run(_bed.Request(_bed.MakeLedger()), new RecordingObserver(), CancellationToken.None);
        var point = result.RecoveryPoint;
        var ok = Check(point);
        Assert.Equal(FinRecoveryPointCheck.Passed, ok.Status);
        Assert.Equal(1 + result.Manifest.ReferencedObjects().Count, ok.ObjectsChecked);
        Assert.Equal(44, ok.FilesChecked);
        Assert.Empty(ok.Problems);

        var counting = new CountingStore(_bed.Store);
        RecoveryPointChecker.Check(point, new FileBackupPointVerifierForTest(counting), new RecoveryPointCheckOptions(), CancellationToken.None);
        Assert.Equal(1, counting.Manifests);
        Assert.Equal(2, counting.Lists); // data/ and packs/, whatever the number of objects
        Assert.Equal(0, counting.Reads);

        var pack = result.Manifest.ReferencedObjects().First(k => k.StartsWith("packs/"));
        Aws("s3", "rm", $"s3://{FilesTestBed.PrimaryBucket}/{pack}");
        var failed = Check(point);
        Assert.Equal(FinRecoveryPointCheck.Failed, failed.Status);
        Assert.True(failed.ProblemCount >= 1);
        Assert.Contains(failed.Problems, p => p.Contains(pack) && p.Contains("does not exist"));
    }

    [Fact]
    public void ReadData_detects_a_content_object_overwritten_with_the_CLI_and_Sample_reads_a_part_of_the_files()
    {
        var result = new FileBackupEngine(_bed.Store, FilesTestBed.SmallSettings()).Run(_bed.Request(_bed.MakeLedger()), new RecordingObserver(), CancellationToken.None);
        var point = result.RecoveryPoint;
        var full = Check(point, readData: true);
        Assert.Equal(FinRecoveryPointCheck.Passed, full.Status);
        Assert.Equal(43, full.FilesRead); // every file but the empty one
        Assert.Equal(result.Manifest.TotalBytes, full.BytesRead);

        var sampled = Check(point, readData: true, sample: 10);
        Assert.Equal(FinRecoveryPointCheck.Passed, sampled.Status);
        Assert.InRange(sampled.FilesRead, 1, 10);

        // Overwrite one chunk of journal.bin with bytes of the same length: existence still passes, -ReadData does not.
        var journal = result.Manifest.Files.Single(f => f.Path == "ledger/journal.bin");
        var chunk = journal.Parts[1];
        var garbage = Path.Combine(_bed.NewDir("garbage"), "chunk");
        File.WriteAllBytes(garbage, new byte[chunk.Length]);
        Aws("s3", "cp", garbage, $"s3://{FilesTestBed.PrimaryBucket}/{chunk.Key}");
        Assert.Equal(FinRecoveryPointCheck.Passed, Check(point).Status);
        var damaged = Check(point, readData: true);
        Assert.Equal(FinRecoveryPointCheck.Failed, damaged.Status);
        Assert.Contains(damaged.Problems, p => p.Contains("ledger/journal.bin") && p.Contains(chunk.Key) && p.Contains("SHA-256"));
    }

    [Fact]
    public void A_snapshot_set_with_a_member_deleted_with_the_CLI_fails_naming_it()
    {
        var vol1 = Aws("ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "8", "--query", "VolumeId");
        var vol2 = Aws("ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "8", "--query", "VolumeId");
        const string setId = "fin-set-check-1";
        var tags = $"ResourceType=snapshot,Tags=[{{Key=fin:set-id,Value={setId}}},{{Key=fin:managed-by,Value=FinBackup}},{{Key=fin:kind,Value=EbsSnapshotSet}}]";
        var snap1 = Aws("ec2", "create-snapshot", "--volume-id", vol1, "--tag-specifications", tags, "--query", "SnapshotId");
        var snap2 = Aws("ec2", "create-snapshot", "--volume-id", vol2, "--tag-specifications", tags, "--query", "SnapshotId");
        var point = new FinRecoveryPoint
        {
            RecoveryPointId = setId, Kind = RecoveryPointKind.EbsSnapshotSet, Region = FilesTestBed.Primary,
            SnapshotIds = new List<string> { snap1, snap2 }, ManagedByFinBackup = true,
        };
        var ok = Check(point);
        Assert.Equal(FinRecoveryPointCheck.Passed, ok.Status);
        Assert.Equal(2, ok.ObjectsChecked);

        Aws("ec2", "delete-snapshot", "--snapshot-id", snap2);
        var failed = Check(point);
        Assert.Equal(FinRecoveryPointCheck.Failed, failed.Status);
        Assert.Equal(1, failed.ProblemCount);
        Assert.Contains(snap2 + " (member of the set) does not exist", failed.Problems[0]);
    }

    [Fact]
    public void An_AMI_passes_with_its_block_device_snapshots_and_fails_once_deregistered()
    {
        var ami = Aws("ec2", "describe-images", "--owners", "amazon", "--query", "Images[0].ImageId");
        var instance = Aws("ec2", "run-instances", "--image-id", ami, "--count", "1", "--query", "Instances[0].InstanceId");
        var image = Aws("ec2", "create-image", "--instance-id", instance, "--name", "fin-check-ami", "--query", "ImageId");
        var point = new FinRecoveryPoint { RecoveryPointId = image, Kind = RecoveryPointKind.Ami, Region = FilesTestBed.Primary };
        var ok = Check(point);
        Assert.Equal(FinRecoveryPointCheck.Passed, ok.Status);
        Assert.True(ok.ObjectsChecked >= 2, "the image and its block-device snapshot(s)");

        Aws("ec2", "deregister-image", "--image-id", image);
        var failed = Check(point);
        Assert.Equal(FinRecoveryPointCheck.Failed, failed.Status);
        Assert.Contains(image + " does not exist", failed.Problems[0]);
    }

    [Fact]
    public void A_DB_snapshot_passes_and_fails_once_deleted_with_the_CLI()
    {
        Aws("rds", "create-db-instance", "--db-instance-identifier", "fin-check-db", "--engine", "postgres", "--db-instance-class", "db.t3.micro",
            "--master-username", "fin", "--master-user-password", "not-a-real-password-1", "--allocated-storage", "20", "--query", "DBInstance.DBInstanceIdentifier");
        Aws("rds", "create-db-snapshot", "--db-instance-identifier", "fin-check-db", "--db-snapshot-identifier", "fin-check-snap", "--query", "DBSnapshot.Status");
        var point = new FinRecoveryPoint { RecoveryPointId = "fin-check-snap", Kind = RecoveryPointKind.RdsSnapshot, Region = FilesTestBed.Primary };
        Assert.Equal(FinRecoveryPointCheck.Passed, Check(point).Status);

        Aws("rds", "delete-db-snapshot", "--db-snapshot-identifier", "fin-check-snap", "--query", "DBSnapshot.Status");
        var failed = Check(point);
        Assert.Equal(FinRecoveryPointCheck.Failed, failed.Status);
        Assert.Contains("fin-check-snap does not exist", failed.Problems[0]);
    }

    [Fact]
    public void A_kind_without_a_verifier_is_NotChecked_not_Passed()
    {
        var check = RecoveryPointChecker.Check(new FinRecoveryPoint { RecoveryPointId = "arn:aws:backup:x", Kind = RecoveryPointKind.BackupVaultPoint },
            new RecoveryPointVerifierCatalog(_bed.Context, FilesTestBed.Primary).Verifier(RecoveryPointKind.BackupVaultPoint), null, CancellationToken.None);
        Assert.Equal(FinRecoveryPointCheck.NotChecked, check.Status);
    }

    private sealed class FileBackupPointVerifierForTest(IFileBackupStore store) : IRecoveryPointVerifier
    {
        private readonly FileBackupVerifier _inner = new(store);
        public RecoveryPointKind Kind => RecoveryPointKind.FileBackup;
        public void Verify(FinRecoveryPoint point, RecoveryPointCheckOptions options, RecoveryPointCheckBuilder check, CancellationToken ct) => _inner.Verify(point, options, check, ct);
    }
}
