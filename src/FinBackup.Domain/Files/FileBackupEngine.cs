using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Takes one file backup: walks the sources, recognises unchanged files (cache + previous manifest), hashes the rest
    /// with SHA-256, packs small files, cuts large ones into chunks, uploads only what the bucket does not hold (in
    /// parallel, memory bounded by <see cref="FileBackupSettings.MaxBufferedBytes"/>), then writes the manifest.
    /// Reading and hashing run on the calling thread; uploads on worker threads. Observer callbacks come on the calling thread.
    /// </summary>
    public sealed class FileBackupEngine
    {
        private readonly IFileBackupStore _store;
        private readonly FileBackupSettings _settings;
        private readonly Func<DateTime> _clock;

        public FileBackupEngine(IFileBackupStore store, FileBackupSettings settings = null, Func<DateTime> clock = null)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _settings = settings ?? new FileBackupSettings();
            _clock = clock ?? (() => DateTime.UtcNow);
        }

        public FileBackupResult Run(FileBackupRequest request, IFileBackupObserver observer, CancellationToken cancellationToken)
        {
            Validate(request);
            using (var run = new BackupRun(this, request, observer ?? NullObserver.Instance, cancellationToken))
            {
                return run.Execute();
            }
        }

        private static void Validate(FileBackupRequest r)
        {
            if (r == null) throw new ArgumentNullException(nameof(r));
            if (string.IsNullOrWhiteSpace(r.Bucket))
                throw new FinBackupException("FinFileBackupBucketMissing", FinErrorKind.InvalidArgument, "No backup bucket was given.",
                    "Pass -Bucket, or -Policy with a bucket for the region.");
            if (string.IsNullOrWhiteSpace(r.Application))
                throw new FinBackupException("FinFileBackupApplicationMissing", FinErrorKind.InvalidArgument, "No application was given.",
                    "Pass -Application with the application's name, e.g. 'Agent payment'.");
            if (string.IsNullOrWhiteSpace(r.KmsKeyId))
                throw new FinBackupException("FinFileBackupKmsKeyMissing", FinErrorKind.InvalidArgument,
                    "No KMS key was given; FinBackup never writes backups without SSE-KMS.",
                    "Pass -KmsKeyId (e.g. alias/fin-backup) or -Policy with a key for the region.");
            if (r.Paths == null || r.Paths.Count == 0)
                throw new FinBackupException("FinFileBackupPathMissing", FinErrorKind.InvalidArgument, "No path to back up was given.",
                    "Pass -Path with one or more directories or files, or -Policy whose application has file sets.");
            if (r.Retention <= TimeSpan.Zero)
                throw new FinBackupException("FinFileBackupRetentionInvalid", FinErrorKind.InvalidArgument,
                    $"Retention must be positive; got {r.Retention}.", "Pass -Retention such as '12:00:00'.");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in r.Paths)
            {
                var name = SourceName(p);
                if (!names.Add(name))
                    throw new FinBackupException("FinFileBackupSourceNameClash", FinErrorKind.InvalidArgument,
                        $"Two paths have the same name '{name}'; each path is stored under its own name, so they would collide.",
                        "Back up their common parent directory with -Include, or run one backup per path.");
            }
        }

        internal static string SourceName(string path)
        {
            var trimmed = path.TrimEnd('/', '\\');
            var name = Path.GetFileName(trimmed);
            return string.IsNullOrEmpty(name) ? "root" : name;
        }

        /// <summary>Turns a manifest and its tags into the recovery point every FinBackup cmdlet understands.</summary>
        public static FinRecoveryPoint ToRecoveryPoint(FileManifest m, IDictionary<string, string> tags, string region, string bucket)
        {
            var point = new FinRecoveryPoint
            {
                RecoveryPointId = m.Key,
                Kind = RecoveryPointKind.FileBackup,
                Application = m.Application,
                PolicyName = m.PolicyName,
                Window = m.Window,
                ResourceId = m.Host,
                Region = region ?? m.Region,
                Bucket = bucket ?? m.Bucket,
                CreatedAt = m.CreatedAt,
                ExpiresAt = m.ExpiresAt,
                State = RecoveryPointState.Available,
                Encrypted = true,
                KmsKeyId = m.KmsKeyId,
                SizeGiB = Math.Round(m.TotalBytes / 1073741824.0, 6),
                SourceRecoveryPointId = m.SourceRecoveryPointId,
                SourceRegion = m.SourceRegion,
                ManagedByFinBackup = true,
            };
            if (tags != null) RecoveryPointTagCodec.Decode(tags, point);
            point.Kind = RecoveryPointKind.FileBackup;
            return point;
        }

        public static IDictionary<string, string> TagsFor(FileManifest m)
        {
            var tags = RecoveryPointTagCodec.Encode(new FinRecoveryPoint
            {
                Kind = RecoveryPointKind.FileBackup,
                Application = m.Application,
                PolicyName = m.PolicyName,
                Window = m.Window,
                ResourceId = m.Host,
                ExpiresAt = m.ExpiresAt,
                SourceRecoveryPointId = m.SourceRecoveryPointId,
                SourceRegion = m.SourceRegion,
                ManagedByFinBackup = true,
            });
            return tags;
        }

        private sealed class NullObserver : IFileBackupObserver
        {
            public static readonly NullObserver Instance = new NullObserver();
            public void Progress(FileBackupProgress progress) { }
            public void Skipped(string path, string reason) { }
            public void Failed(FinBackupException error, string path) { }
            public void Verbose(string message) { }
        }

        /// <summary>One backup run: all the mutable state.</summary>
        private sealed class BackupRun : IDisposable
        {
            private readonly FileBackupEngine _engine;
            private readonly FileBackupRequest _request;
            private readonly FileBackupSettings _s;
            private readonly IFileBackupObserver _observer;
            private readonly CancellationToken _ct;
            private readonly Stopwatch _watch = Stopwatch.StartNew();
            private readonly GlobFilter _filter;
            private readonly DateTime _now;
            private readonly FileManifest _manifest;
            private readonly FileBackupSummary _summary = new FileBackupSummary();
            private readonly ObjectWriteOptions _writeOptions;
            private FileChangeCache _oldCache;
            private readonly FileChangeCache _newCache = new FileChangeCache();
            private readonly string _cacheDir;

            // Content the bucket is known to hold: whole-file SHA-256 -> parts (previous manifest and this run),
            // chunk SHA-256 -> state.
            private readonly Dictionary<string, IList<ManifestPart>> _knownFiles = new Dictionary<string, IList<ManifestPart>>(StringComparer.Ordinal);
            private readonly ConcurrentDictionary<string, bool> _knownChunks = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
            // What the bucket holds, listed once per run: chunk SHA-256 -> object, pack key -> size. Nothing is reused
            // (from the previous manifest or the listing) unless the object is there and as long as the manifest needs.
            private Dictionary<string, StoredObject> _listedChunks;
            private Dictionary<string, long> _listedPacks;
            private Dictionary<string, ManifestFile> _previousByPath = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);

            private readonly BufferBudget _budget;
            private readonly SemaphoreSlim _requests;
            private readonly List<Task> _uploads = new List<Task>();
            private readonly ConcurrentQueue<Exception> _uploadErrors = new ConcurrentQueue<Exception>();
            private long _bytesUploaded;
            private long _objectsPut;
            private long _objectsTouched;

            private byte[] _pack;
            private int _packLength;
            private List<ManifestPart> _packParts = new List<ManifestPart>();
            private long _filesSeen, _filesRead, _bytesSeen, _bytesRead;
            private TimeSpan _lastProgress = TimeSpan.FromDays(-1);

            public BackupRun(FileBackupEngine engine, FileBackupRequest request, IFileBackupObserver observer, CancellationToken ct)
            {
                _engine = engine;
                _request = request;
                _s = engine._settings;
                _observer = observer;
                _ct = ct;
                _filter = new GlobFilter(request.Include, request.Exclude);
                _now = engine._clock();
                var budget = _s.MaxBufferedBytes > 0 ? _s.MaxBufferedBytes : (long)Math.Max(1, _s.Parallelism) * _s.ChunkSize;
                _budget = new BufferBudget(Math.Max(budget, Math.Max(_s.PackSize + _s.SmallFileThreshold, _s.ChunkSize)));
                _requests = new SemaphoreSlim(Math.Max(1, _s.Parallelism));
                var windowId = request.Frequency.HasValue
                    ? BackupWindow.At(_now, request.Frequency.Value).Id
                    : RecoveryPointTagCodec.FormatTimestamp(_now);
                var id = FileBackupLayout.NewManifestId(_now, request.Host);
                _manifest = new FileManifest
                {
                    Id = id,
                    Key = FileBackupLayout.ManifestKey(request.Application, windowId, id),
                    Application = request.Application,
                    PolicyName = request.PolicyName,
                    FileSet = request.FileSet,
                    Window = windowId,
                    Host = request.Host,
                    Bucket = request.Bucket,
                    Region = engine._store.Region,
                    KmsKeyId = request.KmsKeyId,
                    CreatedAt = _now,
                    ExpiresAt = _now + request.Retention,
                    Sources = request.Paths.ToList(),
                    Include = request.Include?.ToList() ?? new List<string>(),
                    Exclude = request.Exclude?.ToList() ?? new List<string>(),
                };
                var protection = engine._store.DescribeBucket(request.Bucket, ct);
                _writeOptions = new ObjectWriteOptions
                {
                    KmsKeyId = request.KmsKeyId,
                    RetainUntil = protection != null && protection.ObjectLockEnabled ? _manifest.ExpiresAt : null,
                    ObjectLockMode = protection != null && protection.ObjectLockEnabled ? protection.ObjectLockMode ?? "GOVERNANCE" : null,
                };
                _cacheDir = request.CacheDirectory ?? FileChangeCache.DefaultDirectory(request.Bucket, request.Application);
                _oldCache = request.NoCache ? new FileChangeCache() : FileChangeCache.Load(_cacheDir);
            }

            public FileBackupResult Execute()
            {
                var existing = ExistingInWindow();
                if (existing != null) return existing;
                LoadPrevious();
                var entries = new List<ManifestFile>(_previousByPath.Count + 16);
                foreach (var source in _request.Paths)
                {
                    _ct.ThrowIfCancellationRequested();
                    Walk(source, entries);
                }
                SealPack();
                WaitUploads();
                entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
                _manifest.Files = entries;
                // The previous manifest and the old cache are no longer needed: let them go before the new manifest is serialised.
                _previousByPath = null;
                _oldCache = null;
                _knownFiles.Clear();
                _knownChunks.Clear();
                _listedChunks = null;
                var tags = TagsFor(_manifest);
                _engine._store.PutManifest(_request.Bucket, _manifest, tags, _writeOptions, _ct);
                if (!_request.NoCache)
                {
                    _newCache.LastManifestKey = _manifest.Key;
                    if (!_newCache.Save(_cacheDir)) _observer.Verbose($"Could not write the change cache in {_cacheDir}; the next backup re-reads every file.");
                }
                _summary.RecoveryPointId = _manifest.Key;
                _summary.Application = _manifest.Application;
                _summary.Bucket = _request.Bucket;
                _summary.Region = _manifest.Region;
                _summary.Files = entries.Count;
                _summary.FilesFailed = _manifest.Missing.Count;
                _summary.FilesNotRegular = _manifest.Skipped.Count;
                _summary.NotBackedUp = _manifest.Missing.Concat(_manifest.Skipped).Take(100).Select(x => x.Path + ": " + x.Reason).ToArray();
                _summary.Bytes = _manifest.TotalBytes;
                _summary.BytesRead = _bytesRead;
                _summary.BytesUploaded = Interlocked.Read(ref _bytesUploaded);
                _summary.ObjectsPut = Interlocked.Read(ref _objectsPut);
                _summary.ObjectsTouched = Interlocked.Read(ref _objectsTouched);
                _summary.Duration = _watch.Elapsed;
                ReportProgress(null, force: true);
                return new FileBackupResult
                {
                    Manifest = _manifest,
                    Summary = _summary,
                    RecoveryPoint = ToRecoveryPoint(_manifest, tags, _manifest.Region, _request.Bucket),
                };
            }

            // ---- one point per window ------------------------------------------------------------------------------

            /// <summary>
            /// A scheduled backup (a frequency, hence a window) takes one point per window for this host, application and file set:
            /// a second run in the same window (a retry, an overlapping scheduler) returns the point that exists. Ad-hoc backups
            /// (no frequency) and -Force always take a new one.
            /// </summary>
            private FileBackupResult ExistingInWindow()
            {
                if (!_request.Frequency.HasValue || _request.Force) return null;
                var host = FileBackupLayout.Slug(_request.Host);
                var prefix = FileBackupLayout.WindowManifestPrefix(_request.Application, _manifest.Window);
                var candidates = _engine._store.List(_request.Bucket, prefix, _ct)
                    .Where(o => FileBackupLayout.IsManifestKey(o.Key) && FileBackupLayout.HostOfManifestKey(o.Key) == host)
                    .OrderByDescending(o => o.Key, StringComparer.Ordinal)
                    .ToList();
                foreach (var c in candidates)
                {
                    var m = TryGetManifest(c.Key);
                    if (m == null || !string.Equals(m.FileSet, _request.FileSet, StringComparison.Ordinal) ||
                        !string.Equals(FileBackupLayout.Slug(m.Application), FileBackupLayout.Slug(_request.Application), StringComparison.Ordinal))
                        continue;
                    _observer.Verbose($"This host already has the point {m.Key} for window {_manifest.Window}; it is returned (one point per window; -Force takes another).");
                    IDictionary<string, string> tags = null;
                    try { tags = _engine._store.GetTags(_request.Bucket, m.Key, _ct); }
                    catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ObjectNotFound) { }
                    var summary = new FileBackupSummary
                    {
                        RecoveryPointId = m.Key,
                        Application = m.Application,
                        Bucket = _request.Bucket,
                        Region = m.Region ?? _engine._store.Region,
                        Files = m.Files.Count,
                        FilesFailed = m.Missing.Count,
                        FilesNotRegular = m.Skipped.Count,
                        Bytes = m.TotalBytes,
                        PreviousManifestKey = m.PreviousManifestKey,
                        ExistingPoint = true,
                        Duration = _watch.Elapsed,
                    };
                    return new FileBackupResult
                    {
                        Manifest = m,
                        Summary = summary,
                        RecoveryPoint = ToRecoveryPoint(m, tags ?? TagsFor(m), m.Region ?? _engine._store.Region, _request.Bucket),
                    };
                }
                return null;
            }

            // ---- previous manifest -------------------------------------------------------------------------------

            private void LoadPrevious()
            {
                FileManifest previous = null;
                if (!string.IsNullOrEmpty(_oldCache.LastManifestKey))
                {
                    previous = TryGetManifest(_oldCache.LastManifestKey);
                }
                if (previous == null)
                {
                    var host = FileBackupLayout.Slug(_request.Host);
                    var candidates = _engine._store.List(_request.Bucket, FileBackupLayout.ApplicationManifestPrefix(_request.Application), _ct)
                        .Where(o => FileBackupLayout.IsManifestKey(o.Key) && FileBackupLayout.HostOfManifestKey(o.Key) == host)
                        .OrderByDescending(o => o.Key, StringComparer.Ordinal)
                        .Take(3);
                    foreach (var c in candidates)
                    {
                        previous = TryGetManifest(c.Key);
                        if (previous != null) break;
                    }
                }
                if (previous == null) return;
                // Reuse needs the previous manifest to outlive this backup: a grace period, or half the retention when shorter.
                var graceEnd = _now + TimeSpan.FromTicks(Math.Min(_s.GracePeriod.Ticks, _request.Retention.Ticks / 2));
                if (previous.ExpiresAt.HasValue && previous.ExpiresAt.Value <= graceEnd)
                {
                    _observer.Verbose($"Previous manifest {previous.Key} expires within the grace period; its content is not reused.");
                    return;
                }
                if (!string.Equals(previous.KmsKeyId, _request.KmsKeyId, StringComparison.Ordinal))
                {
                    _observer.Verbose($"Previous manifest {previous.Key} used another KMS key; its content is not reused.");
                    return;
                }
                _manifest.PreviousManifestKey = previous.Key;
                _previousByPath = new Dictionary<string, ManifestFile>(previous.Files.Count, StringComparer.Ordinal);
                _summary.PreviousManifestKey = previous.Key;
                // The previous manifest says what the bucket held then; the listing says what it holds now. A file whose
                // content is gone (deleted by hand, by a lifecycle rule, or shorter than recorded) is not reused: it is read
                // from the source and uploaded again, so this point never references an object it has not seen.
                EnsureContentListing();
                var missing = new HashSet<string>(StringComparer.Ordinal);
                var filesNotReused = 0;
                foreach (var f in previous.Files)
                {
                    if (!ContentPresent(f.Parts, missing))
                    {
                        filesNotReused++;
                        continue;
                    }
                    _previousByPath[f.Path] = f;
                    if (f.Sha256 != null && !_knownFiles.ContainsKey(f.Sha256)) _knownFiles[f.Sha256] = f.Parts;
                    foreach (var p in f.Parts)
                    {
                        if (p.Key != null && p.Key.StartsWith(FileBackupLayout.DataPrefix, StringComparison.Ordinal) && p.Sha256 != null)
                        {
                            _knownChunks[p.Sha256] = true;
                        }
                    }
                }
                _summary.ContentObjectsMissing = missing.Count;
                if (missing.Count > 0)
                {
                    _observer.Verbose($"{missing.Count} content objects that the previous backup {previous.Key} references are missing from the bucket " +
                                      $"(or shorter than recorded), e.g. {missing.First()}; {filesNotReused} files are read from the source and uploaded again.");
                }
                _observer.Verbose($"Previous backup: {previous.Key} ({previous.Files.Count} files).");
            }

            /// <summary>Whether every part is in the listing and the object is long enough for it; the absent keys go to <paramref name="missing"/>.</summary>
            private bool ContentPresent(IList<ManifestPart> parts, HashSet<string> missing)
            {
                var present = true;
                foreach (var p in parts)
                {
                    if (p.Key == null) { present = false; continue; }
                    long size;
                    if (p.Key.StartsWith(FileBackupLayout.DataPrefix, StringComparison.Ordinal))
                    {
                        var sha = p.Key.Substring(p.Key.LastIndexOf('/') + 1);
                        size = _listedChunks.TryGetValue(sha, out var o) && string.Equals(o.Key, p.Key, StringComparison.Ordinal) ? o.Size : -1;
                    }
                    else if (!_listedPacks.TryGetValue(p.Key, out size))
                    {
                        size = -1;
                    }
                    if (size < 0 || p.Offset < 0 || p.Length < 0 || p.Offset + p.Length > size)
                    {
                        missing.Add(p.Key);
                        present = false;
                    }
                }
                return present;
            }

            private FileManifest TryGetManifest(string key)
            {
                try
                {
                    return _engine._store.GetManifest(_request.Bucket, key, _ct);
                }
                catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ObjectNotFound || ex.Kind == FinErrorKind.InvalidData)
                {
                    _observer.Verbose($"Previous manifest {key} not usable: {ex.Message}");
                    return null;
                }
            }

            // ---- walking -------------------------------------------------------------------------------------------

            private void Walk(string source, List<ManifestFile> entries)
            {
                if (NativeFileSystem.Available) WalkNative(source, entries);
                else WalkManaged(source, entries);
            }

            /// <summary>
            /// Linux: the tree is walked by descriptor (openat/statx/readdir on raw names), so names that are not UTF-8 are kept
            /// exactly (PathBytes) and trees deeper than PATH_MAX are walked. Every entry's type comes from lstat before anything
            /// is opened: only regular files are read (a FIFO is never opened, a device never read); every other entry is a
            /// named skip, recorded in the manifest.
            /// </summary>
            private void WalkNative(string source, List<ManifestFile> entries)
            {
                var name = SourceName(source);
                var full = Path.GetFullPath(source);
                var fullBytes = NativeFileSystem.Bytes(full);
                var st = NativeFileSystem.StatAt(NativeFileSystem.AtFdCwd, fullBytes, true, out var errno);
                if (st == null)
                {
                    if (errno == NativeFileSystem.ENOENT || errno == NativeFileSystem.ENOTDIR)
                        Fail(new FinBackupException("FinFileSourceNotFound", FinErrorKind.ObjectNotFound,
                            $"The path '{source}' does not exist.", "Check the path on this host, or remove it from the file set."), name);
                    else Fail(ReadError(NativeFileSystem.Error(errno, "stat"), name, "path"), name);
                    return;
                }
                if (st.Value.Kind == FileKind.Regular)
                {
                    if (_filter.IsSelected(name)) BackupFile(new NativeSourceFile(NativeFileSystem.AtFdCwd, fullBytes, null), name, entries);
                    else Skip(name, "not selected by -Include/-Exclude");
                    return;
                }
                if (st.Value.Kind != FileKind.Directory)
                {
                    SkipSpecial(name, null, st.Value.Kind);
                    return;
                }
                var fd = NativeFileSystem.OpenDirectory(NativeFileSystem.AtFdCwd, fullBytes, true, out errno);
                if (fd < 0)
                {
                    Fail(ReadError(NativeFileSystem.Error(errno, "open"), name + "/", "directory"), name + "/");
                    return;
                }
                try
                {
                    WalkDirectory(fd, name, System.Text.Encoding.UTF8.GetBytes(name), true, entries, 0);
                }
                finally
                {
                    NativeFileSystem.Close(fd);
                }
            }

            private const int MaxDepth = 2048;

            private void WalkDirectory(int dirfd, string rel, byte[] relBytes, bool relExact, List<ManifestFile> entries, int depth)
            {
                _ct.ThrowIfCancellationRequested();
                var names = NativeFileSystem.ReadDirectory(dirfd, out var errno);
                if (names == null)
                {
                    Fail(ReadError(NativeFileSystem.Error(errno, "read directory"), rel + "/", "directory"), rel + "/", relExact ? null : relBytes);
                    return;
                }
                names.Sort(CompareBytes);
                var subdirs = new List<KeyValuePair<byte[], string>>();
                foreach (var nameBytes in names)
                {
                    var display = NativeFileSystem.Display(nameBytes, out var exact);
                    var childRel = rel + "/" + display;
                    var childBytes = new byte[relBytes.Length + 1 + nameBytes.Length];
                    Buffer.BlockCopy(relBytes, 0, childBytes, 0, relBytes.Length);
                    childBytes[relBytes.Length] = (byte)'/';
                    Buffer.BlockCopy(nameBytes, 0, childBytes, relBytes.Length + 1, nameBytes.Length);
                    var childExact = relExact && exact;
                    var raw = childExact ? null : childBytes;
                    var terminated = NativeFileSystem.Terminated(nameBytes);
                    var st = NativeFileSystem.StatAt(dirfd, terminated, false, out errno);
                    if (st == null)
                    {
                        Fail(ReadError(NativeFileSystem.Error(errno, "stat"), childRel), childRel, raw);
                        continue;
                    }
                    switch (st.Value.Kind)
                    {
                        case FileKind.Directory:
                            if (_filter.IsExcluded(childRel)) Skip(childRel + "/", "excluded");
                            else subdirs.Add(new KeyValuePair<byte[], string>(nameBytes, display));
                            continue;
                        case FileKind.Regular:
                            if (!_filter.IsSelected(childRel))
                            {
                                if (_filter.IsExcluded(childRel)) Skip(childRel, "excluded");
                                continue;
                            }
                            BackupFile(new NativeSourceFile(dirfd, terminated, raw == null ? null : Convert.ToBase64String(raw)), childRel, entries);
                            continue;
                        default:
                            if (_filter.IsExcluded(childRel)) { Skip(childRel, "excluded"); continue; }
                            SkipSpecial(childRel, raw, st.Value.Kind);
                            continue;
                    }
                }
                foreach (var sub in subdirs)
                {
                    var display = NativeFileSystem.Display(sub.Key, out var exact);
                    var childRel = rel + "/" + display;
                    var childBytes = new byte[relBytes.Length + 1 + sub.Key.Length];
                    Buffer.BlockCopy(relBytes, 0, childBytes, 0, relBytes.Length);
                    childBytes[relBytes.Length] = (byte)'/';
                    Buffer.BlockCopy(sub.Key, 0, childBytes, relBytes.Length + 1, sub.Key.Length);
                    var childExact = relExact && exact;
                    if (depth + 1 > MaxDepth)
                    {
                        Fail(new FinBackupException("FinFilePathTooDeep", FinErrorKind.ReadError,
                            $"The directory '{childRel}/' is more than {MaxDepth} levels deep; it was not backed up.",
                            "Back up a deeper directory as its own path, or exclude it."), childRel + "/", childExact ? null : childBytes);
                        continue;
                    }
                    var fd = NativeFileSystem.OpenDirectory(dirfd, NativeFileSystem.Terminated(sub.Key), false, out errno);
                    if (fd < 0)
                    {
                        Fail(ReadError(NativeFileSystem.Error(errno, "open"), childRel + "/", "directory"), childRel + "/", childExact ? null : childBytes);
                        continue;
                    }
                    try
                    {
                        WalkDirectory(fd, childRel, childBytes, childExact, entries, depth + 1);
                    }
                    finally
                    {
                        NativeFileSystem.Close(fd);
                    }
                }
            }

            private static int CompareBytes(byte[] a, byte[] b)
            {
                var n = Math.Min(a.Length, b.Length);
                for (var i = 0; i < n; i++)
                {
                    if (a[i] != b[i]) return a[i] - b[i];
                }
                return a.Length - b.Length;
            }

            /// <summary>Anything but a regular file or directory: never opened, counted, named in the manifest with its kind.</summary>
            private void SkipSpecial(string rel, byte[] raw, FileKind kind)
            {
                var reason = kind == FileKind.SymbolicLink ? "symbolic link (not followed)" : FileTypeProbe.Describe(kind) + ", not a regular file (not read)";
                _manifest.Skipped.Add(new ManifestMissingFile
                {
                    Path = rel,
                    PathBytes = raw == null ? null : Convert.ToBase64String(raw),
                    ErrorId = "FinFileNotRegular",
                    Reason = reason,
                });
                Skip(rel, reason);
            }

            /// <summary>Elsewhere (Windows, macOS): System.IO, with the same rule: regular files only, every skip named.</summary>
            private void WalkManaged(string source, List<ManifestFile> entries)
            {
                var name = SourceName(source);
                var full = Path.GetFullPath(source);
                if (File.Exists(full))
                {
                    var info = new FileInfo(full);
                    if (_filter.IsSelected(name)) BackupFile(new ManagedSourceFile(info), name, entries);
                    else Skip(name, "not selected by -Include/-Exclude");
                    return;
                }
                if (!Directory.Exists(full))
                {
                    Fail(new FinBackupException("FinFileSourceNotFound", FinErrorKind.ObjectNotFound,
                        $"The path '{source}' does not exist.", "Check the path on this host, or remove it from the file set."), name);
                    return;
                }
                var stack = new Stack<KeyValuePair<DirectoryInfo, string>>();
                stack.Push(new KeyValuePair<DirectoryInfo, string>(new DirectoryInfo(full), name));
                while (stack.Count > 0)
                {
                    _ct.ThrowIfCancellationRequested();
                    var current = stack.Pop();
                    FileSystemInfo[] children;
                    try
                    {
                        children = current.Key.GetFileSystemInfos();
                    }
                    catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException || ex is System.Security.SecurityException)
                    {
                        Fail(ReadError(ex, current.Value + "/", "directory"), current.Value + "/");
                        continue;
                    }
                    Array.Sort(children, (a, b) => string.CompareOrdinal(a.Name, b.Name));
                    var subdirs = new List<KeyValuePair<DirectoryInfo, string>>();
                    foreach (var child in children)
                    {
                        var rel = current.Value + "/" + child.Name;
                        if ((int)child.Attributes == -1)
                        {
                            // The entry could not be examined (a name the platform cannot represent, a path too long).
                            Fail(new FinBackupException("FinFileReadFailed", FinErrorKind.ReadError,
                                $"Could not examine '{rel}' (its name or path cannot be opened on this platform); it was not backed up.",
                                "Rename it or back up its directory on a host that can read it."), rel);
                            continue;
                        }
                        if ((child.Attributes & FileAttributes.ReparsePoint) != 0)
                        {
                            SkipSpecial(rel, null, FileKind.SymbolicLink);
                            continue;
                        }
                        if (child is DirectoryInfo dir)
                        {
                            if (_filter.IsExcluded(rel)) Skip(rel + "/", "excluded");
                            else subdirs.Add(new KeyValuePair<DirectoryInfo, string>(dir, rel));
                            continue;
                        }
                        if ((child.Attributes & (FileAttributes.Device)) != 0)
                        {
                            SkipSpecial(rel, null, FileKind.CharacterDevice);
                            continue;
                        }
                        if (!_filter.IsSelected(rel))
                        {
                            if (_filter.IsExcluded(rel)) Skip(rel, "excluded");
                            continue;
                        }
                        BackupFile(new ManagedSourceFile((FileInfo)child), rel, entries);
                    }
                    for (var i = subdirs.Count - 1; i >= 0; i--) stack.Push(subdirs[i]);
                }
            }

            private void Skip(string rel, string reason)
            {
                _summary.FilesSkipped++;
                _observer.Skipped(rel, reason);
            }

            private void Fail(FinBackupException error, string rel, byte[] raw = null)
            {
                _manifest.Missing.Add(new ManifestMissingFile
                {
                    Path = rel,
                    PathBytes = raw == null ? null : Convert.ToBase64String(raw),
                    ErrorId = error.ErrorId,
                    Reason = error.Message,
                });
                _observer.Failed(error, rel);
            }

            private static FinBackupException ReadError(Exception ex, string rel, string what = "file")
            {
                if (ex is FileNotFoundException || ex is DirectoryNotFoundException)
                    return new FinBackupException("FinFileVanished", FinErrorKind.ObjectNotFound,
                        $"The {what} '{rel}' disappeared during the backup.", "Nothing to do if it was deleted on purpose.", ex);
                if (ex is UnauthorizedAccessException || ex is System.Security.SecurityException || ex is NativeFileSystem.AccessDenied)
                    return new FinBackupException("FinFileAccessDenied", FinErrorKind.PermissionDenied,
                        $"Permission denied reading the {what} '{rel}'.", "Run the backup as a user that can read it (e.g. root through SSM), or exclude it.", ex);
                if (ex is PathTooLongException)
                    return new FinBackupException("FinFilePathTooLong", FinErrorKind.ReadError,
                        $"The {what} '{rel}' has a name longer than the file system allows; it was not backed up.", "Rename it, or exclude it.", ex);
                return new FinBackupException("FinFileReadFailed", FinErrorKind.ReadError,
                    $"Could not read the {what} '{rel}': {ex.Message}", "Check the file system and retry.", ex);
            }

            // ---- one file ------------------------------------------------------------------------------------------

            private void BackupFile(SourceFile info, string rel, List<ManifestFile> entries)
            {
                _ct.ThrowIfCancellationRequested();
                FileStat stat;
                try
                {
                    stat = info.Stat();
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    Fail(ReadError(ex, rel), rel);
                    return;
                }
                _filesSeen++;
                _bytesSeen += stat.Size;

                if (TryUnchanged(rel, stat, out var unchanged))
                {
                    unchanged.PathBytes = info.PathBytes;
                    entries.Add(unchanged);
                    _summary.FilesUnchanged++;
                    _newCache.Set(unchanged.Path, stat, unchanged.Sha256);
                    ReportProgress(rel, false);
                    return;
                }

                for (var attempt = 1; attempt <= 2; attempt++)
                {
                    ManifestFile entry;
                    try
                    {
                        entry = stat.Size < _s.SmallFileThreshold ? ReadSmall(info, rel, stat, attempt) : ReadLarge(info, rel, stat, attempt);
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException)
                    {
                        Fail(ReadError(ex, rel), rel);
                        return;
                    }
                    if (entry != null)
                    {
                        _filesRead++;
                        entry.PathBytes = info.PathBytes;
                        entries.Add(entry);
                        _newCache.Set(rel, stat, entry.Sha256);
                        ReportProgress(rel, false);
                        return;
                    }
                    // Changed while read: look again and retry once.
                    try
                    {
                        stat = info.Stat();
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                    {
                        Fail(ReadError(ex, rel), rel);
                        return;
                    }
                    if (attempt == 1) _observer.Verbose($"'{rel}' changed while it was read; reading it again.");
                }
                Fail(new FinBackupException("FinFileChangedDuringBackup", FinErrorKind.ReadError,
                    $"The file '{rel}' kept changing while it was read; it was not backed up (no torn copy is stored).",
                    "Back it up when it is quiet (or from a snapshot), or exclude it if it is scratch data."), rel);
            }

            private bool TryUnchanged(string rel, FileStat stat, out ManifestFile entry)
            {
                entry = null;
                if (!_oldCache.TryGet(rel, out var cached) || !cached.Stat.Equals(stat)) return false;
                if (!_previousByPath.TryGetValue(rel, out var prev)) return false;
                if (prev.Size != stat.Size || prev.ModifiedAt.Ticks != stat.ModifiedTicks || !string.Equals(prev.Sha256, cached.Sha256, StringComparison.Ordinal)) return false;
                entry = new ManifestFile { Path = prev.Path, Size = stat.Size, Mode = stat.Mode, ModifiedAt = stat.ModifiedAt, Sha256 = prev.Sha256, Parts = prev.Parts };
                return true;
            }

            private ManifestFile ReadSmall(SourceFile info, string rel, FileStat before, int attempt)
            {
                var size = (int)before.Size;
                if (_pack == null || _packLength + size > _s.PackSize) { SealPack(); }
                if (_pack == null)
                {
                    _budget.Acquire(_s.PackSize + _s.SmallFileThreshold, _ct);
                    _pack = BufferPool.Rent(_s.PackSize + _s.SmallFileThreshold);
                    _packLength = 0;
                }
                int read;
                using (var fs = info.OpenRead(sequential: false))
                {
                    read = ReadFully(fs, _pack, _packLength, Math.Min(size + 1, _pack.Length - _packLength));
                }
                _bytesRead += read;
                _s.AfterFileRead?.Invoke(rel, attempt);
                var after = info.Stat();
                if (read != size || !after.Equals(before)) return null;
                string sha;
                using (var h = SHA256.Create())
                {
                    sha = FileBackupLayout.Hex(h.ComputeHash(_pack, _packLength, size));
                }
                var entry = new ManifestFile { Path = rel, Size = size, Mode = before.Mode, ModifiedAt = before.ModifiedAt, Sha256 = sha };
                if (_knownFiles.TryGetValue(sha, out var parts))
                {
                    entry.Parts = parts;
                    return entry;
                }
                var part = new ManifestPart { Offset = _packLength, Length = size, Sha256 = sha };
                entry.Parts = new List<ManifestPart> { part };
                _knownFiles[sha] = entry.Parts;
                if (size > 0)
                {
                    _packParts.Add(part);
                    _packLength += size;
                }
                else
                {
                    entry.Parts = new List<ManifestPart>();
                    _knownFiles[sha] = entry.Parts;
                }
                return entry;
            }

            private ManifestFile ReadLarge(SourceFile info, string rel, FileStat before, int attempt)
            {
                EnsureChunkListing();
                var parts = new List<ManifestPart>();
                long total = 0;
                using (var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                using (var fs = info.OpenRead(sequential: true))
                {
                    while (true)
                    {
                        _ct.ThrowIfCancellationRequested();
                        ThrowIfUploadFailed();
                        _budget.Acquire(_s.ChunkSize, _ct);
                        var buffer = BufferPool.Rent(_s.ChunkSize);
                        int n;
                        try
                        {
                            n = ReadFully(fs, buffer, 0, _s.ChunkSize);
                        }
                        catch
                        {
                            BufferPool.Return(buffer);
                            _budget.Release(_s.ChunkSize);
                            throw;
                        }
                        if (n == 0)
                        {
                            BufferPool.Return(buffer);
                            _budget.Release(_s.ChunkSize);
                            break;
                        }
                        fileHash.AppendData(buffer, 0, n);
                        var part = new ManifestPart { Offset = 0, Length = n };
                        parts.Add(part);
                        total += n;
                        _bytesRead += n;
                        StartChunkUpload(buffer, n, part);
                        ReportProgress(rel, false);
                        if (n < _s.ChunkSize) break;
                    }
                    _s.AfterFileRead?.Invoke(rel, attempt);
                    var after = info.Stat();
                    if (total != before.Size || !after.Equals(before)) return null;
                    var sha = FileBackupLayout.Hex(fileHash.GetHashAndReset());
                    // Chunks are named by their content, so identical large files already share their objects.
                    _knownFiles[sha] = parts;
                    return new ManifestFile { Path = rel, Size = total, Mode = before.Mode, ModifiedAt = before.ModifiedAt, Sha256 = sha, Parts = parts };
                }
            }

            private void EnsureChunkListing()
            {
                if (_listedChunks != null) return;
                _listedChunks = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
                foreach (var o in _engine._store.List(_request.Bucket, FileBackupLayout.DataPrefix, _ct))
                {
                    var sha = o.Key.Substring(o.Key.LastIndexOf('/') + 1);
                    if (sha.Length == 64) _listedChunks[sha] = o;
                }
                _observer.Verbose($"The bucket holds {_listedChunks.Count} chunk objects.");
            }

            /// <summary>Lists chunks and packs once per run (one call per 1,000 objects of each).</summary>
            private void EnsureContentListing()
            {
                EnsureChunkListing();
                if (_listedPacks != null) return;
                _listedPacks = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var o in _engine._store.List(_request.Bucket, FileBackupLayout.PackPrefix, _ct)) _listedPacks[o.Key] = o.Size;
            }

            private void StartChunkUpload(byte[] buffer, int count, ManifestPart part)
            {
                var listed = _listedChunks;
                var refreshBefore = _now - TimeSpan.FromTicks(_s.GracePeriod.Ticks / 2);
                _uploads.Add(Task.Run(() =>
                {
                    try
                    {
                        byte[] hash;
                        using (var h = SHA256.Create()) hash = h.ComputeHash(buffer, 0, count);
                        var sha = FileBackupLayout.Hex(hash);
                        part.Sha256 = sha;
                        part.Key = FileBackupLayout.ChunkKey(sha);
                        if (!_knownChunks.TryAdd(sha, true)) return; // in the previous manifest, or already handled in this run
                        if (listed.TryGetValue(sha, out var stored) && stored.Size == count)
                        {
                            if (stored.LastModified < refreshBefore)
                            {
                                WithRequestSlot(() => _engine._store.Touch(_request.Bucket, part.Key, _writeOptions, _ct));
                                Interlocked.Increment(ref _objectsTouched);
                            }
                            return;
                        }
                        WithRequestSlot(() => _engine._store.PutContent(_request.Bucket, part.Key, buffer, count, hash, _writeOptions, _ct));
                        Interlocked.Add(ref _bytesUploaded, count);
                        Interlocked.Increment(ref _objectsPut);
                    }
                    catch (Exception ex)
                    {
                        _uploadErrors.Enqueue(ex);
                    }
                    finally
                    {
                        BufferPool.Return(buffer);
                        _budget.Release(_s.ChunkSize);
                    }
                }));
            }

            private void SealPack()
            {
                if (_pack == null) return;
                var buffer = _pack;
                var count = _packLength;
                var parts = _packParts;
                _pack = null;
                _packLength = 0;
                _packParts = new List<ManifestPart>();
                var reserved = _s.PackSize + _s.SmallFileThreshold;
                if (count == 0)
                {
                    BufferPool.Return(buffer);
                    _budget.Release(reserved);
                    return;
                }
                byte[] hash;
                using (var h = SHA256.Create()) hash = h.ComputeHash(buffer, 0, count);
                var key = FileBackupLayout.PackKey(FileBackupLayout.Hex(hash));
                foreach (var p in parts) p.Key = key;
                _uploads.Add(Task.Run(() =>
                {
                    try
                    {
                        WithRequestSlot(() => _engine._store.PutContent(_request.Bucket, key, buffer, count, hash, _writeOptions, _ct));
                        Interlocked.Add(ref _bytesUploaded, count);
                        Interlocked.Increment(ref _objectsPut);
                    }
                    catch (Exception ex)
                    {
                        _uploadErrors.Enqueue(ex);
                    }
                    finally
                    {
                        BufferPool.Return(buffer);
                        _budget.Release(reserved);
                    }
                }));
            }

            private void WithRequestSlot(Action action)
            {
                _requests.Wait(_ct);
                try { action(); }
                finally { _requests.Release(); }
            }

            private void ThrowIfUploadFailed()
            {
                if (_uploadErrors.TryPeek(out var error)) Rethrow(error);
                if (_uploads.Count > 256) _uploads.RemoveAll(t => t.IsCompleted);
            }

            private void WaitUploads()
            {
                foreach (var t in _uploads)
                {
                    while (!t.Wait(100))
                    {
                        ReportProgress(null, false);
                    }
                }
                if (_uploadErrors.TryPeek(out var error)) Rethrow(error);
            }

            private static void Rethrow(Exception error)
            {
                if (error is FinBackupException fin) throw fin;
                if (error is OperationCanceledException oce) throw oce;
                throw new FinBackupException("FinFileUploadFailed", FinErrorKind.WriteError,
                    "Uploading backup content failed: " + error.Message + " No manifest was written; the next run uploads what is missing.",
                    "Check the bucket, the KMS key permissions and the network, then run the backup again.", error);
            }

            private void ReportProgress(string current, bool force)
            {
                var elapsed = _watch.Elapsed;
                if (!force && elapsed - _lastProgress < _s.ProgressInterval) return;
                _lastProgress = elapsed;
                _observer.Progress(new FileBackupProgress
                {
                    CurrentPath = current,
                    FilesSeen = _filesSeen,
                    FilesRead = _filesRead,
                    BytesSeen = _bytesSeen,
                    BytesRead = _bytesRead,
                    BytesUploaded = Interlocked.Read(ref _bytesUploaded),
                    Elapsed = elapsed,
                });
            }

            private static int ReadFully(Stream s, byte[] buffer, int offset, int count)
            {
                var total = 0;
                while (total < count)
                {
                    var n = s.Read(buffer, offset + total, count - total);
                    if (n <= 0) break;
                    total += n;
                }
                return total;
            }

            public void Dispose()
            {
                try { Task.WaitAll(_uploads.ToArray()); } catch (AggregateException) { }
                if (_pack != null) { BufferPool.Return(_pack); _pack = null; }
                _requests.Dispose();
            }
        }
    }

    /// <summary>A regular file to back up: its stat and a way to open it, by path (System.IO) or by directory descriptor (Linux).</summary>
    internal abstract class SourceFile
    {
        /// <summary>The exact bytes of the relative path (base64) when they are not UTF-8, else null.</summary>
        public string PathBytes { get; protected set; }
        public abstract FileStat Stat();
        public abstract Stream OpenRead(bool sequential);
    }

    internal sealed class ManagedSourceFile : SourceFile
    {
        private readonly FileInfo _info;
        public ManagedSourceFile(FileInfo info) { _info = info; }
        public override FileStat Stat() => FileStat.Of(_info);
        public override Stream OpenRead(bool sequential) =>
            new FileStream(_info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1,
                sequential ? FileOptions.SequentialScan : FileOptions.None);
    }

    /// <summary>A name in an open directory (Linux): lstat by name, opened O_NONBLOCK|O_NOFOLLOW and checked regular by descriptor.</summary>
    internal sealed class NativeSourceFile : SourceFile
    {
        private readonly int _dirfd;
        private readonly byte[] _name;

        public NativeSourceFile(int dirfd, byte[] terminatedName, string pathBytes)
        {
            _dirfd = dirfd;
            _name = terminatedName;
            PathBytes = pathBytes;
        }

        public override FileStat Stat()
        {
            var st = NativeFileSystem.StatAt(_dirfd, _name, false, out var errno);
            if (st == null) throw NativeFileSystem.Error(errno, "stat");
            return st.Value.Stat;
        }

        public override Stream OpenRead(bool sequential) => NativeFileSystem.OpenRegularFile(_dirfd, _name, sequential);
    }

    /// <summary>A byte budget for buffers in flight: reading blocks while uploads hold it all.</summary>
    internal sealed class BufferBudget
    {
        private readonly long _capacity;
        private long _used;
        private readonly object _gate = new object();

        public BufferBudget(long capacity) { _capacity = capacity; }

        public void Acquire(long bytes, CancellationToken ct)
        {
            lock (_gate)
            {
                while (_used > 0 && _used + bytes > _capacity)
                {
                    ct.ThrowIfCancellationRequested();
                    Monitor.Wait(_gate, 200);
                }
                _used += bytes;
            }
        }

        public void Release(long bytes)
        {
            lock (_gate)
            {
                _used -= bytes;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Reuses the large upload buffers (chunks and packs) so a long backup does not churn the large-object heap.</summary>
    internal static class BufferPool
    {
        private static readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> Bags = new ConcurrentDictionary<int, ConcurrentBag<byte[]>>();

        public static byte[] Rent(int size)
        {
            var bag = Bags.GetOrAdd(size, _ => new ConcurrentBag<byte[]>());
            return bag.TryTake(out var b) ? b : new byte[size];
        }

        public static void Return(byte[] buffer)
        {
            var bag = Bags.GetOrAdd(buffer.Length, _ => new ConcurrentBag<byte[]>());
            if (bag.Count < 16) bag.Add(buffer);
        }
    }
}
