using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using FinBackup.Domain;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Restore;

namespace FinBackup.Aws.Restore
{
    /// <summary>
    /// The stored JSON of plans (finbackup-restore-plan/1) and approvals (finbackup-restore-approval/1), documented in
    /// about_FinBackup ("Restore approvals"). Field names are the object's property names; times ISO 8601 UTC; durations
    /// in whole seconds (…Seconds). Reading is strict about the format: anything else is FinRestorePlanUnreadable.
    /// </summary>
    public static class RestorePlanJson
    {
        public const string PlanFormat = "finbackup-restore-plan/1";
        public const string ApprovalFormat = "finbackup-restore-approval/1";

        public static byte[] Serialize(RestorePlan p)
        {
            using (var ms = new MemoryStream())
            {
                using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteString("format", PlanFormat);
                    w.WriteString("PlanId", p.PlanId);
                    w.WriteString("PolicyName", p.PolicyName);
                    w.WriteString("Application", p.Application);
                    w.WriteString("Region", p.Region);
                    w.WriteString("RequestedBy", p.RequestedBy);
                    w.WriteString("CreatedAt", Time(p.CreatedAt));
                    if (p.ExpiresAt.HasValue) w.WriteString("ExpiresAt", Time(p.ExpiresAt.Value)); else w.WriteNull("ExpiresAt");
                    w.WriteNumber("EstimatedDurationSeconds", Seconds(p.EstimatedDuration));
                    if (p.TargetRto.HasValue) w.WriteNumber("TargetRtoSeconds", Seconds(p.TargetRto.Value)); else w.WriteNull("TargetRtoSeconds");
                    w.WriteString("ContentHash", p.ContentHash);
                    w.WriteStartArray("Items");
                    foreach (var i in p.Items)
                    {
                        w.WriteStartObject();
                        w.WriteString("RecoveryPointId", i.RecoveryPointId);
                        w.WriteString("Kind", i.Kind.ToString());
                        w.WriteString("SourceRegion", i.SourceRegion);
                        w.WriteString("TargetRegion", i.TargetRegion);
                        w.WriteString("ResourceId", i.ResourceId);
                        w.WriteString("ResourceToCreate", i.ResourceToCreate);
                        if (i.SizeGiB.HasValue) w.WriteNumber("SizeGiB", i.SizeGiB.Value); else w.WriteNull("SizeGiB");
                        w.WriteNumber("EstimatedDurationSeconds", Seconds(i.EstimatedDuration));
                        w.WriteString("EstimateBasis", i.EstimateBasis);
                        w.WriteStartObject("Parameters");
                        foreach (var kv in i.Parameters) w.WriteString(kv.Key, kv.Value);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                return ms.ToArray();
            }
        }

        public static RestorePlan DeserializePlan(byte[] json, string where)
        {
            try
            {
                using (var doc = JsonDocument.Parse(json))
                {
                    var r = doc.RootElement;
                    if (Str(r, "format") != PlanFormat) throw Unreadable(where, $"format is '{Str(r, "format")}', not {PlanFormat}");
                    var p = new RestorePlan
                    {
                        PlanId = Str(r, "PlanId"),
                        PolicyName = Str(r, "PolicyName"),
                        Application = Str(r, "Application"),
                        Region = Str(r, "Region"),
                        RequestedBy = Str(r, "RequestedBy"),
                        CreatedAt = Date(r, "CreatedAt") ?? DateTime.MinValue,
                        ExpiresAt = Date(r, "ExpiresAt"),
                        EstimatedDuration = TimeSpan.FromSeconds(Num(r, "EstimatedDurationSeconds") ?? 0),
                        TargetRto = Num(r, "TargetRtoSeconds").HasValue ? TimeSpan.FromSeconds(Num(r, "TargetRtoSeconds").Value) : (TimeSpan?)null,
                        ContentHash = Str(r, "ContentHash"),
                    };
                    if (r.TryGetProperty("Items", out var items) && items.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var e in items.EnumerateArray())
                        {
                            if (!Enum.TryParse<RecoveryPointKind>(Str(e, "Kind"), false, out var kind)) throw Unreadable(where, $"unknown Kind '{Str(e, "Kind")}'");
                            var item = new RestorePlanItem
                            {
                                RecoveryPointId = Str(e, "RecoveryPointId"),
                                Kind = kind,
                                SourceRegion = Str(e, "SourceRegion"),
                                TargetRegion = Str(e, "TargetRegion"),
                                ResourceId = Str(e, "ResourceId"),
                                ResourceToCreate = Str(e, "ResourceToCreate"),
                                SizeGiB = Num(e, "SizeGiB"),
                                EstimatedDuration = TimeSpan.FromSeconds(Num(e, "EstimatedDurationSeconds") ?? 0),
                                EstimateBasis = Str(e, "EstimateBasis"),
                            };
                            if (e.TryGetProperty("Parameters", out var ps) && ps.ValueKind == JsonValueKind.Object)
                                foreach (var kv in ps.EnumerateObject()) item.Parameters[kv.Name] = kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString() : kv.Value.ToString();
                            p.Items.Add(item);
                        }
                    }
                    return p;
                }
            }
            catch (JsonException ex)
            {
                throw Unreadable(where, ex.Message, ex);
            }
        }

        public static byte[] Serialize(RestoreApproval a)
        {
            using (var ms = new MemoryStream())
            {
                using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteString("format", ApprovalFormat);
                    w.WriteString("PlanId", a.PlanId);
                    w.WriteString("PlanHash", a.PlanHash);
                    w.WriteString("Approver", a.Approver);
                    w.WriteString("ApprovedAt", Time(a.ApprovedAt));
                    w.WriteString("ValidUntil", Time(a.ValidUntil));
                    w.WriteEndObject();
                }
                return ms.ToArray();
            }
        }

        public static RestoreApproval DeserializeApproval(byte[] json, string where)
        {
            try
            {
                using (var doc = JsonDocument.Parse(json))
                {
                    var r = doc.RootElement;
                    if (Str(r, "format") != ApprovalFormat) throw Unreadable(where, $"format is '{Str(r, "format")}', not {ApprovalFormat}");
                    return new RestoreApproval
                    {
                        PlanId = Str(r, "PlanId"),
                        PlanHash = Str(r, "PlanHash"),
                        Approver = Str(r, "Approver"),
                        ApprovedAt = Date(r, "ApprovedAt") ?? DateTime.MinValue,
                        ValidUntil = Date(r, "ValidUntil") ?? DateTime.MinValue,
                        Location = where,
                    };
                }
            }
            catch (JsonException ex)
            {
                throw Unreadable(where, ex.Message, ex);
            }
        }

        private static FinBackupException Unreadable(string where, string why, Exception inner = null) =>
            new FinBackupException("FinRestorePlanUnreadable", FinErrorKind.InvalidData, $"{where} is not a FinBackup restore plan or approval: {why}.",
                "Do not edit plan or approval objects; make a new plan with New-FinRestorePlan.", inner);

        private static string Time(DateTime t) =>
            DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

        private static long Seconds(TimeSpan t) => (long)Math.Round(t.TotalSeconds);

        private static string Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static double? Num(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (double?)null;

        private static DateTime? Date(JsonElement e, string name)
        {
            var s = Str(e, name);
            if (s == null) return null;
            return DateTime.ParseExact(s, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }
    }
}
