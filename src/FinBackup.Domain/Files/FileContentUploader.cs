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
    /// requests at once, the bytes in flight bounded by a <see cref="BufferBudget"/> over pooled buffers. Reading and hashing
    /// run on the caller's thread; the listing of the bucket's content is taken once per run.
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

        // Content the bucket is known to hold: whole-file SHA-256 -> parts (previous manifest and this run),
        // chunk SHA-256 -> state.
        private readonly Dictionary<string, IList<ManifestPart>> _knownFiles = new Dictionary<string, IList<ManifestPart>>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, bool> _knownChunks = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        // What the bucket holds, listed once per run: chunk SHA-256 -> object, pack key -> size. Nothing is reused
        // (from the previous manifest or the listing) unless the object is there and as long as the manifest needs.
        private Dictionary<string, StoredObject> _listedChunks;
        private Dictionary<string, long> _listedPacks;

        private readonly BufferBudget _budget;
        private readonly BufferPool _buffers = new BufferPool();
        /// <summary>A pack's buffer: chunk-sized when a pack fits one (the default), so packs reuse the chunks' buffers.</summary>
        private readonly int _packBufferSize;
        private readonly SemaphoreSlim _requests;
        private readonly List<Task> _uploads = new List<Task>();
        private readonly ConcurrentQueue<Exception> _uploadErrors = new ConcurrentQueue<Exception>();
        private long _bytesUploaded;
        private long _objectsPut;
        private long _objectsTouched;
        private long _bytesRead;

        private readonly IncrementalHash _smallHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
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
            _packBufferSize = Math.Max(_s.PackSize + _s.SmallFileThreshold, _s.ChunkSize);
            var budget = _s.MaxBufferedBytes > 0 ? _s.MaxBufferedBytes : (long)Math.Max(1, _s.Parallelism) * _s.ChunkSize;
            _budget = new BufferBudget(Math.Max(budget, _packBufferSize));
            _requests = new SemaphoreSlim(Math.Max(1, _s.Parallelism));
        }

        public long BytesRead => _bytesRead;
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
            if (f.Sha256 != null && !_knownFiles.ContainsKey(f.Sha256)) _knownFiles[f.Sha256] = f.Parts;
            // Indexed, not foreach: an IList's enumerator is an object per file (two per file on a 50,000-file re-run).
            var fileParts = f.Parts;
            for (var i = 0; i < fileParts.Count; i++)
            {
                var p = fileParts[i];
                if (p.Key != null && p.Key.StartsWith(FileBackupLayout.DataPrefix, StringComparison.Ordinal) && p.Sha256 != null)
                {
                    _knownChunks[p.Sha256] = true;
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

        /// <summary>Seals the last pack and waits for every upload; throws the first upload failure.</summary>
        public void Finish()
        {
            SealPack();
            WaitUploads();
        }

        /// <summary>Lets the run's content knowledge go (before the manifest is serialised).</summary>
        public void Forget()
        {
            _knownFiles.Clear();
            _knownChunks.Clear();
            _listedChunks = null;
            _listedPacks = null;
        }

        // ---- packing and chunking ------------------------------------------------------------------------------------
        [MethodImpl(JitHints.Hot)]
        public ManifestFile ReadSmall(SourceFile info, string rel, FileStat before, int attempt)
        {
            var size = (int)before.Size;
            if (_pack == null || _packLength + size > _s.PackSize) { SealPack(); }
            if (_pack == null)
            {
                _budget.Acquire(_packBufferSize, _ct);
                _pack = _buffers.Rent(_packBufferSize);
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
            // One hash object for every small file of the run (ReadSmall runs on the caller's thread only).
            _smallHash.AppendData(_pack, _packLength, size);
            var sha = FileBackupLayout.Hex(_smallHash.GetHashAndReset());
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

        public ManifestFile ReadLarge(SourceFile info, string rel, FileStat before, int attempt)
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
                    var buffer = _buffers.Rent(_s.ChunkSize);
                    int n;
                    try
                    {
                        n = ReadFully(fs, buffer, 0, _s.ChunkSize);
                    }
                    catch
                    {
                        _buffers.Return(buffer);
                        _budget.Release(_s.ChunkSize);
                        throw;
                    }
                    if (n == 0)
                    {
                        _buffers.Return(buffer);
                        _budget.Release(_s.ChunkSize);
                        break;
                    }
                    fileHash.AppendData(buffer, 0, n);
                    var part = new ManifestPart { Offset = 0, Length = n };
                    parts.Add(part);
                    total += n;
                    _bytesRead += n;
                    StartChunkUpload(buffer, n, part);
                    _progress(rel);
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
            foreach (var o in _store.List(_bucket, FileBackupLayout.DataPrefix, _ct))
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
            foreach (var o in _store.List(_bucket, FileBackupLayout.PackPrefix, _ct)) _listedPacks[o.Key] = o.Size;
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
                            WithRequestSlot(() => _store.Touch(_bucket, part.Key, _writeOptions, _ct));
                            Interlocked.Increment(ref _objectsTouched);
                        }
                        return;
                    }
                    WithRequestSlot(() => _store.PutContent(_bucket, part.Key, buffer, count, hash, _writeOptions, _ct));
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
            var reserved = _packBufferSize;
            if (count == 0)
            {
                _buffers.Return(buffer);
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
                    WithRequestSlot(() => _store.PutContent(_bucket, key, buffer, count, hash, _writeOptions, _ct));
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
                    _progress(null);
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


        public void Dispose()
        {
            try { Task.WaitAll(_uploads.ToArray()); } catch (AggregateException) { }
            if (_pack != null) { _buffers.Return(_pack); _pack = null; }
            _requests.Dispose();
            _smallHash.Dispose();
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
}
