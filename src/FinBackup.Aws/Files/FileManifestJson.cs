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
            using (var ms = SerializeToStream(m)) return ms.ToArray();
        }

        /// <summary>The manifest's JSON in a MemoryStream (position 0); use GetBuffer() and Length to avoid a copy.</summary>
        public static MemoryStream SerializeToStream(FileManifest m)
        {
            var ms = new MemoryStream(1024 + m.Files.Count * 400);
            SerializeTo(m, ms);
            ms.Position = 0;
            return ms;
        }

        /// <summary>Writes the manifest's JSON to <paramref name="ms"/> (flushed every 64 KiB, so memory stays small).</summary>
        public static void SerializeTo(FileManifest m, Stream ms)
        {
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
                        if (w.BytesPending > 1 << 16) w.Flush();
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
            }
        }

        public static FileManifest Deserialize(byte[] json, string keyHint = null) => Deserialize(json, json.Length, keyHint);

        /// <summary>
        /// Streaming parse (Utf8JsonReader, no DOM): a manifest of 50,000 files is read without holding a document tree,
        /// and repeated object keys and hashes share one string each.
        /// </summary>
        public static FileManifest Deserialize(byte[] json, int length, string keyHint)
        {
            try
            {
                var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(json, 0, length), new JsonReaderOptions { MaxDepth = 16 });
                var strings = new Dictionary<string, string>(StringComparer.Ordinal);
                var m = new FileManifest { Format = null };
                Expect(ref reader, JsonTokenType.StartObject);
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString();
                    reader.Read();
                    switch (name)
                    {
                        case "format": m.Format = Str(ref reader); break;
                        case "id": m.Id = Str(ref reader); break;
                        case "key": m.Key = Str(ref reader); break;
                        case "application": m.Application = Str(ref reader); break;
                        case "policy": m.PolicyName = Str(ref reader); break;
                        case "fileSet": m.FileSet = Str(ref reader); break;
                        case "window": m.Window = Str(ref reader); break;
                        case "host": m.Host = Str(ref reader); break;
                        case "bucket": m.Bucket = Str(ref reader); break;
                        case "region": m.Region = Str(ref reader); break;
                        case "kmsKeyId": m.KmsKeyId = Str(ref reader); break;
                        case "createdAt": m.CreatedAt = ParseTime(Str(ref reader)) ?? DateTime.MinValue; break;
                        case "expiresAt": m.ExpiresAt = ParseTime(Str(ref reader)); break;
                        case "sourceRecoveryPointId": m.SourceRecoveryPointId = Str(ref reader); break;
                        case "sourceRegion": m.SourceRegion = Str(ref reader); break;
                        case "previousManifest": m.PreviousManifestKey = Str(ref reader); break;
                        case "sources": m.Sources = StrArray(ref reader); break;
                        case "include": m.Include = StrArray(ref reader); break;
                        case "exclude": m.Exclude = StrArray(ref reader); break;
                        case "files": m.Files = Files(ref reader, strings); break;
                        case "missing": m.Missing = Missing(ref reader); break;
                        default: reader.Skip(); break;
                    }
                }
                if (m.Format == null || !m.Format.StartsWith("finbackup-manifest/", StringComparison.Ordinal))
                    throw new FormatException("not a FinBackup manifest (format '" + m.Format + "')");
                if (m.Key == null) m.Key = keyHint;
                return m;
            }
            catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is KeyNotFoundException || ex is InvalidOperationException || ex is OverflowException || ex is ArgumentException)
            {
                throw new FinBackupException("FinFileManifestInvalid", FinErrorKind.InvalidData,
                    $"The manifest '{keyHint}' cannot be read: {ex.Message}", "Check that the object is a FinBackup manifest and was not modified.", ex);
            }
        }

        private static IList<ManifestFile> Files(ref Utf8JsonReader r, Dictionary<string, string> strings)
        {
            var list = new List<ManifestFile>();
            if (r.TokenType != JsonTokenType.StartArray) throw new FormatException("'files' is not an array");
            while (Next(ref r) == JsonTokenType.StartObject)
            {
                var f = new ManifestFile();
                bool size = false;
                while (Next(ref r) == JsonTokenType.PropertyName)
                {
                    var name = r.GetString();
                    r.Read();
                    switch (name)
                    {
                        case "path": f.Path = Str(ref r); break;
                        case "size": f.Size = r.GetInt64(); size = true; break;
                        case "mode": f.Mode = ParseMode(Str(ref r)); break;
                        case "mtime": f.ModifiedAt = ParseTime(Str(ref r)) ?? DateTime.MinValue; break;
                        case "sha256": f.Sha256 = Intern(strings, Str(ref r)); break;
                        case "parts": f.Parts = Parts(ref r, strings); break;
                        default: r.Skip(); break;
                    }
                }
                if (f.Path == null || !size) throw new FormatException("a file entry has no path or size");
                list.Add(f);
            }
            return list;
        }

        private static IList<ManifestPart> Parts(ref Utf8JsonReader r, Dictionary<string, string> strings)
        {
            var list = new List<ManifestPart>(1);
            if (r.TokenType != JsonTokenType.StartArray) throw new FormatException("'parts' is not an array");
            while (Next(ref r) == JsonTokenType.StartObject)
            {
                var p = new ManifestPart();
                while (Next(ref r) == JsonTokenType.PropertyName)
                {
                    var name = r.GetString();
                    r.Read();
                    switch (name)
                    {
                        case "key": p.Key = Intern(strings, Str(ref r)); break;
                        case "offset": p.Offset = r.GetInt64(); break;
                        case "length": p.Length = r.GetInt64(); break;
                        case "sha256": p.Sha256 = Intern(strings, Str(ref r)); break;
                        default: r.Skip(); break;
                    }
                }
                if (p.Key == null) throw new FormatException("a part has no key");
                list.Add(p);
            }
            return list;
        }

        private static IList<ManifestMissingFile> Missing(ref Utf8JsonReader r)
        {
            var list = new List<ManifestMissingFile>();
            if (r.TokenType != JsonTokenType.StartArray) throw new FormatException("'missing' is not an array");
            while (Next(ref r) == JsonTokenType.StartObject)
            {
                var x = new ManifestMissingFile();
                while (Next(ref r) == JsonTokenType.PropertyName)
                {
                    var name = r.GetString();
                    r.Read();
                    switch (name)
                    {
                        case "path": x.Path = Str(ref r); break;
                        case "errorId": x.ErrorId = Str(ref r); break;
                        case "reason": x.Reason = Str(ref r); break;
                        default: r.Skip(); break;
                    }
                }
                list.Add(x);
            }
            return list;
        }

        private static IList<string> StrArray(ref Utf8JsonReader r)
        {
            var list = new List<string>();
            if (r.TokenType != JsonTokenType.StartArray) { r.Skip(); return list; }
            while (Next(ref r) != JsonTokenType.EndArray)
            {
                if (r.TokenType == JsonTokenType.String) list.Add(r.GetString());
                else r.Skip();
            }
            return list;
        }

        private static string Intern(Dictionary<string, string> strings, string value)
        {
            if (value == null) return null;
            if (strings.TryGetValue(value, out var existing)) return existing;
            strings[value] = value;
            return value;
        }

        private static JsonTokenType Next(ref Utf8JsonReader r)
        {
            if (!r.Read()) throw new FormatException("the manifest ends early");
            return r.TokenType;
        }

        private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
        {
            if (Next(ref r) != type) throw new FormatException($"expected {type}, found {r.TokenType}");
        }

        private static string Str(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.String ? r.GetString() : r.TokenType == JsonTokenType.Null ? null : throw new FormatException("expected a string, found " + r.TokenType);

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

    }
}
