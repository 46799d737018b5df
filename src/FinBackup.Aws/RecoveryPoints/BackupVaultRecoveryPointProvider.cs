using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.Backup;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>
    /// AWS Backup's recovery points in the policy's vault (query.BackupVaultName) in one region: ListRecoveryPointsByBackupVault
    /// (creation-time filters server-side), the vault's lock state (DescribeBackupVault), and each remaining point's tags
    /// (ListTags: AWS Backup has no tag filter, so tags are read per point, 8 at a time, after every filter that needs no tags).
    /// Lifecycle (LifecycleDeleteAt), encryption, size, resource ARN and type come from the listing. No vault in the query, or a
    /// vault that does not exist: no points. An endpoint that does not implement the API (the moto sandbox answers a bare 404):
    /// no points.
    /// <para>Copies are made by the AWS Backup plan's copy action (Set-FinBackupPlan), and deletion belongs to AWS Backup's
    /// lifecycle and Vault Lock: Copy and Delete refuse.</para>
    /// </summary>
    public sealed class BackupVaultRecoveryPointProvider : IRecoveryPointProvider
    {
        private const int TagReadParallelism = 8;
        private readonly AwsClientContext _context;

        public BackupVaultRecoveryPointProvider(AwsClientContext context, string region)
        {
            _context = context;
            Region = context.Region(region);
        }

        public string Region { get; }
        public RecoveryPointKind Kind => RecoveryPointKind.BackupVaultPoint;

        private BackupClient Backup => _context.Backup(Region);

        public IReadOnlyList<FinRecoveryPoint> List(RecoveryPointQuery query, CancellationToken ct)
        {
            query = query ?? new RecoveryPointQuery();
            if (string.IsNullOrEmpty(query.BackupVaultName)) return new List<FinRecoveryPoint>();
            List<BackupRecoveryPoint> listed;
            BackupVault vault;
            try
            {
                vault = Backup.DescribeBackupVaultAsync(query.BackupVaultName, ct).GetAwaiter().GetResult();
                if (vault == null) return new List<FinRecoveryPoint>();
                listed = Backup.ListRecoveryPointsAsync(query.BackupVaultName, new BackupRecoveryPointFilter
                {
                    CreatedAfter = query.CreatedAfter,
                    CreatedBefore = query.CreatedBefore,
                }, ct).GetAwaiter().GetResult();
            }
            catch (AwsServiceException ex) when (NotImplementedHere(ex))
            {
                return new List<FinRecoveryPoint>();
            }
            var points = listed.Select(r => ToPoint(r, vault)).Where(p => PreFilter(query, p)).ToList();
            ReadTags(points, ct);
            return points.Where(query.Matches).OrderByDescending(p => p.CreatedAt).ToList();
        }

        /// <summary>A 404 without an AWS error code: the endpoint does not implement the operation (emulators), AWS always names the error.</summary>
        internal static bool NotImplementedHere(AwsServiceException ex) => ex.StatusCode == 404 && string.IsNullOrEmpty(ex.ErrorCode);

        private static bool PreFilter(RecoveryPointQuery q, FinRecoveryPoint p)
        {
            if (q.RecoveryPointIds.Count > 0 && !q.RecoveryPointIds.Any(id => string.Equals(id, p.RecoveryPointId, StringComparison.OrdinalIgnoreCase))) return false;
            if (q.States.Count > 0 && !q.States.Contains(p.State)) return false;
            if (q.CreatedAfter.HasValue && p.CreatedAt < q.CreatedAfter.Value) return false;
            if (q.CreatedBefore.HasValue && p.CreatedAt >= q.CreatedBefore.Value) return false;
            return true;
        }

        private void ReadTags(List<FinRecoveryPoint> points, CancellationToken ct)
        {
            using (var gate = new SemaphoreSlim(TagReadParallelism))
            {
                var tasks = points.Select(async p =>
                {
                    await gate.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        var tags = await Backup.ListTagsAsync(p.Arn, ct).ConfigureAwait(false);
                        var resourceId = p.ResourceId;
                        RecoveryPointTagCodec.Decode(tags, p);
                        if (string.IsNullOrEmpty(p.ResourceId)) p.ResourceId = resourceId;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToArray();
                Task.WhenAll(tasks).GetAwaiter().GetResult();
            }
        }

        internal FinRecoveryPoint ToPoint(BackupRecoveryPoint r, BackupVault vault) => new FinRecoveryPoint
        {
            RecoveryPointId = r.RecoveryPointArn,
            Arn = r.RecoveryPointArn,
            Kind = RecoveryPointKind.BackupVaultPoint,
            Region = Region,
            ResourceArn = r.ResourceArn,
            ResourceType = r.ResourceType,
            ResourceId = !string.IsNullOrEmpty(r.ResourceName) ? r.ResourceName : ResourceIdOf(r.ResourceArn),
            BackupVaultName = r.VaultName ?? vault?.Name,
            VaultLocked = vault?.Locked,
            CreatedAt = r.CreationDate ?? DateTime.MinValue,
            LifecycleDeleteAt = r.DeleteAt,
            State = StateOf(r.Status),
            Encrypted = r.IsEncrypted,
            KmsKeyId = r.EncryptionKeyArn,
            SizeGiB = r.BackupSizeInBytes.HasValue ? r.BackupSizeInBytes.Value / (1024.0 * 1024 * 1024) : (double?)null,
        };

        /// <summary>"arn:aws:rds:us-east-1:1:db:cross-sell-db" -> "cross-sell-db"; "arn:aws:ec2:...:volume/vol-1" -> "vol-1".</summary>
        internal static string ResourceIdOf(string arn)
        {
            if (string.IsNullOrEmpty(arn)) return null;
            var i = Math.Max(arn.LastIndexOf(':'), arn.LastIndexOf('/'));
            return i >= 0 && i < arn.Length - 1 ? arn.Substring(i + 1) : arn;
        }

        internal static RecoveryPointState StateOf(string status)
        {
            switch (status)
            {
                case "COMPLETED":
                case "AVAILABLE":
                    return RecoveryPointState.Available;
                case "CREATING":
                    return RecoveryPointState.Pending;
                case "DELETING":
                    return RecoveryPointState.Deleting;
                case "PARTIAL":
                case "EXPIRED":
                case "STOPPED":
                    return RecoveryPointState.Failed;
                default:
                    return RecoveryPointState.Unknown;
            }
        }

        public FinRecoveryPoint Copy(FinRecoveryPoint source, CopyRecoveryPointRequest request, CancellationToken ct) =>
            throw new FinBackupException("FinVaultPointCopyByPlan", FinErrorKind.NotImplemented,
                $"AWS Backup vault point {source?.RecoveryPointId} is copied to the DR vault by the backup plan's copy action, not by Copy-FinBackupToRegion.",
                "Run Set-FinBackupPlan -Policy $policy (the policy's CopyToDrRegion adds the copy action); the copies then list in the DR region.");

        public void Delete(FinRecoveryPoint point, CancellationToken ct)
        {
            if (point == null) throw new ArgumentNullException(nameof(point));
            if (!point.ManagedByFinBackup)
                throw new FinBackupException("FinDeleteUnmanagedRefused", FinErrorKind.SecurityError,
                    $"{point.RecoveryPointId} is not tagged fin:managed-by=FinBackup; FinBackup does not delete it.", "Remove it yourself if it must go.");
            throw new FinBackupException("FinDeleteVaultPointRefused", FinErrorKind.InvalidOperation,
                $"AWS Backup vault point {point.RecoveryPointId} is deleted by its vault's lifecycle" +
                (point.LifecycleDeleteAt.HasValue ? $" (at {point.LifecycleDeleteAt.Value:yyyy-MM-dd HH:mm}Z)" : string.Empty) +
                (point.VaultLocked == true ? " and protected by Vault Lock" : string.Empty) + "; FinBackup does not delete it.",
                "Shorten the plan's lifecycle (BackupPlanRetention in the policy, then Set-FinBackupPlan), or delete it in AWS Backup if the vault allows it.");
        }
    }
}
