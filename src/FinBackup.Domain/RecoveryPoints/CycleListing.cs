using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// What one region holds of a policy's points during one backup cycle: listed once per kind (one paged listing each),
    /// then kept up to date with what the cycle itself makes there (points taken, copies started), so that taking, copying
    /// and expiring share one listing instead of listing the region again at every step. Before the RPO is measured,
    /// <see cref="RefreshMade"/> asks the service, in one listing per kind, for the current state of the points the cycle
    /// made that were not available yet. A kind whose listing failed is listed again when the expiry asks for it
    /// (<see cref="RetryFailed"/>): never expired from a listing that is not there.
    /// </summary>
    public sealed class CycleListing
    {
        private readonly RecoveryPointRuntime _runtime;
        private readonly RecoveryPointQuery _query;
        private readonly List<RecoveryPointKind> _kinds;
        private readonly Dictionary<RecoveryPointKind, List<FinRecoveryPoint>> _byKind = new Dictionary<RecoveryPointKind, List<FinRecoveryPoint>>();
        private readonly Dictionary<RecoveryPointKind, FinBackupException> _failed = new Dictionary<RecoveryPointKind, FinBackupException>();
        private readonly HashSet<FinRecoveryPoint> _made = new HashSet<FinRecoveryPoint>();

        private CycleListing(RecoveryPointRuntime runtime, string region, IEnumerable<RecoveryPointKind> kinds, RecoveryPointQuery query)
        {
            _runtime = runtime;
            Region = region;
            _query = query ?? new RecoveryPointQuery();
            _kinds = kinds.Distinct().ToList();
        }

        public string Region { get; }

        /// <summary>Lists every kind of <paramref name="kinds"/> in <paramref name="region"/> with <paramref name="query"/> (one listing each).</summary>
        public static CycleListing Of(RecoveryPointRuntime runtime, string region, IEnumerable<RecoveryPointKind> kinds, RecoveryPointQuery query, CancellationToken ct)
        {
            if (runtime == null) throw new ArgumentNullException(nameof(runtime));
            var listing = new CycleListing(runtime, region, kinds ?? Enumerable.Empty<RecoveryPointKind>(), query);
            foreach (var k in listing._kinds) listing.ListKind(k, ct);
            if (listing.ImageSnapshots == null && listing._kinds.Contains(RecoveryPointKind.Ami) && !listing._kinds.Contains(RecoveryPointKind.EbsSnapshotSet))
                listing.ListImageSnapshots(false, ct);
            return listing;
        }

        /// <summary>
        /// The snapshots tagged as an image's (fin:kind=Ami) in this region, with the same query, when the cycle lists AMIs:
        /// from the snapshot-set listing's own call (<see cref="Ports.IImageSnapshotListing"/>), or one listing of them alone
        /// when the policy has no snapshot sets. Null when they could not be listed (or no provider can list them).
        /// </summary>
        public IReadOnlyList<ImageSnapshot> ImageSnapshots { get; private set; }

        /// <summary>True when the region's snapshot-set provider cannot list image snapshots at all (nothing to check them by).</summary>
        public bool ImageSnapshotsUnsupported { get; private set; }

        /// <summary>Whether the cycle made <paramref name="point"/> here (taken or copied by this run, not listed).</summary>
        public bool Made(FinRecoveryPoint point) => point != null && _made.Contains(point);

        /// <summary>The query the listings make (and what is kept of the points the cycle adds).</summary>
        public RecoveryPointQuery Query => _query;

        /// <summary>Every point known, per kind in listing order.</summary>
        public List<FinRecoveryPoint> Points => _kinds.Where(_byKind.ContainsKey).SelectMany(k => _byKind[k]).ToList();

        /// <summary>The points of one kind, or null when that kind's listing failed.</summary>
        public IReadOnlyList<FinRecoveryPoint> OfKind(RecoveryPointKind kind) => _byKind.TryGetValue(kind, out var l) ? l : null;

        /// <summary>The listings that failed, as (region, kind, error), in kind order.</summary>
        public List<Tuple<string, RecoveryPointKind, FinBackupException>> Failures =>
            _kinds.Where(_failed.ContainsKey).Select(k => Tuple.Create(Region, k, _failed[k])).ToList();

        /// <summary>
        /// A point the cycle made here (taken, copied, or found after a create that reported an error): added to its kind,
        /// unless the listing has one with its id already. Ignored when it is not one the cycle's query would list.
        /// </summary>
        public void Add(FinRecoveryPoint point)
        {
            if (point == null || !_query.Matches(point)) return;
            if (!_byKind.TryGetValue(point.Kind, out var list))
            {
                if (_failed.ContainsKey(point.Kind) || _kinds.Contains(point.Kind)) return; // listed again at expiry
                _kinds.Add(point.Kind);
                _byKind[point.Kind] = list = new List<FinRecoveryPoint>();
            }
            if (list.Any(p => p.Kind == point.Kind && string.Equals(p.RecoveryPointId, point.RecoveryPointId, StringComparison.Ordinal))) return;
            list.Add(point);
            _made.Add(point);
        }

        /// <summary>Lists again the kinds whose listing failed (the error stays when it fails again).</summary>
        public void RetryFailed(CancellationToken ct)
        {
            foreach (var k in _failed.Keys.ToList()) ListKind(k, ct);
        }

        /// <summary>
        /// The current state of the points the cycle made here that were not available when it made them: one listing by id
        /// per kind (nothing when all are available). A point the listing does not return keeps the state it had.
        /// </summary>
        public void RefreshMade(CancellationToken ct)
        {
            foreach (var group in _made.Where(p => p.State == RecoveryPointState.Pending || p.State == RecoveryPointState.Unknown)
                         .Where(p => !string.IsNullOrEmpty(p.RecoveryPointId)).GroupBy(p => p.Kind).ToList())
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    var fresh = _runtime.Provider(Region, group.Key)
                        .List(new RecoveryPointQuery { RecoveryPointIds = group.Select(p => p.RecoveryPointId).Distinct(StringComparer.Ordinal).ToList(), IncludeUnmanaged = true }, ct);
                    var byId = new Dictionary<string, FinRecoveryPoint>(StringComparer.Ordinal);
                    foreach (var f in fresh) if (f.RecoveryPointId != null && !byId.ContainsKey(f.RecoveryPointId)) byId[f.RecoveryPointId] = f;
                    foreach (var p in group)
                    {
                        if (!byId.TryGetValue(p.RecoveryPointId, out var f)) continue;
                        p.State = f.State;
                        p.Progress = f.Progress;
                        if (f.SnapshotIds != null && f.SnapshotIds.Count > 0) p.SnapshotIds = f.SnapshotIds;
                    }
                }
                catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                {
                    // Unknown for now: the points keep the state they were made with (never counted as available).
                }
            }
        }

        private void ListKind(RecoveryPointKind k, CancellationToken ct)
        {
            if (k == RecoveryPointKind.EbsSnapshotSet && _kinds.Contains(RecoveryPointKind.Ami) && ListImageSnapshots(true, ct)) return;
            try
            {
                _byKind[k] = _runtime.Provider(Region, k).List(_query, ct).ToList();
                _failed.Remove(k);
            }
            catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
            {
                _byKind.Remove(k);
                _failed[k] = FinBackupException.From(ex, $"Listing {k} in {Region}");
            }
        }

        /// <summary>
        /// The image snapshots, and with <paramref name="includeSets"/> the snapshot sets, from one listing. False when the
        /// set provider cannot list image snapshots (the sets are then listed as usual). A failure leaves
        /// <see cref="ImageSnapshots"/> null and, with the sets, marks the set listing failed.
        /// </summary>
        private bool ListImageSnapshots(bool includeSets, CancellationToken ct)
        {
            Ports.IImageSnapshotListing listing;
            try
            {
                listing = _runtime.Provider(Region, RecoveryPointKind.EbsSnapshotSet) as Ports.IImageSnapshotListing;
            }
            catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
            {
                listing = null;
            }
            if (listing == null)
            {
                ImageSnapshotsUnsupported = true;
                return false;
            }
            try
            {
                var found = listing.ListWithImageSnapshots(_query, includeSets, ct);
                ImageSnapshots = (found?.ImageSnapshots ?? new List<ImageSnapshot>()).ToList();
                if (includeSets)
                {
                    _byKind[RecoveryPointKind.EbsSnapshotSet] = (found?.Sets ?? new List<FinRecoveryPoint>()).ToList();
                    _failed.Remove(RecoveryPointKind.EbsSnapshotSet);
                }
            }
            catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
            {
                ImageSnapshots = null;
                if (includeSets)
                {
                    _byKind.Remove(RecoveryPointKind.EbsSnapshotSet);
                    _failed[RecoveryPointKind.EbsSnapshotSet] = FinBackupException.From(ex, $"Listing {RecoveryPointKind.EbsSnapshotSet} in {Region}");
                }
            }
            return true;
        }
    }
}
