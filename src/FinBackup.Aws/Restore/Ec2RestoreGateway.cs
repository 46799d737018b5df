using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amazon.EC2;
using Amazon.EC2.Model;
using FinBackup.Aws.RecoveryPoints;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Restore;
using FinBackup.Domain.Waiting;
using static FinBackup.Aws.RecoveryPoints.RecoveryPointAwsErrors;

namespace FinBackup.Aws.Restore
{
    /// <summary>
    /// EC2 side of restores: CreateVolume (KMS key, VolumeInitializationRate, TagSpecifications, ClientToken), attach/detach,
    /// RunInstances (ClientToken, TagSpecifications), CreateLaunchTemplateVersion, and cleanup by the fin:restore-id tag.
    /// </summary>
    [Gateway(typeof(IEc2RestoreGateway))]
    public sealed class Ec2RestoreGateway : IEc2RestoreGateway
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public Ec2RestoreGateway(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        private IAmazonEC2 Ec2 => _context.Ec2(_region);

        public IReadOnlyList<RestoreSnapshot> DescribeSnapshots(IEnumerable<string> snapshotIds, CancellationToken ct)
        {
            var ids = snapshotIds?.ToList() ?? new List<string>();
            if (ids.Count == 0) return new List<RestoreSnapshot>();
            var r = Call(() => Ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = ids }, ct), $"DescribeSnapshots in {_region}");
            return (r.Snapshots ?? new List<Snapshot>()).Select(s => new RestoreSnapshot
            {
                SnapshotId = s.SnapshotId,
                VolumeId = s.VolumeId,
                SizeGiB = s.VolumeSize ?? 0,
                SourceSnapshotId = EbsSnapshotSetGateway.Tag(s.Tags, "fin:source-snapshot-id"),
            }).ToList();
        }

        public RestoreInstanceInfo DescribeInstance(string instanceId, CancellationToken ct)
        {
            DescribeInstancesResponse r;
            try
            {
                r = Call(() => Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = new List<string> { instanceId } }, ct), $"DescribeInstances {instanceId} in {_region}");
            }
            catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ObjectNotFound || ex.Message.Contains("InvalidInstanceID"))
            {
                return null;
            }
            var i = (r.Reservations ?? new List<Reservation>()).SelectMany(x => x.Instances ?? new List<Instance>()).FirstOrDefault();
            if (i == null) return null;
            var info = new RestoreInstanceInfo
            {
                InstanceId = i.InstanceId, State = i.State?.Name?.Value, AvailabilityZone = i.Placement?.AvailabilityZone, SubnetId = i.SubnetId,
            };
            foreach (var b in i.BlockDeviceMappings ?? new List<InstanceBlockDeviceMapping>())
            {
                if (b.Ebs?.VolumeId != null && !string.IsNullOrEmpty(b.DeviceName)) info.Devices[b.DeviceName] = b.Ebs.VolumeId;
            }
            return info;
        }

        public string SubnetAvailabilityZone(string subnetId, CancellationToken ct)
        {
            var r = Call(() => Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = new List<string> { subnetId } }, ct), $"DescribeSubnets {subnetId} in {_region}");
            return r.Subnets?.FirstOrDefault()?.AvailabilityZone
                   ?? throw new FinBackupException("FinResourceNotFound", FinErrorKind.ObjectNotFound, $"Subnet {subnetId} was not found in {_region}.", "Check RestoreTargets in the policy.");
        }

        public string CreateVolume(VolumeSpec spec, CancellationToken ct)
        {
            var request = new CreateVolumeRequest
            {
                SnapshotId = spec.SnapshotId,
                AvailabilityZone = spec.AvailabilityZone,
                Encrypted = true,
                KmsKeyId = spec.KmsKeyId,
                ClientToken = spec.ClientToken,
                TagSpecifications = new List<TagSpecification> { new TagSpecification { ResourceType = ResourceType.Volume, Tags = Ec2Tags(spec.Tags) } },
            };
            if (spec.InitializationRateMiBps.HasValue) request.VolumeInitializationRate = spec.InitializationRateMiBps.Value;
            if (!string.IsNullOrEmpty(spec.VolumeType)) request.VolumeType = VolumeType.FindValue(spec.VolumeType);
            var r = Call(() => Ec2.CreateVolumeAsync(request, ct), $"CreateVolume from {spec.SnapshotId} in {spec.AvailabilityZone}");
            return r.Volume.VolumeId;
        }

        public IDictionary<string, string> VolumeStates(IEnumerable<string> volumeIds, CancellationToken ct)
        {
            var ids = volumeIds.ToList();
            var states = new Dictionary<string, string>(StringComparer.Ordinal);
            if (ids.Count == 0) return states;
            try
            {
                var r = Call(() => Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = ids }, ct), $"DescribeVolumes in {_region}");
                foreach (var v in r.Volumes ?? new List<Volume>()) states[v.VolumeId] = v.State?.Value;
            }
            catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ObjectNotFound)
            {
                // one of them is gone: report the others one by one
                foreach (var id in ids)
                {
                    try
                    {
                        var r = Call(() => Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = new List<string> { id } }, ct), $"DescribeVolumes {id}");
                        foreach (var v in r.Volumes ?? new List<Volume>()) states[v.VolumeId] = v.State?.Value;
                    }
                    catch (FinBackupException e) when (e.Kind == FinErrorKind.ObjectNotFound) { }
                }
            }
            return states;
        }

        public void AttachVolume(string volumeId, string instanceId, string device, CancellationToken ct) =>
            Call(() => Ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volumeId, InstanceId = instanceId, Device = device }, ct),
                $"AttachVolume {volumeId} to {instanceId} at {device}");

        public void DetachVolume(string volumeId, string instanceId, CancellationToken ct) =>
            Call(() => Ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volumeId, InstanceId = instanceId }, ct), $"DetachVolume {volumeId} from {instanceId}");

        public void Tag(IEnumerable<string> resourceIds, IDictionary<string, string> tags, CancellationToken ct)
        {
            var ids = resourceIds.ToList();
            if (ids.Count == 0) return;
            Call(() => Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = ids, Tags = Ec2Tags(tags) }, ct), $"CreateTags on {string.Join(", ", ids)}");
        }

        public string RunInstance(InstanceSpec spec, CancellationToken ct)
        {
            var request = new RunInstancesRequest
            {
                ImageId = spec.ImageId,
                InstanceType = InstanceType.FindValue(spec.InstanceType),
                MinCount = 1,
                MaxCount = 1,
                SubnetId = spec.SubnetId,
                KeyName = spec.KeyName,
                ClientToken = spec.ClientToken,
                TagSpecifications = new List<TagSpecification>
                {
                    new TagSpecification { ResourceType = ResourceType.Instance, Tags = Ec2Tags(spec.Tags) },
                    new TagSpecification { ResourceType = ResourceType.Volume, Tags = Ec2Tags(spec.Tags) },
                },
            };
            if (spec.SecurityGroupIds != null && spec.SecurityGroupIds.Count > 0) request.SecurityGroupIds = spec.SecurityGroupIds.ToList();
            if (!string.IsNullOrEmpty(spec.IamInstanceProfile))
                request.IamInstanceProfile = spec.IamInstanceProfile.StartsWith("arn:", StringComparison.Ordinal)
                    ? new IamInstanceProfileSpecification { Arn = spec.IamInstanceProfile }
                    : new IamInstanceProfileSpecification { Name = spec.IamInstanceProfile };
            var r = Call(() => Ec2.RunInstancesAsync(request, ct), $"RunInstances from {spec.ImageId} in {_region}");
            return r.Reservation.Instances[0].InstanceId;
        }

        public long CreateLaunchTemplateVersion(string launchTemplateId, string imageId, string restoreId, CancellationToken ct)
        {
            var r = Call(() => Ec2.CreateLaunchTemplateVersionAsync(new CreateLaunchTemplateVersionRequest
            {
                LaunchTemplateId = launchTemplateId,
                SourceVersion = "$Latest",
                VersionDescription = $"FinBackup restore {restoreId}: image {imageId}",
                LaunchTemplateData = new RequestLaunchTemplateData { ImageId = imageId },
            }, ct), $"CreateLaunchTemplateVersion of {launchTemplateId}");
            var version = r.LaunchTemplateVersion?.VersionNumber ?? 0;
            // Versions carry no tags: the template records which version this restore made.
            Tag(new[] { launchTemplateId }, new Dictionary<string, string> { [RestoreTags.LaunchTemplateVersionPrefix + restoreId] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct);
            return version;
        }

        public IReadOnlyList<FinRestoredResource> FindRestored(string restoreId, CancellationToken ct)
        {
            var found = new List<FinRestoredResource>();
            var byTag = new List<Filter> { new Filter("tag:" + RestoreTags.RestoreId, new List<string> { restoreId }) };
            var instances = Call(() => Ec2.DescribeInstancesAsync(new DescribeInstancesRequest
            {
                Filters = byTag.Concat(new[] { new Filter("instance-state-name", new List<string> { "pending", "running", "stopping", "stopped" }) }).ToList(),
            }, ct), $"DescribeInstances in {_region}");
            foreach (var i in (instances.Reservations ?? new List<Reservation>()).SelectMany(x => x.Instances ?? new List<Instance>()))
                found.Add(Found(restoreId, "Ec2Instance", i.InstanceId));
            var volumes = Call(() => Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = byTag }, ct), $"DescribeVolumes in {_region}");
            foreach (var v in volumes.Volumes ?? new List<Volume>())
                found.Add(Found(restoreId, "EbsVolume", v.VolumeId));
            var templates = Call(() => Ec2.DescribeLaunchTemplatesAsync(new DescribeLaunchTemplatesRequest
            {
                Filters = new List<Filter> { new Filter("tag-key", new List<string> { RestoreTags.LaunchTemplateVersionPrefix + restoreId }) },
            }, ct), $"DescribeLaunchTemplates in {_region}");
            foreach (var t in templates.LaunchTemplates ?? new List<LaunchTemplate>())
            {
                var v = (t.Tags ?? new List<Tag>()).FirstOrDefault(x => x.Key == RestoreTags.LaunchTemplateVersionPrefix + restoreId)?.Value;
                if (v != null) found.Add(Found(restoreId, "LaunchTemplateVersion", t.LaunchTemplateId + ":" + v));
            }
            return found;
        }

        public void Remove(FinRestoredResource resource, CancellationToken ct)
        {
            switch (resource.ResourceType)
            {
                case "Ec2Instance":
                    Call(() => Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = new List<string> { resource.ResourceId } }, ct),
                        $"TerminateInstances {resource.ResourceId}");
                    break;
                case "EbsVolume":
                    var states = VolumeStates(new[] { resource.ResourceId }, ct);
                    if (!states.TryGetValue(resource.ResourceId, out var state)) return; // gone with its instance
                    if (state == "in-use")
                    {
                        var attachment = Call(() => Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = new List<string> { resource.ResourceId } }, ct), "DescribeVolumes")
                            .Volumes?.FirstOrDefault()?.Attachments?.FirstOrDefault();
                        if (attachment != null) DetachVolume(resource.ResourceId, attachment.InstanceId, ct);
                        new Waiter().Until($"Detaching {resource.ResourceId}", t => VolumeStates(new[] { resource.ResourceId }, t),
                            s => !s.TryGetValue(resource.ResourceId, out var v) || v == "available", new WaitPolicy { Timeout = TimeSpan.FromMinutes(15) }, ct);
                    }
                    Call(() => Ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = resource.ResourceId }, ct), $"DeleteVolume {resource.ResourceId}");
                    break;
                case "LaunchTemplateVersion":
                    var parts = resource.ResourceId.Split(':');
                    Call(() => Ec2.DeleteLaunchTemplateVersionsAsync(new DeleteLaunchTemplateVersionsRequest
                    {
                        LaunchTemplateId = parts[0], Versions = new List<string> { parts[1] },
                    }, ct), $"DeleteLaunchTemplateVersions {resource.ResourceId}");
                    Call(() => Ec2.DeleteTagsAsync(new DeleteTagsRequest
                    {
                        Resources = new List<string> { parts[0] }, Tags = new List<Tag> { new Tag { Key = RestoreTags.LaunchTemplateVersionPrefix + resource.RestoreId } },
                    }, ct), $"DeleteTags on {parts[0]}");
                    break;
                default:
                    throw new FinBackupException("FinRestoreResourceTypeUnknown", FinErrorKind.InvalidArgument, $"Unknown restored resource type {resource.ResourceType}.");
            }
        }

        private FinRestoredResource Found(string restoreId, string type, string id) =>
            new FinRestoredResource { RestoreId = restoreId, ResourceType = type, ResourceId = id, Region = _region, Status = "Found" };

        private static List<Tag> Ec2Tags(IDictionary<string, string> tags) =>
            (tags ?? new Dictionary<string, string>()).Where(kv => !string.IsNullOrEmpty(kv.Key)).Select(kv => new Tag(kv.Key, kv.Value ?? string.Empty)).ToList();
    }
}
