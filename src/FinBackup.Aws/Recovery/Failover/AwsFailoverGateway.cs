using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Aws.Services.AutoScaling;
using FinBackup.Aws.Services.ElasticLoadBalancing;
using FinBackup.Aws.Services.Rds;
using FinBackup.Aws.Services.Route53;
using FinBackup.Domain;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery.Failover;
using Ec2Tag = Amazon.EC2.Model.Tag;
using Filter = Amazon.EC2.Model.Filter;

namespace FinBackup.Aws.Recovery.Failover
{
    /// <summary>
    /// Builds, finds and removes a failover's resources in one region: EC2 (SDK) for the network, security groups and launch
    /// template; FinBackup's protocol clients for ELBv2, WAFv2, Auto Scaling, RDS, Secrets Manager and Route 53. Every
    /// taggable resource carries fin:failover-id and fin:failover-logical; what is found by them is adopted (and completed:
    /// a route table gets its missing routes and associations, a restored DB its password) instead of made again.
    /// </summary>
    [Gateway(typeof(IFailoverGateway))]
    public sealed class AwsFailoverGateway : IFailoverGateway
    {
        private const string CredentialsTag = "fin:failover-credentials";
        private readonly AwsClientContext _context;
        private readonly FailoverServiceCalls _calls;

        public AwsFailoverGateway(AwsClientContext context, string region)
        {
            _context = context;
            Region = context.Region(region);
            _calls = new FailoverServiceCalls(context, Region);
        }

        public string Region { get; }
        private IAmazonEC2 Ec2 => _context.Ec2(Region);
        private ElbV2Client Elb => _context.ElbV2(Region);
        private RdsClient Rds => _context.Rds(Region);

        private static Filter F(string name, params string[] values) => new Filter(name, values.ToList());
        private static List<Filter> ByTag(FailoverResourceRequest r) => new List<Filter> { F("tag:" + FailoverIds.TagFailoverId, r.FailoverId), F("tag:" + FailoverIds.TagLogicalName, r.LogicalName) };
        private static List<Ec2Tag> Ec2Tags(FailoverResourceRequest r) => r.Tags.Select(t => new Ec2Tag(t.Key, t.Value)).ToList();
        private static List<TagSpecification> Spec(string type, FailoverResourceRequest r) =>
            new List<TagSpecification> { new TagSpecification { ResourceType = ResourceType.FindValue(type), Tags = Ec2Tags(r) } };
        private static string Tag(List<Ec2Tag> tags, string key) => tags?.FirstOrDefault(t => t.Key == key)?.Value;

        // Server-side tag filters are checked again here: an endpoint that ignores a filter (moto does for some kinds) must
        // never make a failover adopt, or a teardown delete, what is not its own.
        private static bool Ours(List<Ec2Tag> tags, FailoverResourceRequest r) =>
            Tag(tags, FailoverIds.TagFailoverId) == r.FailoverId && Tag(tags, FailoverIds.TagLogicalName) == r.LogicalName;
        private static bool Ours(List<Ec2Tag> tags, string failoverId) => Tag(tags, FailoverIds.TagFailoverId) == failoverId;

        private T Run<T>(string service, string operation, Func<Task<T>> call)
        {
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, service, operation);
            }
        }

        private void Run(string service, string operation, Func<Task> call) => Run<bool>(service, operation, async () => { await call().ConfigureAwait(false); return true; });

        // ----------------------------------------------------------------------------------------------------------------
        public FailoverResource Find(FailoverResourceRequest r, CancellationToken ct) => Run("failover", "Find" + r.Kind, () => FindAsync(r, ct));

        private async Task<FailoverResource> FindAsync(FailoverResourceRequest r, CancellationToken ct)
        {
            switch (r.Kind)
            {
                case FailoverResourceKind.Vpc:
                    return (await Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = ByTag(r) }, ct).ConfigureAwait(false)).Vpcs?.Where(v => Ours(v.Tags, r)).Select(Vpc).FirstOrDefault();
                case FailoverResourceKind.Subnet:
                {
                    var s = (await Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = ByTag(r) }, ct).ConfigureAwait(false)).Subnets?.FirstOrDefault(x => Ours(x.Tags, r));
                    if (s != null) return Subnet(s, false);
                    // In an existing VPC: the subnet of the blueprint's name, adopted as it is.
                    s = (await Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = new List<Filter> { F("vpc-id", r.VpcId), F("tag:Name", r.LogicalName) } }, ct)
                        .ConfigureAwait(false)).Subnets?.FirstOrDefault();
                    return s == null ? null : Subnet(s, true);
                }
                case FailoverResourceKind.InternetGateway:
                {
                    var g = (await Ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = new List<Filter> { F("attachment.vpc-id", r.VpcId) } }, ct)
                        .ConfigureAwait(false)).InternetGateways?.FirstOrDefault();
                    if (g == null)
                    {
                        g = (await Ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = ByTag(r) }, ct).ConfigureAwait(false)).InternetGateways?.FirstOrDefault(x => Ours(x.Tags, r));
                        if (g != null && !(g.Attachments ?? new List<InternetGatewayAttachment>()).Any(a => a.VpcId == r.VpcId))
                            await Ec2.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = g.InternetGatewayId, VpcId = r.VpcId }, ct).ConfigureAwait(false);
                    }
                    return g == null ? null : new FailoverResource { Kind = r.Kind, Id = g.InternetGatewayId, Name = r.Name, Ready = true, External = Tag(g.Tags, FailoverIds.TagFailoverId) != r.FailoverId };
                }
                case FailoverResourceKind.ElasticIp:
                    return (await Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = ByTag(r) }, ct).ConfigureAwait(false)).Addresses?
                        .Where(a => Ours(a.Tags, r)).Select(a => new FailoverResource { Kind = r.Kind, Id = a.AllocationId, Name = r.Name, Ready = true, Attributes = { ["PublicIp"] = a.PublicIp } }).FirstOrDefault();
                case FailoverResourceKind.NatGateway:
                    return (await Ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { Filter = ByTag(r).Concat(new[] { F("state", "pending", "available") }).ToList() }, ct)
                        .ConfigureAwait(false)).NatGateways?.Where(n => Ours(n.Tags, r)).Select(Nat).FirstOrDefault();
                case FailoverResourceKind.RouteTable:
                {
                    var t = (await Ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = ByTag(r) }, ct).ConfigureAwait(false)).RouteTables?.FirstOrDefault(x => Ours(x.Tags, r));
                    if (t == null) return null;
                    await CompleteRouteTableAsync(t, r, ct).ConfigureAwait(false);
                    return new FailoverResource { Kind = r.Kind, Id = t.RouteTableId, Name = r.Name, Ready = true };
                }
                case FailoverResourceKind.SecurityGroup:
                    return (await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = ByTag(r) }, ct).ConfigureAwait(false)).SecurityGroups?
                        .Where(g => Ours(g.Tags, r)).Select(g => new FailoverResource { Kind = r.Kind, Id = g.GroupId, Name = g.GroupName, Ready = true }).FirstOrDefault();
                case FailoverResourceKind.SecurityGroupRules:
                {
                    var g = (await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = new List<string> { r.GroupId } }, ct).ConfigureAwait(false)).SecurityGroups.FirstOrDefault();
                    return g != null && MissingRules(g, r.Rules).Count == 0 ? Rules(r) : null;
                }
                case FailoverResourceKind.TargetGroup:
                {
                    var tg = (await Elb.DescribeTargetGroupsAsync(names: new[] { r.Name }, cancellationToken: ct).ConfigureAwait(false)).FirstOrDefault();
                    return tg != null && await OursAsync(tg.Arn, r, ct).ConfigureAwait(false) ? TargetGroup(tg) : null;
                }
                case FailoverResourceKind.LoadBalancer:
                {
                    var lb = (await Elb.DescribeLoadBalancersAsync(new[] { r.Name }, ct).ConfigureAwait(false)).FirstOrDefault();
                    return lb != null && await OursAsync(lb.Arn, r, ct).ConfigureAwait(false) ? LoadBalancer(lb) : null;
                }
                case FailoverResourceKind.Listener:
                    return (await Elb.DescribeListenersAsync(r.LoadBalancerArn, ct).ConfigureAwait(false)).Where(l => l.Port == r.Port)
                        .Select(l => new FailoverResource { Kind = r.Kind, Id = l.Arn, Arn = l.Arn, Name = r.Name, Ready = true }).FirstOrDefault();
                case FailoverResourceKind.WebAcl:
                {
                    foreach (var a in (await _context.Wafv2(Region).ListWebAclsAsync(ct).ConfigureAwait(false)).Where(a => a.Name == r.Name))
                    {
                        var tags = await _calls.ListWebAclTagsAsync(a.Arn, ct).ConfigureAwait(false);
                        if (tags.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == r.FailoverId)
                            return new FailoverResource { Kind = r.Kind, Id = a.Id, Arn = a.Arn, Name = a.Name, Ready = true };
                    }
                    return null;
                }
                case FailoverResourceKind.WebAclAssociation:
                {
                    var acl = await _context.Wafv2(Region).GetWebAclForResourceAsync(r.LoadBalancerArn, ct).ConfigureAwait(false);
                    return acl != null && acl.Arn == r.WebAclArn ? new FailoverResource { Kind = r.Kind, Id = r.LoadBalancerArn + "|" + acl.Name, Name = r.Name, Ready = true } : null;
                }
                case FailoverResourceKind.DbSubnetGroup:
                {
                    var arn = await _calls.DescribeDbSubnetGroupArnAsync(r.Name, ct).ConfigureAwait(false);
                    return arn != null && await RdsOursAsync(arn, r, ct).ConfigureAwait(false) ? new FailoverResource { Kind = r.Kind, Id = r.Name, Arn = arn, Name = r.Name, Ready = true } : null;
                }
                case FailoverResourceKind.DbInstance:
                {
                    var db = await Rds.GetDBInstanceAsync(r.Name, ct).ConfigureAwait(false);
                    if (db == null || !(db.Tags.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == r.FailoverId)) return null;
                    if (!db.Tags.ContainsKey(CredentialsTag)) await SetPasswordAsync(db, r, ct).ConfigureAwait(false);
                    return Db(db);
                }
                case FailoverResourceKind.LaunchTemplate:
                    return (await Ec2.DescribeLaunchTemplatesAsync(new DescribeLaunchTemplatesRequest { Filters = ByTag(r) }, ct).ConfigureAwait(false)).LaunchTemplates?
                        .Where(t => Ours(t.Tags, r)).Select(t => new FailoverResource { Kind = r.Kind, Id = t.LaunchTemplateId, Name = t.LaunchTemplateName, Ready = true }).FirstOrDefault();
                case FailoverResourceKind.AutoScalingGroup:
                {
                    var g = (await _context.AutoScaling(Region).DescribeAutoScalingGroupsAsync(new[] { r.Name }, cancellationToken: ct).ConfigureAwait(false)).FirstOrDefault();
                    return g != null && g.Tags.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == r.FailoverId ? Asg(g) : null;
                }
                case FailoverResourceKind.DnsRecord:
                {
                    var zone = await ZoneAsync(r.Zone, ct).ConfigureAwait(false);
                    var match = (await _context.Route53().ListRecordSetsAsync(zone.Id, ct).ConfigureAwait(false)).FirstOrDefault(x =>
                        SameName(x.Name, r.Record.Name) && x.SetIdentifier == r.Record.SetIdentifier && SameName(x.AliasDnsName, r.AliasDnsName));
                    return match == null ? null : new FailoverResource { Kind = r.Kind, Id = zone.Id + "/" + match.Name + "/" + match.SetIdentifier, Name = r.Name, Ready = true, Attributes = { ["AliasDnsName"] = match.AliasDnsName } };
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(r), r.Kind, "unknown kind");
            }
        }

        private static bool SameName(string a, string b) =>
            a != null && b != null && string.Equals(a.TrimEnd('.'), b.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);

        private async Task<HostedZoneInfo> ZoneAsync(string zoneName, CancellationToken ct)
        {
            var zone = (await _context.Route53().ListHostedZonesAsync(ct).ConfigureAwait(false)).FirstOrDefault(z => SameName(z.Name, zoneName));
            return zone ?? throw new FinBackupException("FinFailoverDnsZoneNotFound", FinErrorKind.ObjectNotFound,
                $"The hosted zone '{zoneName}' of the blueprint does not exist in Route 53.", "Check the blueprint's Dns.Zone, or run with -SkipDns.");
        }

        private async Task<bool> OursAsync(string arn, FailoverResourceRequest r, CancellationToken ct)
        {
            var tags = await Elb.DescribeTagsAsync(new[] { arn }, ct).ConfigureAwait(false);
            return tags.TryGetValue(arn, out var t) && t.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == r.FailoverId;
        }

        private async Task<bool> RdsOursAsync(string arn, FailoverResourceRequest r, CancellationToken ct)
        {
            if (arn == null || !arn.StartsWith("arn:", StringComparison.Ordinal)) return false;
            var tags = await Rds.ListTagsForResourceAsync(arn, ct).ConfigureAwait(false);
            return tags.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == r.FailoverId;
        }

        private static FailoverResource Vpc(Vpc v) => new FailoverResource
        {
            Kind = FailoverResourceKind.Vpc, Id = v.VpcId, Name = Tag(v.Tags, "Name"), Ready = true, State = v.State?.Value, Attributes = { ["Cidr"] = v.CidrBlock },
        };
        private static FailoverResource Subnet(Subnet s, bool external) => new FailoverResource
        {
            Kind = FailoverResourceKind.Subnet, Id = s.SubnetId, Name = Tag(s.Tags, "Name"), Ready = true, External = external, Attributes = { ["AvailabilityZone"] = s.AvailabilityZone },
        };
        private static FailoverResource Nat(NatGateway n) => new FailoverResource
        {
            Kind = FailoverResourceKind.NatGateway, Id = n.NatGatewayId, Name = Tag(n.Tags, "Name"), State = n.State?.Value, Ready = n.State == NatGatewayState.Available,
        };
        private static FailoverResource TargetGroup(TargetGroupInfo t) => new FailoverResource { Kind = FailoverResourceKind.TargetGroup, Id = t.Arn, Arn = t.Arn, Name = t.Name, Ready = true };
        private static FailoverResource LoadBalancer(LoadBalancerInfo lb) => new FailoverResource
        {
            Kind = FailoverResourceKind.LoadBalancer, Id = lb.Arn, Arn = lb.Arn, Name = lb.Name, State = lb.State, Ready = lb.State == null || lb.State == "active",
            Attributes = { ["DnsName"] = lb.DnsName, ["CanonicalHostedZoneId"] = lb.CanonicalHostedZoneId },
        };
        private static FailoverResource Db(RdsDbInstance d) => new FailoverResource
        {
            Kind = FailoverResourceKind.DbInstance, Id = d.Identifier, Arn = d.Arn, Name = d.Identifier, State = d.Status, Ready = d.Status == "available",
            Attributes = { ["Endpoint"] = d.EndpointAddress == null ? null : d.EndpointAddress + ":" + d.EndpointPort },
        };
        private static FailoverResource Asg(AutoScalingGroupInfo g) => new FailoverResource
        {
            Kind = FailoverResourceKind.AutoScalingGroup, Id = g.Name, Arn = g.Arn, Name = g.Name, Ready = true, Attributes = { ["Instances"] = string.Join(",", g.InstanceIds) },
        };
        private static FailoverResource Rules(FailoverResourceRequest r) => new FailoverResource { Kind = r.Kind, Id = r.GroupId + "/ingress", Name = r.Name, Ready = true };

        // ----------------------------------------------------------------------------------------------------------------
        public FailoverResource Create(FailoverResourceRequest r, CancellationToken ct) => Run("failover", "Create" + r.Kind, () => CreateAsync(r, ct));

        private async Task<FailoverResource> CreateAsync(FailoverResourceRequest r, CancellationToken ct)
        {
            switch (r.Kind)
            {
                case FailoverResourceKind.Vpc:
                {
                    var v = (await Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = r.Cidr, TagSpecifications = Spec("vpc", r) }, ct).ConfigureAwait(false)).Vpc;
                    await Ec2.ModifyVpcAttributeAsync(new ModifyVpcAttributeRequest { VpcId = v.VpcId, EnableDnsHostnames = true }, ct).ConfigureAwait(false);
                    return Vpc(v);
                }
                case FailoverResourceKind.Subnet:
                {
                    var s = (await Ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = r.VpcId, CidrBlock = r.Cidr, AvailabilityZone = r.AvailabilityZone, TagSpecifications = Spec("subnet", r) }, ct)
                        .ConfigureAwait(false)).Subnet;
                    if (r.Public) await Ec2.ModifySubnetAttributeAsync(new ModifySubnetAttributeRequest { SubnetId = s.SubnetId, MapPublicIpOnLaunch = true }, ct).ConfigureAwait(false);
                    return Subnet(s, false);
                }
                case FailoverResourceKind.InternetGateway:
                {
                    var g = (await Ec2.CreateInternetGatewayAsync(new CreateInternetGatewayRequest { TagSpecifications = Spec("internet-gateway", r) }, ct).ConfigureAwait(false)).InternetGateway;
                    await Ec2.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = g.InternetGatewayId, VpcId = r.VpcId }, ct).ConfigureAwait(false);
                    return new FailoverResource { Kind = r.Kind, Id = g.InternetGatewayId, Name = r.Name, Ready = true };
                }
                case FailoverResourceKind.ElasticIp:
                {
                    var a = await Ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc, TagSpecifications = Spec("elastic-ip", r) }, ct).ConfigureAwait(false);
                    return new FailoverResource { Kind = r.Kind, Id = a.AllocationId, Name = r.Name, Ready = true, Attributes = { ["PublicIp"] = a.PublicIp } };
                }
                case FailoverResourceKind.NatGateway:
                    return Nat((await Ec2.CreateNatGatewayAsync(new CreateNatGatewayRequest
                    {
                        SubnetId = r.SubnetId, AllocationId = r.AllocationId, TagSpecifications = Spec("natgateway", r), ClientToken = Token(r),
                    }, ct).ConfigureAwait(false)).NatGateway);
                case FailoverResourceKind.RouteTable:
                {
                    var t = (await Ec2.CreateRouteTableAsync(new CreateRouteTableRequest { VpcId = r.VpcId, TagSpecifications = Spec("route-table", r) }, ct).ConfigureAwait(false)).RouteTable;
                    await CompleteRouteTableAsync(t, r, ct).ConfigureAwait(false);
                    return new FailoverResource { Kind = r.Kind, Id = t.RouteTableId, Name = r.Name, Ready = true };
                }
                case FailoverResourceKind.SecurityGroup:
                {
                    var id = (await Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest
                    {
                        GroupName = r.Name, Description = r.Description, VpcId = r.VpcId, TagSpecifications = Spec("security-group", r),
                    }, ct).ConfigureAwait(false)).GroupId;
                    return new FailoverResource { Kind = r.Kind, Id = id, Name = r.Name, Ready = true };
                }
                case FailoverResourceKind.SecurityGroupRules:
                {
                    var g = (await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = new List<string> { r.GroupId } }, ct).ConfigureAwait(false)).SecurityGroups.First();
                    var missing = MissingRules(g, r.Rules);
                    if (missing.Count > 0)
                        await Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = r.GroupId, IpPermissions = missing.Select(Permission).ToList() }, ct).ConfigureAwait(false);
                    return Rules(r);
                }
                case FailoverResourceKind.TargetGroup:
                {
                    var t = r.TargetGroup;
                    return TargetGroup(await Elb.CreateTargetGroupAsync(new CreateTargetGroupRequest
                    {
                        Name = r.Name, Protocol = t.Protocol ?? "HTTP", Port = t.Port ?? 80, VpcId = r.VpcId, HealthCheckPath = t.HealthCheckPath ?? "/",
                        HealthCheckIntervalSeconds = t.HealthCheckIntervalSeconds, HealthyThresholdCount = t.HealthyThresholdCount,
                        UnhealthyThresholdCount = t.UnhealthyThresholdCount, TargetType = t.TargetType ?? "instance", Tags = r.Tags,
                    }, ct).ConfigureAwait(false));
                }
                case FailoverResourceKind.LoadBalancer:
                    return LoadBalancer(await Elb.CreateLoadBalancerAsync(r.Name, r.SubnetIds, r.SecurityGroupIds, r.Scheme, r.Tags, ct).ConfigureAwait(false));
                case FailoverResourceKind.Listener:
                {
                    var l = await Elb.CreateForwardListenerAsync(r.LoadBalancerArn, r.Protocol ?? "HTTP", r.Port ?? 80, r.TargetGroupArn, ct).ConfigureAwait(false);
                    return new FailoverResource { Kind = r.Kind, Id = l.Arn, Arn = l.Arn, Name = r.Name, Ready = true };
                }
                case FailoverResourceKind.WebAcl:
                {
                    var metric = new string(r.Name.Where(char.IsLetterOrDigit).ToArray());
                    var a = await _context.Wafv2(Region).CreateWebAclAsync(r.Name, r.WebAcl.DefaultAction, r.WebAcl.Rules, metric, r.Tags, "Failover of " + r.WebAcl.Name, ct).ConfigureAwait(false);
                    return new FailoverResource { Kind = r.Kind, Id = a.Id, Arn = a.Arn, Name = a.Name, Ready = true };
                }
                case FailoverResourceKind.WebAclAssociation:
                    await _context.Wafv2(Region).AssociateWebAclAsync(r.WebAclArn, r.LoadBalancerArn, ct).ConfigureAwait(false);
                    return new FailoverResource { Kind = r.Kind, Id = r.LoadBalancerArn + "|" + r.WebAclArn, Name = r.Name, Ready = true };
                case FailoverResourceKind.DbSubnetGroup:
                {
                    var arn = await _calls.CreateDbSubnetGroupAsync(r.Name, r.Description, r.SubnetIds, r.Tags, ct).ConfigureAwait(false);
                    return new FailoverResource { Kind = r.Kind, Id = r.Name, Arn = arn, Name = r.Name, Ready = true };
                }
                case FailoverResourceKind.DbInstance:
                {
                    var db = await Rds.RestoreDBInstanceAsync(new RdsRestoreInstanceRequest
                    {
                        TargetIdentifier = r.Name, SnapshotIdentifier = r.DbSnapshotId, InstanceClass = r.Database.InstanceClass, SubnetGroupName = r.DbSubnetGroupName,
                        VpcSecurityGroupIds = r.SecurityGroupIds, MultiAZ = r.Database.MultiAz ? true : (bool?)null, Port = r.Database.Port, Tags = r.Tags,
                    }, ct).ConfigureAwait(false);
                    await SetPasswordAsync(db, r, ct).ConfigureAwait(false);
                    return Db(db);
                }
                case FailoverResourceKind.LaunchTemplate:
                {
                    var lt = r.LaunchTemplate;
                    var data = new RequestLaunchTemplateData { ImageId = r.ImageId, SecurityGroupIds = r.SecurityGroupIds };
                    if (!string.IsNullOrEmpty(lt.InstanceType)) data.InstanceType = InstanceType.FindValue(lt.InstanceType);
                    if (!string.IsNullOrEmpty(lt.InstanceProfile))
                        data.IamInstanceProfile = lt.InstanceProfile.StartsWith("arn:", StringComparison.Ordinal)
                            ? new LaunchTemplateIamInstanceProfileSpecificationRequest { Arn = lt.InstanceProfile }
                            : new LaunchTemplateIamInstanceProfileSpecificationRequest { Name = lt.InstanceProfile };
                    var made = (await Ec2.CreateLaunchTemplateAsync(new CreateLaunchTemplateRequest
                    {
                        LaunchTemplateName = r.Name, VersionDescription = "failover " + r.FailoverId, LaunchTemplateData = data, TagSpecifications = Spec("launch-template", r),
                        ClientToken = Token(r),
                    }, ct).ConfigureAwait(false)).LaunchTemplate;
                    return new FailoverResource { Kind = r.Kind, Id = made.LaunchTemplateId, Name = made.LaunchTemplateName, Ready = true, Attributes = { ["ImageId"] = r.ImageId } };
                }
                case FailoverResourceKind.AutoScalingGroup:
                {
                    var g = r.AutoScalingGroup;
                    await _context.AutoScaling(Region).CreateAutoScalingGroupAsync(new CreateAutoScalingGroupRequest
                    {
                        Name = r.Name, LaunchTemplateId = r.LaunchTemplateId, LaunchTemplateVersion = "$Latest",
                        MinSize = Math.Min(g.MinSize, r.DesiredCapacity), MaxSize = Math.Max(g.MaxSize, r.DesiredCapacity), DesiredCapacity = r.DesiredCapacity,
                        SubnetIds = r.SubnetIds, TargetGroupArns = r.TargetGroupArns, HealthCheckType = g.HealthCheckType, HealthCheckGracePeriod = g.HealthCheckGracePeriod,
                        Tags = r.Tags, PropagatedTagKeys = new HashSet<string>(r.Tags.Keys),
                    }, ct).ConfigureAwait(false);
                    var made = (await _context.AutoScaling(Region).DescribeAutoScalingGroupsAsync(new[] { r.Name }, cancellationToken: ct).ConfigureAwait(false)).First();
                    return Asg(made);
                }
                case FailoverResourceKind.DnsRecord:
                {
                    var zone = await ZoneAsync(r.Zone, ct).ConfigureAwait(false);
                    await _context.Route53().UpsertRecordSetsAsync(zone.Id, new[]
                    {
                        new RecordSetInfo
                        {
                            Name = r.Record.Name, Type = r.Record.Type ?? "A", SetIdentifier = r.Record.SetIdentifier, Failover = r.Record.Failover,
                            AliasDnsName = r.AliasDnsName, AliasHostedZoneId = r.AliasHostedZoneId, AliasEvaluateTargetHealth = true,
                        },
                    }, ct).ConfigureAwait(false);
                    return new FailoverResource { Kind = r.Kind, Id = zone.Id + "/" + r.Record.Name + "/" + r.Record.SetIdentifier, Name = r.Name, Ready = true, Attributes = { ["AliasDnsName"] = r.AliasDnsName } };
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(r), r.Kind, "unknown kind");
            }
        }

        /// <summary>An idempotency token per failover and resource (EC2 returns the first result for a repeated token).</summary>
        private static string Token(FailoverResourceRequest r)
        {
            var s = (r.FailoverId + "/" + r.LogicalName);
            return s.Length <= 64 ? s : Aws.Recovery.BlueprintJson.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(s)).Substring(0, 64);
        }

        private async Task CompleteRouteTableAsync(RouteTable t, FailoverResourceRequest r, CancellationToken ct)
        {
            var routes = t.Routes ?? new List<Route>();
            foreach (var route in r.Routes)
            {
                if (routes.Any(x => x.DestinationCidrBlock == route.Destination)) continue;
                await Ec2.CreateRouteAsync(new CreateRouteRequest
                {
                    RouteTableId = t.RouteTableId, DestinationCidrBlock = route.Destination, GatewayId = route.InternetGatewayId, NatGatewayId = route.NatGatewayId,
                }, ct).ConfigureAwait(false);
            }
            var associated = new HashSet<string>((t.Associations ?? new List<RouteTableAssociation>()).Select(a => a.SubnetId).Where(x => x != null));
            foreach (var subnet in r.SubnetIds.Where(s => !associated.Contains(s)))
            {
                await Ec2.AssociateRouteTableAsync(new AssociateRouteTableRequest { RouteTableId = t.RouteTableId, SubnetId = subnet }, ct).ConfigureAwait(false);
            }
        }

        private static List<FailoverRule> MissingRules(SecurityGroup g, IEnumerable<FailoverRule> wanted)
        {
            var have = g.IpPermissions ?? new List<IpPermission>();
            bool Has(FailoverRule w) => have.Any(p => p.IpProtocol == w.Protocol && (p.FromPort == w.FromPort || w.FromPort == null) && (p.ToPort == w.ToPort || w.ToPort == null)
                && w.Cidrs.All(c => (p.Ipv4Ranges ?? new List<IpRange>()).Any(x => x.CidrIp == c))
                && w.SourceGroupIds.All(s => (p.UserIdGroupPairs ?? new List<UserIdGroupPair>()).Any(x => x.GroupId == s)));
            return (wanted ?? Enumerable.Empty<FailoverRule>()).Where(w => !Has(w)).ToList();
        }

        private static IpPermission Permission(FailoverRule rule)
        {
            var p = new IpPermission { IpProtocol = rule.Protocol };
            if (rule.FromPort.HasValue) p.FromPort = rule.FromPort.Value;
            if (rule.ToPort.HasValue) p.ToPort = rule.ToPort.Value;
            if (rule.Cidrs.Count > 0) p.Ipv4Ranges = rule.Cidrs.Select(c => new IpRange { CidrIp = c }).ToList();
            if (rule.SourceGroupIds.Count > 0) p.UserIdGroupPairs = rule.SourceGroupIds.Select(s => new UserIdGroupPair { GroupId = s }).ToList();
            return p;
        }

        /// <summary>Sets the master password from the replicated secret (in this region) and marks the DB as done; the password is never logged.</summary>
        private async Task SetPasswordAsync(RdsDbInstance db, FailoverResourceRequest r, CancellationToken ct)
        {
            if (string.IsNullOrEmpty(r.SecretName)) return;
            var secret = await _context.SecretsManager(Region).GetSecretValueAsync(r.SecretName, cancellationToken: ct).ConfigureAwait(false);
            string password = null;
            try
            {
                using (var doc = JsonDocument.Parse(secret?.SecretString ?? "{}"))
                {
                    password = doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Str("password") : null;
                }
            }
            catch (JsonException)
            {
            }
            if (string.IsNullOrEmpty(password))
            {
                throw new FinBackupException("FinFailoverResourceFailed", FinErrorKind.ResourceUnavailable,
                    $"The secret '{r.SecretName}' in {Region} holds no JSON with a password for the restored database {db.Identifier}.", null);
            }
            await Rds.ModifyMasterPasswordAsync(db.Identifier, password, false, ct).ConfigureAwait(false);
            if (db.Arn != null) await Rds.AddTagsToResourceAsync(db.Arn, new Dictionary<string, string> { [CredentialsTag] = "set" }, ct).ConfigureAwait(false);
        }

        // ----------------------------------------------------------------------------------------------------------------
        public FailoverResource Refresh(FailoverResource resource, CancellationToken ct) => Run("failover", "Refresh" + resource.Kind, () => RefreshAsync(resource, ct));

        private async Task<FailoverResource> RefreshAsync(FailoverResource x, CancellationToken ct)
        {
            FailoverResource now;
            switch (x.Kind)
            {
                case FailoverResourceKind.NatGateway:
                    now = (await Ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { NatGatewayIds = new List<string> { x.Id } }, ct).ConfigureAwait(false)).NatGateways?.Select(Nat).FirstOrDefault();
                    break;
                case FailoverResourceKind.LoadBalancer:
                    now = (await Elb.DescribeLoadBalancersAsync(new[] { x.Name }, ct).ConfigureAwait(false)).Select(LoadBalancer).FirstOrDefault();
                    break;
                case FailoverResourceKind.DbInstance:
                    var db = await Rds.GetDBInstanceAsync(x.Id, ct).ConfigureAwait(false);
                    now = db == null ? null : Db(db);
                    break;
                case FailoverResourceKind.AutoScalingGroup:
                    now = (await _context.AutoScaling(Region).DescribeAutoScalingGroupsAsync(new[] { x.Id }, cancellationToken: ct).ConfigureAwait(false)).Select(Asg).FirstOrDefault();
                    break;
                default:
                    return x;
            }
            if (now != null)
            {
                now.LogicalName = x.LogicalName;
                now.External = x.External;
            }
            return now;
        }

        public FailoverResource FindExistingVpc(string vpcIdOrName, CancellationToken ct) => Run("ec2", "DescribeVpcs", async () =>
        {
            var req = vpcIdOrName.StartsWith("vpc-", StringComparison.Ordinal)
                ? new DescribeVpcsRequest { VpcIds = new List<string> { vpcIdOrName } }
                : new DescribeVpcsRequest { Filters = new List<Filter> { F("tag:Name", vpcIdOrName) } };
            try
            {
                return (await Ec2.DescribeVpcsAsync(req, ct).ConfigureAwait(false)).Vpcs?.Select(Vpc).FirstOrDefault();
            }
            catch (AmazonEC2Exception ex) when (ex.ErrorCode == "InvalidVpcID.NotFound")
            {
                return null;
            }
        });

        // ----------------------------------------------------------------------------------------------------------------
        public IReadOnlyList<FailoverResource> ListTagged(string failoverId, CancellationToken ct) => Run("failover", "ListTagged", () => ListTaggedAsync(failoverId, ct));

        private async Task<IReadOnlyList<FailoverResource>> ListTaggedAsync(string id, CancellationToken ct)
        {
            var all = new List<FailoverResource>();
            var byId = new List<Filter> { F("tag:" + FailoverIds.TagFailoverId, id) };
            string Logical(List<Ec2Tag> tags) => Tag(tags, FailoverIds.TagLogicalName);
            foreach (var v in (await Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = byId }, ct).ConfigureAwait(false)).Vpcs ?? new List<Vpc>())
            {
                if (!Ours(v.Tags, id)) continue;
                var r = Vpc(v); r.LogicalName = Logical(v.Tags); all.Add(r);
            }
            foreach (var s in (await Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = byId }, ct).ConfigureAwait(false)).Subnets ?? new List<Subnet>())
            {
                if (!Ours(s.Tags, id)) continue;
                var r = Subnet(s, false); r.LogicalName = Logical(s.Tags); all.Add(r);
            }
            foreach (var g in (await Ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = byId }, ct).ConfigureAwait(false)).InternetGateways ?? new List<InternetGateway>())
            {
                if (!Ours(g.Tags, id)) continue;
                all.Add(new FailoverResource
                {
                    Kind = FailoverResourceKind.InternetGateway, Id = g.InternetGatewayId, LogicalName = Logical(g.Tags), Name = Tag(g.Tags, "Name"),
                    Attributes = { ["VpcId"] = g.Attachments?.FirstOrDefault()?.VpcId },
                });
            }
            foreach (var a in (await Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = byId }, ct).ConfigureAwait(false)).Addresses ?? new List<Address>())
            {
                if (!Ours(a.Tags, id)) continue;
                all.Add(new FailoverResource { Kind = FailoverResourceKind.ElasticIp, Id = a.AllocationId, LogicalName = Logical(a.Tags), Name = Tag(a.Tags, "Name") });
            }
            foreach (var n in (await Ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { Filter = byId.Concat(new[] { F("state", "pending", "available") }).ToList() }, ct).ConfigureAwait(false)).NatGateways ?? new List<NatGateway>())
            {
                if (!Ours(n.Tags, id)) continue;
                var r = Nat(n); r.LogicalName = Logical(n.Tags); all.Add(r);
            }
            foreach (var t in (await Ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = byId }, ct).ConfigureAwait(false)).RouteTables ?? new List<RouteTable>())
            {
                if (!Ours(t.Tags, id)) continue;
                all.Add(new FailoverResource { Kind = FailoverResourceKind.RouteTable, Id = t.RouteTableId, LogicalName = Logical(t.Tags), Name = Tag(t.Tags, "Name") });
            }
            foreach (var g in (await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = byId }, ct).ConfigureAwait(false)).SecurityGroups ?? new List<SecurityGroup>())
            {
                if (!Ours(g.Tags, id)) continue;
                all.Add(new FailoverResource { Kind = FailoverResourceKind.SecurityGroup, Id = g.GroupId, LogicalName = Logical(g.Tags), Name = g.GroupName });
            }
            foreach (var t in (await Ec2.DescribeLaunchTemplatesAsync(new DescribeLaunchTemplatesRequest { Filters = byId }, ct).ConfigureAwait(false)).LaunchTemplates ?? new List<LaunchTemplate>())
            {
                if (!Ours(t.Tags, id)) continue;
                all.Add(new FailoverResource { Kind = FailoverResourceKind.LaunchTemplate, Id = t.LaunchTemplateId, LogicalName = Logical(t.Tags), Name = t.LaunchTemplateName });
            }
            foreach (var g in await _context.AutoScaling(Region).DescribeAutoScalingGroupsAsync(tagKey: FailoverIds.TagFailoverId, tagValue: id, cancellationToken: ct).ConfigureAwait(false))
            {
                if (!(g.Tags.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == id)) continue;
                var r = Asg(g); r.LogicalName = g.Tags.TryGetValue(FailoverIds.TagLogicalName, out var l) ? l : null; all.Add(r);
            }
            var lbs = await Elb.DescribeLoadBalancersAsync(cancellationToken: ct).ConfigureAwait(false);
            var tgs = await Elb.DescribeTargetGroupsAsync(cancellationToken: ct).ConfigureAwait(false);
            var arns = lbs.Select(l => l.Arn).Concat(tgs.Select(t => t.Arn)).ToList();
            var elbTags = new Dictionary<string, Dictionary<string, string>>();
            for (int i = 0; i < arns.Count; i += 20)
            {
                foreach (var kv in await Elb.DescribeTagsAsync(arns.Skip(i).Take(20), ct).ConfigureAwait(false)) elbTags[kv.Key] = kv.Value;
            }
            bool ElbOurs(string arn, out string logical)
            {
                logical = null;
                if (!(elbTags.TryGetValue(arn, out var t) && t.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == id)) return false;
                t.TryGetValue(FailoverIds.TagLogicalName, out logical);
                return true;
            }
            foreach (var lb in lbs)
            {
                if (!ElbOurs(lb.Arn, out var l)) continue;
                var r = LoadBalancer(lb); r.LogicalName = l; all.Add(r);
            }
            foreach (var tg in tgs)
            {
                if (!ElbOurs(tg.Arn, out var l)) continue;
                var r = TargetGroup(tg); r.LogicalName = l; all.Add(r);
            }
            foreach (var a in await _context.Wafv2(Region).ListWebAclsAsync(ct).ConfigureAwait(false))
            {
                var tags = await _calls.ListWebAclTagsAsync(a.Arn, ct).ConfigureAwait(false);
                if (!(tags.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == id)) continue;
                all.Add(new FailoverResource { Kind = FailoverResourceKind.WebAcl, Id = a.Id, Arn = a.Arn, Name = a.Name, LogicalName = tags.TryGetValue(FailoverIds.TagLogicalName, out var l) ? l : null });
            }
            foreach (var db in await Rds.DescribeDBInstancesAsync(cancellationToken: ct).ConfigureAwait(false))
            {
                if (!(db.Tags.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == id) || db.Status == "deleting") continue;
                var r = Db(db); r.LogicalName = db.Tags.TryGetValue(FailoverIds.TagLogicalName, out var l) ? l : null; all.Add(r);
            }
            foreach (var g in await _calls.DescribeDbSubnetGroupsAsync(ct).ConfigureAwait(false))
            {
                if (g.Value == null) continue;
                var tags = await Rds.ListTagsForResourceAsync(g.Value, ct).ConfigureAwait(false);
                if (!(tags.TryGetValue(FailoverIds.TagFailoverId, out var v) && v == id)) continue;
                all.Add(new FailoverResource { Kind = FailoverResourceKind.DbSubnetGroup, Id = g.Key, Arn = g.Value, Name = g.Key, LogicalName = tags.TryGetValue(FailoverIds.TagLogicalName, out var l) ? l : null });
            }
            return all;
        }

        // ----------------------------------------------------------------------------------------------------------------
        public void Detach(FailoverResource x, CancellationToken ct) => Run("failover", "Detach" + x.Kind, async () =>
        {
            switch (x.Kind)
            {
                case FailoverResourceKind.SecurityGroup:
                {
                    var g = (await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = new List<string> { x.Id } }, ct).ConfigureAwait(false)).SecurityGroups.FirstOrDefault();
                    if (g?.IpPermissions != null && g.IpPermissions.Count > 0)
                        await Ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = x.Id, IpPermissions = g.IpPermissions }, ct).ConfigureAwait(false);
                    break;
                }
                case FailoverResourceKind.RouteTable:
                {
                    var t = (await Ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { RouteTableIds = new List<string> { x.Id } }, ct).ConfigureAwait(false)).RouteTables.FirstOrDefault();
                    foreach (var a in (t?.Associations ?? new List<RouteTableAssociation>()).Where(a => a.Main != true))
                        await Ec2.DisassociateRouteTableAsync(new DisassociateRouteTableRequest { AssociationId = a.RouteTableAssociationId }, ct).ConfigureAwait(false);
                    break;
                }
                case FailoverResourceKind.InternetGateway:
                    if (x.Attribute("VpcId") != null)
                        await Ec2.DetachInternetGatewayAsync(new DetachInternetGatewayRequest { InternetGatewayId = x.Id, VpcId = x.Attribute("VpcId") }, ct).ConfigureAwait(false);
                    break;
                case FailoverResourceKind.LoadBalancer:
                    // Its web ACL association (found from the load balancer: moto has no ListResourcesForWebACL).
                    if (await _context.Wafv2(Region).GetWebAclForResourceAsync(x.Arn ?? x.Id, ct).ConfigureAwait(false) != null)
                        await _calls.DisassociateWebAclAsync(x.Arn ?? x.Id, ct).ConfigureAwait(false);
                    break;
            }
        });

        public void Delete(FailoverResource x, CancellationToken ct) => Run("failover", "Delete" + x.Kind, async () =>
        {
            switch (x.Kind)
            {
                case FailoverResourceKind.AutoScalingGroup: await _calls.DeleteAutoScalingGroupAsync(x.Id, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.LaunchTemplate: await Ec2.DeleteLaunchTemplateAsync(new DeleteLaunchTemplateRequest { LaunchTemplateId = x.Id }, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.WebAcl: await _calls.DeleteWebAclAsync(x.Name, x.Id, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.LoadBalancer: await _calls.DeleteLoadBalancerAsync(x.Arn ?? x.Id, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.TargetGroup: await _calls.DeleteTargetGroupAsync(x.Arn ?? x.Id, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.DbInstance: await Rds.DeleteDBInstanceAsync(x.Id, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.DbSubnetGroup: await _calls.DeleteDbSubnetGroupAsync(x.Id, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.NatGateway: await Ec2.DeleteNatGatewayAsync(new DeleteNatGatewayRequest { NatGatewayId = x.Id }, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.ElasticIp: await Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = x.Id }, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.SecurityGroup: await Ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = x.Id }, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.RouteTable: await Ec2.DeleteRouteTableAsync(new DeleteRouteTableRequest { RouteTableId = x.Id }, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.InternetGateway: await Ec2.DeleteInternetGatewayAsync(new DeleteInternetGatewayRequest { InternetGatewayId = x.Id }, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.Subnet: await Ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = x.Id }, ct).ConfigureAwait(false); break;
                case FailoverResourceKind.Vpc: await Ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = x.Id }, ct).ConfigureAwait(false); break;
            }
        });

        public FailoverTargetHealth TargetHealth(string targetGroupArn, CancellationToken ct) => Run("elasticloadbalancing", "DescribeTargetHealth", async () =>
        {
            var targets = await _calls.DescribeTargetHealthAsync(targetGroupArn, ct).ConfigureAwait(false);
            return new FailoverTargetHealth
            {
                Registered = targets.Count,
                Healthy = targets.Count(t => t.Value == "healthy"),
                Detail = string.Join(", ", targets.Select(t => t.Key + " " + t.Value)),
            };
        });

        public bool? Resolves(string hostName, CancellationToken ct)
        {
            if (!string.IsNullOrEmpty(_context.EndpointUrl)) return null;
            try
            {
                return System.Net.Dns.GetHostAddresses(hostName).Length > 0;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }
    }
}
