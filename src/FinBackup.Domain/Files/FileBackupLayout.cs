using System;
using System.Globalization;
using System.Text;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Where file backups live in the bucket. Content is addressed by SHA-256 (lower-case hex):
    /// <list type="bullet">
    /// <item><c>data/&lt;sha[0..2]&gt;/&lt;sha&gt;</c>: one chunk of a large file (the object's own SHA-256 is its name).</item>
    /// <item><c>packs/&lt;sha[0..2]&gt;/&lt;sha&gt;</c>: small files concatenated; the manifest gives each file's offset and length.</item>
    /// <item><c>manifests/&lt;application-slug&gt;/&lt;window&gt;/&lt;id&gt;.json</c>: one manifest per backup (the recovery point).</item>
    /// </list>
    /// </summary>
    public static class FileBackupLayout
    {
        public const string DataPrefix = "data/";
        public const string PackPrefix = "packs/";
        public const string ManifestPrefix = "manifests/";

        public static string ChunkKey(string sha256Hex) => DataPrefix + sha256Hex.Substring(0, 2) + "/" + sha256Hex;
        public static string PackKey(string sha256Hex) => PackPrefix + sha256Hex.Substring(0, 2) + "/" + sha256Hex;
        public static string ApplicationManifestPrefix(string application) => ManifestPrefix + Slug(application) + "/";

        public static string ManifestKey(string application, string windowId, string manifestId) =>
            WindowManifestPrefix(application, windowId) + manifestId + ".json";

        /// <summary>Where the manifests of one application's window live: manifests/&lt;slug&gt;/&lt;window&gt;/.</summary>
        public static string WindowManifestPrefix(string application, string windowId) =>
            ApplicationManifestPrefix(application) + CompactTimestamp(windowId) + "/";

        /// <summary>A manifest id: creation time (sortable), host and a random suffix.</summary>
        public static string NewManifestId(DateTime createdUtc, string host)
        {
            var rnd = Guid.NewGuid().ToString("N").Substring(0, 6);
            return createdUtc.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" + Slug(host ?? "host") + "-" + rnd;
        }

        /// <summary>The host part of a manifest key written by <see cref="NewManifestId"/>, or null.</summary>
        public static string HostOfManifestKey(string key)
        {
            if (key == null) return null;
            var name = key.Substring(key.LastIndexOf('/') + 1);
            if (name.EndsWith(".json", StringComparison.Ordinal)) name = name.Substring(0, name.Length - 5);
            var first = name.IndexOf('-');
            var last = name.LastIndexOf('-');
            return first > 0 && last > first ? name.Substring(first + 1, last - first - 1) : null;
        }

        public static bool IsManifestKey(string key) =>
            key != null && key.StartsWith(ManifestPrefix, StringComparison.Ordinal) && key.EndsWith(".json", StringComparison.Ordinal);

        public static bool IsContentKey(string key) =>
            key != null && (key.StartsWith(DataPrefix, StringComparison.Ordinal) || key.StartsWith(PackPrefix, StringComparison.Ordinal));

        /// <summary>lower-case, [a-z0-9-] only: "Agent payment" -> "agent-payment".</summary>
        public static string Slug(string value)
        {
            if (string.IsNullOrWhiteSpace(value)) return "unnamed";
            var sb = new StringBuilder(value.Length);
            var dash = false;
            foreach (var c in value.Trim().ToLowerInvariant())
            {
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                {
                    sb.Append(c);
                    dash = false;
                }
                else if (!dash && sb.Length > 0)
                {
                    sb.Append('-');
                    dash = true;
                }
            }
            var s = sb.ToString().TrimEnd('-');
            return s.Length == 0 ? "unnamed" : s;
        }

        private static string CompactTimestamp(string windowId)
        {
            if (string.IsNullOrEmpty(windowId)) return "adhoc";
            var sb = new StringBuilder(windowId.Length);
            foreach (var c in windowId)
            {
                if (c != ':' && c != '-') sb.Append(c);
            }
            return sb.ToString();
        }

        // Hex's scratch, one per thread: only the string is allocated (a backup takes a hash's hex for every file).
        [ThreadStatic] private static char[] _hexChars;

        public static string Hex(byte[] bytes)
        {
            var c = _hexChars;
            if (c == null || c.Length < bytes.Length * 2) _hexChars = c = new char[Math.Max(64, bytes.Length * 2)];
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                c[i * 2] = HexDigit(b >> 4);
                c[i * 2 + 1] = HexDigit(b & 0xF);
            }
            return new string(c, 0, bytes.Length * 2);
        }

        public static byte[] FromHex(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)Convert.ToInt32(hex.Substring(i * 2, 2), 16);
            }
            return bytes;
        }

        private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'a' + v - 10);
    }
}
