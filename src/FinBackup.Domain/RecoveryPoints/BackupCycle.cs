using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Resources;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>What one run of the backup cycle did for one application.</summary>
    public sealed class FinBackupCycleSummary
    {
        public string Application { get; set; }
        public string PolicyName { get; set; }
        /// <summary>The policy window of this run (fin:window).</summary>
        public string Window { get; set; }
        /// <summary>Whether some resource had no point in the window when the run started.</summary>
        public bool WindowDue { get; set; }
        public int Resources { get; set; }
        public int Taken { get; set; }
        /// <summary>Points the window already had (a re-run after a crash or a scheduler running often).</summary>
        public int AlreadyTaken { get; set; }
        public int Copied { get; set; }
        /// <summary>Copies waiting for their source to complete; the next run starts them.</summary>
        public int CopiesPending { get; set; }
        public int Removed { get; set; }
        public int Failed { get; set; }
        public TimeSpan Duration { get; set; }
        /// <summary>Per region: the age of the newest available point of the least recently protected resource (null: none).</summary>
        public IDictionary<string, TimeSpan?> RpoAchieved { get; set; } = new Dictionary<string, TimeSpan?>(StringComparer.OrdinalIgnoreCase);
        public TimeSpan? PrimaryRpo { get; set; }
        public TimeSpan? DrRpo { get; set; }
        public TimeSpan? RpoTarget { get; set; }
        /// <summary>True when every region's achieved RPO is within the target (null when no target).</summary>
        public bool? RpoMet { get; set; }
        public IList<FinBackupException> Errors { get; set; } = new List<FinBackupException>();
        /// <summary>Newest points checked this run (the policy's Verification) that passed.</summary>
        public int Verified { get; set; }
        /// <summary>Newest points that failed their check (each also an error record; they no longer count for the RPO).</summary>
        public int VerificationFailed { get; set; }
        /// <summary>Points whose check could not be made this run (throttling, access): nothing is known about them.</summary>
        public int VerificationErrors { get; set; }
        /// <summary>File backups whose data (a sample) was read and hashed this run (Verification.ReadDataEvery).</summary>
        public int DataVerified { get; set; }
        public IList<string> VerificationProblems { get; set; } = new List<string>();
        /// <summary>Every check made this run, as Test-FinRecoveryPoint reports it.</summary>
        public IList<FinRecoveryPointCheck> Checks { get; set; } = new List<FinRecoveryPointCheck>();
        /// <summary>
        /// Things that went wrong without losing anything: e.g. a create or copy whose reply was an error although the point
        /// exists (it is counted in Taken/Copied, and named here).
        /// </summary>
        public IList<string> Warnings { get; set; } = new List<string>();
        public override string ToString() => $"{Application}: taken {Taken}, copied {Copied}, removed {Removed}, failed {Failed}";
    }

    /// <summary>Hooks the cmdlet gives the cycle: confirmation, progress and per-item errors.</summary>
    public sealed class BackupCycleCallbacks
    {
        /// <summary>Asked before each create/copy/delete: (target, action) -> go ahead?</summary>
        public Func<string, string, bool> ShouldProcess { get; set; } = (_, __) => true;
        /// <summary>Asked before each removal of an expired point; null: <see cref="ShouldProcess"/> decides.</summary>
        public Func<string, string, bool> ShouldRemove { get; set; }
        public Action<string, int, int> Progress { get; set; }
        public Action<FinBackupException, object> Error { get; set; }
        /// <summary>Something the admin should know that is not a failure (see <see cref="FinBackupCycleSummary.Warnings"/>).</summary>
        public Action<string> Warning { get; set; }
    }

    /// <summary>
    /// What a scheduler runs: for each application of the policy, take the points the current window lacks, copy the
    /// primary region's unexpired points that lack a DR copy, then expire. Everything is found by tags, so a re-run after a
    /// crash completes the window without duplicates. Listings are one per region and kind for the whole policy.
    /// A copy whose source is still being created is left for the next run (CopiesPending); nothing is waited for.
    /// </summary>
    public sealed class BackupCycle
    {
        private readonly RecoveryPointRuntime _runtime;
        private readonly Func<string, IProtectedResourceFinder> _finder;

        /// <summary>The verification every run (null: none).</summary>
        public CycleVerification Verification { get; set; }

        public BackupCycle(RecoveryPointRuntime runtime, Func<string, IProtectedResourceFinder> finder)
        {
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
            _finder = finder ?? throw new ArgumentNullException(nameof(finder));
        }

        /// <param name="applications">Only these of the policy's applications (exact names; null or empty: all of them).</param>
        public IReadOnlyList<FinBackupCycleSummary> Run(BackupPolicy policy, BackupCycleCallbacks callbacks, CancellationToken ct,
            IReadOnlyCollection<string> applications = null)
        {
            if (policy == null) throw new ArgumentNullException(nameof(policy));
            if (string.IsNullOrEmpty(policy.PrimaryRegion))
                throw new FinBackupException("FinPolicyPrimaryRegionMissing", FinErrorKind.InvalidArgument,
                    $"Policy '{policy.Name}' has no primary region.", "Set PrimaryRegion in the policy.");
            callbacks = callbacks ?? new BackupCycleCallbacks();
            var clock = Stopwatch.StartNew();
            var primary = policy.PrimaryRegion;
            var apps = policy.Applications.Where(a => a != null && !string.IsNullOrEmpty(a.Name))
                .Where(a => applications == null || applications.Count == 0 || applications.Contains(a.Name, StringComparer.OrdinalIgnoreCase)).ToList();
            var summaries = apps.ToDictionary(a => a.Name, a => new FinBackupCycleSummary
            {
                Application = a.Name, PolicyName = policy.Name, RpoTarget = a.Rpo,
                Window = BackupWindow.At(_runtime.UtcNow(), a.Frequency ?? RecoveryPointTaker.DefaultFrequency).Id,
            }, StringComparer.OrdinalIgnoreCase);

            void Fail(string app, FinBackupException ex, object target)
            {
                if (app != null && summaries.TryGetValue(app, out var s)) { s.Failed++; s.Errors.Add(ex); }
                callbacks.Error?.Invoke(ex, target);
            }
            void Warn(string app, string text)
            {
                if (app != null && summaries.TryGetValue(app, out var s)) s.Warnings.Add(text);
                callbacks.Warning?.Invoke(text);
            }

            // 1. Resources, one finder call for the whole policy.
            callbacks.Progress?.Invoke("Finding resources", 0, 3);
            IReadOnlyList<FinResource> resources;
            try
            {
                resources = _finder(primary).Find(policy.TagKey ?? FinTags.Application, apps.Select(a => a.Name).ToList(), ct);
            }
            catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
            {
                var fin = FinBackupException.From(ex, $"Finding the resources of policy '{policy.Name}' in {primary}");
                foreach (var a in apps) Fail(a.Name, fin, policy);
                resources = Array.Empty<FinResource>();
            }

            // 2. Points the primary region holds, one listing per kind for the policy. The kinds are the policy's (whatever
            // discovery found, so a failed discovery changes nothing about what is listed, copied and expired), file backups
            // included: they are taken on the instances (Backup-FinFile) but listed, copied and expired here like every kind.
            var wantedKinds = new HashSet<RecoveryPointKind>(PolicyKinds(apps));
            var work = new List<Tuple<ApplicationPolicy, FinResource, RecoveryPointKind>>();
            foreach (var a in apps)
            {
                var mine = resources.Where(r => string.Equals(r.Application, a.Name, StringComparison.OrdinalIgnoreCase)).ToList();
                summaries[a.Name].Resources = mine.Count;
                foreach (var r in mine)
                {
                    foreach (var k in RecoveryPointTaker.KindsFor(r.ResourceType, a, null))
                    {
                        if (!KindFits(k, r.ResourceType)) continue;
                        wantedKinds.Add(k);
                        work.Add(Tuple.Create(a, r, k));
                    }
                }
            }
            // The policy's points there, listed once for the cycle: taking, copying and expiring all use this listing.
            var primaryListing = CycleListing.Of(_runtime, primary, wantedKinds, new RecoveryPointQuery { PolicyName = policy.Name }, ct);
            var primaryPoints = primaryListing.Points;
            var primaryFailures = primaryListing.Failures;
            foreach (var f in primaryFailures) foreach (var a in apps) Fail(a.Name, f.Item3, primary);

            // 3. Take what the window lacks.
            callbacks.Progress?.Invoke("Taking recovery points", 1, 3);
            var taker = new RecoveryPointTaker(_runtime);
            var pendingByRegion = new Dictionary<string, IList<string>>(StringComparer.OrdinalIgnoreCase);
            IList<string> PendingVolumes(string region)
            {
                if (pendingByRegion.TryGetValue(region, out var known)) return known;
                IList<string> found = null;
                try
                {
                    var source = _runtime.Providers(region)?.Creator(RecoveryPointKind.EbsSnapshotSet) as IPendingSnapshotSource;
                    var volumes = resources.Where(r => string.Equals(r.Region ?? primary, region, StringComparison.OrdinalIgnoreCase)).SelectMany(r => r.VolumeIds ?? new List<string>()).ToList();
                    if (source != null && volumes.Count > 0) found = source.PendingSnapshotVolumeIds(volumes, ct);
                }
                catch (FinBackupException)
                {
                    found = null; // each creator checks for itself
                }
                pendingByRegion[region] = found;
                return found;
            }
            var created = new List<Tuple<string, string, FinRecoveryPoint>>();
            foreach (var item in work)
            {
                ct.ThrowIfCancellationRequested();
                var (app, res, kind) = (item.Item1, item.Item2, item.Item3);
                var s = summaries[app.Name];
                var window = BackupWindow.At(_runtime.UtcNow(), app.Frequency ?? RecoveryPointTaker.DefaultFrequency);
                var existing = primaryPoints.FirstOrDefault(p => p.Kind == kind && !p.IsCopy && p.State != RecoveryPointState.Failed
                    && string.Equals(p.ResourceId, res.ResourceId, StringComparison.OrdinalIgnoreCase) && p.Window == window.Id);
                if (existing != null) { s.AlreadyTaken++; continue; }
                s.WindowDue = true;
                if (!callbacks.ShouldProcess($"{res.ResourceId} ({app.Name}) in {primary}", $"Take {kind} for window {window.Id}")) continue;
                var region = string.IsNullOrEmpty(res.Region) ? primary : res.Region;
                try
                {
                    // The taker lists the window again before creating: safe if another machine took it meanwhile.
                    var result = taker.Take(new TakeRecoveryPointRequest
                    {
                        ResourceId = res.ResourceId, ResourceType = res.ResourceType, Region = region,
                        Application = app.Name, Policy = policy, VolumeIds = res.VolumeIds, RestoreMetadata = res.RestoreMetadata,
                        PendingSnapshotVolumeIds = res.ResourceType == FinResourceType.Ec2Instance && res.VolumeIds != null && res.VolumeIds.Count > 0 ? PendingVolumes(region) : null,
                        CallerFinishes = true,
                    }, kind, ct, windowKnownEmpty: primaryFailures.Count == 0);
                    if (result.AlreadyExisted) s.AlreadyTaken++;
                    else
                    {
                        s.Taken++;
                        if (result.Point != null) created.Add(Tuple.Create(app.Name, region, result.Point));
                    }
                    primaryPoints.Add(result.Point);
                    primaryListing.Add(result.Point);
                }
                catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                {
                    var fin = FinBackupException.From(ex, $"Taking {kind} of {res.ResourceId}");
                    // The create may have happened although its reply was an error (lost reply, timeout): say what exists.
                    var made = LookForPoint(region, kind, res.ResourceId, window.Id, policy.Name, ct);
                    if (made != null)
                    {
                        s.Taken++;
                        primaryPoints.Add(made);
                        primaryListing.Add(made);
                        Warn(app.Name, $"{kind} of {res.ResourceId} for window {window.Id} exists ({made.RecoveryPointId}) although its creation reported: {fin.ErrorId}: {fin.Message}");
                    }
                    else Fail(app.Name, fin, res.ResourceId);
                }
            }

            FinishCreated(created, Warn, ct);

            // 4. Copy to DR what lacks a copy (unexpired primary points of the policy's applications).
            callbacks.Progress?.Invoke("Copying to the DR region", 2, 3);
            var now = _runtime.UtcNow();
            var dr = policy.DrRegion;
            CycleListing drListing = null;
            if (!string.IsNullOrEmpty(dr) && !string.Equals(dr, primary, StringComparison.OrdinalIgnoreCase))
            {
                // The DR region listed once for the cycle, as the copy coordinator lists a destination (FinBackup's points of
                // every policy: copies in flight count against the copy limits whoever made them); the expiry keeps this
                // policy's points of it.
                drListing = CycleListing.Of(_runtime, dr, wantedKinds, new RecoveryPointQuery(), ct);
                var toCopy = primaryPoints.Where(p => !p.IsCopy && p.State != RecoveryPointState.Failed && (!p.ExpiresAt.HasValue || p.ExpiresAt > now))
                    .Where(p => apps.Any(a => a.CopyToDrRegion && string.Equals(a.Name, p.Application, StringComparison.OrdinalIgnoreCase)))
                    .ToList();
                if (toCopy.Count > 0)
                {
                    try
                    {
                        var outcomes = new CopyCoordinator(_runtime).Copy(toCopy, new CopyToRegionRequest
                        {
                            DestinationRegion = dr, Policy = policy, Wait = false, ApplicationWarning = Warn,
                            DestinationPoints = wantedKinds.Where(k => drListing.OfKind(k) != null).ToDictionary(k => k, k => drListing.OfKind(k)),
                            ConfirmStart = (p, dest) => callbacks.ShouldProcess($"{p.Kind} {p.RecoveryPointId} ({p.Application}, {p.Region})", $"Copy to {dest}"),
                        }, null, ct);
                        var failedCopies = outcomes.Where(o => o.Status == CopyStatus.Failed).ToList();
                        var existingCopies = CopiesIn(dr, failedCopies.Where(o => o.Error == null || o.Error.ErrorId != FinErrorIds.KmsKeyNotFound).Select(o => o.Source), ct);
                        foreach (var o in outcomes)
                        {
                            if (o.Copy != null && (o.Status == CopyStatus.Copied || o.Status == CopyStatus.AlreadyCopied)) drListing.Add(o.Copy);
                            if (!summaries.TryGetValue(o.Source.Application ?? string.Empty, out var s)) continue;
                            if (o.Status == CopyStatus.Copied) s.Copied++;
                            else if (o.Status == CopyStatus.NotStarted) s.CopiesPending++;
                            else if (o.Status == CopyStatus.Failed)
                            {
                                if (existingCopies.TryGetValue(o.Source.RecoveryPointId, out var copy))
                                {
                                    s.Copied++;
                                    drListing.Add(copy);
                                    Warn(s.Application, $"The copy of {o.Source.RecoveryPointId} in {dr} exists ({copy.RecoveryPointId}, {copy.State}) although copying reported: {o.Error?.ErrorId}: {o.Error?.Message}");
                                }
                                else Fail(s.Application, o.Error, o.Source.RecoveryPointId);
                            }
                        }
                    }
                    catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                    {
                        var fin = FinBackupException.From(ex, $"Copying to {dr}");
                        foreach (var p in toCopy.Select(p => p.Application).Distinct()) Fail(p, fin, dr);
                    }
                }
            }

            // 5. Expire in every region of the policy, then measure the RPO from the same listing.
            callbacks.Progress?.Invoke("Expiring recovery points", 3, 3);
            var expiryAt = _runtime.UtcNow();
            // Kinds whose listing failed are listed again first: a source the first listing missed would otherwise expire
            // (the expiry lists it again) without its DR region being checked for an untagged copy of it.
            primaryListing.RetryFailed(ct);
            drListing?.RetryFailed(ct);
            var keepForLeftovers = AdoptCopyLeftovers(policy, apps, primaryListing.Points, drListing, expiryAt, callbacks, Warn, ct);
            var expiry = new ExpiryRunner(_runtime);
            var scope = new ExpiryScope { Policy = policy };
            foreach (var k in wantedKinds) scope.Kinds.Add(k);
            var listing = ExpiryListingOf(expiry, scope, primaryListing, drListing, ct);
            foreach (var f in listing.Failures) foreach (var a in apps) Fail(a.Name, f.Item3, f.Item1);
            // The AMIs' snapshots made findable (tagged) before any image is deregistered, and what deregistered images left
            // removed: from the listings made anyway.
            var keepForSnapshots = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var sweep = new ImageSnapshotSweep(_runtime);
            foreach (var l in new[] { primaryListing, drListing }.Where(l => l != null))
                keepForSnapshots.UnionWith(sweep.Run(l, policy.Name, expiryAt,
                    (target, action) => callbacks.ShouldProcess(target, action),
                    (target, action) => (callbacks.ShouldRemove ?? callbacks.ShouldProcess)(target, action), Warn, ct));
            var decisions = expiry.Plan(listing, expiryAt)
                .Where(d => d.Application != null && summaries.ContainsKey(d.Application))
                .Select(d => d.Action == RetentionAction.Remove && !d.RecoveryPoint.IsCopy && keepForLeftovers.Contains(d.RecoveryPointId)
                    ? new RetentionDecision(d.RecoveryPoint, RetentionAction.Keep, RetentionReason.CopyLeftoverUnchecked) : d)
                .Select(d => d.Action == RetentionAction.Remove && d.Kind == RecoveryPointKind.Ami && keepForSnapshots.Contains(ImageSnapshotSweep.Key(d.Region, d.RecoveryPointId))
                    ? new RetentionDecision(d.RecoveryPoint, RetentionAction.Keep, RetentionReason.ImageSnapshotsUntagged) : d)
                .ToList();
            expiry.Execute(decisions, d => (callbacks.ShouldRemove ?? callbacks.ShouldProcess)($"{d.RecoveryPointId} ({d.Kind}, {d.Region})", "Remove expired recovery point"), null, ct);
            foreach (var d in decisions)
            {
                var s = summaries[d.Application];
                if (d.Outcome == RetentionOutcome.Removed) s.Removed++;
                else if (d.Outcome == RetentionOutcome.Failed) Fail(d.Application, d.Exception, d.RecoveryPointId);
            }

            now = _runtime.UtcNow();
            var surviving = listing.Points.Where(p => !decisions.Any(d => d.Outcome == RetentionOutcome.Removed && ReferenceEquals(d.RecoveryPoint, p))).ToList();

            // 6. Verify the newest point of each resource (existence every run, data on the policy's schedule); a point that
            // failed its check does not count for the RPO.
            if (Verification != null && (policy.Verification == null || policy.Verification.Enabled))
            {
                callbacks.Progress?.Invoke("Verifying recovery points", 3, 3);
                try
                {
                    var broken = Verification.Run(policy, surviving, summaries, (app, ex, target) => Fail(app, ex, target), Warn, now, ct);
                    if (broken.Count > 0) surviving = surviving.Where(p => !broken.Contains(p.Region + "|" + p.RecoveryPointId)).ToList();
                }
                catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                {
                    var fin = FinBackupException.From(ex, "Verifying the newest recovery points");
                    foreach (var a in apps) Warn(a.Name, fin.Message);
                }
            }
            foreach (var a in apps)
            {
                var s = summaries[a.Name];
                var resIds = resources.Where(r => string.Equals(r.Application, a.Name, StringComparison.OrdinalIgnoreCase)).Select(r => r.ResourceId).ToList();
                var files = WantsFiles(a);
                foreach (var region in policy.Regions)
                {
                    s.RpoAchieved[region] = RpoFor(surviving, a.Name, resIds, region, now, files);
                }
                s.PrimaryRpo = s.RpoAchieved.TryGetValue(primary, out var pr) ? pr : null;
                s.DrRpo = !string.IsNullOrEmpty(dr) && s.RpoAchieved.TryGetValue(dr, out var drr) ? drr : null;
                if (a.Rpo.HasValue)
                    s.RpoMet = (resIds.Count > 0 || files) && s.RpoAchieved.Values.All(v => v.HasValue && v.Value <= a.Rpo.Value);
                s.Duration = clock.Elapsed;
            }
            return apps.Select(a => summaries[a.Name]).ToList();
        }

        /// <summary>
        /// The RPO achieved in a region: the age of the newest available point of the least recently protected resource
        /// (null when some resource has no available point there, or the application has none at all). File backups count
        /// like every kind: with <paramref name="includeFiles"/>, each host the application's file backups come from is one
        /// more protected unit (its newest available file backup), and having no file backup at all in the region is no RPO.
        /// </summary>
        public static TimeSpan? RpoFor(IEnumerable<FinRecoveryPoint> points, string application, IReadOnlyCollection<string> resourceIds, string region, DateTime now,
            bool includeFiles = false)
        {
            var available = points.Where(p => p != null && p.State == RecoveryPointState.Available && string.Equals(p.Region, region, StringComparison.OrdinalIgnoreCase)
                                               && string.Equals(p.Application, application, StringComparison.OrdinalIgnoreCase)).ToList();
            var resourcePoints = available.Where(p => p.Kind != RecoveryPointKind.FileBackup).ToList();
            var filePoints = available.Where(p => p.Kind == RecoveryPointKind.FileBackup).ToList();
            var ids = resourceIds.Count > 0 ? resourceIds.ToList() : resourcePoints.Select(p => p.ResourceId).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (ids.Count == 0 && !includeFiles) return null;
            TimeSpan? worst = null;
            foreach (var id in ids)
            {
                var newest = resourcePoints.Where(p => string.Equals(p.ResourceId, id, StringComparison.OrdinalIgnoreCase)).OrderByDescending(p => p.CreatedAt).FirstOrDefault();
                if (newest == null) return null;
                var age = now - newest.CreatedAt;
                if (!worst.HasValue || age > worst.Value) worst = age;
            }
            if (includeFiles)
            {
                if (filePoints.Count == 0) return null;
                foreach (var host in filePoints.GroupBy(p => p.ResourceId ?? string.Empty, StringComparer.OrdinalIgnoreCase))
                {
                    var age = now - host.Max(p => p.CreatedAt);
                    if (!worst.HasValue || age > worst.Value) worst = age;
                }
            }
            return worst;
        }

        /// <summary>Whether the application has file backups (file sets, or FileBackup among its recovery points).</summary>
        public static bool WantsFiles(ApplicationPolicy app) =>
            app != null && ((app.FileSets != null && app.FileSets.Count > 0)
                            || (app.RecoveryPoints != null && app.RecoveryPoints.Contains(RecoveryPointKindRequest.FileBackup)));

        /// <summary>Every kind the policy's applications have, whether or not discovery found their resources.</summary>
        public static IEnumerable<RecoveryPointKind> PolicyKinds(IEnumerable<ApplicationPolicy> apps)
        {
            var kinds = new HashSet<RecoveryPointKind>();
            foreach (var a in apps)
            {
                foreach (var k in RecoveryPointTaker.KindsFor(FinResourceType.Ec2Instance, a, null)) kinds.Add(k);
                if (a.RecoveryPoints != null && a.RecoveryPoints.Contains(RecoveryPointKindRequest.RdsSnapshot)) kinds.Add(RecoveryPointKind.RdsSnapshot);
                if (WantsFiles(a)) kinds.Add(RecoveryPointKind.FileBackup);
            }
            return kinds;
        }

        /// <summary>
        /// The points this run created, finished by their creator once per region and kind (<see cref="ICreationFinisher"/>:
        /// an AMI's snapshots described and tagged for all the new images at once). A failure is a warning: the points exist.
        /// </summary>
        /// <summary>
        /// Before the expiry: the primary points that expire now without a tagged copy in the DR region (of applications
        /// copied there) may have an untagged copy an interrupted copy left; once the source is gone nothing would look for
        /// it again. Those copies are adopted (<see cref="CopyCoordinator.AdoptLeftovers"/>), so the expiry removes them like
        /// any copy. Returns the sources to keep this time: their DR region could not be checked, or the adoption was
        /// declined (-WhatIf) or failed.
        /// </summary>
        private ISet<string> AdoptCopyLeftovers(BackupPolicy policy, IReadOnlyCollection<ApplicationPolicy> apps, IEnumerable<FinRecoveryPoint> primaryPoints,
            CycleListing drListing, DateTime at, BackupCycleCallbacks callbacks, Action<string, string> warn, CancellationToken ct)
        {
            var dr = policy.DrRegion;
            if (drListing == null) return new HashSet<string>(StringComparer.Ordinal);
            var copied = new HashSet<string>(drListing.Points.Where(p => p != null && p.IsCopy && !string.IsNullOrEmpty(p.SourceRecoveryPointId))
                .Select(p => p.SourceRecoveryPointId), StringComparer.Ordinal);
            var expiring = primaryPoints.Where(p => p != null && !p.IsCopy && p.State != RecoveryPointState.Failed && p.ExpiresAt.HasValue && p.ExpiresAt <= at
                    && !copied.Contains(p.RecoveryPointId) && drListing.OfKind(p.Kind) != null
                    && apps.Any(a => a.CopyToDrRegion && string.Equals(a.Name, p.Application, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            if (expiring.Count == 0) return new HashSet<string>(StringComparer.Ordinal);
            var result = new CopyCoordinator(_runtime).AdoptLeftovers(expiring, dr, policy,
                s => callbacks.ShouldProcess($"the untagged copy of {s.Kind} {s.RecoveryPointId} in {dr}", "Adopt (tag) the copy an interrupted run left"), ct);
            foreach (var copy in result.Adopted)
            {
                drListing.Add(copy);
                warn(copy.Application, $"Adopted {copy.RecoveryPointId} in {dr}, an untagged copy of {copy.SourceRecoveryPointId} an interrupted run left; it is tagged fin:adopted-at and expires with its source.");
            }
            foreach (var e in result.Errors)
                foreach (var a in expiring.Select(p => p.Application).Distinct(StringComparer.OrdinalIgnoreCase))
                    warn(a, $"{e.ErrorId}: {e.Message} Their removal waits for a cycle that can look.");
            return result.Unchecked;
        }

        private void FinishCreated(List<Tuple<string, string, FinRecoveryPoint>> created, Action<string, string> warn, CancellationToken ct)
        {
            foreach (var group in created.GroupBy(c => Tuple.Create(c.Item2.ToLowerInvariant(), c.Item3.Kind)))
            {
                var region = group.First().Item2;
                if (!(_runtime.Providers(region)?.Creator(group.Key.Item2) is ICreationFinisher finisher)) continue;
                try
                {
                    finisher.Finish(group.Select(c => c.Item3).ToList(), ct);
                }
                catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                {
                    var fin = FinBackupException.From(ex, $"Finishing the new {group.Key.Item2} points in {region}");
                    foreach (var app in group.Select(c => c.Item1).Distinct(StringComparer.OrdinalIgnoreCase))
                        warn(app, $"{string.Join(", ", group.Where(c => c.Item1 == app).Select(c => c.Item3.RecoveryPointId))} were taken but not finished: {fin.ErrorId}: {fin.Message}");
                }
            }
        }

        /// <summary>The window's point of a resource, if one exists (after a create that reported an error); null when none or unknown.</summary>
        private FinRecoveryPoint LookForPoint(string region, RecoveryPointKind kind, string resourceId, string window, string policyName, CancellationToken ct)
        {
            try
            {
                return _runtime.Provider(region, kind).List(new RecoveryPointQuery { ResourceIds = { resourceId }, Window = window, PolicyName = policyName }, ct)
                    .Where(p => p.Kind == kind && !p.IsCopy && p.State != RecoveryPointState.Failed).OrderByDescending(p => p.CreatedAt).FirstOrDefault();
            }
            catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
            {
                return null;
            }
        }

        /// <summary>The copies in <paramref name="region"/> of these sources, by source id (one listing per kind; empty when unknown).</summary>
        private Dictionary<string, FinRecoveryPoint> CopiesIn(string region, IEnumerable<FinRecoveryPoint> sources, CancellationToken ct)
        {
            var found = new Dictionary<string, FinRecoveryPoint>(StringComparer.Ordinal);
            foreach (var group in sources.GroupBy(s => s.Kind))
            {
                try
                {
                    var ids = new HashSet<string>(group.Select(s => s.RecoveryPointId), StringComparer.Ordinal);
                    foreach (var p in _runtime.Provider(region, group.Key).List(new RecoveryPointQuery(), ct))
                        if (p.SourceRecoveryPointId != null && ids.Contains(p.SourceRecoveryPointId) && p.State != RecoveryPointState.Failed && !found.ContainsKey(p.SourceRecoveryPointId))
                            found[p.SourceRecoveryPointId] = p;
                }
                catch (Exception ex) when (!FinBackupException.IsCancellation(ex))
                {
                }
            }
            return found;
        }

        /// <summary>
        /// What the expiry plans from: the cycle's own listings of the primary and DR regions (kept up to date with what it
        /// made, failed kinds listed again, the state of the points it made refreshed), with only this policy's points of
        /// the DR listing; any other region of the policy is listed as Remove-FinExpiredBackup lists it.
        /// </summary>
        private static ExpiryListing ExpiryListingOf(ExpiryRunner expiry, ExpiryScope scope, CycleListing primary, CycleListing dr, CancellationToken ct)
        {
            if (scope.Kinds.Count == 0) return expiry.List(scope, ct);
            var result = new ExpiryListing();
            var policyName = scope.Policy?.Name;
            var expiryQuery = new RecoveryPointQuery { PolicyName = policyName };
            foreach (var region in ExpiryRunner.RegionsOf(scope))
            {
                var known = string.Equals(region, primary.Region, StringComparison.OrdinalIgnoreCase) ? primary
                    : dr != null && string.Equals(region, dr.Region, StringComparison.OrdinalIgnoreCase) ? dr : null;
                if (known == null)
                {
                    var other = expiry.List(new ExpiryScope { Policy = scope.Policy, Regions = { region }, Kinds = scope.Kinds }, ct);
                    result.Points.AddRange(other.Points);
                    result.Failures.AddRange(other.Failures);
                    continue;
                }
                known.RetryFailed(ct);
                known.RefreshMade(ct);
                // The DR listing has every policy's points: this policy's only, its name matched exactly as the EC2 tag
                // filter of a policy listing matches it (never more than a policy listing would return).
                result.Points.AddRange(known.Points.Where(p => expiryQuery.Matches(p)
                    && (known == primary || string.Equals(p.PolicyName, policyName, StringComparison.Ordinal))));
                result.Failures.AddRange(known.Failures);
            }
            return result;
        }

        private static bool KindFits(RecoveryPointKind k, FinResourceType t) =>
            t == FinResourceType.RdsDbInstance ? k == RecoveryPointKind.RdsSnapshot : (k == RecoveryPointKind.EbsSnapshotSet || k == RecoveryPointKind.Ami) && t == FinResourceType.Ec2Instance;
    }
}
