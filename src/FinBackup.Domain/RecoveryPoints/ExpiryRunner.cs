using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.RecoveryPoints
{
    public sealed class ExpiryScope
    {
        public BackupPolicy Policy { get; set; }
        /// <summary>Regions to expire in; default the policy's regions.</summary>
        public IList<string> Regions { get; set; } = new List<string>();
        /// <summary>Kinds to consider; default every installed kind.</summary>
        public IList<RecoveryPointKind> Kinds { get; set; } = new List<RecoveryPointKind>();
        /// <summary>Only these applications (default all).</summary>
        public IList<string> Applications { get; set; } = new List<string>();
    }

    public sealed class ExpiryListing
    {
        public List<FinRecoveryPoint> Points { get; } = new List<FinRecoveryPoint>();
        /// <summary>Listings that failed, as (region, kind, error). Nothing of such a kind is removed anywhere.</summary>
        public List<Tuple<string, RecoveryPointKind, FinBackupException>> Failures { get; } = new List<Tuple<string, RecoveryPointKind, FinBackupException>>();
    }

    /// <summary>
    /// Remove-FinExpiredBackup's work: list every managed point of the scope (one paged listing per region and kind), plan
    /// with <see cref="RetentionPlanner"/>, and delete the points it allows, asking <c>confirm</c> for each. A kind whose
    /// listing failed in any region is not touched (its safety rules could not be checked).
    /// </summary>
    public sealed class ExpiryRunner
    {
        private readonly RecoveryPointRuntime _runtime;
        private readonly RetentionPlanner _planner = new RetentionPlanner();

        public ExpiryRunner(RecoveryPointRuntime runtime) { _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime)); }

        public ExpiryListing List(ExpiryScope scope, CancellationToken ct)
        {
            var listing = new ExpiryListing();
            foreach (var region in RegionsOf(scope))
            {
                var providers = _runtime.Providers(region);
                var kinds = scope.Kinds.Count > 0 ? scope.Kinds : providers.All.Select(p => p.Kind).ToList();
                foreach (var kind in kinds)
                {
                    ct.ThrowIfCancellationRequested();
                    try
                    {
                        var query = new RecoveryPointQuery { PolicyName = scope.Policy?.Name, IncludeUnmanaged = false };
                        foreach (var a in scope.Applications) query.Applications.Add(a);
                        listing.Points.AddRange(_runtime.Provider(region, kind).List(query, ct));
                    }
                    catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                    {
                        listing.Failures.Add(Tuple.Create(region, kind, FinBackupException.From(ex, $"Listing {kind} in {region}")));
                    }
                }
            }
            return listing;
        }

        public IReadOnlyList<RetentionDecision> Plan(ExpiryListing listing, DateTime utcNow)
        {
            var failedKinds = new HashSet<RecoveryPointKind>(listing.Failures.Select(f => f.Item2));
            return _planner.Plan(listing.Points, utcNow)
                .Select(d => d.Action == RetentionAction.Remove && failedKinds.Contains(d.Kind)
                    ? new RetentionDecision(d.RecoveryPoint, RetentionAction.Keep, RetentionReason.ListingIncomplete)
                    : d)
                .ToList();
        }

        /// <summary>Carries out the decisions: deletes each Remove for which <paramref name="confirm"/> says yes. Sets Outcome/Error.</summary>
        public void Execute(IEnumerable<RetentionDecision> decisions, Func<RetentionDecision, bool> confirm, Action<RetentionDecision, int, int> progress, CancellationToken ct)
        {
            var list = decisions.ToList();
            var removals = list.Count(d => d.Action == RetentionAction.Remove);
            var done = 0;
            foreach (var d in list)
            {
                if (d.Action == RetentionAction.Keep) { d.Outcome = RetentionOutcome.Kept; continue; }
                ct.ThrowIfCancellationRequested();
                progress?.Invoke(d, done, removals);
                if (confirm != null && !confirm(d)) { d.Outcome = RetentionOutcome.WouldRemove; done++; continue; }
                try
                {
                    _runtime.Provider(d.Region, d.Kind).Delete(d.RecoveryPoint, ct);
                    d.Outcome = RetentionOutcome.Removed;
                    _runtime.Audit.RecordPoint(Audit.AuditActions.RecoveryPointDeleted, d.RecoveryPoint,
                        extra: new Dictionary<string, string> { [Audit.AuditDetailKeys.DeleteReason] = "Expired", ["retentionReason"] = d.Reason.ToString() });
                }
                catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                {
                    var fin = FinBackupException.From(ex, $"Deleting {d.Kind} {d.RecoveryPointId} in {d.Region}");
                    d.Outcome = RetentionOutcome.Failed;
                    d.Error = fin.Message;
                    d.Exception = fin;
                    _runtime.Audit.RecordPoint(Audit.AuditActions.RecoveryPointDeleted, d.RecoveryPoint, Audit.AuditResults.Failed, fin.ErrorId,
                        new Dictionary<string, string> { [Audit.AuditDetailKeys.DeleteReason] = "Expired" });
                }
                done++;
            }
        }

        public static IEnumerable<string> RegionsOf(ExpiryScope scope)
        {
            var regions = scope.Regions.Count > 0 ? scope.Regions : (scope.Policy?.Regions.ToList() ?? new List<string>());
            return regions.Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase);
        }
    }
}
