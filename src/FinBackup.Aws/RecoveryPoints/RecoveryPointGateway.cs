using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amazon.EC2;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>
    /// The skeleton every EC2/RDS recovery-point gateway shares: the session constructor the catalog looks for
    /// (<c>(AwsClientContext, string region)</c>), the region it is bound to, its kind, and the rule that FinBackup never
    /// deletes what it did not create. One kind per subclass (<see cref="EbsSnapshotSetGateway"/>, <see cref="AmiGateway"/>,
    /// <see cref="RdsSnapshotGateway"/>).
    /// </summary>
    public abstract class RecoveryPointGateway : IRecoveryPointProvider, IRecoveryPointCreator
    {
        // Named as the fields each gateway had before the skeleton was shared, so their bodies read unchanged.
        protected readonly AwsClientContext _context;
        protected readonly string _region;

        protected RecoveryPointGateway(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public abstract RecoveryPointKind Kind { get; }

        public abstract FinRecoveryPoint Create(CreateRecoveryPointRequest request, CancellationToken cancellationToken);
        public abstract IReadOnlyList<FinRecoveryPoint> List(RecoveryPointQuery query, CancellationToken cancellationToken);
        public abstract FinRecoveryPoint Copy(FinRecoveryPoint source, CopyRecoveryPointRequest request, CancellationToken cancellationToken);
        public abstract void Delete(FinRecoveryPoint point, CancellationToken cancellationToken);

        /// <summary>FinDeleteUnmanagedRefused for a point without fin:managed-by=FinBackup: it is never deleted.</summary>
        internal static void RefuseUnmanaged(FinRecoveryPoint point)
        {
            if (!point.ManagedByFinBackup)
                throw new FinBackupException("FinDeleteUnmanagedRefused", FinErrorKind.SecurityError,
                    $"{point.Kind} {point.RecoveryPointId} was not created by FinBackup (no fin:managed-by=FinBackup tag); it is never deleted.");
        }
    }

    /// <summary>The EC2 gateways (snapshot sets, AMIs): the region's EC2 client and the pending-snapshot check before a create.</summary>
    public abstract class Ec2RecoveryPointGateway : RecoveryPointGateway
    {
        protected Ec2RecoveryPointGateway(AwsClientContext context, string region) : base(context, region) { }

        protected IAmazonEC2 Ec2 => _context.Ec2(_region);

        /// <summary>
        /// The volumes a create snapshots (the request's, else the instance's, filling the restore metadata from the same
        /// describe), refused first when any already has EBS's limit of pending snapshots (FinSnapshotPendingLimit): from the
        /// pending volumes the cycle already listed for the region when it passes them, else with one DescribeSnapshots.
        /// </summary>
        protected List<string> VolumesToSnapshot(CreateRecoveryPointRequest request, CancellationToken cancellationToken)
        {
            var volumes = request.VolumeIds?.ToList() ?? EbsSnapshotSetGateway.InstanceVolumes(Ec2, request.ResourceId, _region, cancellationToken, request.RestoreMetadata);
            if (request.PendingSnapshotVolumeIds != null && request.VolumeIds != null)
                PendingSnapshotLimit.Check(request.ResourceId, request.PendingSnapshotVolumeIds.Where(v => volumes.Contains(v)));
            else
                EbsSnapshotSetGateway.CheckPendingLimit(Ec2, volumes, request.ResourceId, cancellationToken);
            return volumes;
        }
    }
}
