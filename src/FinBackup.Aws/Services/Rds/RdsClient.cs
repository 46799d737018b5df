using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.Rds
{
    /// <summary>
    /// Amazon RDS (query protocol, API 2014-10-31): only the operations FinBackup uses.
    /// Get one from <see cref="AwsClientContext.Rds"/>.
    /// </summary>
    public sealed class RdsClient
    {
        public const string ApiVersion = "2014-10-31";
        private readonly QueryProtocolClient _query;
        private readonly Func<string, AwsServiceEndpoint> _endpointForRegion;

        /// <param name="endpointForRegion">The RDS endpoint of another region (for the cross-region PreSignedUrl).</param>
        public RdsClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null,
            Func<string, AwsServiceEndpoint> endpointForRegion = null)
        {
            _query = new QueryProtocolClient(credentials, endpoint, ApiVersion, retry);
            _endpointForRegion = endpointForRegion ?? (r => AwsServiceEndpoint.Regional("rds", "rds", r, null));
        }

        public string Region => _query.Region;

        /// <summary>All DB instances (follows Marker paging); filters e.g. {"engine": ["postgres"]}.</summary>
        public Task<List<RdsDbInstance>> DescribeDBInstancesAsync(IDictionary<string, IEnumerable<string>> filters = null,
            string instanceIdentifier = null, CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<RdsDbInstance>(async (marker, ct) =>
            {
                var p = new QueryParameters().Add("DBInstanceIdentifier", instanceIdentifier).Add("Marker", marker).Add("MaxRecords", 100);
                if (filters != null) p.AddFilters(filters);
                var result = await _query.InvokeAsync("DescribeDBInstances", p, ct).ConfigureAwait(false);
                return new AwsPage<RdsDbInstance>(result.Items("DBInstances").Select(ReadInstance).ToList(), result.Text("Marker"));
            }, cancellationToken);

        /// <summary>One instance by id, or null when it does not exist.</summary>
        public async Task<RdsDbInstance> GetDBInstanceAsync(string instanceIdentifier, CancellationToken cancellationToken = default(CancellationToken))
        {
            try
            {
                return (await DescribeDBInstancesAsync(null, instanceIdentifier, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "DBInstanceNotFound" || ex.ErrorCode == "DBInstanceNotFoundFault")
            {
                return null;
            }
        }

        public async Task<RdsDbSnapshot> CreateDBSnapshotAsync(string snapshotIdentifier, string instanceIdentifier,
            IDictionary<string, string> tags = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("DBSnapshotIdentifier", snapshotIdentifier).Add("DBInstanceIdentifier", instanceIdentifier);
            p.AddTags("Tags", tags);
            var result = await _query.InvokeAsync("CreateDBSnapshot", p, cancellationToken).ConfigureAwait(false);
            return ReadSnapshot(result.Child("DBSnapshot"));
        }

        /// <summary>Snapshots matching the query (follows Marker paging). A missing snapshot id gives an empty list, not an error.</summary>
        public async Task<List<RdsDbSnapshot>> DescribeDBSnapshotsAsync(RdsSnapshotQuery query, CancellationToken cancellationToken = default(CancellationToken))
        {
            query = query ?? new RdsSnapshotQuery();
            try
            {
                return await AwsPaging.CollectAsync<RdsDbSnapshot>(async (marker, ct) =>
                {
                    var p = new QueryParameters()
                        .Add("DBSnapshotIdentifier", query.SnapshotIdentifier)
                        .Add("DBInstanceIdentifier", query.InstanceIdentifier)
                        .Add("SnapshotType", query.SnapshotType)
                        .Add("Marker", marker)
                        .Add("MaxRecords", 100);
                    if (query.Filters != null) p.AddFilters(query.Filters);
                    var result = await _query.InvokeAsync("DescribeDBSnapshots", p, ct).ConfigureAwait(false);
                    return new AwsPage<RdsDbSnapshot>(result.Items("DBSnapshots").Select(ReadSnapshot).ToList(), result.Text("Marker"));
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex) when (query.SnapshotIdentifier != null && IsSnapshotNotFound(ex.ErrorCode))
            {
                return new List<RdsDbSnapshot>();
            }
        }

        /// <summary>
        /// CopyDBSnapshot into this client's region. When <see cref="RdsCopySnapshotRequest.SourceRegion"/> differs from this
        /// region, a PreSignedUrl for the source region is generated (as the AWS SDKs do): a SigV4 query-signed GET of
        /// CopyDBSnapshot with DestinationRegion, signed for the source region, valid 1 hour.
        /// </summary>
        public async Task<RdsDbSnapshot> CopyDBSnapshotAsync(RdsCopySnapshotRequest request, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters()
                .Add("SourceDBSnapshotIdentifier", request.SourceSnapshotIdentifier)
                .Add("TargetDBSnapshotIdentifier", request.TargetSnapshotIdentifier)
                .Add("KmsKeyId", request.KmsKeyId)
                .Add("CopyTags", request.CopyTags);
            p.AddTags("Tags", request.Tags);
            if (!string.IsNullOrEmpty(request.SourceRegion) && !string.Equals(request.SourceRegion, Region, StringComparison.Ordinal))
            {
                p.Add("PreSignedUrl", BuildCopyPresignedUrl(request).AbsoluteUri);
            }
            var result = await _query.InvokeAsync("CopyDBSnapshot", p, cancellationToken).ConfigureAwait(false);
            return ReadSnapshot(result.Child("DBSnapshot"));
        }

        /// <summary>The PreSignedUrl for a cross-region CopyDBSnapshot (public for tests and for auditing what is sent).</summary>
        public Uri BuildCopyPresignedUrl(RdsCopySnapshotRequest request, DateTime? signedAt = null)
        {
            var source = _endpointForRegion(request.SourceRegion);
            var p = new QueryParameters()
                .Add("Action", "CopyDBSnapshot")
                .Add("Version", ApiVersion)
                .Add("SourceDBSnapshotIdentifier", request.SourceSnapshotIdentifier)
                .Add("TargetDBSnapshotIdentifier", request.TargetSnapshotIdentifier)
                .Add("KmsKeyId", request.KmsKeyId)
                .Add("DestinationRegion", Region);
            var uri = source.Resolve("/", AwsEncoding.Query(p));
            return SigV4RequestSigner.Presign(uri, _query.Credentials, request.SourceRegion, "rds", TimeSpan.FromHours(1), signedAt);
        }

        public async Task DeleteDBSnapshotAsync(string snapshotIdentifier, CancellationToken cancellationToken = default(CancellationToken))
        {
            await _query.InvokeAsync("DeleteDBSnapshot", new QueryParameters().Add("DBSnapshotIdentifier", snapshotIdentifier), cancellationToken)
                .ConfigureAwait(false);
        }

        public async Task AddTagsToResourceAsync(string resourceArn, IDictionary<string, string> tags, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("ResourceName", resourceArn);
            p.AddTags("Tags", tags);
            await _query.InvokeAsync("AddTagsToResource", p, cancellationToken).ConfigureAwait(false);
        }

        public async Task<Dictionary<string, string>> ListTagsForResourceAsync(string resourceArn, CancellationToken cancellationToken = default(CancellationToken))
        {
            var result = await _query.InvokeAsync("ListTagsForResource", new QueryParameters().Add("ResourceName", resourceArn), cancellationToken)
                .ConfigureAwait(false);
            return result.Tags("TagList");
        }

        public async Task<RdsDbInstance> CreateDBInstanceAsync(RdsCreateInstanceRequest request, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters()
                .Add("DBInstanceIdentifier", request.Identifier)
                .Add("DBInstanceClass", request.InstanceClass)
                .Add("Engine", request.Engine)
                .Add("EngineVersion", request.EngineVersion)
                .Add("AllocatedStorage", request.AllocatedStorageGiB)
                .Add("MasterUsername", request.MasterUsername)
                .Add("MasterUserPassword", request.MasterUserPassword)
                .Add("StorageEncrypted", request.StorageEncrypted)
                .Add("KmsKeyId", request.KmsKeyId);
            p.AddTags("Tags", request.Tags);
            var result = await _query.InvokeAsync("CreateDBInstance", p, cancellationToken).ConfigureAwait(false);
            return ReadInstance(result.Child("DBInstance"));
        }

        /// <summary>RestoreDBInstanceFromDBSnapshot (SnapshotIdentifier set) or RestoreDBInstanceToPointInTime (SourceIdentifier set).</summary>
        public async Task<RdsDbInstance> RestoreDBInstanceAsync(RdsRestoreInstanceRequest request, CancellationToken cancellationToken = default(CancellationToken))
        {
            var pitr = !string.IsNullOrEmpty(request.SourceIdentifier);
            var p = new QueryParameters();
            if (pitr)
            {
                p.Add("SourceDBInstanceIdentifier", request.SourceIdentifier).Add("TargetDBInstanceIdentifier", request.TargetIdentifier);
                if (request.UseLatestRestorableTime) p.Add("UseLatestRestorableTime", true);
                else if (request.RestoreTime.HasValue)
                    p.Add("RestoreTime", request.RestoreTime.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                p.Add("DBInstanceIdentifier", request.TargetIdentifier).Add("DBSnapshotIdentifier", request.SnapshotIdentifier);
            }
            p.Add("DBInstanceClass", request.InstanceClass)
             .Add("DBSubnetGroupName", request.SubnetGroupName)
             .Add("DBParameterGroupName", request.ParameterGroupName)
             .Add("OptionGroupName", request.OptionGroupName)
             .Add("MultiAZ", request.MultiAZ)
             .Add("Port", request.Port);
            if (request.VpcSecurityGroupIds != null && request.VpcSecurityGroupIds.Count > 0) p.AddList("VpcSecurityGroupIds", "VpcSecurityGroupId", request.VpcSecurityGroupIds);
            p.AddTags("Tags", request.Tags);
            var action = pitr ? "RestoreDBInstanceToPointInTime" : "RestoreDBInstanceFromDBSnapshot";
            var result = await _query.InvokeAsync(action, p, cancellationToken).ConfigureAwait(false);
            return ReadInstance(result.Child("DBInstance"));
        }

        /// <summary>ModifyDBInstance with ApplyImmediately: the master password (never logged) or ManageMasterUserPassword.</summary>
        public async Task ModifyMasterPasswordAsync(string identifier, string password, bool manage, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("DBInstanceIdentifier", identifier).Add("ApplyImmediately", true);
            if (manage) p.Add("ManageMasterUserPassword", true);
            else p.Add("MasterUserPassword", password);
            await _query.InvokeAsync("ModifyDBInstance", p, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>DeleteDBInstance without a final snapshot, deleting its automated backups (a restored copy).</summary>
        public async Task DeleteDBInstanceAsync(string identifier, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("DBInstanceIdentifier", identifier).Add("SkipFinalSnapshot", true).Add("DeleteAutomatedBackups", true);
            await _query.InvokeAsync("DeleteDBInstance", p, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The earliest restorable time from the instance's automated backups (RestoreWindow), or null when not reported.</summary>
        public async Task<DateTime?> EarliestRestorableTimeAsync(string dbiResourceId, string identifier, CancellationToken cancellationToken = default(CancellationToken))
        {
            var p = new QueryParameters().Add("DbiResourceId", dbiResourceId).Add("DBInstanceIdentifier", dbiResourceId == null ? identifier : null);
            try
            {
                var result = await _query.InvokeAsync("DescribeDBInstanceAutomatedBackups", p, cancellationToken).ConfigureAwait(false);
                return result.Items("DBInstanceAutomatedBackups").Select(b => b.Child("RestoreWindow")?.Date("EarliestTime")).FirstOrDefault(d => d.HasValue);
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "DBInstanceAutomatedBackupNotFound" || ex.ErrorCode == "DBInstanceAutomatedBackupNotFoundFault")
            {
                return null;
            }
        }

        private static bool IsSnapshotNotFound(string code) => code == "DBSnapshotNotFound" || code == "DBSnapshotNotFoundFault";

        private static RdsDbInstance ReadInstance(XElement e) => new RdsDbInstance
        {
            Identifier = e.Text("DBInstanceIdentifier"),
            Arn = e.Text("DBInstanceArn"),
            Engine = e.Text("Engine"),
            EngineVersion = e.Text("EngineVersion"),
            InstanceClass = e.Text("DBInstanceClass"),
            Status = e.Text("DBInstanceStatus"),
            AllocatedStorageGiB = e.Int("AllocatedStorage") ?? 0,
            StorageEncrypted = e.Bool("StorageEncrypted") ?? false,
            KmsKeyId = e.Text("KmsKeyId"),
            AvailabilityZone = e.Text("AvailabilityZone"),
            DbiResourceId = e.Text("DbiResourceId"),
            CreateTime = e.Date("InstanceCreateTime"),
            Tags = e.Tags("TagList"),
            DBSubnetGroupName = e.Child("DBSubnetGroup")?.Text("DBSubnetGroupName"),
            VpcSecurityGroupIds = e.Items("VpcSecurityGroups").Select(g => g.Text("VpcSecurityGroupId")).Where(g => !string.IsNullOrEmpty(g)).ToList(),
            DBParameterGroupName = e.Items("DBParameterGroups").Select(g => g.Text("DBParameterGroupName")).FirstOrDefault(g => !string.IsNullOrEmpty(g)),
            OptionGroupName = e.Items("OptionGroupMemberships").Select(g => g.Text("OptionGroupName")).FirstOrDefault(g => !string.IsNullOrEmpty(g)),
            MultiAZ = e.Bool("MultiAZ") ?? false,
            EndpointAddress = e.Child("Endpoint")?.Text("Address"),
            EndpointPort = e.Child("Endpoint")?.Int("Port"),
            DbInstancePort = e.Int("DbInstancePort"),
            LatestRestorableTime = e.Date("LatestRestorableTime"),
            BackupRetentionPeriod = e.Int("BackupRetentionPeriod") ?? 0,
        };

        private static RdsDbSnapshot ReadSnapshot(XElement e) => e == null ? null : new RdsDbSnapshot
        {
            Identifier = e.Text("DBSnapshotIdentifier"),
            Arn = e.Text("DBSnapshotArn"),
            InstanceIdentifier = e.Text("DBInstanceIdentifier"),
            SnapshotType = e.Text("SnapshotType"),
            Status = e.Text("Status"),
            CreateTime = e.Date("SnapshotCreateTime"),
            Engine = e.Text("Engine"),
            AllocatedStorageGiB = e.Int("AllocatedStorage") ?? 0,
            Encrypted = e.Bool("Encrypted") ?? false,
            KmsKeyId = e.Text("KmsKeyId"),
            PercentProgress = e.Int("PercentProgress"),
            SourceRegion = e.Text("SourceRegion"),
            SourceDBSnapshotIdentifier = e.Text("SourceDBSnapshotIdentifier"),
            Tags = e.Tags("TagList"),
        };
    }
}
