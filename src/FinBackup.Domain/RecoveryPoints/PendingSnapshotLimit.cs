using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>EBS allows at most 5 pending snapshots per volume; FinBackup refuses before AWS does.</summary>
    public static class PendingSnapshotLimit
    {
        public const int PerVolume = 5;

        /// <summary>Throws FinSnapshotPendingLimit when a volume of <paramref name="resourceId"/> already has the maximum pending.</summary>
        /// <param name="pendingSnapshotVolumeIds">The volume id of every pending snapshot the service reports for these volumes.</param>
        public static void Check(string resourceId, IEnumerable<string> pendingSnapshotVolumeIds)
        {
            var full = (pendingSnapshotVolumeIds ?? Enumerable.Empty<string>()).Where(v => v != null)
                .GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() >= PerVolume).Select(g => g.Key).OrderBy(v => v, StringComparer.Ordinal).ToList();
            if (full.Count > 0)
                throw new FinBackupException("FinSnapshotPendingLimit", FinErrorKind.LimitsExceeded,
                    $"Volume(s) {string.Join(", ", full)} of {resourceId} already have {PerVolume} pending snapshots, the EBS limit.",
                    "Wait for the pending snapshots to complete (Get-FinRecoveryPoint -State Pending), then run again.");
        }
    }
}
