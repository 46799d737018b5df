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
using System.Runtime.CompilerServices;

namespace FinBackup.Domain.Files
{
    public sealed class FileRestoreRequest
    {
        public FileManifest Manifest { get; set; }
        /// <summary>The bucket holding the manifest's content (the point's bucket).</summary>
        public string Bucket { get; set; }
        public string Destination { get; set; }
        public IList<string> Include { get; set; } = new List<string>();
        public IList<string> Exclude { get; set; } = new List<string>();
        /// <summary>Overwrite files that exist in the destination.</summary>
        public bool Force { get; set; }
        /// <summary>
        /// Restore setuid, setgid and sticky bits as the manifest records them. Off by default: a manifest is data from a
        /// bucket, and a restored setuid file is a privilege escalation waiting for whoever wrote that manifest.
        /// </summary>
        public bool PreservePrivilegedModes { get; set; }
        public int Parallelism { get; set; } = 4;
        /// <summary>Pack ranges closer than this are fetched with one GET.</summary>
        public int CoalesceGap { get; set; } = 256 << 10;
        /// <summary>At most this many bytes per GET of a pack (a segment); also the size of the pooled read buffers (8 MiB, the chunk size).</summary>
        public int MaxSegment { get; set; } = 8 << 20;
        /// <summary>
        /// Files (or bytes) written and verified before they are made durable together (one syncfs per file system) and
        /// renamed into place. Each commit costs a walk of the file system's inodes by the kernel: few, large batches.
        /// </summary>
        public int CommitFiles { get; set; } = 100000;
        public long CommitBytes { get; set; } = 2L << 30;
        /// <summary>
        /// A directory the restore creates (absent at the start: a new destination, or a new directory in an existing one) is
        /// built under a hidden name next to it, its files written there under their own names and verified, and renamed into
        /// place whole at the end, once its files are on disk: one rename instead of one per file. Off: every file goes through
        /// a temporary name of its own and a rename, as in an existing directory. Linux only (elsewhere always off).
        /// </summary>
        public bool StageNewDirectories { get; set; } = true;
    }

    /// <summary>What the restore reports; every call comes on the thread that called <see cref="FileRestoreEngine.Run"/>.</summary>
    public interface IFileRestoreObserver
    {
        /// <summary>ShouldProcess: false (e.g. -WhatIf) means list it but do not write it.</summary>
        bool ShouldWrite(ManifestFile file, string target);
        void Failed(FinBackupException error, string path);
        void Progress(FileRestoreProgress progress);
        void Verbose(string message);
    }

    public sealed class FileRestoreProgress
    {
        public long FilesDone { get; set; }
        public long FilesTotal { get; set; }
        public long BytesDone { get; set; }
        public long BytesTotal { get; set; }
        public TimeSpan Elapsed { get; set; }
        public string CurrentPath { get; set; }
    }

    public sealed class FileRestoreSummary
    {
        public string RecoveryPointId { get; set; }
        public string Destination { get; set; }
        /// <summary>Manifest entries selected by -Include/-Exclude.</summary>
        public long FilesSelected { get; set; }
        public long FilesRestored { get; set; }
        public long FilesFailed { get; set; }
        /// <summary>Selected but not written: declined by ShouldProcess (-WhatIf, -Confirm "No").</summary>
        public long FilesNotWritten { get; set; }
        public long BytesRestored { get; set; }
        public long ObjectRequests { get; set; }
        public TimeSpan Duration { get; set; }
        public override string ToString() => RecoveryPointId + " -> " + Destination;
    }

    /// <summary>
    /// Restores files of a manifest under a destination: every file is written to a temporary file next to its target,
    /// its SHA-256 verified (computed while it is written; on a mismatch the damaged part is named), its mode and mtime set,
    /// its bytes flushed to disk, and only then renamed into place (the renames flushed before the restore returns). Unsafe entries
    /// (absolute, '..', through a symbolic link) are refused; existing files are kept unless Force. Small files are
    /// fetched pack range by pack range (nearby ranges coalesced), large files chunk by chunk, in parallel.
    /// </summary>
    public sealed class FileRestoreEngine
    {
        private readonly IFileBackupStore _store;

        public FileRestoreEngine(IFileBackupStore store)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
        }

        [MethodImpl(JitHints.Hot)]
        private static FinBackupException Exists(string target) =>
            new FinBackupException(FinErrorIds.RestoreFileExists, FinErrorKind.ResourceExists,
                $"'{target}' already exists; it was not overwritten.",
                "Restore into an empty -Destination, or add -Force to overwrite existing files.");

        private static FinBackupException IsDirectory(string target) =>
            new FinBackupException(FinErrorIds.RestoreTargetIsDirectory, FinErrorKind.ResourceExists,
                $"'{target}' is a directory; the file was not restored.", "Restore into another -Destination.");

        public FileRestoreSummary Run(FileRestoreRequest request, IFileRestoreObserver observer, CancellationToken ct)
        {
            if (request?.Manifest == null) throw new ArgumentNullException(nameof(request));
            if (string.IsNullOrWhiteSpace(request.Destination))
                throw new FinBackupException("FinRestoreDestinationMissing", FinErrorKind.InvalidArgument, "No destination was given.",
                    "Pass -Destination with a directory to restore into.");
            // Structure first (format version, keys against the layout, sizes, offsets, duplicate paths): nothing is requested
            // from S3 and nothing is written for a manifest that fails.
            ManifestValidator.Check(request.Manifest);
            var watch = Stopwatch.StartNew();
            var summary = new FileRestoreSummary { RecoveryPointId = request.Manifest.Key, Destination = Path.GetFullPath(request.Destination) };
            var filter = new GlobFilter(request.Include, request.Exclude);
            var resolver = new RestoreTargetResolver(summary.Destination);
            var plan = new List<KeyValuePair<ManifestFile, string>>();
            var rawTargets = new Dictionary<ManifestFile, byte[]>();
            var stripped = 0;
            foreach (var file in request.Manifest.Files)
            {
                ct.ThrowIfCancellationRequested();
                if (!filter.IsSelected(file.Path ?? string.Empty)) continue;
                summary.FilesSelected++;
                byte[] rawTarget = null;
                string rawReason = null;
                var rawExists = false;
                if (file.PathBytes != null && NativeFileSystem.Available)
                    rawTarget = RestorePathGuard.ResolveBytes(summary.Destination, Convert.FromBase64String(file.PathBytes), out rawReason, out rawExists);
                string target, reason;
                var state = RestoreTargetState.Absent;
                if (file.PathBytes != null && NativeFileSystem.Available)
                {
                    reason = rawReason;
                    target = rawTarget == null ? null : Path.Combine(summary.Destination, file.Path);
                    if (rawTarget != null && rawExists && !request.Force)
                    {
                        summary.FilesFailed++;
                        observer.Failed(Exists(target), file.Path);
                        continue;
                    }
                }
                else
                {
                    target = resolver.Resolve(file.Path, out reason, out state);
                }
                if (target == null)
                {
                    summary.FilesFailed++;
                    observer.Failed(new FinBackupException("FinRestorePathUnsafe", FinErrorKind.SecurityError,
                        $"The manifest entry '{file.Path}' was refused: {reason}.",
                        "The manifest may have been tampered with; restore the other files, and check the manifest's origin."), file.Path);
                    continue;
                }
                if (rawTarget != null)
                {
                    if (!observer.ShouldWrite(file, target))
                    {
                        summary.FilesNotWritten++;
                        continue;
                    }
                    rawTargets[file] = rawTarget;
                    plan.Add(new KeyValuePair<ManifestFile, string>(file, target));
                    continue;
                }
                if (!request.Force && state != RestoreTargetState.Absent)
                {
                    summary.FilesFailed++;
                    observer.Failed(Exists(target), file.Path);
                    continue;
                }
                if (state == RestoreTargetState.Directory)
                {
                    summary.FilesFailed++;
                    observer.Failed(IsDirectory(target), file.Path);
                    continue;
                }
                if (!observer.ShouldWrite(file, target))
                {
                    summary.FilesNotWritten++;
                    continue;
                }
                // The target is the resolver's join of the destination and the path: made again when the file is written
                // (Execution.TargetOf), not held for every file of the plan (about 8 MB for 50,000 files).
                plan.Add(new KeyValuePair<ManifestFile, string>(file, null));
            }
            foreach (var p in plan) if ((p.Key.Mode & 0xE00) != 0 && !request.PreservePrivilegedModes) stripped++;
            if (stripped > 0)
                observer.Verbose($"{stripped} file(s) have setuid, setgid or sticky bits in the manifest; they are restored without them (-PreservePrivilegedModes keeps them).");
            if (plan.Count == 0)
            {
                summary.Duration = watch.Elapsed;
                return summary;
            }
            var execution = new Execution(_store, request, plan, rawTargets, summary.Destination, resolver, ct);
            var task = Task.Run(() => execution.Run());
            var total = new FileRestoreProgress { FilesTotal = plan.Count, BytesTotal = plan.Sum(p => p.Key.Size) };
            while (true)
            {
                // Not task.Wait: it throws the AggregateException of a failed or cancelled run, before the outcomes are reported.
                var done = task.IsCompleted || ((IAsyncResult)task).AsyncWaitHandle.WaitOne(250);
                while (execution.Outcomes.TryDequeue(out var outcome))
                {
                    if (outcome.Error == null)
                    {
                        summary.FilesRestored++;
                        summary.BytesRestored += outcome.File.Size;
                    }
                    else
                    {
                        summary.FilesFailed++;
                        observer.Failed(outcome.Error, outcome.File.Path);
                    }
                    total.CurrentPath = outcome.File.Path;
                }
                // Written and verified counts as done for the progress (a file is reported restored only once it has its name).
                total.FilesDone = Math.Min(total.FilesTotal, Math.Max(Interlocked.Read(ref execution.FilesWritten), summary.FilesRestored) + summary.FilesFailed);
                total.BytesDone = Math.Max(Interlocked.Read(ref execution.BytesWritten), summary.BytesRestored);
                total.Elapsed = watch.Elapsed;
                observer.Progress(total);
                if (done) break;
            }
            if (task.IsFaulted)
            {
                var ex = task.Exception.GetBaseException();
                if (ex is FinBackupException || ex is OperationCanceledException) throw ex;
                throw new FinBackupException("FinRestoreFailed", FinErrorKind.ReadError, "The restore failed: " + ex.Message,
                    "Check access to the bucket and its KMS key, then run the restore again (restored files are kept; add -Force to rewrite them).", ex);
            }
            summary.ObjectRequests = execution.Requests;
            summary.Duration = watch.Elapsed;
            return summary;
        }

        private sealed class Outcome
        {
            public ManifestFile File;
            public FinBackupException Error;
        }

        /// <summary>
        /// The writing side. Each file goes to a temporary file next to its target, its SHA-256 is computed while it is
        /// written and compared with the manifest's, its mode and mtime are set on the open descriptor; only then is it
        /// committed: in batches, the file systems holding the temporary files are synced (syncfs), the batch is renamed into
        /// place (never over an existing file without Force), and after the last batch the renames are synced too — so a
        /// file that has its name has its bytes on disk, and the restore reports completion only when everything is durable.
        /// Without syncfs (not Linux) every file is flushed to disk (fsync) before its rename.
        /// </summary>
        private sealed class Execution
        {

            [ThreadStatic] private static IncrementalHash WorkerHash;

            /// <summary>Files at least this large are handed to the kernel's write-out as soon as they are written.</summary>
            private const long WritebackThreshold = 1 << 20;

            private readonly IFileBackupStore _store;
            private readonly FileRestoreRequest _request;
            private readonly List<KeyValuePair<ManifestFile, string>> _plan;
            private readonly CancellationToken _ct;
            private readonly BufferPool _buffers = new BufferPool();
            // One creation per directory (logical path -> where its files are written); every writer waits until its directory exists.
            private readonly ConcurrentDictionary<string, DirectoryPlace> _dirs = new ConcurrentDictionary<string, DirectoryPlace>(StringComparer.Ordinal);
            private readonly object _dirGate = new object();
            // Directories the restore creates are built under a hidden name and renamed into place whole (StageNewDirectories).
            private readonly bool _stageNew;
            private readonly Dictionary<string, StagedDirectory> _staged = new Dictionary<string, StagedDirectory>(StringComparer.Ordinal);
            private long _stagedCounter;
            public long FilesWritten, BytesWritten;
            /// <summary>This run's temporary-file tag: random per run, a counter per file (no GUID string per file).</summary>
            private readonly string _tempTag = ".finrestore-" + Guid.NewGuid().ToString("N").Substring(0, 8) + "-";
            private long _tempCounter;
            public readonly ConcurrentQueue<Outcome> Outcomes = new ConcurrentQueue<Outcome>();
            public long Requests;

            private readonly Dictionary<ManifestFile, byte[]> _rawTargets;
            private readonly RestoreTargetResolver _resolver;
            private readonly string _destination;
            /// <summary>The destination without a trailing separator (what directory names are compared with).</summary>
            private readonly string _destinationDir;

            // Durability: batch commit through syncfs (Linux), else fsync per file.
            private readonly bool _batched = NativeFileSystem.Available;
            private readonly object _pendingGate = new object();
            private List<Pending> _pending = new List<Pending>();
            private long _pendingBytes, _pendingCount;
            private readonly object _commitGate = new object();
            // One open directory per file system the temporary files are on (st_dev -> descriptor), for syncfs.
            private readonly Dictionary<ulong, int> _fileSystems = new Dictionary<ulong, int>();

            public Execution(IFileBackupStore store, FileRestoreRequest request, List<KeyValuePair<ManifestFile, string>> plan,
                Dictionary<ManifestFile, byte[]> rawTargets, string destination, RestoreTargetResolver resolver, CancellationToken ct)
            {
                _resolver = resolver;
                _store = store;
                _request = request;
                _plan = plan;
                _rawTargets = rawTargets;
                _destination = destination;
                _ct = ct;
                _stageNew = _batched && request.StageNewDirectories && rawTargets.Count == 0;
                _destinationDir = destination.Length > 1 ? destination.TrimEnd(Path.DirectorySeparatorChar) : destination;
            }

            /// <summary>Where a directory's files are written: in place (<see cref="InPlace"/>), or inside a staged directory.</summary>
            private sealed class DirectoryPlace
            {
                public static readonly DirectoryPlace InPlace = new DirectoryPlace();
                /// <summary>The directory under its staging name (the files go here with their own names), or null: in place.</summary>
                public string Physical;
                public StagedDirectory Root;
            }

            /// <summary>
            /// A directory that did not exist when the restore first needed it (the topmost such one under, or at, the destination):
            /// built as parent/.name.finrestore-tag-dN with every file under it written there with its own name, verified, and
            /// renamed into place whole once the files are on disk (one rename instead of one per file).
            /// </summary>
            private sealed class StagedDirectory
            {
                public string Logical;
                public string Staging;
                /// <summary>The verified files in it, reported restored when it is renamed into place.</summary>
                public readonly List<ManifestFile> Files = new List<ManifestFile>();
            }

            private sealed class Pending
            {
                public ManifestFile File;
                /// <summary>The temporary file's number; its name is made again when needed (<see cref="TempOf"/>), not held for every pending file.</summary>
                public long TempNumber;
                /// <summary>Only for a raw-bytes name (its display form); otherwise null and made again (<see cref="TargetOf(ManifestFile, string)"/>).</summary>
                public string Target;
                public byte[] Raw;
            }

            /// <summary>The permission bits to set: without setuid, setgid and sticky unless the request preserves them.</summary>
            private int ModeFor(ManifestFile file) => _request.PreservePrivilegedModes ? file.Mode & 0xFFF : file.Mode & 0x1FF;

            public void Run()
            {
                try
                {
                    RunItems();
                    Commit(final: true);
                    SyncFileSystems(); // the last renames
                }
                finally
                {
                    // Cancelled or failed: temporary files never committed are removed, and staged directories with them.
                    List<Pending> left;
                    lock (_pendingGate) { left = _pending; _pending = new List<Pending>(); }
                    foreach (var p in left) TryDelete(TempOf(p));
                    foreach (var root in _staged.Values) TryDeleteTree(root.Staging);
                    SpinWait.SpinUntil(() => Volatile.Read(ref _headStartRunning) == 0);
                    foreach (var fd in _fileSystems.Values) NativeFileSystem.Close(fd);
                    foreach (var fd in _headStartFds) NativeFileSystem.Close(fd);
                }
            }

            [MethodImpl(JitHints.Hot)]
            private void RunItems()
            {
                // Work items: segments of packs (many small files per GET), and whole large or multi-part files.
                var items = new List<Action>();
                var packed = new Dictionary<string, List<KeyValuePair<ManifestFile, string>>>(StringComparer.Ordinal);
                foreach (var p in _plan)
                {
                    var parts = p.Key.Parts;
                    if (parts.Count == 1 && parts[0].Key.StartsWith(FileBackupLayout.PackPrefix, StringComparison.Ordinal))
                    {
                        if (!packed.TryGetValue(parts[0].Key, out var list)) packed[parts[0].Key] = list = new List<KeyValuePair<ManifestFile, string>>();
                        list.Add(p);
                    }
                    else
                    {
                        var item = p;
                        items.Add(() => RestoreStreamed(item.Key, TargetOf(item)));
                    }
                }
                foreach (var kv in packed)
                {
                    var key = kv.Key;
                    var files = kv.Value.OrderBy(f => f.Key.Parts[0].Offset).ToList();
                    var segment = new List<KeyValuePair<ManifestFile, string>>();
                    long start = 0, end = 0;
                    foreach (var f in files)
                    {
                        var part = f.Key.Parts[0];
                        if (segment.Count > 0 && (part.Offset - end > _request.CoalesceGap || part.Offset + part.Length - start > _request.MaxSegment))
                        {
                            var s = segment; var st = start; var en = end;
                            items.Add(() => RestoreSegment(key, st, (int)(en - st), s));
                            segment = new List<KeyValuePair<ManifestFile, string>>();
                        }
                        if (segment.Count == 0) start = part.Offset;
                        segment.Add(f);
                        end = Math.Max(end, part.Offset + part.Length);
                        if (segment.Count == 1) end = part.Offset + part.Length;
                    }
                    if (segment.Count > 0)
                    {
                        var s = segment; var st = start; var en = end;
                        items.Add(() => RestoreSegment(key, st, (int)(en - st), s));
                    }
                }
                // No buffering: each worker takes the next item when it is free (large files and pack segments interleave).
                Parallel.ForEach(Partitioner.Create(items, EnumerablePartitionerOptions.NoBuffering),
                    new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _request.Parallelism), CancellationToken = _ct }, a => a());
            }

            /// <summary>Bytes of the read buffer when content is streamed (<see cref="IFileRangeStreams"/>): per worker, whatever the sizes.</summary>
            internal const int StreamBuffer = 256 << 10;

            /// <summary>
            /// A segment streamed: one ranged GET read front to back through a small buffer, each file's bytes written and
            /// hashed as they arrive (the file is verified before it is moved into place, as always). A file whose bytes
            /// start before the stream's position (two files sharing content) is fetched alone. After a failed read, the
            /// segment's remaining files fail with that error.
            /// </summary>
            [MethodImpl(JitHints.Hot)]
            private void StreamSegment(IFileRangeStreams streams, string key, long start, int length, List<KeyValuePair<ManifestFile, string>> files)
            {
                var buffer = _buffers.Rent(StreamBuffer);
                FinBackupException broken = null;
                var position = start;
                try
                {
                    Stream range;
                    try
                    {
                        range = streams.OpenRange(_request.Bucket, key, start, length, _ct);
                        Interlocked.Increment(ref Requests);
                    }
                    catch (FinBackupException ex)
                    {
                        foreach (var f in files) Outcomes.Enqueue(new Outcome { File = f.Key, Error = ex });
                        return;
                    }
                    // The pack's bytes are read in large reads (StreamBuffer): a small file's 2 KiB read would otherwise be
                    // one read of the connection each (about 50,000 receive calls for a 50,000-file restore).
                    using (range = new BufferedStream(range, StreamBuffer))
                    {
                        foreach (var f in files)
                        {
                            _ct.ThrowIfCancellationRequested();
                            var part = f.Key.Parts[0];
                            if (broken != null) { Outcomes.Enqueue(new Outcome { File = f.Key, Error = broken }); continue; }
                            if (part.Offset < position) { RestoreStreamed(f.Key, TargetOf(f)); continue; }
                            try
                            {
                                Skip(range, part.Offset - position, buffer, ref position);
                            }
                            catch (FinBackupException ex)
                            {
                                broken = ex;
                                Outcomes.Enqueue(new Outcome { File = f.Key, Error = ex });
                                continue;
                            }
                            Write(f.Key, TargetOf(f), (stream, hash) =>
                            {
                                try
                                {
                                    Pump(range, part.Length, stream, hash, buffer, _ct, ref position);
                                }
                                catch (FinBackupException ex)
                                {
                                    broken = ex; // the stream failed: what follows in it cannot be read
                                    throw;
                                }
                            });
                        }
                    }
                }
                finally
                {
                    _buffers.Return(buffer);
                }
            }

            /// <summary>Copies exactly <paramref name="length"/> bytes of <paramref name="from"/> to the file and the hash.</summary>
            [MethodImpl(JitHints.Hot)]
            /// <paramref name="position"/> moves with every byte read from the stream, also when writing the file fails.
            private static void Pump(Stream from, long length, Stream to, IncrementalHash hash, byte[] buffer, CancellationToken ct, ref long position)
            {
                while (length > 0)
                {
                    var n = from.Read(buffer, 0, (int)Math.Min(buffer.Length, length));
                    if (n <= 0) throw new FinBackupException("FinS3ShortRead", FinErrorKind.InvalidData, "The stored object ended before the manifest's range did.",
                        "The object is shorter than the manifest says; restore from another recovery point.");
                    position += n;
                    to.Write(buffer, 0, n);
                    hash.AppendData(buffer, 0, n);
                    length -= n;
                    if (length > 0) ct.ThrowIfCancellationRequested();
                }
            }

            private static void Skip(Stream from, long count, byte[] buffer, ref long position)
            {
                while (count > 0)
                {
                    var n = from.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
                    if (n <= 0) throw new FinBackupException("FinS3ShortRead", FinErrorKind.InvalidData, "The stored object ended before the manifest's range did.",
                        "The object is shorter than the manifest says; restore from another recovery point.");
                    position += n;
                    count -= n;
                }
            }

            [MethodImpl(JitHints.Hot)]
            private void RestoreSegment(string key, long start, int length, List<KeyValuePair<ManifestFile, string>> files)
            {
                if (_store is IFileRangeStreams streams) { StreamSegment(streams, key, start, length, files); return; }
                // Pooled: at most Parallelism buffers live, whatever the number of segments and files.
                var buffer = _buffers.Rent(Math.Max(length, _request.MaxSegment));
                try
                {
                    try
                    {
                        _store.ReadRange(_request.Bucket, key, start, length, buffer, 0, _ct);
                        Interlocked.Increment(ref Requests);
                    }
                    catch (FinBackupException ex)
                    {
                        foreach (var f in files) Outcomes.Enqueue(new Outcome { File = f.Key, Error = ex });
                        return;
                    }
                    foreach (var f in files)
                    {
                        _ct.ThrowIfCancellationRequested();
                        var part = f.Key.Parts[0];
                        var offset = (int)(part.Offset - start);
                        Write(f.Key, TargetOf(f), (stream, hash) =>
                        {
                            stream.Write(buffer, offset, (int)part.Length);
                            hash.AppendData(buffer, offset, (int)part.Length);
                        });
                    }
                }
                finally
                {
                    _buffers.Return(buffer);
                }
            }

            private void RestoreStreamed(ManifestFile file, string target)
            {
                if (_store is IFileRangeStreams streams)
                {
                    // Each part streamed through a small buffer: memory per worker is StreamBuffer, not the chunk size.
                    var small = _buffers.Rent(StreamBuffer);
                    try
                    {
                        Write(file, target, (stream, hash) =>
                        {
                            foreach (var part in file.Parts)
                            {
                                _ct.ThrowIfCancellationRequested();
                                using (var range = streams.OpenRange(_request.Bucket, part.Key, part.Offset, part.Length, _ct))
                                {
                                    Interlocked.Increment(ref Requests);
                                    long read = 0;
                                    Pump(range, part.Length, stream, hash, small, _ct, ref read);
                                }
                            }
                        });
                    }
                    finally
                    {
                        _buffers.Return(small);
                    }
                    return;
                }
                var size = Math.Max(_request.MaxSegment, file.Parts.Count == 0 ? 0 : (int)file.Parts.Max(p => p.Length));
                var buffer = _buffers.Rent(size);
                try
                {
                    Write(file, target, (stream, hash) =>
                    {
                        foreach (var part in file.Parts)
                        {
                            _ct.ThrowIfCancellationRequested();
                            _store.ReadRange(_request.Bucket, part.Key, part.Offset, (int)part.Length, buffer, 0, _ct);
                            Interlocked.Increment(ref Requests);
                            stream.Write(buffer, 0, (int)part.Length);
                            hash.AppendData(buffer, 0, (int)part.Length);
                        }
                    });
                }
                finally
                {
                    _buffers.Return(buffer);
                }
            }

            /// <summary>
            /// The whole file's SHA-256 did not match: name the damaged part when one is (its bytes are read back from the
            /// temporary file and hashed), else the file.
            /// </summary>
            private static FinBackupException Mismatch(ManifestFile file, string temp, string sha)
            {
                try
                {
                    using (var fs = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
                    using (var h = SHA256.Create())
                    {
                        foreach (var part in file.Parts)
                        {
                            var bytes = new byte[part.Length];
                            var n = 0;
                            while (n < bytes.Length)
                            {
                                var r = fs.Read(bytes, n, bytes.Length - n);
                                if (r <= 0) break;
                                n += r;
                            }
                            if (!string.IsNullOrEmpty(part.Sha256) &&
                                !string.Equals(FileBackupLayout.Hex(h.ComputeHash(bytes, 0, n)), part.Sha256, StringComparison.OrdinalIgnoreCase))
                            {
                                return new FinBackupException("FinRestoreChecksumMismatch", FinErrorKind.InvalidData,
                                    $"Bytes {part.Offset}-{part.Offset + part.Length - 1} of '{part.Key}' for '{file.Path}' do not match their SHA-256; the file was not restored.",
                                    "The stored object is damaged or was replaced; restore this file from another recovery point or the DR copy.");
                            }
                        }
                    }
                }
                catch (IOException)
                {
                }
                return new FinBackupException("FinRestoreChecksumMismatch", FinErrorKind.InvalidData,
                    $"The restored bytes of '{file.Path}' have SHA-256 {sha}, not {file.Sha256} as the manifest says; the file was not restored.",
                    "Restore this file from another recovery point or the DR copy.");
            }

            [MethodImpl(JitHints.Hot)]
            private void Write(ManifestFile file, string target, Action<Stream, IncrementalHash> fill)
            {
                _rawTargets.TryGetValue(file, out var raw);
                // A name that is not UTF-8 cannot be created through System.IO: its bytes are written to a temporary file in the
                // destination (same file system) and renamed onto the exact bytes.
                var dir = raw != null ? _destination : Path.GetDirectoryName(target);
                long tempNumber = 0;
                string temp = null;
                try
                {
                    var place = EnsureDirectory(dir, raw == null);
                    // In a staged directory the file is written under its own name (nothing there is visible until the
                    // directory is renamed into place); elsewhere under a temporary name next to its target.
                    if (place.Root != null) temp = string.Concat(place.Physical, Path.DirectorySeparatorChar.ToString(), Path.GetFileName(target));
                    else
                    {
                        tempNumber = Interlocked.Increment(ref _tempCounter);
                        temp = TempName(tempNumber, raw != null, target);
                    }
                    // One hash object per worker thread, reset after every file (GetHashAndReset, or Reset on a failure).
                    var hash = WorkerHash ?? (WorkerHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
                    try
                    {
                        // Unbuffered: every write is a whole part or a whole small file.
                        // Linux: written with write(2) on the descriptor (no lock, no seeks); elsewhere a FileStream.
                        var native = _batched ? NativeFileSystem.CreateNewForWrite(temp) : null;
                        var managed = native == null ? new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1) : null;
                        using (var stream = (Stream)native ?? managed)
                        {
                            fill(stream, hash);
                            var sha = FileBackupLayout.Hex(hash.GetHashAndReset());
                            if (!string.Equals(sha, file.Sha256, StringComparison.OrdinalIgnoreCase))
                            {
                                stream.Dispose();
                                throw Mismatch(file, temp, sha);
                            }
                            if (_batched)
                            {
                                var errno = NativeFileSystem.SetModeAndTime(native.Handle, ModeFor(file), file.ModifiedAt);
                                if (errno != 0) throw NativeFileSystem.Error(errno, "set the mode and time of");
                                // A large file's bytes start on their way to disk now, while the restore goes on downloading,
                                // so the commit's syncfs waits only for the tail (it was a 3 s wait at the end of a 1.1 GB
                                // restore). Small files are left to the batch: a write-out per 2 KiB file costs more than it saves.
                                if (file.Size >= WritebackThreshold) NativeFileSystem.StartWriteback(native.Handle);
                                else HeadStart(file.Size);
                            }
                            else
                            {
                                managed.Flush(true);
                            }
                        }
                    }
                    catch
                    {
                        // Part of a file may be in it: this thread takes a new one for its next file.
                        WorkerHash = null;
                        hash.Dispose();
                        throw;
                    }
                    Interlocked.Increment(ref FilesWritten);
                    Interlocked.Add(ref BytesWritten, file.Size);
                    if (!_batched)
                    {
                        File.SetLastWriteTimeUtc(temp, file.ModifiedAt);
                        NativeStat.Chmod(temp, ModeFor(file));
                        Outcomes.Enqueue(MoveIntoPlace(new Pending { File = file, TempNumber = tempNumber, Target = target, Raw = raw }));
                        return;
                    }
                    bool full;
                    lock (_pendingGate)
                    {
                        // A pending file holds no target string (made again at its rename): 50,000 pending files are ~8 MB less.
                        if (place.Root != null) place.Root.Files.Add(file);
                        else _pending.Add(new Pending { File = file, TempNumber = tempNumber, Target = raw != null ? target : null, Raw = raw });
                        _pendingBytes += file.Size;
                        _pendingCount++;
                        full = _pendingCount >= _request.CommitFiles || _pendingBytes >= _request.CommitBytes;
                    }
                    if (full) Commit(final: false);
                }
                catch (Exception ex)
                {
                    if (temp != null) TryDelete(temp);
                    if (ex is OperationCanceledException) throw;
                    Outcomes.Enqueue(new Outcome { File = file, Error = AsWriteError(ex, file, target) });
                }
            }

            private string TempOf(Pending p) => TempName(p.TempNumber, p.Raw != null, TargetOf(p.File, p.Target));

            /// <summary>
            /// A file's target: the one held for it (only a raw-bytes name holds one), else the resolver's join of the destination
            /// and its path, made again each time rather than held for every file of the plan and every pending rename.
            /// </summary>
            private string TargetOf(ManifestFile file, string held) => held ?? _resolver.Join(file.Path);

            private string TargetOf(KeyValuePair<ManifestFile, string> entry) => TargetOf(entry.Key, entry.Value);

            /// <summary>
            /// dir/.name.finrestore-tag-n, next to the target (same directory, so the rename is atomic); for a name that is not
            /// UTF-8, destination/.raw.finrestore-tag-n.
            /// </summary>
            private string TempName(long number, bool raw, string target)
            {
                var n = number.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
                if (raw) return Path.Combine(_destination, ".raw" + _tempTag + n);
                // target is dir + separator + file name: "." goes in front of the name, in one string.
                var cut = target.Length - Path.GetFileName(target).Length;
                return string.Concat(target.Substring(0, cut), ".", target.Substring(cut), _tempTag + n);
            }

            /// <summary>
            /// The directory created (once per run) and its file system registered for the batched sync. A directory that does
            /// not exist is not created in place when staging: the topmost missing one at or under the destination is made under
            /// a hidden name (<see cref="StagedDirectory"/>), and this one inside it.
            /// </summary>
            private DirectoryPlace EnsureDirectory(string dir, bool create)
            {
                if (_dirs.TryGetValue(dir, out var place)) return place;
                lock (_dirGate)
                {
                    if (_dirs.TryGetValue(dir, out place)) return place;
                    place = DirectoryPlace.InPlace;
                    if (create)
                    {
                        RefuseLinks(dir);
                        place = _stageNew ? StagedPlaceOf(dir) : DirectoryPlace.InPlace;
                        Directory.CreateDirectory(place.Root != null ? place.Physical : dir);
                    }
                    if (_batched) RegisterFileSystem(place.Root != null ? place.Physical : dir);
                    _dirs[dir] = place;
                    return place;
                }
            }

            /// <summary>Under <see cref="_dirGate"/>: in place when the directory exists, else inside the staged directory that holds it (made now if none does).</summary>
            private DirectoryPlace StagedPlaceOf(string dir)
            {
                if (!IsUnder(dir)) return DirectoryPlace.InPlace;
                // Already inside a staged directory?
                for (var up = dir; up != null && IsUnder(up); up = Path.GetDirectoryName(up))
                {
                    if (_staged.TryGetValue(up, out var held))
                        return new DirectoryPlace { Root = held, Physical = held.Staging + dir.Substring(up.Length) };
                }
                if (Directory.Exists(dir)) return DirectoryPlace.InPlace;
                // The topmost missing directory at or under the destination: everything under it is this restore's.
                var top = dir;
                while (!string.Equals(top, _destinationDir, StringComparison.Ordinal))
                {
                    var parent = Path.GetDirectoryName(top);
                    if (parent == null || Directory.Exists(parent)) break;
                    top = parent;
                }
                var outside = Path.GetDirectoryName(top);
                if (outside == null) return DirectoryPlace.InPlace;
                Directory.CreateDirectory(outside); // the destination's parents, when the destination is missing too
                string staging;
                do
                {
                    staging = Path.Combine(outside, "." + Path.GetFileName(top) + _tempTag + "d" +
                        (++_stagedCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                while (Directory.Exists(staging) || File.Exists(staging));
                var root = new StagedDirectory { Logical = top, Staging = staging };
                _staged[top] = root;
                return new DirectoryPlace { Root = root, Physical = staging + dir.Substring(top.Length) };
            }

            /// <summary>
            /// The planned targets were checked for symbolic links when the restore started; a directory on the way that has
            /// become one since (between the destination and the file) is refused rather than followed.
            /// </summary>
            private void RefuseLinks(string dir)
            {
                for (var up = dir; up != null && IsUnder(up) && up.Length > _destinationDir.Length; up = Path.GetDirectoryName(up))
                {
                    if (RestoreTargetResolver.IsLink(up))
                        throw new FinBackupException("FinRestorePathUnsafe", FinErrorKind.SecurityError,
                            $"'{up}' became a symbolic link while the restore ran; nothing is written through it.",
                            "Check who else writes to the destination, then restore into an empty -Destination.");
                }
            }

            /// <summary>The destination, or a path under it.</summary>
            private bool IsUnder(string path) =>
                path.StartsWith(_destinationDir, StringComparison.Ordinal) &&
                (path.Length == _destinationDir.Length || path[_destinationDir.Length] == Path.DirectorySeparatorChar);

            private static FinBackupException AsWriteError(Exception ex, ManifestFile file, string target) =>
                ex as FinBackupException ?? new FinBackupException("FinRestoreWriteFailed", FinErrorKind.WriteError,
                    $"Could not restore '{file.Path}' to '{target}': {ex.Message}", "Check the destination's free space and permissions.", ex);

            private void RegisterFileSystem(string directory)
            {
                var dev = NativeFileSystem.DeviceOf(directory);
                if (dev == null) throw new IOException($"cannot examine the directory '{directory}'");
                lock (_fileSystems)
                {
                    if (_fileSystems.ContainsKey(dev.Value)) return;
                    var fd = NativeFileSystem.OpenDirectory(NativeFileSystem.AtFdCwd, NativeFileSystem.Bytes(directory), true, out var errno);
                    if (fd < 0) throw NativeFileSystem.Error(errno, "open the directory");
                    _fileSystems[dev.Value] = fd;
                    // A second descriptor for the head-start syncs: the kernel reports a write-back error once per open file, so
                    // the head start never takes the report that the commit's sync on the first one must see.
                    var early = NativeFileSystem.OpenDirectory(NativeFileSystem.AtFdCwd, NativeFileSystem.Bytes(directory), true, out _);
                    if (early >= 0) _headStartFds.Add(early);
                }
            }

            /// <summary>Small-file bytes written since the last head start, and whether one is running.</summary>
            private long _unsynced;
            private int _headStartRunning;
            private readonly List<int> _headStartFds = new List<int>();
            /// <summary>Small files' bytes after which the file system is asked to write out what is dirty, in the background.</summary>
            internal const long HeadStartBytes = 16 << 20;

            /// <summary>
            /// Small files are many and each a write-out of its own would cost more than it saves; instead, every
            /// <see cref="HeadStartBytes"/> of them a background syncfs (on the second descriptor) writes out what is dirty while
            /// the restore goes on, so the commit's sync finds little left. Only a head start: durability still comes from the
            /// commit's sync, which reports any error; one at a time, and its result is ignored.
            /// </summary>
            private void HeadStart(long size)
            {
                if (Interlocked.Add(ref _unsynced, size + 4096) < HeadStartBytes) return;
                if (Interlocked.CompareExchange(ref _headStartRunning, 1, 0) != 0) return;
                Interlocked.Exchange(ref _unsynced, 0);
                int[] fds;
                lock (_fileSystems) fds = _headStartFds.ToArray();
                Task.Run(() =>
                {
                    try { foreach (var fd in fds) NativeFileSystem.SyncFileSystem(fd); }
                    finally { Volatile.Write(ref _headStartRunning, 0); }
                });
            }

            private void SyncFileSystems()
            {
                int[] fds;
                lock (_fileSystems) fds = _fileSystems.Values.ToArray();
                foreach (var fd in fds)
                {
                    var errno = NativeFileSystem.SyncFileSystem(fd);
                    if (errno != 0) throw new FinBackupException("FinRestoreWriteFailed", FinErrorKind.WriteError,
                        $"Flushing the restored files to disk failed: {NativeFileSystem.Error(errno, "sync").Message}",
                        "Check the destination's disk and free space, then restore again with -Force.");
                }
            }

            /// <summary>
            /// Syncs what is pending, then renames it into place. One commit at a time; writers keep writing meanwhile. Staged
            /// directories are renamed into place by the final commit only (files may still be written into them before).
            /// </summary>
            private void Commit(bool final)
            {
                if (!_batched) return;
                lock (_commitGate)
                {
                    List<Pending> batch;
                    lock (_pendingGate)
                    {
                        batch = _pending;
                        _pending = new List<Pending>();
                        _pendingBytes = 0;
                        _pendingCount = 0;
                    }
                    if (batch.Count == 0 && !(final && _staged.Count > 0)) return;
                    try
                    {
                        SyncFileSystems();
                    }
                    catch
                    {
                        lock (_pendingGate) _pending.AddRange(batch); // removed by Run's cleanup
                        throw;
                    }
                    foreach (var p in batch) Outcomes.Enqueue(MoveIntoPlace(p));
                    if (!final) return;
                    foreach (var root in _staged.Values.OrderBy(r => r.Logical, StringComparer.Ordinal).ToList())
                    {
                        CommitStaged(root);
                        _staged.Remove(root.Logical);
                    }
                }
            }

            /// <summary>
            /// A staged directory renamed into place: one atomic rename, refused when something appeared at its name meanwhile.
            /// Then its files are moved one by one into what is there (the same checks as a restore into an existing directory:
            /// no symbolic links followed, nothing overwritten without Force), and the staging directory is removed.
            /// </summary>
            private void CommitStaged(StagedDirectory root)
            {
                var errno = NativeFileSystem.Rename(root.Staging, root.Logical, replace: false);
                if (errno == 0)
                {
                    foreach (var f in root.Files) Outcomes.Enqueue(new Outcome { File = f });
                    return;
                }
                var resolver = new RestoreTargetResolver(_destination);
                foreach (var f in root.Files)
                {
                    var target = TargetOf(f, null);
                    var staged = root.Staging + target.Substring(root.Logical.Length);
                    try
                    {
                        var checkedTarget = resolver.Resolve(f.Path, out var reason, out var state);
                        if (checkedTarget == null)
                            throw new FinBackupException("FinRestorePathUnsafe", FinErrorKind.SecurityError,
                                $"'{target}' was not restored: {reason} (it appeared while the restore ran).",
                                "Check who else writes to the destination, then restore into an empty -Destination.");
                        if (state == RestoreTargetState.Directory) throw IsDirectory(target);
                        if (state != RestoreTargetState.Absent && !_request.Force) throw Exists(target);
                        Directory.CreateDirectory(Path.GetDirectoryName(target));
                        RenameOnto(staged, target);
                        Outcomes.Enqueue(new Outcome { File = f });
                    }
                    catch (Exception ex)
                    {
                        TryDelete(staged);
                        Outcomes.Enqueue(new Outcome { File = f, Error = AsWriteError(ex, f, target) });
                    }
                }
                TryDeleteTree(root.Staging);
            }

            /// <summary>Renames a verified temporary file onto its target: over an existing file only with Force.</summary>
            private Outcome MoveIntoPlace(Pending p)
            {
                var target = TargetOf(p.File, p.Target);
                var temp = TempName(p.TempNumber, p.Raw != null, target);
                try
                {
                    if (p.Raw != null) RestorePathGuard.MoveToBytes(temp, _destination, p.Raw);
                    else RenameOnto(temp, target);
                    return new Outcome { File = p.File };
                }
                catch (Exception ex)
                {
                    TryDelete(temp);
                    return new Outcome { File = p.File, Error = AsWriteError(ex, p.File, target) };
                }
            }

            /// <summary>A verified file renamed onto its target. Linux: one atomic rename, refused (EEXIST) over an existing file unless Force.</summary>
            private void RenameOnto(string from, string target)
            {
                var errno = _batched ? NativeFileSystem.Rename(from, target, _request.Force) : -1;
                if (errno == NativeFileSystem.EEXIST && !_request.Force) throw Exists(target);
                if (errno > 0) throw NativeFileSystem.Error(errno, "rename into place");
                if (errno < 0)
                {
                    if (_request.Force && File.Exists(target)) File.Replace(from, target, null);
                    else if (!_request.Force && File.Exists(target)) throw Exists(target);
                    else File.Move(from, target); // fails, never overwrites, when the target appeared meanwhile
                }
            }

            private static void TryDelete(string path)
            {
                try { if (File.Exists(path)) File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }

            /// <summary>A staging directory and what is left in it (only this restore's files and directories: links are removed, not followed).</summary>
            private static void TryDeleteTree(string path)
            {
                try { if (Directory.Exists(path)) Directory.Delete(path, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }
}
