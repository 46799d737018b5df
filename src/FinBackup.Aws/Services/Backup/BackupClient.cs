using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.Backup
{
    /// <summary>
    /// AWS Backup (REST-JSON, API 2018-11-15): the vault, plan, selection, vault-lock, recovery-point and copy-job
    /// operations FinBackup uses. Get one from <see cref="AwsClientContext.Backup"/>.
    /// </summary>
    public sealed partial class BackupClient
    {
        private readonly RestJsonProtocolClient _rest;

        public BackupClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null, HttpClient http = null)
        {
            _rest = new RestJsonProtocolClient(credentials, endpoint, retry, http);
        }

        public string Region => _rest.Region;

        private static string E(string s) => AwsEncoding.Encode(s);

        public async Task<BackupVault> CreateBackupVaultAsync(string vaultName, string encryptionKeyArn = null, IDictionary<string, string> tags = null,
            string creatorRequestId = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject();
            if (encryptionKeyArn != null) body["EncryptionKeyArn"] = encryptionKeyArn;
            if (tags != null) body["BackupVaultTags"] = ToJson(tags);
            if (creatorRequestId != null) body["CreatorRequestId"] = creatorRequestId;
            var r = await _rest.SendAsync("CreateBackupVault", HttpMethod.Put, "/backup-vaults/" + E(vaultName), null, body, cancellationToken).ConfigureAwait(false);
            return new BackupVault { Name = r.Str("BackupVaultName") ?? vaultName, Arn = r.Str("BackupVaultArn"), CreationDate = r.Date("CreationDate"), EncryptionKeyArn = encryptionKeyArn };
        }

        /// <summary>The vault, or null when it does not exist.</summary>
        public async Task<BackupVault> DescribeBackupVaultAsync(string vaultName, CancellationToken cancellationToken = default(CancellationToken))
        {
            try
            {
                var r = await _rest.SendAsync("DescribeBackupVault", HttpMethod.Get, "/backup-vaults/" + E(vaultName), null, null, cancellationToken).ConfigureAwait(false);
                return ReadVault(r);
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceNotFoundException")
            {
                return null;
            }
        }

        public Task<List<BackupVault>> ListBackupVaultsAsync(CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<BackupVault>(async (token, ct) =>
            {
                var r = await _rest.SendAsync("ListBackupVaults", HttpMethod.Get, "/backup-vaults/", PageQuery(token), null, ct).ConfigureAwait(false);
                return new AwsPage<BackupVault>(r.Array("BackupVaultList").Select(ReadVault).ToList(), r.Str("NextToken"));
            }, cancellationToken);

        public async Task<BackupPlanInfo> CreateBackupPlanAsync(BackupPlanDefinition plan, IDictionary<string, string> tags = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject { ["BackupPlan"] = PlanJson(plan) };
            if (tags != null) body["BackupPlanTags"] = ToJson(tags);
            var r = await _rest.SendAsync("CreateBackupPlan", HttpMethod.Put, "/backup/plans/", null, body, cancellationToken).ConfigureAwait(false);
            return ReadPlanHeader(r, plan.Name);
        }

        public async Task<BackupPlanInfo> UpdateBackupPlanAsync(string planId, BackupPlanDefinition plan, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject { ["BackupPlan"] = PlanJson(plan) };
            var r = await _rest.SendAsync("UpdateBackupPlan", HttpMethod.Post, "/backup/plans/" + E(planId), null, body, cancellationToken).ConfigureAwait(false);
            return ReadPlanHeader(r, plan.Name);
        }

        /// <summary>The plan with its rules, or null when it does not exist.</summary>
        public async Task<BackupPlanInfo> GetBackupPlanAsync(string planId, CancellationToken cancellationToken = default(CancellationToken))
        {
            try
            {
                var r = await _rest.SendAsync("GetBackupPlan", HttpMethod.Get, "/backup/plans/" + E(planId) + "/", null, null, cancellationToken).ConfigureAwait(false);
                var info = ReadPlanHeader(r, null);
                var p = r.Obj("BackupPlan");
                if (p.HasValue)
                {
                    info.Name = p.Value.Str("BackupPlanName");
                    info.Plan = ReadPlan(p.Value);
                }
                return info;
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceNotFoundException")
            {
                return null;
            }
        }

        public Task<List<BackupPlanInfo>> ListBackupPlansAsync(CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<BackupPlanInfo>(async (token, ct) =>
            {
                var r = await _rest.SendAsync("ListBackupPlans", HttpMethod.Get, "/backup/plans/", PageQuery(token), null, ct).ConfigureAwait(false);
                return new AwsPage<BackupPlanInfo>(r.Array("BackupPlansList").Select(e => ReadPlanHeader(e, e.Str("BackupPlanName"))).ToList(), r.Str("NextToken"));
            }, cancellationToken);

        /// <summary>Returns the new selection id.</summary>
        public async Task<string> CreateBackupSelectionAsync(string planId, BackupSelectionDefinition selection, string creatorRequestId = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var sel = new JsonObject
            {
                ["SelectionName"] = selection.SelectionName,
                ["IamRoleArn"] = selection.IamRoleArn,
                ["Resources"] = new JsonArray(selection.Resources.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
                ["ListOfTags"] = new JsonArray(selection.TagConditions.Select(t => (JsonNode)new JsonObject
                {
                    ["ConditionType"] = "STRINGEQUALS",
                    ["ConditionKey"] = t.Key,
                    ["ConditionValue"] = t.Value,
                }).ToArray()),
            };
            var body = new JsonObject { ["BackupSelection"] = sel };
            if (creatorRequestId != null) body["CreatorRequestId"] = creatorRequestId;
            var r = await _rest.SendAsync("CreateBackupSelection", HttpMethod.Put, "/backup/plans/" + E(planId) + "/selections/", null, body, cancellationToken)
                .ConfigureAwait(false);
            return r.Str("SelectionId");
        }

        /// <summary>Vault Lock (governance mode unless changeableForDays is given, which starts compliance mode's cooling-off period).</summary>
        public async Task PutBackupVaultLockConfigurationAsync(string vaultName, long? minRetentionDays, long? maxRetentionDays, long? changeableForDays = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject();
            if (minRetentionDays.HasValue) body["MinRetentionDays"] = minRetentionDays.Value;
            if (maxRetentionDays.HasValue) body["MaxRetentionDays"] = maxRetentionDays.Value;
            if (changeableForDays.HasValue) body["ChangeableForDays"] = changeableForDays.Value;
            await _rest.SendAsync("PutBackupVaultLockConfiguration", HttpMethod.Put, "/backup-vaults/" + E(vaultName) + "/vault-lock", null, body, cancellationToken)
                .ConfigureAwait(false);
        }

        public Task<List<BackupRecoveryPoint>> ListRecoveryPointsByBackupVaultAsync(string vaultName, string resourceArn = null,
            CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<BackupRecoveryPoint>(async (token, ct) =>
            {
                var q = new List<KeyValuePair<string, string>>
                {
                    new KeyValuePair<string, string>("resourceArn", resourceArn),
                    new KeyValuePair<string, string>("nextToken", token),
                };
                var r = await _rest.SendAsync("ListRecoveryPointsByBackupVault", HttpMethod.Get, "/backup-vaults/" + E(vaultName) + "/recovery-points/",
                    AwsEncoding.Query(q), null, ct).ConfigureAwait(false);
                return new AwsPage<BackupRecoveryPoint>(r.Array("RecoveryPoints").Select(ReadRecoveryPoint).ToList(), r.Str("NextToken"));
            }, cancellationToken);

        public async Task DeleteRecoveryPointAsync(string vaultName, string recoveryPointArn, CancellationToken cancellationToken = default(CancellationToken))
        {
            await _rest.SendAsync("DeleteRecoveryPoint", HttpMethod.Delete,
                "/backup-vaults/" + E(vaultName) + "/recovery-points/" + E(recoveryPointArn), null, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Returns the copy job id.</summary>
        public async Task<string> StartCopyJobAsync(BackupCopyJobRequest request, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject
            {
                ["RecoveryPointArn"] = request.RecoveryPointArn,
                ["SourceBackupVaultName"] = request.SourceVaultName,
                ["DestinationBackupVaultArn"] = request.DestinationVaultArn,
                ["IamRoleArn"] = request.IamRoleArn,
            };
            if (request.IdempotencyToken != null) body["IdempotencyToken"] = request.IdempotencyToken;
            if (request.DeleteAfterDays.HasValue) body["Lifecycle"] = new JsonObject { ["DeleteAfterDays"] = request.DeleteAfterDays.Value };
            var r = await _rest.SendAsync("StartCopyJob", HttpMethod.Put, "/copy-jobs", null, body, cancellationToken).ConfigureAwait(false);
            return r.Str("CopyJobId");
        }

        private static string PageQuery(string token) =>
            token == null ? null : AwsEncoding.Query(new[] { new KeyValuePair<string, string>("nextToken", token) });

        private static JsonObject ToJson(IDictionary<string, string> map)
        {
            var o = new JsonObject();
            foreach (var kv in map) o[kv.Key] = kv.Value;
            return o;
        }

        internal static JsonObject PlanJson(BackupPlanDefinition plan)
        {
            var rules = new JsonArray();
            foreach (var rule in plan.Rules)
            {
                var r = new JsonObject { ["RuleName"] = rule.RuleName, ["TargetBackupVaultName"] = rule.TargetVaultName };
                if (rule.ScheduleExpression != null) r["ScheduleExpression"] = rule.ScheduleExpression;
                if (rule.StartWindowMinutes.HasValue) r["StartWindowMinutes"] = rule.StartWindowMinutes.Value;
                if (rule.CompletionWindowMinutes.HasValue) r["CompletionWindowMinutes"] = rule.CompletionWindowMinutes.Value;
                if (rule.DeleteAfterDays.HasValue) r["Lifecycle"] = new JsonObject { ["DeleteAfterDays"] = rule.DeleteAfterDays.Value };
                if (rule.RecoveryPointTags != null && rule.RecoveryPointTags.Count > 0) r["RecoveryPointTags"] = ToJson(rule.RecoveryPointTags);
                if (rule.CopyActions != null && rule.CopyActions.Count > 0)
                {
                    var copies = new JsonArray();
                    foreach (var c in rule.CopyActions)
                    {
                        var co = new JsonObject { ["DestinationBackupVaultArn"] = c.DestinationVaultArn };
                        if (c.DeleteAfterDays.HasValue) co["Lifecycle"] = new JsonObject { ["DeleteAfterDays"] = c.DeleteAfterDays.Value };
                        copies.Add(co);
                    }
                    r["CopyActions"] = copies;
                }
                rules.Add(r);
            }
            return new JsonObject { ["BackupPlanName"] = plan.Name, ["Rules"] = rules };
        }

        private static BackupPlanDefinition ReadPlan(JsonElement p) => new BackupPlanDefinition
        {
            Name = p.Str("BackupPlanName"),
            Rules = p.Array("Rules").Select(r => new BackupRuleDefinition
            {
                RuleName = r.Str("RuleName"),
                TargetVaultName = r.Str("TargetBackupVaultName"),
                ScheduleExpression = r.Str("ScheduleExpression"),
                StartWindowMinutes = r.Long("StartWindowMinutes"),
                CompletionWindowMinutes = r.Long("CompletionWindowMinutes"),
                DeleteAfterDays = r.Obj("Lifecycle")?.Long("DeleteAfterDays"),
                RecoveryPointTags = ReadMap(r.Obj("RecoveryPointTags")),
                CopyActions = r.Array("CopyActions").Select(c => new BackupCopyActionDefinition
                {
                    DestinationVaultArn = c.Str("DestinationBackupVaultArn"),
                    DeleteAfterDays = c.Obj("Lifecycle")?.Long("DeleteAfterDays"),
                }).ToList(),
            }).ToList(),
        };

        private static Dictionary<string, string> ReadMap(JsonElement? o)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            if (o.HasValue)
            {
                foreach (var p in o.Value.EnumerateObject()) map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.ToString();
            }
            return map;
        }

        private static BackupPlanInfo ReadPlanHeader(JsonElement r, string name) => new BackupPlanInfo
        {
            PlanId = r.Str("BackupPlanId"),
            PlanArn = r.Str("BackupPlanArn"),
            VersionId = r.Str("VersionId"),
            CreationDate = r.Date("CreationDate"),
            Name = name,
        };

        private static BackupVault ReadVault(JsonElement r) => new BackupVault
        {
            Name = r.Str("BackupVaultName"),
            Arn = r.Str("BackupVaultArn"),
            EncryptionKeyArn = r.Str("EncryptionKeyArn"),
            CreationDate = r.Date("CreationDate"),
            NumberOfRecoveryPoints = r.Long("NumberOfRecoveryPoints") ?? 0,
            Locked = r.Bool("Locked") ?? false,
            MinRetentionDays = r.Long("MinRetentionDays"),
            MaxRetentionDays = r.Long("MaxRetentionDays"),
        };

        private static BackupRecoveryPoint ReadRecoveryPoint(JsonElement r) => new BackupRecoveryPoint
        {
            RecoveryPointArn = r.Str("RecoveryPointArn"),
            VaultName = r.Str("BackupVaultName"),
            ResourceArn = r.Str("ResourceArn"),
            ResourceType = r.Str("ResourceType"),
            Status = r.Str("Status"),
            CreationDate = r.Date("CreationDate"),
            CompletionDate = r.Date("CompletionDate"),
            DeleteAt = r.Obj("CalculatedLifecycle")?.Date("DeleteAt"),
            EncryptionKeyArn = r.Str("EncryptionKeyArn"),
            IsEncrypted = r.Bool("IsEncrypted") ?? false,
            BackupSizeInBytes = r.Long("BackupSizeInBytes"),
            BackupVaultArn = r.Str("BackupVaultArn"),
            SourceBackupVaultArn = r.Str("SourceBackupVaultArn"),
            ResourceName = r.Str("ResourceName"),
            DeleteAfterDays = r.Obj("Lifecycle")?.Long("DeleteAfterDays"),
            MoveToColdStorageAt = r.Obj("CalculatedLifecycle")?.Date("MoveToColdStorageAt"),
        };
    }
}
