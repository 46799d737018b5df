using System;
using System.Collections.Generic;
using System.Linq;
using Amazon.EC2.Model;
using FinBackup.Domain;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Aws.RecoveryPoints
{
    /// <summary>EC2 tag lists and server-side tag filters for recovery-point queries.</summary>
    internal static class Ec2RecoveryPointTags
    {
        /// <summary>Tag on every member snapshot of a snapshot set: the set's id.</summary>
        public const string SetId = "fin:set-id";
        /// <summary>Tag on a copied snapshot: the member snapshot it was copied from.</summary>
        public const string SourceSnapshotId = "fin:source-snapshot-id";
        /// <summary>Tag on every member snapshot of a snapshot set: how many members the set was taken with (to tell a partial set).</summary>
        public const string SetSize = "fin:set-size";

        public static List<Tag> ToTags(IDictionary<string, string> tags) =>
            (tags ?? new Dictionary<string, string>()).Where(kv => !string.IsNullOrEmpty(kv.Key) && !kv.Key.StartsWith("aws:", StringComparison.Ordinal))
                .Select(kv => new Tag(kv.Key, kv.Value ?? string.Empty)).ToList();

        public static Dictionary<string, string> ToDictionary(IEnumerable<Tag> tags)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var t in tags ?? Enumerable.Empty<Tag>()) d[t.Key] = t.Value;
            return d;
        }

        /// <summary>The server-side filters for a query of one kind (the rest is filtered locally with Matches).</summary>
        public static List<Filter> Filters(RecoveryPointQuery q, RecoveryPointKind kind, string idTag)
        {
            var filters = new List<Filter>();
            if (!q.IncludeUnmanaged)
            {
                filters.Add(new Filter("tag:" + FinTags.ManagedBy, new List<string> { FinTags.ManagedByValue }));
                filters.Add(new Filter("tag:" + FinTags.Kind, new List<string> { kind.ToString() }));
            }
            if (q.Applications.Count > 0) filters.Add(new Filter("tag:" + FinTags.Application, q.Applications.ToList()));
            if (q.ResourceIds.Count > 0) filters.Add(new Filter("tag:" + FinTags.ResourceId, q.ResourceIds.ToList()));
            if (!string.IsNullOrEmpty(q.PolicyName)) filters.Add(new Filter("tag:" + FinTags.Policy, new List<string> { q.PolicyName }));
            if (!string.IsNullOrEmpty(q.Window)) filters.Add(new Filter("tag:" + FinTags.Window, new List<string> { q.Window }));
            if (!string.IsNullOrEmpty(q.SourceRecoveryPointId)) filters.Add(new Filter("tag:" + FinTags.SourceId, new List<string> { q.SourceRecoveryPointId }));
            if (q.RecoveryPointIds.Count > 0 && idTag != null) filters.Add(new Filter(idTag, q.RecoveryPointIds.ToList()));
            return filters;
        }
    }
}
