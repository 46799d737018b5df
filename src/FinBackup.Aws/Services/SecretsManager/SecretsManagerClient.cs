using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using FinBackup.Aws.Protocol;

namespace FinBackup.Aws.Services.SecretsManager
{
    /// <summary>A secret's metadata (DescribeSecret / ListSecrets / CreateSecret).</summary>
    public sealed class SecretInfo
    {
        public string Name { get; set; }
        public string Arn { get; set; }
        public string KmsKeyId { get; set; }
        public string Description { get; set; }
        public string VersionId { get; set; }
        public DateTime? CreatedDate { get; set; }
        public DateTime? LastChangedDate { get; set; }
        public string PrimaryRegion { get; set; }
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>Regions this secret is replicated to, with their status.</summary>
        public IDictionary<string, string> ReplicationStatus { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>A secret value (GetSecretValue). Do not log <see cref="SecretString"/>.</summary>
    public sealed class SecretValue
    {
        public string Name { get; set; }
        public string Arn { get; set; }
        public string VersionId { get; set; }
        public string SecretString { get; set; }
        public IList<string> VersionStages { get; set; } = new List<string>();
        public override string ToString() => $"{Name} ({VersionId})";
    }

    /// <summary>
    /// AWS Secrets Manager (JSON 1.1, target prefix "secretsmanager"): the operations FinBackup uses for restore credentials.
    /// Get one from <see cref="AwsClientContext.SecretsManager"/>.
    /// </summary>
    public sealed class SecretsManagerClient
    {
        private readonly JsonProtocolClient _json;

        public SecretsManagerClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null, HttpClient http = null)
        {
            _json = new JsonProtocolClient(credentials, endpoint, "secretsmanager", "1.1", retry, http);
        }

        public string Region => _json.Region;

        public async Task<SecretInfo> CreateSecretAsync(string name, string secretString, string kmsKeyId = null, string description = null,
            IDictionary<string, string> tags = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject { ["Name"] = name, ["SecretString"] = secretString, ["ClientRequestToken"] = Guid.NewGuid().ToString() };
            if (kmsKeyId != null) body["KmsKeyId"] = kmsKeyId;
            if (description != null) body["Description"] = description;
            if (tags != null) body["Tags"] = TagArray(tags);
            var r = await _json.InvokeAsync("CreateSecret", body, cancellationToken).ConfigureAwait(false);
            return new SecretInfo { Name = r.Str("Name"), Arn = r.Str("ARN"), VersionId = r.Str("VersionId"), KmsKeyId = kmsKeyId, Description = description };
        }

        public async Task<SecretValue> GetSecretValueAsync(string secretId, string versionStage = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject { ["SecretId"] = secretId };
            if (versionStage != null) body["VersionStage"] = versionStage;
            var r = await _json.InvokeAsync("GetSecretValue", body, cancellationToken).ConfigureAwait(false);
            return new SecretValue
            {
                Name = r.Str("Name"),
                Arn = r.Str("ARN"),
                VersionId = r.Str("VersionId"),
                SecretString = r.Str("SecretString"),
                VersionStages = r.Strings("VersionStages"),
            };
        }

        /// <summary>The secret's metadata, or null when it does not exist.</summary>
        public async Task<SecretInfo> DescribeSecretAsync(string secretId, CancellationToken cancellationToken = default(CancellationToken))
        {
            try
            {
                var r = await _json.InvokeAsync("DescribeSecret", new JsonObject { ["SecretId"] = secretId }, cancellationToken).ConfigureAwait(false);
                return ReadInfo(r);
            }
            catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceNotFoundException")
            {
                return null;
            }
        }

        /// <summary>Store a new version; returns its version id.</summary>
        public async Task<string> PutSecretValueAsync(string secretId, string secretString, CancellationToken cancellationToken = default(CancellationToken))
        {
            var body = new JsonObject { ["SecretId"] = secretId, ["SecretString"] = secretString, ["ClientRequestToken"] = Guid.NewGuid().ToString() };
            var r = await _json.InvokeAsync("PutSecretValue", body, cancellationToken).ConfigureAwait(false);
            return r.Str("VersionId");
        }

        /// <summary>All secrets (follows NextToken), optionally those whose name starts with <paramref name="namePrefix"/>.</summary>
        public Task<List<SecretInfo>> ListSecretsAsync(string namePrefix = null, CancellationToken cancellationToken = default(CancellationToken)) =>
            AwsPaging.CollectAsync<SecretInfo>(async (token, ct) =>
            {
                var body = new JsonObject { ["MaxResults"] = 100 };
                if (token != null) body["NextToken"] = token;
                if (namePrefix != null)
                {
                    body["Filters"] = new JsonArray(new JsonObject { ["Key"] = "name", ["Values"] = new JsonArray(JsonValue.Create(namePrefix)) });
                }
                var r = await _json.InvokeAsync("ListSecrets", body, ct).ConfigureAwait(false);
                var items = r.Array("SecretList").Select(ReadInfo)
                    .Where(s => namePrefix == null || (s.Name ?? string.Empty).StartsWith(namePrefix, StringComparison.Ordinal)).ToList();
                return new AwsPage<SecretInfo>(items, r.Str("NextToken"));
            }, cancellationToken);

        /// <summary>Replicate a secret to other regions, each encrypted with the given key (alias or ARN) in that region.</summary>
        public async Task ReplicateSecretToRegionsAsync(string secretId, IDictionary<string, string> regionToKmsKey,
            CancellationToken cancellationToken = default(CancellationToken), bool forceOverwriteReplica = false)
        {
            var regions = new JsonArray();
            foreach (var kv in regionToKmsKey)
            {
                var o = new JsonObject { ["Region"] = kv.Key };
                if (kv.Value != null) o["KmsKeyId"] = kv.Value;
                regions.Add(o);
            }
            await _json.InvokeAsync("ReplicateSecretToRegions", new JsonObject { ["SecretId"] = secretId, ["AddReplicaRegions"] = regions, ["ForceOverwriteReplicaSecret"] = forceOverwriteReplica }, cancellationToken)
                .ConfigureAwait(false);
        }

        private static JsonArray TagArray(IDictionary<string, string> tags) =>
            new JsonArray(tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());

        private static SecretInfo ReadInfo(JsonElement r)
        {
            var info = new SecretInfo
            {
                Name = r.Str("Name"),
                Arn = r.Str("ARN"),
                KmsKeyId = r.Str("KmsKeyId"),
                Description = r.Str("Description"),
                CreatedDate = r.Date("CreatedDate"),
                LastChangedDate = r.Date("LastChangedDate"),
                PrimaryRegion = r.Str("PrimaryRegion"),
            };
            foreach (var t in r.Array("Tags"))
            {
                var k = t.Str("Key");
                if (k != null) info.Tags[k] = t.Str("Value") ?? string.Empty;
            }
            foreach (var rep in r.Array("ReplicationStatus"))
            {
                var region = rep.Str("Region");
                if (region != null) info.ReplicationStatus[region] = rep.Str("Status");
            }
            return info;
        }
    }
}
