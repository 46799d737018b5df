using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Runtime.CompilerServices;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// The local "unchanged file" cache: path -> size, mtime, inode and SHA-256 as last backed up, plus the key of the
    /// manifest that was written. Lives in <c>$FINBACKUP_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/finbackup</c>, else
    /// <c>~/.cache/finbackup</c> (Linux/macOS) or <c>%LOCALAPPDATA%\FinBackup\Cache</c> (Windows), in
    /// <c>&lt;bucket&gt;/&lt;application-slug&gt;/files.tsv</c>. Always safe to delete: the next backup re-reads every file
    /// (and still uploads nothing the bucket holds). A cache entry is only trusted when the previous manifest agrees.
    /// </summary>
    public sealed class FileChangeCache
    {
        private const string Header = "#finbackup-file-cache/1";
        private readonly Dictionary<string, Entry> _entries;

        public FileChangeCache() : this(0) { }

        /// <summary>An empty cache with room for <paramref name="capacity"/> files (no rehashing on the way there).</summary>
        public FileChangeCache(int capacity) { _entries = new Dictionary<string, Entry>(Math.Max(0, capacity), StringComparer.Ordinal); }

        public struct Entry
        {
            public FileStat Stat;
            public string Sha256;
        }

        public string LastManifestKey { get; set; }
        public int Count => _entries.Count;

        public bool TryGet(string path, out Entry entry) => _entries.TryGetValue(path, out entry);

        public void Set(string path, FileStat stat, string sha256) => _entries[path] = new Entry { Stat = stat, Sha256 = sha256 };

        public void Remove(string path) => _entries.Remove(path);

        public static string DefaultDirectory(string bucket, string application)
        {
            var root = Environment.GetEnvironmentVariable("FINBACKUP_CACHE_DIR");
            if (string.IsNullOrEmpty(root))
            {
                if (Path.DirectorySeparatorChar == '\\')
                {
                    root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "FinBackup", "Cache");
                }
                else
                {
                    var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                    var home = Environment.GetEnvironmentVariable("HOME");
                    root = !string.IsNullOrEmpty(xdg) ? Path.Combine(xdg, "finbackup")
                        : Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache", "finbackup");
                }
            }
            return Path.Combine(root, FileBackupLayout.Slug(bucket), FileBackupLayout.Slug(application));
        }

        /// <summary>The key of the manifest the cache was written with (its second line), without reading the entries; null when there is none.</summary>
        public static string ReadLastManifestKey(string directory)
        {
            try
            {
                var file = Path.Combine(directory, "files.tsv");
                if (!File.Exists(file)) return null;
                using (var reader = new StreamReader(file, Encoding.UTF8))
                {
                    if (reader.ReadLine() != Header) return null;
                    var manifestLine = reader.ReadLine();
                    return manifestLine != null && manifestLine.StartsWith("manifest\t", StringComparison.Ordinal) ? manifestLine.Substring(9) : null;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>
        /// Reads the cache; an absent or unreadable file gives an empty cache (never an error). With
        /// <paramref name="shareWith"/> (the previous manifest's files by path), an entry whose file is there takes that
        /// file's path and, when equal, its SHA-256 string instead of strings of its own: on a no-change run every path
        /// and hash is then held once, not twice (about 250 bytes a file).
        /// </summary>
        [MethodImpl(JitHints.Hot)]
        public static FileChangeCache Load(string directory, IReadOnlyDictionary<string, ManifestFile> shareWith = null)
        {
            var file = Path.Combine(directory, "files.tsv");
            try
            {
                if (!File.Exists(file)) return new FileChangeCache();
                // Sized for the file (a line is ~100-150 bytes), so a 50,000-file cache is not rehashed on the way.
                var cache = new FileChangeCache((int)Math.Min(new FileInfo(file).Length / 96 + 16, 4_000_000));
                using (var reader = new StreamReader(file, Encoding.UTF8))
                {
                    if (reader.ReadLine() != Header) return new FileChangeCache();
                    var manifestLine = reader.ReadLine();
                    if (manifestLine != null && manifestLine.StartsWith("manifest\t", StringComparison.Ordinal))
                    {
                        cache.LastManifestKey = manifestLine.Substring(9);
                    }
                    // The entries are parsed inside a reused char buffer, a line at a time: only the path and the hash
                    // become strings (a ReadLine string and a Split per line were most of a no-change run's allocations).
                    var lines = new CacheLineReader(reader);
                    while (lines.Next(out var buf, out var at, out var end))
                    {
                        // path \t size \t mtime ticks \t inode \t sha256
                        var t1 = Array.IndexOf(buf, '\t', at, end - at);
                        var t2 = t1 < 0 ? -1 : Array.IndexOf(buf, '\t', t1 + 1, end - t1 - 1);
                        var t3 = t2 < 0 ? -1 : Array.IndexOf(buf, '\t', t2 + 1, end - t2 - 1);
                        var t4 = t3 < 0 ? -1 : Array.IndexOf(buf, '\t', t3 + 1, end - t3 - 1);
                        if (t4 < 0 || Array.IndexOf(buf, '\t', t4 + 1, end - t4 - 1) >= 0) continue;
                        var path = new string(buf, at, t1 - at);
                        string sha = null;
                        if (shareWith != null && shareWith.TryGetValue(path, out var known))
                        {
                            path = known.Path;
                            if (SameChars(known.Sha256, buf, t4 + 1, end - t4 - 1)) sha = known.Sha256;
                        }
                        cache._entries[path] = new Entry
                        {
                            Stat = new FileStat
                            {
                                Size = (long)Digits(buf, t1 + 1, t2),
                                ModifiedTicks = (long)Digits(buf, t2 + 1, t3),
                                Inode = Digits(buf, t3 + 1, t4),
                            },
                            Sha256 = sha ?? new string(buf, t4 + 1, end - t4 - 1),
                        };
                    }
                }
                return cache;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is FormatException || ex is OverflowException)
            {
                return new FileChangeCache();
            }
        }

        private static bool SameChars(string value, char[] buf, int at, int length)
        {
            if (value == null || value.Length != length) return false;
            for (var i = 0; i < length; i++)
            {
                if (value[i] != buf[at + i]) return false;
            }
            return true;
        }

        /// <summary>The unsigned decimal number in line[start, end); FormatException (an unreadable cache) otherwise.</summary>
        private static ulong Digits(char[] line, int start, int end)
        {
            if (end <= start || end - start > 20) throw new FormatException("not a number in the file cache");
            ulong value = 0;
            for (var i = start; i < end; i++)
            {
                var d = (uint)(line[i] - '0');
                if (d > 9) throw new FormatException("not a number in the file cache");
                value = checked(value * 10 + d);
            }
            return value;
        }

        /// <summary>
        /// The lines of the cache file in one reused buffer (grown for a longer line): each line is buf[at, end), without
        /// its line break ('\n', or "\r\n").
        /// </summary>
        private sealed class CacheLineReader
        {
            private readonly TextReader _reader;
            private char[] _buf = new char[64 << 10];
            private int _start, _filled;
            private bool _eof;

            internal CacheLineReader(TextReader reader) { _reader = reader; }

            internal bool Next(out char[] buf, out int at, out int end)
            {
                while (true)
                {
                    var nl = _filled > _start ? Array.IndexOf(_buf, '\n', _start, _filled - _start) : -1;
                    if (nl >= 0 || (_eof && _filled > _start))
                    {
                        at = _start;
                        end = nl >= 0 ? nl : _filled;
                        _start = nl >= 0 ? nl + 1 : _filled;
                        if (end > at && _buf[end - 1] == '\r') end--;
                        buf = _buf;
                        return true;
                    }
                    if (_eof) { buf = _buf; at = end = 0; return false; }
                    // Keep the partial line, at the front; grow when a line fills the buffer.
                    var keep = _filled - _start;
                    if (keep == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
                    if (_start > 0) Array.Copy(_buf, _start, _buf, 0, keep);
                    _start = 0;
                    _filled = keep;
                    var n = _reader.Read(_buf, _filled, _buf.Length - _filled);
                    if (n <= 0) _eof = true; else _filled += n;
                }
            }
        }

        /// <summary>Writes <paramref name="value"/> in decimal through <paramref name="scratch"/> (no string per number).</summary>
        private static void WriteDigits(TextWriter writer, ulong value, char[] scratch)
        {
            var i = scratch.Length;
            do
            {
                scratch[--i] = (char)('0' + (int)(value % 10));
                value /= 10;
            } while (value != 0);
            writer.Write(scratch, i, scratch.Length - i);
        }

        /// <summary>Writes the cache atomically (temp file + rename). Failures are ignored: the cache is an optimisation.</summary>
        [MethodImpl(JitHints.Hot)]
        public bool Save(string directory)
        {
            using (var writer = new FileChangeCacheWriter(directory, LastManifestKey))
            {
                return writer.Commit(this);
            }
        }

        /// <summary>The cache file's first two lines.</summary>
        internal static void WriteHeader(TextWriter writer, string manifestKey)
        {
            writer.Write(Header);
            writer.Write('\n');
            writer.Write("manifest\t" + (manifestKey ?? string.Empty));
            writer.Write('\n');
        }

        /// <summary>One entry's line (path, size, mtime ticks, inode, SHA-256); an entry that cannot be read back is left out.</summary>
        internal static void WriteEntry(TextWriter writer, string path, FileStat stat, string sha256, char[] scratch)
        {
            if (path.IndexOf('\t') >= 0 || path.IndexOf('\n') >= 0) return;
            // Sizes and times before 0001 cannot be read back: such an entry is left out (its file is re-read).
            if (stat.Size < 0 || stat.ModifiedTicks < 0) return;
            writer.Write(path);
            writer.Write('\t');
            WriteDigits(writer, (ulong)stat.Size, scratch);
            writer.Write('\t');
            WriteDigits(writer, (ulong)stat.ModifiedTicks, scratch);
            writer.Write('\t');
            WriteDigits(writer, stat.Inode, scratch);
            writer.Write('\t');
            writer.Write(sha256);
            writer.Write('\n');
        }

        /// <summary>Writes every entry held (after those already written).</summary>
        internal void WriteEntries(TextWriter writer, char[] scratch)
        {
            foreach (var kv in _entries) WriteEntry(writer, kv.Key, kv.Value.Stat, kv.Value.Sha256, scratch);
        }
    }

    /// <summary>
    /// Writes a change cache (<see cref="FileChangeCache"/>'s format) as a backup goes: each file's line when the file is done,
    /// so a 50,000-file backup does not hold a table of them; <see cref="Commit"/> adds the entries still held and puts the
    /// file in place (temp file + rename) after the manifest is stored. Disposed without a commit, the temp file is deleted
    /// and the cache the last backup left stays. Failures only make the cache absent: it is an optimisation.
    /// </summary>
    internal sealed class FileChangeCacheWriter : IDisposable
    {
        private readonly string _file;
        private readonly string _temp;
        private StreamWriter _writer;
        private readonly char[] _scratch = new char[20];
        private bool _committed;

        public FileChangeCacheWriter(string directory, string manifestKey)
        {
            try
            {
                Directory.CreateDirectory(directory);
                _file = Path.Combine(directory, "files.tsv");
                _temp = _file + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
                _writer = new StreamWriter(_temp, false, new UTF8Encoding(false), 1 << 16);
                FileChangeCache.WriteHeader(_writer, manifestKey);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                Abandon();
            }
        }

        [MethodImpl(JitHints.Hot)]
        public void Add(string path, FileStat stat, string sha256)
        {
            if (_writer == null) return;
            try
            {
                FileChangeCache.WriteEntry(_writer, path, stat, sha256, _scratch);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Abandon();
            }
        }

        /// <summary>Adds <paramref name="rest"/>'s entries and puts the cache in place; false when it could not be written.</summary>
        public bool Commit(FileChangeCache rest)
        {
            if (_writer == null) return false;
            try
            {
                rest?.WriteEntries(_writer, _scratch);
                _writer.Dispose();
                _writer = null;
                if (File.Exists(_file)) File.Delete(_file);
                File.Move(_temp, _file);
                _committed = true;
                return true;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Abandon();
                return false;
            }
        }

        private void Abandon()
        {
            try { _writer?.Dispose(); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            _writer = null;
            if (_temp == null) return;
            try { File.Delete(_temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        public void Dispose()
        {
            if (!_committed) Abandon();
        }
    }
}
