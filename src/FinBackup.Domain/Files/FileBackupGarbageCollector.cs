using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Files
{
    /// <summary>What one garbage collection did (or, with WhatIf, would do).</summary>
    public sealed class FileGarbageCollection
    {
        public string Bucket { get; set; }
        public DateTime SweepStartedAt { get; set; }
        public IList<string> ManifestsDeleted { get; set; } = new List<string>();
        /// <summary>Expired manifests kept, with the reason (legal hold, not FinBackup's).</summary>
        public IDictionary<string, string> ManifestsKept { get; set; } = new Dictionary<string, string>();
        public IList<string> ObjectsDeleted { get; set; } = new List<string>();
        public long BytesFreed { get; set; }
        /// <summary>Unreferenced objects kept because they are younger than the grace period (a backup may be about to reference them).</summary>
        public int ObjectsInGracePeriod { get; set; }
        public int ObjectsReferenced { get; set; }
        public IDictionary<string, string> Failures { get; set; } = new Dictionary<string, string>();
    }

    /// <summary>
    /// Mark-and-sweep garbage collection of file-backup content, safe against backups running at the same time:
    /// <list type="number">
    /// <item>T0 = now. Read every manifest. Expired ones (fin:expires-at before T0) that are FinBackup's and not under legal
    /// hold are deleted (or only the ones asked for).</item>
    /// <item>Mark: every object a remaining manifest references.</item>
    /// <item>Sweep candidates: content objects (data/, packs/) not marked AND last written before T0 - grace period.
    /// A running backup only references objects it wrote itself (younger than the grace period), objects of a previous
    /// manifest that lives at least a grace period longer, or objects it refreshed (server-side copy onto itself) first;
    /// backups must finish within the grace period (default 6 h, backups take minutes).</item>
    /// <item>Re-list manifests; any manifest that appeared since the first listing is read and its objects are spared.</item>
    /// <item>Delete the remaining candidates. If any manifest cannot be read, nothing is swept (its references are unknown).</item>
    /// </list>
    /// </summary>
    public sealed class FileBackupGarbageCollector
    {
        private readonly IFileBackupStore _store;
        private readonly Func<DateTime> _clock;

        public FileBackupGarbageCollector(IFileBackupStore store, Func<DateTime> clock = null)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _clock = clock ?? (() => DateTime.UtcNow);
        }

        public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(6);
        public int Parallelism { get; set; } = 8;

        /// <summary>
        /// Deletes expired manifests (all of them, or only <paramref name="onlyManifests"/> when given) and then the content
        /// no live manifest references. With <paramref name="whatIf"/>, reports without deleting.
        /// </summary>
        public FileGarbageCollection Collect(string bucket, IReadOnlyCollection<string> onlyManifests, bool whatIf, CancellationToken ct)
        {
            var t0 = _clock();
            var result = new FileGarbageCollection { Bucket = bucket, SweepStartedAt = t0 };
            var listed = _store.List(bucket, FileBackupLayout.ManifestPrefix, ct).Where(o => FileBackupLayout.IsManifestKey(o.Key)).ToList();
            var manifests = ReadAll(bucket, listed.Select(o => o.Key), ct, out var unreadable);
            var only = onlyManifests == null ? null : new HashSet<string>(onlyManifests, StringComparer.Ordinal);

            var live = new List<FileManifest>();
            foreach (var m in manifests.Values)
            {
                var expired = m.ExpiresAt.HasValue && m.ExpiresAt.Value <= t0;
                var asked = only == null ? expired : only.Contains(m.Key);
                if (!asked)
                {
                    live.Add(m);
                    continue;
                }
                var tags = _store.GetTags(bucket, m.Key, ct);
                var point = RecoveryPointTagCodec.Decode(tags, new FinRecoveryPoint());
                if (!point.ManagedByFinBackup) { result.ManifestsKept[m.Key] = "not tagged fin:managed-by=FinBackup"; live.Add(m); continue; }
                if (point.LegalHold) { result.ManifestsKept[m.Key] = "under legal hold"; live.Add(m); continue; }
                if (only == null && point.ExpiresAt.HasValue && point.ExpiresAt.Value > t0) { result.ManifestsKept[m.Key] = "not expired (fin:expires-at)"; live.Add(m); continue; }
                result.ManifestsDeleted.Add(m.Key);
            }
            if (!whatIf && result.ManifestsDeleted.Count > 0)
            {
                foreach (var kv in _store.Delete(bucket, result.ManifestsDeleted.ToList(), ct)) result.Failures[kv.Key] = kv.Value;
                if (result.Failures.Count > 0) return result; // a manifest that is still there still protects its content
            }
            if (unreadable.Count > 0)
            {
                foreach (var kv in unreadable) result.Failures[kv.Key] = "manifest unreadable, content not swept: " + kv.Value;
                return result;
            }

            var marked = new HashSet<string>(StringComparer.Ordinal);
            foreach (var m in live) foreach (var k in m.ReferencedObjects()) marked.Add(k);
            result.ObjectsReferenced = marked.Count;

            var cutoff = t0 - GracePeriod;
            var candidates = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
            foreach (var prefix in new[] { FileBackupLayout.DataPrefix, FileBackupLayout.PackPrefix })
            {
                foreach (var o in _store.List(bucket, prefix, ct))
                {
                    if (marked.Contains(o.Key)) continue;
                    if (o.LastModified >= cutoff) { result.ObjectsInGracePeriod++; continue; }
                    candidates[o.Key] = o;
                }
            }
            if (candidates.Count == 0) return result;

            // Manifests written since the first listing (a backup that finished meanwhile) spare what they reference.
            var known = new HashSet<string>(listed.Select(o => o.Key), StringComparer.Ordinal);
            var fresh = _store.List(bucket, FileBackupLayout.ManifestPrefix, ct)
                .Where(o => FileBackupLayout.IsManifestKey(o.Key) && (!known.Contains(o.Key) || o.LastModified >= t0)).Select(o => o.Key).ToList();
            var freshManifests = ReadAll(bucket, fresh, ct, out var freshUnreadable);
            if (freshUnreadable.Count > 0)
            {
                foreach (var kv in freshUnreadable) result.Failures[kv.Key] = "manifest unreadable, content not swept: " + kv.Value;
                return result;
            }
            foreach (var m in freshManifests.Values) foreach (var k in m.ReferencedObjects()) candidates.Remove(k);

            result.ObjectsDeleted = candidates.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            result.BytesFreed = candidates.Values.Sum(o => o.Size);
            if (!whatIf && result.ObjectsDeleted.Count > 0)
            {
                foreach (var kv in _store.Delete(bucket, result.ObjectsDeleted.ToList(), ct)) result.Failures[kv.Key] = kv.Value;
            }
            return result;
        }

        private Dictionary<string, FileManifest> ReadAll(string bucket, IEnumerable<string> keys, CancellationToken ct, out IDictionary<string, string> unreadable)
        {
            var found = new ConcurrentDictionary<string, FileManifest>(StringComparer.Ordinal);
            var failed = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            Parallel.ForEach(keys, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, key =>
            {
                try
                {
                    found[key] = _store.GetManifest(bucket, key, ct);
                }
                catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ObjectNotFound)
                {
                    // deleted meanwhile: references nothing any more
                }
                catch (FinBackupException ex)
                {
                    failed[key] = ex.Message;
                }
            });
            unreadable = failed;
            return new Dictionary<string, FileManifest>(found, StringComparer.Ordinal);
        }
    }
}
