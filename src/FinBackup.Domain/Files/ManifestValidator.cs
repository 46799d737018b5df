using System;
using System.Collections.Generic;
using System.Globalization;
using FinBackup.Domain.Ports;
using System.Runtime.CompilerServices;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Checks a manifest's structure before anything is requested from S3 on its behalf (restore, Test-FinRecoveryPoint):
    /// the format version, every file's size, mode and SHA-256, every part's key (against <see cref="FileBackupLayout"/>),
    /// offset and length, the parts summing to the size, duplicate paths, and (when the content listing is known) that
    /// every range lies inside its object. A manifest is data from a bucket: it may have been written by anyone.
    /// Entry paths are checked per file by <see cref="RestorePathGuard"/> (a hostile path refuses that file only).
    /// </summary>
    public static class ManifestValidator
    {
        public const string ErrorId = "FinManifestInvalid";

        /// <summary>The major format versions this FinBackup reads.</summary>
        public const int SupportedMajorVersion = 1;

        /// <summary>S3's largest object (5 TiB): no offset or size is larger.</summary>
        public const long MaxObjectSize = 5L << 40;

        /// <summary>Every problem found (empty when the manifest is sound), each naming the entry (files[3].parts[0].key) and the value.</summary>
        [MethodImpl(JitHints.Hot)]
        public static IReadOnlyList<string> Problems(FileManifest manifest, IReadOnlyDictionary<string, long> objectSizes = null, int max = 50)
        {
            var problems = new List<string>();
            if (manifest == null)
            {
                problems.Add("the manifest is empty");
                return problems;
            }
            var formatProblem = CheckFormat(manifest.Format);
            if (formatProblem != null) problems.Add(formatProblem);
            var files = manifest.Files ?? new List<ManifestFile>();
            var paths = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < files.Count && problems.Count < max; i++)
            {
                var f = files[i];
                var at = "files[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                if (f == null)
                {
                    problems.Add(at + " is null");
                    continue;
                }
                var identity = f.PathBytes ?? f.Path;
                if (identity != null)
                {
                    if (paths.TryGetValue(identity, out var first))
                        problems.Add($"{at}.path '{Show(f.Path)}' is the same path as files[{first}]; a manifest lists each file once");
                    else paths[identity] = i;
                }
                if (f.PathBytes != null && !IsBase64(f.PathBytes))
                    problems.Add($"{at}.pathBytes is not base64");
                if (f.Size < 0) problems.Add($"{at}.size {f.Size} is negative");
                else if (f.Size > MaxObjectSize * 1024) problems.Add($"{at}.size {f.Size} is larger than any file FinBackup stores");
                if (f.Mode < 0 || f.Mode > 0xFFF) problems.Add($"{at}.mode {Convert.ToString(f.Mode, 8)} is not a permission mode (0 to 07777)");
                if (!IsSha256(f.Sha256)) problems.Add($"{at}.sha256 '{Show(f.Sha256)}' is not a SHA-256 (64 hex digits)");
                var parts = f.Parts ?? new List<ManifestPart>();
                long sum = 0;
                var sumOverflow = false;
                for (var j = 0; j < parts.Count; j++)
                {
                    var p = parts[j];
                    var pat = at + ".parts[" + j.ToString(CultureInfo.InvariantCulture) + "]";
                    if (p == null)
                    {
                        problems.Add(pat + " is null");
                        continue;
                    }
                    var keyProblem = CheckContentKey(p.Key);
                    if (keyProblem != null) problems.Add($"{pat}.key '{Show(p.Key)}' {keyProblem}");
                    if (p.Offset < 0) problems.Add($"{pat}.offset {p.Offset} is negative");
                    if (p.Length < 0) problems.Add($"{pat}.length {p.Length} is negative");
                    else if (p.Length > int.MaxValue) problems.Add($"{pat}.length {p.Length} is larger than a part can be (2 GiB)");
                    if (p.Offset >= 0 && p.Length >= 0 && (p.Offset > MaxObjectSize || p.Length > MaxObjectSize - p.Offset))
                        problems.Add($"{pat}: offset {p.Offset} + length {p.Length} lies beyond the largest object S3 can hold");
                    else if (objectSizes != null && keyProblem == null && p.Offset >= 0 && p.Length >= 0)
                    {
                        if (!objectSizes.TryGetValue(p.Key, out var size))
                            problems.Add($"{pat}.key '{p.Key}' does not exist in the bucket");
                        else if (p.Offset + p.Length > size)
                            problems.Add($"{pat}: offset {p.Offset} + length {p.Length} lies beyond the end of '{p.Key}' ({size} bytes)");
                    }
                    if (p.Sha256 != null && !IsSha256(p.Sha256)) problems.Add($"{pat}.sha256 '{Show(p.Sha256)}' is not a SHA-256 (64 hex digits)");
                    if (keyProblem == null && p.Key.StartsWith(FileBackupLayout.DataPrefix, StringComparison.Ordinal) && p.Sha256 != null &&
                        !p.Key.EndsWith("/" + p.Sha256, StringComparison.OrdinalIgnoreCase))
                        problems.Add($"{pat}.key '{p.Key}' is a chunk whose name is not its SHA-256 {p.Sha256}");
                    if (p.Length > 0)
                    {
                        if (sum > long.MaxValue - p.Length) sumOverflow = true;
                        else sum += p.Length;
                    }
                }
                if (sumOverflow) problems.Add($"{at}.parts: the lengths overflow");
                else if (f.Size >= 0 && sum != f.Size)
                    problems.Add($"{at}.parts: the lengths add up to {sum} bytes, not the file's size {f.Size}");
            }
            return problems;
        }

        /// <summary>Throws <see cref="ErrorId"/> (InvalidData) naming the first problems; nothing is requested for a manifest that fails.</summary>
        public static void Check(FileManifest manifest, IReadOnlyDictionary<string, long> objectSizes = null)
        {
            var problems = Problems(manifest, objectSizes, 10);
            if (problems.Count == 0) return;
            throw Invalid(manifest?.Key, problems);
        }

        public static FinBackupException Invalid(string key, IReadOnlyList<string> problems)
        {
            var shown = problems.Count > 5 ? string.Join("; ", Take(problems, 5)) + $"; and {problems.Count - 5} more" : string.Join("; ", problems);
            return new FinBackupException(ErrorId, FinErrorKind.InvalidData,
                $"The manifest '{key}' is not valid, so nothing was requested or written for it: {shown}.",
                "The manifest may have been damaged or tampered with: restore from another recovery point or the DR copy, and check who can write to the bucket.");
        }

        /// <summary>Null when <paramref name="format"/> is a version this FinBackup reads (finbackup-manifest/1 or 1.x), else why not.</summary>
        public static string CheckFormat(string format)
        {
            const string prefix = "finbackup-manifest/";
            if (format == null || !format.StartsWith(prefix, StringComparison.Ordinal))
                return $"format '{Show(format)}' is not a FinBackup manifest format";
            var version = format.Substring(prefix.Length);
            var dot = version.IndexOf('.');
            var major = dot < 0 ? version : version.Substring(0, dot);
            if (!int.TryParse(major, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || (dot >= 0 && !IsDigits(version.Substring(dot + 1))))
                return $"format '{Show(format)}' has no version number";
            if (m != SupportedMajorVersion)
                return $"format '{Show(format)}' is version {m}; this FinBackup reads version {SupportedMajorVersion} (upgrade FinBackup to read it)";
            return null;
        }

        /// <summary>Null when <paramref name="key"/> is a content key of the layout: data/&lt;xx&gt;/&lt;sha&gt; or packs/&lt;xx&gt;/&lt;sha&gt;, xx the sha's first two digits.</summary>
        public static string CheckContentKey(string key)
        {
            if (string.IsNullOrEmpty(key)) return "is empty";
            string rest;
            if (key.StartsWith(FileBackupLayout.DataPrefix, StringComparison.Ordinal)) rest = key.Substring(FileBackupLayout.DataPrefix.Length);
            else if (key.StartsWith(FileBackupLayout.PackPrefix, StringComparison.Ordinal)) rest = key.Substring(FileBackupLayout.PackPrefix.Length);
            else return "is not a content object (data/<xx>/<sha256> or packs/<xx>/<sha256>)";
            if (rest.Length != 67 || rest[2] != '/' || !IsLowerHex(rest.Substring(3)) || string.CompareOrdinal(rest, 0, rest, 3, 2) != 0)
                return "is not a content object (data/<xx>/<sha256> or packs/<xx>/<sha256>)";
            return null;
        }

        public static bool IsSha256(string s) => s != null && s.Length == 64 && IsHex(s);

        private static bool IsHex(string s)
        {
            foreach (var c in s)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
            }
            return true;
        }

        private static bool IsLowerHex(string s)
        {
            foreach (var c in s)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            }
            return true;
        }

        private static bool IsDigits(string s)
        {
            if (s.Length == 0) return false;
            foreach (var c in s) if (c < '0' || c > '9') return false;
            return true;
        }

        private static bool IsBase64(string s)
        {
            try
            {
                Convert.FromBase64String(s);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        private static IEnumerable<string> Take(IReadOnlyList<string> list, int n)
        {
            for (var i = 0; i < n && i < list.Count; i++) yield return list[i];
        }

        /// <summary>A value as shown in a message: at most 100 characters, control characters escaped.</summary>
        internal static string Show(string value)
        {
            if (value == null) return "(none)";
            var s = value.Length > 100 ? value.Substring(0, 100) + "..." : value;
            var sb = new System.Text.StringBuilder(s.Length);
            foreach (var c in s) sb.Append(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString());
            return sb.ToString();
        }
    }
}
