using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// Checks a file backup: the manifest parses and is structurally valid (<see cref="ManifestValidator"/>), every content
    /// object it references exists and is long enough for its ranges (one paged LIST of data/ and of packs/, not one HEAD per
    /// object), and with ReadData every selected file's parts and whole content hash to the manifest's SHA-256.
    /// </summary>
    public sealed class FileBackupVerifier
    {
        private readonly IFileBackupStore _store;

        public FileBackupVerifier(IFileBackupStore store)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
        }

        public void Verify(FinRecoveryPoint point, RecoveryPointCheckOptions options, RecoveryPointCheckBuilder check, CancellationToken ct)
        {
            if (string.IsNullOrEmpty(point.Bucket))
            {
                check.Problem($"the point names no bucket; pipe it from Get-FinRecoveryPoint (file backups carry their bucket)");
                return;
            }
            FileManifest manifest;
            try
            {
                manifest = _store.GetManifest(point.Bucket, point.RecoveryPointId, ct);
            }
            catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ObjectNotFound || ex.Kind == FinErrorKind.InvalidData)
            {
                check.Problem($"the manifest s3://{point.Bucket}/{point.RecoveryPointId} cannot be used: {ex.Message}");
                return;
            }
            check.ObjectsChecked++;
            check.FilesChecked = manifest.Files.Count;

            var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
            var referenced = manifest.ReferencedObjects();
            if (referenced.Any(k => k.StartsWith(FileBackupLayout.DataPrefix, StringComparison.Ordinal)))
                foreach (var o in _store.List(point.Bucket, FileBackupLayout.DataPrefix, ct)) sizes[o.Key] = o.Size;
            if (referenced.Any(k => k.StartsWith(FileBackupLayout.PackPrefix, StringComparison.Ordinal)))
                foreach (var o in _store.List(point.Bucket, FileBackupLayout.PackPrefix, ct)) sizes[o.Key] = o.Size;
            check.ObjectsChecked += referenced.Count;

            var problems = ManifestValidator.Problems(manifest, sizes, int.MaxValue);
            foreach (var p in problems) check.Problem(p);
            if (!options.ReadData) return;

            var candidates = manifest.Files.Where(f => f.Size > 0 && f.Parts.All(p => sizes.ContainsKey(p.Key ?? string.Empty))).ToList();
            var selected = Sample(candidates, options.SamplePercent, options.Seed);
            byte[] buffer = null;
            foreach (var file in selected)
            {
                ct.ThrowIfCancellationRequested();
                using (var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    var ok = true;
                    foreach (var part in file.Parts)
                    {
                        if (part.Length > int.MaxValue || part.Length < 0) { ok = false; break; }
                        var length = (int)part.Length;
                        if (buffer == null || buffer.Length < length) buffer = new byte[Math.Max(length, 1 << 16)];
                        try
                        {
                            _store.ReadRange(point.Bucket, part.Key, part.Offset, length, buffer, 0, ct);
                        }
                        catch (FinBackupException ex) when (ex.Kind == FinErrorKind.ObjectNotFound || ex.Kind == FinErrorKind.InvalidData)
                        {
                            check.Problem($"'{file.Path}': reading {part.Key} failed: {ex.Message}");
                            ok = false;
                            break;
                        }
                        check.BytesRead += length;
                        if (!string.IsNullOrEmpty(part.Sha256))
                        {
                            string partSha;
                            using (var h = SHA256.Create()) partSha = FileBackupLayout.Hex(h.ComputeHash(buffer, 0, length));
                            if (!string.Equals(partSha, part.Sha256, StringComparison.OrdinalIgnoreCase))
                            {
                                check.Problem($"'{file.Path}': bytes {part.Offset}-{part.Offset + part.Length - 1} of {part.Key} have SHA-256 {partSha}, not {part.Sha256} (the object is damaged or was replaced)");
                                ok = false;
                                break;
                            }
                        }
                        whole.AppendData(buffer, 0, length);
                    }
                    check.FilesRead++;
                    if (!ok) continue;
                    var sha = FileBackupLayout.Hex(whole.GetHashAndReset());
                    if (!string.Equals(sha, file.Sha256, StringComparison.OrdinalIgnoreCase))
                        check.Problem($"'{file.Path}' reads back with SHA-256 {sha}, not {file.Sha256} as the manifest says");
                }
            }
        }

        /// <summary>About <paramref name="percent"/> % of the files (at least one when there are any), in manifest order.</summary>
        internal static List<ManifestFile> Sample(IList<ManifestFile> files, double percent, int? seed)
        {
            if (files.Count == 0) return new List<ManifestFile>();
            if (percent >= 100) return files.ToList();
            var count = Math.Max(1, (int)Math.Round(files.Count * percent / 100.0));
            var rnd = seed.HasValue ? new Random(seed.Value) : new Random();
            var indexes = Enumerable.Range(0, files.Count).OrderBy(_ => rnd.Next()).Take(count).OrderBy(i => i);
            return indexes.Select(i => files[i]).ToList();
        }
    }
}
