using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// EBS snapshot set -> one volume per member in the target AZ, encrypted with the region's policy key, at the requested
    /// initialization rate, tagged fin:restored-from / fin:restore-id; optionally attached to -InstanceId at the recorded
    /// devices, or swapped in for a stopped instance's volumes (-ReplaceVolumes: old ones detached, tagged, kept).
    /// </summary>
    internal sealed class EbsSnapshotSetRestorer
    {
        private readonly RestoreRuntime _runtime;

        public EbsSnapshotSetRestorer(RestoreRuntime runtime) { _runtime = runtime; }

        private sealed class Member
        {
            public RestoreSnapshot Snapshot;
            public string Device;
            public string ReplacesVolumeId;
        }

        public PreparedRestore Prepare(FinRecoveryPoint point, RestoreRequest request, CancellationToken ct)
        {
            var region = point.Region;
            var ec2 = _runtime.Ec2(region);
            var policy = request.Policy;
            var app = policy?.FindApplication(point.Application);
            var doc = RestoreEngine.LoadMetadata(_runtime, point, policy, null, ct);
            var key = request.KmsKeyId ?? policy?.KmsKeyFor(region);
            if (string.IsNullOrEmpty(key))
                throw new FinBackupException("FinRestoreKmsKeyMissing", FinErrorKind.InvalidArgument,
                    $"No KMS key for restored volumes in {region}: FinBackup does not create unencrypted volumes.",
                    $"Pass -Policy with a KmsKeys entry for {region}, or -KmsKeyId.");
            var snapshots = ec2.DescribeSnapshots(point.SnapshotIds, ct);
            if (snapshots.Count == 0)
                throw new FinBackupException("FinRestoreSourceMissing", FinErrorKind.ObjectNotFound,
                    $"Snapshot set {point.RecoveryPointId} has no member snapshots in {region}.", "List the points again with Get-FinRecoveryPoint.");

            RestoreInstanceInfo instance = null;
            if (!string.IsNullOrEmpty(request.InstanceId))
            {
                instance = ec2.DescribeInstance(request.InstanceId, ct) ?? throw new FinBackupException("FinRestoreInstanceNotFound", FinErrorKind.ObjectNotFound,
                    $"EC2 instance '{request.InstanceId}' was not found in {region}.", "Check -InstanceId and -Region.");
                if (request.ReplaceVolumes && instance.State != "stopped")
                    throw new FinBackupException("FinRestoreInstanceNotStopped", FinErrorKind.InvalidOperation,
                        $"-ReplaceVolumes swaps the volumes of a stopped instance; {instance.InstanceId} is {instance.State}. Nothing was created.",
                        $"Stop it first (aws ec2 stop-instances --instance-ids {instance.InstanceId}), or attach the restored volumes at free devices without -ReplaceVolumes.");
            }

            var mapper = new RestoreTargetMapper(app, doc?.Region ?? point.SourceRegion ?? region, region);
            var az = request.AvailabilityZone ?? instance?.AvailabilityZone;
            if (string.IsNullOrEmpty(az) && doc != null)
            {
                if (!mapper.IsCrossRegion) az = doc.Get(RestoreMetadataKeys.AvailabilityZone);
                else
                {
                    var subnet = mapper.Subnet(doc.Get(RestoreMetadataKeys.SubnetId), "-AvailabilityZone");
                    if (!string.IsNullOrEmpty(subnet)) az = ec2.SubnetAvailabilityZone(subnet, ct);
                }
            }
            if (string.IsNullOrEmpty(az))
                throw new FinBackupException("FinRestoreAvailabilityZoneMissing", FinErrorKind.InvalidArgument,
                    $"No availability zone is known for the volumes of {point.RecoveryPointId} in {region} (no restore metadata recorded one).",
                    "Pass -AvailabilityZone (e.g. us-east-1a), or -InstanceId to restore next to an instance.");

            var members = new List<Member>();
            foreach (var s in snapshots.OrderBy(s => s.SnapshotId, StringComparer.Ordinal))
            {
                var m = new Member { Snapshot = s, Device = doc?.DeviceFor(s.SourceSnapshotId ?? s.SnapshotId, s.SourceSnapshotId == null ? s.VolumeId : null) };
                if (instance != null)
                {
                    if (string.IsNullOrEmpty(m.Device))
                        throw new FinBackupException("FinRestoreDeviceUnknown", FinErrorKind.InvalidData,
                            $"The device name of snapshot {s.SnapshotId} was not recorded, so it cannot be attached to {instance.InstanceId}. Nothing was created.",
                            "Restore without -InstanceId and attach the volume yourself (aws ec2 attach-volume).");
                    if (instance.Devices.TryGetValue(m.Device, out var current))
                    {
                        if (!request.ReplaceVolumes)
                            throw new FinBackupException("FinRestoreDeviceInUse", FinErrorKind.ResourceExists,
                                $"{m.Device} of {instance.InstanceId} already holds {current}. Nothing was created.",
                                "Stop the instance and add -ReplaceVolumes (the old volumes are kept, tagged), or restore without -InstanceId.");
                        m.ReplacesVolumeId = current;
                    }
                }
                members.Add(m);
            }

            var rate = request.InitializationRateMiBps ?? app?.VolumeInitializationRateMiBps;
            var result = RestoreEngine.NewResult(_runtime, request, point.Kind, point.RecoveryPointId, point.Application, region);
            var prepared = new Prepared(_runtime, result, ec2, members, az, key, rate, request.VolumeType, instance, point.RecoveryPointId)
            {
                Wait = request.Wait || instance != null,
            };
            foreach (var m in members)
            {
                prepared.Steps.Add(new RestoreStep($"{az} ({region})",
                    $"Create a {m.Snapshot.SizeGiB} GiB volume from {m.Snapshot.SnapshotId} encrypted with {key}" + (rate.HasValue ? $" at {rate} MiB/s initialization" : string.Empty)));
                if (m.ReplacesVolumeId != null)
                    prepared.Steps.Add(new RestoreStep($"{instance.InstanceId} {m.Device}", $"Detach {m.ReplacesVolumeId} (kept, tagged {RestoreTags.ReplacedBy})"));
                if (instance != null)
                    prepared.Steps.Add(new RestoreStep($"{instance.InstanceId} {m.Device}", $"Attach the volume restored from {m.Snapshot.SnapshotId}"));
            }
            return prepared;
        }

        private sealed class Prepared : PreparedRestore
        {
            private readonly IEc2RestoreGateway _ec2;
            private readonly List<Member> _members;
            private readonly string _az, _key, _volumeType, _pointId;
            private readonly int? _rate;
            private readonly RestoreInstanceInfo _instance;

            public Prepared(RestoreRuntime runtime, FinRestoreResult result, IEc2RestoreGateway ec2, List<Member> members, string az, string key, int? rate,
                string volumeType, RestoreInstanceInfo instance, string pointId) : base(runtime, result)
            {
                _ec2 = ec2; _members = members; _az = az; _key = key; _rate = rate; _volumeType = volumeType; _instance = instance; _pointId = pointId;
            }

            protected override void Run(IRestoreObserver observer, CancellationToken ct)
            {
                var created = new List<(Member Member, string VolumeId)>();
                foreach (var m in _members)
                {
                    ct.ThrowIfCancellationRequested();
                    var tags = RestoreEngine.LineageTags(Result, _pointId + "/" + m.Snapshot.SnapshotId, Result.Application);
                    if (!string.IsNullOrEmpty(Result.Application)) tags["fin:restored-application"] = Result.Application;
                    if (!string.IsNullOrEmpty(m.Device)) tags["fin:device"] = m.Device;
                    var id = Stage("CreateVolume " + m.Snapshot.SnapshotId, () => _ec2.CreateVolume(new VolumeSpec
                    {
                        SnapshotId = m.Snapshot.SnapshotId, AvailabilityZone = _az, KmsKeyId = _key, InitializationRateMiBps = _rate,
                        VolumeType = _volumeType ?? m.Snapshot.VolumeType, ClientToken = RestoreEngine.Token(Result.RestoreId, m.Snapshot.SnapshotId), Tags = tags,
                    }, ct));
                    Created(id);
                    created.Add((m, id));
                    observer.Verbose($"Volume {id} from {m.Snapshot.SnapshotId} in {_az}" + (m.Device != null ? $" (recorded device {m.Device})." : "."));
                }
                var ids = created.Select(c => c.VolumeId).ToList();
                if (Wait) Stage("VolumesAvailable", () => WaitFor($"Volumes {string.Join(", ", ids)}", t => _ec2.VolumeStates(ids, t), s => ids.All(i => s.TryGetValue(i, out var v) && v == "available"),
                    observer, ct, s => string.Join(", ", s.Select(kv => kv.Key + " " + kv.Value))));
                if (_instance == null)
                {
                    if (Wait) MarkAvailable();
                    Result.Detail = $"{ids.Count} volume(s) in {_az}";
                    return;
                }
                var replaced = created.Where(c => c.Member.ReplacesVolumeId != null).Select(c => c.Member.ReplacesVolumeId).ToList();
                foreach (var c in created.Where(c => c.Member.ReplacesVolumeId != null))
                {
                    _ec2.DetachVolume(c.Member.ReplacesVolumeId, _instance.InstanceId, ct);
                    observer.Verbose($"Detached {c.Member.ReplacesVolumeId} from {_instance.InstanceId} {c.Member.Device}; it is kept.");
                }
                if (replaced.Count > 0)
                {
                    _ec2.Tag(replaced, new Dictionary<string, string> { [RestoreTags.ReplacedBy] = Result.RestoreId }, ct);
                    WaitFor($"Detaching {string.Join(", ", replaced)}", t => _ec2.VolumeStates(replaced, t), s => replaced.All(i => !s.TryGetValue(i, out var v) || v == "available"),
                        observer, ct, s => string.Join(", ", s.Select(kv => kv.Key + " " + kv.Value)));
                }
                foreach (var c in created)
                {
                    _ec2.AttachVolume(c.VolumeId, _instance.InstanceId, c.Member.Device, ct);
                    observer.Verbose($"Attached {c.VolumeId} to {_instance.InstanceId} at {c.Member.Device}.");
                }
                if (Wait)
                {
                    Stage("VolumesAttached", () => WaitFor($"Attaching {string.Join(", ", ids)}", t => _ec2.VolumeStates(ids, t), s => ids.All(i => s.TryGetValue(i, out var v) && v == "in-use"),
                        observer, ct, s => string.Join(", ", s.Select(kv => kv.Key + " " + kv.Value))));
                    MarkAvailable();
                }
                Result.Detail = $"attached to {_instance.InstanceId} at " + string.Join(", ", created.Select(c => c.Member.Device)) +
                                (replaced.Count > 0 ? $"; replaced {string.Join(", ", replaced)} (kept)" : string.Empty);
            }
        }
    }
}
