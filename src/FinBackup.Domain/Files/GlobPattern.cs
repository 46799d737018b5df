using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// A path glob over '/'-separated relative paths: <c>*</c> (any characters but '/'), <c>**</c> (any characters,
    /// '/' included; <c>**/</c> also matches no directory at all), <c>?</c> (one character but '/'), <c>[abc]</c>,
    /// <c>[a-z]</c>, <c>[!a-z]</c> / <c>[^a-z]</c>. Case-sensitive (paths on Linux are).
    /// <para>A pattern without '/' is matched against the name of the file and of each directory above it
    /// (<c>*.tmp</c> matches <c>a/b/x.tmp</c>; <c>cache</c> matches everything under any directory named cache).
    /// A pattern with '/' is matched against the whole relative path and each of its parent directories
    /// (<c>ledger/2026-11-*</c> matches <c>ledger/2026-11-03.dat</c> and everything under <c>ledger/2026-11-03/</c>).</para>
    /// </summary>
    public sealed class GlobPattern
    {
        private readonly string _pattern;
        private readonly bool _anchored;

        public GlobPattern(string pattern)
        {
            if (string.IsNullOrEmpty(pattern)) throw new ArgumentException("A glob pattern cannot be empty.", nameof(pattern));
            var p = pattern.Replace('\\', '/');
            while (p.StartsWith("./", StringComparison.Ordinal)) p = p.Substring(2);
            p = p.TrimStart('/').TrimEnd('/');
            if (p.Length == 0) p = "**";
            _pattern = p;
            _anchored = p.IndexOf('/') >= 0;
            Text = pattern;
        }

        public string Text { get; }

        /// <summary>Whether the pattern matches <paramref name="relativePath"/> or one of its parent directories.</summary>
        public bool Matches(string relativePath)
        {
            if (relativePath == null) return false;
            var path = relativePath.Replace('\\', '/').Trim('/');
            if (_anchored)
            {
                if (MatchText(_pattern, 0, path, 0)) return true;
                for (var i = path.Length - 1; i > 0; i--)
                {
                    if (path[i] == '/' && MatchText(_pattern, 0, path.Substring(0, i), 0)) return true;
                }
                return false;
            }
            var start = 0;
            while (start <= path.Length)
            {
                var end = path.IndexOf('/', start);
                if (end < 0) end = path.Length;
                if (MatchText(_pattern, 0, path.Substring(start, end - start), 0)) return true;
                start = end + 1;
            }
            return false;
        }

        /// <summary>Whether the pattern matches exactly <paramref name="text"/> (no parent-directory rule).</summary>
        public bool MatchesExactly(string text) => text != null && MatchText(_pattern, 0, text, 0);

        private static bool MatchText(string p, int pi, string s, int si)
        {
            while (pi < p.Length)
            {
                var c = p[pi];
                if (c == '*')
                {
                    var doubleStar = pi + 1 < p.Length && p[pi + 1] == '*';
                    if (doubleStar)
                    {
                        var next = pi + 2;
                        // "**/" may also match zero directories.
                        if (next < p.Length && p[next] == '/')
                        {
                            if (MatchText(p, next + 1, s, si)) return true;
                        }
                        for (var k = si; k <= s.Length; k++)
                        {
                            if (MatchText(p, next, s, k)) return true;
                        }
                        return false;
                    }
                    for (var k = si; k <= s.Length; k++)
                    {
                        if (MatchText(p, pi + 1, s, k)) return true;
                        if (k < s.Length && s[k] == '/') return false;
                    }
                    return false;
                }
                if (si >= s.Length) return false;
                if (c == '?')
                {
                    if (s[si] == '/') return false;
                    pi++;
                    si++;
                    continue;
                }
                if (c == '[')
                {
                    var close = FindClassEnd(p, pi);
                    if (close > 0)
                    {
                        if (s[si] == '/' || !ClassMatches(p, pi + 1, close, s[si])) return false;
                        pi = close + 1;
                        si++;
                        continue;
                    }
                }
                if (c != s[si]) return false;
                pi++;
                si++;
            }
            return si == s.Length;
        }

        private static int FindClassEnd(string p, int open)
        {
            var i = open + 1;
            if (i < p.Length && (p[i] == '!' || p[i] == '^')) i++;
            if (i < p.Length && p[i] == ']') i++;
            for (; i < p.Length; i++)
            {
                if (p[i] == ']') return i;
            }
            return -1;
        }

        private static bool ClassMatches(string p, int from, int close, char ch)
        {
            var negate = p[from] == '!' || p[from] == '^';
            if (negate) from++;
            var found = false;
            for (var i = from; i < close; i++)
            {
                if (i + 2 < close && p[i + 1] == '-')
                {
                    if (ch >= p[i] && ch <= p[i + 2]) found = true;
                    i += 2;
                }
                else if (p[i] == ch)
                {
                    found = true;
                }
            }
            return found != negate;
        }

        public override string ToString() => Text;
    }

    /// <summary>Include and exclude globs together: a path is selected when it matches an include (or there are none) and no exclude.</summary>
    public sealed class GlobFilter
    {
        private readonly List<GlobPattern> _include = new List<GlobPattern>();
        private readonly List<GlobPattern> _exclude = new List<GlobPattern>();

        public GlobFilter(IEnumerable<string> include, IEnumerable<string> exclude)
        {
            if (include != null) foreach (var i in include) if (!string.IsNullOrWhiteSpace(i)) _include.Add(new GlobPattern(i));
            if (exclude != null) foreach (var e in exclude) if (!string.IsNullOrWhiteSpace(e)) _exclude.Add(new GlobPattern(e));
        }

        public bool HasIncludes => _include.Count > 0;

        [MethodImpl(JitHints.Hot)]
        public bool IsExcluded(string relativePath)
        {
            foreach (var e in _exclude) if (e.Matches(relativePath)) return true;
            return false;
        }

        [MethodImpl(JitHints.Hot)]
        public bool IsSelected(string relativePath)
        {
            if (IsExcluded(relativePath)) return false;
            if (_include.Count == 0) return true;
            foreach (var i in _include) if (i.Matches(relativePath)) return true;
            return false;
        }
    }
}
