using System;
using System.IO;

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
            foreach (var segment in relativePath.Split('/', '\\'))
            {
                if (segment.Length == 0) return "the path has an empty segment";
                if (segment == "..") return "the path contains '..'";
                if (segment == ".") return "the path contains '.'";
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
    }
}
