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
    /// Walk and change detection for one backup run: walks each source (by descriptor on Linux, System.IO elsewhere), names
    /// every skip and failure in the manifest, recognises unchanged files (change cache + previous manifest) and hands the
    /// rest to the <see cref="FileContentUploader"/>, retrying once a file that changed while it was read.
    /// </summary>
    internal sealed class FileTreeWalker
    {
        private readonly FileBackupSettings _s;
        private readonly GlobFilter _filter;
        private readonly FileManifest _manifest;
        private readonly FileBackupSummary _summary;
        private readonly IFileBackupObserver _observer;
        private readonly FileContentUploader _content;
        private readonly Stopwatch _watch;
        private readonly CancellationToken _ct;
        // Change detection: a file is unchanged when its stat equals the cache's and the previous manifest has it with that
        // size, time and hash. The new cache records what this run saw.
        private readonly FileChangeCache _oldCache;
        private readonly IReadOnlyDictionary<string, ManifestFile> _previousByPath;
        // What this run saw, for the next run: written line by line as files are done (unchanged and packed files), the
        // large files' entries held until the uploads have confirmed them (RereadChanged may change or drop them).
        private readonly FileChangeCacheWriter _cacheOut;
        private readonly FileChangeCache _newCache = new FileChangeCache();
        // The manifest's entries: files unchanged since the previous backup (whose entries are held anyway) and large files
        // (which may be read again after the uploads) in memory; packed small files in the spool, each once its pack is named.
        private readonly List<ManifestFile> _held = new List<ManifestFile>();
        private readonly ManifestFileSpool _spool;
        private readonly List<ManifestFile> _waitingForPack = new List<ManifestFile>();
        private long _packsSeen;
        private long _filesSeen, _filesRead, _bytesSeen;
        private TimeSpan _lastProgress = TimeSpan.FromDays(-1);

        public FileTreeWalker(FileBackupRequest request, FileBackupSettings settings, FileManifest manifest, FileBackupSummary summary,
            IFileBackupObserver observer, FileChangeCache oldCache, IReadOnlyDictionary<string, ManifestFile> previousByPath,
            FileContentUploader content, ManifestFileSpool spool, FileChangeCacheWriter cacheOut, Stopwatch watch, CancellationToken ct)
        {
            _cacheOut = cacheOut;
            _spool = spool;
            _s = settings;
            _filter = new GlobFilter(request.Include, request.Exclude);
            _manifest = manifest;
            _summary = summary;
            _observer = observer;
            _oldCache = oldCache;
            _previousByPath = previousByPath;
            _content = content;
            _watch = watch;
            _ct = ct;
        }

        /// <summary>The large files' cache entries (the other files' are already written to the cache writer).</summary>
        public FileChangeCache NewCache => _newCache;

        // ---- walking -------------------------------------------------------------------------------------------

        public void Walk(string source)
        {
            if (NativeFileSystem.Available && !_s.ManagedWalk) WalkNative(source);
            else WalkManaged(source);
        }

        /// <summary>
        /// The manifest's files, in path order, after <see cref="RereadChanged"/>: the held entries merged with the spooled
        /// ones when the walk produced both in path order (both walks do, but for names whose UTF-8 byte order differs from
        /// their text order on Linux, and a file path whose name another path's extends), else all of them read into memory
        /// and sorted.
        /// </summary>
        public IList<ManifestFile> Files()
        {
            SpoolWaiting();
            if (_spool.InPathOrder && InPathOrder(_held)) return new SpooledManifestFiles(_held, _spool);
            _observer.Verbose($"The walk did not find the files in path order (names that sort differently as text than as bytes, or a file path whose name another path's extends); the manifest's {_held.Count + _spool.Count} entries are sorted in memory.");
            var all = new List<ManifestFile>(_held.Count + _spool.Count);
            all.AddRange(_held);
            all.AddRange(_spool.Read());
            all.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            return all;
        }

        private static bool InPathOrder(List<ManifestFile> entries)
        {
            for (var i = 1; i < entries.Count; i++)
            {
                if (string.CompareOrdinal(entries[i - 1].Path, entries[i].Path) >= 0) return false;
            }
            return true;
        }

        /// <summary>A packed file's entry goes to the spool once every pack before the one being filled is named (sealed).</summary>
        private void AddPacked(ManifestFile entry)
        {
            if (_content.PacksSealed != _packsSeen) SpoolWaiting();
            _waitingForPack.Add(entry);
        }

        private void SpoolWaiting()
        {
            _packsSeen = _content.PacksSealed;
            foreach (var e in _waitingForPack) _spool.Append(e);
            _waitingForPack.Clear();
        }

        /// <summary>
        /// Linux: the tree is walked by descriptor (openat/statx/readdir on raw names), so names that are not UTF-8 are kept
        /// exactly (PathBytes) and trees deeper than PATH_MAX are walked. Every entry's type comes from lstat before anything
        /// is opened: only regular files are read (a FIFO is never opened, a device never read); every other entry is a
        /// named skip, recorded in the manifest.
        /// </summary>
        private void WalkNative(string source)
        {
            var name = FileBackupEngine.SourceName(source);
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
                if (_filter.IsSelected(name)) BackupFile(new NativeSourceFile(NativeFileSystem.AtFdCwd, fullBytes, null), name);
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
                WalkDirectory(fd, name, System.Text.Encoding.UTF8.GetBytes(name), true, 0);
            }
            finally
            {
                NativeFileSystem.Close(fd);
            }
        }

        private const int MaxDepth = 2048;

        /// <summary>A directory's entry, stat'ed, waiting for its turn in path order.</summary>
        private struct Child
        {
            public byte[] Name;
            public byte[] Terminated;
            public NativeStatResult? Stat;
            public int Errno;
            public bool IsDirectory => Stat.HasValue && Stat.Value.Kind == FileKind.Directory;
        }

        /// <summary>
        /// Every entry is stat'ed first, then visited in the order the manifest lists paths: a directory where its name
        /// followed by '/' sorts, so that "a-b" comes before "a/c" and the walk's entries are already in path order (the
        /// manifest's entries can then stay on disk, see <see cref="ManifestFileSpool"/>).
        /// </summary>
        [MethodImpl(JitHints.Hot)]
        private void WalkDirectory(int dirfd, string rel, byte[] relBytes, bool relExact, int depth)
        {
            _ct.ThrowIfCancellationRequested();
            var names = NativeFileSystem.ReadDirectory(dirfd, out var errno);
            if (names == null)
            {
                Fail(ReadError(NativeFileSystem.Error(errno, "read directory"), rel + "/", "directory"), rel + "/", relExact ? null : relBytes);
                return;
            }
            var children = new Child[names.Count];
            for (var i = 0; i < children.Length; i++)
            {
                var terminated = NativeFileSystem.Terminated(names[i]);
                children[i] = new Child { Name = names[i], Terminated = terminated, Stat = NativeFileSystem.StatAt(dirfd, terminated, false, out errno) };
                children[i].Errno = errno;
            }
            names = null;
            Array.Sort(children, CompareAsPaths);
            foreach (var child in children)
            {
                var nameBytes = child.Name;
                var display = NativeFileSystem.Display(nameBytes, out var exact);
                var childRel = rel + "/" + display;
                var childBytes = new byte[relBytes.Length + 1 + nameBytes.Length];
                Buffer.BlockCopy(relBytes, 0, childBytes, 0, relBytes.Length);
                childBytes[relBytes.Length] = (byte)'/';
                Buffer.BlockCopy(nameBytes, 0, childBytes, relBytes.Length + 1, nameBytes.Length);
                var childExact = relExact && exact;
                var raw = childExact ? null : childBytes;
                var st = child.Stat;
                if (st == null)
                {
                    Fail(ReadError(NativeFileSystem.Error(child.Errno, "stat"), childRel), childRel, raw);
                    continue;
                }
                switch (st.Value.Kind)
                {
                    case FileKind.Directory:
                        if (_filter.IsExcluded(childRel)) Skip(childRel + "/", "excluded");
                        else WalkSubdirectory(dirfd, child.Terminated, childRel, childBytes, childExact, depth);
                        continue;
                    case FileKind.Regular:
                        if (!_filter.IsSelected(childRel))
                        {
                            if (_filter.IsExcluded(childRel)) Skip(childRel, "excluded");
                            continue;
                        }
                        BackupFile(new NativeSourceFile(dirfd, child.Terminated, raw == null ? null : Convert.ToBase64String(raw)), childRel, st.Value.Stat);
                        continue;
                    default:
                        if (_filter.IsExcluded(childRel)) { Skip(childRel, "excluded"); continue; }
                        SkipSpecial(childRel, raw, st.Value.Kind);
                        continue;
                }
            }
        }

        private void WalkSubdirectory(int dirfd, byte[] terminatedName, string childRel, byte[] childBytes, bool childExact, int depth)
        {
            if (depth + 1 > MaxDepth)
            {
                Fail(new FinBackupException("FinFilePathTooDeep", FinErrorKind.ReadError,
                    $"The directory '{childRel}/' is more than {MaxDepth} levels deep; it was not backed up.",
                    "Back up a deeper directory as its own path, or exclude it."), childRel + "/", childExact ? null : childBytes);
                return;
            }
            var fd = NativeFileSystem.OpenDirectory(dirfd, terminatedName, false, out var errno);
            if (fd < 0)
            {
                Fail(ReadError(NativeFileSystem.Error(errno, "open"), childRel + "/", "directory"), childRel + "/", childExact ? null : childBytes);
                return;
            }
            try
            {
                WalkDirectory(fd, childRel, childBytes, childExact, depth + 1);
            }
            finally
            {
                NativeFileSystem.Close(fd);
            }
        }

        /// <summary>Byte order of the names, a directory's name followed by '/' (the order of the paths under it).</summary>
        private static int CompareAsPaths(Child a, Child b)
        {
            var x = a.Name;
            var y = b.Name;
            var xl = x.Length + (a.IsDirectory ? 1 : 0);
            var yl = y.Length + (b.IsDirectory ? 1 : 0);
            var n = Math.Min(xl, yl);
            for (var i = 0; i < n; i++)
            {
                int cx = i < x.Length ? x[i] : '/';
                int cy = i < y.Length ? y[i] : '/';
                if (cx != cy) return cx - cy;
            }
            return xl - yl;
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
        private void WalkManaged(string source)
        {
            var name = FileBackupEngine.SourceName(source);
            var full = Path.GetFullPath(source);
            if (File.Exists(full))
            {
                var info = new FileInfo(full);
                if (_filter.IsSelected(name)) BackupFile(new ManagedSourceFile(info), name);
                else Skip(name, "not selected by -Include/-Exclude");
                return;
            }
            if (!Directory.Exists(full))
            {
                Fail(new FinBackupException("FinFileSourceNotFound", FinErrorKind.ObjectNotFound,
                    $"The path '{source}' does not exist.", "Check the path on this host, or remove it from the file set."), name);
                return;
            }
            // Depth first in the manifest's path order (a directory where its name followed by '/' sorts), so the entries
            // come in path order: an entry is examined when it is popped; a directory that is walked pushes its children.
            var stack = new Stack<ManagedEntry>();
            stack.Push(new ManagedEntry(new DirectoryInfo(full), name, walk: true));
            while (stack.Count > 0)
            {
                _ct.ThrowIfCancellationRequested();
                var current = stack.Pop();
                if (!current.Walk)
                {
                    var child = current.Info;
                    var rel = current.Rel;
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
                    if (!(child is DirectoryInfo))
                    {
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
                        BackupFile(new ManagedSourceFile((FileInfo)child), rel);
                        continue;
                    }
                    if (_filter.IsExcluded(rel))
                    {
                        Skip(rel + "/", "excluded");
                        continue;
                    }
                }
                FileSystemInfo[] children;
                try
                {
                    children = ((DirectoryInfo)current.Info).GetFileSystemInfos();
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException || ex is System.Security.SecurityException)
                {
                    Fail(ReadError(ex, current.Rel + "/", "directory"), current.Rel + "/");
                    continue;
                }
                var keys = new string[children.Length];
                for (var i = 0; i < children.Length; i++) keys[i] = children[i] is DirectoryInfo ? children[i].Name + "/" : children[i].Name;
                Array.Sort(keys, children, StringComparer.Ordinal);
                for (var i = children.Length - 1; i >= 0; i--) stack.Push(new ManagedEntry(children[i], current.Rel + "/" + children[i].Name, walk: false));
            }
        }

        /// <summary>An entry of the managed walk: examined when popped, or (<see cref="Walk"/>) a directory to list.</summary>
        private struct ManagedEntry
        {
            public readonly FileSystemInfo Info;
            public readonly string Rel;
            public readonly bool Walk;

            public ManagedEntry(FileSystemInfo info, string rel, bool walk)
            {
                Info = info;
                Rel = rel;
                Walk = walk;
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

        /// <param name="walked">The lstat the walk just took of this very name (Linux), so it is not taken twice.</param>
        [MethodImpl(JitHints.Hot)]
        private void BackupFile(SourceFile info, string rel, FileStat? walked = null)
        {
            _ct.ThrowIfCancellationRequested();
            FileStat stat;
            try
            {
                stat = walked ?? info.Stat();
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
                _held.Add(unchanged);
                _summary.FilesUnchanged++;
                _cacheOut?.Add(unchanged.Path, stat, unchanged.Sha256);
                ReportProgress(rel, false);
                return;
            }

            for (var attempt = 1; attempt <= 2; attempt++)
            {
                ManifestFile entry;
                var small = _content.IsSmall(stat.Size);
                try
                {
                    entry = small ? _content.ReadSmall(info, rel, stat, attempt) : _content.ReadLarge(info, rel, stat, attempt);
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
                    if (small)
                    {
                        AddPacked(entry);
                        _cacheOut?.Add(rel, stat, entry.Sha256);
                    }
                    else
                    {
                        _held.Add(entry);
                        _newCache.Set(rel, stat, entry.Sha256);
                    }
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
            Fail(KeptChanging(rel), rel);
        }

        private static FinBackupException KeptChanging(string rel) =>
            new FinBackupException("FinFileChangedDuringBackup", FinErrorKind.ReadError,
                $"The file '{rel}' kept changing while it was read; it was not backed up (no torn copy is stored).",
                "Back it up when it is quiet (or from a snapshot), or exclude it if it is scratch data.");

        /// <summary>
        /// After the uploads: large files rewritten in place between their read and the upload of their chunks (the uploads
        /// found other bytes than those hashed, so not all their chunks are stored). Each is read once more, through the handle
        /// it was read with, and its entry updated in place; one that changes again is dropped from the manifest and reported as a file
        /// that kept changing (FinFileChangedDuringBackup), as one that changes twice while it is read.
        /// </summary>
        public void RereadChanged(IReadOnlyList<LargeFileSource> changed)
        {
            var dropped = new HashSet<ManifestFile>();
            for (var round = 1; changed.Count > 0; round++)
            {
                foreach (var source in changed)
                {
                    var entry = source.Entry;
                    if (round > 1)
                    {
                        source.Close();
                        Drop(entry, KeptChanging(source.Rel), dropped);
                        continue;
                    }
                    _observer.Verbose($"'{source.Rel}' changed after it was read (its bytes no longer match their hash); reading it again.");
                    ManifestFile again;
                    FileStat stat;
                    try
                    {
                        again = _content.ReadLargeAgain(source, out stat);
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                    {
                        source.Close();
                        Drop(entry, ReadError(ex, source.Rel), dropped);
                        continue;
                    }
                    if (again == null)
                    {
                        source.Close();
                        Drop(entry, KeptChanging(source.Rel), dropped);
                        continue;
                    }
                    _newCache.Set(entry.Path, stat, again.Sha256); // again is entry, updated
                }
                changed = _content.Finish();
            }
            if (dropped.Count > 0) _held.RemoveAll(dropped.Contains);
        }

        private void Drop(ManifestFile entry, FinBackupException error, HashSet<ManifestFile> dropped)
        {
            dropped.Add(entry);
            _newCache.Remove(entry.Path);
            _manifest.Missing.Add(new ManifestMissingFile { Path = entry.Path, PathBytes = entry.PathBytes, ErrorId = error.ErrorId, Reason = error.Message });
            _observer.Failed(error, entry.Path);
        }

        [MethodImpl(JitHints.Hot)]
        private bool TryUnchanged(string rel, FileStat stat, out ManifestFile entry)
        {
            entry = null;
            if (!_oldCache.TryGet(rel, out var cached) || !cached.Stat.Equals(stat)) return false;
            if (!_previousByPath.TryGetValue(rel, out var prev)) return false;
            if (prev.Size != stat.Size || prev.ModifiedAt.Ticks != stat.ModifiedTicks || !string.Equals(prev.Sha256, cached.Sha256, StringComparison.Ordinal)) return false;
            // The previous manifest's entry becomes this manifest's (that manifest is not kept): one object per file, not two.
            prev.Mode = stat.Mode;
            prev.ModifiedAt = stat.ModifiedAt;
            entry = prev;
            return true;
        }
        public void ReportProgress(string current, bool force)
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
                BytesRead = _content.BytesRead,
                BytesUploaded = _content.BytesUploaded,
                Elapsed = elapsed,
            });
        }
    }

    /// <summary>A regular file to back up: its stat and a way to open it, by path (System.IO) or by directory descriptor (Linux).</summary>
    internal abstract class SourceFile
    {
        /// <summary>The exact bytes of the relative path (base64) when they are not UTF-8, else null.</summary>
        public string PathBytes { get; protected set; }
        public abstract FileStat Stat();
        public abstract Stream OpenRead(bool sequential);
        /// <summary>The stat of the file as opened by <see cref="OpenRead"/> (by descriptor where it can be, else by path).</summary>
        public virtual FileStat StatOf(Stream opened) => Stat();

        /// <summary>
        /// Reads a small file whole: up to <paramref name="expectedSize"/> + 1 bytes into <paramref name="buffer"/> at
        /// <paramref name="offset"/> (one more than expected shows a file that grew), then calls <paramref name="afterRead"/>
        /// and gives the stat of what was read (<paramref name="after"/>). The bytes read. Throws IOException.
        /// </summary>
        public virtual int ReadWhole(byte[] buffer, int offset, int expectedSize, Action afterRead, out FileStat after)
        {
            var total = 0;
            using (var fs = OpenRead(sequential: false))
            {
                var count = expectedSize + 1;
                while (total < count)
                {
                    var n = fs.Read(buffer, offset + total, count - total);
                    if (n <= 0) break;
                    total += n;
                }
            }
            afterRead?.Invoke();
            after = Stat();
            return total;
        }
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

        /// <summary>By descriptor: the stat after the read is the inode's that was read, wherever its name now points.</summary>
        public override int ReadWhole(byte[] buffer, int offset, int expectedSize, Action afterRead, out FileStat after) =>
            NativeFileSystem.ReadWholeAt(_dirfd, _name, buffer, offset, expectedSize, afterRead, out after);

        /// <summary>fstat of the open file: the inode that was read, wherever its name now points.</summary>
        public override FileStat StatOf(Stream opened)
        {
            var handle = ((FileStream)opened).SafeFileHandle;
            var st = NativeFileSystem.StatFd((int)handle.DangerousGetHandle(), out var errno);
            if (st == null) throw NativeFileSystem.Error(errno, "stat");
            return st.Value.Stat;
        }
    }
}
