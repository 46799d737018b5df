using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Aws;
using FinBackup.Aws.Files;
using FinBackup.Domain.Files;
using FinBackup.TestSupport;

namespace FinBackup.Tests.Files;

/// <summary>Buckets in two regions on moto, temp directories, and helpers to build and compare file trees.</summary>
public sealed class FilesTestBed : IDisposable
{
    public const string Primary = "us-east-1";
    public const string Dr = "us-west-2";
    public const string PrimaryBucket = "fin-backup-use1";
    public const string DrBucket = "fin-backup-usw2";
    public const string PrimaryKey = "alias/fin-backup";
    public const string DrKey = "arn:aws:kms:us-west-2:123456789012:alias/fin-backup";

    private readonly List<string> _dirs = new();

    public FilesTestBed(MotoServer moto)
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        moto.Reset();
        Moto = moto;
        Context = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), Primary, moto.EndpointUrl);
        Context.S3(Primary).PutBucketAsync(new PutBucketRequest { BucketName = PrimaryBucket, UseClientRegion = false } /* us-east-1, whatever AWS_REGION says */).GetAwaiter().GetResult();
        Context.S3(Dr).PutBucketAsync(new PutBucketRequest { BucketName = DrBucket, BucketRegion = S3Region.USWest2 }).GetAwaiter().GetResult();
        Store = new S3FileBackupStore(Context, Primary);
        DrStore = new S3FileBackupStore(Context, Dr);
        CacheDir = NewDir("cache");
    }

    public MotoServer Moto { get; }
    public AwsClientContext Context { get; }
    public S3FileBackupStore Store { get; }
    public S3FileBackupStore DrStore { get; }
    public string CacheDir { get; }

    /// <summary>Small sizes so a few hundred KiB exercise packs, chunks and several objects.</summary>
    public static FileBackupSettings SmallSettings() => new()
    {
        SmallFileThreshold = 64 << 10,
        PackSize = 256 << 10,
        ChunkSize = 128 << 10,
        MaxBufferedBytes = 1 << 20,
        Parallelism = 3,
    };

    public FileBackupRequest Request(params string[] paths) => new()
    {
        Bucket = PrimaryBucket,
        Application = "Agent payment",
        PolicyName = "finco",
        KmsKeyId = PrimaryKey,
        Paths = paths.ToList(),
        Retention = TimeSpan.FromHours(12),
        Host = "agent-payment-app-1",
        CacheDirectory = CacheDir,
    };

    public string NewDir(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "finfiles-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        _dirs.Add(d);
        return d;
    }

    /// <summary>A tree like an application's data: 40 small files in nested dirs, 2 large files, an empty file.</summary>
    public string MakeLedger(int seed = 1)
    {
        var root = Path.Combine(NewDir("src"), "ledger");
        var rnd = new Random(seed);
        for (var i = 0; i < 40; i++)
        {
            var dir = Path.Combine(root, i % 2 == 0 ? "2026-11-0" + (i % 5) : "2026-10-1" + (i % 3));
            Directory.CreateDirectory(dir);
            var bytes = new byte[rnd.Next(10, 3000)];
            rnd.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(dir, $"entry-{i:D3}.dat"), bytes);
        }
        var big = new byte[300_000];
        rnd.NextBytes(big);
        File.WriteAllBytes(Path.Combine(root, "journal.bin"), big);
        var big2 = new byte[200_000];
        rnd.NextBytes(big2);
        File.WriteAllBytes(Path.Combine(root, "2026-11-01", "index.bin"), big2);
        File.WriteAllBytes(Path.Combine(root, "empty.txt"), Array.Empty<byte>());
        File.WriteAllText(Path.Combine(root, "secret.conf"), "password=hunter2\n");
        File.SetUnixFileMode(Path.Combine(root, "secret.conf"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return root;
    }

    public static Dictionary<string, string> HashTree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), Sha256OfFile, StringComparer.Ordinal);

    public static string Sha256OfFile(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();
    }

    public int CountObjects(string bucket, string prefix) =>
        Context.S3(bucket == DrBucket ? Dr : Primary).ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix }).GetAwaiter().GetResult().S3Objects?.Count ?? 0;

    /// <summary>Runs the AWS CLI against moto (an independent client), e.g. <c>Aws("s3", "rm", "s3://b/k")</c>; returns stdout.</summary>
    public string Aws(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("aws") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        psi.Environment.Remove("AWS_SESSION_TOKEN");
        psi.Environment.Remove("AWS_PROFILE");
        psi.Environment["AWS_DEFAULT_REGION"] = Primary;
        psi.Environment["AWS_REGION"] = Primary;
        psi.Environment["AWS_ENDPOINT_URL"] = Moto.EndpointUrl;
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "aws " + string.Join(" ", args) + " took more than 2 minutes");
        Assert.True(process.ExitCode == 0, $"aws {string.Join(" ", args)}: exit {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    public void Dispose()
    {
        foreach (var d in _dirs)
        {
            try { Directory.Delete(d, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        Context.Dispose();
    }
}

/// <summary>Collects what the engine reports.</summary>
public sealed class RecordingObserver : IFileBackupObserver, IFileRestoreObserver
{
    public List<(string Path, Domain.FinBackupException Error)> Failures { get; } = new();
    public List<(string Path, string Reason)> Skips { get; } = new();
    public List<string> Messages { get; } = new();
    public int ProgressCount { get; private set; }
    public Func<ManifestFile, string, bool> Write { get; set; } = (_, _) => true;

    public void Progress(FileBackupProgress progress) => ProgressCount++;
    public void Skipped(string path, string reason) => Skips.Add((path, reason));
    public void Failed(Domain.FinBackupException error, string path) => Failures.Add((path, error));
    public void Verbose(string message) => Messages.Add(message);
    public bool ShouldWrite(ManifestFile file, string target) => Write(file, target);
    public void Progress(FileRestoreProgress progress) => ProgressCount++;
}
