using System;
using System.Collections.Generic;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Files
{
    /// <summary>What to back up, where to, and for how long.</summary>
    public sealed class FileBackupRequest
    {
        public string Bucket { get; set; }
        public string Application { get; set; }
        public string PolicyName { get; set; }
        public string FileSet { get; set; }
        /// <summary>KMS key for SSE-KMS (id, ARN or alias) in the bucket's region. Required.</summary>
        public string KmsKeyId { get; set; }
        /// <summary>Absolute paths of directories or files. Each is stored under its own name (e.g. /var/lib/agentpay/ledger -> ledger/...).</summary>
        public IList<string> Paths { get; set; } = new List<string>();
        public IList<string> Include { get; set; } = new List<string>();
        public IList<string> Exclude { get; set; } = new List<string>();
        public TimeSpan Retention { get; set; } = TimeSpan.FromHours(12);
        /// <summary>How often the backup runs (sets the fin:window); null means the window is the creation time.</summary>
        public TimeSpan? Frequency { get; set; }
        public string Host { get; set; } = Environment.MachineName;
        /// <summary>The change cache directory; null = <see cref="FileChangeCache.DefaultDirectory"/>.</summary>
        public string CacheDirectory { get; set; }
        /// <summary>Ignore (and do not write) the local change cache: every file is read again.</summary>
        public bool NoCache { get; set; }
        /// <summary>Take a new point even when this host already has one for the application and file set in the current window.</summary>
        public bool Force { get; set; }
    }

    /// <summary>Tuning: object sizes and upload concurrency. Defaults suit a few hundred MB/s; upload buffers hold two packs (6 MiB), whatever the file sizes.</summary>
    public sealed class FileBackupSettings
    {
        /// <summary>Files smaller than this are packed together.</summary>
        public int SmallFileThreshold { get; set; } = 1 << 20;
        /// <summary>A pack is sealed and uploaded when adding the next small file would exceed this. Packs are the only
        /// content held in memory: a pack's buffer is PackSize plus one byte (3 MiB by default; the largest small file when
        /// SmallFileThreshold is set above PackSize).</summary>
        public int PackSize { get; set; } = 3 << 20;
        /// <summary>Large files are cut into chunks of this size; each chunk is its own object named by its SHA-256. Chunks are
        /// not buffered: each upload reads its chunk again from the open file and checks it against the hash taken when the
        /// file was read. At most Parallelism chunks are read ahead of their uploads.</summary>
        public int ChunkSize { get; set; } = 8 << 20;
        /// <summary>Concurrent PUT requests.</summary>
        public int Parallelism { get; set; } = 4;
        /// <summary>Packs in memory by default: one being filled while the last one uploads.</summary>
        public const int DefaultPacksInMemory = 2;
        /// <summary>Memory for packs being filled and uploaded. 0 (default) means <see cref="DefaultPacksInMemory"/> packs
        /// (2 x 3 MiB by default); never less than one pack.</summary>
        public long MaxBufferedBytes { get; set; }
        /// <summary>
        /// The garbage collector's grace period, which backups rely on: a backup must finish within it. Content from a previous
        /// manifest is only reused when that manifest lives at least this long; content found only by listing and older than
        /// half of it is refreshed (server-side copy onto itself) before it is referenced.
        /// </summary>
        public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(6);
        /// <summary>Progress is reported at most this often.</summary>
        public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);
        /// <summary>Tests: walk with System.IO (as on Windows and macOS) where the Linux descriptor walk is available.</summary>
        internal bool ManagedWalk { get; set; }
                /// <summary>Diagnostics and tests: called after a file's bytes were read, before it is checked for changes (path, attempt 1 or 2).</summary>
        public Action<string, int> AfterFileRead { get; set; }
    }

    /// <summary>Everything the engine reports, on the thread that called it (so a cmdlet can write progress and errors).</summary>
    public interface IFileBackupObserver
    {
        void Progress(FileBackupProgress progress);
        /// <summary>A file or directory that was not selected or not backed up on purpose (symbolic links, devices, exclusions).</summary>
        void Skipped(string path, string reason);
        /// <summary>A selected file that could not be backed up; the backup goes on and the manifest lists it as missing.</summary>
        void Failed(FinBackupException error, string path);
        void Verbose(string message);
    }

    public sealed class FileBackupProgress
    {
        public string CurrentPath { get; set; }
        public long FilesSeen { get; set; }
        public long FilesRead { get; set; }
        public long BytesSeen { get; set; }
        public long BytesRead { get; set; }
        public long BytesUploaded { get; set; }
        public TimeSpan Elapsed { get; set; }
        public double FilesPerSecond => Elapsed.TotalSeconds > 0 ? FilesSeen / Elapsed.TotalSeconds : 0;
        public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? BytesSeen / Elapsed.TotalSeconds : 0;
    }

    /// <summary>What one Backup-FinFile run did.</summary>
    public sealed class FileBackupSummary
    {
        public string RecoveryPointId { get; set; }
        public string Application { get; set; }
        public string Bucket { get; set; }
        public string Region { get; set; }
        /// <summary>Files in the manifest.</summary>
        public long Files { get; set; }
        /// <summary>Files recognised as unchanged from the cache and the previous manifest (not read).</summary>
        public long FilesUnchanged { get; set; }
        /// <summary>Selected files that could not be backed up (listed in the manifest as missing).</summary>
        public long FilesFailed { get; set; }
        /// <summary>Entries not backed up on purpose: exclusions, symbolic links, pipes, devices, sockets.</summary>
        public long FilesSkipped { get; set; }
        /// <summary>Entries that are not regular files (links, FIFOs, devices, sockets), listed in the manifest's "skipped".</summary>
        public long FilesNotRegular { get; set; }
        /// <summary>The entries that were not backed up and why ("path: reason"), failures first; at most 100.</summary>
        public string[] NotBackedUp { get; set; } = new string[0];
        /// <summary>Total size of the files in the manifest.</summary>
        public long Bytes { get; set; }
        public long BytesRead { get; set; }
        public long BytesUploaded { get; set; }
        /// <summary>Content objects written (packs and chunks; the manifest not counted).</summary>
        public long ObjectsPut { get; set; }
        /// <summary>Existing objects refreshed server-side so the garbage collector keeps them.</summary>
        public long ObjectsTouched { get; set; }
        /// <summary>
        /// Content objects the previous manifest references that the bucket no longer holds (deleted, or shorter than the
        /// manifest says). Their files were read from the source and uploaded again; nothing in this point references them.
        /// </summary>
        public long ContentObjectsMissing { get; set; }
        public string PreviousManifestKey { get; set; }
        /// <summary>True when the window already had this host's point for the file set, and that point was returned (nothing read or written).</summary>
        public bool ExistingPoint { get; set; }
        public TimeSpan Duration { get; set; }
        public override string ToString() => RecoveryPointId;
    }

    public sealed class FileBackupResult
    {
        private FileManifest _manifest;
        private Func<FileManifest> _readManifest;

        /// <summary>
        /// The point's manifest. For a new backup it is the manifest as stored, read from the bucket when first used: the
        /// run does not keep its entries in memory (they wait in a temporary file until the manifest is written).
        /// </summary>
        public FileManifest Manifest
        {
            get
            {
                if (_manifest == null && _readManifest != null)
                {
                    _manifest = _readManifest();
                    _readManifest = null;
                }
                return _manifest;
            }
            set
            {
                _manifest = value;
                _readManifest = null;
            }
        }

        internal void ReadManifestWhenUsed(Func<FileManifest> read)
        {
            _manifest = null;
            _readManifest = read;
        }

        public FinRecoveryPoint RecoveryPoint { get; set; }
        public FileBackupSummary Summary { get; set; }
    }
}
