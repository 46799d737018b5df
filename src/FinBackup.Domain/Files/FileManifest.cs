using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// One file backup: the recovery point. Stored as JSON (format <see cref="FormatVersion"/>, see docs/Invoke-FinRestore.md)
    /// so it can be read with the AWS CLI and jq alone.
    /// </summary>
    public sealed class FileManifest
    {
        public const string FormatVersion = "finbackup-manifest/1";

        public string Format { get; set; } = FormatVersion;
        public string Id { get; set; }
        /// <summary>The manifest's object key (also the recovery point id).</summary>
        public string Key { get; set; }
        public string Application { get; set; }
        public string PolicyName { get; set; }
        public string FileSet { get; set; }
        public string Window { get; set; }
        public string Host { get; set; }
        public string Bucket { get; set; }
        public string Region { get; set; }
        public string KmsKeyId { get; set; }
        public DateTime CreatedAt { get; set; }
        public DateTime? ExpiresAt { get; set; }
        public string SourceRecoveryPointId { get; set; }
        public string SourceRegion { get; set; }
        public string PreviousManifestKey { get; set; }
        /// <summary>The directories and files that were backed up, as given (absolute paths on the host).</summary>
        public IList<string> Sources { get; set; } = new List<string>();
        public IList<string> Include { get; set; } = new List<string>();
        public IList<string> Exclude { get; set; } = new List<string>();
        public IList<ManifestFile> Files { get; set; } = new List<ManifestFile>();
        /// <summary>Files that were selected but could not be backed up, and why.</summary>
        public IList<ManifestMissingFile> Missing { get; set; } = new List<ManifestMissingFile>();
        /// <summary>Entries that are not regular files (links, pipes, devices, sockets): not read, named with their kind.</summary>
        public IList<ManifestMissingFile> Skipped { get; set; } = new List<ManifestMissingFile>();

        /// <summary>Every content object the manifest references (distinct, sorted).</summary>
        public IReadOnlyList<string> ReferencedObjects() =>
            Files.SelectMany(f => f.Parts).Select(p => p.Key).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal).ToList();

        public long TotalBytes => Files is SpooledManifestFiles spooled ? spooled.TotalBytes : Files.Sum(f => f.Size);
    }

    public sealed class ManifestFile
    {
        /// <summary>Relative path, '/' separators: the source's own name, then the path under it (e.g. ledger/2026-11-01.dat).</summary>
        public string Path { get; set; }
        /// <summary>
        /// The path's exact bytes, base64, when they are not valid UTF-8 (Linux names are bytes); null otherwise.
        /// <see cref="Path"/> is then a display form (invalid bytes shown as \xNN); restore on Linux recreates these bytes.
        /// </summary>
        public string PathBytes { get; set; }
        public long Size { get; set; }
        /// <summary>Unix permission bits (e.g. 0644 = 420); 0 when unknown (Windows).</summary>
        public int Mode { get; set; }
        public DateTime ModifiedAt { get; set; }
        /// <summary>SHA-256 of the whole file, lower-case hex.</summary>
        public string Sha256 { get; set; }
        /// <summary>Where the bytes are, in file order: concatenating the parts gives the file.</summary>
        public IList<ManifestPart> Parts { get; set; } = new List<ManifestPart>();
        public override string ToString() => Path;
    }

    /// <summary>A byte range of a content object.</summary>
    public sealed class ManifestPart
    {
        public string Key { get; set; }
        public long Offset { get; set; }
        public long Length { get; set; }
        /// <summary>SHA-256 of these bytes, lower-case hex.</summary>
        public string Sha256 { get; set; }
    }

    public sealed class ManifestMissingFile
    {
        public string Path { get; set; }
        /// <summary>As <see cref="ManifestFile.PathBytes"/>: the exact bytes (base64) when the name is not valid UTF-8.</summary>
        public string PathBytes { get; set; }
        public string ErrorId { get; set; }
        public string Reason { get; set; }
        public override string ToString() => Path + ": " + Reason;
    }
}
