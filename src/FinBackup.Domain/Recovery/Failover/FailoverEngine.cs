using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Waiting;

namespace FinBackup.Domain.Recovery.Failover
{
    /// <summary>What to rebuild where: the blueprint, the DR copies to use, and whether it is a drill.</summary>
    public sealed class FailoverRequest
    {
        public BackupPolicy Policy { get; set; }
        public ApplicationPolicy Application { get; set; }
        public RecoveryBlueprint Blueprint { get; set; }
        public string BlueprintKey { get; set; }
        /// <summary>The region to rebuild in (the DR region).</summary>
        public string Region { get; set; }
        /// <summary>Default: <see cref="FailoverIds.ForFailover"/> (the same for every failover of the application into the region, so a re-run resumes).</summary>
        public string FailoverId { get; set; }
        /// <summary>Set for a drill: names get the drill's suffix, resources its fin:drill-id tag, DNS is never switched.</summary>
        public string DrillId { get; set; }
        public bool SkipDns { get; set; }
        /// <summary>The newest AMI copy in the region (null: no compute step can run).</summary>
        public FinRecoveryPoint Image { get; set; }
        /// <summary>The newest DB snapshot copy per blueprint database identifier.</summary>
        public IDictionary<string, FinRecoveryPoint> DbSnapshots { get; set; } = new Dictionary<string, FinRecoveryPoint>(StringComparer.Ordinal);
        /// <summary>An existing VPC in the region (id or Name) to build in instead of a new one (policy RestoreTargets[region].VpcId).</summary>
        public string ExistingVpc { get; set; }
        /// <summary>The replicated restore secret whose password a restored database gets.</summary>
        public string SecretName { get; set; }

        public bool IsDrill => !string.IsNullOrEmpty(DrillId);
    }

    /// <summary>Failover ids and the names a rebuild gives its resources.</summary>
    public static class FailoverIds
    {
        public const string TagFailoverId = "fin:failover-id";
        public const string TagLogicalName = "fin:failover-logical";
        public const string TagDrillId = "fin:drill-id";

        /// <summary>"failover-agent-payment-us-west-2": one per application and region, so a second run adopts the first's resources.</summary>
        public static string ForFailover(string application, string region) => "failover-" + BlueprintAssembler.Slug(application) + "-" + region;

        /// <summary>"drill-20261201T151200Z-3f9a": unique per drill.</summary>
        public static string NewDrillId(DateTime utcNow) =>
            "drill-" + utcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 4);

        /// <summary>
        /// The AWS name of a resource: the blueprint's name for a failover; for a drill the name with the drill's short suffix,
        /// shortened to <paramref name="maxLength"/> and kept to letters, digits and single hyphens (valid for ALB, target group, DB).
        /// </summary>
        public static string Name(string baseName, string drillId, int maxLength)
        {
            var name = baseName ?? "fin";
            if (!string.IsNullOrEmpty(drillId))
            {
                var suffix = "-d" + ShortId(drillId);
                var clean = new string(name.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
                while (clean.Contains("--")) clean = clean.Replace("--", "-");
                clean = clean.Trim('-');
                if (clean.Length + suffix.Length > maxLength) clean = clean.Substring(0, Math.Max(1, maxLength - suffix.Length)).TrimEnd('-');
                if (clean.Length == 0 || !char.IsLetter(clean[0])) clean = "d" + clean;
                name = clean + suffix;
            }
            return name.Length > maxLength ? name.Substring(0, maxLength).TrimEnd('-') : name;
        }

        /// <summary>The last 8 letters/digits of a drill id.</summary>
        public static string ShortId(string drillId)
        {
            var s = new string((drillId ?? string.Empty).Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
            return s.Length <= 8 ? s : s.Substring(s.Length - 8);
        }
    }

    /// <summary>One step of the ordered failover plan.</summary>
    public sealed class FailoverPlanStep
    {
        public int Order { get; set; }
        public string Name { get; set; }
        public string Tier { get; set; }
        /// <summary>What the step makes, as "Kind logical-name (aws-name)".</summary>
        public List<FailoverResourceRequest> Resources { get; set; } = new List<FailoverResourceRequest>();
        /// <summary>Why the step will not run (no database, -SkipDns...), else null.</summary>
        public string SkipReason { get; set; }
        internal Action<FailoverRun> Run { get; set; }

        public override string ToString() => $"{Order} {Name}";
    }

    /// <summary>
    /// The ordered failover of one application into a region, and its runner. Steps: VPC + subnets + internet gateway; NAT
    /// gateway + Elastic IP; route tables; security groups; security group rules (sources remapped to the new groups); target
    /// groups + load balancer + listeners; WAF web ACL + association; database (subnet group + restore from the DR snapshot
    /// copy, password from the replicated secret); launch template (DR AMI copy) + Auto Scaling group on the target group; the
    /// Route 53 failover switch. Each step first looks for what it would make by the failover id (<see cref="IFailoverGateway.Find"/>)
    /// and adopts it, so a re-run after a crash or a failed step continues without duplicates.
    /// </summary>
    public sealed class FailoverEngine
    {
        private readonly IFailoverGateway _gateway;
        private readonly Func<DateTime> _clock;
        private readonly Waiter _waiter;

        public FailoverEngine(IFailoverGateway gateway, Func<DateTime> clock = null, Waiter waiter = null)
        {
            _gateway = gateway ?? throw new ArgumentNullException(nameof(gateway));
            _clock = clock ?? (() => DateTime.UtcNow);
            _waiter = waiter ?? new Waiter(_clock);
        }

        /// <summary>How long to wait for NAT gateways, load balancers, databases.</summary>
        public WaitPolicy WaitPolicy { get; set; } = new WaitPolicy { FirstDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromHours(2) };

        /// <summary>The ordered plan (nothing is created). -WhatIf prints it.</summary>
        public IReadOnlyList<FailoverPlanStep> Plan(FailoverRequest request)
        {
            Validate(request);
            return new FailoverPlanner(request).Build();
        }

        /// <summary>
        /// Runs the plan. <paramref name="onStep"/> is told before (Outcome Pending) and after each step. A failing step ends the
        /// run with Status Failed (the result says which step and why); cancellation ends it with Status Cancelled. Never throws
        /// for an AWS failure; re-run with the same request to resume.
        /// </summary>
        public FinFailoverResult Run(FailoverRequest request, Action<FinFailoverStep, int> onStep, CancellationToken cancellationToken)
        {
            var steps = Plan(request);
            var result = NewResult(request, steps);
            var run = new FailoverRun(_gateway, request, _waiter, WaitPolicy, cancellationToken);
            result.StartedAt = _clock();
            result.Status = "Succeeded";
            for (int i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var record = result.Steps[i];
                if (step.SkipReason != null)
                {
                    record.Outcome = "Skipped";
                    record.Resources = step.SkipReason;
                    onStep?.Invoke(record, steps.Count);
                    continue;
                }
                record.StartedAt = _clock();
                record.Outcome = "Pending";
                onStep?.Invoke(record, steps.Count);
                run.Created.Clear();
                run.Adopted.Clear();
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    step.Run(run);
                    record.Outcome = "Succeeded";
                }
                catch (OperationCanceledException)
                {
                    record.Outcome = "Cancelled";
                    result.Status = "Cancelled";
                }
                catch (FinBackupException ex)
                {
                    record.Outcome = "Failed";
                    record.Error = ex.Message;
                    result.Status = "Failed";
                    result.Error = $"Step {step.Order} ({step.Name}): {ex.Message}";
                    result.ErrorId = ex.ErrorId;
                }
                record.CompletedAt = _clock();
                record.Duration = record.CompletedAt - record.StartedAt;
                record.Created = run.Created.Count;
                record.Adopted = run.Adopted.Count;
                record.Resources = string.Join(",", run.Created.Concat(run.Adopted).Select(r => r.Id));
                result.Created += record.Created;
                result.Adopted += record.Adopted;
                onStep?.Invoke(record, steps.Count);
                if (result.Status != "Succeeded") break;
            }
            result.CompletedAt = _clock();
            result.Duration = result.CompletedAt - result.StartedAt;
            result.Tiers = result.Steps.Where(s => s.Duration.HasValue).GroupBy(s => s.Tier)
                .Select(g => new FinFailoverTier { Tier = g.Key, Steps = g.Count(), Duration = TimeSpan.FromTicks(g.Sum(s => s.Duration.Value.Ticks)) }).ToArray();
            if (result.Status == "Succeeded" && result.TargetRto is TimeSpan rto) result.RtoMet = result.Duration <= rto;
            var lb = run.Find(FailoverResourceKind.LoadBalancer);
            result.LoadBalancerDnsName = lb?.Attribute("DnsName");
            var db = run.Find(FailoverResourceKind.DbInstance);
            result.DatabaseEndpoint = db?.Attribute("Endpoint");
            return result;
        }

        /// <summary>The plan as a result with every step Planned and nothing run (-WhatIf).</summary>
        public FinFailoverResult PlanResult(FailoverRequest request)
        {
            var steps = Plan(request);
            var result = NewResult(request, steps);
            result.Status = "Planned";
            return result;
        }

        private FinFailoverResult NewResult(FailoverRequest request, IReadOnlyList<FailoverPlanStep> steps)
        {
            var result = new FinFailoverResult
            {
                FailoverId = request.FailoverId,
                Application = request.Application.Name,
                Policy = request.Policy?.Name,
                Region = request.Region,
                DrillId = request.DrillId,
                TargetRto = request.Application.Rto,
                BlueprintKey = request.BlueprintKey,
                BlueprintCreatedAt = request.Blueprint.CreatedAt,
                ImageId = request.Image?.RecoveryPointId,
                ImageCreatedAt = request.Image?.CreatedAt,
                Status = "Planned",
            };
            var firstDb = request.DbSnapshots.Values.FirstOrDefault();
            result.DbSnapshotId = firstDb?.RecoveryPointId;
            result.DbSnapshotCreatedAt = firstDb?.CreatedAt;
            if (request.Policy != null)
            {
                try { result.EstimatedRto = RtoEstimator.Estimate(request.Policy, request.Application).Estimated; }
                catch (ArgumentException) { }
            }
            var record = request.Blueprint.Dns?.Records?.FirstOrDefault(r => r.Failover == "SECONDARY");
            result.DnsRecord = record?.Name;
            result.Steps = steps.Select(s => new FinFailoverStep
            {
                Order = s.Order,
                Name = s.Name,
                Tier = s.Tier,
                Outcome = s.SkipReason != null ? "Skipped" : "Planned",
                Resources = s.SkipReason ?? string.Join(", ", s.Resources.Select(r => $"{r.Kind} {r.Name ?? r.LogicalName}")),
            }).ToArray();
            return result;
        }

        private static void Validate(FailoverRequest request)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (request.Application == null) throw new ArgumentException("The request names no application.", nameof(request));
            if (request.Blueprint == null)
                throw new FinBackupException("FinBlueprintNotFound", FinErrorKind.ObjectNotFound,
                    $"There is no recovery blueprint of '{request.Application.Name}' in {request.Region}.", "Run Export-FinRecoveryBlueprint first.");
            if (string.IsNullOrEmpty(request.Region)) throw new ArgumentException("The request names no region.", nameof(request));
            if (string.IsNullOrEmpty(request.FailoverId))
                request.FailoverId = request.IsDrill ? request.DrillId : FailoverIds.ForFailover(request.Application.Name, request.Region);
            if (request.IsDrill) request.SkipDns = true;
        }
    }

    /// <summary>The state of one run: what each logical name became, for the steps after.</summary>
    internal sealed class FailoverRun
    {
        private readonly Dictionary<string, FailoverResource> _made = new Dictionary<string, FailoverResource>(StringComparer.Ordinal);

        public FailoverRun(IFailoverGateway gateway, FailoverRequest request, Waiter waiter, WaitPolicy wait, CancellationToken ct)
        {
            Gateway = gateway;
            Request = request;
            Waiter = waiter;
            Wait = wait;
            Token = ct;
        }

        public IFailoverGateway Gateway { get; }
        public FailoverRequest Request { get; }
        public Waiter Waiter { get; }
        public WaitPolicy Wait { get; }
        public CancellationToken Token { get; }
        public List<FailoverResource> Created { get; } = new List<FailoverResource>();
        public List<FailoverResource> Adopted { get; } = new List<FailoverResource>();

        private static string Key(FailoverResourceKind kind, string logical) => kind + "/" + logical;

        public FailoverResource Find(FailoverResourceKind kind, string logical = null) =>
            logical != null
                ? (_made.TryGetValue(Key(kind, logical), out var r) ? r : null)
                : _made.Values.FirstOrDefault(v => v.Kind == kind);

        public IEnumerable<FailoverResource> All(FailoverResourceKind kind) => _made.Values.Where(v => v.Kind == kind);

        public void Remember(FailoverResource resource, bool adopted)
        {
            _made[Key(resource.Kind, resource.LogicalName)] = resource;
            (adopted ? Adopted : Created).Add(resource);
        }

        /// <summary>Find it by the failover id (adopt) or create it; then, when asked, wait until it is ready.</summary>
        public FailoverResource Ensure(FailoverResourceRequest request, bool waitReady = false)
        {
            Token.ThrowIfCancellationRequested();
            var found = Gateway.Find(request, Token);
            var resource = found ?? Gateway.Create(request, Token);
            resource.LogicalName = request.LogicalName;
            resource.Kind = request.Kind;
            Remember(resource, found != null);
            return waitReady ? WaitReady(resource) : resource;
        }

        /// <summary>Waits until the resource is ready (NAT available, load balancer active, DB available); fails on a failed state.</summary>
        public FailoverResource WaitReady(FailoverResource resource)
        {
            if (resource.Ready) return resource;
            var current = resource;
            var ready = Waiter.Until($"{resource.Kind} {resource.Name ?? resource.Id} in {Gateway.Region}",
                t => Gateway.Refresh(current, t) ?? throw new FinBackupException("FinFailoverResourceVanished", FinErrorKind.ResourceUnavailable,
                    $"{current.Kind} {current.Id} disappeared while the failover waited for it (state was {current.State}).", null),
                r => r.Ready || IsFailedState(r.State), Wait, Token);
            ready.LogicalName = resource.LogicalName;
            ready.Kind = resource.Kind;
            if (!ready.Ready)
            {
                throw new FinBackupException("FinFailoverResourceFailed", FinErrorKind.ResourceUnavailable,
                    $"{resource.Kind} {ready.Id} ended in state '{ready.State}' instead of becoming ready.", null);
            }
            _made[Key(ready.Kind, ready.LogicalName)] = ready;
            return ready;
        }

        private static bool IsFailedState(string state) =>
            state != null && (state.Equals("failed", StringComparison.OrdinalIgnoreCase) || state.Equals("deleted", StringComparison.OrdinalIgnoreCase)
                              || state.Equals("incompatible-restore", StringComparison.OrdinalIgnoreCase) || state.Equals("incompatible-parameters", StringComparison.OrdinalIgnoreCase));

        public string Id(FailoverResourceKind kind, string logical)
        {
            var r = Find(kind, logical);
            if (r == null)
            {
                throw new FinBackupException("FinFailoverBlueprintInconsistent", FinErrorKind.InvalidData,
                    $"The blueprint refers to {kind} '{logical}', which the failover did not make.", null);
            }
            return r.Id;
        }
    }
}
