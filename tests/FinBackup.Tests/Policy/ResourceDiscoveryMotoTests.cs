using Amazon.EC2;
using Amazon.EC2.Model;
using FinBackup.Aws;
using FinBackup.Aws.Inventory;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Resources;
using FinBackup.Tests.Aws;
using FinBackup.TestSupport;
using static FinBackup.Tests.Policy.TestPolicies;

namespace FinBackup.Tests.Policy;

/// <summary>
/// Discovery against moto with the sandbox estate seeded here (COMMON.md's shared facts): one instance per
/// application (100 GiB root + 309 GiB data, +3 GiB on one), three tagged PostgreSQL instances of 10240 GiB.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ResourceDiscoveryMotoTests : IDisposable
{
    public static readonly (string Name, string Slug)[] Apps =
    {
        ("Cross-sell", "cross-sell"),
        ("Inventory Management System", "inventory"),
        ("Agent payment", "agent-payment"),
        ("Customer Assistance Management", "customer-assistance"),
        ("Vendor Assistance Management", "vendor-assistance"),
    };

    private readonly AwsClientContext _ctx;

    public ResourceDiscoveryMotoTests(MotoServer moto)
    {
        moto.Reset();
        _ctx = AwsTestContext.For(moto.EndpointUrl);
    }

    public void Dispose() => _ctx.Dispose();

    private async Task<string> ImageIdAsync(string region)
    {
        var images = await _ctx.Ec2(region).DescribeImagesAsync(new DescribeImagesRequest());
        return images.Images.First().ImageId;
    }

    private async Task<string> RunInstanceAsync(string region, string? app, string name, int dataGiB = 309, bool tagVolumes = true)
    {
        var tags = new List<Tag> { new() { Key = "Name", Value = name } };
        if (app != null) tags.Add(new Tag { Key = FinTags.Application, Value = app });
        var specs = new List<TagSpecification> { new() { ResourceType = ResourceType.Instance, Tags = tags } };
        if (tagVolumes && app != null) specs.Add(new TagSpecification { ResourceType = ResourceType.Volume, Tags = new List<Tag> { new() { Key = FinTags.Application, Value = app } } });
        var response = await _ctx.Ec2(region).RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = await ImageIdAsync(region),
            InstanceType = InstanceType.T3Medium,
            MinCount = 1,
            MaxCount = 1,
            BlockDeviceMappings = new List<BlockDeviceMapping>
            {
                new() { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { VolumeSize = 100, Encrypted = true, VolumeType = VolumeType.Gp3 } },
                new() { DeviceName = "/dev/sdf", Ebs = new EbsBlockDevice { VolumeSize = dataGiB, Encrypted = true, VolumeType = VolumeType.Gp3 } },
            },
            TagSpecifications = specs,
        });
        return response.Reservation.Instances[0].InstanceId;
    }

    private async Task SeedEstateAsync()
    {
        foreach (var (name, slug) in Apps)
        {
            await RunInstanceAsync("us-east-1", name, slug + "-app-1", slug == "cross-sell" ? 312 : 309);
        }
        foreach (var (id, app) in new[] { ("cross-sell-db", "Cross-sell"), ("inventory-db", "Inventory Management System"), ("agent-payment-db", "Agent payment") })
        {
            await _ctx.Rds("us-east-1").CreateDBInstanceAsync(new RdsCreateInstanceRequest
            {
                Identifier = id,
                AllocatedStorageGiB = 10240,
                MasterUserPassword = "Sandbox-Passw0rd",
                StorageEncrypted = true,
                Tags = new Dictionary<string, string> { [FinTags.Application] = app },
            });
        }
    }

    private ResourceDiscovery Discovery(int pageSize = 500) =>
        new(r => new Ec2ResourceInventory(_ctx, r) { PageSize = pageSize }, r => new RdsResourceInventory(_ctx, r));

    private static BackupPolicy FincoPolicy() =>
        Valid(Apps.Select(a => Ec2(a.Name)).ToArray());

    [Fact]
    public async Task Finds_the_sandbox_estate_one_object_per_instance_and_database()
    {
        await SeedEstateAsync();
        await RunInstanceAsync("us-east-1", null, "untagged-1"); // not an application's
        var policy = FincoPolicy();

        var result = Discovery().Discover(policy, policy.Applications.ToList(), new[] { "us-east-1" }, null, CancellationToken.None);

        Assert.Empty(result.Failures);
        Assert.Empty(result.Unmatched);
        var instances = result.Resources.Where(r => r.ResourceType == FinResourceType.Ec2Instance).ToList();
        var databases = result.Resources.Where(r => r.ResourceType == FinResourceType.RdsDbInstance).ToList();
        Assert.Equal(5, instances.Count);
        Assert.Equal(3, databases.Count);
        Assert.DoesNotContain(result.Resources, r => r.ResourceType == FinResourceType.EbsVolume); // attached volumes travel with their instance
        Assert.Equal(2048, instances.Sum(i => i.SizeGiB));     // 5 x (100 + 309) + 3 = 2 TB
        Assert.Equal(3 * 10240, databases.Sum(d => d.SizeGiB)); // 3 x 10 TB

        var cross = instances.Single(i => i.Application == "Cross-sell");
        Assert.Equal("cross-sell-app-1", cross.Name);
        Assert.Equal("us-east-1", cross.Region);
        Assert.Equal(2, cross.VolumeIds.Count);
        Assert.True(cross.Encrypted);
        Assert.Matches(@"^arn:aws:ec2:us-east-1:\d{12}:instance/i-[0-9a-f]+$", cross.Arn);
        Assert.Equal("Cross-sell", cross.Tags[FinTags.Application]);

        var db = databases.Single(d => d.Application == "Agent payment");
        Assert.Equal("agent-payment-db", db.ResourceId);
        Assert.StartsWith("arn:aws:rds:us-east-1:", db.Arn);
        Assert.True(db.Encrypted);
    }

    [Fact]
    public async Task Asking_for_volumes_lists_every_volume_of_the_application_with_its_size()
    {
        await RunInstanceAsync("us-east-1", "Cross-sell", "cross-sell-app-1", tagVolumes: false); // volumes untagged: found through the instance
        var policy = FincoPolicy();
        var result = Discovery().Discover(policy, new[] { policy.Applications[0] }, new[] { "us-east-1" }, new[] { FinResourceType.EbsVolume }, CancellationToken.None);
        var volumes = result.Resources.ToList();
        Assert.Equal(2, volumes.Count);
        Assert.All(volumes, v => Assert.Equal(FinResourceType.EbsVolume, v.ResourceType));
        Assert.All(volumes, v => Assert.Equal("Cross-sell", v.Application));
        Assert.All(volumes, v => Assert.Matches(@"^arn:aws:ec2:us-east-1:\d{12}:volume/vol-[0-9a-f]+$", v.Arn));
        Assert.Equal(new double?[] { 100, 309 }, volumes.Select(v => v.SizeGiB).OrderBy(s => s));
    }

    [Fact]
    public async Task A_tagged_volume_not_attached_to_an_instance_is_emitted_on_its_own()
    {
        var created = await _ctx.Ec2("us-east-1").CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = "us-east-1a",
            Size = 50,
            Encrypted = false,
            TagSpecifications = new List<TagSpecification> { new() { ResourceType = ResourceType.Volume, Tags = new List<Tag> { new() { Key = FinTags.Application, Value = "Agent payment" } } } },
        });
        var policy = FincoPolicy();
        var result = Discovery().Discover(policy, policy.Applications.ToList(), new[] { "us-east-1" }, null, CancellationToken.None);
        var volume = Assert.Single(result.Resources);
        Assert.Equal(created.Volume.VolumeId, volume.ResourceId);
        Assert.Equal(FinResourceType.EbsVolume, volume.ResourceType);
        Assert.False(volume.Encrypted);
        Assert.Equal(4, result.Unmatched.Count); // the other four applications have nothing
        Assert.DoesNotContain("Agent payment", result.Unmatched);
    }

    [Fact]
    public async Task Every_page_is_read()
    {
        for (int i = 0; i < 12; i++) await RunInstanceAsync("us-east-1", "Cross-sell", "cross-sell-app-" + i);
        var policy = FincoPolicy();
        var result = Discovery(pageSize: 5).Discover(policy, new[] { policy.Applications[0] }, new[] { "us-east-1" }, new[] { FinResourceType.Ec2Instance, FinResourceType.EbsVolume }, CancellationToken.None);
        Assert.Equal(12, result.Resources.Count(r => r.ResourceType == FinResourceType.Ec2Instance));
        Assert.Equal(24, result.Resources.Count(r => r.ResourceType == FinResourceType.EbsVolume));
    }

    [Fact]
    public async Task Terminated_instances_are_not_protected_resources()
    {
        var id = await RunInstanceAsync("us-east-1", "Cross-sell", "cross-sell-app-1");
        await _ctx.Ec2("us-east-1").TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = new List<string> { id } });
        var policy = FincoPolicy();
        var result = Discovery().Discover(policy, new[] { policy.Applications[0] }, new[] { "us-east-1" }, new[] { FinResourceType.Ec2Instance }, CancellationToken.None);
        Assert.Empty(result.Resources);
        Assert.Equal(new[] { "Cross-sell" }, result.Unmatched);
    }

    [Fact]
    public async Task Searches_each_region_asked_for()
    {
        await RunInstanceAsync("us-east-1", "Cross-sell", "cross-sell-app-1");
        await RunInstanceAsync("us-west-2", "Cross-sell", "cross-sell-dr-1");
        var policy = FincoPolicy();
        var result = Discovery().Discover(policy, new[] { policy.Applications[0] }, new[] { "us-east-1", "us-west-2" }, new[] { FinResourceType.Ec2Instance }, CancellationToken.None);
        Assert.Equal(new[] { "us-east-1", "us-west-2" }, result.Resources.Select(r => r.Region).OrderBy(r => r));
        Assert.Contains(result.Resources, r => r.Region == "us-west-2" && r.Arn.StartsWith("arn:aws:ec2:us-west-2:"));
    }

    [Fact]
    public async Task Uses_the_policy_tag_key()
    {
        await RunInstanceAsync("us-east-1", "Cross-sell", "cross-sell-app-1"); // tagged fin:application only
        var policy = FincoPolicy();
        policy.TagKey = "app";
        var result = Discovery().Discover(policy, new[] { policy.Applications[0] }, new[] { "us-east-1" }, null, CancellationToken.None);
        Assert.Empty(result.Resources);
        Assert.Equal(new[] { "Cross-sell" }, result.Unmatched);
    }

    [Fact]
    public void The_session_hands_out_the_adapters_by_port()
    {
        var session = new AwsSession(_ctx, "test", "test");
        Assert.IsType<Ec2ResourceInventory>(session.Get<IEc2ResourceInventory>("us-east-1"));
        Assert.IsType<RdsResourceInventory>(session.Get<IRdsResourceInventory>("us-west-2"));
    }

    [Fact]
    public void A_failing_region_is_reported_and_the_others_still_run()
    {
        var policy = FincoPolicy();
        var discovery = new ResourceDiscovery(
            r => r == "us-west-2" ? new FailingInventory() : new Ec2ResourceInventory(_ctx, r),
            r => new RdsResourceInventory(_ctx, r));
        var result = discovery.Discover(policy, policy.Applications.ToList(), new[] { "us-east-1", "us-west-2" }, new[] { FinResourceType.Ec2Instance }, CancellationToken.None);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("us-west-2", failure.Region);
        Assert.Equal("FinAwsAccessDenied", failure.Error.ErrorId);
    }

    private sealed class FailingInventory : IEc2ResourceInventory
    {
        public Task<IReadOnlyList<FinResource>> FindByTagAsync(string tagKey, IReadOnlyCollection<string> tagValues, CancellationToken cancellationToken) =>
            throw new FinBackupException("FinAwsAccessDenied", FinErrorKind.PermissionDenied, "denied");
    }
}
