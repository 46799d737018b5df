using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Decides whether a manifest entry may be written under a destination: refuses absolute paths, drive letters,
    /// '..' and '.' segments, empty segments, NUL, and any path whose existing directories (or the file itself) are
    /// symbolic links, so a hostile manifest cannot write outside the destination.
    /// </summary>
    public static class RestorePathGuard
    {
        /// <summary>Null when <paramref name="relativePath"/> is a safe relative path, else why it is not.</summary>
        public static string CheckSyntax(string relativePath)
        {
            if (string.IsNullOrEmpty(relativePath)) return "the path is empty";
            if (relativePath.IndexOf('\0') >= 0) return "the path contains a NUL character";
            if (relativePath[0] == '/' || relativePath[0] == '\\') return "the path is absolute";
            if (relativePath.Length >= 2 && relativePath[1] == ':') return "the path has a drive letter";
            // Segment by segment, by index (no array, no strings per segment).
            var start = 0;
            for (var i = 0; i <= relativePath.Length; i++)
            {
                if (i < relativePath.Length && relativePath[i] != '/' && relativePath[i] != '\\') continue;
                var length = i - start;
                if (length == 0) return "the path has an empty segment";
                if (length == 2 && relativePath[start] == '.' && relativePath[start + 1] == '.') return "the path contains '..'";
                if (length == 1 && relativePath[start] == '.') return "the path contains '.'";
                start = i + 1;
            }
            return null;
        }

        /// <summary>
        /// The full target path under <paramref name="destination"/>, or null with <paramref name="reason"/> when the entry
        /// must be refused (syntax, or an existing symbolic link on the way).
        /// </summary>
        public static string Resolve(string destination, string relativePath, out string reason)
        {
            reason = CheckSyntax(relativePath);
            if (reason != null) return null;
            var root = Path.GetFullPath(destination);
            var current = root;
            var segments = relativePath.Split('/', '\\');
            for (var i = 0; i < segments.Length; i++)
            {
                current = Path.Combine(current, segments[i]);
                var info = new FileInfo(current);
                if ((info.Exists || Directory.Exists(current)) && (info.Attributes & FileAttributes.ReparsePoint) != 0)
                {
                    reason = i == segments.Length - 1 ? "the target is a symbolic link" : "'" + string.Join("/", segments, 0, i + 1) + "' is a symbolic link that would leave the destination";
                    return null;
                }
            }
            var full = Path.GetFullPath(current);
            var rootWithSep = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
            if (!full.StartsWith(rootWithSep, StringComparison.Ordinal))
            {
                reason = "the path leaves the destination";
                return null;
            }
            return full;
        }

        /// <summary>
        /// For an entry whose name is raw bytes (Linux, not UTF-8): the relative path's bytes when safe (no absolute path, '..',
        /// '.', empty segment or NUL; no symbolic link on the way), else null and why. <paramref name="exists"/>: the target exists.
        /// </summary>
        public static byte[] ResolveBytes(string destination, byte[] relativePath, out string reason, out bool exists)
        {
            exists = false;
            var segments = SplitBytes(relativePath, out reason);
            if (segments == null) return null;
            var fd = NativeFileSystem.OpenDirectory(NativeFileSystem.AtFdCwd, NativeFileSystem.Bytes(Path.GetFullPath(destination)), true, out var errno);
            if (fd < 0) return relativePath; // the destination does not exist yet: nothing on the way can be a link
            try
            {
                for (var i = 0; i < segments.Count; i++)
                {
                    var name = NativeFileSystem.Terminated(segments[i]);
                    var st = NativeFileSystem.StatAt(fd, name, false, out errno);
                    if (st == null) return relativePath;
                    if (st.Value.Kind == FileKind.SymbolicLink)
                    {
                        reason = i == segments.Count - 1 ? "the target is a symbolic link" : "a directory on the way is a symbolic link that would leave the destination";
                        return null;
                    }
                    if (i == segments.Count - 1)
                    {
                        if (st.Value.Kind == FileKind.Directory)
                        {
                            reason = "the target is a directory";
                            return null;
                        }
                        exists = true;
                        return relativePath;
                    }
                    var next = NativeFileSystem.OpenDirectory(fd, name, false, out errno);
                    if (next < 0)
                    {
                        reason = "'" + NativeFileSystem.Display(segments[i], out _) + "' on the way is not a directory";
                        return null;
                    }
                    NativeFileSystem.Close(fd);
                    fd = next;
                }
                return relativePath;
            }
            finally
            {
                NativeFileSystem.Close(fd);
            }
        }

        /// <summary>
        /// Moves <paramref name="tempFile"/> onto <paramref name="relativePath"/> (raw bytes) under <paramref name="destination"/>,
        /// creating the directories on the way by descriptor (never following a link, never forming a full path).
        /// </summary>
        public static void MoveToBytes(string tempFile, string destination, byte[] relativePath)
        {
            var segments = SplitBytes(relativePath, out var reason);
            if (segments == null) throw new IOException("Unsafe path: " + reason);
            var fd = NativeFileSystem.OpenDirectory(NativeFileSystem.AtFdCwd, NativeFileSystem.Bytes(Path.GetFullPath(destination)), true, out var errno);
            if (fd < 0) throw NativeFileSystem.Error(errno, "open the destination");
            try
            {
                for (var i = 0; i < segments.Count - 1; i++)
                {
                    var name = NativeFileSystem.Terminated(segments[i]);
                    errno = NativeFileSystem.MakeDirectoryAt(fd, name, 0x1FF);
                    if (errno != 0) throw NativeFileSystem.Error(errno, "create a directory");
                    var next = NativeFileSystem.OpenDirectory(fd, name, false, out errno);
                    if (next < 0) throw NativeFileSystem.Error(errno, "open a directory");
                    NativeFileSystem.Close(fd);
                    fd = next;
                }
                errno = NativeFileSystem.RenameAt(NativeFileSystem.AtFdCwd, NativeFileSystem.Bytes(tempFile), fd, NativeFileSystem.Terminated(segments[segments.Count - 1]));
                if (errno != 0) throw NativeFileSystem.Error(errno, "rename into place");
            }
            finally
            {
                NativeFileSystem.Close(fd);
            }
        }

        private static List<byte[]> SplitBytes(byte[] path, out string reason)
        {
            reason = null;
            if (path == null || path.Length == 0) { reason = "the path is empty"; return null; }
            if (path[0] == (byte)'/') { reason = "the path is absolute"; return null; }
            var segments = new List<byte[]>();
            var start = 0;
            for (var i = 0; i <= path.Length; i++)
            {
                if (i < path.Length && path[i] == 0) { reason = "the path contains a NUL character"; return null; }
                if (i < path.Length && path[i] != (byte)'/') continue;
                var len = i - start;
                if (len == 0) { reason = "the path has an empty segment"; return null; }
                if (len == 1 && path[start] == (byte)'.') { reason = "the path contains '.'"; return null; }
                if (len == 2 && path[start] == (byte)'.' && path[start + 1] == (byte)'.') { reason = "the path contains '..'"; return null; }
                var seg = new byte[len];
                Buffer.BlockCopy(path, start, seg, 0, len);
                segments.Add(seg);
                start = i + 1;
            }
            return segments;
        }
    }

    /// <summary>What is at a restore target now.</summary>
    internal enum RestoreTargetState { Absent, File, Directory }

    /// <summary>
    /// <see cref="RestorePathGuard.Resolve"/> for a whole restore plan: the same rules (syntax; no symbolic link on the way or
    /// at the target; never outside the destination), with each directory on the way examined once (lstat), not once per
    /// file under it, and a directory that does not exist ending the walk (nothing under it exists, so no link either).
    /// One instance per plan, used before anything is written.
    /// </summary>
    internal sealed class RestoreTargetResolver
    {
        private enum Entry { Absent, Directory, Link, Other }
        private readonly string _root;
        private readonly string _rootWithSep;
        private readonly Dictionary<string, Entry> _dirs = new Dictionary<string, Entry>(StringComparer.Ordinal);

        public RestoreTargetResolver(string destination)
        {
            _root = Path.GetFullPath(destination);
            _rootWithSep = _root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? _root : _root + Path.DirectorySeparatorChar;
        }

        /// <summary>The full target path, or null with <paramref name="reason"/>; <paramref name="state"/>: what is there now.</summary>
        /// <remarks>
        /// One string per file (the target) plus one per directory met for the first time: the segments are walked by index
        /// in the relative path (which <see cref="RestorePathGuard.CheckSyntax"/> has just proven free of '.', '..', empty
        /// segments and a root), each directory examined once, keyed by its full path. A target under a directory that does
        /// not exist yet is not examined at all.
        /// </remarks>
        [MethodImpl(JitHints.Hot)]
        public string Resolve(string relativePath, out string reason, out RestoreTargetState state)
        {
            state = RestoreTargetState.Absent;
            reason = RestorePathGuard.CheckSyntax(relativePath);
            if (reason != null) return null;
            // root/relative, with either separator of the manifest written as this system's.
            var full = Join(relativePath);
            var absent = false;
            var from = 0;
            int sep;
            while ((sep = relativePath.IndexOfAny(Separators, from)) >= 0)
            {
                // The directory root/relative[0, sep): full[0, _rootWithSep.Length + sep).
                var dir = full.Substring(0, _rootWithSep.Length + sep);
                from = sep + 1;
                if (!_dirs.TryGetValue(dir, out var e)) _dirs[dir] = e = Examine(dir);
                if (e == Entry.Link)
                {
                    reason = "'" + relativePath.Substring(0, sep).Replace('\\', '/') + "' is a symbolic link that would leave the destination";
                    return null;
                }
                if (e == Entry.Absent) { absent = true; break; }
            }
            if (!absent)
            {
                switch (Examine(full))
                {
                    case Entry.Link:
                        reason = "the target is a symbolic link";
                        return null;
                    case Entry.Directory: state = RestoreTargetState.Directory; break;
                    case Entry.Other: state = RestoreTargetState.File; break;
                }
            }
            if (!full.StartsWith(_rootWithSep, StringComparison.Ordinal))
            {
                reason = "the path leaves the destination";
                return null;
            }
            return full;
        }

        private static readonly char[] Separators = { '/', '\\' };

        /// <summary>The root, a separator, and the relative path with '/' and '\\' as the system's separator (one string):
        /// what <see cref="Resolve"/> returns for a path it accepts.</summary>
        internal string Join(string relativePath)
        {
            var chars = new char[_rootWithSep.Length + relativePath.Length];
            _rootWithSep.CopyTo(0, chars, 0, _rootWithSep.Length);
            for (var i = 0; i < relativePath.Length; i++)
            {
                var c = relativePath[i];
                chars[_rootWithSep.Length + i] = c == '/' || c == '\\' ? Path.DirectorySeparatorChar : c;
            }
            return new string(chars);
        }

        /// <summary>The path is a symbolic link (not followed).</summary>
        internal static bool IsLink(string path) => Examine(path) == Entry.Link;

        private static Entry Examine(string path)
        {
            if (NativeFileSystem.Available)
            {
                var st = NativeFileSystem.StatAt(NativeFileSystem.AtFdCwd, NativeFileSystem.Bytes(path), false, out _);
                if (st == null) return Entry.Absent;
                switch (st.Value.Kind)
                {
                    case FileKind.SymbolicLink: return Entry.Link;
                    case FileKind.Directory: return Entry.Directory;
                    default: return Entry.Other;
                }
            }
            var info = new FileInfo(path);
            var isDir = Directory.Exists(path);
            if (!info.Exists && !isDir) return Entry.Absent;
            if ((info.Attributes & FileAttributes.ReparsePoint) != 0) return Entry.Link;
            return isDir ? Entry.Directory : Entry.Other;
        }
    }
}
