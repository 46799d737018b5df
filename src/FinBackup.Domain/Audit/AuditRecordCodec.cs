using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Unattended;

namespace FinBackup.Domain.Audit
{
    /// <summary>
    /// The one stored form of an <see cref="AuditEvent"/>: canonical JSON (fixed field order, details sorted by key, no
    /// whitespace, times as ISO 8601 UTC with 7 fractional digits), so the same record always has the same bytes and the
    /// same SHA-256. <see cref="AuditEvent.Hash"/> is the SHA-256 of the canonical form without the hash field.
    /// </summary>
    public static class AuditRecordCodec
    {
        public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

        /// <summary>Canonical JSON of every field but Hash.</summary>
        public static string CanonicalWithoutHash(AuditEvent e) => CanonicalJson.Write(Fields(e, false));

        /// <summary>The stored record: canonical JSON including the hash (last field).</summary>
        public static byte[] Serialize(AuditEvent e) => Encoding.UTF8.GetBytes(CanonicalJson.Write(Fields(e, true)));

        /// <summary>Lower-case hex SHA-256 of the record's canonical form without Hash.</summary>
        public static string ComputeHash(AuditEvent e) => Sha256Hex(Encoding.UTF8.GetBytes(CanonicalWithoutHash(e)));

        public static string Sha256Hex(byte[] bytes)
        {
            using (var sha = SHA256.Create()) return Hex(sha.ComputeHash(bytes));
        }

        public static string Hex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        public static string FormatTime(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString(TimeFormat, CultureInfo.InvariantCulture);

        private static JsonFields Fields(AuditEvent e, bool withHash)
        {
            var f = new JsonFields()
                .Add("sequence", e.Sequence)
                .Add("timeUtc", FormatTime(e.TimeUtc))
                .Add("runId", e.RunId ?? string.Empty)
                .Add("actor", e.Actor ?? string.Empty)
                .Add("action", e.Action ?? string.Empty)
                .Add("policyName", e.PolicyName ?? string.Empty)
                .Add("application", e.Application ?? string.Empty)
                .Add("region", e.Region ?? string.Empty)
                .Add("target", e.Target ?? string.Empty)
                .Add("result", e.Result ?? string.Empty)
                .Add("errorId", e.ErrorId ?? string.Empty)
                .Add("requestIds", (e.RequestIds ?? new List<string>()).Where(r => !string.IsNullOrEmpty(r)).Cast<object>().ToList());
            var details = new JsonFields();
            foreach (var kv in (e.Details ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
                details.Add(kv.Key, kv.Value ?? string.Empty);
            f.Add("details", details);
            f.Add("previousHash", e.PreviousHash ?? string.Empty);
            if (withHash) f.Add("hash", e.Hash ?? string.Empty);
            return f;
        }

        /// <summary>Reads a stored record. Throws FinAuditRecordUnreadable for anything that is not one.</summary>
        public static AuditEvent Parse(byte[] bytes, string where)
        {
            PolicyNode root;
            try
            {
                root = JsonPolicyParser.Parse(Encoding.UTF8.GetString(bytes ?? new byte[0]), where);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw Unreadable(where, ex.Message);
            }
            if (!(root is PolicyMap map)) throw Unreadable(where, "not a JSON object");
            var e = new AuditEvent();
            foreach (var entry in map.Entries)
            {
                switch (entry.Key)
                {
                    case "sequence": e.Sequence = Long(entry.Value, where); break;
                    case "timeUtc": e.TimeUtc = Time(Str(entry.Value), where); break;
                    case "runId": e.RunId = Str(entry.Value); break;
                    case "actor": e.Actor = Str(entry.Value); break;
                    case "action": e.Action = Str(entry.Value); break;
                    case "policyName": e.PolicyName = Str(entry.Value); break;
                    case "application": e.Application = Str(entry.Value); break;
                    case "region": e.Region = Str(entry.Value); break;
                    case "target": e.Target = Str(entry.Value); break;
                    case "result": e.Result = Str(entry.Value); break;
                    case "errorId": e.ErrorId = Str(entry.Value); break;
                    case "requestIds":
                        if (entry.Value is PolicyList list) e.RequestIds = list.Items.Select(Str).ToList();
                        break;
                    case "details":
                        if (entry.Value is PolicyMap d)
                            foreach (var kv in d.Entries) e.Details[kv.Key] = Str(kv.Value);
                        break;
                    case "previousHash": e.PreviousHash = Str(entry.Value); break;
                    case "hash": e.Hash = Str(entry.Value); break;
                    default: throw Unreadable(where, $"unknown field '{entry.Key}'");
                }
            }
            // Empty strings are stored for absent values; read them back as null so a round trip is exact.
            e.RunId = NullIfEmpty(e.RunId); e.Actor = NullIfEmpty(e.Actor); e.Application = NullIfEmpty(e.Application);
            e.Region = NullIfEmpty(e.Region); e.Target = NullIfEmpty(e.Target); e.ErrorId = NullIfEmpty(e.ErrorId);
            e.PolicyName = NullIfEmpty(e.PolicyName); e.Action = NullIfEmpty(e.Action); e.Result = NullIfEmpty(e.Result);
            return e;
        }

        private static string NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;

        private static string Str(PolicyNode n) => n is PolicyScalar s && s.Value != null ? Convert.ToString(s.Value, CultureInfo.InvariantCulture) : null;

        private static long Long(PolicyNode n, string where)
        {
            if (n is PolicyScalar s && (s.Kind == ScalarKind.Integer || s.Kind == ScalarKind.Number))
            {
                try { return Convert.ToInt64(s.Value, CultureInfo.InvariantCulture); } catch (Exception ex) when (ex is FormatException || ex is OverflowException || ex is InvalidCastException) { }
            }
            throw Unreadable(where, "sequence is not a whole number");
        }

        private static DateTime Time(string s, string where)
        {
            if (s != null && DateTime.TryParseExact(s, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
                return DateTime.SpecifyKind(t, DateTimeKind.Utc);
            throw Unreadable(where, $"timeUtc '{s}' is not an ISO 8601 UTC time");
        }

        private static FinBackupException Unreadable(string where, string why) =>
            new FinBackupException("FinAuditRecordUnreadable", FinErrorKind.InvalidData, $"The audit record {where} is not a FinBackup audit record: {why}.",
                "Run Test-FinAuditLog: an unreadable record is reported as edited at its position.");
    }
}
