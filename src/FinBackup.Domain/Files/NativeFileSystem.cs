using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using System.Runtime.CompilerServices;

namespace FinBackup.Domain.Files
{
    /// <summary>What a directory entry is (from lstat: a symbolic link is a link, not what it points to).</summary>
    public enum FileKind
    {
        Missing,
        Regular,
        Directory,
        SymbolicLink,
        NamedPipe,
        CharacterDevice,
        BlockDevice,
        Socket,
        Unknown,
    }

    /// <summary>
    /// The type of a file without opening it (opening a FIFO blocks until a writer comes; reading /dev/zero never ends).
    /// statx(2) on Linux (one struct layout on every architecture), file attributes elsewhere.
    /// </summary>
    public static class FileTypeProbe
    {
        /// <summary>The kind of <paramref name="path"/>; <paramref name="followLinks"/> false reports a link as a link.</summary>
        public static FileKind Kind(string path, bool followLinks)
        {
            if (NativeFileSystem.Available)
            {
                var st = NativeFileSystem.StatAt(NativeFileSystem.AtFdCwd, NativeFileSystem.Bytes(path), followLinks, out var errno);
                if (st == null) return errno == NativeFileSystem.ENOENT || errno == NativeFileSystem.ENOTDIR ? FileKind.Missing : FileKind.Unknown;
                return st.Value.Kind;
            }
            var info = new FileInfo(path);
            if (!info.Exists && !Directory.Exists(path)) return FileKind.Missing;
            var a = info.Attributes;
            if ((int)a == -1) return FileKind.Unknown;
            if (!followLinks && (a & FileAttributes.ReparsePoint) != 0) return FileKind.SymbolicLink;
            if ((a & FileAttributes.Directory) != 0) return FileKind.Directory;
            if ((a & FileAttributes.Device) != 0) return FileKind.CharacterDevice;
            return FileKind.Regular;
        }

        /// <summary>How a kind reads in a message ("a named pipe (FIFO)").</summary>
        public static string Describe(FileKind kind)
        {
            switch (kind)
            {
                case FileKind.Regular: return "a regular file";
                case FileKind.Directory: return "a directory";
                case FileKind.SymbolicLink: return "a symbolic link";
                case FileKind.NamedPipe: return "a named pipe (FIFO)";
                case FileKind.CharacterDevice: return "a character device";
                case FileKind.BlockDevice: return "a block device";
                case FileKind.Socket: return "a socket";
                case FileKind.Missing: return "missing";
                default: return "not a regular file";
            }
        }
    }

    /// <summary>Result of statx(2): kind, size, mtime, inode, permission bits.</summary>
    internal struct NativeStatResult
    {
        public FileKind Kind;
        public FileStat Stat;
    }

    /// <summary>
    /// Linux file-system calls on raw byte names, relative to directory descriptors (openat, statx, readdir, renameat):
    /// names that are not UTF-8 are walked and recreated exactly, and no full path is ever formed, so trees deeper than
    /// PATH_MAX (4 KB) are walked too. Not available elsewhere (callers fall back to System.IO).
    /// </summary>
    internal static class NativeFileSystem
    {
        public const int AtFdCwd = -100;
        public const int ENOENT = 2, EACCES = 13, EEXIST = 17, ENOTDIR = 20, ENAMETOOLONG = 36, ELOOP = 40, EPERM = 1;
        private const int AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
        private const uint STATX_BASIC_STATS = 0x7ff;
        private const int O_RDONLY = 0, O_NOCTTY = 0x100, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
        private static readonly bool Arm = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm;
        private static readonly int O_DIRECTORY = Arm ? 0x4000 : 0x10000;
        private static readonly int O_NOFOLLOW = Arm ? 0x8000 : 0x20000;
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);
        private static readonly Encoding EscapingUtf8 = Encoding.GetEncoding("utf-8", EncoderFallback.ExceptionFallback, new HexEscapeFallback());
        private static bool? _available;

        /// <summary>True on 64-bit Linux with a libc that has statx (glibc 2.28+).</summary>
        public static bool Available
        {
            get
            {
                if (_available.HasValue) return _available.Value;
                var ok = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && IntPtr.Size == 8;
                if (ok)
                {
                    try
                    {
                        var buf = new byte[256];
                        ok = statx(AtFdCwd, Bytes("/"), 0, STATX_BASIC_STATS, buf) == 0;
                    }
                    catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException)
                    {
                        ok = false;
                    }
                }
                _available = ok;
                return ok;
            }
        }

        [DllImport("libc", SetLastError = true)] private static extern int statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);
        [DllImport("libc", SetLastError = true)] private static extern int openat(int dirfd, byte[] path, int flags, int mode);
        [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
        [DllImport("libc", SetLastError = true)] private static extern int dup(int fd);
        [DllImport("libc", SetLastError = true)] private static extern IntPtr fdopendir(int fd);
        [DllImport("libc", SetLastError = true)] private static extern IntPtr readdir(IntPtr dir);
        [DllImport("libc", SetLastError = true)] private static extern int closedir(IntPtr dir);
        [DllImport("libc", SetLastError = true)] private static extern int mkdirat(int dirfd, byte[] path, uint mode);
        [DllImport("libc", SetLastError = true)] private static extern int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath);
        [DllImport("libc", SetLastError = true)] private static extern int syncfs(int fd);
        [DllImport("libc", SetLastError = true)] private static extern int sync_file_range(int fd, long offset, long nbytes, uint flags);
        [DllImport("libc", SetLastError = true)] private static extern int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, uint flags);
        [DllImport("libc", SetLastError = true)] private static extern int fchmod(int fd, uint mode);
        [DllImport("libc", SetLastError = true)] private static extern int futimens(int fd, long[] times);

        /// <summary>NUL-terminated UTF-8 of a .NET path.</summary>
        public static byte[] Bytes(string path)
        {
            var n = Encoding.UTF8.GetByteCount(path);
            var b = new byte[n + 1];
            Encoding.UTF8.GetBytes(path, 0, path.Length, b, 0);
            return b;
        }

        public static byte[] Terminated(byte[] name)
        {
            var b = new byte[name.Length + 1];
            Buffer.BlockCopy(name, 0, b, 0, name.Length);
            return b;
        }

        /// <summary>A name as text: UTF-8 when valid (<paramref name="exact"/> true), else with each invalid byte shown as \xNN.</summary>
        [MethodImpl(JitHints.Hot)]
        public static string Display(byte[] name, out bool exact)
        {
            try
            {
                exact = true;
                return StrictUtf8.GetString(name);
            }
            catch (DecoderFallbackException)
            {
                exact = false;
                return EscapingUtf8.GetString(name);
            }
        }

        // statx's result, one buffer per thread (a backup stats each small file three times: 50,000 files made 40 MB of
        // 256-byte buffers).
        [ThreadStatic] private static byte[] _statBuffer;
        private static readonly byte[] EmptyPath = new byte[1];

        private static byte[] StatBuffer() => _statBuffer ?? (_statBuffer = new byte[256]);

        [MethodImpl(JitHints.Hot)]
        public static NativeStatResult? StatAt(int dirfd, byte[] terminatedName, bool follow, out int errno)
        {
            var buf = StatBuffer();
            var flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
            if (statx(dirfd, terminatedName, flags, STATX_BASIC_STATS, buf) != 0)
            {
                errno = Marshal.GetLastWin32Error();
                return null;
            }
            errno = 0;
            return Decode(buf);
        }

        public static NativeStatResult? StatFd(int fd, out int errno)
        {
            var buf = StatBuffer();
            if (statx(fd, EmptyPath, AT_EMPTY_PATH, STATX_BASIC_STATS, buf) != 0)
            {
                errno = Marshal.GetLastWin32Error();
                return null;
            }
            errno = 0;
            return Decode(buf);
        }

        private static NativeStatResult Decode(byte[] buf)
        {
            // struct statx: stx_mode u16 at 28, stx_ino u64 at 32, stx_size u64 at 40, stx_mtime {i64 sec, u32 nsec} at 112.
            var mode = BitConverter.ToUInt16(buf, 28);
            var sec = BitConverter.ToInt64(buf, 112);
            var nsec = BitConverter.ToUInt32(buf, 120);
            var ticks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks + sec * TimeSpan.TicksPerSecond + nsec / 100;
            FileKind kind;
            switch (mode & 0xF000)
            {
                case 0x8000: kind = FileKind.Regular; break;
                case 0x4000: kind = FileKind.Directory; break;
                case 0xA000: kind = FileKind.SymbolicLink; break;
                case 0x1000: kind = FileKind.NamedPipe; break;
                case 0x2000: kind = FileKind.CharacterDevice; break;
                case 0x6000: kind = FileKind.BlockDevice; break;
                case 0xC000: kind = FileKind.Socket; break;
                default: kind = FileKind.Unknown; break;
            }
            return new NativeStatResult
            {
                Kind = kind,
                Stat = new FileStat
                {
                    Size = (long)BitConverter.ToUInt64(buf, 40),
                    ModifiedTicks = ticks,
                    Inode = BitConverter.ToUInt64(buf, 32),
                    Mode = mode & 0xFFF,
                },
            };
        }

        /// <summary>Opens a directory (no link followed when <paramref name="follow"/> is false); -1 with errno on failure.</summary>
        public static int OpenDirectory(int dirfd, byte[] terminatedName, bool follow, out int errno)
        {
            var fd = openat(dirfd, terminatedName, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW), 0);
            errno = fd < 0 ? Marshal.GetLastWin32Error() : 0;
            return fd;
        }

        /// <summary>
        /// Opens a regular file for reading: O_NONBLOCK (a FIFO swapped in after the type check cannot block the open),
        /// O_NOFOLLOW, O_NOCTTY; then checks through the descriptor that it is a regular file. Throws IOException otherwise.
        /// </summary>
        public static FileStream OpenRegularFile(int dirfd, byte[] terminatedName, bool sequential)
        {
            var handle = new SafeFileHandle((IntPtr)OpenRegularDescriptor(dirfd, terminatedName), true);
            try
            {
                return new FileStream(handle, FileAccess.Read, 1, false);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The descriptor of a regular file, opened O_NONBLOCK | O_NOFOLLOW | O_NOCTTY and checked regular through it (the
        /// caller closes it). Throws IOException.
        /// </summary>
        private static int OpenRegularDescriptor(int dirfd, byte[] terminatedName)
        {
            var fd = openat(dirfd, terminatedName, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0);
            if (fd < 0) throw Error(Marshal.GetLastWin32Error(), "open");
            var st = StatFd(fd, out var errno);
            if (st != null && st.Value.Kind == FileKind.Regular) return fd;
            close(fd);
            throw st == null ? Error(errno, "stat") : new IOException("it became " + FileTypeProbe.Describe(st.Value.Kind) + " while it was backed up");
        }

        [DllImport("libc", SetLastError = true)] private static extern IntPtr pread(int fd, ref byte buffer, IntPtr count, long offset);

        /// <summary>
        /// Reads a small file whole, by descriptor (<see cref="OpenRegularDescriptor"/>): up to
        /// <paramref name="expectedSize"/> + 1 bytes into <paramref name="buffer"/> at <paramref name="offset"/> (the caller
        /// leaves that room), so that a file that grew since its stat reads one byte more. Once the expected size is read
        /// there is no probe for more: growth after the read shows in <paramref name="after"/>, the fstat of the inode that was
        /// read, taken after <paramref name="afterRead"/> and before the descriptor is closed. Five system calls (openat,
        /// fstat, pread, fstat, close) instead of a FileStream's nine. Throws IOException.
        /// </summary>
        [MethodImpl(JitHints.Hot)]
        public static int ReadWholeAt(int dirfd, byte[] terminatedName, byte[] buffer, int offset, int expectedSize, Action afterRead, out FileStat after)
        {
            const int EINTR = 4;
            var count = expectedSize + 1;
            if (offset < 0 || expectedSize < 0 || buffer.Length - offset < count) throw new ArgumentOutOfRangeException(nameof(expectedSize));
            var fd = OpenRegularDescriptor(dirfd, terminatedName);
            try
            {
                int errno;
                var total = 0;
                while (total < count)
                {
                    // A zero-length request would pass a reference past the array's end: count - total is at least 1 here.
                    var n = (long)pread(fd, ref buffer[offset + total], (IntPtr)(count - total), total);
                    if (n < 0)
                    {
                        errno = Marshal.GetLastWin32Error();
                        if (errno == EINTR) continue;
                        throw Error(errno, "read");
                    }
                    if (n == 0) break;
                    total += (int)n;
                    if (total >= expectedSize) break; // the expected size (or one byte more) is in: no probe for more
                }
                afterRead?.Invoke();
                var st = StatFd(fd, out errno);
                if (st == null) throw Error(errno, "stat");
                after = st.Value.Stat;
                return total;
            }
            finally
            {
                close(fd);
            }
        }

        /// <summary>
        /// Creates a new file for writing (O_CREAT | O_EXCL, never through a symbolic link, mode 0600 until the caller sets the
        /// manifest's). Throws IOException.
        /// </summary>
        public static NativeFileWriter CreateNewForWrite(string path)
        {
            const int O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80;
            var fd = openat(AtFdCwd, Bytes(path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0x180 /* 0600 */);
            if (fd < 0) throw Error(Marshal.GetLastWin32Error(), "create");
            return new NativeFileWriter(new SafeFileHandle((IntPtr)fd, true));
        }

        [DllImport("libc", SetLastError = true)] private static extern IntPtr write(int fd, ref byte buffer, IntPtr count);

        /// <summary>write(2) of all <paramref name="count"/> bytes (short writes and EINTR continued); errno or 0.</summary>
        internal static int WriteAll(SafeFileHandle handle, byte[] buffer, int offset, int count)
        {
            const int EINTR = 4;
            var fd = (int)handle.DangerousGetHandle();
            while (count > 0)
            {
                var n = (long)write(fd, ref buffer[offset], (IntPtr)count);
                if (n < 0)
                {
                    var errno = Marshal.GetLastWin32Error();
                    if (errno == EINTR) continue;
                    return errno;
                }
                offset += (int)n;
                count -= (int)n;
            }
            return 0;
        }

        public static void Close(int fd)
        {
            if (fd >= 0) close(fd);
        }

        /// <summary>The entries of an open directory (not . and ..), as raw names.</summary>
        [MethodImpl(JitHints.Hot)]
        public static List<byte[]> ReadDirectory(int dirfd, out int errno)
        {
            var copy = dup(dirfd);
            if (copy < 0)
            {
                errno = Marshal.GetLastWin32Error();
                return null;
            }
            var dir = fdopendir(copy);
            if (dir == IntPtr.Zero)
            {
                errno = Marshal.GetLastWin32Error();
                close(copy);
                return null;
            }
            var names = new List<byte[]>();
            try
            {
                while (true)
                {
                    var entry = readdir(dir);
                    if (entry == IntPtr.Zero) break;
                    // struct dirent (glibc, 64-bit): d_ino 8, d_off 8, d_reclen 2, d_type 1, d_name at 19.
                    var len = 0;
                    while (Marshal.ReadByte(entry, 19 + len) != 0) len++;
                    if (len == 1 && Marshal.ReadByte(entry, 19) == (byte)'.') continue;
                    if (len == 2 && Marshal.ReadByte(entry, 19) == (byte)'.' && Marshal.ReadByte(entry, 20) == (byte)'.') continue;
                    var name = new byte[len];
                    Marshal.Copy(IntPtr.Add(entry, 19), name, 0, len);
                    names.Add(name);
                }
            }
            finally
            {
                closedir(dir);
            }
            errno = 0;
            return names;
        }

        /// <summary>Creates a directory under an open one (EEXIST is fine); returns errno or 0.</summary>
        public static int MakeDirectoryAt(int dirfd, byte[] terminatedName, int mode)
        {
            if (mkdirat(dirfd, terminatedName, (uint)mode) == 0) return 0;
            var e = Marshal.GetLastWin32Error();
            return e == EEXIST ? 0 : e;
        }

        /// <summary>The file system (st_dev) a path is on, following links; null when it cannot be examined.</summary>
        public static ulong? DeviceOf(string path)
        {
            var buf = new byte[256];
            if (statx(AtFdCwd, Bytes(path), 0, STATX_BASIC_STATS, buf) != 0) return null;
            // struct statx: stx_dev_major u32 at 136, stx_dev_minor u32 at 140.
            return ((ulong)BitConverter.ToUInt32(buf, 136) << 32) | BitConverter.ToUInt32(buf, 140);
        }

        /// <summary>syncfs(2): every dirty page and metadata of the file system holding <paramref name="fd"/> reaches the disk. errno or 0.</summary>
        public static int SyncFileSystem(int fd) => syncfs(fd) == 0 ? 0 : Marshal.GetLastWin32Error();

        /// <summary>Sets the permission bits (when positive) and the modification time of an open file (atime untouched); errno or 0.</summary>
        public static int SetModeAndTime(SafeFileHandle handle, int mode, DateTime modifiedUtc)
        {
            var fd = (int)handle.DangerousGetHandle();
            if (mode > 0 && fchmod(fd, (uint)(mode & 0xFFF)) != 0) return Marshal.GetLastWin32Error();
            var ticks = modifiedUtc.ToUniversalTime().Ticks - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
            var sec = ticks >= 0 ? ticks / TimeSpan.TicksPerSecond : -((-ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
            var nsec = (ticks - sec * TimeSpan.TicksPerSecond) * 100;
            const long UtimeOmit = (1L << 30) - 2;
            var times = new[] { 0, UtimeOmit, sec, nsec };
            return futimens(fd, times) == 0 ? 0 : Marshal.GetLastWin32Error();
        }

        /// <summary>
        /// Asks the kernel to start writing the file's dirty pages to disk now, without waiting (sync_file_range
        /// SYNC_FILE_RANGE_WRITE). Only a head start: it guarantees nothing, so durability still comes from the later
        /// syncfs (or fsync), which reports any error; a failure here is ignored.
        /// </summary>
        public static void StartWriteback(SafeFileHandle handle)
        {
            const uint SyncFileRangeWrite = 2;
            if (_noWriteback) return;
            try
            {
                _ = sync_file_range((int)handle.DangerousGetHandle(), 0, 0, SyncFileRangeWrite);
            }
            catch (EntryPointNotFoundException)
            {
                _noWriteback = true;
            }
        }

        private static bool _noWriteback;

        public const int EINVAL = 22, ENOSYS = 38;
        private static bool _noReplaceUnsupported;

        /// <summary>
        /// rename(2) of <paramref name="from"/> onto <paramref name="to"/> (full paths): with <paramref name="replace"/> false,
        /// atomically refused (EEXIST) when the target exists (renameat2 RENAME_NOREPLACE). Returns errno or 0; -1 when the
        /// kernel or file system cannot refuse atomically (the caller falls back).
        /// </summary>
        public static int Rename(string from, string to, bool replace)
        {
            if (replace) return renameat(AtFdCwd, Bytes(from), AtFdCwd, Bytes(to)) == 0 ? 0 : Marshal.GetLastWin32Error();
            if (_noReplaceUnsupported) return -1;
            try
            {
                if (renameat2(AtFdCwd, Bytes(from), AtFdCwd, Bytes(to), 1 /* RENAME_NOREPLACE */) == 0) return 0;
            }
            catch (EntryPointNotFoundException)
            {
                _noReplaceUnsupported = true;
                return -1;
            }
            var e = Marshal.GetLastWin32Error();
            if (e == EINVAL || e == ENOSYS) { _noReplaceUnsupported = true; return -1; }
            return e;
        }

        public static int RenameAt(int olddirfd, byte[] oldName, int newdirfd, byte[] newName)
        {
            return renameat(olddirfd, oldName, newdirfd, newName) == 0 ? 0 : Marshal.GetLastWin32Error();
        }

        public static IOException Error(int errno, string what)
        {
            switch (errno)
            {
                case EACCES:
                case EPERM:
                    return new AccessDenied("Permission denied (" + what + ")");
                case ENOENT: return new FileNotFoundException("No such file or directory (" + what + ")");
                case ENAMETOOLONG: return new PathTooLongException("File name too long (" + what + ")");
                case ELOOP: return new IOException("It is a symbolic link (" + what + ", not followed)");
                default: return new IOException("errno " + errno + " (" + what + ")");
            }
        }

        /// <summary>Permission denied, as an IOException the callers already catch; ReadError maps it to FinFileAccessDenied.</summary>
        internal sealed class AccessDenied : IOException
        {
            public AccessDenied(string message) : base(message) { }
        }

        /// <summary>Decodes invalid UTF-8 bytes as the text \xNN.</summary>
        private sealed class HexEscapeFallback : DecoderFallback
        {
            public override int MaxCharCount => 4 * 4;
            public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer();

            private sealed class Buffer : DecoderFallbackBuffer
            {
                private string _pending = string.Empty;
                private int _index;

                public override bool Fallback(byte[] bytesUnknown, int index)
                {
                    var sb = new StringBuilder(bytesUnknown.Length * 4);
                    foreach (var b in bytesUnknown) sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    _pending = sb.ToString();
                    _index = 0;
                    return true;
                }

                public override char GetNextChar() => _index < _pending.Length ? _pending[_index++] : '\0';
                public override bool MovePrevious()
                {
                    if (_index == 0) return false;
                    _index--;
                    return true;
                }
                public override int Remaining => _pending.Length - _index;
                public override void Reset()
                {
                    _pending = string.Empty;
                    _index = 0;
                }
            }
        }
    }

    /// <summary>
    /// A new file written front to back with write(2) on its descriptor: no FileStream under it, so no advisory lock and no
    /// seeks per file (a FileStream opened by path takes two flock and two lseek calls, one made on a descriptor three
    /// lseeks: 100,000-150,000 system calls in a 50,000-file restore). Writes are unbuffered: each is a whole part or file.
    /// </summary>
    internal sealed class NativeFileWriter : Stream
    {
        private long _written;

        internal NativeFileWriter(SafeFileHandle handle) { Handle = handle; }

        public SafeFileHandle Handle { get; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (count <= 0) return;
            var errno = NativeFileSystem.WriteAll(Handle, buffer, offset, count);
            if (errno != 0) throw NativeFileSystem.Error(errno, "write");
            _written += count;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) Handle.Dispose();
            base.Dispose(disposing);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
