using System;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// What Invoke-FinBackupCycle verifies (the policy's Verification table): every run, the existence and structure of each
    /// resource's newest point in every region (Test-FinRecoveryPoint without -ReadData); every <see cref="ReadDataEvery"/>,
    /// a sample of file-backup data read and hashed.
    /// <code>Verification = @{ ReadDataEvery = '24h'; SamplePercent = 5 }</code>
    /// </summary>
    public sealed class VerificationPolicy
    {
        /// <summary>Existence checks every run (default true; $false turns cycle verification off).</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>How often the cycle reads and hashes file-backup data (null: never; Test-FinRecoveryPoint -ReadData still can).</summary>
        public TimeSpan? ReadDataEvery { get; set; }

        /// <summary>With ReadDataEvery: the percentage of each newest file backup's files read (at least one file).</summary>
        public double SamplePercent { get; set; } = 5;
    }
}
