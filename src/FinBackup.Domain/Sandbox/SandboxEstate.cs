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
        /// <summary>Resources created by this run (0 when everything already existed).</summary>
        public int Created { get; set; }
        /// <summary>KMS key ARN of alias/fin-backup per region.</summary>
        public IDictionary<string, string> KmsKeyArns { get; set; } = new Dictionary<string, string>();
    }
}
