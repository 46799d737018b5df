using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace FinBackup.Domain.Recovery.Failover
{
    /// <summary>One failover (or drill rebuild): Invoke-FinFailover's only output type. Plain values; times UTC.</summary>
    public sealed class FinFailoverResult
    {
        /// <summary>The fin:failover-id every resource the failover made is tagged with; re-running with it resumes.</summary>
        public string FailoverId { get; set; }
        public string Application { get; set; }
        public string Policy { get; set; }
        /// <summary>Where the application was rebuilt.</summary>
        public string Region { get; set; }
        /// <summary>Set when the rebuild is a drill (Start-FinRecoveryDrill).</summary>
        public string DrillId { get; set; }
        /// <summary>Succeeded, Failed, Cancelled or Planned (-WhatIf).</summary>
        public string Status { get; set; }
        public DateTime? StartedAt { get; set; }
        public DateTime? CompletedAt { get; set; }
        /// <summary>Measured total: start of the first step to the end of the last.</summary>
        public TimeSpan? Duration { get; set; }
        public TimeSpan? TargetRto { get; set; }
        /// <summary>Duration within TargetRto (null when either is unknown or the failover did not finish).</summary>
        public bool? RtoMet { get; set; }
        /// <summary>The plan-time estimate (Get-FinRtoEstimate) for comparison.</summary>
        public TimeSpan? EstimatedRto { get; set; }
        public FinFailoverStep[] Steps { get; set; } = new FinFailoverStep[0];
        public FinFailoverTier[] Tiers { get; set; } = new FinFailoverTier[0];
        /// <summary>Resources created by this run (adopted ones not counted).</summary>
        public int Created { get; set; }
        /// <summary>Resources an earlier run had made and this one adopted.</summary>
        public int Adopted { get; set; }
        public string BlueprintKey { get; set; }
        public DateTime? BlueprintCreatedAt { get; set; }
        public string ImageId { get; set; }
        public DateTime? ImageCreatedAt { get; set; }
        public string DbSnapshotId { get; set; }
        public DateTime? DbSnapshotCreatedAt { get; set; }
        public string LoadBalancerDnsName { get; set; }
        public string DatabaseEndpoint { get; set; }
        public string DnsRecord { get; set; }
        /// <summary>The error that stopped the failover, or null.</summary>
        public string Error { get; set; }
        public string ErrorId { get; set; }

        /// <summary>The steps as text, one line each: "3 Security groups [Security] 1.2s Created 3 sg-..".</summary>
        public string StepsText => string.Join(Environment.NewLine, (Steps ?? new FinFailoverStep[0]).Select(s => s.ToString()));

        public override string ToString() => FailoverId;
    }

    /// <summary>One step of a failover with its start and end.</summary>
    public sealed class FinFailoverStep
    {
        public int Order { get; set; }
        public string Name { get; set; }
        /// <summary>Network, Security, LoadBalancer, Waf, Database, Compute, Dns (as in Get-FinRtoEstimate).</summary>
        public string Tier { get; set; }
        /// <summary>Pending, Succeeded, Failed, Skipped, Cancelled, Planned.</summary>
        public string Outcome { get; set; }
        public DateTime? StartedAt { get; set; }
        public DateTime? CompletedAt { get; set; }
        public TimeSpan? Duration { get; set; }
        public int Created { get; set; }
        public int Adopted { get; set; }
        /// <summary>What the step makes (plan) or made (ids), comma-separated.</summary>
        public string Resources { get; set; }
        public string Error { get; set; }

        public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0,2} {1,-38} {2,-12} {3,-9} {4,8} {5}",
            Order, Name, Tier, Outcome, Duration is TimeSpan d ? d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "-", Resources);
    }

    /// <summary>Time spent per tier (sum of its steps).</summary>
    public sealed class FinFailoverTier
    {
        public string Tier { get; set; }
        public TimeSpan Duration { get; set; }
        public int Steps { get; set; }
        public override string ToString() => $"{Tier} {Duration.TotalSeconds:0.0}s";
    }
}
