using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>
    /// AchievedRpo over [From, To]: per region, kind and protected resource, the largest gap between consecutive points
    /// (creation times of the points still held and of those the audit trail records as deleted), counting from the last
    /// point before From and up to To, against the RPO. Without the audit trail the expired points are invisible, so the
    /// control is Unknown (the gap among the retained points is shown as a lower bound).
    /// </summary>
    public sealed class AchievedRpoControl : ComplianceControl
    {
        public override string Name => ComplianceControls.AchievedRpo;

        public override IEnumerable<FinComplianceFinding> Evaluate(ApplicationPolicy app, ComplianceEvidence e)
        {
            foreach (var region in e.Policy.Regions)
            {
                var kinds = ExpectedKinds(e.Policy, app, region);
                var unmeasurable = RpoFindingWithoutPoints(e, app, region, kinds);
                if (unmeasurable != null)
                {
                    yield return unmeasurable;
                    continue;
                }
                var rpo = app.Rpo.Value;

                // Timeline entries: (kind, resource, created, id, deleted?)
                var entries = PointsOf(e, app, region)
                    .Where(p => p.State == RecoveryPointState.Available || p.State == RecoveryPointState.Deleting)
                    .Select(p => new Entry { Kind = p.Kind, Resource = p.ResourceId ?? string.Empty, Created = p.CreatedAt, Id = p.RecoveryPointId })
                    .ToList();
                var unplaced = 0;
                foreach (var d in DeletedPoints(e, app, region))
                {
                    if (d.Kind == null || d.CreatedAt == null) { unplaced++; continue; }
                    if (entries.Any(x => x.Id == d.RecoveryPointId)) continue;
                    var resource = d.ResourceId;
                    if (resource == null)
                    {
                        // Older records without resourceId: placed only when the kind has one resource here.
                        var resources = entries.Where(x => x.Kind == d.Kind).Select(x => x.Resource).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                        if (resources.Count == 1) resource = resources[0];
                        else { unplaced++; continue; }
                    }
                    entries.Add(new Entry { Kind = d.Kind.Value, Resource = resource, Created = d.CreatedAt.Value, Id = d.RecoveryPointId, Deleted = true });
                }

                var items = new List<string>();
                var ids = new List<string>();
                var bad = new List<string>();
                TimeSpan worst = TimeSpan.Zero;
                bool missing = false;
                foreach (var kind in kinds)
                {
                    var target = TargetFor(app, kind, rpo);
                    var ofKind = entries.Where(x => x.Kind == kind && x.Created <= e.To).ToList();
                    if (ofKind.Count == 0)
                    {
                        missing = true;
                        bad.Add(kind.ToString());
                        items.Add($"no {kind} in {region} up to {Iso(e.To)}");
                        continue;
                    }
                    foreach (var g in ofKind.GroupBy(x => x.Resource, StringComparer.OrdinalIgnoreCase))
                    {
                        var gap = LargestGap(g.OrderBy(x => x.Created).ToList(), e.From, e.To, out var after, out var before);
                        if (gap > worst) worst = gap;
                        if (after != null) ids.Add(after.Id);
                        if (before != null) ids.Add(before.Id);
                        var over = gap > target;
                        if (over) bad.Add($"{kind} {g.Key}".Trim());
                        var label = $"{kind}{(g.Key.Length > 0 ? " " + g.Key : string.Empty)}";
                        var from = after != null ? $"{after.Id}{(after.Deleted ? " (deleted)" : string.Empty)} {Iso(after.Created)}" : Iso(e.From);
                        var to = before != null ? $"{before.Id}{(before.Deleted ? " (deleted)" : string.Empty)} {Iso(before.Created)}" : "end of period " + Iso(e.To);
                        items.Add($"{label}: {g.Count()} point(s), largest gap {Dur(gap)} from {from} to {to}{(over ? " - over target " + Dur(target) : string.Empty)}");
                    }
                }
                if (unplaced > 0) items.Add($"{unplaced} deletion record(s) without kind, creation time or resource could not be placed on the timeline");
                var none = kinds.Where(k => !entries.Any(x => x.Kind == k && x.Created <= e.To)).ToList();
                var measured = !missing ? Dur(worst) : none.Count == kinds.Count ? "no point" : Dur(worst) + ", no " + string.Join(", ", none);
                if (e.AuditEvents == null)
                {
                    items.Insert(0, Unavailable("The audit trail", e.AuditUnavailable ?? "not available"));
                    yield return Finding(e, app, region, ComplianceStatus.Unknown, ">= " + measured + " (retained points only)", Dur(rpo), items, ids,
                        "Expired points are known only from the audit trail (RecoveryPoint.Deleted records). " + AuditAdvice(e));
                    continue;
                }
                var status = bad.Count == 0 ? ComplianceStatus.Compliant : ComplianceStatus.NonCompliant;
                var advice = status == ComplianceStatus.Compliant ? string.Empty
                    : $"Windows were missed for {string.Join(", ", bad)}: check the schedule and cycle errors of that period (Get-FinAuditEvent, Get-FinBackupSchedule); an RPO alarm (Set-FinRpoAlarm) reports the next one as it happens.";
                yield return Finding(e, app, region, status, measured, Dur(rpo), items, ids, advice);
            }
        }

        private sealed class Entry
        {
            public RecoveryPointKind Kind;
            public string Resource;
            public DateTime Created;
            public string Id;
            public bool Deleted;
        }

        /// <summary>
        /// The largest time in [from, to] since the newest point at or before it: gaps between consecutive points, counted from
        /// the last point before <paramref name="from"/> (none: from the first point in the period) up to <paramref name="to"/>.
        /// </summary>
        private static TimeSpan LargestGap(List<Entry> sorted, DateTime from, DateTime to, out Entry after, out Entry before)
        {
            var carry = sorted.LastOrDefault(x => x.Created <= from);
            var seq = new List<Entry>();
            if (carry != null) seq.Add(carry);
            seq.AddRange(sorted.Where(x => x.Created > from && x.Created <= to));
            after = null;
            before = null;
            var best = TimeSpan.MinValue;
            for (int i = 1; i < seq.Count; i++)
            {
                var gap = seq[i].Created - seq[i - 1].Created;
                if (gap > best) { best = gap; after = seq[i - 1]; before = seq[i]; }
            }
            if (seq.Count > 0)
            {
                var tail = to - seq[seq.Count - 1].Created;
                if (tail > best) { best = tail; after = seq[seq.Count - 1]; before = null; }
            }
            return best < TimeSpan.Zero ? TimeSpan.Zero : best;
        }
    }
}
