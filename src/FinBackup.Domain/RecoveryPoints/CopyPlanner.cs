using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// Concurrent-copy limits the service enforces. Defaults: 20 concurrent EBS snapshot copies per destination region
    /// (each member snapshot of a set counts), 20 concurrent RDS snapshot copies per source/destination region pair, and an
    /// AMI copy limit per destination region (configurable, default 20 to stay well inside the account quota).
    /// </summary>
    public sealed class CopyLimits
    {
        public int EbsSnapshotCopiesPerDestinationRegion { get; set; } = 20;
        public int AmiCopiesPerDestinationRegion { get; set; } = 20;
        public int RdsCopiesPerRegionPair { get; set; } = 20;
        /// <summary>Kinds without a service limit (file backups, vault points): how many FinBackup runs at once.</summary>
        public int OtherCopiesPerDestinationRegion { get; set; } = 20;

        public static CopyLimits Default => new CopyLimits();
    }

    /// <summary>A slot class: copies that share one concurrency limit.</summary>
    public struct CopySlot : IEquatable<CopySlot>
    {
        public CopySlot(RecoveryPointKind kind, string sourceRegion)
        {
            Kind = kind;
            // Only RDS limits are per region pair; EBS/AMI limits are per destination region whatever the source.
            SourceRegion = kind == RecoveryPointKind.RdsSnapshot ? (sourceRegion ?? string.Empty).ToLowerInvariant() : string.Empty;
        }

        public RecoveryPointKind Kind { get; }
        public string SourceRegion { get; }
        public bool Equals(CopySlot other) => Kind == other.Kind && SourceRegion == other.SourceRegion;
        public override bool Equals(object obj) => obj is CopySlot s && Equals(s);
        public override int GetHashCode() => ((int)Kind * 397) ^ (SourceRegion ?? string.Empty).GetHashCode();
        public override string ToString() => SourceRegion.Length == 0 ? Kind.ToString() : Kind + " from " + SourceRegion;
    }

    public sealed class CopyPlan
    {
        /// <summary>Sources that already have a copy in the destination (fin:source-id), with that copy.</summary>
        public IList<KeyValuePair<FinRecoveryPoint, FinRecoveryPoint>> AlreadyCopied { get; } = new List<KeyValuePair<FinRecoveryPoint, FinRecoveryPoint>>();
        /// <summary>Copies to start now: within the limits.</summary>
        public IList<FinRecoveryPoint> StartNow { get; } = new List<FinRecoveryPoint>();
        /// <summary>Copies that must wait for a free slot.</summary>
        public IList<FinRecoveryPoint> Queued { get; } = new List<FinRecoveryPoint>();
        /// <summary>Sources that cannot be copied yet (still being created).</summary>
        public IList<FinRecoveryPoint> SourceNotReady { get; } = new List<FinRecoveryPoint>();
        /// <summary>Sources already in the destination region: nothing to copy.</summary>
        public IList<FinRecoveryPoint> SameRegion { get; } = new List<FinRecoveryPoint>();
        /// <summary>Copies in flight per slot class, as counted from the destination before this plan.</summary>
        public IDictionary<CopySlot, int> InFlight { get; } = new Dictionary<CopySlot, int>();
        public bool IsDone => StartNow.Count == 0 && Queued.Count == 0 && SourceNotReady.Count == 0;
    }

    /// <summary>
    /// Plans copies to one destination region: what is already copied (idempotency by fin:source-id), what may start now
    /// without exceeding the service's concurrent-copy limits (counting the copies the destination reports in flight),
    /// and what must queue. Pure: the coordinator re-plans after each poll of the destination.
    /// </summary>
    public sealed class CopyPlanner
    {
        private readonly CopyLimits _limits;

        public CopyPlanner(CopyLimits limits = null) { _limits = limits ?? CopyLimits.Default; }

        public CopyLimits Limits => _limits;

        /// <summary>How many concurrent-copy slots a copy of <paramref name="p"/> takes: one per member snapshot of an EBS set.</summary>
        public static int Cost(FinRecoveryPoint p) =>
            p.Kind == RecoveryPointKind.EbsSnapshotSet ? Math.Max(1, p.SnapshotIds?.Count ?? 0) : 1;

        public int Limit(CopySlot slot)
        {
            switch (slot.Kind)
            {
                case RecoveryPointKind.EbsSnapshotSet: return _limits.EbsSnapshotCopiesPerDestinationRegion;
                case RecoveryPointKind.Ami: return _limits.AmiCopiesPerDestinationRegion;
                case RecoveryPointKind.RdsSnapshot: return _limits.RdsCopiesPerRegionPair;
                default: return _limits.OtherCopiesPerDestinationRegion;
            }
        }

        /// <param name="sources">Points to copy (any regions).</param>
        /// <param name="destinationRegion">Where the copies go.</param>
        /// <param name="destinationPoints">What the destination holds now (all kinds involved), including pending copies.</param>
        /// <param name="otherCopiesInFlight">Copies in flight the destination reports that are not in <paramref name="destinationPoints"/> (e.g. unmanaged), per slot.</param>
        public CopyPlan Plan(IEnumerable<FinRecoveryPoint> sources, string destinationRegion, IEnumerable<FinRecoveryPoint> destinationPoints,
            IDictionary<CopySlot, int> otherCopiesInFlight = null)
        {
            var plan = new CopyPlan();
            var dest = (destinationPoints ?? Enumerable.Empty<FinRecoveryPoint>()).ToList();
            var copiesBySource = new Dictionary<string, FinRecoveryPoint>(StringComparer.Ordinal);
            foreach (var d in dest.Where(d => !string.IsNullOrEmpty(d.SourceRecoveryPointId) && d.State != RecoveryPointState.Failed)
                                  .OrderByDescending(d => d.State == RecoveryPointState.Available))
            {
                if (!copiesBySource.ContainsKey(d.SourceRecoveryPointId)) copiesBySource[d.SourceRecoveryPointId] = d;
            }

            foreach (var d in dest.Where(d => d.State == RecoveryPointState.Pending && !string.IsNullOrEmpty(d.SourceRecoveryPointId)))
            {
                var slot = new CopySlot(d.Kind, d.SourceRegion);
                plan.InFlight[slot] = (plan.InFlight.TryGetValue(slot, out var n) ? n : 0) + Cost(d);
            }
            if (otherCopiesInFlight != null)
            {
                foreach (var kv in otherCopiesInFlight)
                    plan.InFlight[kv.Key] = (plan.InFlight.TryGetValue(kv.Key, out var n) ? n : 0) + kv.Value;
            }

            var used = new Dictionary<CopySlot, int>(plan.InFlight);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            // Newest first: the copy that improves the DR region's RPO most goes first.
            foreach (var s in (sources ?? Enumerable.Empty<FinRecoveryPoint>()).Where(s => s != null).OrderByDescending(s => s.CreatedAt))
            {
                if (!seen.Add(s.Kind + "|" + s.RecoveryPointId)) continue;
                if (string.Equals(s.Region, destinationRegion, StringComparison.OrdinalIgnoreCase)) { plan.SameRegion.Add(s); continue; }
                if (copiesBySource.TryGetValue(s.RecoveryPointId, out var existing))
                {
                    plan.AlreadyCopied.Add(new KeyValuePair<FinRecoveryPoint, FinRecoveryPoint>(s, existing));
                    continue;
                }
                if (s.State != RecoveryPointState.Available) { plan.SourceNotReady.Add(s); continue; }
                var slot = new CopySlot(s.Kind, s.Region);
                var inUse = used.TryGetValue(slot, out var u) ? u : 0;
                var cost = Cost(s);
                var limit = Limit(slot);
                // A set bigger than the whole limit may start alone when nothing else is in flight.
                if (inUse + cost <= limit || (inUse == 0 && cost > limit))
                {
                    plan.StartNow.Add(s);
                    used[slot] = inUse + cost;
                }
                else
                {
                    plan.Queued.Add(s);
                }
            }
            return plan;
        }
    }
}
