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
        private readonly Dictionary<string, Entry> _entries = new Dictionary<string, Entry>(StringComparer.Ordinal);

        public struct Entry
        {
            public FileStat Stat;
            public string Sha256;
        }

        public string LastManifestKey { get; set; }
        public int Count => _entries.Count;

        public bool TryGet(string path, out Entry entry) => _entries.TryGetValue(path, out entry);

        public void Set(string path, FileStat stat, string sha256) => _entries[path] = new Entry { Stat = stat, Sha256 = sha256 };

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

        /// <summary>Reads the cache; an absent or unreadable file gives an empty cache (never an error).</summary>
        [MethodImpl(JitHints.Hot)]
        public static FileChangeCache Load(string directory)
        {
            var cache = new FileChangeCache();
            var file = Path.Combine(directory, "files.tsv");
            try
            {
                if (!File.Exists(file)) return cache;
                using (var reader = new StreamReader(file, Encoding.UTF8))
                {
                    if (reader.ReadLine() != Header) return cache;
                    var manifestLine = reader.ReadLine();
                    if (manifestLine != null && manifestLine.StartsWith("manifest\t", StringComparison.Ordinal))
                    {
                        cache.LastManifestKey = manifestLine.Substring(9);
                    }
                    string line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        var f = line.Split('\t');
                        if (f.Length != 5) continue;
                        cache._entries[f[0]] = new Entry
                        {
                            Stat = new FileStat
                            {
                                Size = long.Parse(f[1], CultureInfo.InvariantCulture),
                                ModifiedTicks = long.Parse(f[2], CultureInfo.InvariantCulture),
                                Inode = ulong.Parse(f[3], CultureInfo.InvariantCulture),
                            },
                            Sha256 = f[4],
                        };
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is FormatException || ex is OverflowException)
            {
                return new FileChangeCache();
            }
            return cache;
        }

        /// <summary>Writes the cache atomically (temp file + rename). Failures are ignored: the cache is an optimisation.</summary>
        [MethodImpl(JitHints.Hot)]
        public bool Save(string directory)
        {
            try
            {
                Directory.CreateDirectory(directory);
                var file = Path.Combine(directory, "files.tsv");
                var temp = file + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
                using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16))
                {
                    writer.Write(Header);
                    writer.Write('\n');
                    writer.Write("manifest\t" + (LastManifestKey ?? string.Empty));
                    writer.Write('\n');
                    foreach (var kv in _entries)
                    {
                        if (kv.Key.IndexOf('\t') >= 0 || kv.Key.IndexOf('\n') >= 0) continue;
                        writer.Write(kv.Key);
                        writer.Write('\t');
                        writer.Write(kv.Value.Stat.Size.ToString(CultureInfo.InvariantCulture));
                        writer.Write('\t');
                        writer.Write(kv.Value.Stat.ModifiedTicks.ToString(CultureInfo.InvariantCulture));
                        writer.Write('\t');
                        writer.Write(kv.Value.Stat.Inode.ToString(CultureInfo.InvariantCulture));
                        writer.Write('\t');
                        writer.Write(kv.Value.Sha256);
                        writer.Write('\n');
                    }
                }
                if (File.Exists(file)) File.Delete(file);
                File.Move(temp, file);
                return true;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
