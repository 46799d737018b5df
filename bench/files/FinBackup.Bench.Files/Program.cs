using System.Diagnostics;
using Amazon.Runtime;
using FinBackup.Aws;
using FinBackup.Aws.Files;
using FinBackup.Domain;
using FinBackup.Domain.Files;

// Usage:
//   backup  --endpoint URL --bucket B --path DIR [--path DIR2] --cache DIR [--app NAME] [--parallelism N] [--chunk-mib 8] [--pack-mib 16]
//   restore --endpoint URL --bucket B --manifest KEY --dest DIR
// Prints one line of key=value figures (the bench script adds /usr/bin/time's CPU, wall and peak RSS).
var opts = new Dictionary<string, List<string>>();
for (var i = 1; i + 1 < args.Length; i += 2)
{
    var k = args[i].TrimStart('-');
    if (!opts.TryGetValue(k, out var list)) opts[k] = list = new List<string>();
    list.Add(args[i + 1]);
}
string One(string k, string? d = null) => opts.TryGetValue(k, out var v) ? v[0] : d ?? throw new ArgumentException("--" + k + " is required");

var region = One("region", "us-east-1");
using var context = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), region, One("endpoint"));
var store = new S3FileBackupStore(context, region);
// FINBENCH_ALLOC_TYPES=1: which types the run allocates (the runtime's allocation-tick events, one per ~100 KB).
using var allocations = Environment.GetEnvironmentVariable("FINBENCH_ALLOC_TYPES") == "1" ? new AllocationTypes() : null;
var watch = Stopwatch.StartNew();
long peakAfterGc = 0;
using var sampler = new Timer(_ => { var h = GC.GetGCMemoryInfo().HeapSizeBytes; if (h > Interlocked.Read(ref peakAfterGc)) Interlocked.Exchange(ref peakAfterGc, h); }, null, 0, 10);
try
{
    switch (args.Length > 0 ? args[0] : "")
    {
        case "backup":
        {
            var engine = new FileBackupEngine(store, new FileBackupSettings { Parallelism = int.Parse(One("parallelism", "4")), ChunkSize = int.Parse(One("chunk-mib", "8")) << 20, PackSize = int.Parse(One("pack-mib", "16")) << 20 });
            var result = engine.Run(new FileBackupRequest
            {
                Bucket = One("bucket"),
                Application = One("app", "Bench"),
                KmsKeyId = One("kms", "alias/fin-backup"),
                Paths = opts["path"],
                CacheDirectory = One("cache"),
                Host = "bench",
            }, null!, CancellationToken.None);
            var s = result.Summary;
            allocations?.Print();
            Console.WriteLine($"finbackup files={s.Files} unchanged={s.FilesUnchanged} failed={s.FilesFailed} bytes={s.Bytes} read={s.BytesRead} uploaded={s.BytesUploaded} objects={s.ObjectsPut} manifest={s.RecoveryPointId} seconds={watch.Elapsed.TotalSeconds:F2} allocatedMiB={GC.GetTotalAllocatedBytes() / 1048576.0:F0} gcCount0={GC.CollectionCount(0)} gcCount2={GC.CollectionCount(2)} heapAfterGcPeakMiB={Interlocked.Read(ref peakAfterGc) / 1048576.0:F1}");
            break;
        }
        case "restore":
        {
            var manifest = store.GetManifest(One("bucket"), One("manifest"), CancellationToken.None);
            var manifestAllocated = GC.GetTotalAllocatedBytes();
            var s = new FileRestoreEngine(store).Run(new FileRestoreRequest { Manifest = manifest, Bucket = One("bucket"), Destination = One("dest"), Force = true }, new NullRestoreObserver(), CancellationToken.None);
            allocations?.Print();
            Console.WriteLine($"finbackup-restore files={s.FilesRestored} failed={s.FilesFailed} bytes={s.BytesRestored} requests={s.ObjectRequests} seconds={watch.Elapsed.TotalSeconds:F2} allocatedMiB={GC.GetTotalAllocatedBytes() / 1048576.0:F0} (manifest read {manifestAllocated / 1048576.0:F0})");
            break;
        }
        default:
            Console.Error.WriteLine("usage: backup|restore --endpoint URL --bucket B ...");
            return 2;
    }
}
catch (FinBackupException ex)
{
    Console.Error.WriteLine($"{ex.ErrorId}: {ex.Message}");
    return 1;
}
return 0;

sealed class NullRestoreObserver : IFileRestoreObserver
{
    public bool ShouldWrite(ManifestFile file, string target) => true;
    public void Failed(FinBackupException error, string path) => Console.Error.WriteLine($"{path}: {error.ErrorId} {error.Message}");
    public void Progress(FileRestoreProgress progress) { }
    public void Verbose(string message) { }
}

/// <summary>Allocation-tick events by type name: the runtime samples one event per ~100 KB allocated, with its type.</summary>
sealed class AllocationTypes : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = new();
    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
    }
    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName == null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload == null) return;
        var i = e.PayloadNames!.IndexOf("TypeName");
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var j && j >= 0 ? Convert.ToInt64(e.Payload[j]) : 100_000;
        var name = i >= 0 ? e.Payload[i]?.ToString() ?? "?" : "?";
        lock (_bytes) _bytes[name] = _bytes.TryGetValue(name, out var b) ? b + amount : amount;
    }
    public void Print()
    {
        lock (_bytes)
            foreach (var kv in _bytes.OrderByDescending(kv => kv.Value).Take(25))
                Console.Error.WriteLine($"  {kv.Value / 1048576.0,8:F1} MiB  {kv.Key}");
    }
}
