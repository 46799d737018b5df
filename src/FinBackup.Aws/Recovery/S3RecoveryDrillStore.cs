using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;

namespace FinBackup.Aws.Recovery
{
    /// <summary>Drill records as JSON in the backup bucket of one region: fin-drills/&lt;application slug&gt;/&lt;drillId&gt;.json, SSE-KMS.</summary>
    [Gateway(typeof(IRecoveryDrillStore))]
    public sealed class S3RecoveryDrillStore : IRecoveryDrillStore
    {
        public const string Root = "fin-drills/";
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions
        {
            WriteIndented = true,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };

        private readonly AwsClientContext _context;
        private readonly string _region;

        public S3RecoveryDrillStore(AwsClientContext context, string region)
        {
            _context = context;
            _region = context.Region(region);
        }

        private IAmazonS3 S3 => _context.S3(_region);

        public static string KeyFor(string application, string drillId) => Root + BlueprintAssembler.Slug(application) + "/" + drillId + ".json";

        public string Put(string bucket, RecoveryDrillRecord record, string kmsKeyId, CancellationToken cancellationToken)
        {
            if (record == null) throw new ArgumentNullException(nameof(record));
            if (string.IsNullOrEmpty(kmsKeyId))
                throw new Domain.FinBackupException("FinDrillBucketMissing", Domain.FinErrorKind.InvalidArgument,
                    $"No KMS key for the drill record in {_region}: drill records are written SSE-KMS only.", "Add the region's key to KmsKeys in the policy.");
            var key = KeyFor(record.Application, record.DrillId);
            var location = $"s3://{bucket}/{key}";
            record.Location = location;
            var bytes = JsonSerializer.SerializeToUtf8Bytes(record, Json);
            try
            {
                S3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = key,
                    InputStream = new MemoryStream(bytes),
                    ContentType = "application/json",
                    ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                    ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId,
                }, cancellationToken).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "s3", "PutObject");
            }
            return location;
        }

        public IReadOnlyList<RecoveryDrillRecord> List(string bucket, string application, CancellationToken cancellationToken)
        {
            var prefix = application == null ? Root : Root + BlueprintAssembler.Slug(application) + "/";
            var records = new List<RecoveryDrillRecord>();
            try
            {
                string token = null;
                do
                {
                    var page = S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token }, cancellationToken).GetAwaiter().GetResult();
                    foreach (var o in page.S3Objects ?? new List<S3Object>())
                    {
                        if (!o.Key.EndsWith(".json", StringComparison.Ordinal)) continue;
                        using (var response = S3.GetObjectAsync(bucket, o.Key, cancellationToken).GetAwaiter().GetResult())
                        using (var ms = new MemoryStream())
                        {
                            response.ResponseStream.CopyTo(ms);
                            RecoveryDrillRecord record = null;
                            try
                            {
                                record = JsonSerializer.Deserialize<RecoveryDrillRecord>(ms.ToArray(), Json);
                            }
                            catch (JsonException)
                            {
                            }
                            if (record?.DrillId == null) continue; // unreadable: skipped
                            record.Location = $"s3://{bucket}/{o.Key}";
                            records.Add(record);
                        }
                    }
                    token = page.IsTruncated == true ? page.NextContinuationToken : null;
                } while (token != null);
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey")
            {
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "s3", "ListObjectsV2");
            }
            return records.OrderByDescending(r => r.StartedAt).ToList();
        }
    }
}
