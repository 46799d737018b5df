using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Audit;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>One point on an application's timeline: held now, or known from the audit trail as deleted.</summary>
    public sealed class TimelinePoint
    {
        public string RecoveryPointId { get; set; }
        public RecoveryPointKind Kind { get; set; }
        public DateTime CreatedAt { get; set; }
        public bool Deleted { get; set; }
        public bool IsCopy { get; set; }
    }

    /// <summary>One region's points of one application, and its exposure over the period (time since the newest point of the worst kind).</summary>
    public sealed class TimelineSeries
    {
        public string Region { get; set; }
        public List<TimelinePoint> Points { get; set; } = new List<TimelinePoint>();
        /// <summary>(time, exposure) samples across the period; exposure null while some expected kind has no point yet.</summary>
        public List<KeyValuePair<DateTime, TimeSpan?>> Exposure { get; set; } = new List<KeyValuePair<DateTime, TimeSpan?>>();
    }

    /// <summary>The points of an application over time in both regions, for the report's chart. Pure over the evidence.</summary>
    public static class ComplianceTimeline
    {
        public const int Samples = 240;

        public static IReadOnlyList<TimelineSeries> Build(ComplianceEvidence e, ApplicationPolicy app)
        {
            var result = new List<TimelineSeries>();
            foreach (var region in e.Policy.Regions)
            {
                var s = new TimelineSeries { Region = region };
                foreach (var p in e.Points.Where(p => string.Equals(p.Application, app.Name, StringComparison.OrdinalIgnoreCase)
                                                      && string.Equals(p.Region, region, StringComparison.OrdinalIgnoreCase)
                                                      && (p.State == RecoveryPointState.Available || p.State == RecoveryPointState.Deleting)))
                {
                    s.Points.Add(new TimelinePoint { RecoveryPointId = p.RecoveryPointId, Kind = p.Kind, CreatedAt = p.CreatedAt, IsCopy = p.IsCopy });
                }
                foreach (var a in e.AuditEvents ?? new List<AuditEvent>())
                {
                    if (a.Action != AuditActions.RecoveryPointDeleted || a.Result != AuditResults.Succeeded) continue;
                    if (!string.Equals(a.Application, app.Name, StringComparison.OrdinalIgnoreCase) || !string.Equals(a.Region, region, StringComparison.OrdinalIgnoreCase)) continue;
                    if (s.Points.Any(x => x.RecoveryPointId == a.Target)) continue;
                    string Get(string k) => a.Details != null && a.Details.TryGetValue(k, out var v) ? v : null;
                    var created = ComplianceText.ParseIso(Get(AuditDetailKeys.CreatedAt));
                    if (created == null || !Enum.TryParse<RecoveryPointKind>(Get(AuditDetailKeys.Kind), true, out var kind)) continue;
                    s.Points.Add(new TimelinePoint { RecoveryPointId = a.Target, Kind = kind, CreatedAt = created.Value, Deleted = true, IsCopy = Get(AuditDetailKeys.SourcePointId) != null });
                }
                s.Points = s.Points.OrderBy(p => p.CreatedAt).ToList();

                // Kinds with no point at all are reported by the findings; the line follows the kinds that have points.
                var kinds = ComplianceControl.ExpectedKinds(e.Policy, app, region).Where(k => s.Points.Any(p => p.Kind == k)).ToList();
                var byKind = kinds.ToDictionary(k => k, k => s.Points.Where(p => p.Kind == k).Select(p => p.CreatedAt).OrderBy(t => t).ToList());
                var span = e.To - e.From;
                for (int i = 0; i <= Samples && kinds.Count > 0 && span > TimeSpan.Zero; i++)
                {
                    var t = e.From + TimeSpan.FromTicks(span.Ticks / Samples * i);
                    TimeSpan? worst = TimeSpan.Zero;
                    foreach (var k in kinds)
                    {
                        var times = byKind[k];
                        var idx = times.FindLastIndex(x => x <= t);
                        if (idx < 0) { worst = null; break; }
                        var age = t - times[idx];
                        if (age > worst) worst = age;
                    }
                    s.Exposure.Add(new KeyValuePair<DateTime, TimeSpan?>(t, worst));
                }
                result.Add(s);
            }
            return result;
        }
    }
}
