using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.Rds;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Restore;

namespace FinBackup.Aws.Restore
{
    /// <summary>RDS side of restores, through FinBackup's own query client.</summary>
    [Gateway(typeof(IRdsRestoreGateway))]
    public sealed class RdsRestoreGateway : IRdsRestoreGateway
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public RdsRestoreGateway(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        private RdsClient Rds => _context.Rds(_region);

        public DbInstanceState Describe(string identifier, CancellationToken ct)
        {
            var db = Sync(Rds.GetDBInstanceAsync(identifier, ct), $"DescribeDBInstances {identifier}");
            if (db == null) return null;
            var state = ToState(db);
            if (db.BackupRetentionPeriod > 0)
            {
                try
                {
                    state.EarliestRestorableTime = Sync(Rds.EarliestRestorableTimeAsync(db.DbiResourceId, identifier, ct), "DescribeDBInstanceAutomatedBackups");
                }
                catch (FinBackupException)
                {
                    // not reported: the window falls back to creation time and retention
                }
            }
            return state;
        }

        public DbInstanceState RestoreFromSnapshot(DbRestoreSpec spec, CancellationToken ct) => Restore(spec, ct);

        public DbInstanceState RestoreToPointInTime(DbRestoreSpec spec, CancellationToken ct) => Restore(spec, ct);

        private DbInstanceState Restore(DbRestoreSpec spec, CancellationToken ct)
        {
            try
            {
                var db = Sync(Rds.RestoreDBInstanceAsync(new RdsRestoreInstanceRequest
                {
                    TargetIdentifier = spec.TargetDBInstanceIdentifier,
                    SnapshotIdentifier = spec.DBSnapshotIdentifier,
                    SourceIdentifier = spec.SourceDBInstanceIdentifier,
                    RestoreTime = spec.RestoreTime,
                    UseLatestRestorableTime = spec.UseLatestRestorableTime,
                    InstanceClass = spec.DBInstanceClass,
                    SubnetGroupName = spec.DBSubnetGroupName,
                    VpcSecurityGroupIds = spec.VpcSecurityGroupIds,
                    ParameterGroupName = spec.DBParameterGroupName,
                    OptionGroupName = spec.OptionGroupName,
                    MultiAZ = spec.MultiAZ,
                    Port = spec.Port,
                    Tags = spec.Tags,
                }, ct), spec.SourceDBInstanceIdentifier != null ? "RestoreDBInstanceToPointInTime" : "RestoreDBInstanceFromDBSnapshot");
                return db == null ? null : ToState(db);
            }
            catch (FinBackupException ex) when (ex.Message.Contains("DBInstanceAlreadyExists"))
            {
                throw new FinBackupException("FinRestoreDBInstanceExists", FinErrorKind.ResourceExists,
                    $"DB instance '{spec.TargetDBInstanceIdentifier}' already exists: RDS never restores in place. Nothing was created.",
                    "Pass -TargetDBInstanceIdentifier with a new name.", ex);
            }
        }

        public void SetMasterPassword(string identifier, string password, CancellationToken ct) =>
            Sync(Rds.ModifyMasterPasswordAsync(identifier, password, false, ct), $"ModifyDBInstance {identifier} (master password)");

        public void ManageMasterPassword(string identifier, CancellationToken ct) =>
            Sync(Rds.ModifyMasterPasswordAsync(identifier, null, true, ct), $"ModifyDBInstance {identifier} (ManageMasterUserPassword)");

        public IReadOnlyList<FinRestoredResource> FindRestored(string restoreId, CancellationToken ct)
        {
            // DescribeDBInstances has no tag filter; the TagList comes with each instance.
            var all = Sync(Rds.DescribeDBInstancesAsync(null, null, ct), "DescribeDBInstances");
            return all.Where(d => d.Tags != null && d.Tags.TryGetValue(RestoreTags.RestoreId, out var v) && v == restoreId && d.Status != "deleting")
                .Select(d => new FinRestoredResource { RestoreId = restoreId, ResourceType = "RdsDbInstance", ResourceId = d.Identifier, Region = _region, Status = "Found" })
                .ToList();
        }

        public void Remove(FinRestoredResource resource, CancellationToken ct) =>
            Sync(Rds.DeleteDBInstanceAsync(resource.ResourceId, ct), $"DeleteDBInstance {resource.ResourceId}");

        private static DbInstanceState ToState(RdsDbInstance db)
        {
            var state = new DbInstanceState
            {
                Identifier = db.Identifier,
                Arn = db.Arn,
                Status = db.Status,
                EndpointAddress = db.EndpointAddress,
                EndpointPort = db.EndpointPort,
                InstanceCreateTime = db.CreateTime,
                LatestRestorableTime = db.LatestRestorableTime,
                BackupRetentionPeriodDays = db.BackupRetentionPeriod,
            };
            foreach (var kv in RestoreMetadataCapture.FromDbInstance(db)) state.Metadata[kv.Key] = kv.Value;
            return state;
        }

        // The protocol client already raises FinBackupExceptions (AwsServiceException with the AWS code); none echoes a request body.
        private static T Sync<T>(Task<T> task, string what) => task.GetAwaiter().GetResult();

        private static void Sync(Task task, string what) => task.GetAwaiter().GetResult();
    }
}
