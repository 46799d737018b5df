using System;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// The restore figures the plan estimator (New-FinRestorePlan) and the maker-checker use: the policy's <c>Restore</c>
    /// table. Defaults are conservative planning figures, not AWS guarantees: measure restores on your account (a drill)
    /// and write the measured figures here, so plans estimate against the RTO with numbers a reviewer can challenge.
    /// </summary>
    public sealed class RestoreAssumptions
    {
        /// <summary>EBS: minutes from CreateVolume to an attachable volume (default 1).</summary>
        public double EbsVolumeCreateMinutes { get; set; } = 1;
        /// <summary>
        /// EBS: the volume initialization rate, MiB/s (default 100; AWS's provisioned rate can be set from 100 to 300). A restored
        /// volume is usable at once but reads are slow until every block is loaded; the estimate counts the full initialization.
        /// </summary>
        public double InitializationRateMiBps { get; set; } = 100;
        /// <summary>EC2: minutes from RunInstances to a running instance that passed its status checks (default 5).</summary>
        public double InstanceBootMinutes { get; set; } = 5;
        /// <summary>RDS: fixed minutes of a restore (instance creation, before data; default 15).</summary>
        public double RdsRestoreFixedMinutes { get; set; } = 15;
        /// <summary>RDS: restore rate of the snapshot's allocated storage, GiB per hour (default 100).</summary>
        public double RdsRestoreGiBPerHour { get; set; } = 100;
        /// <summary>File restores: download, verify and write rate, MiB/s (default 50).</summary>
        public double FileRestoreMiBps { get; set; } = 50;
        /// <summary>How long an approval (Approve-FinRestore) stays valid (default 4 hours).</summary>
        public TimeSpan ApprovalValidity { get; set; } = TimeSpan.FromHours(4);
        /// <summary>How long a plan may be approved and run after it was made (default 24 hours).</summary>
        public TimeSpan PlanValidity { get; set; } = TimeSpan.FromHours(24);
    }
}
