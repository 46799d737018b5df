using System;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.Recovery
{
    /// <summary>Where blueprints live in a backup bucket: fin-blueprints/&lt;app-slug&gt;/&lt;yyyyMMddTHHmmssZ&gt;.json and latest.json beside them.</summary>
    public static class BlueprintLayout
    {
        public const string Root = "fin-blueprints/";
        public static string Prefix(string application) => Root + BlueprintAssembler.Slug(application) + "/";
        public static string KeyFor(string application, DateTime createdAt) =>
            Prefix(application) + createdAt.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture) + ".json";
        public static string LatestKey(string application) => Prefix(application) + "latest.json";
    }

    /// <summary>Export-FinRecoveryBlueprint's output: what was written where, and how much of each tier the blueprint holds.</summary>
    public sealed class FinRecoveryBlueprint
    {
        public string Application { get; set; }
        public string Region { get; set; }
        public DateTime CreatedAt { get; set; }
        public int SchemaVersion { get; set; }
        public int Subnets { get; set; }
        public int NatGateways { get; set; }
        public int SecurityGroups { get; set; }
        public int LoadBalancers { get; set; }
        public int Listeners { get; set; }
        public int TargetGroups { get; set; }
        public int AutoScalingGroups { get; set; }
        public int WebAclRules { get; set; }
        public int DnsRecords { get; set; }
        public int Databases { get; set; }
        public int RestoreSecrets { get; set; }
        public string Bucket { get; set; }
        public string Key { get; set; }
        /// <summary>The DR bucket the blueprint was copied to (null when the policy names none).</summary>
        public string DrBucket { get; set; }
        /// <summary>Its key in the DR bucket (the same path).</summary>
        public string DrKey { get; set; }
        /// <summary>SHA-256 (hex) of the JSON document.</summary>
        public string Sha256 { get; set; }

        public static FinRecoveryBlueprint Summarize(RecoveryBlueprint bp) => new FinRecoveryBlueprint
        {
            Application = bp.Application,
            Region = bp.Region,
            CreatedAt = bp.CreatedAt,
            SchemaVersion = bp.SchemaVersion,
            Subnets = bp.Network?.Subnets.Count ?? 0,
            NatGateways = bp.Network?.NatGateways.Count ?? 0,
            SecurityGroups = bp.SecurityGroups.Count,
            LoadBalancers = bp.LoadBalancer == null ? 0 : 1,
            Listeners = bp.LoadBalancer?.Listeners.Count ?? 0,
            TargetGroups = bp.LoadBalancer?.TargetGroups.Count ?? 0,
            AutoScalingGroups = bp.AutoScalingGroup == null ? 0 : 1,
            WebAclRules = bp.WebAcl?.Rules.Count ?? 0,
            DnsRecords = bp.Dns?.Records.Count ?? 0,
            Databases = bp.Databases.Count,
            RestoreSecrets = bp.RestoreSecretNames.Count,
        };

        public override string ToString() => $"{Application} {Key}";
    }

    /// <summary>
    /// Reads an application's stack, assembles the blueprint, writes it (SSE-KMS, policy's key) to the primary backup bucket as
    /// a timestamped document and latest.json, and copies both to the DR bucket with the DR key.
    /// </summary>
    public sealed class BlueprintExporter
    {
        private readonly Func<DateTime> _clock;

        public BlueprintExporter(Func<DateTime> clock = null)
        {
            _clock = clock ?? (() => DateTime.UtcNow);
        }

        public FinRecoveryBlueprint Export(BackupPolicy policy, string application, string region, IRecoveryBlueprintReader reader,
            IRecoveryBlueprintStore primaryStore, IRecoveryBlueprintStore drStore, CancellationToken cancellationToken)
        {
            var app = policy.FindApplication(application) ?? throw new FinBackupException("FinApplicationNotInPolicy", FinErrorKind.ObjectNotFound,
                $"The policy '{policy}' has no application '{application}'.", "Use an application name from the policy's Applications.");
            var bucket = policy.BucketFor(region) ?? throw new FinBackupException("FinBlueprintBucketMissing", FinErrorKind.InvalidArgument,
                $"The policy '{policy}' names no backup bucket for {region}, so the blueprint of '{app.Name}' has nowhere to go.",
                $"Add '{region}' = '<bucket>' to Buckets in the policy.");
            var observed = reader.Read(policy.TagKey, app.Name, cancellationToken);
            if (!observed.Found)
            {
                throw new FinBackupException("FinBlueprintNothingFound", FinErrorKind.ObjectNotFound,
                    $"Nothing tagged {policy.TagKey}={app.Name} (VPC, Auto Scaling group, load balancer or database) was found in {region}.",
                    $"Tag the application's VPC and Auto Scaling group with {policy.TagKey}={app.Name}, or check -Region.");
            }
            var now = _clock();
            var createdAt = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            var bp = BlueprintAssembler.Assemble(observed, policy.Name, app.Name, region, createdAt);
            var key = BlueprintLayout.KeyFor(app.Name, createdAt);
            var latest = BlueprintLayout.LatestKey(app.Name);
            var kms = policy.KmsKeyFor(region);
            var sha = primaryStore.Put(bucket, key, bp, kms, cancellationToken);
            primaryStore.Put(bucket, latest, bp, kms, cancellationToken);

            var summary = FinRecoveryBlueprint.Summarize(bp);
            summary.Bucket = bucket;
            summary.Key = key;
            summary.Sha256 = sha;
            var dr = policy.DrRegion;
            var drBucket = policy.BucketFor(dr);
            if (drStore != null && !string.IsNullOrEmpty(dr) && drBucket != null && !string.Equals(dr, region, StringComparison.OrdinalIgnoreCase))
            {
                var drKms = policy.KmsKeyFor(dr);
                drStore.CopyFrom(region, bucket, key, drBucket, drKms, cancellationToken);
                drStore.CopyFrom(region, bucket, latest, drBucket, drKms, cancellationToken);
                summary.DrBucket = drBucket;
                summary.DrKey = key;
            }
            return summary;
        }
    }
}
