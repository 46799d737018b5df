using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.Backup
{
    /// <summary>
    /// AWS Backup restores and recovery-point listing with filters: ListRecoveryPointsByBackupVault (createdAfter/Before,
    /// resourceType), ListTags, GetRecoveryPointRestoreMetadata, StartRestoreJob, DescribeRestoreJob. moto 5.2.1 emulates none
    /// of them; the requests are checked against botocore's model in BackupRestoreWireShapeTests.
    /// </summary>
    public sealed partial class BackupClient
    {
        public Task<List<BackupRecoveryPoint>> ListRecoveryPointsAsync(string vaultName, BackupRecoveryPointFilter filter,
            CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<BackupRecoveryPoint>(async (token, ct) =>
            {
                var q = new List<KeyValuePair<string, string>>
                {
                    new KeyValuePair<string, string>("resourceArn", filter?.ResourceArn),
                    new KeyValuePair<string, string>("resourceType", filter?.ResourceType),
                    new KeyValuePair<string, string>("createdAfter", Iso(filter?.CreatedAfter)),
                    new KeyValuePair<string, string>("createdBefore", Iso(filter?.CreatedBefore)),
                    new KeyValuePair<string, string>("nextToken", token),
                };
                var r = await _rest.SendAsync("ListRecoveryPointsByBackupVault", HttpMethod.Get, "/backup-vaults/" + E(vaultName) + "/recovery-points/",
                    AwsEncoding.Query(q), null, ct).ConfigureAwait(false);
                return new AwsPage<BackupRecoveryPoint>(r.Array("RecoveryPoints").Select(ReadRecoveryPoint).ToList(), r.Str("NextToken"));
            }, cancellationToken);

        /// <summary>The tags of a recovery point (or any AWS Backup resource).</summary>
        public async Task<Dictionary<string, string>> ListTagsAsync(string resourceArn, CancellationToken cancellationToken = default(CancellationToken))
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            string token = null;
            do
            {
                var r = await _rest.SendAsync("ListTags", HttpMethod.Get, "/tags/" + E(resourceArn) + "/", PageQuery(token), null, cancellationToken).ConfigureAwait(false);
                foreach (var kv in ReadMap(r.Obj("Tags"))) tags[kv.Key] = kv.Value;
                token = r.Str("NextToken");
            }
            while (!string.IsNullOrEmpty(token));
            return tags;
        }

        public async Task<BackupRestoreMetadata> GetRecoveryPointRestoreMetadataAsync(string vaultName, string recoveryPointArn,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var r = await _rest.SendAsync("GetRecoveryPointRestoreMetadata", HttpMethod.Get,
                "/backup-vaults/" + E(vaultName) + "/recovery-points/" + E(recoveryPointArn) + "/restore-metadata", null, null, cancellationToken).ConfigureAwait(false);
            return new BackupRestoreMetadata
            {
                RecoveryPointArn = r.Str("RecoveryPointArn") ?? recoveryPointArn,
                ResourceType = r.Str("ResourceType"),
                Metadata = ReadMap(r.Obj("RestoreMetadata")),
            };
        }

        /// <summary>Returns the restore job id.</summary>
        public async Task<string> StartRestoreJobAsync(BackupRestoreJobRequest request, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject
            {
                ["RecoveryPointArn"] = request.RecoveryPointArn,
                ["Metadata"] = ToJson(request.Metadata ?? new Dictionary<string, string>()),
            };
            if (!string.IsNullOrEmpty(request.IamRoleArn)) body["IamRoleArn"] = request.IamRoleArn;
            if (!string.IsNullOrEmpty(request.IdempotencyToken)) body["IdempotencyToken"] = request.IdempotencyToken;
            if (!string.IsNullOrEmpty(request.ResourceType)) body["ResourceType"] = request.ResourceType;
            if (request.CopySourceTagsToRestoredResource.HasValue) body["CopySourceTagsToRestoredResource"] = request.CopySourceTagsToRestoredResource.Value;
            var r = await _rest.SendAsync("StartRestoreJob", HttpMethod.Put, "/restore-jobs", null, body, cancellationToken).ConfigureAwait(false);
            return r.Str("RestoreJobId");
        }

        public async Task<BackupRestoreJob> DescribeRestoreJobAsync(string restoreJobId, CancellationToken cancellationToken = default(CancellationToken))
        {
            var r = await _rest.SendAsync("DescribeRestoreJob", HttpMethod.Get, "/restore-jobs/" + E(restoreJobId), null, null, cancellationToken).ConfigureAwait(false);
            double? percent = null;
            if (double.TryParse(r.Str("PercentDone"), NumberStyles.Float, CultureInfo.InvariantCulture, out var p)) percent = p;
            return new BackupRestoreJob
            {
                RestoreJobId = r.Str("RestoreJobId") ?? restoreJobId,
                Status = r.Str("Status"),
                StatusMessage = r.Str("StatusMessage"),
                PercentDone = percent,
                CreatedResourceArn = r.Str("CreatedResourceArn"),
                CreationDate = r.Date("CreationDate"),
                CompletionDate = r.Date("CompletionDate"),
                ExpectedCompletionTimeMinutes = r.Long("ExpectedCompletionTimeMinutes"),
                BackupSizeInBytes = r.Long("BackupSizeInBytes"),
                ResourceType = r.Str("ResourceType"),
            };
        }

        private static string Iso(DateTime? t) =>
            t.HasValue ? t.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null;
    }

    public sealed class BackupRecoveryPointFilter
    {
        public string ResourceArn { get; set; }
        public string ResourceType { get; set; }
        public DateTime? CreatedAfter { get; set; }
        public DateTime? CreatedBefore { get; set; }
    }

    public sealed class BackupRestoreMetadata
    {
        public string RecoveryPointArn { get; set; }
        public string ResourceType { get; set; }
        public Dictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public sealed class BackupRestoreJobRequest
    {
        public string RecoveryPointArn { get; set; }
        public IDictionary<string, string> Metadata { get; set; }
        public string IamRoleArn { get; set; }
        public string IdempotencyToken { get; set; }
        public string ResourceType { get; set; }
        public bool? CopySourceTagsToRestoredResource { get; set; }
    }

    public sealed class BackupRestoreJob
    {
        public string RestoreJobId { get; set; }
        /// <summary>PENDING, RUNNING, COMPLETED, ABORTED or FAILED.</summary>
        public string Status { get; set; }
        public string StatusMessage { get; set; }
        public double? PercentDone { get; set; }
        public string CreatedResourceArn { get; set; }
        public DateTime? CreationDate { get; set; }
        public DateTime? CompletionDate { get; set; }
        public long? ExpectedCompletionTimeMinutes { get; set; }
        public long? BackupSizeInBytes { get; set; }
        public string ResourceType { get; set; }
    }
}
