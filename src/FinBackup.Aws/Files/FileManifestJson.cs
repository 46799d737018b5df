using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
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
        // Every run is a fresh process: the loops over 50,000 entries would otherwise run as unoptimised (tier-0) code for
        // most of their first pass. AggressiveOptimization (512; not in netstandard2.0's enum) compiles them optimised at once.
        internal const MethodImplOptions Hot = (MethodImplOptions)512;

        // Property names of the per-file entries, encoded once (not per entry).
        private static readonly JsonEncodedText PathName = JsonEncodedText.Encode("path");
        private static readonly JsonEncodedText PathBytesName = JsonEncodedText.Encode("pathBytes");
        private static readonly JsonEncodedText SizeName = JsonEncodedText.Encode("size");
        private static readonly JsonEncodedText ModeName = JsonEncodedText.Encode("mode");
        private static readonly JsonEncodedText MtimeName = JsonEncodedText.Encode("mtime");
        private static readonly JsonEncodedText Sha256Name = JsonEncodedText.Encode("sha256");
        private static readonly JsonEncodedText PartsName = JsonEncodedText.Encode("parts");
        private static readonly JsonEncodedText KeyName = JsonEncodedText.Encode("key");
        private static readonly JsonEncodedText OffsetName = JsonEncodedText.Encode("offset");
        private static readonly JsonEncodedText LengthName = JsonEncodedText.Encode("length");
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
        [MethodImpl(Hot)]
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
                    var chars = new char[32];
                    // Enumerated, not indexed: a new backup's entries are read from its spool (SpooledManifestFiles) here.
                    foreach (var f in m.Files)
                    {
                        w.WriteStartObject();
                        w.WriteString(PathName, f.Path);
                        if (f.PathBytes != null) w.WriteString(PathBytesName, f.PathBytes);
                        w.WriteNumber(SizeName, f.Size);
                        w.WriteString(ModeName, new ReadOnlySpan<char>(chars, 0, FormatMode(f.Mode, chars)));
                        w.WriteString(MtimeName, new ReadOnlySpan<char>(chars, 0, FormatTime(f.ModifiedAt, chars)));
                        w.WriteString(Sha256Name, f.Sha256);
                        w.WriteStartArray(PartsName);
                        var parts = f.Parts;
                        for (var j = 0; j < parts.Count; j++)
                        {
                            var p = parts[j];
                            w.WriteStartObject();
                            w.WriteString(KeyName, p.Key);
                            w.WriteNumber(OffsetName, p.Offset);
                            w.WriteNumber(LengthName, p.Length);
                            w.WriteString(Sha256Name, p.Sha256);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                        if (w.BytesPending > 1 << 16) w.Flush();
                    }
                    w.WriteEndArray();
                    MissingArray(w, "missing", m.Missing);
                    MissingArray(w, "skipped", m.Skipped);
                    w.WriteEndObject();
                }
            }
        }

        private static void MissingArray(Utf8JsonWriter w, string name, IList<ManifestMissingFile> list)
        {
            {
                {
                    w.WriteStartArray(name);
                    foreach (var x in list ?? new List<ManifestMissingFile>())
                    {
                        w.WriteStartObject();
                        w.WriteString("path", x.Path);
                        Str(w, "pathBytes", x.PathBytes);
                        Str(w, "errorId", x.ErrorId);
                        Str(w, "reason", x.Reason);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
            }
        }

        public static FileManifest Deserialize(byte[] json, string keyHint = null) => Deserialize(json, json.Length, keyHint);

        public static FileManifest Deserialize(byte[] json, int length, string keyHint) =>
            Deserialize(new MemoryStream(json, 0, length, false), keyHint);

        /// <summary>
        /// Streaming parse (Utf8JsonReader over a 64 KiB window of <paramref name="stream"/>, no DOM, no whole-body buffer):
        /// a manifest of 50,000 files is read with memory for its objects only; repeated object keys and hashes share one string.
        /// </summary>
        [MethodImpl(Hot)]
        public static FileManifest Deserialize(Stream stream, string keyHint)
        {
            try
            {
                var r = new JsonTokenPump(stream);
                var strings = new Dictionary<string, string>(StringComparer.Ordinal);
                var m = new FileManifest { Format = null };
                Expect(r, JsonTokenType.StartObject);
                while (Next(r) == JsonTokenType.PropertyName)
                {
                    var name = r.Text;
                    Next(r);
                    switch (name)
                    {
                        case "format": m.Format = Str(r); break;
                        case "id": m.Id = Str(r); break;
                        case "key": m.Key = Str(r); break;
                        case "application": m.Application = Str(r); break;
                        case "policy": m.PolicyName = Str(r); break;
                        case "fileSet": m.FileSet = Str(r); break;
                        case "window": m.Window = Str(r); break;
                        case "host": m.Host = Str(r); break;
                        case "bucket": m.Bucket = Str(r); break;
                        case "region": m.Region = Str(r); break;
                        case "kmsKeyId": m.KmsKeyId = Str(r); break;
                        case "createdAt": m.CreatedAt = ParseTime(Str(r)) ?? DateTime.MinValue; break;
                        case "expiresAt": m.ExpiresAt = ParseTime(Str(r)); break;
                        case "sourceRecoveryPointId": m.SourceRecoveryPointId = Str(r); break;
                        case "sourceRegion": m.SourceRegion = Str(r); break;
                        case "previousManifest": m.PreviousManifestKey = Str(r); break;
                        case "sources": m.Sources = StrArray(r); break;
                        case "include": m.Include = StrArray(r); break;
                        case "exclude": m.Exclude = StrArray(r); break;
                        case "files": m.Files = Files(r, strings); break;
                        case "missing": m.Missing = Missing(r); break;
                        case "skipped": m.Skipped = Missing(r); break;
                        default: r.Skip(); break;
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

        [MethodImpl(Hot)]
        private static IList<ManifestFile> Files(JsonTokenPump r, Dictionary<string, string> strings)
        {
            var list = new List<ManifestFile>();
            if (r.TokenType != JsonTokenType.StartArray) throw new FormatException("'files' is not an array");
            while (Next(r) == JsonTokenType.StartObject)
            {
                var f = new ManifestFile();
                bool size = false;
                while (Next(r) == JsonTokenType.PropertyName)
                {
                    var name = r.Text;
                    Next(r);
                    switch (name)
                    {
                        case "path": f.Path = Str(r); break;
                        case "pathBytes": f.PathBytes = Str(r); break;
                        case "size": f.Size = r.Int64(); size = true; break;
                        case "mode": f.Mode = r.Mode(); break;
                        case "mtime": f.ModifiedAt = r.Time() ?? DateTime.MinValue; break;
                        case "sha256": f.Sha256 = Intern(strings, Str(r)); break;
                        case "parts": f.Parts = Parts(r, strings); break;
                        default: r.Skip(); break;
                    }
                }
                if (f.Path == null || !size) throw new FormatException("a file entry has no path or size");
                list.Add(f);
            }
            return list;
        }

        [MethodImpl(Hot)]
        private static IList<ManifestPart> Parts(JsonTokenPump r, Dictionary<string, string> strings)
        {
            var list = new List<ManifestPart>(1);
            if (r.TokenType != JsonTokenType.StartArray) throw new FormatException("'parts' is not an array");
            while (Next(r) == JsonTokenType.StartObject)
            {
                var p = new ManifestPart();
                while (Next(r) == JsonTokenType.PropertyName)
                {
                    var name = r.Text;
                    Next(r);
                    switch (name)
                    {
                        case "key": p.Key = Intern(strings, Str(r)); break;
                        case "offset": p.Offset = r.Int64(); break;
                        case "length": p.Length = r.Int64(); break;
                        case "sha256": p.Sha256 = Intern(strings, Str(r)); break;
                        default: r.Skip(); break;
                    }
                }
                if (p.Key == null) throw new FormatException("a part has no key");
                list.Add(p);
            }
            // Most files are one part (a small file in a pack): an array of one holds it in half the memory of a list.
            return list.Count == 1 ? new[] { list[0] } : (IList<ManifestPart>)list;
        }

        private static IList<ManifestMissingFile> Missing(JsonTokenPump r)
        {
            var list = new List<ManifestMissingFile>();
            if (r.TokenType != JsonTokenType.StartArray) throw new FormatException("'missing' is not an array");
            while (Next(r) == JsonTokenType.StartObject)
            {
                var x = new ManifestMissingFile();
                while (Next(r) == JsonTokenType.PropertyName)
                {
                    var name = r.Text;
                    Next(r);
                    switch (name)
                    {
                        case "path": x.Path = Str(r); break;
                        case "pathBytes": x.PathBytes = Str(r); break;
                        case "errorId": x.ErrorId = Str(r); break;
                        case "reason": x.Reason = Str(r); break;
                        default: r.Skip(); break;
                    }
                }
                list.Add(x);
            }
            return list;
        }

        private static IList<string> StrArray(JsonTokenPump r)
        {
            var list = new List<string>();
            if (r.TokenType != JsonTokenType.StartArray) { r.Skip(); return list; }
            while (Next(r) != JsonTokenType.EndArray)
            {
                if (r.TokenType == JsonTokenType.String) list.Add(r.Text);
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

        private static JsonTokenType Next(JsonTokenPump r)
        {
            if (!r.Read()) throw new FormatException("the manifest ends early");
            return r.TokenType;
        }

        private static void Expect(JsonTokenPump r, JsonTokenType type)
        {
            if (Next(r) != type) throw new FormatException($"expected {type}, found {r.TokenType}");
        }

        private static string Str(JsonTokenPump r) => r.TokenType == JsonTokenType.String ? r.Text : r.TokenType == JsonTokenType.Null ? null : throw new FormatException("expected a string, found " + r.TokenType);

        /// <summary>JSON tokens from a stream through a small sliding window (Utf8JsonReader is a ref struct, so one per token).</summary>
        private sealed class JsonTokenPump
        {
            private readonly Stream _stream;
            private byte[] _buffer = new byte[1 << 16];
            private int _start;
            private int _end;
            private bool _final;
            private JsonReaderState _state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 16 });
            private long _number;
            private bool _isInteger;

            public JsonTokenPump(Stream stream) { _stream = stream; }

            // A plain (unescaped) string value is left in the buffer until asked for: times and modes are parsed from its bytes.
            private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);
            private string _text;
            private int _valueStart = -1;
            private int _valueLength;

            public JsonTokenType TokenType { get; private set; }

            public string Text
            {
                get
                {
                    if (_text == null && _valueStart >= 0) _text = Utf8.GetString(_buffer, _valueStart, _valueLength);
                    return _text;
                }
            }

            /// <summary>The current string token as a time (what Time() writes is read from the bytes; anything else is parsed).</summary>
            public DateTime? Time()
            {
                if (TokenType == JsonTokenType.Null) return null;
                if (TokenType != JsonTokenType.String) throw new FormatException("expected a string, found " + TokenType);
                if (_text == null && _valueStart >= 0 && _valueLength == 28 && TryTime(_buffer, _valueStart, out var t)) return t;
                return ParseTime(Text);
            }

            /// <summary>The current string token as an octal mode ("0644").</summary>
            public int Mode()
            {
                if (TokenType == JsonTokenType.Null) return 0;
                if (TokenType != JsonTokenType.String) throw new FormatException("expected a string, found " + TokenType);
                if (_text == null && _valueStart >= 0 && _valueLength > 0 && _valueLength <= 11)
                {
                    long v = 0;
                    for (var i = 0; i < _valueLength; i++)
                    {
                        var c = _buffer[_valueStart + i] - '0';
                        if (c < 0 || c > 7) return ParseMode(Text); // the general parser says what is wrong
                        v = v * 8 + c;
                    }
                    if (v > int.MaxValue) return ParseMode(Text);
                    return (int)v;
                }
                return ParseMode(Text);
            }

            public long Int64()
            {
                if (TokenType != JsonTokenType.Number || !_isInteger) throw new FormatException("expected a whole number, found " + TokenType);
                return _number;
            }

            [MethodImpl(Hot)]
            public bool Read()
            {
                while (true)
                {
                    var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(_buffer, _start, _end - _start), _final, _state);
                    if (reader.Read())
                    {
                        TokenType = reader.TokenType;
                        _valueStart = -1;
                        _text = null;
                        if (TokenType == JsonTokenType.PropertyName) _text = KnownName(ref reader);
                        else if (TokenType == JsonTokenType.String)
                        {
                            if (!reader.HasValueSequence && !reader.ValueIsEscaped)
                            {
                                _valueStart = _start + (int)reader.TokenStartIndex + 1;
                                _valueLength = reader.ValueSpan.Length;
                            }
                            else
                            {
                                _text = reader.GetString();
                            }
                        }
                        _isInteger = TokenType == JsonTokenType.Number && reader.TryGetInt64(out _number);
                        _start += (int)reader.BytesConsumed;
                        _state = reader.CurrentState;
                        return true;
                    }
                    if (_final) return false;
                    if (_start > 0)
                    {
                        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                        _end -= _start;
                        _start = 0;
                    }
                    if (_end == _buffer.Length) System.Array.Resize(ref _buffer, _buffer.Length * 2);
                    var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
                    if (n <= 0) _final = true;
                    else _end += n;
                }
            }

            // Property names of the format: read once per manifest, not once per file entry.
            private static readonly string[] Names =
            {
                "path", "pathBytes", "size", "mode", "mtime", "sha256", "parts", "key", "offset", "length", "errorId", "reason",
            };
            private static readonly byte[][] NameBytes = Names.Select(n => System.Text.Encoding.UTF8.GetBytes(n)).ToArray();

            [MethodImpl(Hot)]
            private static string KnownName(ref Utf8JsonReader reader)
            {
                if (!reader.HasValueSequence && !reader.ValueIsEscaped)
                {
                    var span = reader.ValueSpan;
                    for (var i = 0; i < NameBytes.Length; i++)
                    {
                        if (span.SequenceEqual(NameBytes[i])) return Names[i];
                    }
                }
                return reader.GetString();
            }

            /// <summary>Skips the value at the current token (a whole object or array when it starts one).</summary>
            public void Skip()
            {
                if (TokenType != JsonTokenType.StartObject && TokenType != JsonTokenType.StartArray) return;
                var depth = 1;
                while (depth > 0)
                {
                    if (!Read()) throw new FormatException("the manifest ends early");
                    if (TokenType == JsonTokenType.StartObject || TokenType == JsonTokenType.StartArray) depth++;
                    else if (TokenType == JsonTokenType.EndObject || TokenType == JsonTokenType.EndArray) depth--;
                }
            }
        }

        private static string Time(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

        /// <summary>yyyy-MM-ddTHH:mm:ss.fffffffZ (28 ASCII bytes at <paramref name="at"/>), or false.</summary>
        private static bool TryTime(byte[] b, int at, out DateTime time)
        {
            time = default;
            if (b[at + 4] != '-' || b[at + 7] != '-' || b[at + 10] != 'T' || b[at + 13] != ':' || b[at + 16] != ':' || b[at + 19] != '.' || b[at + 27] != 'Z') return false;
            if (!Digits(b, at, 4, out var year) || !Digits(b, at + 5, 2, out var month) || !Digits(b, at + 8, 2, out var day) ||
                !Digits(b, at + 11, 2, out var hour) || !Digits(b, at + 14, 2, out var minute) || !Digits(b, at + 17, 2, out var second) ||
                !Digits(b, at + 20, 7, out var fraction)) return false;
            if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour >= 24 || minute >= 60 || second >= 60) return false;
            time = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fraction);
            return true;
        }

        private static bool Digits(byte[] b, int start, int count, out int value)
        {
            value = 0;
            for (var i = start; i < start + count; i++)
            {
                var c = b[i] - '0';
                if (c < 0 || c > 9) return false;
                value = value * 10 + c;
            }
            return true;
        }

        /// <summary>What <see cref="Time(DateTime)"/> writes, into <paramref name="c"/> (28 chars); returns the length.</summary>
        private static int FormatTime(DateTime t, char[] c)
        {
            var ticks = t.Ticks % TimeSpan.TicksPerSecond;
            Put(c, 0, t.Year, 4); c[4] = '-'; Put(c, 5, t.Month, 2); c[7] = '-'; Put(c, 8, t.Day, 2); c[10] = 'T';
            Put(c, 11, t.Hour, 2); c[13] = ':'; Put(c, 14, t.Minute, 2); c[16] = ':'; Put(c, 17, t.Second, 2); c[19] = '.';
            Put(c, 20, (int)ticks, 7); c[27] = 'Z';
            return 28;
        }

        private static void Put(char[] c, int at, int value, int width)
        {
            for (var i = at + width - 1; i >= at; i--)
            {
                c[i] = (char)('0' + value % 10);
                value /= 10;
            }
        }

        /// <summary>"0" and the octal digits of the mode (as "0" + Convert.ToString(mode, 8)); returns the length.</summary>
        private static int FormatMode(int mode, char[] c)
        {
            if (mode <= 0) { var s = "0" + Convert.ToString(mode, 8); s.CopyTo(0, c, 0, s.Length); return s.Length; }
            var n = 1;
            for (var v = mode; v > 0; v >>= 3) n++;
            c[0] = '0';
            var i = n - 1;
            for (var v = mode; v > 0; v >>= 3) c[i--] = (char)('0' + (v & 7));
            return n;
        }

        private static DateTime? ParseTime(string s)
        {
            if (string.IsNullOrEmpty(s)) return null;
            // What Time() writes (yyyy-MM-ddTHH:mm:ss.fffffffZ), read without the general parser; anything else goes to it.
            if (s.Length == 28 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == '.' && s[27] == 'Z' &&
                Digits(s, 0, 4, out var year) && Digits(s, 5, 2, out var month) && Digits(s, 8, 2, out var day) &&
                Digits(s, 11, 2, out var hour) && Digits(s, 14, 2, out var minute) && Digits(s, 17, 2, out var second) && Digits(s, 20, 7, out var fraction) &&
                year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) && hour < 24 && minute < 60 && second < 60)
            {
                return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fraction);
            }
            return DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);
        }

        private static bool Digits(string s, int start, int count, out int value)
        {
            value = 0;
            for (var i = start; i < start + count; i++)
            {
                var c = s[i] - '0';
                if (c < 0 || c > 9) return false;
                value = value * 10 + c;
            }
            return true;
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
