using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Sandbox
{
    /// <summary>One of the bank's applications as the sandbox seeds it.</summary>
    public sealed class SandboxApplication
    {
        public SandboxApplication(string name, string slug, string databaseIdentifier)
        {
            Name = name;
            Slug = slug;
            DatabaseIdentifier = databaseIdentifier;
        }

        /// <summary>Exact application name (the fin:application tag value).</summary>
        public string Name { get; }
        /// <summary>Short name used in resource names (Name tag, secret names).</summary>
        public string Slug { get; }
        /// <summary>RDS DB instance id, or null when the application has no database.</summary>
        public string DatabaseIdentifier { get; }
        public string InstanceName => Slug + "-app-1";
        public string RestoreSecretName => "fin/restore/" + Slug;

        // ----- the application's stack (VPC ... Route 53), seeded in the primary region -----
        public string VpcName => Slug + "-vpc";
        public string AlbSecurityGroupName => Slug + "-alb-sg";
        public string AppSecurityGroupName => Slug + "-app-sg";
        public string DbSecurityGroupName => Slug + "-db-sg";
        public string LoadBalancerName => Slug + "-alb";
        public string TargetGroupName => Slug + "-tg";
        public string LaunchTemplateName => Slug + "-lt";
        public string AutoScalingGroupName => Slug + "-asg";
        public string WebAclName => Slug + "-waf";
        public string InstanceProfileName => Slug + "-app-profile";
        /// <summary>Public and private subnet names per AZ suffix (a, b): cross-sell-public-a ...</summary>
        public string SubnetName(bool isPublic, string azSuffix) => $"{Slug}-{(isPublic ? "public" : "private")}-{azSuffix}";
    }

    /// <summary>
    /// The estate the sandbox seeds: the bank's brief as recorded in the shared facts (regions, applications, volume and
    /// database sizes, bucket/key/vault/secret names). The single place these facts live in code.
    /// </summary>
    public sealed class SandboxEstate
    {
        public string PrimaryRegion { get; set; } = "us-east-1";
        public string DrRegion { get; set; } = "us-west-2";
        public string KmsAlias { get; set; } = "alias/fin-backup";
        public string VaultName { get; set; } = "fin-backup-vault";
        public int RootVolumeGiB { get; set; } = 100;
        public int DataVolumeGiB { get; set; } = 309;
        /// <summary>Added to the first application's data volume so the declared EBS sizes sum to exactly 2048 GiB (2 TB).</summary>
        public int ExtraDataGiBOnFirstApplication { get; set; } = 3;
        public int DatabaseAllocatedGiB { get; set; } = 10240;
        /// <summary>The two AZ suffixes each application's subnets span.</summary>
        public IReadOnlyList<string> AvailabilityZoneSuffixes { get; set; } = new[] { "a", "b" };
        /// <summary>Each application's public DNS zone is &lt;slug&gt;.&lt;this&gt; (app.&lt;slug&gt;.finco.example. is the failover record).</summary>
        public string DnsDomain { get; set; } = "finco.example";
        /// <summary>The SECONDARY failover record's placeholder address (TEST-NET-1) until a failover points it at the DR load balancer.</summary>
        public string SecondaryPlaceholderAddress { get; set; } = "192.0.2.10";
        /// <summary>
        /// Desired capacity of each application's Auto Scaling group. 0 in the sandbox: the application's seeded instance
        /// (&lt;slug&gt;-app-1) stays the one EC2 instance per application that backups and other tests see.
        /// </summary>
        public int AutoScalingDesiredCapacity { get; set; } = 0;

        /// <summary>10.&lt;n&gt;.0.0/16, n = 10 + the application's position.</summary>
        public string VpcCidrFor(SandboxApplication app) => $"10.{10 + IndexOf(app)}.0.0/16";
        /// <summary>Public subnets 10.n.0.0/24, 10.n.1.0/24; private 10.n.10.0/24, 10.n.11.0/24.</summary>
        public string SubnetCidrFor(SandboxApplication app, bool isPublic, int azIndex) => $"10.{10 + IndexOf(app)}.{(isPublic ? 0 : 10) + azIndex}.0/24";
        public string ZoneNameFor(SandboxApplication app) => $"{app.Slug}.{DnsDomain}.";
        public string RecordNameFor(SandboxApplication app) => $"app.{app.Slug}.{DnsDomain}.";

        private int IndexOf(SandboxApplication app)
        {
            for (int i = 0; i < Applications.Count; i++) if (ReferenceEquals(Applications[i], app) || Applications[i].Slug == app.Slug) return i;
            return 0;
        }
        public IReadOnlyList<SandboxApplication> Applications { get; set; } = new[]
        {
            new SandboxApplication("Cross-sell", "cross-sell", "cross-sell-db"),
            new SandboxApplication("Inventory Management System", "inventory", "inventory-db"),
            new SandboxApplication("Agent payment", "agent-payment", "agent-payment-db"),
            new SandboxApplication("Customer Assistance Management", "customer-assistance", null),
            new SandboxApplication("Vendor Assistance Management", "vendor-assistance", null),
        };

        public IEnumerable<string> Regions => new[] { PrimaryRegion, DrRegion };

        /// <summary>fin-backup-use1 for us-east-1, fin-backup-usw2 for us-west-2 (first letters of the region parts + its number).</summary>
        public string BucketFor(string region)
        {
            var parts = region.Split('-');
            var code = parts.Length == 3 ? parts[0] + parts[1][0] + parts[2] : region.Replace("-", string.Empty);
            return "fin-backup-" + code;
        }

        public int DataVolumeGiBFor(SandboxApplication app) =>
            DataVolumeGiB + (ReferenceEquals(app, Applications.First()) ? ExtraDataGiBOnFirstApplication : 0);

        /// <summary>Total declared EBS size (GiB) of the seeded instances.</summary>
        public int TotalEbsGiB => Applications.Sum(a => RootVolumeGiB + DataVolumeGiBFor(a));

        public static SandboxEstate Bank() => new SandboxEstate();
    }

    /// <summary>What seeding found or created (counts cover both, so a re-run reports the same estate).</summary>
    public sealed class SandboxSeedResult
    {
        public int Applications { get; set; }
        public int Ec2Instances { get; set; }
        public int EbsVolumes { get; set; }
        public int EbsDeclaredGiB { get; set; }
        public int RdsInstances { get; set; }
        public int RdsDeclaredGiB { get; set; }
        public int KmsKeys { get; set; }
        public int Buckets { get; set; }
        public int Secrets { get; set; }
        public int BackupVaults { get; set; }
        /// <summary>Application stacks in the primary region (one each: VPC, NAT gateway, ALB, ASG, web ACL, hosted zone, health check).</summary>
        public int Vpcs { get; set; }
        public int Subnets { get; set; }
        public int NatGateways { get; set; }
        public int SecurityGroups { get; set; }
        public int LoadBalancers { get; set; }
        public int LaunchTemplates { get; set; }
        public int AutoScalingGroups { get; set; }
        public int WebAcls { get; set; }
        public int HostedZones { get; set; }
        public int HealthChecks { get; set; }
        /// <summary>Restore secrets replicated from the primary to the DR region (Secrets Manager replication).</summary>
        public int ReplicatedSecrets { get; set; }
        /// <summary>Resources created by this run (0 when everything already existed).</summary>
        public int Created { get; set; }
        /// <summary>KMS key ARN of alias/fin-backup per region.</summary>
        public IDictionary<string, string> KmsKeyArns { get; set; } = new Dictionary<string, string>();
    }
}
