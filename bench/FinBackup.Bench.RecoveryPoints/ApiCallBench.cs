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
    /// The fewest calls that could do this cycle's work: 2 discovery calls, one listing per kind and region (3 kinds x 2
    /// regions), and exactly one call per create, copy, deregister and delete the cycle made.
    /// </summary>
    private static int Minimum(List<(string Service, string Region, string Operation)> calls) =>
        2 + 3 * 2 + calls.Count(c => c.Operation.StartsWith("Create", StringComparison.Ordinal) && c.Operation != "CreateTags"
                                     || c.Operation.StartsWith("Copy", StringComparison.Ordinal)
                                     || c.Operation.StartsWith("Delete", StringComparison.Ordinal)
                                     || c.Operation.StartsWith("Deregister", StringComparison.Ordinal));

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

        Console.WriteLine("Hourly cycles for the bank's estate (5 EC2 apps x 2 volumes, 3 RDS; recommended policy):");
        Console.WriteLine("  cycle  taken copied removed failed  calls minimum  by operation");
        for (var hour = 0; hour < 15; hour++)
        {
            while (proxy.Calls.TryDequeue(out _)) { }
            var summaries = cycle.Run(policy, new BackupCycleCallbacks(), CancellationToken.None);
            var calls = proxy.Calls.ToList();
            var byOp = calls.GroupBy(c => c.Operation).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
            Console.WriteLine($"  {hour + 1,5}  {summaries.Sum(s => s.Taken),5} {summaries.Sum(s => s.Copied),6} {summaries.Sum(s => s.Removed),7} {summaries.Sum(s => s.Failed),6}  {calls.Count,5} {Minimum(calls),7}  {string.Join(", ", byOp)}");
            if (hour == 0)
            {
                // A scheduler re-run in the same window (crash recovery, or running every few minutes).
                while (proxy.Calls.TryDequeue(out _)) { }
                var again = cycle.Run(policy, new BackupCycleCallbacks(), CancellationToken.None);
                var rerun = proxy.Calls.ToList();
                Console.WriteLine($"  rerun  {again.Sum(s => s.Taken),5} {again.Sum(s => s.Copied),6} {again.Sum(s => s.Removed),7} {again.Sum(s => s.Failed),6}  {rerun.Count,5}   {string.Join(", ", rerun.GroupBy(c => c.Operation).Select(g => $"{g.Key} {g.Count()}"))}");
            }
            now = now.AddHours(1);
        }
        Console.WriteLine();
        Console.WriteLine("minimum = 2 discovery + 6 listings (3 kinds x 2 regions) + one call per create, copy, deregister and delete made.");
        Console.WriteLine("Extra calls: the DR listing for the copy queue, a second primary listing for expiry, one pending-snapshot query,");
        Console.WriteLine("DescribeImages after CreateImage/CopyImage and CreateTags on AMI snapshots and image copies (moto ignores those TagSpecifications).");
    }
}
