using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Recovery
{
    /// <summary>One step of a failover as the RTO estimate times it.</summary>
    public sealed class RtoStep
    {
        public RtoStep(int order, string name, string tier, TimeSpan duration, string basis, bool parallel)
        {
            Order = order;
            Name = name;
            Tier = tier;
            Duration = duration;
            Basis = basis;
            Parallel = parallel;
        }

        /// <summary>Position in the order a failover runs the steps (1 = first).</summary>
        public int Order { get; }
        public string Name { get; }
        /// <summary>Network, Security, LoadBalancer, Waf, Database, Compute, Dns.</summary>
        public string Tier { get; }
        public TimeSpan Duration { get; }
        /// <summary>How the duration was worked out ("10240 GiB at 256 GiB/min + 15m").</summary>
        public string Basis { get; }
        /// <summary>True for the database restore, which runs beside the load balancer and compute steps.</summary>
        public bool Parallel { get; }
        /// <summary>Whether this step is on the critical path.</summary>
        public bool OnCriticalPath { get; internal set; }
        public TimeSpan Start { get; internal set; }
        public TimeSpan End => Start + Duration;

        public override string ToString() => $"{Name} {Duration.TotalMinutes:0.#}m";
    }

    /// <summary>The plan-time RTO estimate of one application.</summary>
    public sealed class RtoEstimate
    {
        public string Application { get; set; }
        public TimeSpan Estimated { get; set; }
        /// <summary>The application's RTO from the policy, or null when it states none.</summary>
        public TimeSpan? Target { get; set; }
        public bool? Meets => Target is TimeSpan t ? Estimated <= t : (bool?)null;
        public IReadOnlyList<RtoStep> Steps { get; set; } = new RtoStep[0];
        /// <summary>The steps on the critical path, in order, with their minutes: "Network 2m -> NAT gateway 5m -> ...".</summary>
        public string CriticalPath { get; set; }
        /// <summary>The assumptions the estimate rests on, as "name=value" pairs (policy Assumptions keys).</summary>
        public string Assumptions { get; set; }
        /// <summary>What the estimate could not know and assumed instead (missing declared sizes...).</summary>
        public IReadOnlyList<string> Caveats { get; set; } = new string[0];
    }

    /// <summary>
    /// Plan-time RTO estimate per application from its declared sizes and the policy's assumptions
    /// (<see cref="FeasibilityAssumptions"/>), in the order a failover runs: network -> NAT gateway -> security groups,
    /// then two branches side by side: load balancer -> WAF -> launch template + Auto Scaling group -> instance boot ->
    /// volume initialization, and the database restore; then the DNS switch (TTL + health check interval x failure
    /// threshold). The estimate is the critical path: the longer branch plus the common steps. Plain arithmetic, no AWS.
    /// </summary>
    public static class RtoEstimator
    {
        public const string TierNetwork = "Network";
        public const string TierSecurity = "Security";
        public const string TierLoadBalancer = "LoadBalancer";
        public const string TierWaf = "Waf";
        public const string TierDatabase = "Database";
        public const string TierCompute = "Compute";
        public const string TierDns = "Dns";

        public static IReadOnlyList<RtoEstimate> Estimate(BackupPolicy policy) =>
            (policy?.Applications ?? new List<ApplicationPolicy>()).Select(a => Estimate(policy, a)).ToList();

        public static RtoEstimate Estimate(BackupPolicy policy, ApplicationPolicy app)
        {
            if (policy == null) throw new ArgumentNullException(nameof(policy));
            if (app == null) throw new ArgumentNullException(nameof(app));
            var a = policy.Assumptions ?? new FeasibilityAssumptions();
            var caveats = new List<string>();

            bool hasDatabase = (app.DeclaredDatabases ?? 0) > 0
                || (app.DeclaredDatabases == null && app.RecoveryPoints != null && app.RecoveryPoints.Contains(RecoveryPointKindRequest.RdsSnapshot));
            double total = app.DeclaredDataGiB ?? 0;
            if (app.DeclaredDataGiB == null) caveats.Add("DeclaredDataGiB not stated: data volumes and database counted as 0 GiB");
            double dbGiB = 0, ec2GiB = total;
            if (hasDatabase)
            {
                if (app.DeclaredDatabaseGiB is double d)
                {
                    dbGiB = d;
                    ec2GiB = Math.Max(0, total - d);
                }
                else
                {
                    dbGiB = total;
                    caveats.Add("DeclaredDatabaseGiB not stated: the whole declared size is assumed on both the EC2 and the database path");
                }
            }
            int instances = Math.Max(1, app.DeclaredInstances ?? 1);
            double perInstanceGiB = ec2GiB / instances;

            var steps = new List<RtoStep>();
            int order = 0;
            RtoStep Step(string name, string tier, TimeSpan duration, string basis, bool parallel = false)
            {
                var s = new RtoStep(++order, name, tier, duration, basis, parallel);
                steps.Add(s);
                return s;
            }

            var network = Step("Network", TierNetwork, a.NetworkCreationTime, "NetworkCreationTime");
            var nat = Step("NAT gateway", TierNetwork, a.NatGatewayCreationTime, "NatGatewayCreationTime (one per AZ, in parallel)");
            var sgs = Step("Security groups", TierSecurity, a.SecurityGroupCreationTime, "SecurityGroupCreationTime");
            var alb = Step("Load balancer", TierLoadBalancer, a.LoadBalancerCreationTime, "LoadBalancerCreationTime");
            var waf = Step("WAF web ACL", TierWaf, a.WebAclCreationTime, "WebAclCreationTime");
            RtoStep db = null;
            if (hasDatabase)
            {
                var restore = a.RdsRestoreBaseTime + Minutes(dbGiB / a.RdsRestoreGiBPerMinute);
                db = Step("Database restore", TierDatabase, restore,
                    $"RdsRestoreBaseTime {Fmt(a.RdsRestoreBaseTime)} + {N(dbGiB)} GiB at {N(a.RdsRestoreGiBPerMinute)} GiB/min", parallel: true);
            }
            var asg = Step("Launch template + Auto Scaling group", TierCompute, a.AutoScalingGroupCreationTime, "AutoScalingGroupCreationTime");
            var boot = Step("Instance boot", TierCompute, a.InstanceBootTime, "InstanceBootTime");
            var init = Step("Volume initialization", TierCompute, Seconds(perInstanceGiB * 1024 / a.VolumeInitializationMiBps),
                $"{N(perInstanceGiB)} GiB per instance at {N(a.VolumeInitializationMiBps)} MiB/s");
            var dnsTime = a.DnsTtl + TimeSpan.FromTicks(a.HealthCheckInterval.Ticks * Math.Max(1, a.HealthCheckFailureThreshold));
            var dns = Step("DNS failover", TierDns, dnsTime,
                $"DnsTtl {Fmt(a.DnsTtl)} + HealthCheckInterval {Fmt(a.HealthCheckInterval)} x {a.HealthCheckFailureThreshold}");

            // Timeline: common prefix, then the two branches side by side, then DNS.
            var t = TimeSpan.Zero;
            foreach (var s in new[] { network, nat, sgs })
            {
                s.Start = t;
                t = s.End;
            }
            var branchStart = t;
            var computeBranch = new[] { alb, waf, asg, boot, init };
            foreach (var s in computeBranch)
            {
                s.Start = t;
                t = s.End;
            }
            var computeEnd = t;
            var end = computeEnd;
            bool dbCritical = false;
            if (db != null)
            {
                db.Start = branchStart;
                if (db.End > computeEnd)
                {
                    end = db.End;
                    dbCritical = true;
                }
            }
            dns.Start = end;
            var estimated = dns.End;

            var critical = new List<RtoStep> { network, nat, sgs };
            critical.AddRange(dbCritical ? new[] { db } : computeBranch);
            critical.Add(dns);
            foreach (var s in critical) s.OnCriticalPath = true;

            return new RtoEstimate
            {
                Application = app.Name,
                Estimated = estimated,
                Target = app.Rto,
                Steps = steps,
                CriticalPath = string.Join(" -> ", critical.Select(s => $"{s.Name} {Fmt(s.Duration)}")),
                Assumptions = string.Join("; ", new[]
                {
                    $"VolumeInitializationMiBps={N(a.VolumeInitializationMiBps)}",
                    $"RdsRestoreBaseTime={Fmt(a.RdsRestoreBaseTime)}",
                    $"RdsRestoreGiBPerMinute={N(a.RdsRestoreGiBPerMinute)}",
                    $"NetworkCreationTime={Fmt(a.NetworkCreationTime)}",
                    $"NatGatewayCreationTime={Fmt(a.NatGatewayCreationTime)}",
                    $"SecurityGroupCreationTime={Fmt(a.SecurityGroupCreationTime)}",
                    $"LoadBalancerCreationTime={Fmt(a.LoadBalancerCreationTime)}",
                    $"WebAclCreationTime={Fmt(a.WebAclCreationTime)}",
                    $"AutoScalingGroupCreationTime={Fmt(a.AutoScalingGroupCreationTime)}",
                    $"InstanceBootTime={Fmt(a.InstanceBootTime)}",
                    $"DnsTtl={Fmt(a.DnsTtl)}",
                    $"HealthCheckInterval={Fmt(a.HealthCheckInterval)}",
                    $"HealthCheckFailureThreshold={a.HealthCheckFailureThreshold}",
                    $"EC2 data {N(ec2GiB)} GiB on {instances} instance(s)",
                    hasDatabase ? $"database {N(dbGiB)} GiB" : "no database",
                }.Concat(caveats)),
                Caveats = caveats,
            };
        }

        /// <summary>"1h 5m 30s" style, whole seconds.</summary>
        public static string Fmt(TimeSpan t)
        {
            var s = (long)Math.Round(t.TotalSeconds);
            if (s == 0) return "0s";
            var parts = new List<string>();
            if (s >= 3600) parts.Add((s / 3600) + "h");
            if (s % 3600 >= 60) parts.Add((s % 3600 / 60) + "m");
            if (s % 60 != 0) parts.Add((s % 60) + "s");
            return string.Join(" ", parts);
        }

        private static TimeSpan Minutes(double m) => TimeSpan.FromSeconds(Math.Round(m * 60));
        private static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(Math.Round(s));
        private static string N(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);
    }
}

namespace FinBackup.Domain.Recovery
{
    /// <summary>Get-FinRtoEstimate's row: one application's estimate as plain values (exports cleanly).</summary>
    public sealed class FinRtoEstimate
    {
        public string Application { get; set; }
        public TimeSpan EstimatedRto { get; set; }
        public TimeSpan? TargetRto { get; set; }
        /// <summary>Whether the estimate is within the RTO; null when the policy states no RTO.</summary>
        public bool? Meets { get; set; }
        public string CriticalPath { get; set; }
        /// <summary>Every step in failover order: "1 Network 2m [critical]; 2 NAT gateway 5m [critical]; ...".</summary>
        public string Steps { get; set; }
        public string Assumptions { get; set; }

        public static FinRtoEstimate From(RtoEstimate e) => new FinRtoEstimate
        {
            Application = e.Application,
            EstimatedRto = e.Estimated,
            TargetRto = e.Target,
            Meets = e.Meets,
            CriticalPath = e.CriticalPath,
            Steps = string.Join("; ", e.Steps.Select(s =>
                $"{s.Order} {s.Name} {RtoEstimator.Fmt(s.Duration)} at +{RtoEstimator.Fmt(s.Start)}{(s.Parallel ? " (parallel)" : string.Empty)}{(s.OnCriticalPath ? " [critical]" : string.Empty)}")),
            Assumptions = e.Assumptions,
        };

        public override string ToString() => $"{Application}: {RtoEstimator.Fmt(EstimatedRto)}";
    }
}
