using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using System.Runtime.CompilerServices;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Takes one file backup: walks the sources, recognises unchanged files (cache + previous manifest), hashes the rest
    /// with SHA-256, packs small files, cuts large ones into chunks, uploads only what the bucket does not hold (in
    /// parallel; packs in memory bounded by <see cref="FileBackupSettings.MaxBufferedBytes"/>, chunks read again from the
    /// file by their uploads), then writes the manifest.
    /// Reading and hashing run on the calling thread; uploads on worker threads. Observer callbacks come on the calling thread.
    /// This class validates the request and orders the jobs (one point per window, the previous manifest, the manifest
    /// written last); the jobs live in <see cref="FileTreeWalker"/> (walk, change detection), <see cref="FileContentUploader"/>
    /// (packing, upload concurrency, buffers) and <see cref="FileBackupPoints"/> (manifest to point).
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

        private sealed class NullObserver : IFileBackupObserver
        {
            public static readonly NullObserver Instance = new NullObserver();
            public void Progress(FileBackupProgress progress) { }
            public void Skipped(string path, string reason) { }
            public void Failed(FinBackupException error, string path) { }
            public void Verbose(string message) { }
        }

        /// <summary>
        /// One backup run: the manifest being built and the order of the jobs. The walk and change detection are
        /// <see cref="FileTreeWalker"/>'s; packing and upload <see cref="FileContentUploader"/>'s; the point a manifest
        /// becomes <see cref="FileBackupPoints"/>'.
        /// </summary>
        private sealed class BackupRun : IDisposable
        {
            private readonly FileBackupEngine _engine;
            private readonly FileBackupRequest _request;
            private readonly FileBackupSettings _s;
            private readonly IFileBackupObserver _observer;
            private readonly CancellationToken _ct;
            private readonly Stopwatch _watch = Stopwatch.StartNew();
            private readonly DateTime _now;
            private readonly FileManifest _manifest;
            private readonly FileBackupSummary _summary = new FileBackupSummary();
            private readonly ObjectWriteOptions _writeOptions;
            /// <summary>The change cache as the last run left it: read after the previous manifest, whose strings it shares.</summary>
            private FileChangeCache _oldCache;
            private readonly string _cacheDir;
            private readonly FileContentUploader _content;
            private FileTreeWalker _walker;

            public BackupRun(FileBackupEngine engine, FileBackupRequest request, IFileBackupObserver observer, CancellationToken ct)
            {
                _engine = engine;
                _request = request;
                _s = engine._settings;
                _observer = observer;
                _ct = ct;
                _now = engine._clock();
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
                _content = new FileContentUploader(engine._store, request.Bucket, _s, _writeOptions, observer, _now,
                    current => _walker?.ReportProgress(current, false), ct);
            }

            public FileBackupResult Execute()
            {
                var existing = ExistingInWindow();
                if (existing != null) return existing;
                var previousByPath = LoadPrevious();
                _oldCache = _request.NoCache ? new FileChangeCache() : FileChangeCache.Load(_cacheDir, previousByPath);
                using (var spool = NewSpool())
                using (var cacheOut = _request.NoCache ? null : new FileChangeCacheWriter(_cacheDir, _manifest.Key))
                {
                    _walker = new FileTreeWalker(_request, _s, _manifest, _summary, _observer, _oldCache, previousByPath, _content, spool, cacheOut, _watch, _ct);
                    // In the order of their entries' paths (name + '/'), so that the entries come in path order.
                    foreach (var source in _request.Paths.OrderBy(p => SourceName(p) + "/", StringComparer.Ordinal))
                    {
                        _ct.ThrowIfCancellationRequested();
                        _walker.Walk(source);
                    }
                    _walker.RereadChanged(_content.Finish());
                    _manifest.Files = _walker.Files();
                    // The previous manifest and the content knowledge are no longer needed: let them go before the new manifest is serialised.
                    previousByPath = null;
                    _content.Forget();
                    var tags = FileBackupPoints.TagsFor(_manifest);
                    PutConfirmed(tags);
                    if (cacheOut != null && !cacheOut.Commit(_walker.NewCache))
                        _observer.Verbose($"Could not write the change cache in {_cacheDir}; the next backup re-reads every file.");
                    _summary.RecoveryPointId = _manifest.Key;
                    _summary.Application = _manifest.Application;
                    _summary.Bucket = _request.Bucket;
                    _summary.Region = _manifest.Region;
                    _summary.Files = _manifest.Files.Count;
                    _summary.FilesFailed = _manifest.Missing.Count;
                    _summary.FilesNotRegular = _manifest.Skipped.Count;
                    _summary.NotBackedUp = _manifest.Missing.Concat(_manifest.Skipped).Take(100).Select(x => x.Path + ": " + x.Reason).ToArray();
                    _summary.Bytes = _manifest.TotalBytes;
                    _summary.BytesRead = _content.BytesRead;
                    _summary.BytesUploaded = _content.BytesUploaded;
                    _summary.ObjectsPut = _content.ObjectsPut;
                    _summary.ObjectsTouched = _content.ObjectsTouched;
                    _summary.Duration = _watch.Elapsed;
                    _walker.ReportProgress(null, force: true);
                    var point = FileBackupPoints.ToRecoveryPoint(_manifest, tags, _manifest.Region, _request.Bucket);
                    // The entries were on disk, not in memory: the result's manifest is the one stored, read when first used.
                    _manifest.Files = new List<ManifestFile>();
                    var store = _engine._store;
                    var bucket = _request.Bucket;
                    var key = _manifest.Key;
                    var result = new FileBackupResult { Summary = _summary, RecoveryPoint = point };
                    result.ReadManifestWhenUsed(() => store.GetManifest(bucket, key, CancellationToken.None));
                    return result;
                }
            }

            /// <summary>
            /// The temporary file the manifest's entries wait in (see <see cref="ManifestFileSpool"/>): beside the change cache,
            /// which is on the host's disk, else in the temp directory (-NoCache, or a cache directory that cannot be written).
            /// Not the temp directory first: on many Linux hosts (Amazon Linux 2023 among them) /tmp is a tmpfs, so the entries
            /// would be held in memory after all, only not counted as this process's.
            /// </summary>
            private ManifestFileSpool NewSpool()
            {
                if (!_request.NoCache)
                {
                    try
                    {
                        Directory.CreateDirectory(_cacheDir);
                        return new ManifestFileSpool(_cacheDir);
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                    {
                        _observer.Verbose($"Could not write in the cache directory {_cacheDir} ({ex.Message}); the manifest's entries wait in {Path.GetTempPath()}.");
                    }
                }
                try
                {
                    return new ManifestFileSpool();
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new FinBackupException(FinErrorIds.FileTempUnavailable, FinErrorKind.WriteError,
                        $"Could not create a temporary file in {Path.GetTempPath()}: {ex.Message}",
                        "Set TMPDIR (Linux) or TEMP (Windows) to a writable directory with room for a few MB per 10,000 files, then run the backup again.", ex);
                }
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
                        RecoveryPoint = FileBackupPoints.ToRecoveryPoint(m, tags ?? FileBackupPoints.TagsFor(m), m.Region ?? _engine._store.Region, _request.Bucket),
                    };
                }
                return null;
            }

            /// <summary>
            /// Writes the manifest and reads its tags back before the point is reported: a PUT answered 200 that the bucket
            /// does not hold (a proxy or network path that cut the request, an endpoint that lost it) would otherwise be a
            /// recovery point in the summary that does not exist. Missing or without its fin:* tags: written once more, then
            /// FinFileManifestNotStored.
            /// </summary>
            private void PutConfirmed(IDictionary<string, string> tags)
            {
                for (var attempt = 1; ; attempt++)
                {
                    _engine._store.PutManifest(_request.Bucket, _manifest, tags, _writeOptions, _ct);
                    string problem;
                    try
                    {
                        var stored = _engine._store.GetTags(_request.Bucket, _manifest.Key, _ct);
                        problem = tags.All(kv => stored.TryGetValue(kv.Key, out var v) && v == kv.Value) ? null : "it is stored without all of its fin:* tags";
                    }
                    catch (FinBackupException ex) when (ex.ErrorId == FinErrorIds.FileObjectNotFound)
                    {
                        problem = "the bucket does not hold it although the write was answered as done";
                    }
                    if (problem == null) return;
                    if (attempt >= 2)
                        throw new FinBackupException(FinErrorIds.FileManifestNotStored, FinErrorKind.WriteError,
                            $"The manifest s3://{_request.Bucket}/{_manifest.Key} was written twice and {problem}; no recovery point was made.",
                            "Check the bucket policy and any proxy between this host and S3, then run the backup again (its content is already uploaded).");
                    _observer.Verbose($"The manifest {_manifest.Key} was written but {problem}: writing it again.");
                }
            }

            // ---- previous manifest -------------------------------------------------------------------------------

            /// <summary>
            /// The previous manifest's files whose content may be reused, by path (empty when there is none or it may not be
            /// reused); their content becomes known to the uploader.
            /// </summary>
            [MethodImpl(JitHints.Hot)]
            private Dictionary<string, ManifestFile> LoadPrevious()
            {
                var byPath = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
                FileManifest previous = null;
                var cachedKey = _request.NoCache ? null : FileChangeCache.ReadLastManifestKey(_cacheDir);
                if (!string.IsNullOrEmpty(cachedKey))
                {
                    // The content listings the reuse check needs run while the previous manifest is fetched and parsed.
                    _content.StartListing();
                    previous = TryGetManifest(cachedKey);
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
                if (previous == null) return byPath;
                // Reuse needs the previous manifest to outlive this backup: a grace period, or half the retention when shorter.
                var graceEnd = _now + TimeSpan.FromTicks(Math.Min(_s.GracePeriod.Ticks, _request.Retention.Ticks / 2));
                if (previous.ExpiresAt.HasValue && previous.ExpiresAt.Value <= graceEnd)
                {
                    _observer.Verbose($"Previous manifest {previous.Key} expires within the grace period; its content is not reused.");
                    return byPath;
                }
                if (!string.Equals(previous.KmsKeyId, _request.KmsKeyId, StringComparison.Ordinal))
                {
                    _observer.Verbose($"Previous manifest {previous.Key} used another KMS key; its content is not reused.");
                    return byPath;
                }
                _manifest.PreviousManifestKey = previous.Key;
                byPath = new Dictionary<string, ManifestFile>(previous.Files.Count, StringComparer.Ordinal);
                _summary.PreviousManifestKey = previous.Key;
                // The previous manifest says what the bucket held then; the listing says what it holds now. A file whose
                // content is gone (deleted by hand, by a lifecycle rule, or shorter than recorded) is not reused: it is read
                // from the source and uploaded again, so this point never references an object it has not seen.
                var missing = new HashSet<string>(StringComparer.Ordinal);
                var filesNotReused = 0;
                foreach (var f in previous.Files)
                {
                    if (!_content.TryReuse(f, missing))
                    {
                        filesNotReused++;
                        continue;
                    }
                    byPath[f.Path] = f;
                }
                _summary.ContentObjectsMissing = missing.Count;
                if (missing.Count > 0)
                {
                    _observer.Verbose($"{missing.Count} content objects that the previous backup {previous.Key} references are missing from the bucket " +
                                      $"(or shorter than recorded), e.g. {missing.First()}; {filesNotReused} files are read from the source and uploaded again.");
                }
                _observer.Verbose($"Previous backup: {previous.Key} ({previous.Files.Count} files).");
                return byPath;
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

            public void Dispose() => _content.Dispose();
        }
    }
}
