using System;
using System.Collections.Generic;
using System.Linq;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// A backup policy as code: the regions, keys, buckets and vault the bank uses, and one
    /// <see cref="ApplicationPolicy"/> per application. Built by the policy reader from a .psd1 or JSON file.
    /// </summary>
    public sealed class BackupPolicy
    {
        public string Name { get; set; }
        /// <summary>The file the policy was read from, if any.</summary>
        public string SourcePath { get; set; }
        public string PrimaryRegion { get; set; }
        public string DrRegion { get; set; }
        /// <summary>The tag whose value names the application a resource belongs to.</summary>
        public string TagKey { get; set; } = FinTags.Application;
        public string BackupVaultName { get; set; }
        /// <summary>Whether the AWS Backup vaults get a vault lock.</summary>
        public bool VaultLock { get; set; }
        /// <summary>KMS key (id, ARN or alias) per region.</summary>
        public IDictionary<string, string> KmsKeys { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>Backup bucket per region.</summary>
        public IDictionary<string, string> Buckets { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public IList<ApplicationPolicy> Applications { get; set; } = new List<ApplicationPolicy>();
        /// <summary>Free text for reviewers.</summary>
        public string Description { get; set; }
        /// <summary>AWS quotas the feasibility checks use (defaults are AWS's defaults; raise them if the account has increases).</summary>
        public PolicyQuotas Quotas { get; set; } = new PolicyQuotas();
        /// <summary>The constants the feasibility checks assume (copy throughput, change rate, snapshot duration).</summary>
        public FeasibilityAssumptions Assumptions { get; set; } = new FeasibilityAssumptions();
        /// <summary>Restore rates and approval validity (the policy's Restore table): New-FinRestorePlan, Approve-FinRestore.</summary>
        public RestoreAssumptions Restore { get; set; } = new RestoreAssumptions();
        /// <summary>Where each field was written ("Applications[2].Retention" -> "finco.policy.psd1 line 23"), when read from a file.</summary>
        public IDictionary<string, string> Locations { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>Warnings found while reading the file (unknown keys), so Test-FinBackupPolicy -Policy reports them too.</summary>
        public IList<PolicyFinding> ReadWarnings { get; set; } = new List<PolicyFinding>();

        // ----- running unattended (UnattendedPolicy.cs) -----
        /// <summary>Schedules and SSM documents: admin instances, module bucket, scheduler role, dead-letter queue.</summary>
        public SchedulePolicy Schedule { get; set; } = new SchedulePolicy();
        /// <summary>Where the RPO alarms notify.</summary>
        public AlarmPolicy Alarms { get; set; } = new AlarmPolicy();
        /// <summary>CloudWatch metrics of cycles and file backups.</summary>
        public MetricsPolicy Metrics { get; set; } = new MetricsPolicy();
        /// <summary>Where the audit trail is written (the policy's Audit table).</summary>
        public AuditPolicy Audit { get; set; } = new AuditPolicy();
        /// <summary>What the cycle verifies every run and how often it reads data (the policy's Verification table).</summary>
        public VerificationPolicy Verification { get; set; } = new VerificationPolicy();

        public IEnumerable<string> Regions =>
            new[] { PrimaryRegion, DrRegion }.Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase);

        public string KmsKeyFor(string region) =>
            region != null && KmsKeys != null && KmsKeys.TryGetValue(region, out var k) ? k : null;

        public string BucketFor(string region) =>
            region != null && Buckets != null && Buckets.TryGetValue(region, out var b) ? b : null;

        public ApplicationPolicy FindApplication(string name) =>
            Applications?.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

        public override string ToString() => Name ?? SourcePath ?? "BackupPolicy";
    }

    /// <summary>One application's backup requirements.</summary>
    public sealed class ApplicationPolicy
    {
        public string Name { get; set; }
        public string Criticality { get; set; }
        /// <summary>How often recovery points are taken (the policy window length).</summary>
        public TimeSpan? Frequency { get; set; }
        public TimeSpan? Retention { get; set; }
        public TimeSpan? Rpo { get; set; }
        public TimeSpan? Rto { get; set; }
        /// <summary>The kinds of recovery point to take for this application's resources.</summary>
        public IList<RecoveryPointKindRequest> RecoveryPoints { get; set; } = new List<RecoveryPointKindRequest>();
        public IList<FileSetPolicy> FileSets { get; set; } = new List<FileSetPolicy>();
        public bool CopyToDrRegion { get; set; } = true;
        /// <summary>Who may approve a restore (IAM principal ARNs or group names).</summary>
        public IList<string> RestoreApprovers { get; set; } = new List<string>();
        /// <summary>Declared data size in GiB (for feasibility checks), if the policy states one.</summary>
        public double? DeclaredDataGiB { get; set; }
        /// <summary>Number of EC2 instances / volumes / DB instances the policy expects (feasibility), if stated.</summary>
        public int? DeclaredInstances { get; set; }
        public int? DeclaredVolumes { get; set; }
        public int? DeclaredDatabases { get; set; }
        /// <summary>
        /// Declared size of the application's databases in GiB (part of <see cref="DeclaredDataGiB"/>), for the RTO estimate;
        /// when null the whole declared size is assumed on both the EC2 and the database path.
        /// </summary>
        public double? DeclaredDatabaseGiB { get; set; }
        /// <summary>
        /// Schedule of the AWS Backup plan rule when <see cref="RecoveryPointKindRequest.BackupPlan"/> is requested;
        /// null means <see cref="Frequency"/>. AWS Backup cannot schedule more often than every 60 minutes.
        /// </summary>
        public TimeSpan? BackupPlanFrequency { get; set; }
        /// <summary>
        /// Lifecycle (delete after) of the AWS Backup plan rule; null means <see cref="Retention"/>. AWS Backup's
        /// lifecycle is in whole days (at least 1 day); hour-level expiry is Remove-FinExpiredBackup's job.
        /// </summary>
        public TimeSpan? BackupPlanRetention { get; set; }
        /// <summary>How old the newest recovery blueprint in the DR bucket may be before Test-FinDrReadiness reports it stale; null means 2 x <see cref="Frequency"/>.</summary>
        public TimeSpan? BlueprintMaxAge { get; set; }
        public TimeSpan? EffectiveBlueprintMaxAge => BlueprintMaxAge ?? (Frequency is TimeSpan f ? TimeSpan.FromTicks(f.Ticks * 2) : (TimeSpan?)null);

        /// <summary>Whether the application asks for an AWS Backup plan rule.</summary>
        public bool UsesBackupPlan => RecoveryPoints != null && RecoveryPoints.Contains(RecoveryPointKindRequest.BackupPlan);
        // ----- restore (Invoke-FinRestore) -----
        /// <summary>Per region: how recorded subnets and security groups map there (see <see cref="RestoreTarget"/>).</summary>
        public IDictionary<string, RestoreTarget> RestoreTargets { get; set; } = new Dictionary<string, RestoreTarget>(StringComparer.OrdinalIgnoreCase);
        /// <summary>Secrets Manager secret (name or ARN) with the DB master credentials JSON {"username","password"} set on a restored DB.</summary>
        public string RestoreSecret { get; set; }
        /// <summary>Default EBS volume initialization rate for restored volumes, MiB/s (100-300; null: AWS's default rate).</summary>
        public int? VolumeInitializationRateMiBps { get; set; }

        public RestoreTarget RestoreTargetFor(string region) =>
            region != null && RestoreTargets != null && RestoreTargets.TryGetValue(region, out var t) ? t : null;

        public TimeSpan? EffectiveBackupPlanFrequency => BackupPlanFrequency ?? Frequency;
        public TimeSpan? EffectiveBackupPlanRetention => BackupPlanRetention ?? Retention;

        public override string ToString() => Name;
    }

    /// <summary>Which recovery points a policy asks for.</summary>
    public enum RecoveryPointKindRequest
    {
        EbsSnapshotSet,
        Ami,
        RdsSnapshot,
        BackupPlan,
        FileBackup,
    }

    /// <summary>A set of files and directories backed up to S3 on its own schedule.</summary>
    public sealed class FileSetPolicy
    {
        public string Name { get; set; }
        public IList<string> Paths { get; set; } = new List<string>();
        public IList<string> Include { get; set; } = new List<string>();
        public IList<string> Exclude { get; set; } = new List<string>();
        /// <summary>Own frequency; null means the application's.</summary>
        public TimeSpan? Frequency { get; set; }
        public override string ToString() => Name;
    }

    /// <summary>AWS service quotas the feasibility checks compare against (AWS defaults unless the policy says otherwise).</summary>
    public sealed class PolicyQuotas
    {
        /// <summary>Concurrent EBS snapshot copies per destination region (AWS default 20).</summary>
        public int ConcurrentSnapshotCopiesPerRegion { get; set; } = 20;
        /// <summary>Pending (in-progress) snapshots per EBS volume (AWS limit 5).</summary>
        public int PendingSnapshotsPerVolume { get; set; } = 5;
        /// <summary>Manual RDS DB snapshots per region (AWS default 100).</summary>
        public int ManualRdsSnapshotsPerRegion { get; set; } = 100;
        /// <summary>Elastic IP addresses per region (AWS default 5); Test-FinDrReadiness reads the account's own figure when AWS gives it.</summary>
        public int ElasticIpsPerRegion { get; set; } = 5;
        /// <summary>NAT gateways per Availability Zone (AWS default 5).</summary>
        public int NatGatewaysPerAz { get; set; } = 5;
        /// <summary>VPCs per region (AWS default 5).</summary>
        public int VpcsPerRegion { get; set; } = 5;
        /// <summary>Running On-Demand instances per region a rebuild may use (a planning figure; AWS's quota is in vCPUs, default 20 instances here).</summary>
        public int RunningInstancesPerRegion { get; set; } = 20;
    }

    /// <summary>
    /// The constants the feasibility checks assume, stated in every finding that uses them. Defaults are deliberately
    /// conservative planning figures, not AWS guarantees; measure your own and put them in the policy's Assumptions.
    /// </summary>
    public sealed class FeasibilityAssumptions
    {
        /// <summary>Cross-region copy throughput per copy, MiB/s (default 100).</summary>
        public double CopyThroughputMiBps { get; set; } = 100;
        /// <summary>Share of the declared data that changes per hour, percent (default 1 %/h); the incremental copy size.</summary>
        public double ChangeRatePercentPerHour { get; set; } = 1;
        /// <summary>How long one incremental EBS snapshot stays pending (default 30 minutes).</summary>
        public TimeSpan EbsSnapshotDuration { get; set; } = TimeSpan.FromMinutes(30);

        // ----- recovery (RTO estimate: RtoEstimator, Get-FinRtoEstimate, Test-FinBackupPolicy rule RtoEstimateMeetsRto) -----

        /// <summary>Rate at which a volume restored from a snapshot is read through (initialized) before full performance, MiB/s per instance (default 250).</summary>
        public double VolumeInitializationMiBps { get; set; } = 250;
        /// <summary>Fixed part of an RDS restore from a snapshot: create the instance until available (default 15 minutes).</summary>
        public TimeSpan RdsRestoreBaseTime { get; set; } = TimeSpan.FromMinutes(15);
        /// <summary>Size-dependent part of an RDS restore, GiB per minute (default 256: 10 TiB in 40 minutes).</summary>
        public double RdsRestoreGiBPerMinute { get; set; } = 256;
        /// <summary>VPC, subnets, route tables and internet gateway (default 2 minutes).</summary>
        public TimeSpan NetworkCreationTime { get; set; } = TimeSpan.FromMinutes(2);
        /// <summary>NAT gateway with its Elastic IP until available, per AZ in parallel (default 5 minutes).</summary>
        public TimeSpan NatGatewayCreationTime { get; set; } = TimeSpan.FromMinutes(5);
        /// <summary>Security groups and their rules (default 1 minute).</summary>
        public TimeSpan SecurityGroupCreationTime { get; set; } = TimeSpan.FromMinutes(1);
        /// <summary>Application load balancer until active, with target group and listener (default 5 minutes).</summary>
        public TimeSpan LoadBalancerCreationTime { get; set; } = TimeSpan.FromMinutes(5);
        /// <summary>WAF web ACL and its association with the load balancer (default 2 minutes).</summary>
        public TimeSpan WebAclCreationTime { get; set; } = TimeSpan.FromMinutes(2);
        /// <summary>Launch template and Auto Scaling group until its instances are launched (default 2 minutes).</summary>
        public TimeSpan AutoScalingGroupCreationTime { get; set; } = TimeSpan.FromMinutes(2);
        /// <summary>Instance boot until the target group reports it healthy (default 5 minutes).</summary>
        public TimeSpan InstanceBootTime { get; set; } = TimeSpan.FromMinutes(5);
        /// <summary>TTL of the application's DNS records (default 60 seconds).</summary>
        public TimeSpan DnsTtl { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>Route 53 health check request interval (default 30 seconds).</summary>
        public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>Route 53 health check failure threshold, consecutive checks (default 3).</summary>
        public int HealthCheckFailureThreshold { get; set; } = 3;
    }
}

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// The policy's Audit table: where the audit trail is written. Default: the primary region's backup bucket, prefix
    /// fin-audit/, records retained 7 years (Object Lock compliance mode when the bucket has Object Lock).
    /// </summary>
    public sealed class AuditPolicy
    {
        /// <summary>The audit bucket; null means the backup bucket of <see cref="Region"/> (default the primary region).</summary>
        public string Bucket { get; set; }
        /// <summary>The audit bucket's region; null means the primary region.</summary>
        public string Region { get; set; }
        public string Prefix { get; set; } = FinBackup.Domain.Audit.AuditLogLayout.DefaultPrefix;
        /// <summary>Object Lock retention of each record (compliance mode) when the bucket has Object Lock.</summary>
        public TimeSpan Retention { get; set; } = FinBackup.Domain.Audit.AuditLogLayout.DefaultRetention;
        /// <summary>Off only for tests and sandboxes: Enabled = $false writes no audit trail.</summary>
        public bool Enabled { get; set; } = true;
    }

    public static class AuditPolicyExtensions
    {
        /// <summary>Where the policy's audit log is, or null when it has none (no audit bucket and no primary bucket, or disabled).</summary>
        public static FinBackup.Domain.Audit.AuditLogLocation AuditLocation(this BackupPolicy policy)
        {
            if (policy == null || string.IsNullOrEmpty(policy.Name)) return null;
            var a = policy.Audit ?? new AuditPolicy();
            if (!a.Enabled) return null;
            var region = string.IsNullOrEmpty(a.Region) ? policy.PrimaryRegion : a.Region;
            var bucket = string.IsNullOrEmpty(a.Bucket) ? policy.BucketFor(region) : a.Bucket;
            if (string.IsNullOrEmpty(bucket) || string.IsNullOrEmpty(region)) return null;
            return new FinBackup.Domain.Audit.AuditLogLocation
            {
                Bucket = bucket, Region = region, Prefix = a.Prefix ?? FinBackup.Domain.Audit.AuditLogLayout.DefaultPrefix,
                PolicyName = policy.Name, KmsKeyId = policy.KmsKeyFor(region), Retention = a.Retention,
            };
        }
    }
}
