using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using Amazon.EC2;
using Amazon.EC2.Model;
using FinBackup.Aws.Files;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using static FinBackup.Aws.RecoveryPoints.RecoveryPointAwsErrors;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>
    /// Finds every <see cref="IRecoveryPointVerifier"/> in this assembly (public, non-abstract, constructor
    /// <c>(AwsClientContext, string region)</c>), one per kind, as <see cref="RecoveryPointProviderCatalog"/> does for providers.
    /// </summary>
    [Gateway(typeof(IRecoveryPointVerifiers))]
    public sealed class RecoveryPointVerifierCatalog : IRecoveryPointVerifiers
    {
        private static readonly Lazy<Type[]> Types = new Lazy<Type[]>(() =>
            typeof(RecoveryPointVerifierCatalog).Assembly.GetTypes()
                .Where(t => t.IsClass && !t.IsAbstract && t.IsPublic && typeof(IRecoveryPointVerifier).IsAssignableFrom(t)
                            && t.GetConstructor(new[] { typeof(AwsClientContext), typeof(string) }) != null)
                .OrderBy(t => t.FullName, StringComparer.Ordinal).ToArray());

        private readonly Dictionary<RecoveryPointKind, IRecoveryPointVerifier> _verifiers = new Dictionary<RecoveryPointKind, IRecoveryPointVerifier>();

        public RecoveryPointVerifierCatalog(AwsClientContext context, string region)
        {
            Region = region;
            foreach (var t in Types.Value)
            {
                var v = (IRecoveryPointVerifier)Activator.CreateInstance(t, context, region);
                _verifiers[v.Kind] = v;
            }
        }

        public string Region { get; }
        public IRecoveryPointVerifier Verifier(RecoveryPointKind kind) => _verifiers.TryGetValue(kind, out var v) ? v : null;
    }

    /// <summary>Member snapshots of one region, by id, in one paged DescribeSnapshots (a filter, so missing ids are simply absent).</summary>
    internal static class SnapshotLookup
    {
        public static Dictionary<string, Snapshot> ByIds(IAmazonEC2 ec2, ICollection<string> ids, CancellationToken ct)
        {
            var found = new Dictionary<string, Snapshot>(StringComparer.Ordinal);
            if (ids.Count == 0) return found;
            foreach (var batch in ids.Select((id, i) => new { id, i }).GroupBy(x => x.i / 200, x => x.id))
            {
                var request = new DescribeSnapshotsRequest
                {
                    OwnerIds = new List<string> { "self" },
                    Filters = new List<Filter> { new Filter("snapshot-id", batch.ToList()) },
                };
                foreach (var s in EbsSnapshotSetGateway.DescribeAllStatic(ec2, request, ct)) found[s.SnapshotId] = s;
            }
            return found;
        }

        public static void CheckMembers(IAmazonEC2 ec2, IList<string> ids, string what, RecoveryPointCheckBuilder check, CancellationToken ct)
        {
            var found = ByIds(ec2, ids, ct);
            check.ObjectsChecked += ids.Count;
            foreach (var id in ids)
            {
                if (!found.TryGetValue(id, out var s)) check.Problem($"{id} ({what}) does not exist");
                else if (s.State?.Value != "completed") check.Problem($"{id} ({what}) is {s.State?.Value ?? "in an unknown state"}, not completed");
            }
        }
    }

    /// <summary>An EBS snapshot set: every member snapshot exists and is completed, and no member the set's tag names is missing.</summary>
    public sealed class EbsSnapshotSetVerifier : IRecoveryPointVerifier
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public EbsSnapshotSetVerifier(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public RecoveryPointKind Kind => RecoveryPointKind.EbsSnapshotSet;

        public void Verify(FinRecoveryPoint point, RecoveryPointCheckOptions options, RecoveryPointCheckBuilder check, CancellationToken ct)
        {
            var ec2 = _context.Ec2(_region);
            var members = (point.SnapshotIds ?? new List<string>()).Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).ToList();
            // Members as the service has them now (by the set's tag): the point may have been listed before one was deleted.
            var tagged = EbsSnapshotSetGateway.DescribeAllStatic(ec2, new DescribeSnapshotsRequest
            {
                OwnerIds = new List<string> { "self" },
                Filters = new List<Filter> { new Filter("tag:" + Ec2RecoveryPointTags.SetId, new List<string> { point.RecoveryPointId }) },
            }, ct).Select(s => s.SnapshotId).ToList();
            foreach (var id in tagged) if (!members.Contains(id)) members.Add(id);
            if (members.Count == 0)
            {
                check.Problem($"the snapshot set {point.RecoveryPointId} has no member snapshots in {_region}");
                return;
            }
            SnapshotLookup.CheckMembers(ec2, members, "member of the set", check, ct);
        }
    }

    /// <summary>An AMI: the image exists and is available, and every block-device snapshot it maps exists and is completed.</summary>
    public sealed class AmiVerifier : IRecoveryPointVerifier
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public AmiVerifier(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public RecoveryPointKind Kind => RecoveryPointKind.Ami;

        public void Verify(FinRecoveryPoint point, RecoveryPointCheckOptions options, RecoveryPointCheckBuilder check, CancellationToken ct)
        {
            var ec2 = _context.Ec2(_region);
            var images = Call(() => ec2.DescribeImagesAsync(new DescribeImagesRequest
            {
                Owners = new List<string> { "self" },
                Filters = new List<Filter> { new Filter("image-id", new List<string> { point.RecoveryPointId }) },
            }, ct), $"DescribeImages in {_region}").Images ?? new List<Image>();
            check.ObjectsChecked++;
            var image = images.FirstOrDefault(i => i.ImageId == point.RecoveryPointId);
            if (image == null)
            {
                check.Problem($"the image {point.RecoveryPointId} does not exist in {_region}");
                return;
            }
            if (image.State?.Value != "available") check.Problem($"the image {point.RecoveryPointId} is {image.State?.Value}, not available");
            var snapshots = (image.BlockDeviceMappings ?? new List<BlockDeviceMapping>())
                .Where(m => m.Ebs != null && !string.IsNullOrEmpty(m.Ebs.SnapshotId)).Select(m => m.Ebs.SnapshotId).Distinct().ToList();
            if (snapshots.Count == 0)
            {
                check.Problem($"the image {point.RecoveryPointId} maps no EBS snapshots");
                return;
            }
            SnapshotLookup.CheckMembers(ec2, snapshots, "block device of " + point.RecoveryPointId, check, ct);
        }
    }

    /// <summary>An RDS DB snapshot: it exists and is available.</summary>
    public sealed class RdsSnapshotVerifier : IRecoveryPointVerifier
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public RdsSnapshotVerifier(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public RecoveryPointKind Kind => RecoveryPointKind.RdsSnapshot;

        public void Verify(FinRecoveryPoint point, RecoveryPointCheckOptions options, RecoveryPointCheckBuilder check, CancellationToken ct)
        {
            var found = _context.Rds(_region).DescribeDBSnapshotsAsync(new RdsSnapshotQuery { SnapshotIdentifier = point.RecoveryPointId }, ct)
                .GetAwaiter().GetResult();
            check.ObjectsChecked++;
            var snapshot = found.FirstOrDefault(s => string.Equals(s.Identifier, point.RecoveryPointId, StringComparison.Ordinal));
            if (snapshot == null) check.Problem($"the DB snapshot {point.RecoveryPointId} does not exist in {_region}");
            else if (snapshot.Status != "available") check.Problem($"the DB snapshot {point.RecoveryPointId} is {snapshot.Status}, not available");
        }
    }

    /// <summary>A file backup: through the domain's <see cref="FileBackupVerifier"/> on this region's S3 store.</summary>
    public sealed class FileBackupPointVerifier : IRecoveryPointVerifier
    {
        private readonly FileBackupVerifier _verifier;

        public FileBackupPointVerifier(AwsClientContext context, string region)
        {
            _verifier = new FileBackupVerifier(new S3FileBackupStore(context, region));
        }

        public RecoveryPointKind Kind => RecoveryPointKind.FileBackup;

        public void Verify(FinRecoveryPoint point, RecoveryPointCheckOptions options, RecoveryPointCheckBuilder check, CancellationToken ct) =>
            _verifier.Verify(point, options, check, ct);
    }
}
