using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// The content hash of a restore plan: lower-case hex SHA-256 of the UTF-8 bytes of its canonical form.
    /// <para>Canonical form (finbackup-restore-plan-hash/1): JSON with no whitespace; object members in ordinal order of their
    /// names; every field of the plan except ContentHash (and the derived FitsRto, ItemCount, ParameterText): PlanId,
    /// PolicyName, Application, Region, RequestedBy, CreatedAt, ExpiresAt, EstimatedDuration, TargetRto, and Items in plan
    /// order (the restore order), each with RecoveryPointId, Kind (its name), SourceRegion, TargetRegion, ResourceId,
    /// ResourceToCreate, SizeGiB, EstimatedDuration, EstimateBasis and Parameters (keys in ordinal order, so the order a
    /// dictionary was filled in does not matter). Strings are JSON strings (", \ and control characters escaped, \u00XX);
    /// null is null; times are UTC "yyyy-MM-ddTHH:mm:ss.fffffffZ"; durations are whole seconds (an integer); numbers use
    /// invariant "R" formatting. A first member "format" holds "finbackup-restore-plan-hash/1".</para>
    /// </summary>
    public static class RestorePlanHash
    {
        public const string Format = "finbackup-restore-plan-hash/1";

        public static string Compute(RestorePlan plan)
        {
            using (var sha = SHA256.Create())
            {
                var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(Canonical(plan)));
                var sb = new StringBuilder(64);
                foreach (var b in bytes) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                return sb.ToString();
            }
        }

        /// <summary>Sets <see cref="RestorePlan.ContentHash"/> and returns the plan.</summary>
        public static RestorePlan Seal(RestorePlan plan)
        {
            plan.ContentHash = Compute(plan);
            return plan;
        }

        public static string Canonical(RestorePlan plan)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            var o = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["format"] = Str(Format),
                ["PlanId"] = Str(plan.PlanId),
                ["PolicyName"] = Str(plan.PolicyName),
                ["Application"] = Str(plan.Application),
                ["Region"] = Str(plan.Region),
                ["RequestedBy"] = Str(plan.RequestedBy),
                ["CreatedAt"] = Time(plan.CreatedAt),
                ["ExpiresAt"] = plan.ExpiresAt.HasValue ? Time(plan.ExpiresAt.Value) : "null",
                ["EstimatedDuration"] = Seconds(plan.EstimatedDuration),
                ["TargetRto"] = plan.TargetRto.HasValue ? Seconds(plan.TargetRto.Value) : "null",
                ["Items"] = "[" + string.Join(",", (plan.Items ?? new List<RestorePlanItem>()).Select(Item)) + "]",
            };
            return Obj(o);
        }

        private static string Item(RestorePlanItem i)
        {
            if (i == null) return "null";
            var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in i.Parameters ?? new Dictionary<string, string>()) parameters[p.Key] = Str(p.Value);
            return Obj(new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["RecoveryPointId"] = Str(i.RecoveryPointId),
                ["Kind"] = Str(i.Kind.ToString()),
                ["SourceRegion"] = Str(i.SourceRegion),
                ["TargetRegion"] = Str(i.TargetRegion),
                ["ResourceId"] = Str(i.ResourceId),
                ["ResourceToCreate"] = Str(i.ResourceToCreate),
                ["SizeGiB"] = i.SizeGiB.HasValue ? i.SizeGiB.Value.ToString("R", CultureInfo.InvariantCulture) : "null",
                ["EstimatedDuration"] = Seconds(i.EstimatedDuration),
                ["EstimateBasis"] = Str(i.EstimateBasis),
                ["Parameters"] = Obj(parameters),
            });
        }

        private static string Obj(SortedDictionary<string, string> members) =>
            "{" + string.Join(",", members.Select(m => Str(m.Key) + ":" + m.Value)) + "}";

        private static string Time(DateTime t) =>
            Str(DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc)
                .ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

        private static string Seconds(TimeSpan t) => ((long)Math.Round(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

        internal static string Str(string s)
        {
            if (s == null) return "null";
            var sb = new StringBuilder(s.Length + 2);
            sb.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    default:
                        if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            return sb.Append('"').ToString();
        }
    }
}
