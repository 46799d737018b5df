using System.Text;
using Amazon.EC2.Model;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>The backup cycle against moto across two regions, with faults injected at a loopback proxy.</summary>
[Collection(MotoCollection.Name)]
public sealed class CycleFaultTests
{
    private readonly MotoServer _moto;

    public CycleFaultTests(MotoServer moto)
    {
        _moto = moto;
        moto.Reset();
    }

    private static CannedResponse Throttled() => new(503,
        "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>fault</RequestID></Response>");

    [Fact]
    public void Throttling_in_the_DR_region_is_reported_the_rest_goes_on_and_nothing_of_that_kind_is_deleted_until_a_clean_run()
    {
        using (var seed = AwsTestContext.For(_moto.EndpointUrl)) MotoEstate.Seed(seed, true);
        var throttle = false;
        using var proxy = new LoopbackProxy(_moto.EndpointUrl, (_, req) =>
            throttle && req.Headers.TryGetValue("Authorization", out var auth) && auth.Contains("/us-west-2/ec2/")
                     && Encoding.UTF8.GetString(req.Body).Contains("Action=DescribeSnapshots") ? Throttled() : null);
        using var ctx = AwsTestContext.For(proxy.EndpointUrl);
        var now = DateTime.UtcNow;
        var runtime = new RecoveryPointRuntime(r => new RecoveryPointProviderCatalog(ctx, r)) { UtcNow = () => now, PollInterval = TimeSpan.FromMilliseconds(10) };
        var cycle = new BackupCycle(runtime, r => new ProtectedResourceFinder(ctx, r));
        var policy = MotoEstate.Policy();

        var first = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default));
        Assert.Equal(2, first.Taken);   // snapshot set + RDS snapshot
        Assert.Equal(2, first.Copied);
        Assert.Equal(0, first.Failed);

        // 13 hours later the first window's points have expired; the DR region's EC2 listing is throttled.
        now = now.AddHours(13);
        throttle = true;
        var errors = new List<string>();
        var faulty = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks { Error = (ex, _) => errors.Add(ex.ErrorId) }, default));
        Assert.Contains("FinAwsThrottled", errors);
        Assert.True(faulty.Failed > 0);
        Assert.Equal(2, faulty.Taken);                   // the new window is still taken
        Assert.Equal(1, faulty.Copied);                  // the RDS copy still goes to DR; the EBS copy failed
        Assert.Equal(2, faulty.Removed);                 // only the expired RDS snapshot and its DR copy (RDS listings were fine)
        var primarySets = new EbsSnapshotSetGateway(AwsTestContext.For(_moto.EndpointUrl), "us-east-1").List(new RecoveryPointQuery(), default);
        Assert.Equal(2, primarySets.Count);              // the expired set is still there: nothing of that kind deleted

        throttle = false;
        var clean = Assert.Single(cycle.Run(policy, new BackupCycleCallbacks(), default));
        Assert.Equal(0, clean.Failed);
        Assert.Equal(0, clean.Taken);
        Assert.Equal(1, clean.Copied);                   // the EBS copy the throttled run could not make
        Assert.Equal(2, clean.Removed);                  // the expired snapshot sets in both regions
        using var check = AwsTestContext.For(_moto.EndpointUrl);
        Assert.Single(new EbsSnapshotSetGateway(check, "us-east-1").List(new RecoveryPointQuery(), default));
        Assert.Single(new EbsSnapshotSetGateway(check, "us-west-2").List(new RecoveryPointQuery(), default));
        Assert.NotNull(clean.DrRpo);
    }
}
