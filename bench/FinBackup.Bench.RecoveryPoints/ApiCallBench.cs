using Amazon.Runtime;
using FinBackup.Aws;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Aws.Sandbox;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Sandbox;
using FinBackup.TestSupport;

namespace FinBackup.Bench.RecoveryPoints;

/// <summary>
/// AWS API calls per hourly Invoke-FinBackupCycle for the bank's estate (5 instances x 2 volumes, 3 RDS DBs, the recommended
/// policy: EBS sets for all, an AMI for Cross-sell, RDS snapshots for 3), counted at a recording proxy in front of moto,
/// against the minimum possible. A fake clock advances one hour per cycle so expiry reaches steady state.
/// </summary>
internal static class ApiCallBench
{
    /// <summary>
    /// The fewest calls that could do this cycle's work: 2 discovery calls (DescribeInstances, DescribeDBInstances), one
    /// listing per kind and region (the policy's kinds: EBS sets, AMIs, RDS snapshots and, for Agent payment, file
    /// backups; 4 x 2 regions), one KMS DescribeKey when anything is copied (the destination key is checked once per run
    /// before copying), and exactly one call per create, copy, deregister and delete the cycle made.
    /// Until 2026-12-01 this said 3 kinds x 2 regions and left out DescribeKey, although the cycle lists file backups
    /// (the S3 GETs) and checks the key by design: the minimum was 3 calls too low.
    /// </summary>
    private static int Minimum(List<(string Service, string Region, string Operation)> calls, int kinds, int regions)
    {
        var made = calls.Count(c => c.Operation.StartsWith("Create", StringComparison.Ordinal) && c.Operation != "CreateTags"
                                    || c.Operation.StartsWith("Copy", StringComparison.Ordinal)
                                    || c.Operation.StartsWith("Delete", StringComparison.Ordinal)
                                    || c.Operation.StartsWith("Deregister", StringComparison.Ordinal));
        var copied = calls.Any(c => c.Operation.StartsWith("Copy", StringComparison.Ordinal));
        return 2 + kinds * regions + (copied ? 1 : 0) + made;
    }

    public static void Run(string repoRoot)
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        using var moto = new MotoServer();
        var policy = PolicyReader.ReadJson(File.ReadAllText(Path.Combine(repoRoot, "examples", "finco.recommended.policy.json")), "finco.recommended.policy.json").Policy;
        using (var seedCtx = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), "us-east-1", moto.EndpointUrl))
        {
            new SandboxSeeder(seedCtx, "us-east-1").SeedAsync(new SandboxEstate(), _ => { }, CancellationToken.None).GetAwaiter().GetResult();
        }
        using var proxy = new RecordingProxy(moto.EndpointUrl, MotoServer.FreePort());
        using var ctx = new AwsClientContext(new BasicAWSCredentials("testing", "testing"), "us-east-1", proxy.EndpointUrl);
        var now = DateTime.UtcNow;
        var runtime = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(ctx, r)) { UtcNow = () => now, PollInterval = TimeSpan.FromMilliseconds(50), KmsKeys = r => new KmsKeyCheck(ctx, r) };
        var cycle = new BackupCycle(runtime, r => new ProtectedResourceFinder(ctx, r));
        var kinds = BackupCycle.PolicyKinds(policy.Applications).Count();
        var regions = policy.Regions.Count();

        Console.WriteLine("Hourly cycles for the bank's estate (5 EC2 apps x 2 volumes, 3 RDS; recommended policy):");
        Console.WriteLine("  cycle  taken copied removed failed  calls minimum  ratio  by operation");
        for (var hour = 0; hour < 15; hour++)
        {
            while (proxy.Calls.TryDequeue(out _)) { }
            var summaries = cycle.Run(policy, new BackupCycleCallbacks(), CancellationToken.None);
            var calls = proxy.Calls.ToList();
            var byOp = calls.GroupBy(c => c.Operation).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
            Console.WriteLine($"  {hour + 1,5}  {summaries.Sum(s => s.Taken),5} {summaries.Sum(s => s.Copied),6} {summaries.Sum(s => s.Removed),7} {summaries.Sum(s => s.Failed),6}  {calls.Count,5} {Minimum(calls, kinds, regions),7}  {calls.Count / (double)Minimum(calls, kinds, regions),5:F2}  {string.Join(", ", byOp)}");
            if (hour == 0)
            {
                // A scheduler re-run in the same window (crash recovery, or running every few minutes).
                while (proxy.Calls.TryDequeue(out _)) { }
                var again = cycle.Run(policy, new BackupCycleCallbacks(), CancellationToken.None);
                var rerun = proxy.Calls.ToList();
                Console.WriteLine($"  rerun  {again.Sum(s => s.Taken),5} {again.Sum(s => s.Copied),6} {again.Sum(s => s.Removed),7} {again.Sum(s => s.Failed),6}  {rerun.Count,5} {Minimum(rerun, kinds, regions),7}  {rerun.Count / (double)Minimum(rerun, kinds, regions),5:F2}  {string.Join(", ", rerun.GroupBy(c => c.Operation).Select(g => $"{g.Key} {g.Count()}"))}");
            }
            now = now.AddHours(1);
        }
        Console.WriteLine();
        Console.WriteLine($"minimum = 2 discovery + {kinds * regions} listings ({kinds} kinds x {regions} regions) + 1 DescribeKey when copying + one call per create, copy, deregister and delete made.");
        Console.WriteLine("Extra calls: ListBuckets + a manifest probe per region (file-backup bucket discovery), one pending-snapshot query,");
        Console.WriteLine("one refresh of the new sets before copying and one of the DR copies before the RPO, one leftover-copy check per kind copied,");
        Console.WriteLine("one DescribeImages per batch of new images and one per batch of new image copies, and CreateTags on each (moto ignores those TagSpecifications; on AWS the copies carry their tags and are not tagged again).");
    }
}
