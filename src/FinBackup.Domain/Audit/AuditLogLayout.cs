using System;
using System.Globalization;

namespace FinBackup.Domain.Audit
{
    /// <summary>Where a policy's audit log lives: the bucket, its region, the key prefix, and how records are protected.</summary>
    public sealed class AuditLogLocation
    {
        public string Bucket { get; set; }
        public string Region { get; set; }
        /// <summary>Key prefix, ending in '/' (default fin-audit/).</summary>
        public string Prefix { get; set; } = AuditLogLayout.DefaultPrefix;
        public string PolicyName { get; set; }
        /// <summary>SSE-KMS key of every record (the policy's key for the audit region); also the key of the run digests' data keys.</summary>
        public string KmsKeyId { get; set; }
        /// <summary>How long each record is retained in Object Lock compliance mode when the bucket has Object Lock.</summary>
        public TimeSpan Retention { get; set; } = AuditLogLayout.DefaultRetention;

        public override string ToString() => $"s3://{Bucket}/{AuditLogLayout.PolicyPrefix(this)} ({Region})";
    }

    /// <summary>
    /// The log's object layout: one object per record at <c>&lt;prefix&gt;&lt;policy&gt;/records/&lt;sequence, 12 digits&gt;.json</c>,
    /// written with If-None-Match: * so two writers can never claim one sequence number (the second gets 412 and moves to the
    /// next free number), and one digest per run at <c>&lt;prefix&gt;&lt;policy&gt;/digests/&lt;run id&gt;.json</c>.
    /// Zero-padded sequences make the key order the log order.
    /// </summary>
    public static class AuditLogLayout
    {
        public const string DefaultPrefix = "fin-audit/";
        /// <summary>Seven years: SEC 17a-4 asks for six, FFIEC guidance for the life of the record plus review.</summary>
        public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(2557);

        public static string PolicyPrefix(AuditLogLocation l) => NormalizePrefix(l.Prefix) + l.PolicyName + "/";
        public static string RecordPrefix(AuditLogLocation l) => PolicyPrefix(l) + "records/";
        public static string DigestPrefix(AuditLogLocation l) => PolicyPrefix(l) + "digests/";
        public static string RecordKey(AuditLogLocation l, long sequence) => RecordPrefix(l) + sequence.ToString("D12", CultureInfo.InvariantCulture) + ".json";
        public static string DigestKey(AuditLogLocation l, string runId) => DigestPrefix(l) + runId + ".json";

        /// <summary>The sequence number a record key names, or null for a key that is not a record key.</summary>
        public static long? SequenceOf(AuditLogLocation l, string key)
        {
            var prefix = RecordPrefix(l);
            if (key == null || !key.StartsWith(prefix, StringComparison.Ordinal) || !key.EndsWith(".json", StringComparison.Ordinal)) return null;
            var digits = key.Substring(prefix.Length, key.Length - prefix.Length - 5);
            return digits.Length == 12 && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : (long?)null;
        }

        public static string NormalizePrefix(string prefix)
        {
            if (string.IsNullOrEmpty(prefix)) return string.Empty;
            return prefix.EndsWith("/", StringComparison.Ordinal) ? prefix : prefix + "/";
        }
    }
}
