using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.RecoveryPoints
{
    public enum RetentionAction
    {
        Keep,
        Remove,
    }

    /// <summary>Why a point is kept or removed. The first rule that applies wins, in this order.</summary>
    public enum RetentionReason
    {
        /// <summary>Not tagged fin:managed-by=FinBackup: never touched.</summary>
        NotManagedByFinBackup,
        /// <summary>fin:legal-hold=true.</summary>
        LegalHold,
        /// <summary>A copy of this point (fin:source-id = its id) is still pending in some region.</summary>
        CopyInProgress,
        /// <summary>The newest available point of its resource, kind and region: kept whatever its expiry.</summary>
        NewestAvailableForResourceInRegion,
        /// <summary>Still being created or copied (not restorable yet, and maybe not deletable).</summary>
        NotAvailable,
        /// <summary>No fin:expires-at tag: FinBackup does not guess an expiry.</summary>
        NoExpiry,
        /// <summary>Its expiry is in the future.</summary>
        NotExpired,
        /// <summary>Listing this kind failed in some region, so the safety rules could not be checked: nothing of it is removed.</summary>
        ListingIncomplete,
        /// <summary>Its expiry has passed and no rule keeps it.</summary>
        Expired,
        /// <summary>
        /// Expired, but whether the DR region holds an untagged copy of it (left by an interrupted copy) could not be checked:
        /// kept until a cycle can check and adopt that copy, which would otherwise outlive it untracked.
        /// </summary>
        CopyLeftoverUnchecked,
        /// <summary>
        /// Expired, but an AMI some of whose snapshots could not be shown to carry FinBackup's tags (the snapshot listing
        /// failed, or tagging them failed or was declined): kept, because once the image is deregistered an untagged
        /// snapshot whose deletion fails would be found by nothing. A later cycle tags them and expires it.
        /// </summary>
        ImageSnapshotsUntagged,
    }

    /// <summary>What happened to a decision when it was carried out.</summary>
    public enum RetentionOutcome
    {
        /// <summary>Planned only (not carried out yet).</summary>
        Planned,
        Kept,
        Removed,
        /// <summary>-WhatIf, or the user declined the confirmation.</summary>
        WouldRemove,
        /// <summary>The delete failed; the point is still there.</summary>
        Failed,
    }

    /// <summary>One retention decision for one recovery point: the output of Remove-FinExpiredBackup.</summary>
    public sealed class RetentionDecision
    {
        public RetentionDecision(FinRecoveryPoint point, RetentionAction action, RetentionReason reason)
        {
            RecoveryPoint = point ?? throw new ArgumentNullException(nameof(point));
            Action = action;
            Reason = reason;
        }

        // Internal (not output): the point's fields are on the decision itself, and Outcome says what happened, so
        // Export-Csv and ConvertTo-Json show each fact once (RecoveryPointId, Outcome, Error).
        internal FinRecoveryPoint RecoveryPoint { get; }
        internal RetentionAction Action { get; }
        public RetentionReason Reason { get; }
        public RetentionOutcome Outcome { get; set; } = RetentionOutcome.Planned;
        /// <summary>Why the delete failed, when Outcome is Failed.</summary>
        public string Error { get; set; }
        /// <summary>The failure behind <see cref="Error"/>, for the cmdlet's ErrorRecord.</summary>
        internal FinBackupException Exception { get; set; }

        public string RecoveryPointId => RecoveryPoint.RecoveryPointId;
        public RecoveryPointKind Kind => RecoveryPoint.Kind;
        public string Region => RecoveryPoint.Region;
        public string Application => RecoveryPoint.Application;
        public string ResourceId => RecoveryPoint.ResourceId;
        public DateTime CreatedAt => RecoveryPoint.CreatedAt;
        public DateTime? ExpiresAt => RecoveryPoint.ExpiresAt;
        public string PolicyName => RecoveryPoint.PolicyName;

        public override string ToString() => $"{Action} {RecoveryPointId} ({Reason})";
    }

    /// <summary>
    /// Decides, for every recovery point, whether it may be removed now. Never removes: anything FinBackup did not create,
    /// a point under legal hold, a point whose copy is still in progress, the newest available point of a resource (per kind)
    /// in a region, a point still being created, or a point with no expiry. Pure: no AWS, no clock.
    /// </summary>
    /// <remarks>
    /// Two passes over the points, no sort and no LINQ: the first collects the sources of pending copies and keeps, per
    /// (resource, region, kind), the best candidate so far for "newest" (<see cref="IsNewer"/>) and each point's group
    /// number; the second decides, comparing each point with its group's best by reference (no set of points to hash).
    /// A full tie keeps the earlier point, as the stable descending sort this replaces did.
    /// </remarks>
    public sealed class RetentionPlanner
    {
        /// <summary>One decision per point, in the order given.</summary>
        public IReadOnlyList<RetentionDecision> Plan(IEnumerable<FinRecoveryPoint> points, DateTime utcNow)
        {
            var all = points is ICollection<FinRecoveryPoint> known ? new List<FinRecoveryPoint>(known.Count) : new List<FinRecoveryPoint>();
            if (points != null)
                foreach (var p in points)
                    if (p != null) all.Add(p);

            var sourcesWithPendingCopy = new HashSet<string>(StringComparer.Ordinal);
            // The newest available MANAGED point per (resource, kind, region) (unmanaged ones are kept anyway and may vanish
            // without us), ties broken by id so the choice is stable. Points without a resource id group under "".
            // Groups are numbered as they are met: best[g] is group g's newest point so far, groupAt[i] the group of all[i]
            // (-1: not a candidate). A point is the newest when it IS its group's best (by reference), so the same point
            // listed twice is the newest at both places.
            var groupOf = new Dictionary<GroupKey, int>();
            var best = new List<FinRecoveryPoint>();
            var groupAt = new int[all.Count];
            for (var i = 0; i < all.Count; i++)
            {
                var p = all[i];
                groupAt[i] = -1;
                if (p.State == RecoveryPointState.Pending && !string.IsNullOrEmpty(p.SourceRecoveryPointId))
                    sourcesWithPendingCopy.Add(p.SourceRecoveryPointId);
                if (p.State != RecoveryPointState.Available || !p.ManagedByFinBackup) continue;
                var key = GroupKey.Of(p);
                if (!groupOf.TryGetValue(key, out var group))
                {
                    group = best.Count;
                    groupOf.Add(key, group);
                    best.Add(p);
                }
                else if (IsNewer(p, best[group])) best[group] = p;
                groupAt[i] = group;
            }

            var decisions = new List<RetentionDecision>(all.Count);
            for (var i = 0; i < all.Count; i++)
            {
                var p = all[i];
                var g = groupAt[i];
                decisions.Add(Decide(p, g >= 0 && ReferenceEquals(best[g], p), utcNow, sourcesWithPendingCopy));
            }
            return decisions;
        }

        /// <summary>
        /// Whether <paramref name="p"/> is newer than <paramref name="best"/>: the later creation; on a tie (services report
        /// creation to the second) the later expiry, then the later window, then the greater id (ordinal). Equal: false.
        /// </summary>
        private static bool IsNewer(FinRecoveryPoint p, FinRecoveryPoint best)
        {
            var c = p.CreatedAt.CompareTo(best.CreatedAt);
            if (c != 0) return c > 0;
            c = (p.ExpiresAt ?? DateTime.MinValue).CompareTo(best.ExpiresAt ?? DateTime.MinValue);
            if (c != 0) return c > 0;
            c = string.CompareOrdinal(p.Window ?? string.Empty, best.Window ?? string.Empty);
            if (c != 0) return c > 0;
            return string.CompareOrdinal(p.RecoveryPointId, best.RecoveryPointId) > 0;
        }

        private static RetentionDecision Decide(FinRecoveryPoint p, bool newest, DateTime utcNow, HashSet<string> pendingCopySources)
        {
            if (!p.ManagedByFinBackup) return Keep(p, RetentionReason.NotManagedByFinBackup);
            if (p.LegalHold) return Keep(p, RetentionReason.LegalHold);
            if (p.RecoveryPointId != null && pendingCopySources.Count > 0 && pendingCopySources.Contains(p.RecoveryPointId)) return Keep(p, RetentionReason.CopyInProgress);
            if (newest) return Keep(p, RetentionReason.NewestAvailableForResourceInRegion);
            if (p.State == RecoveryPointState.Pending || p.State == RecoveryPointState.Deleting || p.State == RecoveryPointState.Unknown)
                return Keep(p, RetentionReason.NotAvailable);
            if (!p.ExpiresAt.HasValue) return Keep(p, RetentionReason.NoExpiry);
            if (p.ExpiresAt.Value > utcNow) return Keep(p, RetentionReason.NotExpired);
            return new RetentionDecision(p, RetentionAction.Remove, RetentionReason.Expired);
        }

        private static RetentionDecision Keep(FinRecoveryPoint p, RetentionReason reason) => new RetentionDecision(p, RetentionAction.Keep, reason);

        /// <summary>
        /// The "newest" group of a point: its resource id and region compared as their invariant lower case (ordinal), and its
        /// kind. The same groups as the key string resource|region|kind it replaces, without building that string per point:
        /// lower case is only computed for an id that has a character outside ASCII a-z, 0-9 and punctuation, and an id or
        /// region with a '|' (where the joined string could make two different pairs equal) groups by the joined string.
        /// </summary>
        private readonly struct GroupKey : IEquatable<GroupKey>
        {
            private readonly string _resource;
            private readonly string _region;
            private readonly RecoveryPointKind _kind;

            private GroupKey(string resource, string region, RecoveryPointKind kind)
            {
                _resource = resource;
                _region = region;
                _kind = kind;
            }

            internal static GroupKey Of(FinRecoveryPoint p)
            {
                var resource = Lower(p.ResourceId ?? string.Empty, out var barInResource);
                var region = Lower(p.Region ?? string.Empty, out var barInRegion);
                if (barInResource || barInRegion)
                    return new GroupKey(resource + "|" + region + "|" + p.Kind, null, default(RecoveryPointKind));
                return new GroupKey(resource, region, p.Kind);
            }

            /// <summary>
            /// The string itself when lowering cannot change it (ASCII without A-Z), else ToLowerInvariant; one pass, which
            /// also says whether it holds a '|' (lowering never makes or removes one).
            /// </summary>
            private static string Lower(string s, out bool hasBar)
            {
                hasBar = false;
                var lower = false;
                for (var i = 0; i < s.Length; i++)
                {
                    var c = s[i];
                    if (c > 0x7F || (c >= 'A' && c <= 'Z')) lower = true;
                    else if (c == '|') hasBar = true;
                }
                return lower ? s.ToLowerInvariant() : s;
            }

            public bool Equals(GroupKey other) =>
                _kind == other._kind && string.Equals(_resource, other._resource, StringComparison.Ordinal) && string.Equals(_region, other._region, StringComparison.Ordinal);

            public override bool Equals(object obj) => obj is GroupKey k && Equals(k);

            public override int GetHashCode()
            {
                unchecked
                {
                    var h = StringComparer.Ordinal.GetHashCode(_resource);
                    h = h * 31 + (_region == null ? 0 : StringComparer.Ordinal.GetHashCode(_region));
                    return h * 31 + (int)_kind;
                }
            }
        }
    }
}
