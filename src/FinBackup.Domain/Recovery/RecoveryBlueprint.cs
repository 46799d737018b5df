using System;
using System.Collections.Generic;

namespace FinBackup.Domain.Recovery
{
    /// <summary>
    /// What an application's stack looks like, enough to rebuild it in another region: network, security groups (rules
    /// referring to other groups by logical name, never id), load balancer, launch template (user data as a hash, never the
    /// content), Auto Scaling group, WAF web ACL, Route 53 records and health checks, databases and the names of the restore
    /// secrets (never their values). Stored as versioned JSON (docs/schemas/recovery-blueprint.md); <see cref="SchemaVersion"/> says
    /// which schema a document follows.
    /// </summary>
    public sealed class RecoveryBlueprint
    {
        public const int CurrentSchemaVersion = 1;

        public int SchemaVersion { get; set; } = CurrentSchemaVersion;
        public string Application { get; set; }
        public string Policy { get; set; }
        /// <summary>The region the stack was read from.</summary>
        public string Region { get; set; }
        public DateTime CreatedAt { get; set; }
        public BlueprintNetwork Network { get; set; }
        public List<BlueprintSecurityGroup> SecurityGroups { get; set; } = new List<BlueprintSecurityGroup>();
        public BlueprintLoadBalancer LoadBalancer { get; set; }
        public BlueprintLaunchTemplate LaunchTemplate { get; set; }
        public BlueprintAutoScalingGroup AutoScalingGroup { get; set; }
        public BlueprintWebAcl WebAcl { get; set; }
        public BlueprintDns Dns { get; set; }
        public List<BlueprintDatabase> Databases { get; set; } = new List<BlueprintDatabase>();
        /// <summary>Names of the Secrets Manager secrets a restore needs. Names only.</summary>
        public List<string> RestoreSecretNames { get; set; } = new List<string>();

        public override string ToString() => $"{Application} ({Region}, {CreatedAt:u})";
    }

    public sealed class BlueprintNetwork
    {
        public string VpcName { get; set; }
        public string Cidr { get; set; }
        public List<BlueprintSubnet> Subnets { get; set; } = new List<BlueprintSubnet>();
        public List<BlueprintRouteTable> RouteTables { get; set; } = new List<BlueprintRouteTable>();
        public List<BlueprintNatGateway> NatGateways { get; set; } = new List<BlueprintNatGateway>();
        public bool InternetGateway { get; set; }
    }

    public sealed class BlueprintSubnet
    {
        public string Name { get; set; }
        /// <summary>The AZ suffix ("a", "b"): AZ names differ between regions, their letters map.</summary>
        public string AvailabilityZone { get; set; }
        public string Cidr { get; set; }
        public bool Public { get; set; }
    }

    public sealed class BlueprintRouteTable
    {
        public string Name { get; set; }
        /// <summary>Logical names of the subnets associated with the table.</summary>
        public List<string> Subnets { get; set; } = new List<string>();
        /// <summary>"0.0.0.0/0 -> internet-gateway", "0.0.0.0/0 -> nat:&lt;nat name&gt;", "10.0.0.0/16 -> local".</summary>
        public List<string> Routes { get; set; } = new List<string>();
    }

    public sealed class BlueprintNatGateway
    {
        public string Name { get; set; }
        public string AvailabilityZone { get; set; }
        /// <summary>Logical name of the (public) subnet the gateway sits in; it has one Elastic IP.</summary>
        public string Subnet { get; set; }
    }

    public sealed class BlueprintSecurityGroup
    {
        public string Name { get; set; }
        public string Description { get; set; }
        public List<BlueprintRule> Ingress { get; set; } = new List<BlueprintRule>();
    }

    public sealed class BlueprintRule
    {
        public string Protocol { get; set; }
        public int? FromPort { get; set; }
        public int? ToPort { get; set; }
        public List<string> Cidrs { get; set; } = new List<string>();
        /// <summary>Other security groups of the blueprint, by logical name.</summary>
        public List<string> SourceGroups { get; set; } = new List<string>();

        public override string ToString() =>
            $"{Protocol} {FromPort}-{ToPort} from {string.Join(",", Cidrs)}{(Cidrs.Count > 0 && SourceGroups.Count > 0 ? "," : string.Empty)}{string.Join(",", SourceGroups)}";
    }

    public sealed class BlueprintLoadBalancer
    {
        public string Name { get; set; }
        public string Scheme { get; set; }
        public string Type { get; set; }
        public List<string> Subnets { get; set; } = new List<string>();
        public List<string> SecurityGroups { get; set; } = new List<string>();
        public List<BlueprintListener> Listeners { get; set; } = new List<BlueprintListener>();
        public List<BlueprintTargetGroup> TargetGroups { get; set; } = new List<BlueprintTargetGroup>();
    }

    public sealed class BlueprintListener
    {
        public string Protocol { get; set; }
        public int? Port { get; set; }
        /// <summary>Logical name of the target group the default action forwards to.</summary>
        public string TargetGroup { get; set; }
    }

    public sealed class BlueprintTargetGroup
    {
        public string Name { get; set; }
        public string Protocol { get; set; }
        public int? Port { get; set; }
        public string TargetType { get; set; }
        public string HealthCheckPath { get; set; }
        public int? HealthCheckIntervalSeconds { get; set; }
        public int? HealthyThresholdCount { get; set; }
        public int? UnhealthyThresholdCount { get; set; }
        public string Matcher { get; set; }
    }

    public sealed class BlueprintLaunchTemplate
    {
        public string Name { get; set; }
        public string ImageId { get; set; }
        public string InstanceType { get; set; }
        public string InstanceProfile { get; set; }
        /// <summary>SHA-256 (hex) of the user data as stored (base64 text); the content itself is never kept.</summary>
        public string UserDataSha256 { get; set; }
        public List<string> SecurityGroups { get; set; } = new List<string>();
    }

    public sealed class BlueprintAutoScalingGroup
    {
        public string Name { get; set; }
        public int MinSize { get; set; }
        public int MaxSize { get; set; }
        public int DesiredCapacity { get; set; }
        public string HealthCheckType { get; set; }
        public int? HealthCheckGracePeriod { get; set; }
        public List<string> Subnets { get; set; } = new List<string>();
        public List<string> TargetGroups { get; set; } = new List<string>();
    }

    public sealed class BlueprintWebAcl
    {
        public string Name { get; set; }
        public string DefaultAction { get; set; }
        /// <summary>Each rule as WAF's JSON (name, priority, statement, action, visibility).</summary>
        public List<string> Rules { get; set; } = new List<string>();
    }

    public sealed class BlueprintDns
    {
        public string Zone { get; set; }
        public List<BlueprintRecord> Records { get; set; } = new List<BlueprintRecord>();
    }

    public sealed class BlueprintRecord
    {
        public string Name { get; set; }
        public string Type { get; set; }
        public string SetIdentifier { get; set; }
        /// <summary>PRIMARY or SECONDARY.</summary>
        public string Failover { get; set; }
        /// <summary>"alias:load-balancer" for an alias to the blueprint's load balancer, "alias:&lt;dns name&gt;" otherwise, or the record values.</summary>
        public string Target { get; set; }
        public long? Ttl { get; set; }
        public BlueprintHealthCheck HealthCheck { get; set; }
    }

    public sealed class BlueprintHealthCheck
    {
        public string Type { get; set; }
        /// <summary>"load-balancer" when it checks the blueprint's load balancer, else the domain name.</summary>
        public string Target { get; set; }
        public string ResourcePath { get; set; }
        public int? Port { get; set; }
        public int? RequestInterval { get; set; }
        public int? FailureThreshold { get; set; }
    }

    public sealed class BlueprintDatabase
    {
        public string Identifier { get; set; }
        public string InstanceClass { get; set; }
        public string Engine { get; set; }
        public string EngineVersion { get; set; }
        public int AllocatedStorageGiB { get; set; }
        public bool StorageEncrypted { get; set; }
        public bool MultiAz { get; set; }
        public int? Port { get; set; }
        public string SubnetGroup { get; set; }
        public List<string> SecurityGroups { get; set; } = new List<string>();
    }
}
