using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;
using static FinBackup.Aws.RecoveryPoints.RecoveryPointAwsErrors;

namespace FinBackup.Aws.Restore
{
    /// <summary>
    /// Restore metadata documents as small JSON objects in the backup bucket, SSE-KMS with the region's policy key:
    /// restore-metadata/&lt;Kind&gt;/&lt;original point id&gt;.json. Copied across regions with CopyObject (re-encrypted with the
    /// destination key).
    /// </summary>
    [Gateway(typeof(IRestoreMetadataStore))]
    public sealed class S3RestoreMetadataStore : IRestoreMetadataStore
    {
        private readonly AwsClientContext _context;
        private readonly string _region;

        public S3RestoreMetadataStore(AwsClientContext context, string region)
        {
            _context = context;
            _region = region;
        }

        private IAmazonS3 S3 => _context.S3(_region);

        public void Put(string bucket, string kmsKeyId, RestoreMetadataDocument document, CancellationToken cancellationToken)
        {
            var key = RestoreMetadataDocument.KeyFor(document.Kind, document.RecoveryPointId);
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                ContentBody = Serialize(document),
                ContentType = "application/json",
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            };
            if (!string.IsNullOrEmpty(kmsKeyId)) request.ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId;
            Call(() => S3.PutObjectAsync(request, cancellationToken), $"PutObject s3://{bucket}/{key}");
        }

        public RestoreMetadataDocument Get(string bucket, RecoveryPointKind kind, string originalPointId, CancellationToken cancellationToken)
        {
            var key = RestoreMetadataDocument.KeyFor(kind, originalPointId);
            try
            {
                using (var response = Call(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken), $"GetObject s3://{bucket}/{key}"))
                using (var reader = new StreamReader(response.ResponseStream, Encoding.UTF8))
                {
                    string body;
                    try
                    {
                        body = reader.ReadToEnd();
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException) && RecoveryPoints.LookBeforeResend.IsTransport(ex))
                    {
                        // The reply was cut short after its headers (the body is read here, outside Call): a lost connection.
                        throw Transport(ex, $"GetObject s3://{bucket}/{key}");
                    }
                    return Deserialize(body, $"s3://{bucket}/{key}");
                }
            }
            catch (FinBackupException ex) when (ex.InnerException is AmazonS3Exception s3 && (s3.StatusCode == System.Net.HttpStatusCode.NotFound || s3.ErrorCode == "NoSuchKey"))
            {
                return null;
            }
        }

        public bool CopyFrom(string sourceRegion, string sourceBucket, string destinationBucket, string destinationKmsKeyId, RecoveryPointKind kind,
            string originalPointId, CancellationToken cancellationToken)
        {
            // Read from the source region and write here: works the same on AWS and on a local endpoint.
            var doc = new S3RestoreMetadataStore(_context, sourceRegion).Get(sourceBucket, kind, originalPointId, cancellationToken);
            if (doc == null) return false;
            Put(destinationBucket, destinationKmsKeyId, doc, cancellationToken);
            return true;
        }

        public static string Serialize(RestoreMetadataDocument d)
        {
            using (var ms = new MemoryStream())
            {
                using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteNumber("FormatVersion", d.FormatVersion);
                    w.WriteString("RecoveryPointId", d.RecoveryPointId);
                    w.WriteString("Kind", d.Kind.ToString());
                    w.WriteString("ResourceId", d.ResourceId);
                    w.WriteString("Region", d.Region);
                    w.WriteString("CapturedAt", DateTime.SpecifyKind(d.CapturedAt, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteStartObject("Metadata");
                    foreach (var kv in d.Metadata ?? new Dictionary<string, string>()) w.WriteString(kv.Key, kv.Value);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                return Encoding.UTF8.GetString(ms.ToArray());
            }
        }

        public static RestoreMetadataDocument Deserialize(string json, string where)
        {
            try
            {
                using (var doc = JsonDocument.Parse(json))
                {
                    var r = doc.RootElement;
                    var d = new RestoreMetadataDocument
                    {
                        FormatVersion = r.TryGetProperty("FormatVersion", out var v) ? v.GetInt32() : 1,
                        RecoveryPointId = Str(r, "RecoveryPointId"),
                        Kind = Enum.TryParse<RecoveryPointKind>(Str(r, "Kind"), out var k) ? k : RecoveryPointKind.EbsSnapshotSet,
                        ResourceId = Str(r, "ResourceId"),
                        Region = Str(r, "Region"),
                        CapturedAt = DateTime.TryParse(Str(r, "CapturedAt"), System.Globalization.CultureInfo.InvariantCulture,
                            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var c) ? c : DateTime.MinValue,
                    };
                    if (r.TryGetProperty("Metadata", out var m) && m.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var p in m.EnumerateObject()) d.Metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.ToString();
                    }
                    return d;
                }
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is FormatException)
            {
                throw new FinBackupException("FinRestoreMetadataInvalid", FinErrorKind.InvalidData, $"The restore metadata {where} is not a valid document: {ex.Message}",
                    "Delete it (the restore then needs explicit parameters) or restore it from the bucket's versions.", ex);
            }
        }

        private static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
