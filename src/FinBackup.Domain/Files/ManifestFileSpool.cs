using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// A backup's manifest entries on disk instead of in memory: the files read in this run are appended as they are made (in
    /// walk order) and read back, as often as needed, when the manifest is written. A 50,000-file backup then holds none of
    /// those entries (about 400 bytes each: the entry, its path, hash and part) while it walks. The spool is a temporary file
    /// deleted when it is disposed; its records are lossless (paths as UTF-16 code units, so a name that is not valid Unicode
    /// comes back unchanged).
    /// </summary>
    internal sealed class ManifestFileSpool : IDisposable
    {
        private const int BufferSize = 1 << 16;
        private FileStream _file;
        private readonly byte[] _buffer = new byte[BufferSize];
        private int _buffered;
        private char[] _chars = new char[256];
        private long _written;
        private string _lastPath;

        public ManifestFileSpool(string directory = null)
        {
            var path = Path.Combine(directory ?? Path.GetTempPath(), "finbackup-entries-" + Guid.NewGuid().ToString("N") + ".bin");
            // Linux and macOS: the name is removed at once and the open descriptor keeps the file, so nothing is left behind
            // even by a killed process. Windows cannot remove an open file: there it goes when the spool is disposed.
            var unix = Path.DirectorySeparatorChar == '/';
            _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, unix ? FileOptions.None : FileOptions.DeleteOnClose);
            if (!unix) return;
            try
            {
                File.Delete(path);
            }
            catch
            {
                _file.Dispose();
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                throw;
            }
        }

        /// <summary>Entries appended.</summary>
        public int Count { get; private set; }

        /// <summary>The sum of the appended entries' sizes.</summary>
        public long TotalBytes { get; private set; }

        /// <summary>True while every entry was appended after one whose path sorts before it (ordinal), as the manifest lists them.</summary>
        public bool InPathOrder { get; private set; } = true;

        /// <summary>Appends a finished entry (every part's key known). The entry is not kept.</summary>
        public void Append(ManifestFile f)
        {
            if (_file == null) throw new ObjectDisposedException(nameof(ManifestFileSpool));
            var parts = f.Parts;
            var count = parts?.Count ?? 0;
            // Checked before anything is written: a refused entry leaves no partial record.
            for (var i = 0; i < count; i++)
            {
                if (parts[i].Key == null)
                    throw new InvalidOperationException($"The entry of '{f.Path}' was spooled before the object holding its bytes was named.");
            }
            if (_lastPath != null && string.CompareOrdinal(_lastPath, f.Path) >= 0) InPathOrder = false;
            _lastPath = f.Path;
            WriteString(f.Path);
            WriteString(f.PathBytes);
            WriteInt64(f.Size);
            WriteInt64(f.Mode);
            WriteInt64(f.ModifiedAt.ToBinary());
            WriteString(f.Sha256);
            WriteInt64(count);
            for (var i = 0; i < count; i++)
            {
                var p = parts[i];
                WriteString(p.Key);
                WriteInt64(p.Offset);
                WriteInt64(p.Length);
                WriteString(p.Sha256);
            }
            Count++;
            TotalBytes += f.Size;
        }

        /// <summary>The entries in the order they were appended, each a new object; read as often as needed.</summary>
        public IEnumerable<ManifestFile> Read()
        {
            if (_file == null) throw new ObjectDisposedException(nameof(ManifestFileSpool));
            Flush();
            return ReadFrom(_file, _written, Count);
        }

        private static IEnumerable<ManifestFile> ReadFrom(FileStream file, long length, int count)
        {
            var reader = new RecordReader(file, length);
            for (var n = 0; n < count; n++)
            {
                var f = new ManifestFile
                {
                    Path = reader.String(),
                    PathBytes = reader.String(),
                    Size = reader.Int64(),
                    Mode = (int)reader.Int64(),
                    ModifiedAt = DateTime.FromBinary(reader.Int64()),
                    Sha256 = reader.String(),
                };
                var parts = (int)reader.Int64();
                var list = parts == 0 ? (IList<ManifestPart>)Array.Empty<ManifestPart>() : new ManifestPart[parts];
                for (var i = 0; i < parts; i++)
                {
                    list[i] = new ManifestPart { Key = reader.String(), Offset = reader.Int64(), Length = reader.Int64(), Sha256 = reader.String() };
                }
                f.Parts = list;
                yield return f;
            }
        }

        private void WriteInt64(long value)
        {
            if (_buffered + 8 > BufferSize) Flush();
            for (var i = 0; i < 8; i++) _buffer[_buffered++] = (byte)(value >> (8 * i));
        }

        private void WriteString(string s)
        {
            if (s == null)
            {
                WriteInt64(-1);
                return;
            }
            WriteInt64(s.Length);
            if (_chars.Length < s.Length) _chars = new char[Math.Max(s.Length, _chars.Length * 2)];
            s.CopyTo(0, _chars, 0, s.Length);
            var bytes = s.Length * 2;
            var at = 0;
            while (at < bytes)
            {
                if (_buffered == BufferSize) Flush();
                var n = Math.Min(bytes - at, BufferSize - _buffered);
                Buffer.BlockCopy(_chars, at, _buffer, _buffered, n);
                at += n;
                _buffered += n;
            }
        }

        private void Flush()
        {
            if (_buffered == 0) return;
            _file.Position = _written;
            _file.Write(_buffer, 0, _buffered);
            _written += _buffered;
            _buffered = 0;
        }

        public void Dispose()
        {
            _file?.Dispose();
            _file = null;
        }

        /// <summary>Reads records back from the start of the spool, through its own buffer.</summary>
        private sealed class RecordReader
        {
            private readonly FileStream _file;
            private readonly long _length;
            private readonly byte[] _buffer = new byte[BufferSize];
            private long _position;
            private int _at, _filled;
            private char[] _chars = new char[256];

            public RecordReader(FileStream file, long length)
            {
                _file = file;
                _length = length;
            }

            public long Int64()
            {
                Need(8);
                long value = 0;
                for (var i = 0; i < 8; i++) value |= (long)_buffer[_at++] << (8 * i);
                return value;
            }

            public string String()
            {
                var length = Int64();
                if (length < 0) return null;
                if (length > int.MaxValue / 2) throw new InvalidDataException("The manifest spool is damaged.");
                var len = (int)length;
                if (_chars.Length < len) _chars = new char[Math.Max(len, _chars.Length * 2)];
                var bytes = len * 2;
                var done = 0;
                while (done < bytes)
                {
                    if (_at == _filled) Need(1);
                    var n = Math.Min(bytes - done, _filled - _at);
                    Buffer.BlockCopy(_buffer, _at, _chars, done, n);
                    _at += n;
                    done += n;
                }
                return new string(_chars, 0, len);
            }

            private void Need(int count)
            {
                if (_filled - _at >= count) return;
                var keep = _filled - _at;
                Buffer.BlockCopy(_buffer, _at, _buffer, 0, keep);
                _at = 0;
                _filled = keep;
                while (_filled < count)
                {
                    var want = (int)Math.Min(BufferSize - _filled, _length - _position);
                    if (want <= 0) throw new InvalidDataException("The manifest spool ended early.");
                    _file.Position = _position;
                    var n = _file.Read(_buffer, _filled, want);
                    if (n <= 0) throw new InvalidDataException("The manifest spool ended early.");
                    _position += n;
                    _filled += n;
                }
            }
        }
    }

    /// <summary>
    /// A manifest's files when most of them are in a <see cref="ManifestFileSpool"/>: the entries held in memory (files
    /// unchanged since the previous backup, large files) merged with the spooled ones, in path order. Both are in path
    /// order (checked by the caller); enumerating reads the spool again. Read-only; meant to be enumerated (indexing reads
    /// the spool up to the entry).
    /// </summary>
    internal sealed class SpooledManifestFiles : IList<ManifestFile>
    {
        private readonly IList<ManifestFile> _held;
        private readonly ManifestFileSpool _spool;

        public SpooledManifestFiles(IList<ManifestFile> held, ManifestFileSpool spool)
        {
            _held = held;
            _spool = spool;
        }

        public int Count => _held.Count + _spool.Count;
        public long TotalBytes
        {
            get
            {
                long total = _spool.TotalBytes;
                for (var i = 0; i < _held.Count; i++) total += _held[i].Size;
                return total;
            }
        }

        public IEnumerator<ManifestFile> GetEnumerator()
        {
            var h = 0;
            using (var spooled = _spool.Read().GetEnumerator())
            {
                var more = spooled.MoveNext();
                while (more || h < _held.Count)
                {
                    if (more && (h == _held.Count || string.CompareOrdinal(spooled.Current.Path, _held[h].Path) < 0))
                    {
                        yield return spooled.Current;
                        more = spooled.MoveNext();
                    }
                    else
                    {
                        yield return _held[h++];
                    }
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        public bool IsReadOnly => true;

        /// <summary>By enumeration (each access reads the spool up to the entry): correct for LINQ, meant for enumeration.</summary>
        public ManifestFile this[int index]
        {
            get
            {
                if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index));
                var i = 0;
                foreach (var f in this)
                {
                    if (i++ == index) return f;
                }
                throw new ArgumentOutOfRangeException(nameof(index));
            }
            set => throw new NotSupportedException("A spooled manifest's files are read-only.");
        }

        public bool Contains(ManifestFile item) => IndexOf(item) >= 0;

        public int IndexOf(ManifestFile item)
        {
            var i = 0;
            foreach (var f in this)
            {
                if (ReferenceEquals(f, item)) return i;
                i++;
            }
            return -1;
        }

        public void CopyTo(ManifestFile[] array, int arrayIndex)
        {
            foreach (var f in this) array[arrayIndex++] = f;
        }

        public void Add(ManifestFile item) => throw new NotSupportedException("A spooled manifest's files are read-only.");
        public void Clear() => throw new NotSupportedException("A spooled manifest's files are read-only.");
        public void Insert(int index, ManifestFile item) => throw new NotSupportedException("A spooled manifest's files are read-only.");
        public bool Remove(ManifestFile item) => throw new NotSupportedException("A spooled manifest's files are read-only.");
        public void RemoveAt(int index) => throw new NotSupportedException("A spooled manifest's files are read-only.");
    }
}
