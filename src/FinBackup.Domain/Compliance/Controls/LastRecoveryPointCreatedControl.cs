using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>
    /// LastRecoveryPointCreated: in each region, the age now of the newest available point of every kind the application
    /// should have there (per protected resource), against the RPO. Primary and DR separately; measured = the oldest newest.
    /// </summary>
    public sealed class LastRecoveryPointCreatedControl : ComplianceControl
    {
        public override string Name => ComplianceControls.LastRecoveryPointCreated;

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
                var items = new List<string>();
                var ids = new List<string>();
                var bad = new List<string>();
                TimeSpan worst = TimeSpan.Zero;
                bool missing = false;
                var points = PointsOf(e, app, region).Where(p => p.State == RecoveryPointState.Available && p.CreatedAt <= e.Now).ToList();
                foreach (var kind in kinds)
                {
                    var target = TargetFor(app, kind, rpo);
                    var ofKind = points.Where(p => p.Kind == kind).ToList();
                    if (ofKind.Count == 0)
                    {
                        missing = true;
                        items.Add($"no available {kind} in {region}");
                        bad.Add(kind.ToString());
                        continue;
                    }
                    foreach (var g in ofKind.GroupBy(p => p.ResourceId ?? string.Empty, StringComparer.OrdinalIgnoreCase))
                    {
                        var newest = g.OrderByDescending(p => p.CreatedAt).First();
                        var age = e.Now - newest.CreatedAt;
                        if (age > worst) worst = age;
                        ids.Add(newest.RecoveryPointId);
                        var over = age > target;
                        if (over) bad.Add($"{kind} {g.Key}".Trim());
                        items.Add($"{kind}{(g.Key.Length > 0 ? " " + g.Key : string.Empty)}: {newest.RecoveryPointId} created {Iso(newest.CreatedAt)}, {Dur(age)} old{(target != rpo ? " (target " + Dur(target) + ")" : string.Empty)}{(over ? " - over target" : string.Empty)}");
                    }
                }
                var status = bad.Count == 0 ? ComplianceStatus.Compliant : ComplianceStatus.NonCompliant;
                var none = kinds.Where(k => !points.Any(p => p.Kind == k)).ToList();
                var measured = !missing ? Dur(worst) : none.Count == kinds.Count ? "no point" : Dur(worst) + ", no " + string.Join(", ", none);
                var advice = status == ComplianceStatus.Compliant ? string.Empty
                    : IsPrimary(e, region)
                        ? $"Take points now (Invoke-FinBackupCycle -Policy <policy>) and check the schedule of '{app.Name}' (Get-FinBackupSchedule); behind: {string.Join(", ", bad)}."
                        : $"Copy to {region} (Copy-FinBackupToRegion -Policy <policy> -Application '{app.Name}' -Wait) and check the cycle's copy errors; behind: {string.Join(", ", bad)}.";
                yield return Finding(e, app, region, status, measured, Dur(rpo), items, ids, advice);
            }
        }
    }
}
