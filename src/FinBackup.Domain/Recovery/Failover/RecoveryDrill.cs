using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Waiting;

namespace FinBackup.Domain.Recovery.Failover
{
    /// <summary>Removes everything tagged with one failover id, in the reverse of the order a failover builds it. Nothing untagged is touched.</summary>
    public sealed class FailoverTeardown
    {
        private static readonly FailoverResourceKind[] Order =
        {
            FailoverResourceKind.AutoScalingGroup, FailoverResourceKind.LaunchTemplate, FailoverResourceKind.WebAcl,
            FailoverResourceKind.LoadBalancer, FailoverResourceKind.TargetGroup, FailoverResourceKind.DbInstance,
            FailoverResourceKind.DbSubnetGroup, FailoverResourceKind.NatGateway, FailoverResourceKind.ElasticIp,
            FailoverResourceKind.SecurityGroup, FailoverResourceKind.RouteTable, FailoverResourceKind.InternetGateway,
            FailoverResourceKind.Subnet, FailoverResourceKind.Vpc,
        };

        /// <summary>Kinds whose deletion takes time: the next kind waits until they are gone.</summary>
        private static readonly HashSet<FailoverResourceKind> WaitGone = new HashSet<FailoverResourceKind>
        {
            FailoverResourceKind.AutoScalingGroup, FailoverResourceKind.LoadBalancer, FailoverResourceKind.DbInstance, FailoverResourceKind.NatGateway,
        };

        private readonly IFailoverGateway _gateway;
        private readonly Waiter _waiter;

        public FailoverTeardown(IFailoverGateway gateway, Waiter waiter = null)
        {
            _gateway = gateway;
            _waiter = waiter ?? new Waiter();
        }

        public WaitPolicy WaitPolicy { get; set; } = new WaitPolicy { FirstDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromHours(1) };

        /// <summary>Deletes what carries fin:failover-id = <paramref name="failoverId"/>; returns what was deleted.</summary>
        public IReadOnlyList<FailoverResource> Remove(string failoverId, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(failoverId)) throw new ArgumentException("A failover id is required.", nameof(failoverId));
            var tagged = _gateway.ListTagged(failoverId, cancellationToken).Where(r => !r.External).ToList();
            var deleted = new List<FailoverResource>();
            // Load balancers first lose their web ACL association, so the ACL can go before them.
            foreach (var lb in tagged.Where(r => r.Kind == FailoverResourceKind.LoadBalancer)) _gateway.Detach(lb, cancellationToken);
            foreach (var kind in Order)
            {
                var ofKind = tagged.Where(r => r.Kind == kind).ToList();
                if (kind != FailoverResourceKind.LoadBalancer) foreach (var r in ofKind) _gateway.Detach(r, cancellationToken);
                foreach (var r in ofKind)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    _gateway.Delete(r, cancellationToken);
                    deleted.Add(r);
                }
                if (!WaitGone.Contains(kind)) continue;
                foreach (var r in ofKind)
                {
                    _waiter.Until($"deletion of {r.Kind} {r.Id} in {_gateway.Region}", t => _gateway.Refresh(r, t),
                        x => x == null || string.Equals(x.State, "deleted", StringComparison.OrdinalIgnoreCase), WaitPolicy, cancellationToken);
                }
            }
            return deleted;
        }
    }

    /// <summary>Where a drill's record goes and who runs it.</summary>
    public sealed class RecoveryDrillOptions
    {
        public IRecoveryDrillStore Store { get; set; }
        public string Bucket { get; set; }
        public string KmsKeyId { get; set; }
        public string RunBy { get; set; }
        /// <summary>Leave what the drill made (-Keep).</summary>
        public bool Keep { get; set; }
    }

    /// <summary>
    /// A recovery drill: the failover into an isolated copy (own names, fin:drill-id tags, DNS never switched), validation
    /// (target groups have registered and healthy targets; databases available, endpoint resolvable), teardown by tag unless
    /// kept, and the evidence as a <see cref="RecoveryDrillRecord"/> in the drill region's backup bucket.
    /// </summary>
    public sealed class RecoveryDrill
    {
        private readonly IFailoverGateway _gateway;
        private readonly Func<DateTime> _clock;
        private readonly Waiter _waiter;

        public RecoveryDrill(IFailoverGateway gateway, Func<DateTime> clock = null, Waiter waiter = null)
        {
            _gateway = gateway;
            _clock = clock ?? (() => DateTime.UtcNow);
            _waiter = waiter ?? new Waiter(_clock);
        }

        public WaitPolicy WaitPolicy { get; set; }

        public RecoveryDrillRecord Run(FailoverRequest request, RecoveryDrillOptions options, Action<FinFailoverStep, int> onStep, CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (options?.Store == null) throw new ArgumentException("A drill store is required.", nameof(options));
            if (string.IsNullOrEmpty(request.DrillId)) request.DrillId = FailoverIds.NewDrillId(_clock());
            if (string.IsNullOrEmpty(request.FailoverId)) request.FailoverId = request.DrillId;
            request.SkipDns = true;
            var started = _clock();
            var record = new RecoveryDrillRecord
            {
                DrillId = request.DrillId,
                PolicyName = request.Policy?.Name,
                Application = request.Application.Name,
                Region = request.Region,
                RunBy = options.RunBy,
                StartedAt = started,
                TargetRto = request.Application.Rto,
                FailoverId = request.FailoverId,
                BlueprintKey = request.BlueprintKey,
            };
            foreach (var p in new[] { request.Image }.Concat(request.DbSnapshots.Values).Where(p => p != null))
            {
                record.PointsUsed.Add(new RecoveryDrillPoint { RecoveryPointId = p.RecoveryPointId, Kind = p.Kind.ToString(), CreatedAt = p.CreatedAt, Age = started - p.CreatedAt });
            }
            if (record.PointsUsed.Count > 0) record.AchievedRpo = record.PointsUsed.Max(p => p.Age);

            var engine = new FailoverEngine(_gateway, _clock, _waiter);
            if (WaitPolicy != null) engine.WaitPolicy = WaitPolicy;
            FinFailoverResult result;
            try
            {
                result = engine.Run(request, onStep, cancellationToken);
            }
            catch (FinBackupException ex)
            {
                result = new FinFailoverResult { Status = "Failed", Error = ex.Message, ErrorId = ex.ErrorId };
            }
            record.Steps.AddRange(result.Steps.Select(s => new RecoveryDrillStep
            {
                Order = s.Order, Name = s.Name, Tier = s.Tier, StartedAt = s.StartedAt ?? started, CompletedAt = s.CompletedAt, Outcome = s.Outcome, ResourceIds = s.Resources,
            }));
            record.Error = result.Error;

            // Validation (only of a complete rebuild).
            var validationStart = _clock();
            if (result.Status == "Succeeded") Validate(request, record, cancellationToken);
            else record.Validations.Add(new RecoveryDrillCheck { Name = "Rebuild", Passed = false, Detail = result.Error ?? result.Status });
            var validationEnd = _clock();
            record.Steps.Add(new RecoveryDrillStep
            {
                Order = record.Steps.Count + 1, Name = "Validation", Tier = "Validation", StartedAt = validationStart, CompletedAt = validationEnd,
                Outcome = record.Validations.All(v => v.Passed) ? "Succeeded" : "Failed",
            });
            var firstStart = record.Steps.Where(s => s.Outcome != "Skipped").Select(s => (DateTime?)s.StartedAt).Min() ?? started;
            record.MeasuredRto = result.Status == "Succeeded" ? validationEnd - firstStart : (TimeSpan?)null;

            // Teardown by tag, unless kept.
            if (!options.Keep)
            {
                var tdStart = _clock();
                string outcome = "Succeeded";
                string ids = null;
                try
                {
                    var teardown = new FailoverTeardown(_gateway, _waiter);
                    if (WaitPolicy != null) teardown.WaitPolicy = WaitPolicy;
                    var deleted = teardown.Remove(request.FailoverId, CancellationToken.None);
                    ids = deleted.Count + " deleted";
                    record.TornDown = true;
                }
                catch (FinBackupException ex)
                {
                    outcome = "Failed";
                    ids = ex.Message;
                    record.Error = (record.Error == null ? string.Empty : record.Error + " ") + "Teardown: " + ex.Message;
                }
                record.Steps.Add(new RecoveryDrillStep { Order = record.Steps.Count + 1, Name = "Teardown", Tier = "Teardown", StartedAt = tdStart, CompletedAt = _clock(), Outcome = outcome, ResourceIds = ids });
            }
            record.CompletedAt = _clock();
            record.Outcome = result.Status == "Succeeded" && record.Validations.All(v => v.Passed) ? "Succeeded"
                : result.Status == "Succeeded" ? "Partial" : "Failed";
            record.Location = options.Store.Put(options.Bucket, record, options.KmsKeyId, CancellationToken.None);
            return record;
        }

        private void Validate(FailoverRequest request, RecoveryDrillRecord record, CancellationToken ct)
        {
            foreach (var tg in _gateway.ListTagged(request.FailoverId, ct).Where(r => r.Kind == FailoverResourceKind.TargetGroup))
            {
                var h = _gateway.TargetHealth(tg.Arn ?? tg.Id, ct);
                record.Validations.Add(new RecoveryDrillCheck
                {
                    Name = "TargetGroupHealthy:" + tg.Name,
                    Passed = h.Registered > 0 && h.Healthy > 0,
                    Detail = $"{h.Healthy} of {h.Registered} registered target(s) healthy" + (h.Detail != null ? " (" + h.Detail + ")" : string.Empty),
                });
            }
            foreach (var db in _gateway.ListTagged(request.FailoverId, ct).Where(r => r.Kind == FailoverResourceKind.DbInstance))
            {
                var now = _gateway.Refresh(db, ct);
                record.Validations.Add(new RecoveryDrillCheck
                {
                    Name = "DatabaseAvailable:" + db.Id,
                    Passed = now != null && now.Ready,
                    Detail = now == null ? "gone" : "status " + now.State,
                });
                var endpoint = now?.Attribute("Endpoint");
                var host = endpoint?.Split(':')[0];
                var resolves = string.IsNullOrEmpty(host) ? false : _gateway.Resolves(host, ct);
                record.Validations.Add(new RecoveryDrillCheck
                {
                    Name = "DatabaseEndpointResolves:" + db.Id,
                    Passed = resolves != false,
                    Skipped = resolves == null,
                    Detail = string.IsNullOrEmpty(host) ? "no endpoint" : resolves == null ? endpoint + " (not resolved: custom endpoint, names are not in DNS)" : endpoint + (resolves == true ? " resolves" : " does not resolve"),
                });
            }
        }
    }
}
