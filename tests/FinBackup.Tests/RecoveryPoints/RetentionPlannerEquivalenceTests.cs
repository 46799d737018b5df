using CsCheck;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Tests.RecoveryPoints;

/// <summary>
/// The retention planner was rewritten for speed (two passes instead of GroupBy + OrderBy per group): over random
/// histories built to hit every tie-break and grouping corner, it decides exactly as the LINQ version it replaced
/// (kept below as the reference), point for point, action and reason.
/// </summary>
public sealed class RetentionPlannerEquivalenceTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>The planner before the rewrite (commit ac6c0c3), verbatim in substance: the oracle.</summary>
    private static List<(RetentionAction Action, RetentionReason Reason)> ReferencePlan(IEnumerable<FinRecoveryPoint?> points, DateTime utcNow)
    {
        var all = points.Where(p => p != null).Select(p => p!).ToList();
        var sources = new HashSet<string>(
            all.Where(p => p.State == RecoveryPointState.Pending && !string.IsNullOrEmpty(p.SourceRecoveryPointId)).Select(p => p.SourceRecoveryPointId!),
            StringComparer.Ordinal);
        var newest = new HashSet<FinRecoveryPoint>(
            all.Where(p => p.State == RecoveryPointState.Available && p.ManagedByFinBackup)
               .GroupBy(p => (p.ResourceId ?? string.Empty).ToLowerInvariant() + "|" + (p.Region ?? string.Empty).ToLowerInvariant() + "|" + p.Kind)
               .Select(g => g.OrderByDescending(p => p.CreatedAt)
                             .ThenByDescending(p => p.ExpiresAt ?? DateTime.MinValue)
                             .ThenByDescending(p => p.Window ?? string.Empty, StringComparer.Ordinal)
                             .ThenByDescending(p => p.RecoveryPointId, StringComparer.Ordinal).First()));
        return all.Select(p =>
        {
            if (!p.ManagedByFinBackup) return (RetentionAction.Keep, RetentionReason.NotManagedByFinBackup);
            if (p.LegalHold) return (RetentionAction.Keep, RetentionReason.LegalHold);
            if (p.RecoveryPointId != null && sources.Contains(p.RecoveryPointId)) return (RetentionAction.Keep, RetentionReason.CopyInProgress);
            if (newest.Contains(p)) return (RetentionAction.Keep, RetentionReason.NewestAvailableForResourceInRegion);
            if (p.State is RecoveryPointState.Pending or RecoveryPointState.Deleting or RecoveryPointState.Unknown) return (RetentionAction.Keep, RetentionReason.NotAvailable);
            if (!p.ExpiresAt.HasValue) return (RetentionAction.Keep, RetentionReason.NoExpiry);
            if (p.ExpiresAt.Value > utcNow) return (RetentionAction.Keep, RetentionReason.NotExpired);
            return (RetentionAction.Remove, RetentionReason.Expired);
        }).ToList();
    }

    // Ids and regions that differ only by case, non-ASCII letters whose invariant lower case differs from their upper-case
    // folding (Kelvin sign, dotless i, Turkish capital I with dot), '|' (where the old joined key could make two pairs
    // equal), empty and null.
    private static readonly string?[] Resources = { "i-1", "I-1", "i-2", "db-1", "DB-1", "\u212A-1", "k-1", "\u0131-1", "\u0130-1", "a|b", "a", "", null };
    private static readonly string?[] Regions = { "us-east-1", "US-EAST-1", "us-west-2", "b|us-east-1", "|us-east-1", "", null };
    private static readonly string?[] Windows = { null, "", "2026-11-23T10", "2026-11-23T11", "2026-11-23T11:30" };
    private static readonly string?[] Ids = { null, "", "rp-a", "rp-b", "RP-a", "snap-1", "snap-2", "ami-1" };

    private static readonly Gen<FinRecoveryPoint> GenPoint =
        Gen.Select(Gen.Int[0, Resources.Length - 1], Gen.Int[0, Regions.Length - 1], Gen.Int[0, Windows.Length - 1], Gen.Int[0, Ids.Length + 3],
                Gen.Int[-4, 0], Gen.Int[-3, 3], Gen.Int[0, 3])
           .Select(Gen.Int[0, 5], Gen.Int[0, 9], Gen.Int[0, 3], (t, state, flags, kind) =>
           {
               var (res, reg, win, id, createdHours, expiresHours, idSuffix) = t;
               // Creation times on a coarse grid, so ties on CreatedAt (and on expiry) are common.
               var created = Now.AddHours(createdHours * 6);
               return new FinRecoveryPoint
               {
                   RecoveryPointId = id < Ids.Length ? Ids[id] : "rp-" + id + "-" + idSuffix,
                   ResourceId = Resources[res],
                   Region = Regions[reg],
                   Window = Windows[win],
                   Kind = (RecoveryPointKind)kind,
                   CreatedAt = created,
                   ExpiresAt = expiresHours == -3 ? null : created.AddHours(12 + expiresHours * 6),
                   State = (RecoveryPointState)state,
                   LegalHold = flags == 0,
                   ManagedByFinBackup = flags != 1,
               };
           });

    private static readonly Gen<List<FinRecoveryPoint?>> GenHistory =
        GenPoint.List[0, 80].Select(Gen.Int[0, 100_000], (points, seed) =>
        {
            var rnd = new Random(seed);
            var history = new List<FinRecoveryPoint?>(points);
            // Pending copies of other points (some by an id that is not in the history), the same object twice, and nulls.
            foreach (var p in points.Where(p => p.State == RecoveryPointState.Pending && rnd.Next(2) == 0))
                p.SourceRecoveryPointId = rnd.Next(4) == 0 ? "rp-missing" : points[rnd.Next(points.Count)].RecoveryPointId;
            if (points.Count > 0 && rnd.Next(3) == 0) history.Insert(rnd.Next(history.Count + 1), points[rnd.Next(points.Count)]);
            if (rnd.Next(4) == 0) history.Insert(rnd.Next(history.Count + 1), null);
            return history;
        });

    [Fact]
    public void Property_the_planner_decides_exactly_as_the_LINQ_planner_it_replaced()
    {
        var planner = new RetentionPlanner();
        GenHistory.Sample(history =>
        {
            var expected = ReferencePlan(history, Now);
            var actual = planner.Plan(history, Now);
            Assert.Equal(expected.Count, actual.Count);
            var nonNull = history.Where(p => p != null).ToList();
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Same(nonNull[i], actual[i].RecoveryPoint);
                Assert.Equal(expected[i], (actual[i].Action, actual[i].Reason));
            }
        }, iter: 5000);
    }

    [Fact]
    public void The_newest_group_folds_case_as_invariant_lower_case_and_does_not_split_on_pipes()
    {
        // "I-1" and "i-1" are one resource; the Kelvin sign lowers to 'k' (one group with "k-1"); the dotless i does not
        // lower to 'i' (its own group). Each group keeps exactly one newest point.
        var points = new[]
        {
            Points.Point("a", resource: "i-1", created: Now.AddHours(-2), expires: Now.AddHours(-1)),
            Points.Point("b", resource: "I-1", created: Now.AddHours(-3), expires: Now.AddHours(-1)),
            Points.Point("c", resource: "\u212A-1", created: Now.AddHours(-2), expires: Now.AddHours(-1)),
            Points.Point("d", resource: "k-1", created: Now.AddHours(-3), expires: Now.AddHours(-1)),
            Points.Point("e", resource: "\u0131-1", created: Now.AddHours(-3), expires: Now.AddHours(-1)),
        };
        var reasons = new RetentionPlanner().Plan(points, Now).Select(d => d.Reason).ToList();
        var expected = ReferencePlan(points, Now).Select(d => d.Reason).ToList();
        Assert.Equal(expected, reasons);
        Assert.Equal(new[]
        {
            RetentionReason.NewestAvailableForResourceInRegion, RetentionReason.Expired,
            RetentionReason.NewestAvailableForResourceInRegion, RetentionReason.Expired,
            RetentionReason.NewestAvailableForResourceInRegion,
        }, reasons);
    }
}
