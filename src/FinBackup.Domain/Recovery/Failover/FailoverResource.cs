using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Recovery.Failover
{
    /// <summary>What a failover builds, in the order its teardown reverses.</summary>
    public enum FailoverResourceKind
    {
        Vpc,
        Subnet,
        InternetGateway,
        ElasticIp,
        NatGateway,
        RouteTable,
        SecurityGroup,
        SecurityGroupRules,
        TargetGroup,
        LoadBalancer,
        Listener,
        WebAcl,
        WebAclAssociation,
        DbSubnetGroup,
        DbInstance,
        LaunchTemplate,
        AutoScalingGroup,
        DnsRecord,
    }

    /// <summary>A resource a failover made or adopted.</summary>
    public sealed class FailoverResource
    {
        public FailoverResourceKind Kind { get; set; }
        public string LogicalName { get; set; }
        /// <summary>AWS id (vpc-..., sg-..., DB identifier, ASG name...).</summary>
        public string Id { get; set; }
        public string Arn { get; set; }
        public string Name { get; set; }
        /// <summary>Usable now (NAT available, load balancer active, DB available...).</summary>
        public bool Ready { get; set; }
        /// <summary>AWS's state word, as reported.</summary>
        public string State { get; set; }
        /// <summary>Not made by this failover (an existing DR VPC named in the policy): never torn down.</summary>
        public bool External { get; set; }
        /// <summary>Kind-specific facts: DnsName, CanonicalHostedZoneId (load balancer), Endpoint, Port (DB), VpcId...</summary>
        public IDictionary<string, string> Attributes { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        public string Attribute(string key) => Attributes != null && Attributes.TryGetValue(key, out var v) ? v : null;

        public override string ToString() => $"{Kind} {LogicalName} ({Id})";
    }

    /// <summary>A route of a route table, its target resolved: internet-gateway, nat (a NAT gateway id) or local.</summary>
    public sealed class FailoverRoute
    {
        public string Destination { get; set; }
        public string InternetGatewayId { get; set; }
        public string NatGatewayId { get; set; }
        public override string ToString() => $"{Destination} -> {InternetGatewayId ?? NatGatewayId}";
    }

    /// <summary>An ingress rule with its source groups remapped to the groups the failover made.</summary>
    public sealed class FailoverRule
    {
        public string Protocol { get; set; }
        public int? FromPort { get; set; }
        public int? ToPort { get; set; }
        public List<string> Cidrs { get; set; } = new List<string>();
        public List<string> SourceGroupIds { get; set; } = new List<string>();
        public override string ToString() => $"{Protocol} {FromPort}-{ToPort} from {string.Join(",", Cidrs)}{string.Join(",", SourceGroupIds)}";
    }

    /// <summary>
    /// One resource to find or create. The fields a kind does not use stay null. References are AWS ids of what earlier steps
    /// made (never primary-region ids).
    /// </summary>
    public sealed class FailoverResourceRequest
    {
        public FailoverResourceKind Kind { get; set; }
        public string LogicalName { get; set; }
        /// <summary>The AWS name to give it (drills: the drill's own names).</summary>
        public string Name { get; set; }
        public string FailoverId { get; set; }
        /// <summary>Tags for the resource: the application tag, Name, fin:failover-id, fin:failover-logical, fin:drill-id for drills.</summary>
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        public string VpcId { get; set; }
        public string Cidr { get; set; }
        /// <summary>Full AZ name in the target region ("us-west-2a").</summary>
        public string AvailabilityZone { get; set; }
        public bool Public { get; set; }
        public string SubnetId { get; set; }
        public List<string> SubnetIds { get; set; } = new List<string>();
        public List<string> SecurityGroupIds { get; set; } = new List<string>();
        public string AllocationId { get; set; }
        public List<FailoverRoute> Routes { get; set; } = new List<FailoverRoute>();
        public string Description { get; set; }
        public string GroupId { get; set; }
        public List<FailoverRule> Rules { get; set; } = new List<FailoverRule>();
        public BlueprintTargetGroup TargetGroup { get; set; }
        public string Scheme { get; set; }
        public string LoadBalancerArn { get; set; }
        public string TargetGroupArn { get; set; }
        public List<string> TargetGroupArns { get; set; } = new List<string>();
        public string Protocol { get; set; }
        public int? Port { get; set; }
        public BlueprintWebAcl WebAcl { get; set; }
        public string WebAclArn { get; set; }
        public string ImageId { get; set; }
        public BlueprintLaunchTemplate LaunchTemplate { get; set; }
        public string LaunchTemplateId { get; set; }
        public BlueprintAutoScalingGroup AutoScalingGroup { get; set; }
        public int DesiredCapacity { get; set; }
        public BlueprintDatabase Database { get; set; }
        public string DbSnapshotId { get; set; }
        public string DbSubnetGroupName { get; set; }
        /// <summary>The replicated secret (in the target region) whose password is set on the restored DB; never logged.</summary>
        public string SecretName { get; set; }
        public BlueprintRecord Record { get; set; }
        public string Zone { get; set; }
        public string AliasDnsName { get; set; }
        public string AliasHostedZoneId { get; set; }

        public override string ToString() => $"{Kind} {LogicalName} ({Name})";
    }
}
