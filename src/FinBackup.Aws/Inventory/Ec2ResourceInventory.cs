using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Resources;

namespace FinBackup.Aws.Inventory
{
    /// <summary>
    /// EC2 side of resource discovery: DescribeInstances and DescribeVolumes with server-side tag filters
    /// (tag:&lt;key&gt; = application names), every page, plus the volumes attached to the instances found.
    /// </summary>
    [Gateway(typeof(IEc2ResourceInventory))]
    public sealed class Ec2ResourceInventory : IEc2ResourceInventory
    {
        /// <summary>EC2 accepts up to 200 values per filter; stay well below.</summary>
        private const int MaxFilterValues = 100;

        /// <summary>Results per page (EC2 allows 5 to 1000); small values exercise paging in tests.</summary>
        public int PageSize { get; set; } = 500;
        private static readonly List<string> LiveStates = new List<string> { "pending", "running", "stopping", "stopped" };

        private readonly AwsClientContext _context;
        private readonly string _region;

        public Ec2ResourceInventory(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public async Task<IReadOnlyList<FinResource>> FindByTagAsync(string tagKey, IReadOnlyCollection<string> tagValues, CancellationToken cancellationToken)
        {
            var ec2 = _context.Ec2(_region);
            var result = new List<FinResource>();
            try
            {
                var instances = new List<(Instance Instance, string Owner)>();
                foreach (var chunk in Chunk(tagValues))
                {
                    string token = null;
                    do
                    {
                        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
                        {
                            Filters = new List<Filter>
                            {
                                new Filter { Name = "tag:" + tagKey, Values = chunk },
                                new Filter { Name = "instance-state-name", Values = LiveStates },
                            },
                            MaxResults = PageSize,
                            NextToken = token,
                        }, cancellationToken).ConfigureAwait(false);
                        foreach (var reservation in response.Reservations ?? new List<Reservation>())
                        {
                            foreach (var instance in reservation.Instances ?? new List<Instance>())
                            {
                                instances.Add((instance, reservation.OwnerId));
                            }
                        }
                        token = response.NextToken;
                    }
                    while (!string.IsNullOrEmpty(token));
                }

                var volumes = new Dictionary<string, Volume>(StringComparer.Ordinal);
                foreach (var chunk in Chunk(tagValues))
                {
                    await DescribeVolumesAsync(ec2, new List<Filter> { new Filter { Name = "tag:" + tagKey, Values = chunk } }, PageSize, volumes, cancellationToken).ConfigureAwait(false);
                }
                var attachedIds = instances.SelectMany(i => (i.Instance.BlockDeviceMappings ?? new List<InstanceBlockDeviceMapping>())
                        .Where(m => m.Ebs?.VolumeId != null).Select(m => m.Ebs.VolumeId))
                    .Where(id => !volumes.ContainsKey(id)).Distinct().ToList();
                foreach (var chunk in Chunk(attachedIds))
                {
                    await DescribeVolumesAsync(ec2, new List<Filter> { new Filter { Name = "volume-id", Values = chunk } }, PageSize, volumes, cancellationToken).ConfigureAwait(false);
                }

                string account = instances.Select(i => i.Owner).FirstOrDefault(o => !string.IsNullOrEmpty(o));
                if (account == null && volumes.Count > 0)
                {
                    account = await AccountIdAsync(cancellationToken).ConfigureAwait(false);
                }
                var partition = Domain.Policy.AwsRegions.Partition(_region);
                var volumeOwner = new Dictionary<string, string>(StringComparer.Ordinal);

                foreach (var (instance, owner) in instances)
                {
                    var tags = Tags(instance.Tags);
                    tags.TryGetValue(tagKey, out var app);
                    var ids = (instance.BlockDeviceMappings ?? new List<InstanceBlockDeviceMapping>())
                        .Where(m => m.Ebs?.VolumeId != null).Select(m => m.Ebs.VolumeId).ToList();
                    var attached = ids.Where(volumes.ContainsKey).Select(id => volumes[id]).ToList();
                    foreach (var id in ids) volumeOwner[id] = app;
                    tags.TryGetValue("Name", out var name);
                    result.Add(new FinResource
                    {
                        Application = app,
                        ResourceType = FinResourceType.Ec2Instance,
                        ResourceId = instance.InstanceId,
                        Arn = $"arn:{partition}:ec2:{_region}:{owner ?? account}:instance/{instance.InstanceId}",
                        Region = _region,
                        Name = name,
                        SizeGiB = attached.Count > 0 ? attached.Sum(v => (double)(v.Size ?? 0)) : (double?)null,
                        Encrypted = attached.Count > 0 && attached.Count == ids.Count && attached.All(v => v.Encrypted == true),
                        VolumeIds = ids,
                        Tags = tags,
                        RestoreMetadata = Restore.RestoreMetadataCapture.FromInstance(instance),
                    });
                }

                foreach (var volume in volumes.Values)
                {
                    var tags = Tags(volume.Tags);
                    if (!tags.TryGetValue(tagKey, out var app) || !tagValues.Contains(app, StringComparer.Ordinal))
                    {
                        volumeOwner.TryGetValue(volume.VolumeId, out app); // untagged volume of a tagged instance
                    }
                    tags.TryGetValue("Name", out var name);
                    result.Add(new FinResource
                    {
                        Application = app,
                        ResourceType = FinResourceType.EbsVolume,
                        ResourceId = volume.VolumeId,
                        Arn = $"arn:{partition}:ec2:{_region}:{account}:volume/{volume.VolumeId}",
                        Region = _region,
                        Name = name,
                        SizeGiB = volume.Size,
                        Encrypted = volume.Encrypted == true,
                        VolumeIds = new List<string> { volume.VolumeId },
                        Tags = tags,
                    });
                }
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "ec2", "DescribeInstances/DescribeVolumes");
            }
            return result;
        }

        private static async Task DescribeVolumesAsync(IAmazonEC2 ec2, List<Filter> filters, int pageSize, Dictionary<string, Volume> into, CancellationToken cancellationToken)
        {
            string token = null;
            do
            {
                var response = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = filters, MaxResults = pageSize, NextToken = token }, cancellationToken).ConfigureAwait(false);
                foreach (var v in response.Volumes ?? new List<Volume>())
                {
                    into[v.VolumeId] = v;
                }
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        private async Task<string> AccountIdAsync(CancellationToken cancellationToken)
        {
            try
            {
                var identity = await _context.Sts(_region).GetCallerIdentityAsync(new Amazon.SecurityToken.Model.GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
                return identity.Account;
            }
            catch (Amazon.Runtime.AmazonServiceException)
            {
                return null; // the ARN is a convenience; discovery does not fail for it
            }
        }

        private static Dictionary<string, string> Tags(List<Tag> tags)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var t in tags ?? new List<Tag>())
            {
                if (t?.Key != null) d[t.Key] = t.Value;
            }
            return d;
        }

        private static IEnumerable<List<string>> Chunk(IEnumerable<string> values)
        {
            var all = values.ToList();
            for (int i = 0; i < all.Count; i += MaxFilterValues)
            {
                yield return all.Skip(i).Take(MaxFilterValues).ToList();
            }
        }
    }
}
