using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.RecoveryPoints
{
    public enum CopyStatus
    {
        /// <summary>A new copy was started (and, with wait, completed).</summary>
        Copied,
        /// <summary>A copy of this source already existed in the destination; it is returned.</summary>
        AlreadyCopied,
        /// <summary>Not started: the source is not available yet, or no slot freed in time (without wait).</summary>
        NotStarted,
        /// <summary>The copy was due but the caller declined it (-WhatIf, or No at -Confirm).</summary>
        Declined,
        Failed,
    }

    public sealed class CopyOutcome
    {
        public FinRecoveryPoint Source { get; set; }
        public FinRecoveryPoint Copy { get; set; }
        public CopyStatus Status { get; set; }
        public FinBackupException Error { get; set; }
    }

    /// <summary>What <see cref="CopyCoordinator.AdoptLeftovers"/> found and did.</summary>
    public sealed class LeftoverAdoption
    {
        /// <summary>The untagged copies now tagged as copies of their sources.</summary>
        public List<FinRecoveryPoint> Adopted { get; } = new List<FinRecoveryPoint>();
        /// <summary>Sources whose destination could not be checked or whose leftover was not adopted: not to be removed yet.</summary>
        public HashSet<string> Unchecked { get; } = new HashSet<string>(StringComparer.Ordinal);
        public List<FinBackupException> Errors { get; } = new List<FinBackupException>();
    }

    /// <summary>Where and how to copy.</summary>
    public sealed class CopyToRegionRequest
    {
        public string DestinationRegion { get; set; }
        /// <summary>Explicit destination key; else the policy's key for the destination region.</summary>
        public string KmsKeyId { get; set; }
        public BackupPolicy Policy { get; set; }
        /// <summary>Wait for sources to become available, for free slots, and for the copies to complete.</summary>
        public bool Wait { get; set; }
        /// <summary>Asked just before a copy starts (not for points already copied): (source, destination) -> go ahead?</summary>
        public Func<FinRecoveryPoint, string, bool> ConfirmStart { get; set; }
        /// <summary>Told about problems that do not fail a copy (restore metadata not copied).</summary>
        public Action<string> Warning { get; set; }
        /// <summary>When set, told instead of <see cref="Warning"/> about problems of one application's copies: (application, text).</summary>
        public Action<string, string> ApplicationWarning { get; set; }
        /// <summary>
        /// What the destination holds, per kind, as the caller has just listed it (FinBackup's points of every policy, the
        /// listing the coordinator itself makes): the first planning round uses it instead of listing those kinds again.
        /// Kinds not in it (or null) are listed; later rounds (with wait) always list.
        /// </summary>
        public IDictionary<RecoveryPointKind, IReadOnlyList<FinRecoveryPoint>> DestinationPoints { get; set; }
    }

    /// <summary>
    /// Copies recovery points to a destination region through the kinds' providers: idempotent by fin:source-id, re-encrypted
    /// with the destination key (never unencrypted), tags + lineage carried, and queued under the service's concurrent-copy
    /// limits (re-planned from what the destination reports after each poll). One failed copy does not stop the others.
    /// </summary>
    public sealed class CopyCoordinator
    {
        private readonly RecoveryPointRuntime _runtime;
        private readonly CopyPlanner _planner;

        public CopyCoordinator(RecoveryPointRuntime runtime)
        {
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
            _planner = new CopyPlanner(runtime.CopyLimits);
        }

        /// <summary>The destination region: explicit, else the policy's DR region. FinCopyDestinationMissing otherwise.</summary>
        public static string ResolveDestination(CopyToRegionRequest request)
        {
            var dest = !string.IsNullOrEmpty(request.DestinationRegion) ? request.DestinationRegion : request.Policy?.DrRegion;
            if (string.IsNullOrEmpty(dest))
                throw new FinBackupException("FinCopyDestinationMissing", FinErrorKind.InvalidArgument,
                    "No destination region: none was given and no policy with a DR region was passed.",
                    "Pass -DestinationRegion us-west-2, or -Policy with a DrRegion.");
            return dest;
        }

        /// <summary>The destination key: explicit, else the policy's key for the destination region. Refuses an unencrypted copy.</summary>
        public static string ResolveKey(CopyToRegionRequest request, string destination)
        {
            var key = !string.IsNullOrEmpty(request.KmsKeyId) ? request.KmsKeyId : request.Policy?.KmsKeyFor(destination);
            if (string.IsNullOrEmpty(key))
                throw new FinBackupException("FinCopyUnencryptedRefused", FinErrorKind.SecurityError,
                    $"No KMS key is known for {destination}; FinBackup does not make unencrypted copies.",
                    $"Pass -KmsKeyId with a key in {destination} (for example alias/fin-backup), or a -Policy whose KmsKeys has {destination}.");
            return key;
        }

        /// <param name="onProgress">Called after each planning round with (done, total, status line).</param>
        /// <param name="onOutcome">
        /// Called once per source as soon as its outcome is final (a copy done, already there, declined or failed), so a
        /// caller streams copies as they finish instead of at the end. The returned list has them all, in source order.
        /// </param>
        public IReadOnlyList<CopyOutcome> Copy(IEnumerable<FinRecoveryPoint> sources, CopyToRegionRequest request,
            Action<int, int, string> onProgress, CancellationToken cancellationToken, Action<CopyOutcome> onOutcome = null)
        {
            var dest = ResolveDestination(request);
            var key = ResolveKey(request, dest);
            var pending = (sources ?? Enumerable.Empty<FinRecoveryPoint>()).Where(s => s != null).ToList();
            var outcomes = new Outcomes(onOutcome);
            var total = pending.Count;
            var started = new HashSet<FinRecoveryPoint>();
            // The destination key is checked once per run, before anything else, whether or not a copy must start: a missing
            // or disabled key fails every point (each as its own error) even when copies already exist, as in the cycle, so a
            // broken DR key is reported on the first run after it broke, not on the first new point.
            if (total > 0 && _runtime.KmsKeys != null)
            {
                try
                {
                    _runtime.KmsKeys(dest)?.RequireUsableKey(key, cancellationToken);
                }
                catch (Exception e) when (!FinBackupException.IsCancellation(e))
                {
                    var ex = FinBackupException.From(e, "Copying to " + dest);
                    foreach (var s in pending) outcomes[s] = new CopyOutcome { Source = s, Status = CopyStatus.Failed, Error = ex };
                    return pending.Select(s => outcomes[s]).ToList();
                }
            }

            var firstRound = true;
            // One planning round per poll of the one waiter: it starts at the runtime's first delay and backs off to the
            // service's pace (PollInterval), and starts again from the first delay whenever a round finishes a copy.
            bool Round(CancellationToken ct)
            {
                var remaining = pending.Where(s => !outcomes.ContainsKey(s)).ToList();
                if (remaining.Count == 0) return true;

                // What the destination holds now, per kind involved: one paged listing per kind (the caller's, first round).
                var destPoints = new List<FinRecoveryPoint>();
                var listedByCaller = firstRound ? request.DestinationPoints : null;
                firstRound = false;
                foreach (var kind in remaining.Select(s => s.Kind).Distinct())
                {
                    if (listedByCaller != null && listedByCaller.TryGetValue(kind, out var known) && known != null)
                    {
                        destPoints.AddRange(known);
                        continue;
                    }
                    try
                    {
                        destPoints.AddRange(_runtime.Provider(dest, kind).List(new RecoveryPointQuery(), ct));
                    }
                    catch (Exception e) when (!FinBackupException.IsCancellation(e))
                    {
                        var ex = FinBackupException.From(e, "Copying to " + dest);
                        foreach (var s in remaining.Where(s => s.Kind == kind)) outcomes[s] = new CopyOutcome { Source = s, Status = CopyStatus.Failed, Error = ex };
                    }
                }
                remaining = remaining.Where(s => !outcomes.ContainsKey(s)).ToList();
                if (remaining.Count == 0) return true;

                // Sources not yet available: refresh them from their own region.
                remaining = RefreshSources(remaining, ct, outcomes);
                var plan = _planner.Plan(remaining, dest, destPoints);

                foreach (var s in plan.SameRegion)
                {
                    outcomes[s] = new CopyOutcome
                    {
                        Source = s, Status = CopyStatus.Failed,
                        Error = new FinBackupException("FinCopySameRegion", FinErrorKind.InvalidArgument,
                            $"{s.RecoveryPointId} is already in {dest}.", "Choose another -DestinationRegion."),
                    };
                }
                foreach (var kv in plan.AlreadyCopied)
                {
                    var copy = kv.Value;
                    if (request.Wait && copy.State == RecoveryPointState.Pending) continue; // wait below
                    if (copy.State == RecoveryPointState.Failed)
                    {
                        outcomes[kv.Key] = Failed(kv.Key, copy, "FinCopyFailed", $"The copy {copy.RecoveryPointId} of {kv.Key.RecoveryPointId} in {dest} failed.");
                        continue;
                    }
                    outcomes[kv.Key] = new CopyOutcome { Source = kv.Key, Copy = copy, Status = started.Contains(kv.Key) ? CopyStatus.Copied : CopyStatus.AlreadyCopied };
                }
                var leftovers = LeftoversOf(plan.StartNow.Where(s => !outcomes.ContainsKey(s)).ToList(), dest, ct);
                // Copies whose provider finishes a batch with one describe (ICopyFinisher): their outcomes wait for it.
                var toFinish = new List<Tuple<FinRecoveryPoint, FinRecoveryPoint>>();
                foreach (var s in plan.StartNow)
                {
                    ct.ThrowIfCancellationRequested();
                    if (outcomes.ContainsKey(s)) continue;
                    if (request.ConfirmStart != null && !request.ConfirmStart(s, dest))
                    {
                        outcomes[s] = new CopyOutcome { Source = s, Status = CopyStatus.Declined };
                        continue;
                    }
                    try
                    {
                        var provider = _runtime.Provider(dest, s.Kind);
                        var finishes = provider is ICopyFinisher;
                        var copy = provider.Copy(s, new CopyRecoveryPointRequest
                        {
                            CallerFinishes = finishes,
                            DestinationRegion = dest,
                            KmsKeyId = key,
                            Tags = RecoveryPointTagCodec.ForCopy(s),
                            DestinationBucket = request.Policy?.BucketFor(dest),
                            DestinationCheckedForCopies = !destPoints.Any(d => string.Equals(d.SourceRecoveryPointId, s.RecoveryPointId, StringComparison.Ordinal)),
                            DestinationCheckedForLeftovers = leftovers.TryGetValue(s.Kind, out var maybeLeft) && maybeLeft != null && !maybeLeft.Contains(s.RecoveryPointId),
                        }, ct);
                        started.Add(s);
                        _runtime.Audit.RecordPoint(Audit.AuditActions.RecoveryPointCopied, copy, extra: new Dictionary<string, string>
                        {
                            [Audit.AuditDetailKeys.SourceRegion] = s.Region,
                            [Audit.AuditDetailKeys.SourcePointId] = s.RecoveryPointId,
                        });
                        // The restore metadata travels with the point (a warning only: the copy itself is fine).
                        var metadataWarning = Restore.RestoreMetadataRecorder.CopyWith(_runtime, request.Policy, s, dest, ct);
                        if (metadataWarning != null) request.Warning?.Invoke(metadataWarning);
                        if (finishes) toFinish.Add(Tuple.Create(s, copy));
                        else if (!request.Wait || copy.State != RecoveryPointState.Pending)
                            outcomes[s] = new CopyOutcome { Source = s, Copy = copy, Status = CopyStatus.Copied };
                    }
                    catch (Exception e) when (!FinBackupException.IsCancellation(e))
                    {
                        var ex = FinBackupException.From(e, "Copying to " + dest);
                        outcomes[s] = new CopyOutcome { Source = s, Status = CopyStatus.Failed, Error = ex };
                        _runtime.Audit.Record(Audit.AuditActions.RecoveryPointCopied, s.RecoveryPointId, Audit.AuditResults.Failed, s.Application, dest,
                            new Dictionary<string, string> { [Audit.AuditDetailKeys.Kind] = s.Kind.ToString(), [Audit.AuditDetailKeys.SourceRegion] = s.Region, [Audit.AuditDetailKeys.SourcePointId] = s.RecoveryPointId }, ex.ErrorId);
                    }
                }

                FinishCopies(toFinish, dest, request, ct);
                foreach (var f in toFinish)
                    if (!request.Wait || f.Item2.State != RecoveryPointState.Pending)
                        outcomes[f.Item1] = new CopyOutcome { Source = f.Item1, Copy = f.Item2, Status = CopyStatus.Copied };

                var waitingOnSource = plan.SourceNotReady.Where(s => !outcomes.ContainsKey(s)).ToList();
                var queued = plan.Queued.Where(s => !outcomes.ContainsKey(s)).ToList();
                var inFlightOurs = plan.AlreadyCopied.Count(kv => !outcomes.ContainsKey(kv.Key)) + plan.StartNow.Count(s => !outcomes.ContainsKey(s));
                onProgress?.Invoke(outcomes.Count, total,
                    $"{outcomes.Count} of {total} done; {queued.Count} queued for a copy slot; {waitingOnSource.Count} waiting for the source; {inFlightOurs} copying");

                if (outcomes.Count == total) return true;
                if (!request.Wait && queued.Count == 0 && waitingOnSource.Count == 0 && inFlightOurs == 0) return true;
                if (!request.Wait && waitingOnSource.Count > 0 && queued.Count == 0)
                {
                    foreach (var s in waitingOnSource) outcomes[s] = Failed(s, null, "FinCopySourceNotAvailable",
                        $"{s.Kind} {s.RecoveryPointId} in {s.Region} is still {s.State}; it can be copied once it is available.", CopyStatus.NotStarted,
                        "Re-run the copy later, or use -Wait to wait for it.");
                    if (outcomes.Count == total) return true;
                }
                return false;
            }

            try
            {
                _runtime.Waiter.Until($"Copying {total} recovery point(s) to {dest}", ct => { var finished = Round(ct); return Tuple.Create(finished, outcomes.Count); },
                    r => r.Item1, _runtime.WaitPolicy, cancellationToken, null, (before, after) => after.Item2 > before.Item2);
            }
            catch (FinBackupException ex) when (ex.ErrorId == "FinWaitTimedOut")
            {
                foreach (var s in pending.Where(s => !outcomes.ContainsKey(s)).ToList())
                    outcomes[s] = Failed(s, null, "FinWaitTimedOut", $"The copy of {s.RecoveryPointId} to {dest} did not finish within {_runtime.WaitTimeout}.", CopyStatus.NotStarted,
                        "Run the copy again later; copies already started continue in AWS.");
            }
            return pending.Select(s => outcomes[s]).ToList();
        }

        /// <summary>
        /// The batch's new copies of kinds whose provider finishes them (<see cref="ICopyFinisher"/>): one call per kind. A
        /// failure there is a warning: the copies exist and are reported, and an untagged one is adopted by a later run.
        /// </summary>
        private void FinishCopies(List<Tuple<FinRecoveryPoint, FinRecoveryPoint>> made, string dest, CopyToRegionRequest request, CancellationToken ct)
        {
            foreach (var group in made.GroupBy(m => m.Item2.Kind))
            {
                if (!(_runtime.Provider(dest, group.Key) is ICopyFinisher finisher)) continue;
                try
                {
                    finisher.FinishCopies(group.Select(m => m.Item2).ToList(), ct);
                }
                catch (Exception e) when (!FinBackupException.IsCancellation(e))
                {
                    var ex = FinBackupException.From(e, $"Finishing the new {group.Key} copies in {dest}");
                    foreach (var app in group.GroupBy(m => m.Item1.Application ?? string.Empty))
                    {
                        var text = $"{string.Join(", ", app.Select(m => m.Item2.RecoveryPointId))} were copied to {dest} but not finished: {ex.ErrorId}: {ex.Message}";
                        if (request.ApplicationWarning != null) request.ApplicationWarning(app.Key, text);
                        else request.Warning?.Invoke(text);
                    }
                }
            }
        }

        /// <summary>
        /// For sources about to be removed without a tagged copy in <paramref name="dest"/>: the copies of them an interrupted
        /// run left there untagged (a CopyImage or CopySnapshot whose reply or tagging was lost). The tag listing cannot see
        /// them, and once the source is gone no copy looks for them again, so they would stay forever. Each found is adopted
        /// (tagged as the copy it is, with the source's expiry and fin:adopted-at, and audited as a copy), so the expiry that
        /// follows treats it like any copy. One <see cref="ICopyLeftoverCheck"/> call per kind; nothing new is copied.
        /// </summary>
        /// <param name="confirm">Asked before each adoption (the tagging): false leaves that copy as it is.</param>
        public LeftoverAdoption AdoptLeftovers(IReadOnlyCollection<FinRecoveryPoint> sources, string dest, BackupPolicy policy,
            Func<FinRecoveryPoint, bool> confirm, CancellationToken ct)
        {
            var result = new LeftoverAdoption();
            var key = policy?.KmsKeyFor(dest);
            foreach (var group in (sources ?? new List<FinRecoveryPoint>()).Where(s => s != null && !string.IsNullOrEmpty(s.RecoveryPointId)).GroupBy(s => s.Kind))
            {
                if (!(_runtime.Provider(dest, group.Key) is ICopyLeftoverCheck check)) continue;
                ISet<string> found;
                try
                {
                    found = check.SourcesWithLeftovers(group.ToList(), ct) ?? throw new InvalidOperationException("no answer");
                }
                catch (Exception e) when (!FinBackupException.IsCancellation(e))
                {
                    foreach (var s in group) result.Unchecked.Add(s.RecoveryPointId);
                    result.Errors.Add(FinBackupException.From(e, $"Looking in {dest} for untagged copies of expiring {group.Key} points"));
                    continue;
                }
                foreach (var s in group.Where(s => found.Contains(s.RecoveryPointId)))
                {
                    ct.ThrowIfCancellationRequested();
                    if (confirm != null && !confirm(s)) { result.Unchecked.Add(s.RecoveryPointId); continue; }
                    try
                    {
                        var copy = _runtime.Provider(dest, s.Kind).Copy(s, new CopyRecoveryPointRequest
                        {
                            DestinationRegion = dest, KmsKeyId = key, Tags = RecoveryPointTagCodec.ForCopy(s), AdoptOnly = true,
                            DestinationBucket = policy?.BucketFor(dest),
                        }, ct);
                        if (copy == null) continue;
                        result.Adopted.Add(copy);
                        _runtime.Audit.RecordPoint(Audit.AuditActions.RecoveryPointCopied, copy, extra: new Dictionary<string, string>
                        {
                            [Audit.AuditDetailKeys.SourceRegion] = s.Region,
                            [Audit.AuditDetailKeys.SourcePointId] = s.RecoveryPointId,
                            [Audit.AuditDetailKeys.Adopted] = "true",
                        });
                    }
                    catch (Exception e) when (!FinBackupException.IsCancellation(e))
                    {
                        result.Unchecked.Add(s.RecoveryPointId);
                        result.Errors.Add(FinBackupException.From(e, $"Adopting the untagged copy of {s.RecoveryPointId} in {dest}"));
                    }
                }
            }
            return result;
        }

        /// <summary>
        /// Per kind whose destination provider can tell (<see cref="ICopyLeftoverCheck"/>): the sources that may have an
        /// untagged copy there, one call per kind for all the copies about to start. A kind missing (or a check that failed)
        /// leaves each copy to look for itself.
        /// </summary>
        private Dictionary<RecoveryPointKind, ISet<string>> LeftoversOf(List<FinRecoveryPoint> starting, string dest, CancellationToken ct)
        {
            var result = new Dictionary<RecoveryPointKind, ISet<string>>();
            foreach (var group in starting.GroupBy(s => s.Kind))
            {
                try
                {
                    if (_runtime.Provider(dest, group.Key) is ICopyLeftoverCheck check)
                        result[group.Key] = check.SourcesWithLeftovers(group.ToList(), ct) ?? throw new InvalidOperationException("no answer");
                }
                catch (Exception e) when (!FinBackupException.IsCancellation(e))
                {
                    // Unknown: each copy looks for its own leftovers, as without the check.
                }
            }
            return result;
        }

        private List<FinRecoveryPoint> RefreshSources(List<FinRecoveryPoint> remaining, CancellationToken ct, Outcomes outcomes)
        {
            var result = new List<FinRecoveryPoint>(remaining);
            foreach (var group in remaining.Where(s => s.State != RecoveryPointState.Available).GroupBy(s => (s.Region, s.Kind)))
            {
                try
                {
                    var fresh = _runtime.Provider(group.Key.Region, group.Key.Kind)
                        .List(new RecoveryPointQuery { RecoveryPointIds = group.Select(s => s.RecoveryPointId).ToList(), IncludeUnmanaged = true }, ct)
                        .ToDictionary(p => p.RecoveryPointId, StringComparer.Ordinal);
                    foreach (var s in group)
                    {
                        if (fresh.TryGetValue(s.RecoveryPointId, out var f))
                        {
                            s.State = f.State;
                            s.Progress = f.Progress;
                            s.SnapshotIds = f.SnapshotIds;
                            if (s.State == RecoveryPointState.Failed)
                                outcomes[s] = Failed(s, null, "FinCopySourceFailed", $"{s.Kind} {s.RecoveryPointId} in {s.Region} failed; there is nothing to copy.");
                        }
                        else
                        {
                            outcomes[s] = Failed(s, null, "FinCopySourceNotFound", $"{s.Kind} {s.RecoveryPointId} was not found in {s.Region}.");
                        }
                    }
                }
                catch (Exception e) when (!FinBackupException.IsCancellation(e))
                {
                    var ex = FinBackupException.From(e, "Refreshing the copy sources");
                    foreach (var s in group) outcomes[s] = new CopyOutcome { Source = s, Status = CopyStatus.Failed, Error = ex };
                }
            }
            return result.Where(s => !outcomes.ContainsKey(s)).ToList();
        }

        /// <summary>The final outcome per source; telling the caller about each one as it is recorded (once).</summary>
        private sealed class Outcomes
        {
            private readonly Dictionary<FinRecoveryPoint, CopyOutcome> _byPoint = new Dictionary<FinRecoveryPoint, CopyOutcome>();
            private readonly Action<CopyOutcome> _onOutcome;
            internal Outcomes(Action<CopyOutcome> onOutcome) { _onOutcome = onOutcome; }
            internal int Count => _byPoint.Count;
            internal bool ContainsKey(FinRecoveryPoint p) => _byPoint.ContainsKey(p);
            internal CopyOutcome this[FinRecoveryPoint p]
            {
                get => _byPoint[p];
                set
                {
                    var first = !_byPoint.ContainsKey(p);
                    _byPoint[p] = value;
                    if (first) _onOutcome?.Invoke(value);
                }
            }
        }

        private static CopyOutcome Failed(FinRecoveryPoint s, FinRecoveryPoint copy, string id, string message, CopyStatus status = CopyStatus.Failed, string fix = null) =>
            new CopyOutcome
            {
                Source = s, Copy = copy, Status = status,
                Error = new FinBackupException(id, FinErrorIds.KindOf(id), message, fix ?? FinErrorIds.ActionFor(id)),
            };
    }
}
