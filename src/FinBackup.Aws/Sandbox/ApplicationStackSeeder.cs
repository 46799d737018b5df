using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using FinBackup.Aws.Services.AutoScaling;
using FinBackup.Aws.Services.ElasticLoadBalancing;
using FinBackup.Aws.Services.Route53;
using FinBackup.Domain;
using FinBackup.Domain.Sandbox;
using Ec2Tag = Amazon.EC2.Model.Tag;
using Filter = Amazon.EC2.Model.Filter;

namespace FinBackup.Aws.Sandbox
{
    /// <summary>
    /// Seeds one application's stack in the primary region, the way the bank runs it: a VPC with public and private subnets in
    /// two AZs, an internet gateway, a NAT gateway (with its Elastic IP) in the first public subnet that the private subnets
    /// route through, security groups (ALB from the internet, app from the ALB group, DB from the app group), an
    /// internet-facing ALB with target group and listener, a launch template and an Auto Scaling group in the private subnets
    /// registered with the target group, a regional WAFv2 web ACL associated with the ALB, and a Route 53 hosted zone with a
    /// health check and a failover record pair (PRIMARY alias to the ALB, SECONDARY placeholder). Each resource is looked up
    /// by name first; everything carries the application tag.
    /// </summary>
    internal sealed class ApplicationStackSeeder
    {
        private const string ManagedBy = "FinBackup-sandbox";
        private readonly AwsClientContext _context;
        private readonly SandboxEstate _estate;
        private readonly Action<string> _progress;
        private readonly string _region;

        public ApplicationStackSeeder(AwsClientContext context, SandboxEstate estate, Action<string> progress)
        {
            _context = context;
            _estate = estate;
            _progress = progress ?? (_ => { });
            _region = estate.PrimaryRegion;
        }

        private IAmazonEC2 Ec2 => _context.Ec2(_region);

        public async Task EnsureAsync(SandboxApplication app, string imageId, SandboxSeedResult result, CancellationToken ct)
        {
            _progress($"Network of {app.Name} ({app.VpcName})");
            var vpcId = await EnsureVpcAsync(app, result, ct).ConfigureAwait(false);
            var publicSubnets = new List<string>();
            var privateSubnets = new List<string>();
            var suffixes = _estate.AvailabilityZoneSuffixes;
            for (int i = 0; i < suffixes.Count; i++)
            {
                publicSubnets.Add(await EnsureSubnetAsync(app, vpcId, true, i, result, ct).ConfigureAwait(false));
                privateSubnets.Add(await EnsureSubnetAsync(app, vpcId, false, i, result, ct).ConfigureAwait(false));
            }
            var igw = await EnsureInternetGatewayAsync(app, vpcId, result, ct).ConfigureAwait(false);
            await EnsureRouteTableAsync(app, vpcId, app.Slug + "-public-rt", publicSubnets, igw, null, result, ct).ConfigureAwait(false);
            _progress($"NAT gateway of {app.Name}");
            var nat = await EnsureNatGatewayAsync(app, vpcId, publicSubnets[0], result, ct).ConfigureAwait(false);
            await EnsureRouteTableAsync(app, vpcId, app.Slug + "-private-rt", privateSubnets, null, nat, result, ct).ConfigureAwait(false);

            _progress($"Security groups of {app.Name}");
            var albSg = await EnsureSecurityGroupAsync(app, vpcId, app.AlbSecurityGroupName, "Load balancer of " + app.Name, result, ct).ConfigureAwait(false);
            var appSg = await EnsureSecurityGroupAsync(app, vpcId, app.AppSecurityGroupName, "Application instances of " + app.Name, result, ct).ConfigureAwait(false);
            if (albSg.Created)
            {
                await AllowAsync(albSg.Id, 443, cidr: "0.0.0.0/0", ct: ct).ConfigureAwait(false);
                await AllowAsync(albSg.Id, 80, cidr: "0.0.0.0/0", ct: ct).ConfigureAwait(false);
            }
            if (appSg.Created) await AllowAsync(appSg.Id, 8080, fromGroup: albSg.Id, ct: ct).ConfigureAwait(false);
            if (app.DatabaseIdentifier != null)
            {
                var dbSg = await EnsureSecurityGroupAsync(app, vpcId, app.DbSecurityGroupName, "Database of " + app.Name, result, ct).ConfigureAwait(false);
                if (dbSg.Created) await AllowAsync(dbSg.Id, 5432, fromGroup: appSg.Id, ct: ct).ConfigureAwait(false);
            }

            _progress($"Load balancer of {app.Name} ({app.LoadBalancerName})");
            var elb = _context.ElbV2(_region);
            var tags = new Dictionary<string, string> { [FinTags.Application] = app.Name, ["fin:managed-by"] = ManagedBy };
            var lb = (await elb.DescribeLoadBalancersAsync(new[] { app.LoadBalancerName }, ct).ConfigureAwait(false)).FirstOrDefault();
            if (lb == null)
            {
                lb = await elb.CreateLoadBalancerAsync(app.LoadBalancerName, publicSubnets, new[] { albSg.Id }, "internet-facing", tags, ct).ConfigureAwait(false);
                result.Created++;
            }
            result.LoadBalancers++;
            var tg = (await elb.DescribeTargetGroupsAsync(names: new[] { app.TargetGroupName }, cancellationToken: ct).ConfigureAwait(false)).FirstOrDefault();
            if (tg == null)
            {
                tg = await elb.CreateTargetGroupAsync(new CreateTargetGroupRequest
                {
                    Name = app.TargetGroupName,
                    Protocol = "HTTP",
                    Port = 8080,
                    VpcId = vpcId,
                    HealthCheckPath = "/health",
                    HealthCheckIntervalSeconds = 15,
                    HealthyThresholdCount = 3,
                    UnhealthyThresholdCount = 2,
                    Tags = tags,
                }, ct).ConfigureAwait(false);
                result.Created++;
            }
            var listeners = await elb.DescribeListenersAsync(lb.Arn, ct).ConfigureAwait(false);
            if (listeners.Count == 0)
            {
                await elb.CreateForwardListenerAsync(lb.Arn, "HTTP", 80, tg.Arn, ct).ConfigureAwait(false);
                result.Created++;
            }

            _progress($"Launch template and Auto Scaling group of {app.Name}");
            var ltId = await EnsureLaunchTemplateAsync(app, imageId, appSg.Id, result, ct).ConfigureAwait(false);
            var asg = _context.AutoScaling(_region);
            if ((await asg.DescribeAutoScalingGroupsAsync(new[] { app.AutoScalingGroupName }, cancellationToken: ct).ConfigureAwait(false)).Count == 0)
            {
                await asg.CreateAutoScalingGroupAsync(new CreateAutoScalingGroupRequest
                {
                    Name = app.AutoScalingGroupName,
                    LaunchTemplateId = ltId,
                    MinSize = _estate.AutoScalingDesiredCapacity,
                    MaxSize = Math.Max(2, _estate.AutoScalingDesiredCapacity * 2),
                    DesiredCapacity = _estate.AutoScalingDesiredCapacity,
                    SubnetIds = privateSubnets,
                    TargetGroupArns = new[] { tg.Arn },
                    HealthCheckType = "ELB",
                    HealthCheckGracePeriod = 300,
                    Tags = new Dictionary<string, string> { [FinTags.Application] = app.Name, ["Name"] = app.AutoScalingGroupName },
                }, ct).ConfigureAwait(false);
                result.Created++;
            }
            result.AutoScalingGroups++;

            _progress($"WAF web ACL of {app.Name} ({app.WebAclName})");
            var waf = _context.Wafv2(_region);
            var acl = (await waf.ListWebAclsAsync(ct).ConfigureAwait(false)).FirstOrDefault(a => a.Name == app.WebAclName);
            if (acl == null)
            {
                var metric = app.Slug.Replace("-", string.Empty) + "waf";
                var rule = "{\"Name\":\"rate-limit\",\"Priority\":0,\"Statement\":{\"RateBasedStatement\":{\"Limit\":2000,\"AggregateKeyType\":\"IP\"}}," +
                           "\"Action\":{\"Block\":{}},\"VisibilityConfig\":{\"SampledRequestsEnabled\":true,\"CloudWatchMetricsEnabled\":true,\"MetricName\":\"" + metric + "rate\"}}";
                acl = await waf.CreateWebAclAsync(app.WebAclName, "Allow", new[] { rule }, metric, tags, "Web ACL of " + app.Name, ct).ConfigureAwait(false);
                result.Created++;
            }
            result.WebAcls++;
            if (await waf.GetWebAclForResourceAsync(lb.Arn, ct).ConfigureAwait(false) == null)
            {
                await waf.AssociateWebAclAsync(acl.Arn, lb.Arn, ct).ConfigureAwait(false);
            }

            _progress($"Route 53 zone and failover records of {app.Name}");
            await EnsureDnsAsync(app, lb, result, ct).ConfigureAwait(false);
        }

        private static List<TagSpecification> Spec(string resourceType, SandboxApplication app, string name) => new List<TagSpecification>
        {
            new TagSpecification
            {
                ResourceType = ResourceType.FindValue(resourceType),
                Tags = new List<Ec2Tag> { new Ec2Tag(FinTags.Application, app.Name), new Ec2Tag("Name", name), new Ec2Tag("fin:managed-by", ManagedBy) },
            },
        };

        private static Filter F(string name, string value) => new Filter(name, new List<string> { value });

        private async Task<string> EnsureVpcAsync(SandboxApplication app, SandboxSeedResult result, CancellationToken ct)
        {
            var found = (await Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = new List<Filter> { F("tag:Name", app.VpcName) } }, ct).ConfigureAwait(false)).Vpcs;
            var id = found?.FirstOrDefault()?.VpcId;
            if (id == null)
            {
                id = (await Ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = _estate.VpcCidrFor(app), TagSpecifications = Spec("vpc", app, app.VpcName) }, ct)
                    .ConfigureAwait(false)).Vpc.VpcId;
                result.Created++;
            }
            result.Vpcs++;
            return id;
        }

        private async Task<string> EnsureSubnetAsync(SandboxApplication app, string vpcId, bool isPublic, int azIndex, SandboxSeedResult result, CancellationToken ct)
        {
            var name = app.SubnetName(isPublic, _estate.AvailabilityZoneSuffixes[azIndex]);
            var found = (await Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = new List<Filter> { F("vpc-id", vpcId), F("tag:Name", name) } }, ct)
                .ConfigureAwait(false)).Subnets;
            var id = found?.FirstOrDefault()?.SubnetId;
            if (id == null)
            {
                var spec = Spec("subnet", app, name);
                spec[0].Tags.Add(new Ec2Tag("fin:tier", isPublic ? "public" : "private"));
                id = (await Ec2.CreateSubnetAsync(new CreateSubnetRequest
                {
                    VpcId = vpcId,
                    CidrBlock = _estate.SubnetCidrFor(app, isPublic, azIndex),
                    AvailabilityZone = _region + _estate.AvailabilityZoneSuffixes[azIndex],
                    TagSpecifications = spec,
                }, ct).ConfigureAwait(false)).Subnet.SubnetId;
                result.Created++;
            }
            result.Subnets++;
            return id;
        }

        private async Task<string> EnsureInternetGatewayAsync(SandboxApplication app, string vpcId, SandboxSeedResult result, CancellationToken ct)
        {
            var found = (await Ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = new List<Filter> { F("attachment.vpc-id", vpcId) } }, ct)
                .ConfigureAwait(false)).InternetGateways;
            var id = found?.FirstOrDefault()?.InternetGatewayId;
            if (id != null) return id;
            id = (await Ec2.CreateInternetGatewayAsync(new CreateInternetGatewayRequest { TagSpecifications = Spec("internet-gateway", app, app.Slug + "-igw") }, ct)
                .ConfigureAwait(false)).InternetGateway.InternetGatewayId;
            await Ec2.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = id, VpcId = vpcId }, ct).ConfigureAwait(false);
            result.Created++;
            return id;
        }

        private async Task<string> EnsureNatGatewayAsync(SandboxApplication app, string vpcId, string subnetId, SandboxSeedResult result, CancellationToken ct)
        {
            var found = (await Ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest
            {
                Filter = new List<Filter> { F("vpc-id", vpcId), new Filter("state", new List<string> { "pending", "available" }) },
            }, ct).ConfigureAwait(false)).NatGateways;
            var id = found?.FirstOrDefault()?.NatGatewayId;
            if (id == null)
            {
                var eip = await Ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc, TagSpecifications = Spec("elastic-ip", app, app.Slug + "-nat-eip-a") }, ct)
                    .ConfigureAwait(false);
                id = (await Ec2.CreateNatGatewayAsync(new CreateNatGatewayRequest
                {
                    SubnetId = subnetId,
                    AllocationId = eip.AllocationId,
                    TagSpecifications = Spec("natgateway", app, app.Slug + "-nat-a"),
                }, ct).ConfigureAwait(false)).NatGateway.NatGatewayId;
                result.Created += 2;
            }
            result.NatGateways++;
            return id;
        }

        private async Task EnsureRouteTableAsync(SandboxApplication app, string vpcId, string name, IList<string> subnets, string igw, string nat,
            SandboxSeedResult result, CancellationToken ct)
        {
            var found = (await Ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = new List<Filter> { F("vpc-id", vpcId), F("tag:Name", name) } }, ct)
                .ConfigureAwait(false)).RouteTables;
            if (found != null && found.Count > 0) return;
            var rt = (await Ec2.CreateRouteTableAsync(new CreateRouteTableRequest { VpcId = vpcId, TagSpecifications = Spec("route-table", app, name) }, ct)
                .ConfigureAwait(false)).RouteTable.RouteTableId;
            await Ec2.CreateRouteAsync(new CreateRouteRequest { RouteTableId = rt, DestinationCidrBlock = "0.0.0.0/0", GatewayId = igw, NatGatewayId = nat }, ct)
                .ConfigureAwait(false);
            foreach (var s in subnets)
            {
                await Ec2.AssociateRouteTableAsync(new AssociateRouteTableRequest { RouteTableId = rt, SubnetId = s }, ct).ConfigureAwait(false);
            }
            result.Created++;
        }

        private async Task<(string Id, bool Created)> EnsureSecurityGroupAsync(SandboxApplication app, string vpcId, string name, string description,
            SandboxSeedResult result, CancellationToken ct)
        {
            result.SecurityGroups++;
            var found = (await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = new List<Filter> { F("vpc-id", vpcId), F("group-name", name) } }, ct)
                .ConfigureAwait(false)).SecurityGroups;
            var id = found?.FirstOrDefault()?.GroupId;
            if (id != null) return (id, false);
            id = (await Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest
            {
                GroupName = name,
                Description = description,
                VpcId = vpcId,
                TagSpecifications = Spec("security-group", app, name),
            }, ct).ConfigureAwait(false)).GroupId;
            result.Created++;
            return (id, true);
        }

        private Task AllowAsync(string groupId, int port, string cidr = null, string fromGroup = null, CancellationToken ct = default(CancellationToken))
        {
            var permission = new IpPermission { IpProtocol = "tcp", FromPort = port, ToPort = port };
            if (cidr != null) permission.Ipv4Ranges = new List<IpRange> { new IpRange { CidrIp = cidr } };
            if (fromGroup != null) permission.UserIdGroupPairs = new List<UserIdGroupPair> { new UserIdGroupPair { GroupId = fromGroup } };
            return Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = groupId, IpPermissions = new List<IpPermission> { permission } }, ct);
        }

        private async Task<string> EnsureLaunchTemplateAsync(SandboxApplication app, string imageId, string appSg, SandboxSeedResult result, CancellationToken ct)
        {
            var found = (await Ec2.DescribeLaunchTemplatesAsync(new DescribeLaunchTemplatesRequest { Filters = new List<Filter> { F("launch-template-name", app.LaunchTemplateName) } }, ct)
                .ConfigureAwait(false)).LaunchTemplates;
            var id = found?.FirstOrDefault()?.LaunchTemplateId;
            if (id == null)
            {
                var userData = Convert.ToBase64String(Encoding.UTF8.GetBytes("#!/bin/bash\n# " + app.Name + " (sandbox)\nsystemctl start " + app.Slug + "\n"));
                id = (await Ec2.CreateLaunchTemplateAsync(new CreateLaunchTemplateRequest
                {
                    LaunchTemplateName = app.LaunchTemplateName,
                    VersionDescription = "sandbox",
                    LaunchTemplateData = new RequestLaunchTemplateData
                    {
                        ImageId = imageId,
                        InstanceType = InstanceType.M5Large,
                        SecurityGroupIds = new List<string> { appSg },
                        UserData = userData,
                        IamInstanceProfile = new LaunchTemplateIamInstanceProfileSpecificationRequest { Name = app.InstanceProfileName },
                    },
                    TagSpecifications = Spec("launch-template", app, app.LaunchTemplateName),
                }, ct).ConfigureAwait(false)).LaunchTemplate.LaunchTemplateId;
                result.Created++;
            }
            result.LaunchTemplates++;
            return id;
        }

        private async Task EnsureDnsAsync(SandboxApplication app, LoadBalancerInfo lb, SandboxSeedResult result, CancellationToken ct)
        {
            var r53 = _context.Route53();
            var zoneName = _estate.ZoneNameFor(app);
            var zone = (await r53.ListHostedZonesAsync(ct).ConfigureAwait(false)).FirstOrDefault(z => z.Name == zoneName);
            if (zone == null)
            {
                zone = await r53.CreateHostedZoneAsync(zoneName, "Public zone of " + app.Name + " (sandbox)", ct).ConfigureAwait(false);
                await r53.ChangeTagsAsync("hostedzone", zone.Id, new Dictionary<string, string> { [FinTags.Application] = app.Name, ["fin:managed-by"] = ManagedBy }, ct)
                    .ConfigureAwait(false);
                result.Created++;
            }
            result.HostedZones++;
            var record = _estate.RecordNameFor(app);
            var records = await r53.ListRecordSetsAsync(zone.Id, ct).ConfigureAwait(false);
            if (!records.Any(r => r.Name == record && r.Failover == "PRIMARY"))
            {
                var hc = await r53.CreateHealthCheckAsync("HTTPS", lb.DnsName, "/health", 443, 30, 3, ct).ConfigureAwait(false);
                await r53.UpsertRecordSetsAsync(zone.Id, new[]
                {
                    new RecordSetInfo
                    {
                        Name = record, Type = "A", SetIdentifier = "primary", Failover = "PRIMARY",
                        AliasDnsName = lb.DnsName, AliasHostedZoneId = lb.CanonicalHostedZoneId, AliasEvaluateTargetHealth = true, HealthCheckId = hc,
                    },
                    new RecordSetInfo
                    {
                        Name = record, Type = "A", SetIdentifier = "secondary", Failover = "SECONDARY", Ttl = 60,
                        Values = new List<string> { _estate.SecondaryPlaceholderAddress },
                    },
                }, ct).ConfigureAwait(false);
                result.Created += 2;
            }
            result.HealthChecks++;
        }
    }
}
