using System.Collections.Concurrent;
using System.Text.Json;
using FinBackup.TestSupport;

namespace FinBackup.Bench.Faults;

/// <summary>One thing in the account that is (or should be) part of a recovery point, as the AWS CLI sees it.</summary>
public sealed record ObservedItem(string Region, string Type, string Id, IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>Name, times, state: for the report only.</summary>
    public string Info { get; init; } = string.Empty;
    /// <summary>For an AMI: the snapshots its block-device mappings use.</summary>
    public IReadOnlyList<string> Uses { get; init; } = System.Array.Empty<string>();
    public string? Tag(string key) => Tags.TryGetValue(key, out var v) ? v : null;
    public bool Managed => Tag("fin:managed-by") == "FinBackup" || Tag("fin:policy") != null;
    public string Key => Region + "|" + Type + "|" + Id;
}

/// <summary>A sweep: everything in both regions at one moment.</summary>
public sealed record Observation(DateTime At, IReadOnlyList<ObservedItem> Items, IReadOnlyList<string> IncompleteUploads, IReadOnlyList<string> StrayObjects);

/// <summary>
/// Looks at the account from outside, with the AWS CLI straight at moto (never through the proxy): AMIs and EBS snapshots
/// owned by the account, manual DB snapshots, and the backup buckets' manifests (with their S3 object tags),
/// incomplete multipart uploads and keys outside the file-backup layout.
/// </summary>
public sealed class EstateObserver
{
    private readonly string _endpoint;
    private readonly IReadOnlyList<string> _regions;
    private readonly IReadOnlyDictionary<string, string> _buckets;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _manifestTags = new(StringComparer.Ordinal);

    public EstateObserver(string endpoint, IReadOnlyList<string> regions, IReadOnlyDictionary<string, string> buckets)
    {
        _endpoint = endpoint;
        _regions = regions;
        _buckets = buckets;
    }

    public int CliCalls;
    public int FastSweeps;

    /// <summary>The prefixes FinBackup writes in a backup bucket (file-backup layout and restore metadata).</summary>
    /// <summary>Every prefix FinBackup writes in a backup bucket; anything else is a stray. sweep.py gets it from here (FIN_BENCH_LAYOUT).</summary>
    public static readonly string[] Layout = { "data/", "packs/", "manifests/", "restore-metadata/", "verification/", "fin-audit/", "fin-blueprints/", "fin-restore/", "fin-drills/" };

    /// <summary>
    /// The same sweep in one process (bench/faults/sweep.py, botocore like the AWS CLI, straight at moto): used after every
    /// cycle, where ten AWS CLI processes per sweep would cost more than the cycle. The final count uses <see cref="Sweep"/>.
    /// </summary>
    /// <summary>
    /// <see cref="SweepOnce"/>, tried up to 3 times: on a loaded machine moto can be slow enough for boto3's read timeout,
    /// which says nothing about the estate (the 20 % run of 2026-12-02 round 7 ended there after its 100 cycles).
    /// </summary>
    public Observation SweepFast(string script)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return SweepOnce(script);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                Thread.Sleep(TimeSpan.FromSeconds(10 * attempt));
            }
        }
    }

    private Observation SweepOnce(string script)
    {
        Interlocked.Increment(ref FastSweeps);
        var at = DateTime.UtcNow;
        var psi = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(_endpoint);
        foreach (var r in _regions) psi.ArgumentList.Add(r + "=" + (_buckets.TryGetValue(r, out var b) ? b : string.Empty));
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        psi.Environment["FIN_BENCH_LAYOUT"] = string.Join(",", Layout);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var known = _manifestTags.ToDictionary(kv => kv.Key, kv => kv.Value);
        p.StandardInput.Write(JsonSerializer.Serialize(known));
        p.StandardInput.Close();
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        var stdout = stdoutTask.GetAwaiter().GetResult();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("sweep.py failed: " + stderr);
        var root = JsonDocument.Parse(stdout).RootElement;
        var items = new List<ObservedItem>();
        foreach (var i in root.GetProperty("items").EnumerateArray())
        {
            var tags = i.GetProperty("tags").EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
            var item = new ObservedItem(i.GetProperty("region").GetString()!, i.GetProperty("type").GetString()!, i.GetProperty("id").GetString()!, tags) { Info = i.GetProperty("info").GetString() ?? string.Empty };
            if (item.Type == "manifest") _manifestTags[(_buckets.TryGetValue(item.Region, out var bk) ? bk : "") + "/" + item.Id] = tags;
            items.Add(item);
        }
        return new Observation(at, items, root.GetProperty("uploads").EnumerateArray().Select(e => e.GetString()!).ToList(), root.GetProperty("strays").EnumerateArray().Select(e => e.GetString()!).ToList());
    }

    private JsonElement Cli(string region, params string[] args)
    {
        Interlocked.Increment(ref CliCalls);
        return AwsCli.Run(_endpoint, region, args);
    }

    public Observation Sweep()
    {
        var at = DateTime.UtcNow;
        var items = new ConcurrentBag<ObservedItem>();
        var uploads = new ConcurrentBag<string>();
        var strays = new ConcurrentBag<string>();
        var jobs = new List<Task>();
        foreach (var region in _regions)
        {
            jobs.Add(Task.Run(() =>
            {
                var images = Cli(region, "ec2", "describe-images", "--owners", "self");
                foreach (var i in Array(images, "Images"))
                    items.Add(new ObservedItem(region, "ami", i.GetProperty("ImageId").GetString()!, Tags(i, "Tags"))
                    {
                        Info = Str(i, "Name") + " " + Str(i, "CreationDate"),
                        Uses = Array(i, "BlockDeviceMappings").Where(m => m.TryGetProperty("Ebs", out var e) && e.TryGetProperty("SnapshotId", out _))
                            .Select(m => m.GetProperty("Ebs").GetProperty("SnapshotId").GetString()!).ToList(),
                    });
            }));
            jobs.Add(Task.Run(() =>
            {
                var snaps = Cli(region, "ec2", "describe-snapshots", "--owner-ids", "self");
                foreach (var s in Array(snaps, "Snapshots"))
                    items.Add(new ObservedItem(region, "snapshot", s.GetProperty("SnapshotId").GetString()!, Tags(s, "Tags")) { Info = Str(s, "VolumeId") + " " + Str(s, "StartTime") + " " + Str(s, "Description") });
            }));
            jobs.Add(Task.Run(() =>
            {
                var db = Cli(region, "rds", "describe-db-snapshots", "--snapshot-type", "manual");
                foreach (var s in Array(db, "DBSnapshots"))
                    items.Add(new ObservedItem(region, "dbsnapshot", s.GetProperty("DBSnapshotIdentifier").GetString()!, Tags(s, "TagList")));
            }));
            if (_buckets.TryGetValue(region, out var bucket))
            {
                jobs.Add(Task.Run(() =>
                {
                    var list = Cli(region, "s3api", "list-objects-v2", "--bucket", bucket);
                    foreach (var o in Array(list, "Contents"))
                    {
                        var key = o.GetProperty("Key").GetString()!;
                        if (key.StartsWith("manifests/", StringComparison.Ordinal) && key.EndsWith(".json", StringComparison.Ordinal))
                        {
                            var cacheKey = bucket + "/" + key;
                            if (!_manifestTags.TryGetValue(cacheKey, out var tags) || !tags.ContainsKey("fin:managed-by"))
                            {
                                try { tags = Tags(Cli(region, "s3api", "get-object-tagging", "--bucket", bucket, "--key", key), "TagSet"); }
                                catch (InvalidOperationException) { continue; } // deleted between the listing and the tag read
                                _manifestTags[cacheKey] = tags;
                            }
                            items.Add(new ObservedItem(region, "manifest", key, tags));
                        }
                        else if (!Layout.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
                        {
                            strays.Add($"s3://{bucket}/{key}");
                        }
                    }
                }));
                jobs.Add(Task.Run(() =>
                {
                    var mpu = Cli(region, "s3api", "list-multipart-uploads", "--bucket", bucket);
                    foreach (var u in Array(mpu, "Uploads")) uploads.Add($"s3://{bucket}/{u.GetProperty("Key").GetString()}");
                }));
            }
        }
        Task.WaitAll(jobs.ToArray());
        return new Observation(at, items.ToList(), uploads.ToList(), strays.ToList());
    }

    private static IEnumerable<JsonElement> Array(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : Enumerable.Empty<JsonElement>();

    private static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;

    private static IReadOnlyDictionary<string, string> Tags(JsonElement e, string name)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in Array(e, name))
            if (t.TryGetProperty("Key", out var k) && t.TryGetProperty("Value", out var v)) d[k.GetString()!] = v.GetString() ?? string.Empty;
        return d;
    }
}
