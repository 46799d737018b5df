using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using FinBackup.Domain;
using FinBackup.Domain.Files;

namespace FinBackup.Aws.Files
{
    /// <summary>
    /// The manifest's JSON form (finbackup-manifest/1), documented in docs/Invoke-FinRestore.md. Field names are stable:
    /// auditors read them with jq. Times are ISO 8601 UTC; mode is an octal string ("0644").
    /// </summary>
    public static class FileManifestJson
    {
        public static byte[] Serialize(FileManifest m)
        {
            using (var ms = new MemoryStream(64 + m.Files.Count * 260))
            {
                using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = false, SkipValidation = true }))
                {
                    w.WriteStartObject();
                    w.WriteString("format", m.Format ?? FileManifest.FormatVersion);
                    Str(w, "id", m.Id);
                    Str(w, "key", m.Key);
                    Str(w, "application", m.Application);
                    Str(w, "policy", m.PolicyName);
                    Str(w, "fileSet", m.FileSet);
                    Str(w, "window", m.Window);
                    Str(w, "host", m.Host);
                    Str(w, "bucket", m.Bucket);
                    Str(w, "region", m.Region);
                    Str(w, "kmsKeyId", m.KmsKeyId);
                    w.WriteString("createdAt", Time(m.CreatedAt));
                    if (m.ExpiresAt.HasValue) w.WriteString("expiresAt", Time(m.ExpiresAt.Value));
                    Str(w, "sourceRecoveryPointId", m.SourceRecoveryPointId);
                    Str(w, "sourceRegion", m.SourceRegion);
                    Str(w, "previousManifest", m.PreviousManifestKey);
                    Array(w, "sources", m.Sources);
                    Array(w, "include", m.Include);
                    Array(w, "exclude", m.Exclude);
                    w.WriteStartArray("files");
                    foreach (var f in m.Files)
                    {
                        w.WriteStartObject();
                        w.WriteString("path", f.Path);
                        w.WriteNumber("size", f.Size);
                        w.WriteString("mode", "0" + Convert.ToString(f.Mode, 8));
                        w.WriteString("mtime", Time(f.ModifiedAt));
                        w.WriteString("sha256", f.Sha256);
                        w.WriteStartArray("parts");
                        foreach (var p in f.Parts)
                        {
                            w.WriteStartObject();
                            w.WriteString("key", p.Key);
                            w.WriteNumber("offset", p.Offset);
                            w.WriteNumber("length", p.Length);
                            w.WriteString("sha256", p.Sha256);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteStartArray("missing");
                    foreach (var x in m.Missing)
                    {
                        w.WriteStartObject();
                        w.WriteString("path", x.Path);
                        Str(w, "errorId", x.ErrorId);
                        Str(w, "reason", x.Reason);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                return ms.ToArray();
            }
        }

        public static FileManifest Deserialize(byte[] json, string keyHint = null)
        {
            try
            {
                using (var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 }))
                {
                    var r = doc.RootElement;
                    var format = S(r, "format");
                    if (format == null || !format.StartsWith("finbackup-manifest/", StringComparison.Ordinal))
                        throw new FormatException("not a FinBackup manifest (format '" + format + "')");
                    var m = new FileManifest
                    {
                        Format = format,
                        Id = S(r, "id"),
                        Key = S(r, "key") ?? keyHint,
                        Application = S(r, "application"),
                        PolicyName = S(r, "policy"),
                        FileSet = S(r, "fileSet"),
                        Window = S(r, "window"),
                        Host = S(r, "host"),
                        Bucket = S(r, "bucket"),
                        Region = S(r, "region"),
                        KmsKeyId = S(r, "kmsKeyId"),
                        CreatedAt = ParseTime(S(r, "createdAt")) ?? DateTime.MinValue,
                        ExpiresAt = ParseTime(S(r, "expiresAt")),
                        SourceRecoveryPointId = S(r, "sourceRecoveryPointId"),
                        SourceRegion = S(r, "sourceRegion"),
                        PreviousManifestKey = S(r, "previousManifest"),
                        Sources = Strings(r, "sources"),
                        Include = Strings(r, "include"),
                        Exclude = Strings(r, "exclude"),
                    };
                    if (r.TryGetProperty("files", out var files) && files.ValueKind == JsonValueKind.Array)
                    {
                        var list = new List<ManifestFile>(files.GetArrayLength());
                        foreach (var f in files.EnumerateArray())
                        {
                            var entry = new ManifestFile
                            {
                                Path = S(f, "path"),
                                Size = f.GetProperty("size").GetInt64(),
                                Mode = ParseMode(S(f, "mode")),
                                ModifiedAt = ParseTime(S(f, "mtime")) ?? DateTime.MinValue,
                                Sha256 = S(f, "sha256"),
                            };
                            if (f.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array)
                            {
                                var pl = new List<ManifestPart>(parts.GetArrayLength());
                                foreach (var p in parts.EnumerateArray())
                                {
                                    pl.Add(new ManifestPart
                                    {
                                        Key = S(p, "key"),
                                        Offset = p.GetProperty("offset").GetInt64(),
                                        Length = p.GetProperty("length").GetInt64(),
                                        Sha256 = S(p, "sha256"),
                                    });
                                }
                                entry.Parts = pl;
                            }
                            list.Add(entry);
                        }
                        m.Files = list;
                    }
                    if (r.TryGetProperty("missing", out var missing) && missing.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var x in missing.EnumerateArray())
                            m.Missing.Add(new ManifestMissingFile { Path = S(x, "path"), ErrorId = S(x, "errorId"), Reason = S(x, "reason") });
                    }
                    return m;
                }
            }
            catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is KeyNotFoundException || ex is InvalidOperationException)
            {
                throw new FinBackupException("FinFileManifestInvalid", FinErrorKind.InvalidData,
                    $"The manifest '{keyHint}' cannot be read: {ex.Message}", "Check that the object is a FinBackup manifest and was not modified.", ex);
            }
        }

        private static string Time(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

        private static DateTime? ParseTime(string s)
        {
            if (string.IsNullOrEmpty(s)) return null;
            return DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);
        }

        private static int ParseMode(string s) => string.IsNullOrEmpty(s) ? 0 : Convert.ToInt32(s, 8);

        private static void Str(Utf8JsonWriter w, string name, string value)
        {
            if (value != null) w.WriteString(name, value);
        }

        private static void Array(Utf8JsonWriter w, string name, IList<string> values)
        {
            w.WriteStartArray(name);
            if (values != null) foreach (var v in values) w.WriteStringValue(v);
            w.WriteEndArray();
        }

        private static string S(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static IList<string> Strings(JsonElement e, string name)
        {
            var list = new List<string>();
            if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array)
                foreach (var x in v.EnumerateArray()) if (x.ValueKind == JsonValueKind.String) list.Add(x.GetString());
            return list;
        }
    }
}
