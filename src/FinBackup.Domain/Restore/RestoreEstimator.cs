using System;
using System.Globalization;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>A restore duration estimate and how it was made.</summary>
    public sealed class RestoreEstimate
    {
        public TimeSpan Duration { get; set; }
        public string Basis { get; set; }
    }

    /// <summary>
    /// Estimates how long restoring one recovery point takes, from its data size and the policy's Restore figures
    /// (<see cref="RestoreAssumptions"/>):
    /// <list type="bullet">
    /// <item>EbsSnapshotSet (and AWS Backup EBS points): EbsVolumeCreateMinutes + size / InitializationRateMiBps (volumes of a set are
    /// initialized in parallel, so the set's total size at one volume's rate is an upper bound).</item>
    /// <item>Ami (and AWS Backup EC2 points): InstanceBootMinutes + size / InitializationRateMiBps.</item>
    /// <item>RdsSnapshot (and AWS Backup RDS/Aurora points): RdsRestoreFixedMinutes + size / RdsRestoreGiBPerHour.</item>
    /// <item>FileBackup: size / FileRestoreMiBps.</item>
    /// </list>
    /// An unknown size counts as 0 GiB and the basis says so. Rounded up to whole seconds.
    /// </summary>
    public sealed class RestoreEstimator
    {
        private readonly RestoreAssumptions _a;

        public RestoreEstimator(RestoreAssumptions assumptions)
        {
            _a = assumptions ?? new RestoreAssumptions();
        }

        /// <param name="resourceType">For BackupVaultPoint: AWS Backup's resource type ("RDS", "Aurora", "EBS", "EC2"...).</param>
        public RestoreEstimate Estimate(RecoveryPointKind kind, double? sizeGiB, string resourceType = null)
        {
            var size = sizeGiB.HasValue && sizeGiB.Value > 0 ? sizeGiB.Value : 0;
            var sizeText = sizeGiB.HasValue ? N(size) + " GiB" : "size unknown (0 GiB assumed)";
            switch (Family(kind, resourceType))
            {
                case "EBS":
                    return Make(_a.EbsVolumeCreateMinutes * 60 + size * 1024 / _a.InitializationRateMiBps,
                        $"{N(_a.EbsVolumeCreateMinutes)} min volume creation (Restore.EbsVolumeCreateMinutes) + {sizeText} initialized at {N(_a.InitializationRateMiBps)} MiB/s (Restore.InitializationRateMiBps)");
                case "EC2":
                    return Make(_a.InstanceBootMinutes * 60 + size * 1024 / _a.InitializationRateMiBps,
                        $"{N(_a.InstanceBootMinutes)} min instance boot (Restore.InstanceBootMinutes) + {sizeText} initialized at {N(_a.InitializationRateMiBps)} MiB/s (Restore.InitializationRateMiBps)");
                case "RDS":
                    return Make(_a.RdsRestoreFixedMinutes * 60 + size / _a.RdsRestoreGiBPerHour * 3600,
                        $"{N(_a.RdsRestoreFixedMinutes)} min instance creation (Restore.RdsRestoreFixedMinutes) + {sizeText} at {N(_a.RdsRestoreGiBPerHour)} GiB/h (Restore.RdsRestoreGiBPerHour)");
                case "Files":
                    return Make(size * 1024 / _a.FileRestoreMiBps,
                        $"{sizeText} at {N(_a.FileRestoreMiBps)} MiB/s (Restore.FileRestoreMiBps)");
                default:
                    return Make(_a.RdsRestoreFixedMinutes * 60 + size / _a.RdsRestoreGiBPerHour * 3600,
                        $"resource type '{resourceType}' estimated like an RDS restore: {N(_a.RdsRestoreFixedMinutes)} min + {sizeText} at {N(_a.RdsRestoreGiBPerHour)} GiB/h");
            }
        }

        private static string Family(RecoveryPointKind kind, string resourceType)
        {
            switch (kind)
            {
                case RecoveryPointKind.EbsSnapshotSet: return "EBS";
                case RecoveryPointKind.Ami: return "EC2";
                case RecoveryPointKind.RdsSnapshot: return "RDS";
                case RecoveryPointKind.FileBackup: return "Files";
            }
            switch ((resourceType ?? string.Empty).ToUpperInvariant())
            {
                case "EBS": return "EBS";
                case "EC2": return "EC2";
                case "RDS":
                case "AURORA":
                    return "RDS";
                default: return "Other";
            }
        }

        private static RestoreEstimate Make(double seconds, string basis) =>
            new RestoreEstimate { Duration = TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, seconds))), Basis = basis };

        private static string N(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
