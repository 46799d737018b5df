using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>
    /// Manual RDS DB snapshots. RDS has no tag filter on DescribeDBSnapshots, so listing asks for manual snapshots
    /// (filtered server-side by instance or snapshot id when the query names them, paged) and reads each snapshot's TagList
    /// from the same response: no call per snapshot. Copies are made in the destination region with CopyDBSnapshot,
    /// the destination KMS key and a PreSignedUrl for the source region.
    /// </summary>
    public sealed class RdsSnapshotGateway : RecoveryPointGateway, IRecoveryPointTagger
    {
        public RdsSnapshotGateway(AwsClientContext context, string region) : base(context, region) { }

        public override RecoveryPointKind Kind => RecoveryPointKind.RdsSnapshot;
        private RdsClient Rds => _context.Rds(_region);

        public override FinRecoveryPoint Create(CreateRecoveryPointRequest request, CancellationToken cancellationToken)
        {
            RdsDbSnapshot snapshot;
            if (request.RestoreMetadata != null && request.RestoreMetadata.Count == 0)
            {
                // Not from discovery (New-FinSnapshot -ResourceId): one describe for the restore metadata.
                var db = Sync(Rds.GetDBInstanceAsync(request.ResourceId, cancellationToken));
                foreach (var kv in Restore.RestoreMetadataCapture.FromDbInstance(db)) request.RestoreMetadata[kv.Key] = kv.Value;
            }
            try
            {
                snapshot = Sync(Rds.CreateDBSnapshotAsync(request.Name, request.ResourceId, request.Tags, cancellationToken));
            }
            catch (FinBackupException ex) when (RecoveryPointAwsErrors.AwsCode(ex) == "DBInstanceNotFound" || RecoveryPointAwsErrors.AwsCode(ex) == "DBInstanceNotFoundFault")
            {
                throw new FinBackupException("FinResourceNotFound", FinErrorKind.ObjectNotFound,
                    $"RDS DB instance '{request.ResourceId}' was not found in {_region}.",
                    "Check the DB instance identifier and -Region; Get-FinResource lists the databases the policy protects.", ex);
            }
            catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.AwsAlreadyExists)
            {
                // The identifier is taken. Ours when an earlier attempt's reply was lost (the protocol client's retry then
                // meets the snapshot the first attempt made): adopt it. Another policy's or someone else's: refuse, never
                // return it as this policy's point.
                snapshot = Sync(Rds.DescribeDBSnapshotsAsync(new RdsSnapshotQuery { SnapshotIdentifier = request.Name }, cancellationToken)).FirstOrDefault();
                if (snapshot == null) throw;
                var theirs = snapshot.Tags ?? new Dictionary<string, string>();
                if (!theirs.ContainsKey(FinTags.ManagedBy) && string.Equals(snapshot.InstanceIdentifier, request.ResourceId, StringComparison.OrdinalIgnoreCase))
                {
                    var adopt = new Dictionary<string, string>(request.Tags) { [FinTags.AdoptedAt] = RecoveryPointTagCodec.FormatTimestamp(DateTime.UtcNow) };
                    Sync(Rds.AddTagsToResourceAsync(snapshot.Arn, adopt, cancellationToken));
                    snapshot.Tags = adopt;
                }
                else if (!(Same(theirs, request.Tags, FinTags.Policy) && Same(theirs, request.Tags, FinTags.Window) && Same(theirs, request.Tags, FinTags.ResourceId)))
                {
                    throw new FinBackupException("FinSnapshotNameTaken", FinErrorKind.ResourceExists,
                        $"DB snapshot '{request.Name}' already exists in {_region} and is not this policy's point for this window"
                        + (theirs.TryGetValue(FinTags.Policy, out var p) ? $" (it belongs to policy '{p}')." : "."),
                        "Delete or rename that snapshot; FinBackup names its DB snapshots fin-<db>-<policy hash>-<window>.", ex);
                }
            }
            if (snapshot.Tags == null || snapshot.Tags.Count == 0) snapshot.Tags = new Dictionary<string, string>(request.Tags);
            return ToPoint(snapshot);
        }

        public override IReadOnlyList<FinRecoveryPoint> List(RecoveryPointQuery query, CancellationToken cancellationToken)
        {
            var filters = new Dictionary<string, IEnumerable<string>>();
            if (query.ResourceIds.Count > 0) filters["db-instance-id"] = query.ResourceIds.ToList();
            if (query.RecoveryPointIds.Count > 0) filters["db-snapshot-id"] = query.RecoveryPointIds.ToList();
            var snapshots = Sync(Rds.DescribeDBSnapshotsAsync(new RdsSnapshotQuery
            {
                SnapshotType = "manual",
                Filters = filters.Count > 0 ? filters : null,
            }, cancellationToken));
            return snapshots.Select(ToPoint).Where(query.Matches).ToList();
        }

        public override FinRecoveryPoint Copy(FinRecoveryPoint source, CopyRecoveryPointRequest request, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(request.KmsKeyId))
                throw new FinBackupException("FinCopyUnencryptedRefused", FinErrorKind.SecurityError,
                    $"No KMS key for {_region}: FinBackup does not make unencrypted copies.", "Pass -KmsKeyId or a policy with a key for the destination region.");
            if (!request.DestinationCheckedForCopies)
            {
                var existing = List(new RecoveryPointQuery { SourceRecoveryPointId = source.RecoveryPointId }, cancellationToken)
                    .FirstOrDefault(p => p.State != RecoveryPointState.Failed);
                if (existing != null) return existing;
            }
            var sourceArn = source.Arn;
            if (string.IsNullOrEmpty(sourceArn))
            {
                sourceArn = Sync(_context.Rds(source.Region).DescribeDBSnapshotsAsync(new RdsSnapshotQuery { SnapshotIdentifier = source.RecoveryPointId }, cancellationToken))
                    .Select(s => s.Arn).FirstOrDefault()
                    ?? throw new FinBackupException("FinCopySourceNotFound", FinErrorKind.ObjectNotFound, $"RDS snapshot {source.RecoveryPointId} was not found in {source.Region}.");
            }
            RdsDbSnapshot copy;
            try
            {
                copy = Sync(Rds.CopyDBSnapshotAsync(new RdsCopySnapshotRequest
                {
                    SourceSnapshotIdentifier = sourceArn,
                    TargetSnapshotIdentifier = source.RecoveryPointId,
                    KmsKeyId = request.KmsKeyId,
                    Tags = request.Tags,
                    SourceRegion = source.Region,
                }, cancellationToken));
            }
            catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.AwsAlreadyExists)
            {
                // The copy (same identifier) was made by an earlier run whose listing missed it: adopt it, do not copy twice.
                var adopted = Sync(Rds.DescribeDBSnapshotsAsync(new RdsSnapshotQuery { SnapshotIdentifier = source.RecoveryPointId }, cancellationToken)).FirstOrDefault();
                if (adopted == null) throw;
                if (adopted.Tags == null || !adopted.Tags.ContainsKey(FinTags.SourceId))
                {
                    // Untagged (tags lost with a crash): give it the lineage so later runs find it by fin:source-id.
                    Sync(Rds.AddTagsToResourceAsync(adopted.Arn, request.Tags, cancellationToken));
                    adopted.Tags = new Dictionary<string, string>(request.Tags);
                }
                return ToPoint(adopted);
            }
            if (copy.Tags == null || copy.Tags.Count == 0) copy.Tags = new Dictionary<string, string>(request.Tags);
            return ToPoint(copy);
        }

        public void SetTags(FinRecoveryPoint point, IDictionary<string, string> tags, CancellationToken cancellationToken)
        {
            Sync(Rds.AddTagsToResourceAsync(point.Arn, tags, cancellationToken));
        }

        public override void Delete(FinRecoveryPoint point, CancellationToken cancellationToken)
        {
            RefuseUnmanaged(point);
            try
            {
                Sync(Rds.DeleteDBSnapshotAsync(point.RecoveryPointId, cancellationToken));
            }
            catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.AwsNotFound)
            {
                // already gone
            }
        }

        private FinRecoveryPoint ToPoint(RdsDbSnapshot s)
        {
            var status = (s.Status ?? string.Empty).ToLowerInvariant();
            return RecoveryPointTagCodec.Decode(s.Tags, new FinRecoveryPoint
            {
                RecoveryPointId = s.Identifier,
                Arn = s.Arn,
                Kind = Kind,
                Region = _region,
                ResourceId = s.InstanceIdentifier,
                CreatedAt = s.CreateTime.HasValue ? DateTime.SpecifyKind(s.CreateTime.Value.ToUniversalTime(), DateTimeKind.Utc) : DateTime.UtcNow,
                State = status == "available" ? RecoveryPointState.Available
                      : status == "creating" || status == "copying" || status == "pending" ? RecoveryPointState.Pending
                      : status == "failed" || status == "incompatible-restore" ? RecoveryPointState.Failed
                      : status == "deleting" ? RecoveryPointState.Deleting : RecoveryPointState.Unknown,
                Progress = s.PercentProgress,
                Encrypted = s.Encrypted,
                KmsKeyId = s.KmsKeyId,
                SizeGiB = s.AllocatedStorageGiB,
            });
        }

        private static bool Same(IDictionary<string, string> a, IDictionary<string, string> b, string key)
        {
            a.TryGetValue(key, out var x);
            b.TryGetValue(key, out var y);
            return string.Equals(x ?? string.Empty, y ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }

        private static T Sync<T>(System.Threading.Tasks.Task<T> task) => task.GetAwaiter().GetResult();
        private static void Sync(System.Threading.Tasks.Task task) => task.GetAwaiter().GetResult();
    }
}
