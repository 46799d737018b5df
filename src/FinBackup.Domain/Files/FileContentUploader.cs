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
using System.Runtime.CompilerServices;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Packing and upload for one backup run: small files are packed into pack objects, large files cut into chunks named by
    /// their SHA-256; only what the bucket does not hold is uploaded, by worker tasks, at most <see cref="FileBackupSettings.Parallelism"/>
    /// requests at once. Packs are the only content held in memory (pooled buffers, bounded by one <see cref="BufferBudget"/>);
    /// a large file's chunks are read again from the open file by their uploads and checked against their hash
    /// (<see cref="LargeFileSource"/>), at most Parallelism chunks ahead (another budget). Reading and hashing run on the
    /// caller's thread; the listing of the bucket's content is taken once per run.
    /// </summary>
    internal sealed class FileContentUploader : IDisposable
    {
        private readonly IFileBackupStore _store;
        private readonly string _bucket;
        private readonly FileBackupSettings _s;
        private readonly ObjectWriteOptions _writeOptions;
        private readonly IFileBackupObserver _observer;
        private readonly CancellationToken _ct;
        private readonly DateTime _now;
        private readonly Action<string> _progress;

        // Content the bucket is known to hold: whole-file SHA-256 -> its parts (IList<ManifestPart>, a previous manifest's,
        // shared) or where this run packed it (a ManifestPart without a hash: the table keeps 32 bytes of hash and a location
        // per packed file, not the hash's text; the file's entry is in the manifest spool); chunk SHA-256 -> state.
        private readonly Dictionary<Sha256Key, object> _knownFiles = new Dictionary<Sha256Key, object>();
        // Chunks: SHA-256 -> whether the bucket holds it (a completed true), or its upload in this run (pending; false when it
        // failed, by then removed from the table).
        private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _chunks = new ConcurrentDictionary<string, TaskCompletionSource<bool>>(StringComparer.Ordinal);
        private static readonly TaskCompletionSource<bool> Held = Completed(true);
        // What the bucket holds, listed once per run: chunk SHA-256 -> object, pack key -> size. Nothing is reused
        // (from the previous manifest or the listing) unless the object is there and as long as the manifest needs.
        private Dictionary<string, StoredObject> _listedChunks;
        private Dictionary<string, long> _listedPacks;
        // The listings started ahead (StartListing), taken by the first EnsureChunkListing / EnsureContentListing.
        private Task<IReadOnlyList<StoredObject>> _chunkListing, _packListing;

        /// <summary>Bytes of packs in memory (filling or uploading).</summary>
        private readonly BufferBudget _packMemory;
        /// <summary>Bytes of chunks read and not yet uploaded (read again from the file by their uploads, not held).</summary>
        private readonly BufferBudget _readAhead;
        private readonly BufferPool _buffers = new BufferPool();
        /// <summary>A pack's buffer: PackSize, or the largest small file when that is larger, plus one byte.</summary>
        private readonly int _packBufferSize;
        private readonly SemaphoreSlim _requests;
        private readonly List<Task> _uploads = new List<Task>();
        private readonly ConcurrentQueue<Exception> _uploadErrors = new ConcurrentQueue<Exception>();
        private long _bytesUploaded;
        private long _objectsPut;
        private long _objectsTouched;
        private long _bytesRead;
        private long _packsSealed;

        private readonly IncrementalHash _smallHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Large files: read on the caller's thread in pieces of the read buffer into both hashes.
        private const int ReadBufferSize = 1 << 20;
        private byte[] _readBuffer;
        private readonly IncrementalHash _fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly IncrementalHash _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly ConcurrentQueue<LargeFileSource> _changedSources = new ConcurrentQueue<LargeFileSource>();
        private byte[] _pack;
        private int _packLength;
        private List<ManifestPart> _packParts = new List<ManifestPart>();

        /// <param name="progress">Called on the caller's thread while a large file is read and while uploads are awaited (the current path or null).</param>
        public FileContentUploader(IFileBackupStore store, string bucket, FileBackupSettings settings, ObjectWriteOptions writeOptions,
            IFileBackupObserver observer, DateTime now, Action<string> progress, CancellationToken ct)
        {
            _store = store;
            _bucket = bucket;
            _s = settings;
            _writeOptions = writeOptions;
            _observer = observer;
            _now = now;
            _progress = progress;
            _ct = ct;
            // A file is appended only while the pack stays within PackSize, and a file that starts a pack is smaller than
            // SmallFileThreshold: the buffer holds either, plus the one byte that shows a file grew after its stat.
            _packBufferSize = Math.Max(_s.PackSize, _s.SmallFileThreshold - 1) + 1;
            var packMemory = _s.MaxBufferedBytes > 0 ? _s.MaxBufferedBytes : FileBackupSettings.DefaultPacksInMemory * (long)_packBufferSize;
            _packMemory = new BufferBudget(Math.Max(packMemory, _packBufferSize));
            _readAhead = new BufferBudget((long)Math.Max(1, _s.Parallelism) * _s.ChunkSize);
            _requests = new SemaphoreSlim(Math.Max(1, _s.Parallelism));
        }

        public long BytesRead => _bytesRead;
        /// <summary>Packs sealed so far: every part read into a pack before the one being filled has its key.</summary>
        public long PacksSealed => _packsSealed;
        public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);
        public long ObjectsPut => Interlocked.Read(ref _objectsPut);
        public long ObjectsTouched => Interlocked.Read(ref _objectsTouched);

        /// <summary>Whether a file of this size is packed (else chunked).</summary>
        public bool IsSmall(long size) => size < _s.SmallFileThreshold;

        // ---- what the bucket holds ---------------------------------------------------------------------------------

        /// <summary>
        /// Content of a previous manifest's file that may be referenced again: every part is in this run's listing and the
        /// object is long enough for it (absent keys go to <paramref name="missing"/>). When it may, its content is known.
        /// </summary>
        [MethodImpl(JitHints.Hot)]
        public bool TryReuse(ManifestFile f, HashSet<string> missing)
        {
            EnsureContentListing();
            if (!ContentPresent(f.Parts, missing)) return false;
            if (Sha256Key.TryParse(f.Sha256, out var known) && !_knownFiles.ContainsKey(known)) _knownFiles[known] = f.Parts;
            // Indexed, not foreach: an IList's enumerator is an object per file (two per file on a 50,000-file re-run).
            var fileParts = f.Parts;
            for (var i = 0; i < fileParts.Count; i++)
            {
                var p = fileParts[i];
                if (p.Key != null && p.Key.StartsWith(FileBackupLayout.DataPrefix, StringComparison.Ordinal) && p.Sha256 != null)
                {
                    _chunks[p.Sha256] = Held;
                }
            }
            return true;
        }

        [MethodImpl(JitHints.Hot)]
        private bool ContentPresent(IList<ManifestPart> parts, HashSet<string> missing)
        {
            var present = true;
            for (var i = 0; i < parts.Count; i++)
            {
                var p = parts[i];
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

        /// <summary>
        /// Seals the last pack and waits for every upload; throws the first upload failure. Returns the large files whose
        /// bytes changed after they were read (their chunks are not all stored): read them again with <see cref="ReadLargeAgain"/>
        /// and finish again, or drop them from the manifest.
        /// </summary>
        public IReadOnlyList<LargeFileSource> Finish()
        {
            SealPack();
            WaitUploads();
            return TakeChanged();
        }

        private static TaskCompletionSource<bool> Completed(bool value)
        {
            var t = new TaskCompletionSource<bool>();
            t.SetResult(value);
            return t;
        }

        /// <summary>Lets the run's content knowledge go (before the manifest is serialised).</summary>
        public void Forget()
        {
            _knownFiles.Clear();
            _chunks.Clear();
            _listedChunks = null;
            _listedPacks = null;
            _chunkListing = null;
            _packListing = null;
        }

        // ---- packing and chunking ------------------------------------------------------------------------------------
        [MethodImpl(JitHints.Hot)]
        public ManifestFile ReadSmall(SourceFile info, string rel, FileStat before, int attempt)
        {
            var size = (int)before.Size;
            if (_pack == null || _packLength + size > _s.PackSize) { SealPack(); }
            if (_pack == null)
            {
                _packMemory.Acquire(_packBufferSize, _ct);
                _pack = _buffers.Rent(_packBufferSize);
                _packLength = 0;
            }
            var hook = _s.AfterFileRead;
            var read = info.ReadWhole(_pack, _packLength, size, hook == null ? null : (Action)(() => hook(rel, attempt)), out var after);
            _bytesRead += read;
            if (read != size || !after.Equals(before)) return null;
            // One hash object for every small file of the run (ReadSmall runs on the caller's thread only).
            _smallHash.AppendData(_pack, _packLength, size);
            var hash = _smallHash.GetHashAndReset();
            var key = Sha256Key.From(hash);
            var sha = FileBackupLayout.Hex(hash);
            var entry = new ManifestFile { Path = rel, Size = size, Mode = before.Mode, ModifiedAt = before.ModifiedAt, Sha256 = sha };
            if (_knownFiles.TryGetValue(key, out var known))
            {
                entry.Parts = known is ManifestPart packed ? new[] { PartAt(packed, sha) } : (IList<ManifestPart>)known;
                return entry;
            }
            if (size == 0)
            {
                entry.Parts = Array.Empty<ManifestPart>();
                _knownFiles[key] = entry.Parts;
                return entry;
            }
            // An array of one, not a list: half the memory, for each of a tree's many small files.
            var part = new ManifestPart { Offset = _packLength, Length = size, Sha256 = sha };
            entry.Parts = new[] { part };
            var located = new ManifestPart { Offset = _packLength, Length = size };
            _packParts.Add(part);
            _packParts.Add(located);
            _knownFiles[key] = located;
            _packLength += size;
            return entry;
        }

        /// <summary>A file's part at a packed location; named with the pack when the pack is sealed if it is the one being filled.</summary>
        private ManifestPart PartAt(ManifestPart location, string sha)
        {
            var part = new ManifestPart { Key = location.Key, Offset = location.Offset, Length = location.Length, Sha256 = sha };
            if (part.Key == null) _packParts.Add(part);
            return part;
        }

        /// <summary>
        /// Reads a large file once: hashes it whole and chunk by chunk, and starts an upload for each chunk the bucket does not
        /// hold. The chunks are not kept in memory: each upload reads its chunk again from the open file and checks it against
        /// the hash (<see cref="LargeFileSource"/>). Null when the file changed while it was read (its stat or size).
        /// </summary>
        public ManifestFile ReadLarge(SourceFile info, string rel, FileStat before, int attempt)
        {
            EnsureChunkListing();
            var source = new LargeFileSource(info, rel, info.OpenRead(sequential: true), _changedSources.Enqueue);
            return ReadChunks(source, before, attempt, () => info.Stat());
        }

        /// <summary>
        /// Reads once more a file that changed after it was read (<see cref="Finish"/> returned it), through the handle it was
        /// read with, and updates its entry; <paramref name="stat"/> is the handle's stat before the read. Null when it changed
        /// while read again (the entry is then left as it was).
        /// </summary>
        public ManifestFile ReadLargeAgain(LargeFileSource changed, out FileStat stat)
        {
            var before = changed.File.StatOf(changed.Stream);
            stat = before;
            var source = new LargeFileSource(changed.File, changed.Rel, changed.Stream, _changedSources.Enqueue);
            return ReadChunks(source, before, 2, () => changed.File.StatOf(changed.Stream), changed.Entry);
        }

        /// <param name="existing">The entry to update (a file read again: its entry is already in the manifest), else null for a new one.</param>
        private ManifestFile ReadChunks(LargeFileSource source, FileStat before, int attempt, Func<FileStat> statAfter, ManifestFile existing = null)
        {
            if (_readBuffer == null) _readBuffer = new byte[(int)Math.Min(ReadBufferSize, _s.ChunkSize)];
            var parts = new List<ManifestPart>();
            long total = 0;
            ManifestFile entry = null;
            try
            {
                while (true)
                {
                    _ct.ThrowIfCancellationRequested();
                    ThrowIfUploadFailed();
                    var n = ReadChunk(source, total);
                    if (n == 0) break;
                    var chunkSha = _chunkHash.GetHashAndReset();
                    var hex = FileBackupLayout.Hex(chunkSha);
                    var part = new ManifestPart { Offset = 0, Length = n, Sha256 = hex, Key = FileBackupLayout.ChunkKey(hex) };
                    parts.Add(part);
                    StartChunkUpload(source, total, n, chunkSha, part.Key, hex);
                    total += n;
                    _bytesRead += n;
                    _progress(source.Rel);
                    if (n < _s.ChunkSize) break;
                }
                _s.AfterFileRead?.Invoke(source.Rel, attempt);
                var after = statAfter();
                if (total != before.Size || !after.Equals(before)) return null;
                var sha = FileBackupLayout.Hex(_fileHash.GetHashAndReset());
                var made = existing ?? new ManifestFile { Path = source.Rel };
                made.Size = total;
                made.Mode = before.Mode;
                made.ModifiedAt = before.ModifiedAt;
                made.Sha256 = sha;
                made.Parts = parts;
                source.Entry = entry = made;
                return entry;
            }
            finally
            {
                if (entry == null)
                {
                    source.Abandon();
                    _fileHash.GetHashAndReset();
                    _chunkHash.GetHashAndReset();
                }
                source.Release();
            }
        }

        /// <summary>Reads up to a chunk at <paramref name="position"/> into both hashes (the file's, the chunk's); the bytes read.</summary>
        private int ReadChunk(LargeFileSource source, long position)
        {
            var total = 0;
            while (total < _s.ChunkSize)
            {
                var n = source.ReadAt(position + total, _readBuffer, 0, Math.Min(_readBuffer.Length, _s.ChunkSize - total));
                if (n <= 0) break;
                _fileHash.AppendData(_readBuffer, 0, n);
                _chunkHash.AppendData(_readBuffer, 0, n);
                total += n;
            }
            return total;
        }

        /// <summary>Files that changed after they were read, for <see cref="ReadLargeAgain"/> (each with its handle still open).</summary>
        private List<LargeFileSource> TakeChanged()
        {
            var changed = new List<LargeFileSource>();
            while (_changedSources.TryDequeue(out var source)) changed.Add(source);
            return changed;
        }

        /// <summary>
        /// Starts both listings in the background, for a run that is about to reuse a previous manifest's content: they
        /// then take place while that manifest is fetched and parsed instead of after it (two LIST series that do not
        /// depend on it). Taken, and any failure thrown, by the first caller that needs them, on its own thread.
        /// </summary>
        public void StartListing()
        {
            if (_listedChunks == null && _chunkListing == null) _chunkListing = ListAhead(FileBackupLayout.DataPrefix);
            if (_listedPacks == null && _packListing == null) _packListing = ListAhead(FileBackupLayout.PackPrefix);
        }

        private Task<IReadOnlyList<StoredObject>> ListAhead(string prefix)
        {
            var task = Task.Run(() => _store.List(_bucket, prefix, _ct), _ct);
            // A listing never taken (the run stopped before it) must not leave an unobserved failure behind.
            task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return task;
        }

        /// <summary>The listing of <paramref name="prefix"/>: the one started ahead if there is one, else listed now.</summary>
        private IReadOnlyList<StoredObject> Listing(ref Task<IReadOnlyList<StoredObject>> ahead, string prefix)
        {
            var task = ahead;
            ahead = null;
            return task != null ? task.GetAwaiter().GetResult() : _store.List(_bucket, prefix, _ct);
        }

        private void EnsureChunkListing()
        {
            if (_listedChunks != null) return;
            _listedChunks = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
            foreach (var o in Listing(ref _chunkListing, FileBackupLayout.DataPrefix))
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
            foreach (var o in Listing(ref _packListing, FileBackupLayout.PackPrefix)) _listedPacks[o.Key] = o.Size;
        }

        /// <summary>
        /// Makes sure the bucket gets a chunk: nothing when it holds it already (the previous manifest, the listing, or this
        /// run); a wait when another file's upload of the same bytes is in flight (it may yet fail, its file having changed);
        /// else an upload of its own from <paramref name="source"/>.
        /// </summary>
        private void StartChunkUpload(LargeFileSource source, long offset, int count, byte[] sha, string key, string hex)
        {
            while (true)
            {
                if (_chunks.TryGetValue(hex, out var existing))
                {
                    if (!existing.Task.IsCompleted) WaitFor(existing.Task);
                    if (existing.Task.Result) return;
                    continue; // its upload failed (removed from the table first): take it over
                }
                _readAhead.Acquire(count, _ct);
                var mine = new TaskCompletionSource<bool>();
                if (!_chunks.TryAdd(hex, mine))
                {
                    _readAhead.Release(count);
                    continue;
                }
                source.Hold();
                var listed = _listedChunks;
                var refreshBefore = _now - TimeSpan.FromTicks(_s.GracePeriod.Ticks / 2);
                _uploads.Add(Task.Run(() =>
                {
                    var stored = false;
                    try
                    {
                        if (listed.TryGetValue(hex, out var o) && o.Size == count && string.Equals(o.Key, key, StringComparison.Ordinal))
                        {
                            if (o.LastModified < refreshBefore)
                            {
                                WithRequestSlot(() => _store.Touch(_bucket, key, _writeOptions, _ct));
                                Interlocked.Increment(ref _objectsTouched);
                            }
                            stored = true;
                            return;
                        }
                        using (var body = source.OpenChunk(offset, count, sha))
                        {
                            WithRequestSlot(() => _store.PutContent(_bucket, key, body, count, sha, _writeOptions, _ct));
                        }
                        Interlocked.Add(ref _bytesUploaded, count);
                        Interlocked.Increment(ref _objectsPut);
                        stored = true;
                    }
                    catch (Exception ex)
                    {
                        // A file rewritten since it was read is read again (Finish); any other failure fails the run.
                        if (!source.Changed) _uploadErrors.Enqueue(ex);
                    }
                    finally
                    {
                        if (!stored) ((ICollection<KeyValuePair<string, TaskCompletionSource<bool>>>)_chunks).Remove(new KeyValuePair<string, TaskCompletionSource<bool>>(hex, mine));
                        mine.TrySetResult(stored);
                        _readAhead.Release(count);
                        source.Release();
                    }
                }));
                return;
            }
        }

        private void WaitFor(Task task)
        {
            while (!task.Wait(100, _ct)) _progress(null);
        }

        private void SealPack()
        {
            if (_pack == null) return;
            _packsSealed++;
            var buffer = _pack;
            var count = _packLength;
            var parts = _packParts;
            _pack = null;
            _packLength = 0;
            _packParts = new List<ManifestPart>();
            var reserved = _packBufferSize;
            if (count == 0)
            {
                _buffers.Return(buffer);
                _packMemory.Release(reserved);
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
                    using (var body = new MemoryStream(buffer, 0, count, false))
                    {
                        WithRequestSlot(() => _store.PutContent(_bucket, key, body, count, hash, _writeOptions, _ct));
                    }
                    Interlocked.Add(ref _bytesUploaded, count);
                    Interlocked.Increment(ref _objectsPut);
                }
                catch (Exception ex)
                {
                    _uploadErrors.Enqueue(ex);
                }
                finally
                {
                    _buffers.Return(buffer);
                    _packMemory.Release(reserved);
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
                    _progress(null);
                }
            }
            _uploads.Clear();
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


        public void Dispose()
        {
            try { Task.WaitAll(_uploads.ToArray()); } catch (AggregateException) { }
            if (_pack != null) { _buffers.Return(_pack); _pack = null; }
            foreach (var source in TakeChanged()) source.Close();
            _requests.Dispose();
            _smallHash.Dispose();
            _fileHash.Dispose();
            _chunkHash.Dispose();
        }
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

    /// <summary>
    /// Reuses large buffers (chunks, packs, restore segments) within one run, so a long run does not churn the large-object
    /// heap; the pool belongs to the run and goes with it (a session that ran a backup does not keep its buffers).
    /// </summary>
    internal sealed class BufferPool
    {
        private const int KeptPerSize = 16;
        private readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> _bags = new ConcurrentDictionary<int, ConcurrentBag<byte[]>>();

        public byte[] Rent(int size)
        {
            var bag = _bags.GetOrAdd(size, _ => new ConcurrentBag<byte[]>());
            return bag.TryTake(out var b) ? b : new byte[size];
        }

        public void Return(byte[] buffer)
        {
            var bag = _bags.GetOrAdd(buffer.Length, _ => new ConcurrentBag<byte[]>());
            if (bag.Count < KeptPerSize) bag.Add(buffer);
        }
    }

    /// <summary>A SHA-256 as a table key: 32 bytes in the entry, not a 64-character string on the heap.</summary>
    internal readonly struct Sha256Key : IEquatable<Sha256Key>
    {
        private readonly ulong _a, _b, _c, _d;

        private Sha256Key(ulong a, ulong b, ulong c, ulong d)
        {
            _a = a;
            _b = b;
            _c = c;
            _d = d;
        }

        public static Sha256Key From(byte[] hash)
        {
            if (hash == null || hash.Length != 32) throw new ArgumentException("A SHA-256 is 32 bytes.", nameof(hash));
            return new Sha256Key(Word(hash, 0), Word(hash, 8), Word(hash, 16), Word(hash, 24));
        }

        /// <summary>Parses 64 lower-case hex digits (the manifest's form); false for anything else (null, another length, upper case).</summary>
        public static bool TryParse(string hex, out Sha256Key key)
        {
            key = default(Sha256Key);
            if (hex == null || hex.Length != 64) return false;
            if (!HexWord(hex, 0, out var a) || !HexWord(hex, 16, out var b) || !HexWord(hex, 32, out var c) || !HexWord(hex, 48, out var d)) return false;
            key = new Sha256Key(a, b, c, d);
            return true;
        }

        private static bool HexWord(string hex, int at, out ulong word)
        {
            word = 0;
            for (var i = at; i < at + 16; i++)
            {
                var c = hex[i];
                int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (v < 0) return false;
                word = (word << 4) | (uint)v;
            }
            return true;
        }

        private static ulong Word(byte[] b, int at)
        {
            ulong w = 0;
            for (var i = 0; i < 8; i++) w = (w << 8) | b[at + i];
            return w;
        }

        public bool Equals(Sha256Key other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;
        public override bool Equals(object obj) => obj is Sha256Key k && Equals(k);
        public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);
    }
}
