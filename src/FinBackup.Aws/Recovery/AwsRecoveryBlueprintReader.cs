using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;
using Filter = Amazon.EC2.Model.Filter;

namespace FinBackup.Aws.Recovery
{
    /// <summary>
    /// Reads an application's stack in one region, read-only (Describe/List/Get calls only): the VPC tagged for the
    /// application with its subnets, route tables, NAT gateways and security groups; the Auto Scaling group tagged for it, its
    /// launch template (latest version) and target groups; the load balancer behind those target groups (else the one tagged
    /// for the application) with its listeners; the WAF web ACL associated with it; the Route 53 zone tagged for the
    /// application with its failover records and their health checks; the tagged RDS instances; the tagged secrets' names.
    /// </summary>
    [Gateway(typeof(IRecoveryBlueprintReader))]
    public sealed class AwsRecoveryBlueprintReader : IRecoveryBlueprintReader
    {
        private readonly AwsClientContext _context;

        public AwsRecoveryBlueprintReader(AwsClientContext context, string region)
        {
            _context = context;
            Region = context.Region(region);
        }

        public string Region { get; }

        public ObservedStack Read(string tagKey, string application, CancellationToken cancellationToken)
        {
            try
            {
                return ReadAsync(tagKey, application, cancellationToken).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "ec2", "Describe");
            }
        }

        private static Filter F(string name, string value) => new Filter(name, new List<string> { value });
        private static string NameTag(List<Amazon.EC2.Model.Tag> tags) => tags?.FirstOrDefault(t => t.Key == "Name")?.Value;

        private async Task<ObservedStack> ReadAsync(string tagKey, string app, CancellationToken ct)
        {
            var ec2 = _context.Ec2(Region);
            var stack = new ObservedStack();
            var names = stack.Names;

            // Auto Scaling group (tag), launch template.
            var groups = await _context.AutoScaling(Region).DescribeAutoScalingGroupsAsync(cancellationToken: ct).ConfigureAwait(false);
            var asg = groups.FirstOrDefault(g => g.Tags.TryGetValue(tagKey, out var v) && v == app);

            // VPC: tagged, else the one the ASG's subnets are in.
            var vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = new List<Filter> { F("tag:" + tagKey, app) } }, ct).ConfigureAwait(false)).Vpcs?.FirstOrDefault();
            if (vpc == null && asg != null && asg.SubnetIds.Count > 0)
            {
                var s = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = asg.SubnetIds.Take(1).ToList() }, ct).ConfigureAwait(false)).Subnets?.FirstOrDefault();
                if (s != null) vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = new List<string> { s.VpcId } }, ct).ConfigureAwait(false)).Vpcs?.FirstOrDefault();
            }
            if (vpc != null)
            {
                var byVpc = new List<Filter> { F("vpc-id", vpc.VpcId) };
                var network = new BlueprintNetwork { VpcName = NameTag(vpc.Tags) ?? vpc.VpcId, Cidr = vpc.CidrBlock };
                var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = byVpc }, ct).ConfigureAwait(false)).Subnets ?? new List<Subnet>();
                var tables = (await ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = byVpc }, ct).ConfigureAwait(false)).RouteTables ?? new List<RouteTable>();
                var nats = (await ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { Filter = new List<Filter> { F("vpc-id", vpc.VpcId), new Filter("state", new List<string> { "pending", "available" }) } }, ct)
                    .ConfigureAwait(false)).NatGateways ?? new List<NatGateway>();
                var igws = (await ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = new List<Filter> { F("attachment.vpc-id", vpc.VpcId) } }, ct)
                    .ConfigureAwait(false)).InternetGateways ?? new List<InternetGateway>();
                network.InternetGateway = igws.Count > 0;
                foreach (var s in subnets) names[s.SubnetId] = NameTag(s.Tags) ?? s.SubnetId;
                foreach (var n in nats) names[n.NatGatewayId] = NameTag(n.Tags) ?? n.NatGatewayId;
                var publicSubnets = new HashSet<string>(tables
                    .Where(t => (t.Routes ?? new List<Route>()).Any(r => r.GatewayId != null && r.GatewayId.StartsWith("igw-", StringComparison.Ordinal)))
                    .SelectMany(t => (t.Associations ?? new List<RouteTableAssociation>()).Select(a => a.SubnetId)).Where(x => x != null));
                foreach (var s in subnets)
                {
                    network.Subnets.Add(new BlueprintSubnet
                    {
                        Name = s.SubnetId,
                        AvailabilityZone = s.AvailabilityZone,
                        Cidr = s.CidrBlock,
                        Public = publicSubnets.Contains(s.SubnetId) || s.Tags?.Any(t => t.Key == "fin:tier" && t.Value == "public") == true,
                    });
                }
                foreach (var t in tables)
                {
                    var associated = (t.Associations ?? new List<RouteTableAssociation>()).Where(a => a.SubnetId != null).Select(a => a.SubnetId).ToList();
                    if (associated.Count == 0 && (t.Associations ?? new List<RouteTableAssociation>()).Any(a => a.Main == true)) continue; // the VPC's main table, no routes of its own
                    names[t.RouteTableId] = NameTag(t.Tags) ?? t.RouteTableId;
                    network.RouteTables.Add(new BlueprintRouteTable
                    {
                        Name = t.RouteTableId,
                        Subnets = associated,
                        Routes = (t.Routes ?? new List<Route>()).Select(r => $"{r.DestinationCidrBlock} -> " +
                            (r.NatGatewayId != null ? "nat:" + r.NatGatewayId
                             : r.GatewayId == "local" ? "local"
                             : r.GatewayId != null && r.GatewayId.StartsWith("igw-", StringComparison.Ordinal) ? "internet-gateway"
                             : r.GatewayId ?? r.TransitGatewayId ?? r.VpcPeeringConnectionId ?? "other")).ToList(),
                    });
                }
                var subnetAz = subnets.ToDictionary(s => s.SubnetId, s => s.AvailabilityZone);
                foreach (var n in nats)
                {
                    network.NatGateways.Add(new BlueprintNatGateway
                    {
                        Name = n.NatGatewayId,
                        Subnet = n.SubnetId,
                        AvailabilityZone = n.SubnetId != null && subnetAz.TryGetValue(n.SubnetId, out var az) ? az : null,
                    });
                }
                stack.Network = network;

                var sgs = (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = byVpc }, ct).ConfigureAwait(false)).SecurityGroups ?? new List<SecurityGroup>();
                foreach (var g in sgs) names[g.GroupId] = g.GroupName;
                foreach (var g in sgs.Where(g => g.GroupName != "default"))
                {
                    stack.SecurityGroups.Add(new BlueprintSecurityGroup
                    {
                        Name = g.GroupId,
                        Description = g.Description,
                        Ingress = (g.IpPermissions ?? new List<IpPermission>()).Select(p => new BlueprintRule
                        {
                            Protocol = p.IpProtocol,
                            FromPort = p.FromPort,
                            ToPort = p.ToPort,
                            Cidrs = (p.Ipv4Ranges ?? new List<IpRange>()).Select(r => r.CidrIp).ToList(),
                            SourceGroups = (p.UserIdGroupPairs ?? new List<UserIdGroupPair>()).Select(u => u.GroupId).ToList(),
                        }).ToList(),
                    });
                }
            }

            var elb = _context.ElbV2(Region);
            var targetGroupArns = new List<string>();
            if (asg != null)
            {
                stack.AutoScalingGroup = new BlueprintAutoScalingGroup
                {
                    Name = asg.Name,
                    MinSize = asg.MinSize,
                    MaxSize = asg.MaxSize,
                    DesiredCapacity = asg.DesiredCapacity,
                    HealthCheckType = asg.HealthCheckType,
                    HealthCheckGracePeriod = asg.HealthCheckGracePeriod,
                    Subnets = asg.SubnetIds,
                    TargetGroups = asg.TargetGroupArns,
                };
                targetGroupArns.AddRange(asg.TargetGroupArns);
                if (asg.LaunchTemplateId != null || asg.LaunchTemplateName != null)
                {
                    var versions = (await ec2.DescribeLaunchTemplateVersionsAsync(new DescribeLaunchTemplateVersionsRequest
                    {
                        LaunchTemplateId = asg.LaunchTemplateId,
                        LaunchTemplateName = asg.LaunchTemplateId == null ? asg.LaunchTemplateName : null,
                        Versions = new List<string> { string.IsNullOrEmpty(asg.LaunchTemplateVersion) ? "$Latest" : asg.LaunchTemplateVersion },
                    }, ct).ConfigureAwait(false)).LaunchTemplateVersions;
                    var v = versions?.FirstOrDefault();
                    if (v != null)
                    {
                        var d = v.LaunchTemplateData;
                        stack.LaunchTemplate = new BlueprintLaunchTemplate
                        {
                            Name = v.LaunchTemplateName,
                            ImageId = d?.ImageId,
                            InstanceType = d?.InstanceType?.Value,
                            InstanceProfile = d?.IamInstanceProfile?.Name ?? d?.IamInstanceProfile?.Arn,
                            UserDataSha256 = string.IsNullOrEmpty(d?.UserData) ? null : BlueprintJson.Sha256Hex(Encoding.UTF8.GetBytes(d.UserData)),
                            SecurityGroups = d?.SecurityGroupIds ?? new List<string>(),
                        };
                    }
                }
            }

            // Load balancer behind the ASG's target groups, else the one tagged for the application.
            var targetGroups = targetGroupArns.Count > 0
                ? await elb.DescribeTargetGroupsAsync(targetGroupArns, cancellationToken: ct).ConfigureAwait(false)
                : new List<Services.ElasticLoadBalancing.TargetGroupInfo>();
            foreach (var tg in targetGroups) names[tg.Arn] = tg.Name;
            var lbArn = targetGroups.SelectMany(t => t.LoadBalancerArns).FirstOrDefault();
            var allLbs = await elb.DescribeLoadBalancersAsync(cancellationToken: ct).ConfigureAwait(false);
            if (lbArn == null && allLbs.Count > 0)
            {
                var tags = await elb.DescribeTagsAsync(allLbs.Select(l => l.Arn), ct).ConfigureAwait(false);
                lbArn = tags.FirstOrDefault(kv => kv.Value.TryGetValue(tagKey, out var v) && v == app).Key;
            }
            var lb = allLbs.FirstOrDefault(l => l.Arn == lbArn);
            if (lb != null)
            {
                var lbTargetGroups = await elb.DescribeTargetGroupsAsync(loadBalancerArn: lb.Arn, cancellationToken: ct).ConfigureAwait(false);
                foreach (var tg in lbTargetGroups) names[tg.Arn] = tg.Name;
                var listeners = await elb.DescribeListenersAsync(lb.Arn, ct).ConfigureAwait(false);
                stack.LoadBalancerDnsName = lb.DnsName;
                stack.LoadBalancer = new BlueprintLoadBalancer
                {
                    Name = lb.Name,
                    Scheme = lb.Scheme,
                    Type = lb.Type,
                    Subnets = lb.SubnetIds,
                    SecurityGroups = lb.SecurityGroupIds,
                    Listeners = listeners.Select(l => new BlueprintListener
                    {
                        Protocol = l.Protocol,
                        Port = l.Port,
                        TargetGroup = l.DefaultActions.Where(a => a.Key == "forward").Select(a => a.Value).FirstOrDefault(),
                    }).ToList(),
                    TargetGroups = lbTargetGroups.Select(t => new BlueprintTargetGroup
                    {
                        Name = t.Name,
                        Protocol = t.Protocol,
                        Port = t.Port,
                        TargetType = t.TargetType,
                        HealthCheckPath = t.HealthCheckPath,
                        HealthCheckIntervalSeconds = t.HealthCheckIntervalSeconds,
                        HealthyThresholdCount = t.HealthyThresholdCount,
                        UnhealthyThresholdCount = t.UnhealthyThresholdCount,
                        Matcher = t.Matcher,
                    }).ToList(),
                };

                var acl = await _context.Wafv2(Region).GetWebAclForResourceAsync(lb.Arn, ct).ConfigureAwait(false);
                if (acl != null)
                {
                    stack.WebAcl = new BlueprintWebAcl { Name = acl.Name, DefaultAction = acl.DefaultAction, Rules = acl.RulesJson };
                }
            }

            // Route 53: the zone tagged for the application, its failover records and their health checks.
            var r53 = _context.Route53();
            foreach (var zone in await r53.ListHostedZonesAsync(ct).ConfigureAwait(false))
            {
                var tags = await r53.ListTagsAsync("hostedzone", zone.Id, ct).ConfigureAwait(false);
                if (!(tags.TryGetValue(tagKey, out var v) && v == app)) continue;
                var dns = new BlueprintDns { Zone = zone.Name };
                foreach (var r in (await r53.ListRecordSetsAsync(zone.Id, ct).ConfigureAwait(false)).Where(r => r.Failover != null))
                {
                    var record = new BlueprintRecord
                    {
                        Name = r.Name,
                        Type = r.Type,
                        SetIdentifier = r.SetIdentifier,
                        Failover = r.Failover,
                        Ttl = r.Ttl,
                        Target = r.AliasDnsName != null ? "alias:" + r.AliasDnsName : string.Join(",", r.Values),
                    };
                    if (r.HealthCheckId != null)
                    {
                        var hc = await r53.GetHealthCheckAsync(r.HealthCheckId, ct).ConfigureAwait(false);
                        if (hc != null)
                        {
                            record.HealthCheck = new BlueprintHealthCheck
                            {
                                Type = hc.Type,
                                Target = hc.FullyQualifiedDomainName,
                                ResourcePath = hc.ResourcePath,
                                Port = hc.Port,
                                RequestInterval = hc.RequestInterval,
                                FailureThreshold = hc.FailureThreshold,
                            };
                        }
                    }
                    dns.Records.Add(record);
                }
                stack.Dns = dns;
                break;
            }

            foreach (var db in (await _context.Rds(Region).DescribeDBInstancesAsync(cancellationToken: ct).ConfigureAwait(false))
                .Where(d => d.Tags.TryGetValue(tagKey, out var v) && v == app))
            {
                stack.Databases.Add(new BlueprintDatabase
                {
                    Identifier = db.Identifier,
                    InstanceClass = db.InstanceClass,
                    Engine = db.Engine,
                    EngineVersion = db.EngineVersion,
                    AllocatedStorageGiB = db.AllocatedStorageGiB,
                    StorageEncrypted = db.StorageEncrypted,
                    MultiAz = db.MultiAz,
                    Port = db.Port,
                    SubnetGroup = db.SubnetGroupName,
                    SecurityGroups = db.VpcSecurityGroupIds.ToList(),
                });
            }

            // Groups outside the application's VPC (e.g. a database left in the default VPC) are named by their group
            // name, so the blueprint never carries an account-specific id.
            var unknownGroups = stack.Databases.SelectMany(d => d.SecurityGroups)
                .Where(id => id != null && id.StartsWith("sg-", StringComparison.Ordinal) && !stack.Names.ContainsKey(id)).Distinct().ToList();
            if (unknownGroups.Count > 0)
            {
                var externalGroups = (await _context.Ec2(Region).DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = unknownGroups }, ct).ConfigureAwait(false)).SecurityGroups
                             ?? new List<SecurityGroup>();
                foreach (var g in externalGroups)
                {
                    var name = g.Tags?.FirstOrDefault(t => t.Key == "Name")?.Value ?? g.GroupName;
                    stack.Names[g.GroupId] = "external:" + name;
                }
            }

            foreach (var s in await _context.SecretsManager(Region).ListSecretsAsync(null, ct).ConfigureAwait(false))
            {
                if (s.Tags.TryGetValue(tagKey, out var v) && v == app) stack.RestoreSecretNames.Add(s.Name);
            }
            return stack;
        }
    }
}
