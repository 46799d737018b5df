using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Copies a file backup to another region's bucket server-side: the content objects the destination lacks (CopyObject,
    /// re-encrypted with the destination key), then the manifest (same key) with lineage tags. Idempotent: a manifest at the
    /// same key whose source is this point is returned as is.
    /// </summary>
    public sealed class FileBackupCopier
    {
        private readonly IFileBackupStore _source;
        private readonly IFileBackupStore _destination;
        private readonly Func<DateTime> _clock;

        public FileBackupCopier(IFileBackupStore source, IFileBackupStore destination, Func<DateTime> clock = null)
        {
            _source = source ?? throw new ArgumentNullException(nameof(source));
            _destination = destination ?? throw new ArgumentNullException(nameof(destination));
            _clock = clock ?? (() => DateTime.UtcNow);
        }

        public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(6);
        public int Parallelism { get; set; } = 8;
        public int ObjectsCopied { get; private set; }
        public int ObjectsAlreadyThere { get; private set; }

        public FinRecoveryPoint Copy(FinRecoveryPoint point, string destinationBucket, string kmsKeyId, IDictionary<string, string> tags, CancellationToken ct)
        {
            if (string.IsNullOrEmpty(kmsKeyId))
                throw new FinBackupException("FinCopyUnencryptedRefused", FinErrorKind.SecurityError,
                    $"Refusing to copy {point.RecoveryPointId} without a KMS key for {_destination.Region}.",
                    "Give the policy a KMS key for the destination region, or pass -KmsKeyId.");
            if (string.IsNullOrEmpty(destinationBucket))
                throw new FinBackupException("FinCopyBucketMissing", FinErrorKind.InvalidArgument,
                    $"No destination bucket for {_destination.Region} was given.", "Give the policy a bucket for the destination region.");
            var sourceBucket = point.Bucket;
            var manifest = _source.GetManifest(sourceBucket, point.RecoveryPointId, ct);
            var now = _clock();

            var existing = TryGet(destinationBucket, manifest.Key, ct);
            if (existing != null && string.Equals(existing.SourceRecoveryPointId, manifest.Key, StringComparison.Ordinal))
            {
                return FileBackupPoints.ToRecoveryPoint(existing, _destination.GetTags(destinationBucket, existing.Key, ct), _destination.Region, destinationBucket);
            }

            var protection = _destination.DescribeBucket(destinationBucket, ct);
            var options = new ObjectWriteOptions
            {
                KmsKeyId = kmsKeyId,
                RetainUntil = protection != null && protection.ObjectLockEnabled ? manifest.ExpiresAt : null,
                ObjectLockMode = protection != null && protection.ObjectLockEnabled ? protection.ObjectLockMode ?? "GOVERNANCE" : null,
            };

            // What the destination holds, and what of it a long-lived destination manifest of the same application protects.
            var present = new Dictionary<string, DateTime>(StringComparer.Ordinal);
            foreach (var prefix in new[] { FileBackupLayout.DataPrefix, FileBackupLayout.PackPrefix })
                foreach (var o in _destination.List(destinationBucket, prefix, ct)) present[o.Key] = o.LastModified;
            var protectedKeys = new HashSet<string>(StringComparer.Ordinal);
            var newest = _destination.List(destinationBucket, FileBackupLayout.ApplicationManifestPrefix(manifest.Application), ct)
                .Where(o => FileBackupLayout.IsManifestKey(o.Key)).OrderByDescending(o => o.Key, StringComparer.Ordinal).FirstOrDefault();
            if (newest != null)
            {
                var m = TryGet(destinationBucket, newest.Key, ct);
                if (m != null && (!m.ExpiresAt.HasValue || m.ExpiresAt.Value > now + GracePeriod))
                    foreach (var k in m.ReferencedObjects()) protectedKeys.Add(k);
            }
            var refreshBefore = now - TimeSpan.FromTicks(GracePeriod.Ticks / 2);
            var work = new List<KeyValuePair<string, bool>>(); // key, copy (true) or refresh (false)
            foreach (var key in manifest.ReferencedObjects())
            {
                if (!present.TryGetValue(key, out var lastModified)) work.Add(new KeyValuePair<string, bool>(key, true));
                else if (!protectedKeys.Contains(key) && lastModified < refreshBefore) work.Add(new KeyValuePair<string, bool>(key, false));
                else ObjectsAlreadyThere++;
            }
            var copied = 0;
            Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, item =>
            {
                if (item.Value)
                {
                    _destination.CopyFrom(_source.Region, sourceBucket, item.Key, destinationBucket, options, ct);
                    Interlocked.Increment(ref copied);
                }
                else
                {
                    _destination.Touch(destinationBucket, item.Key, options, ct);
                }
            });
            ObjectsCopied = copied;

            var copy = new FileManifest
            {
                Id = manifest.Id,
                Key = manifest.Key,
                Application = manifest.Application,
                PolicyName = manifest.PolicyName,
                FileSet = manifest.FileSet,
                Window = manifest.Window,
                Host = manifest.Host,
                Bucket = destinationBucket,
                Region = _destination.Region,
                KmsKeyId = kmsKeyId,
                CreatedAt = manifest.CreatedAt,
                ExpiresAt = manifest.ExpiresAt,
                SourceRecoveryPointId = manifest.Key,
                SourceRegion = _source.Region,
                PreviousManifestKey = null,
                Sources = manifest.Sources,
                Include = manifest.Include,
                Exclude = manifest.Exclude,
                Files = manifest.Files,
                Missing = manifest.Missing,
            };
            var copyTags = FileBackupPoints.CopyTags(manifest, _source.Region, sourceBucket, tags, () => _source.GetTags(sourceBucket, manifest.Key, ct));
            _destination.PutManifest(destinationBucket, copy, copyTags, options, ct);
            return FileBackupPoints.ToRecoveryPoint(copy, copyTags, _destination.Region, destinationBucket);
        }

        private FileManifest TryGet(string bucket, string key, CancellationToken ct)
        {
            try
            {
                return _destination.GetManifest(bucket, key, ct);
            }
            catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ObjectNotFound)
            {
                return null;
            }
        }
    }
}
