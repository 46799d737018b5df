using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Recovery
{
    /// <summary>
    /// The evidence of one recovery drill (Start-FinRecoveryDrill), stored as JSON in the backup bucket of the drill's
    /// region: who ran it, when, which points it used and how old they were (the achieved RPO), how long each step took
    /// (the measured RTO), and what was validated. Compliance reads the newest record per application.
    /// </summary>
    public sealed class RecoveryDrillRecord
    {
        public string DrillId { get; set; }
        public string PolicyName { get; set; }
        public string Application { get; set; }
        /// <summary>Where the drill rebuilt the application.</summary>
        public string Region { get; set; }
        /// <summary>The principal ARN that ran it.</summary>
        public string RunBy { get; set; }
        public DateTime StartedAt { get; set; }
        public DateTime? CompletedAt { get; set; }
        /// <summary>Succeeded, Failed or Partial.</summary>
        public string Outcome { get; set; }
        /// <summary>Measured recovery time: start of the first step to the end of the validation.</summary>
        public TimeSpan? MeasuredRto { get; set; }
        /// <summary>The application's RTO from the policy, when it states one.</summary>
        public TimeSpan? TargetRto { get; set; }
        /// <summary>Age of the oldest point used when the drill started (the achieved RPO).</summary>
        public TimeSpan? AchievedRpo { get; set; }
        public List<RecoveryDrillPoint> PointsUsed { get; set; } = new List<RecoveryDrillPoint>();
        public List<RecoveryDrillStep> Steps { get; set; } = new List<RecoveryDrillStep>();
        public List<RecoveryDrillCheck> Validations { get; set; } = new List<RecoveryDrillCheck>();
        /// <summary>Whether what the drill created was torn down (false with -Keep).</summary>
        public bool TornDown { get; set; }
        /// <summary>The fin:failover-id the drill's resources carry (added by Start-FinRecoveryDrill; older records: null).</summary>
        public string FailoverId { get; set; }
        /// <summary>The blueprint the drill rebuilt from.</summary>
        public string BlueprintKey { get; set; }
        /// <summary>What stopped the drill or its teardown, or null.</summary>
        public string Error { get; set; }
        /// <summary>Where the record is stored (s3://bucket/fin-drills/...); set when written and when read.</summary>
        public string Location { get; set; }
    }

    public sealed class RecoveryDrillPoint
    {
        public string RecoveryPointId { get; set; }
        public string Kind { get; set; }
        public DateTime CreatedAt { get; set; }
        public TimeSpan Age { get; set; }
    }

    public sealed class RecoveryDrillStep
    {
        public int Order { get; set; }
        public string Name { get; set; }
        public string Tier { get; set; }
        public DateTime StartedAt { get; set; }
        public DateTime? CompletedAt { get; set; }
        public string Outcome { get; set; }
        public string ResourceIds { get; set; }
    }

    public sealed class RecoveryDrillCheck
    {
        public string Name { get; set; }
        public bool Passed { get; set; }
        /// <summary>The check could not be made here (e.g. DNS resolution against a custom endpoint); Passed is then true and Detail says why.</summary>
        public bool Skipped { get; set; }
        public string Detail { get; set; }
    }
}
