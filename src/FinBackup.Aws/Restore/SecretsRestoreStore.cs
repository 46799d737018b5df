using System;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using FinBackup.Domain;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.Restore
{
    /// <summary>
    /// Restore credentials from AWS Secrets Manager. The secret value is parsed here and only the password is handed on; no
    /// message this class raises contains any part of a secret value.
    /// </summary>
    [Gateway(typeof(IRestoreSecretStore))]
    public sealed class SecretsRestoreStore : IRestoreSecretStore
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public SecretsRestoreStore(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        public DbCredentials GetDbCredentials(string secretId, CancellationToken ct)
        {
            var value = _context.SecretsManager(_region).GetSecretValueAsync(secretId, null, ct).GetAwaiter().GetResult();
            try
            {
                var node = JsonNode.Parse(value.SecretString ?? string.Empty) as JsonObject;
                var user = node?["username"]?.GetValue<string>();
                var password = node?["password"]?.GetValue<string>();
                if (string.IsNullOrEmpty(password)) throw Invalid(secretId, null);
                return new DbCredentials { Username = user, Password = password };
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is FormatException)
            {
                throw Invalid(secretId, ex is JsonException ? null : ex);
            }
        }

        public void WriteEndpoint(string secretId, string host, int port, CancellationToken ct)
        {
            var sm = _context.SecretsManager(_region);
            var current = sm.GetSecretValueAsync(secretId, null, ct).GetAwaiter().GetResult();
            JsonObject node;
            try
            {
                node = JsonNode.Parse(string.IsNullOrEmpty(current.SecretString) ? "{}" : current.SecretString) as JsonObject ?? new JsonObject();
            }
            catch (JsonException)
            {
                throw new FinBackupException("FinRestoreSecretInvalid", FinErrorKind.InvalidData,
                    $"Secret '{secretId}' in {_region} does not hold a JSON object, so the endpoint cannot be written into it (its value is not shown).",
                    "Store the application's connection settings as JSON, e.g. {\"host\":...,\"port\":...,\"username\":...,\"password\":...}.");
            }
            node["host"] = host;
            node["port"] = port;
            sm.PutSecretValueAsync(secretId, node.ToJsonString(), ct).GetAwaiter().GetResult();
        }

        // The inner exception of a JSON parse error can quote the secret text: it is never attached.
        private FinBackupException Invalid(string secretId, Exception inner) =>
            new FinBackupException("FinRestoreSecretInvalid", FinErrorKind.InvalidData,
                $"Secret '{secretId}' in {_region} is not JSON with \"username\" and \"password\" (its value is not shown).",
                "Store the DB master credentials as {\"username\":\"...\",\"password\":\"...\"} (the RDS credentials format).");
    }
}
