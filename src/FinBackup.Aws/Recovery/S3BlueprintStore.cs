using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;

namespace FinBackup.Aws.Recovery
{
    /// <summary>The blueprint's JSON form (docs/schemas/recovery-blueprint.md): property names as in the model, indented, nulls kept out.</summary>
    public static class BlueprintJson
    {
        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            WriteIndented = true,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };

        public static byte[] Serialize(RecoveryBlueprint blueprint) => JsonSerializer.SerializeToUtf8Bytes(blueprint, Options);

        public static RecoveryBlueprint Deserialize(byte[] json, string where)
        {
            RecoveryBlueprint bp;
            try
            {
                bp = JsonSerializer.Deserialize<RecoveryBlueprint>(json, Options);
            }
            catch (JsonException ex)
            {
                throw new FinBackupException("FinBlueprintUnreadable", FinErrorKind.InvalidData, $"{where} is not a recovery blueprint: {ex.Message}",
                    "Export a fresh one with Export-FinRecoveryBlueprint.");
            }
            if (bp == null || bp.SchemaVersion < 1 || bp.SchemaVersion > RecoveryBlueprint.CurrentSchemaVersion)
            {
                throw new FinBackupException("FinBlueprintUnreadable", FinErrorKind.InvalidData,
                    $"{where} has schema version {bp?.SchemaVersion}; this FinBackup reads version 1 to {RecoveryBlueprint.CurrentSchemaVersion}.",
                    "Use the FinBackup version that wrote it, or export a fresh one.");
            }
            return bp;
        }

        public static string Sha256Hex(byte[] data)
        {
            using (var sha = SHA256.Create())
            {
                var h = sha.ComputeHash(data);
                var sb = new StringBuilder(h.Length * 2);
                foreach (var b in h) sb.Append(b.ToString("x2"));
                return sb.ToString();
            }
        }
    }

    [Gateway(typeof(IRecoveryBlueprintStore))]
    public sealed class S3BlueprintStore : IRecoveryBlueprintStore
    {
        private readonly AwsClientContext _context;

        public S3BlueprintStore(AwsClientContext context, string region)
        {
            _context = context;
            Region = context.Region(region);
        }

        public string Region { get; }
        private IAmazonS3 S3 => _context.S3(Region);

        public string Put(string bucket, string key, RecoveryBlueprint blueprint, string kmsKeyId, CancellationToken cancellationToken)
        {
            var bytes = BlueprintJson.Serialize(blueprint);
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = new MemoryStream(bytes),
                ContentType = "application/json",
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId,
            };
            request.Metadata["fin-sha256"] = BlueprintJson.Sha256Hex(bytes);
            request.Metadata["fin-schema-version"] = blueprint.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Run(() => S3.PutObjectAsync(request, cancellationToken).GetAwaiter().GetResult(), "PutObject");
            return BlueprintJson.Sha256Hex(bytes);
        }

        public void CopyFrom(string sourceRegion, string sourceBucket, string key, string destinationBucket, string kmsKeyId, CancellationToken cancellationToken)
        {
            Run(() => S3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = sourceBucket,
                SourceKey = key,
                DestinationBucket = destinationBucket,
                DestinationKey = key,
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId,
                MetadataDirective = S3MetadataDirective.COPY,
            }, cancellationToken).GetAwaiter().GetResult(), "CopyObject");
        }

        public StoredBlueprint Get(string bucket, string key, CancellationToken cancellationToken)
        {
            GetObjectResponse response;
            try
            {
                response = S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).GetAwaiter().GetResult();
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey" || ex.StatusCode == System.Net.HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
            {
                return null;
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "s3", "GetObject");
            }
            using (response)
            using (var ms = new MemoryStream())
            {
                response.ResponseStream.CopyTo(ms);
                var bytes = ms.ToArray();
                return new StoredBlueprint
                {
                    Blueprint = BlueprintJson.Deserialize(bytes, $"s3://{bucket}/{key}"),
                    Bucket = bucket,
                    Key = key,
                    LastModified = (response.LastModified ?? DateTime.UtcNow).ToUniversalTime(),
                    Sha256 = BlueprintJson.Sha256Hex(bytes),
                    ServerSideEncryption = response.ServerSideEncryptionMethod?.Value,
                    KmsKeyId = response.ServerSideEncryptionKeyManagementServiceKeyId,
                };
            }
        }

        private static void Run(Action action, string operation)
        {
            try
            {
                action();
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "s3", operation);
            }
        }
    }
}
