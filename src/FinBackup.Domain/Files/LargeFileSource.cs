using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// A large file held open while its chunks upload. Its chunks are not kept in memory: each is hashed when the file is
    /// read, then read again from this handle by its upload (<see cref="ChunkStream"/>), which checks the bytes it sends
    /// against that hash. A file rewritten in place in between is marked changed (its upload fails before its last bytes
    /// are sent) and stays open so that it can be read once more through the same handle, the same inode the walk saw.
    /// Reads by several uploads at once are serialised (positional reads under one lock).
    /// </summary>
    internal sealed class LargeFileSource
    {
        private readonly Stream _stream;
        private readonly object _gate = new object();
        private readonly Action<LargeFileSource> _changedAndReleased;
        private int _holds = 1; // the reader's own, released when it has read the whole file
        private volatile bool _changed;
        private bool _abandoned;
        private bool _closed;

        /// <param name="changedAndReleased">Called once, by whoever releases the last hold, when the file changed under an upload (the handle stays open for the retry).</param>
        public LargeFileSource(SourceFile file, string rel, Stream stream, Action<LargeFileSource> changedAndReleased)
        {
            File = file;
            Rel = rel;
            _stream = stream;
            _changedAndReleased = changedAndReleased;
        }

        public SourceFile File { get; }
        public string Rel { get; }
        public Stream Stream => _stream;

        /// <summary>The manifest entry made from this read (set by the reader when the file was read whole and unchanged).</summary>
        public ManifestFile Entry { get; set; }

        /// <summary>Whether an upload found bytes that differ from the hash taken when the file was read.</summary>
        public bool Changed => _changed;

        public void MarkChanged() => _changed = true;

        /// <summary>The read was given up (the file changed while it was read): its uploads go on, but nothing retries it from here.</summary>
        public void Abandon()
        {
            lock (_gate) _abandoned = true;
        }

        /// <summary>One more upload reads from this file.</summary>
        public void Hold() => Interlocked.Increment(ref _holds);

        /// <summary>
        /// An upload (or the reader) is done with the file. The last one closes it, unless it changed under an upload and was
        /// not given up: then it stays open and is handed over for the retry.
        /// </summary>
        public void Release()
        {
            if (Interlocked.Decrement(ref _holds) != 0) return;
            bool retry;
            lock (_gate) retry = _changed && !_abandoned && Entry != null;
            if (retry) _changedAndReleased(this);
            else Close();
        }

        public void Close()
        {
            lock (_gate)
            {
                if (_closed) return;
                _closed = true;
                _stream.Dispose();
            }
        }

        /// <summary>Reads at a position of the file (uploads share the handle; each read sets the position under the lock).</summary>
        public int ReadAt(long position, byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                if (_closed) throw new ObjectDisposedException(Rel);
                _stream.Position = position;
                return _stream.Read(buffer, offset, count);
            }
        }

        /// <summary>The bytes of a chunk as its upload sends them, checked against the chunk's hash (a new stream per upload).</summary>
        public ChunkStream OpenChunk(long offset, long length, byte[] sha256) => new ChunkStream(this, offset, length, sha256);
    }

    /// <summary>
    /// One chunk of a <see cref="LargeFileSource"/>, read from the file as an upload sends it, in windows of 64 KiB. The bytes
    /// are hashed as they are read; before any of the window that ends the chunk is handed over, the hash must equal the one
    /// taken when the file was read, else <see cref="SourceChangedException"/> (and the source is marked changed), so a PUT
    /// never completes with bytes other than those its key and checksum name. Seekable back to the start, for a retried request.
    /// </summary>
    internal sealed class ChunkStream : Stream
    {
        private readonly LargeFileSource _source;
        private readonly long _offset;
        private readonly long _length;
        private readonly byte[] _expected;
        // The SDK reads a request body a few KiB at a time: the file is read in windows of this size (under the LOH threshold).
        private const int WindowSize = 64 << 10;
        private IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] _window;
        private long _windowStart;
        private long _windowEnd;
        private long _position;

        public ChunkStream(LargeFileSource source, long offset, long length, byte[] expectedSha256)
        {
            _source = source;
            _offset = offset;
            _length = length;
            _expected = expectedSha256;
        }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_source.Changed) throw Changed();
            if (_position >= _length || count <= 0) return 0;
            if (_position >= _windowEnd) Fill();
            var n = (int)Math.Min(count, _windowEnd - _position);
            Buffer.BlockCopy(_window, (int)(_position - _windowStart), buffer, offset, n);
            _position += n;
            return n;
        }

        /// <summary>
        /// Reads the next window of the chunk from the file and hashes it; the window that reaches the chunk's end is checked
        /// against the expected hash before any of it is handed over.
        /// </summary>
        private void Fill()
        {
            if (_window == null) _window = new byte[WindowSize];
            var want = (int)Math.Min(_window.Length, _length - _position);
            var got = 0;
            while (got < want)
            {
                var n = _source.ReadAt(_offset + _position + got, _window, got, want - got);
                if (n <= 0)
                {
                    _source.MarkChanged();
                    throw Changed(); // shorter than when it was read
                }
                got += n;
            }
            _hash.AppendData(_window, 0, got);
            _windowStart = _position;
            _windowEnd = _position + got;
            if (_windowEnd == _length && !Equal(_hash.GetHashAndReset(), _expected))
            {
                _source.MarkChanged();
                _windowEnd = _windowStart; // nothing of it is handed over
                throw Changed();
            }
        }

        private SourceChangedException Changed() =>
            new SourceChangedException($"'{_source.Rel}' changed after it was read: the bytes at {_offset}..{_offset + _length} no longer match their hash.");

        private static bool Equal(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            var diff = 0;
            for (var i = 0; i < a.Length; i++) diff |= a[i] ^ b[i];
            return diff == 0;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            var target = origin == SeekOrigin.Begin ? offset : origin == SeekOrigin.Current ? _position + offset : _length + offset;
            if (target == _position) return _position;
            if (target != 0) throw new NotSupportedException("A chunk is read from its start (a retried request seeks back to 0).");
            _hash.Dispose();
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            _position = 0;
            _windowStart = _windowEnd = 0;
            return 0;
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A source file's bytes differ from those hashed when it was read (rewritten in place during the backup).</summary>
    internal sealed class SourceChangedException : IOException
    {
        public SourceChangedException(string message) : base(message) { }
    }
}
