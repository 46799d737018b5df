using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Recovery.Failover
{
    /// <summary>Turns a blueprint into the ordered steps of <see cref="FailoverEngine"/>, each with the resources it makes.</summary>
    internal sealed class FailoverPlanner
    {
        public const string TagDrillOf = "fin:drill-of";
        private readonly FailoverRequest _r;
        private readonly RecoveryBlueprint _bp;
        private readonly List<FailoverPlanStep> _steps = new List<FailoverPlanStep>();

        public FailoverPlanner(FailoverRequest request)
        {
            _r = request;
            _bp = request.Blueprint;
        }

        private string Name(string baseName, int max = 255) => FailoverIds.Name(baseName, _r.DrillId, max);

        private FailoverResourceRequest Req(FailoverResourceKind kind, string logical, string name)
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [FailoverIds.TagFailoverId] = _r.FailoverId,
                [FailoverIds.TagLogicalName] = logical,
                ["Name"] = name,
            };
            var tagKey = _r.Policy?.TagKey ?? FinTags.Application;
            if (_r.IsDrill)
            {
                tags[FailoverIds.TagDrillId] = _r.DrillId;
                tags[TagDrillOf] = _r.Application.Name;
            }
            else
            {
                tags[tagKey] = _r.Application.Name;
            }
            return new FailoverResourceRequest { Kind = kind, LogicalName = logical, Name = name, FailoverId = _r.FailoverId, Tags = tags };
        }

        private FailoverPlanStep Step(string name, string tier, Action<FailoverRun> run, params FailoverResourceRequest[] resources)
        {
            var s = new FailoverPlanStep { Order = _steps.Count + 1, Name = name, Tier = tier, Run = run };
            s.Resources.AddRange(resources);
            _steps.Add(s);
            return s;
        }

        private string Az(string letter) => letter != null && letter.Length <= 2 ? _r.Region + letter : letter;

        public IReadOnlyList<FailoverPlanStep> Build()
        {
            var net = _bp.Network ?? new BlueprintNetwork();
            var vpcLogical = net.VpcName ?? "vpc";

            // 1. VPC, subnets, internet gateway.
            var vpcReq = Req(FailoverResourceKind.Vpc, vpcLogical, Name(vpcLogical));
            vpcReq.Cidr = net.Cidr;
            var subnetReqs = net.Subnets.Select(s =>
            {
                var q = Req(FailoverResourceKind.Subnet, s.Name, Name(s.Name));
                q.Cidr = s.Cidr;
                q.AvailabilityZone = Az(s.AvailabilityZone);
                q.Public = s.Public;
                return q;
            }).ToList();
            var igwReq = net.InternetGateway ? Req(FailoverResourceKind.InternetGateway, vpcLogical + "-igw", Name(vpcLogical + "-igw")) : null;
            Step("Network (VPC, subnets, internet gateway)", RtoEstimator.TierNetwork, run =>
            {
                FailoverResource vpc;
                if (!string.IsNullOrEmpty(_r.ExistingVpc))
                {
                    vpc = run.Gateway.FindExistingVpc(_r.ExistingVpc, run.Token) ?? throw new FinBackupException("FinFailoverVpcNotFound",
                        FinErrorKind.ObjectNotFound, $"The VPC '{_r.ExistingVpc}' named in the policy for {_r.Region} does not exist there.", null);
                    vpc.External = true;
                    vpc.LogicalName = vpcLogical;
                    vpc.Kind = FailoverResourceKind.Vpc;
                    run.Remember(vpc, true);
                }
                else
                {
                    if (string.IsNullOrEmpty(net.Cidr))
                        throw new FinBackupException("FinFailoverBlueprintInconsistent", FinErrorKind.InvalidData,
                            $"The blueprint of '{_r.Application.Name}' has no network to rebuild.", null);
                    vpc = run.Ensure(vpcReq);
                }
                foreach (var q in subnetReqs)
                {
                    q.VpcId = vpc.Id;
                    run.Ensure(q);
                }
                if (igwReq != null)
                {
                    igwReq.VpcId = vpc.Id;
                    run.Ensure(igwReq);
                }
            }, new[] { vpcReq }.Concat(subnetReqs).Concat(igwReq == null ? new FailoverResourceRequest[0] : new[] { igwReq }).ToArray());

            // 2. NAT gateways with their Elastic IPs.
            var natReqs = net.NatGateways.Select(n => (Eip: Req(FailoverResourceKind.ElasticIp, n.Name + "-eip", Name(n.Name + "-eip")), Nat: Req(FailoverResourceKind.NatGateway, n.Name, Name(n.Name)), Subnet: n.Subnet)).ToList();
            var natStep = Step("NAT gateway (+ Elastic IP)", RtoEstimator.TierNetwork, run =>
            {
                foreach (var (eipReq, natReq, subnet) in natReqs)
                {
                    var eip = run.Ensure(eipReq);
                    natReq.AllocationId = eip.Id;
                    natReq.SubnetId = run.Id(FailoverResourceKind.Subnet, subnet);
                    natReq.VpcId = run.Find(FailoverResourceKind.Vpc)?.Id;
                }
                // Create them all, then wait: NAT gateways come up side by side.
                var made = natReqs.Select(n => run.Ensure(n.Nat)).ToList();
                foreach (var nat in made) run.WaitReady(nat);
            }, natReqs.SelectMany(n => new[] { n.Eip, n.Nat }).ToArray());
            if (natReqs.Count == 0) natStep.SkipReason = "the blueprint has no NAT gateway";

            // 3. Route tables.
            var rtReqs = net.RouteTables.Select(t => (Req: Req(FailoverResourceKind.RouteTable, t.Name, Name(t.Name)), Table: t)).ToList();
            var rtStep = Step("Route tables", RtoEstimator.TierNetwork, run =>
            {
                var vpc = run.Find(FailoverResourceKind.Vpc);
                foreach (var (q, t) in rtReqs)
                {
                    q.VpcId = vpc.Id;
                    q.SubnetIds = t.Subnets.Select(s => run.Id(FailoverResourceKind.Subnet, s)).ToList();
                    q.Routes = t.Routes.Select(rt => ParseRoute(rt, run)).Where(x => x != null).ToList();
                    run.Ensure(q);
                }
            }, rtReqs.Select(x => x.Req).ToArray());
            if (rtReqs.Count == 0) rtStep.SkipReason = "the blueprint has no route tables";

            // 4. Security groups, then 5. their rules with sources remapped to the new groups.
            var sgReqs = _bp.SecurityGroups.Select(g =>
            {
                var q = Req(FailoverResourceKind.SecurityGroup, g.Name, Name(g.Name));
                q.Description = g.Description ?? ("Failover of " + g.Name);
                return (Req: q, Group: g);
            }).ToList();
            Step("Security groups", RtoEstimator.TierSecurity, run =>
            {
                foreach (var (q, _) in sgReqs)
                {
                    q.VpcId = run.Find(FailoverResourceKind.Vpc).Id;
                    run.Ensure(q);
                }
            }, sgReqs.Select(x => x.Req).ToArray());
            var ruleReqs = sgReqs.Where(x => x.Group.Ingress.Count > 0)
                .Select(x => (Req: Req(FailoverResourceKind.SecurityGroupRules, x.Group.Name + "/ingress", Name(x.Group.Name) + " ingress"), x.Group)).ToList();
            Step("Security group rules (remapped)", RtoEstimator.TierSecurity, run =>
            {
                foreach (var (q, g) in ruleReqs)
                {
                    q.GroupId = run.Id(FailoverResourceKind.SecurityGroup, g.Name);
                    q.Rules = g.Ingress.Select(rule => new FailoverRule
                    {
                        Protocol = rule.Protocol,
                        FromPort = rule.FromPort,
                        ToPort = rule.ToPort,
                        Cidrs = rule.Cidrs.ToList(),
                        SourceGroupIds = rule.SourceGroups.Where(s => !IsExternal(s)).Select(s => run.Id(FailoverResourceKind.SecurityGroup, s)).ToList(),
                    }).Where(rule => rule.Cidrs.Count > 0 || rule.SourceGroupIds.Count > 0).ToList();
                    run.Ensure(q);
                }
            }, ruleReqs.Select(x => x.Req).ToArray());

            // 6. Target groups, load balancer, listeners.
            var lbBp = _bp.LoadBalancer;
            var tgReqs = (lbBp?.TargetGroups ?? new List<BlueprintTargetGroup>()).Select(t =>
            {
                var q = Req(FailoverResourceKind.TargetGroup, t.Name, Name(t.Name, 32));
                q.TargetGroup = t;
                return q;
            }).ToList();
            var lbReq = lbBp == null ? null : Req(FailoverResourceKind.LoadBalancer, lbBp.Name, Name(lbBp.Name, 32));
            var listenerReqs = (lbBp?.Listeners ?? new List<BlueprintListener>()).Select(l =>
            {
                var q = Req(FailoverResourceKind.Listener, $"{lbBp.Name}/{l.Protocol}:{l.Port}", $"{l.Protocol}:{l.Port}");
                q.Protocol = l.Protocol;
                q.Port = l.Port;
                q.TargetGroupArn = l.TargetGroup; // logical until run
                return q;
            }).ToList();
            var lbStep = Step("Load balancer (+ target group, listener)", RtoEstimator.TierLoadBalancer, run =>
            {
                var vpc = run.Find(FailoverResourceKind.Vpc);
                foreach (var q in tgReqs)
                {
                    q.VpcId = vpc.Id;
                    run.Ensure(q);
                }
                lbReq.Scheme = lbBp.Scheme ?? "internet-facing";
                lbReq.SubnetIds = lbBp.Subnets.Select(s => run.Id(FailoverResourceKind.Subnet, s)).ToList();
                lbReq.SecurityGroupIds = lbBp.SecurityGroups.Where(s => !IsExternal(s)).Select(s => run.Id(FailoverResourceKind.SecurityGroup, s)).ToList();
                var lb = run.Ensure(lbReq, waitReady: true);
                foreach (var q in listenerReqs)
                {
                    q.LoadBalancerArn = lb.Arn ?? lb.Id;
                    var tgLogical = listenerReqs.Count > 0 && q.TargetGroupArn != null && !q.TargetGroupArn.StartsWith("arn:", StringComparison.Ordinal) ? q.TargetGroupArn : null;
                    if (tgLogical != null) q.TargetGroupArn = run.Find(FailoverResourceKind.TargetGroup, tgLogical)?.Arn ?? throw Missing(FailoverResourceKind.TargetGroup, tgLogical);
                    run.Ensure(q);
                }
            }, tgReqs.Concat(lbReq == null ? new FailoverResourceRequest[0] : new[] { lbReq }).Concat(listenerReqs).ToArray());
            if (lbReq == null) lbStep.SkipReason = "the blueprint has no load balancer";

            // 7. WAF web ACL with the blueprint's rules, associated with the new load balancer.
            var aclBp = _bp.WebAcl;
            var aclReq = aclBp == null ? null : Req(FailoverResourceKind.WebAcl, aclBp.Name, Name(aclBp.Name, 128));
            if (aclReq != null) aclReq.WebAcl = aclBp;
            var assocReq = aclBp == null ? null : Req(FailoverResourceKind.WebAclAssociation, aclBp.Name + "/association", Name(aclBp.Name, 128) + " -> load balancer");
            var wafStep = Step("WAF web ACL (+ association)", RtoEstimator.TierWaf, run =>
            {
                var acl = run.Ensure(aclReq);
                var lb = run.Find(FailoverResourceKind.LoadBalancer);
                if (lb == null) return;
                assocReq.WebAclArn = acl.Arn;
                assocReq.LoadBalancerArn = lb.Arn ?? lb.Id;
                run.Ensure(assocReq);
            }, aclReq == null ? new FailoverResourceRequest[0] : new[] { aclReq, assocReq });
            if (aclReq == null) wafStep.SkipReason = "the blueprint has no web ACL";

            // 8. Databases: subnet group, restore from the newest DR snapshot copy, password from the replicated secret.
            var dbReqs = _bp.Databases.Select(d =>
            {
                var q = Req(FailoverResourceKind.DbInstance, d.Identifier, Name(d.Identifier, 63));
                q.Database = d;
                q.DbSnapshotId = _r.DbSnapshots.TryGetValue(d.Identifier, out var p) ? p.RecoveryPointId : null;
                q.SecretName = _r.SecretName;
                return q;
            }).ToList();
            var sngReq = dbReqs.Count == 0 ? null : Req(FailoverResourceKind.DbSubnetGroup, vpcLogical + "-db-subnets", Name(BlueprintAssembler.Slug(_r.Application.Name) + "-failover-db", 255).ToLowerInvariant());
            if (sngReq != null) sngReq.Description = "Failover database subnets of " + _r.Application.Name;
            var dbStep = Step("Database (restore from DR snapshot copy)", RtoEstimator.TierDatabase, run =>
            {
                var privateSubnets = net.Subnets.Where(s => !s.Public).Select(s => run.Id(FailoverResourceKind.Subnet, s.Name)).ToList();
                sngReq.SubnetIds = privateSubnets.Count >= 2 ? privateSubnets : net.Subnets.Select(s => run.Id(FailoverResourceKind.Subnet, s.Name)).ToList();
                var sng = run.Ensure(sngReq);
                foreach (var q in dbReqs)
                {
                    if (q.DbSnapshotId == null)
                        throw new FinBackupException("FinFailoverPointMissing", FinErrorKind.ObjectNotFound,
                            $"There is no DB snapshot copy of '{q.Database.Identifier}' in {_r.Region}.", null);
                    q.DbSubnetGroupName = sng.Id;
                    q.SecurityGroupIds = q.Database.SecurityGroups.Where(s => !IsExternal(s)).Select(s => run.Id(FailoverResourceKind.SecurityGroup, s)).ToList();
                }
                var made = dbReqs.Select(q => run.Ensure(q)).ToList();
                foreach (var db in made) run.WaitReady(db);
            }, (sngReq == null ? new FailoverResourceRequest[0] : new[] { sngReq }).Concat(dbReqs).ToArray());
            if (dbReqs.Count == 0) dbStep.SkipReason = "the blueprint has no database";

            // 9. Launch template from the DR AMI copy, Auto Scaling group on the target group.
            var ltBp = _bp.LaunchTemplate;
            var asgBp = _bp.AutoScalingGroup;
            var ltReq = ltBp == null ? null : Req(FailoverResourceKind.LaunchTemplate, ltBp.Name, Name(ltBp.Name, 128));
            if (ltReq != null)
            {
                ltReq.LaunchTemplate = ltBp;
                ltReq.ImageId = _r.Image?.RecoveryPointId;
            }
            var asgReq = asgBp == null ? null : Req(FailoverResourceKind.AutoScalingGroup, asgBp.Name, Name(asgBp.Name, 255));
            if (asgReq != null)
            {
                asgReq.AutoScalingGroup = asgBp;
                asgReq.DesiredCapacity = Math.Max(1, asgBp.DesiredCapacity);
            }
            var computeStep = Step("Launch template (DR AMI copy) + Auto Scaling group", RtoEstimator.TierCompute, run =>
            {
                if (ltReq.ImageId == null)
                    throw new FinBackupException("FinFailoverPointMissing", FinErrorKind.ObjectNotFound,
                        $"There is no AMI copy of '{_r.Application.Name}' in {_r.Region}.", null);
                ltReq.SecurityGroupIds = ltBp.SecurityGroups.Where(s => !IsExternal(s)).Select(s => run.Id(FailoverResourceKind.SecurityGroup, s)).ToList();
                var lt = run.Ensure(ltReq);
                if (asgReq == null) return;
                asgReq.LaunchTemplateId = lt.Id;
                asgReq.SubnetIds = asgBp.Subnets.Select(s => run.Id(FailoverResourceKind.Subnet, s)).ToList();
                asgReq.TargetGroupArns = asgBp.TargetGroups.Select(t => run.Find(FailoverResourceKind.TargetGroup, t)?.Arn ?? throw Missing(FailoverResourceKind.TargetGroup, t)).ToList();
                run.Ensure(asgReq);
            }, ltReq == null ? new FailoverResourceRequest[0] : new[] { ltReq }.Concat(asgReq == null ? new FailoverResourceRequest[0] : new[] { asgReq }).ToArray());
            if (ltReq == null) computeStep.SkipReason = "the blueprint has no launch template";

            // 10. Route 53: the SECONDARY failover record now aliases the DR load balancer.
            var record = _bp.Dns?.Records?.FirstOrDefault(x => x.Failover == "SECONDARY");
            var dnsReq = record == null ? null : Req(FailoverResourceKind.DnsRecord, record.Name + "/" + record.SetIdentifier, record.Name + " " + record.SetIdentifier);
            if (dnsReq != null)
            {
                dnsReq.Record = record;
                dnsReq.Zone = _bp.Dns.Zone;
            }
            var dnsStep = Step("Route 53 failover switch", RtoEstimator.TierDns, run =>
            {
                var lb = run.Find(FailoverResourceKind.LoadBalancer) ?? throw Missing(FailoverResourceKind.LoadBalancer, lbBp?.Name);
                dnsReq.AliasDnsName = lb.Attribute("DnsName");
                dnsReq.AliasHostedZoneId = lb.Attribute("CanonicalHostedZoneId");
                run.Ensure(dnsReq);
            }, dnsReq == null ? new FailoverResourceRequest[0] : new[] { dnsReq });
            if (_r.IsDrill) dnsStep.SkipReason = "drill: DNS is not switched";
            else if (_r.SkipDns) dnsStep.SkipReason = "-SkipDns";
            else if (dnsReq == null) dnsStep.SkipReason = "the blueprint has no SECONDARY failover record";
            else if (lbReq == null) dnsStep.SkipReason = "the blueprint has no load balancer to point at";
            return _steps;
        }

        private static bool IsExternal(string logical) => logical != null && logical.StartsWith("external:", StringComparison.Ordinal);

        private static FinBackupException Missing(FailoverResourceKind kind, string logical) =>
            new FinBackupException("FinFailoverBlueprintInconsistent", FinErrorKind.InvalidData,
                $"The blueprint refers to {kind} '{logical}', which the failover did not make.", null);

        /// <summary>"0.0.0.0/0 -> internet-gateway", "0.0.0.0/0 -> nat:&lt;name&gt;"; local and other targets are not rebuilt.</summary>
        private static FailoverRoute ParseRoute(string route, FailoverRun run)
        {
            var parts = route.Split(new[] { " -> " }, StringSplitOptions.None);
            if (parts.Length != 2) return null;
            var target = parts[1].Trim();
            if (target == "internet-gateway")
                return new FailoverRoute { Destination = parts[0].Trim(), InternetGatewayId = run.Find(FailoverResourceKind.InternetGateway)?.Id ?? throw Missing(FailoverResourceKind.InternetGateway, "internet-gateway") };
            if (target.StartsWith("nat:", StringComparison.Ordinal))
                return new FailoverRoute { Destination = parts[0].Trim(), NatGatewayId = run.Id(FailoverResourceKind.NatGateway, target.Substring(4)) };
            return null;
        }
    }
}
