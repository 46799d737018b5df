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
    public sealed class RetentionPlanner
    {
        /// <summary>One decision per point, in the order given.</summary>
        public IReadOnlyList<RetentionDecision> Plan(IEnumerable<FinRecoveryPoint> points, DateTime utcNow)
        {
            var all = (points ?? Enumerable.Empty<FinRecoveryPoint>()).Where(p => p != null).ToList();

            var sourcesWithPendingCopy = new HashSet<string>(
                all.Where(p => p.State == RecoveryPointState.Pending && !string.IsNullOrEmpty(p.SourceRecoveryPointId))
                   .Select(p => p.SourceRecoveryPointId),
                StringComparer.Ordinal);

            // The newest available MANAGED point per (resource, kind, region) (unmanaged ones are kept anyway and may vanish
            // without us), ties broken by id so the choice is stable. Points without a resource id group under "".
            var newest = new HashSet<FinRecoveryPoint>(
                all.Where(p => p.State == RecoveryPointState.Available && p.ManagedByFinBackup)
                   .GroupBy(p => GroupKey(p))
                   .Select(g => g.OrderByDescending(p => p.CreatedAt)
                                 // ties (services report creation to the second): the later expiry, then the later window, wins
                                 .ThenByDescending(p => p.ExpiresAt ?? DateTime.MinValue)
                                 .ThenByDescending(p => p.Window ?? string.Empty, StringComparer.Ordinal)
                                 .ThenByDescending(p => p.RecoveryPointId, StringComparer.Ordinal).First()));

            var decisions = new List<RetentionDecision>(all.Count);
            foreach (var p in all)
            {
                decisions.Add(Decide(p, utcNow, sourcesWithPendingCopy, newest));
            }
            return decisions;
        }

        private static RetentionDecision Decide(FinRecoveryPoint p, DateTime utcNow, HashSet<string> pendingCopySources, HashSet<FinRecoveryPoint> newest)
        {
            if (!p.ManagedByFinBackup) return Keep(p, RetentionReason.NotManagedByFinBackup);
            if (p.LegalHold) return Keep(p, RetentionReason.LegalHold);
            if (p.RecoveryPointId != null && pendingCopySources.Contains(p.RecoveryPointId)) return Keep(p, RetentionReason.CopyInProgress);
            if (newest.Contains(p)) return Keep(p, RetentionReason.NewestAvailableForResourceInRegion);
            if (p.State == RecoveryPointState.Pending || p.State == RecoveryPointState.Deleting || p.State == RecoveryPointState.Unknown)
                return Keep(p, RetentionReason.NotAvailable);
            if (!p.ExpiresAt.HasValue) return Keep(p, RetentionReason.NoExpiry);
            if (p.ExpiresAt.Value > utcNow) return Keep(p, RetentionReason.NotExpired);
            return new RetentionDecision(p, RetentionAction.Remove, RetentionReason.Expired);
        }

        private static RetentionDecision Keep(FinRecoveryPoint p, RetentionReason reason) => new RetentionDecision(p, RetentionAction.Keep, reason);

        private static string GroupKey(FinRecoveryPoint p) =>
            (p.ResourceId ?? string.Empty).ToLowerInvariant() + "|" + (p.Region ?? string.Empty).ToLowerInvariant() + "|" + p.Kind;
    }
}
