using System.Diagnostics;
using System.Text.Json;
using Amazon.EC2.Model;
using PutBucketRequest = Amazon.S3.Model.PutBucketRequest;
using FinBackup.Aws;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Aws.Restore;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Resources;
using FinBackup.Domain.Restore;
using FinBackup.Domain.Waiting;
using FinBackup.Tests.Aws;
using FinBackup.Tests.RecoveryPoints;

namespace FinBackup.Tests.Restore;

/// <summary>The moto estate plus backup buckets, a DR subnet and security group, the policy with RestoreTargets, and runtimes.</summary>
internal sealed class RestoreMotoBed : IDisposable
{
    public AwsClientContext Ctx { get; }
    public MotoEstate Estate { get; }
    public BackupPolicy Policy { get; }
    public string Endpoint { get; }
    public string PrimarySubnet { get; }
    public string PrimaryAz { get; }
    public string PrimarySg { get; }
    public string DrSubnet { get; }
    public string DrAz { get; }
    public string DrSg { get; }
    public string InstanceId => Estate.Instances["Cross-sell"];

    public RestoreMotoBed(string endpoint, bool withDatabase = true, bool mapping = true)
    {
        Endpoint = endpoint;
        Ctx = AwsTestContext.For(endpoint);
        Estate = MotoEstate.Seed(Ctx, withDatabase);
        foreach (var (region, bucket) in new[] { (MotoEstate.Primary, "fin-backup-use1"), (MotoEstate.Dr, "fin-backup-usw2") })
        {
            var put = new PutBucketRequest { BucketName = bucket };
            if (region != "us-east-1") put.BucketRegionName = region;
            Ctx.S3(region).PutBucketAsync(put).GetAwaiter().GetResult();
        }
        var instance = Ctx.Ec2(MotoEstate.Primary).DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = new() { InstanceId } }).Result
            .Reservations[0].Instances[0];
        PrimarySubnet = instance.SubnetId;
        PrimaryAz = instance.Placement.AvailabilityZone;
        PrimarySg = Ctx.Ec2(MotoEstate.Primary).CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "cross-sell", Description = "app", VpcId = instance.VpcId }).Result.GroupId;
        Ctx.Ec2(MotoEstate.Primary).ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = InstanceId, Groups = new() { PrimarySg } }).Wait();
        var drEc2 = Ctx.Ec2(MotoEstate.Dr);
        var drSubnet = drEc2.DescribeSubnetsAsync(new DescribeSubnetsRequest()).Result.Subnets.OrderBy(s => s.AvailabilityZone).Last();
        DrSubnet = drSubnet.SubnetId;
        DrAz = drSubnet.AvailabilityZone;
        DrSg = drEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "cross-sell-dr", Description = "dr", VpcId = drSubnet.VpcId }).Result.GroupId;
        Policy = MotoEstate.Policy();
        var app = Policy.Applications[0];
        app.Rto = TimeSpan.FromHours(2);
        app.RecoveryPoints.Add(RecoveryPointKindRequest.Ami);
        if (mapping)
        {
            app.RestoreTargets[MotoEstate.Dr] = new RestoreTarget
            {
                SubnetIds = { [PrimarySubnet] = DrSubnet },
                SecurityGroupIds = { [PrimarySg] = DrSg },
            };
        }
    }

    public RecoveryPointRuntime PointRuntime() =>
        new(r => new RecoveryPointProviderCatalog(Ctx, r))
        {
            PollInterval = TimeSpan.FromMilliseconds(20), WaitTimeout = TimeSpan.FromSeconds(60),
            RestoreMetadata = r => new S3RestoreMetadataStore(Ctx, r),
        };

    public RestoreRuntime Runtime() => new()
    {
        Ec2 = r => new Ec2RestoreGateway(Ctx, r),
        Rds = r => new RdsRestoreGateway(Ctx, r),
        Metadata = r => new S3RestoreMetadataStore(Ctx, r),
        Secrets = r => new SecretsRestoreStore(Ctx, r),
        Waiter = new Waiter(sleep: (t, ct) => ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50))),
        WaitPolicy = new WaitPolicy { Timeout = TimeSpan.FromSeconds(60) },
    };

    /// <summary>Takes a point the way New-FinSnapshot does (no discovery metadata: the creator captures it).</summary>
    public FinRecoveryPoint Take(RecoveryPointKind kind, string? resourceId = null)
    {
        var rt = PointRuntime();
        var taker = new RecoveryPointTaker(rt);
        var result = taker.Take(new TakeRecoveryPointRequest
        {
            ResourceId = resourceId ?? (kind == RecoveryPointKind.RdsSnapshot ? "cross-sell-db" : InstanceId),
            ResourceType = kind == RecoveryPointKind.RdsSnapshot ? FinResourceType.RdsDbInstance : FinResourceType.Ec2Instance,
            Region = MotoEstate.Primary, Application = "Cross-sell", Policy = Policy,
        }, kind, default);
        Assert.Null(result.MetadataWarning);
        taker.WaitUntilDone(result.Point, null, default);
        // Listed again, as Get-FinRecoveryPoint would (the create response of a snapshot set has no final state).
        return Assert.Single(rt.Provider(MotoEstate.Primary, kind).List(new RecoveryPointQuery { RecoveryPointIds = { result.Point.RecoveryPointId } }, default));
    }

    public FinRecoveryPoint CopyToDr(FinRecoveryPoint point)
    {
        var outcome = Assert.Single(new CopyCoordinator(PointRuntime()).Copy(new[] { point }, new CopyToRegionRequest { Policy = Policy, Wait = true }, null, default));
        Assert.Null(outcome.Error);
        return outcome.Copy;
    }

    public FinRestoreResult Restore(FinRecoveryPoint? point, RestoreRequest request, string region = MotoEstate.Primary)
    {
        request.Policy ??= Policy;
        var prepared = new RestoreEngine(Runtime()).Prepare(point, request, region, default);
        return prepared.Execute(null, default);
    }

    // ----- the AWS CLI, as an independent checker -----
    public JsonElement Cli(params string[] args)
    {
        var psi = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--endpoint-url", Endpoint, "--output", "json" }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_PAGER"] = "";
        // Hermetic under an admin's shell: no profile, session token or shared files of theirs.
        psi.Environment.Remove("AWS_PROFILE");
        psi.Environment.Remove("AWS_DEFAULT_PROFILE");
        psi.Environment.Remove("AWS_SESSION_TOKEN");
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"aws {string.Join(' ', args)} failed: {stderr}");
        var text = stdout.Result;
        return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Dictionary<string, string?> Tags(JsonElement resource, string property = "Tags") =>
        resource.TryGetProperty(property, out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString())
            : new Dictionary<string, string?>();

    public List<JsonElement> Volumes(string region, params string[] filters)
    {
        var args = new List<string> { "ec2", "describe-volumes", "--region", region };
        if (filters.Length > 0) { args.Add("--filters"); args.AddRange(filters); }
        return Cli(args.ToArray()).GetProperty("Volumes").EnumerateArray().ToList();
    }

    public List<JsonElement> Instances(string region, params string[] filters)
    {
        var args = new List<string> { "ec2", "describe-instances", "--region", region };
        if (filters.Length > 0) { args.Add("--filters"); args.AddRange(filters); }
        return Cli(args.ToArray()).GetProperty("Reservations").EnumerateArray().SelectMany(r => r.GetProperty("Instances").EnumerateArray()).ToList();
    }

    public List<string> DbIdentifiers(string region) =>
        Cli("rds", "describe-db-instances", "--region", region).GetProperty("DBInstances").EnumerateArray()
            .Select(d => d.GetProperty("DBInstanceIdentifier").GetString()!).ToList();

    public void Dispose() => Ctx.Dispose();
}
