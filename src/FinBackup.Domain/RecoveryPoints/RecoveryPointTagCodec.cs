using System;
using System.Collections.Generic;
using System.Globalization;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// Writes a recovery point's identity and lifecycle into fin:* tags and reads them back, so any machine can
    /// pick up where another stopped. Unknown tags are kept in <see cref="FinRecoveryPoint.Tags"/> untouched.
    /// </summary>
    public static class RecoveryPointTagCodec
    {
        public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ";

        /// <summary>The fin:* tags that describe <paramref name="point"/> (plus its other tags, which are kept).</summary>
        public static IDictionary<string, string> Encode(FinRecoveryPoint point)
        {
            if (point == null) throw new ArgumentNullException(nameof(point));
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            if (point.Tags != null)
            {
                foreach (var kv in point.Tags) tags[kv.Key] = kv.Value;
            }
            Set(tags, FinTags.Application, point.Application);
            Set(tags, FinTags.Policy, point.PolicyName);
            Set(tags, FinTags.Window, point.Window);
            Set(tags, FinTags.ResourceId, point.ResourceId);
            tags[FinTags.Kind] = point.Kind.ToString();
            Set(tags, FinTags.ExpiresAt, point.ExpiresAt.HasValue ? FormatTimestamp(point.ExpiresAt.Value) : null);
            Set(tags, FinTags.SourceId, point.SourceRecoveryPointId);
            Set(tags, FinTags.SourceRegion, point.SourceRegion);
            if (point.LegalHold) tags[FinTags.LegalHold] = "true";
            if (point.ManagedByFinBackup) tags[FinTags.ManagedBy] = FinTags.ManagedByValue;
            return tags;
        }

        /// <summary>Fills the tag-borne fields of <paramref name="point"/> from <paramref name="tags"/> and keeps all tags on it.</summary>
        public static FinRecoveryPoint Decode(IDictionary<string, string> tags, FinRecoveryPoint point)
        {
            if (point == null) throw new ArgumentNullException(nameof(point));
            point.Tags = new Dictionary<string, string>(StringComparer.Ordinal);
            if (tags == null) return point;
            foreach (var kv in tags) point.Tags[kv.Key] = kv.Value;
            point.Application = Get(tags, FinTags.Application) ?? point.Application;
            point.PolicyName = Get(tags, FinTags.Policy) ?? point.PolicyName;
            point.Window = Get(tags, FinTags.Window) ?? point.Window;
            point.ResourceId = Get(tags, FinTags.ResourceId) ?? point.ResourceId;
            point.SourceRecoveryPointId = Get(tags, FinTags.SourceId) ?? point.SourceRecoveryPointId;
            point.SourceRegion = Get(tags, FinTags.SourceRegion) ?? point.SourceRegion;
            point.ExpiresAt = ParseTimestamp(Get(tags, FinTags.ExpiresAt)) ?? point.ExpiresAt;
            point.LegalHold = IsTrue(Get(tags, FinTags.LegalHold));
            point.ManagedByFinBackup = string.Equals(Get(tags, FinTags.ManagedBy), FinTags.ManagedByValue, StringComparison.Ordinal);
            return point;
        }

        /// <summary>Tags for a new point of <paramref name="kind"/> taken for <paramref name="resourceId"/> in <paramref name="window"/>.</summary>
        public static IDictionary<string, string> ForNewPoint(RecoveryPointKind kind, string application, string policyName,
            string resourceId, BackupWindow window, DateTime? expiresAt)
        {
            return Encode(new FinRecoveryPoint
            {
                Kind = kind,
                Application = application,
                PolicyName = policyName,
                ResourceId = resourceId,
                Window = window?.Id,
                ExpiresAt = expiresAt,
                ManagedByFinBackup = true,
            });
        }

        /// <summary>Tags for a copy of <paramref name="source"/>: its tags plus lineage. Legal hold is not inherited.</summary>
        public static IDictionary<string, string> ForCopy(FinRecoveryPoint source)
        {
            var tags = Encode(source);
            tags[FinTags.SourceId] = source.RecoveryPointId;
            tags[FinTags.SourceRegion] = source.Region;
            tags.Remove(FinTags.LegalHold);
            tags.Remove(FinTags.AdoptedAt);
            tags[FinTags.ManagedBy] = FinTags.ManagedByValue;
            return tags;
        }

        public static string FormatTimestamp(DateTime utc) =>
            DateTime.SpecifyKind(utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime() : utc, DateTimeKind.Utc)
                .ToString(TimestampFormat, CultureInfo.InvariantCulture);

        /// <summary>Parses "o" or yyyy-MM-ddTHH:mm:ssZ (UTC); null when absent or unreadable.</summary>
        public static DateTime? ParseTimestamp(string value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            if (DateTime.TryParse(value, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            {
                return DateTime.SpecifyKind(t, DateTimeKind.Utc);
            }
            return null;
        }

        private static bool IsTrue(string value) =>
            value != null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1" ||
                              value.Equals("yes", StringComparison.OrdinalIgnoreCase));

        private static void Set(IDictionary<string, string> tags, string key, string value)
        {
            if (string.IsNullOrEmpty(value)) tags.Remove(key);
            else tags[key] = value;
        }

        private static string Get(IDictionary<string, string> tags, string key) =>
            tags.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v) ? v : null;
    }
}
