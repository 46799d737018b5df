using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using FinBackup.Domain;
using FinBackup.Domain.Files;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Aws.Files
{
    /// <summary>
    /// FileBackup recovery points in one region, for Get-FinRecoveryPoint, Copy-FinBackupToRegion and Remove-FinExpiredBackup.
    /// The buckets searched are those of this region that hold FinBackup manifests (ListBuckets + one ListObjectsV2 each),
    /// or <see cref="Buckets"/> when set. S3 has no server-side tag filter: manifests are listed by key prefix
    /// (manifests/&lt;application-slug&gt;/), filtered by the creation time in the key, and their tags read in parallel.
    /// </summary>
    public sealed class FileBackupRecoveryPointProvider : IRecoveryPointProvider, IRecoveryPointTagger
    {
        private readonly AwsClientContext _context;
        private readonly S3FileBackupStore _store;

        public FileBackupRecoveryPointProvider(AwsClientContext context, string region)
        {
            _context = context;
            Region = context.Region(region);
            _store = new S3FileBackupStore(context, Region);
        }

        public string Region { get; }
        public RecoveryPointKind Kind => RecoveryPointKind.FileBackup;
        /// <summary>The buckets to search; null = discover.</summary>
        public IList<string> Buckets { get; set; }
        public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(6);

        public IReadOnlyList<FinRecoveryPoint> List(RecoveryPointQuery query, CancellationToken ct)
        {
            query = query ?? new RecoveryPointQuery();
            var catalog = new FileBackupCatalog(_store);
            var result = new List<FinRecoveryPoint>();
            foreach (var bucket in Buckets ?? DiscoverBuckets(ct))
            {
                result.AddRange(catalog.List(bucket, query, ct));
            }
            return result.OrderByDescending(p => p.CreatedAt).ToList();
        }

        public FinRecoveryPoint Copy(FinRecoveryPoint source, CopyRecoveryPointRequest request, CancellationToken ct)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            var sourceStore = new S3FileBackupStore(_context, source.Region);
            var copier = new FileBackupCopier(sourceStore, _store) { GracePeriod = GracePeriod };
            return copier.Copy(source, request?.DestinationBucket, request?.KmsKeyId, request?.Tags, ct);
        }

        /// <summary>The manifest's object tags: read, merged, written back (PutObjectTagging replaces the whole set).</summary>
        public void SetTags(FinRecoveryPoint point, IDictionary<string, string> tags, CancellationToken ct)
        {
            var current = _store.GetTags(point.Bucket, point.RecoveryPointId, ct);
            foreach (var kv in tags) current[kv.Key] = kv.Value;
            try
            {
                _context.S3(Region).PutObjectTaggingAsync(new PutObjectTaggingRequest
                {
                    BucketName = point.Bucket,
                    Key = point.RecoveryPointId,
                    Tagging = new Tagging { TagSet = current.Select(kv => new Amazon.S3.Model.Tag { Key = kv.Key, Value = kv.Value }).ToList() },
                }, ct).GetAwaiter().GetResult();
            }
            catch (AmazonS3Exception ex)
            {
                throw S3FileBackupStore.Translate(ex, point.Bucket, point.RecoveryPointId);
            }
        }

        public void Delete(FinRecoveryPoint point, CancellationToken ct)
        {
            if (point == null) throw new ArgumentNullException(nameof(point));
            if (!point.ManagedByFinBackup)
                throw new FinBackupException("FinDeleteUnmanagedRefused", FinErrorKind.SecurityError,
                    $"{point.RecoveryPointId} is not tagged fin:managed-by=FinBackup; FinBackup does not delete it.", "Remove it yourself if it must go.");
            var gc = new FileBackupGarbageCollector(_store) { GracePeriod = GracePeriod };
            var result = gc.Collect(point.Bucket, new[] { point.RecoveryPointId }, false, ct);
            if (result.ManifestsKept.TryGetValue(point.RecoveryPointId, out var why))
                throw new FinBackupException("FinFileBackupDeleteRefused", FinErrorKind.InvalidOperation,
                    $"{point.RecoveryPointId} was kept: {why}.", "Remove the legal hold first if the point must go.");
            if (result.Failures.Count > 0)
            {
                var first = result.Failures.First();
                throw new FinBackupException("FinFileBackupGcIncomplete", FinErrorKind.WriteError,
                    $"Deleting {point.RecoveryPointId} left {result.Failures.Count} object(s) in s3://{point.Bucket}: {first.Key}: {first.Value}",
                    "Run Remove-FinExpiredBackup again; content still referenced or locked is never deleted.");
            }
        }

        private IEnumerable<string> DiscoverBuckets(CancellationToken ct)
        {
            // On FinBackup's own S3 client (as the store's calls are): a restore or a listing never starts the SDK's S3 pipeline.
            var s3 = _context.S3Objects(Region);
            List<KeyValuePair<string, string>> buckets;
            try
            {
                buckets = s3.ListBucketsAsync(Region, ct).GetAwaiter().GetResult();
            }
            catch (Protocol.AwsServiceException ex)
            {
                throw S3FileBackupStore.Translate(ex.ErrorCode, ex.StatusCode, ex.AwsMessage, ex, "*", null);
            }
            var found = new List<string>();
            foreach (var b in buckets)
            {
                if (!string.IsNullOrEmpty(b.Value) && !string.Equals(b.Value, Region, StringComparison.OrdinalIgnoreCase)) continue;
                try
                {
                    var page = s3.ListPageAsync(b.Key, FileBackupLayout.ManifestPrefix, null, ct, maxKeys: 1).GetAwaiter().GetResult();
                    if (page.Objects.Count > 0) found.Add(b.Key);
                }
                catch (Protocol.AwsServiceException)
                {
                    // not ours to read, or in another region: not a FinBackup bucket for this region
                }
            }
            return found;
        }
    }

    /// <summary>Lists the FileBackup points of one bucket (testable without bucket discovery).</summary>
    public sealed class FileBackupCatalog
    {
        private readonly IFileBackupStore _store;

        public FileBackupCatalog(IFileBackupStore store) { _store = store; }

        public IReadOnlyList<FinRecoveryPoint> List(string bucket, RecoveryPointQuery query, CancellationToken ct)
        {
            query = query ?? new RecoveryPointQuery();
            var keys = new List<StoredObject>();
            if (query.RecoveryPointIds.Count > 0)
            {
                var wanted = new HashSet<string>(query.RecoveryPointIds, StringComparer.Ordinal);
                foreach (var prefix in query.RecoveryPointIds.Select(PrefixOf).Distinct())
                    keys.AddRange(_store.List(bucket, prefix, ct).Where(o => wanted.Contains(o.Key)));
            }
            else if (query.Applications.Count > 0)
            {
                foreach (var app in query.Applications) keys.AddRange(_store.List(bucket, FileBackupLayout.ApplicationManifestPrefix(app), ct));
            }
            else
            {
                keys.AddRange(_store.List(bucket, FileBackupLayout.ManifestPrefix, ct));
            }
            var candidates = keys.Where(o => FileBackupLayout.IsManifestKey(o.Key))
                .Select(o => new { o, created = CreatedFromKey(o.Key) ?? o.LastModified })
                .Where(x => (!query.CreatedAfter.HasValue || x.created >= query.CreatedAfter.Value)
                            && (!query.CreatedBefore.HasValue || x.created < query.CreatedBefore.Value))
                .ToList();
            var points = new ConcurrentBag<FinRecoveryPoint>();
            var failures = new ConcurrentBag<FinBackupException>();
            Parallel.ForEach(candidates, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, x =>
            {
                IDictionary<string, string> tags;
                try
                {
                    tags = _store.GetTags(bucket, x.o.Key, ct);
                }
                catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ObjectNotFound)
                {
                    return; // deleted meanwhile
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    // Collected, not thrown from the worker (that would end the caller with an AggregateException).
                    failures.Add(FinBackupException.From(ex, $"Reading the tags of s3://{bucket}/{x.o.Key}"));
                    return;
                }
                var point = FileBackupPoints.FromTags(x.o.Key, tags, _store.Region, bucket, x.created);
                if (query.Matches(point)) points.Add(point);
            });
            // A listing that could not read every manifest is incomplete: the caller must not plan deletions from it.
            if (!failures.IsEmpty)
            {
                var first = failures.First();
                throw new FinBackupException(first.ErrorId, first.Kind,
                    $"Listing file backups in s3://{bucket}: {failures.Count} of {candidates.Count} manifest(s) could not be read; first: {first.Message}",
                    first.RecommendedAction, first);
            }
            return points.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.RecoveryPointId, StringComparer.Ordinal).ToList();
        }

        private static string PrefixOf(string key)
        {
            var i = key.LastIndexOf('/');
            return i > 0 ? key.Substring(0, i + 1) : key;
        }

        /// <summary>The creation time encoded in a manifest id (yyyyMMddTHHmmssfffZ-host-xxxxxx.json).</summary>
        public static DateTime? CreatedFromKey(string key)
        {
            var name = key.Substring(key.LastIndexOf('/') + 1);
            if (name.Length < 19) return null;
            return DateTime.TryParseExact(name.Substring(0, 19), "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
                ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : (DateTime?)null;
        }
    }
}
