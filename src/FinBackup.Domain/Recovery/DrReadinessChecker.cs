using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Recovery
{
    /// <summary>One DR readiness problem (Test-FinDrReadiness), shaped like a policy finding.</summary>
    public sealed class FinDrFinding
    {
        /// <summary>The application; null for region-wide findings (quotas, the DR key).</summary>
        public string Application { get; set; }
        /// <summary>Stable check name (<see cref="DrChecks"/>).</summary>
        public string Check { get; set; }
        public PolicySeverity Severity { get; set; }
        public string Region { get; set; }
        public string Message { get; set; }
        public string Recommendation { get; set; }
        public override string ToString() => $"{Severity} {Check}{(Application != null ? " [" + Application + "]" : string.Empty)}: {Message}";
    }

    /// <summary>Stable names of the readiness checks.</summary>
    public static class DrChecks
    {
        public const string DrRegionDefined = "DrRegionDefined";
        public const string BlueprintPresent = "BlueprintPresent";
        public const string BlueprintFresh = "BlueprintFresh";
        public const string DrCopyPresent = "DrCopyPresent";
        public const string DrCopyWithinRpo = "DrCopyWithinRpo";
        public const string DrKmsKeyUsable = "DrKmsKeyUsable";
        public const string SecretReplicated = "SecretReplicated";
        public const string ElasticIpQuota = "ElasticIpQuota";
        public const string NatGatewayQuota = "NatGatewayQuota";
        public const string VpcQuota = "VpcQuota";
        public const string InstanceQuota = "InstanceQuota";
        public const string CheckFailed = "CheckFailed";
    }

    /// <summary>The ports the readiness checks read, per region.</summary>
    public sealed class DrReadinessPorts
    {
        public Func<string, IRecoveryBlueprintStore> Blueprints { get; set; }
        public Func<string, IRecoveryPointProviders> RecoveryPoints { get; set; }
        public Func<string, IKmsKeyCheck> Kms { get; set; }
        public Func<string, ISecretReplicationProbe> Secrets { get; set; }
        public Func<string, IDrCapacityProbe> Capacity { get; set; }
    }

    /// <summary>
    /// Checks, before anyone needs it, that each application could be rebuilt in the DR region: a fresh blueprint in the DR
    /// bucket; DR copies of the newest AMI / snapshot set / DB snapshot within the RPO; the DR KMS key usable; the restore
    /// secrets replicated; and the Elastic IPs, NAT gateways per AZ, VPCs and instances a rebuild consumes within the quotas.
    /// One finding per problem; none when ready. Read-only.
    /// </summary>
    public sealed class DrReadinessChecker
    {
        private static readonly RecoveryPointKindRequest[] CopiedKinds = { RecoveryPointKindRequest.Ami, RecoveryPointKindRequest.EbsSnapshotSet, RecoveryPointKindRequest.RdsSnapshot };
        private readonly DrReadinessPorts _ports;
        private readonly Func<DateTime> _clock;

        public DrReadinessChecker(DrReadinessPorts ports, Func<DateTime> clock = null)
        {
            _ports = ports ?? throw new ArgumentNullException(nameof(ports));
            _clock = clock ?? (() => DateTime.UtcNow);
        }

        public IReadOnlyList<FinDrFinding> Check(BackupPolicy policy, IReadOnlyList<ApplicationPolicy> applications, CancellationToken cancellationToken)
        {
            var findings = new List<FinDrFinding>();
            var dr = policy.DrRegion;
            if (string.IsNullOrEmpty(dr) || string.Equals(dr, policy.PrimaryRegion, StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(new FinDrFinding
                {
                    Check = DrChecks.DrRegionDefined, Severity = PolicySeverity.Error, Region = dr,
                    Message = $"The policy '{policy}' names no DR region apart from its primary region, so there is nowhere to rebuild.",
                    Recommendation = "Add DrRegion = 'us-west-2' (a region other than PrimaryRegion) to the policy.",
                });
                return findings;
            }
            var now = _clock();
            void Add(string app, string check, PolicySeverity severity, string message, string fix) =>
                findings.Add(new FinDrFinding { Application = app, Check = check, Severity = severity, Region = dr, Message = message, Recommendation = fix });
            void Guard(string app, string what, Action action)
            {
                try
                {
                    action();
                }
                catch (FinBackupException ex)
                {
                    Add(app, DrChecks.CheckFailed, PolicySeverity.Error, $"Could not check {what} in {dr}: {ex.Message}", ex.RecommendedAction ?? "Fix the access problem and run Test-FinDrReadiness again.");
                }
            }

            // The DR key.
            var drKey = policy.KmsKeyFor(dr);
            if (string.IsNullOrEmpty(drKey))
            {
                Add(null, DrChecks.DrKmsKeyUsable, PolicySeverity.Error, $"The policy gives no KMS key for {dr}, so nothing could be decrypted or re-encrypted there.",
                    $"Add '{dr}' = 'alias/fin-backup' to KmsKeys (a customer-managed key in {dr}).");
            }
            else
            {
                try
                {
                    _ports.Kms(dr).RequireUsableKey(drKey, cancellationToken);
                }
                catch (FinBackupException ex)
                {
                    Add(null, DrChecks.DrKmsKeyUsable, PolicySeverity.Error, $"The DR key {drKey} in {dr} is not usable: {ex.Message}",
                        ex.RecommendedAction ?? $"Create or enable {drKey} in {dr}.");
                }
            }

            var drBucket = policy.BucketFor(dr);
            var need = new RebuildNeed();
            foreach (var app in applications)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RecoveryBlueprint blueprint = null;
                if (drBucket == null)
                {
                    Add(app.Name, DrChecks.BlueprintPresent, PolicySeverity.Error, $"The policy names no backup bucket for {dr}, so no blueprint of '{app.Name}' can be there.",
                        $"Add '{dr}' = '<bucket in {dr}>' to Buckets.");
                }
                else
                {
                    Guard(app.Name, "the recovery blueprint", () =>
                    {
                        var key = BlueprintLayout.LatestKey(app.Name);
                        var stored = _ports.Blueprints(dr).Get(drBucket, key, cancellationToken);
                        if (stored == null)
                        {
                            Add(app.Name, DrChecks.BlueprintPresent, PolicySeverity.Error,
                                $"There is no recovery blueprint of '{app.Name}' in the DR bucket (s3://{drBucket}/{key}): a rebuild would not know the stack.",
                                $"Run Export-FinRecoveryBlueprint -Policy <policy> -Application '{app.Name}' (Invoke-FinBackupCycle -ExportBlueprint does it every cycle).");
                            return;
                        }
                        blueprint = stored.Blueprint;
                        var maxAge = app.EffectiveBlueprintMaxAge;
                        var age = now - blueprint.CreatedAt;
                        if (maxAge is TimeSpan m && age > m)
                        {
                            Add(app.Name, DrChecks.BlueprintFresh, PolicySeverity.Warning,
                                $"The newest recovery blueprint of '{app.Name}' in {dr} is {RtoEstimator.Fmt(age)} old (written {blueprint.CreatedAt:u}), older than {Duration.Format(m)}" +
                                (app.BlueprintMaxAge == null ? " (2 x its backup frequency)." : " (BlueprintMaxAge)."),
                                $"Export a fresh blueprint (Export-FinRecoveryBlueprint -Application '{app.Name}'), or find why the backup cycle stopped refreshing it.");
                        }
                    });
                }

                // DR copies of the newest points, within the RPO.
                if (app.CopyToDrRegion && app.RecoveryPoints != null)
                {
                    foreach (var request in CopiedKinds.Where(k => app.RecoveryPoints.Contains(k)))
                    {
                        var kind = (RecoveryPointKind)Enum.Parse(typeof(RecoveryPointKind), request.ToString());
                        Guard(app.Name, kind + " copies", () =>
                        {
                            var provider = _ports.RecoveryPoints(dr).Provider(kind);
                            if (provider == null) return;
                            var points = provider.List(new RecoveryPointQuery { Applications = { app.Name }, States = { RecoveryPointState.Available } }, cancellationToken);
                            var newest = points.OrderByDescending(p => p.CreatedAt).FirstOrDefault();
                            if (newest == null)
                            {
                                Add(app.Name, DrChecks.DrCopyPresent, PolicySeverity.Error,
                                    $"'{app.Name}' has no available {kind} copy in {dr}: a regional outage now would leave nothing to rebuild it from.",
                                    $"Run Copy-FinBackupToRegion -Policy <policy> -Application '{app.Name}' (or Invoke-FinBackupCycle) and check its errors.");
                            }
                            else if (app.Rpo is TimeSpan rpo && now - newest.CreatedAt > rpo)
                            {
                                Add(app.Name, DrChecks.DrCopyWithinRpo, PolicySeverity.Error,
                                    $"The newest {kind} copy of '{app.Name}' in {dr} ({newest.RecoveryPointId}) is {RtoEstimator.Fmt(now - newest.CreatedAt)} old, over the RPO of {Duration.Format(rpo)}.",
                                    "Check that the backup cycle runs and its copies complete (Get-FinRecoveryPoint -State Pending, Copy-FinBackupToRegion errors).");
                            }
                        });
                    }
                }

                // Restore secrets replicated (names from the blueprint).
                if (blueprint != null)
                {
                    foreach (var name in blueprint.RestoreSecretNames)
                    {
                        Guard(app.Name, "secret " + name, () =>
                        {
                            var primary = _ports.Secrets(policy.PrimaryRegion).Describe(name, cancellationToken);
                            var replica = _ports.Secrets(dr).Describe(name, cancellationToken);
                            string status = null;
                            primary?.ReplicationStatus.TryGetValue(dr, out status);
                            bool replicated = replica != null && string.Equals(status, "InSync", StringComparison.OrdinalIgnoreCase);
                            if (!replicated)
                            {
                                Add(app.Name, DrChecks.SecretReplicated, PolicySeverity.Error,
                                    replica == null ? $"The restore secret {name} of '{app.Name}' does not exist in {dr}."
                                    : status == null ? $"The restore secret {name} of '{app.Name}' in {dr} is not a replica of the {policy.PrimaryRegion} secret, so the two can drift apart."
                                    : $"The replica of restore secret {name} of '{app.Name}' in {dr} is {status}, not InSync.",
                                    $"Replicate it: aws secretsmanager replicate-secret-to-regions --secret-id {name} --add-replica-regions Region={dr},KmsKeyId={drKey} --region {policy.PrimaryRegion}");
                            }
                        });
                    }
                }

                need.Add(app, blueprint);
            }

            // Quotas a rebuild of the checked applications consumes in the DR region.
            Guard(null, "quotas", () =>
            {
                var c = _ports.Capacity(dr).Read(cancellationToken);
                var q = policy.Quotas ?? new PolicyQuotas();
                var eipQuota = c.ElasticIpQuota ?? q.ElasticIpsPerRegion;
                var eipSource = c.ElasticIpQuota != null ? "read from AWS (vpc-max-elastic-ips)" : "Quotas.ElasticIpsPerRegion";
                if (need.ElasticIps > eipQuota - c.ElasticIpsInUse)
                {
                    Add(null, DrChecks.ElasticIpQuota, PolicySeverity.Error,
                        $"A rebuild needs {need.ElasticIps} Elastic IP(s) in {dr} (one per NAT gateway: {need.Detail(n => n.Nats)}), but {c.ElasticIpsInUse} of the quota of {eipQuota} ({eipSource}) are in use.",
                        $"Release unused Elastic IPs in {dr} or request an increase of 'EC2-VPC Elastic IPs' in Service Quotas before a disaster.");
                }
                var vpcQuota = q.VpcsPerRegion;
                if (need.Vpcs > vpcQuota - c.VpcsInUse)
                {
                    Add(null, DrChecks.VpcQuota, PolicySeverity.Warning,
                        $"A rebuild needs {need.Vpcs} VPC(s) in {dr}, but {c.VpcsInUse} of the quota of {vpcQuota} (Quotas.VpcsPerRegion, an assumption: AWS does not state it as an account attribute) are in use.",
                        $"Request an increase of 'VPCs per Region' in {dr}, or plan a shared DR VPC.");
                }
                foreach (var az in need.NatsPerAz.Keys.OrderBy(x => x, StringComparer.Ordinal))
                {
                    c.NatGatewaysPerAz.TryGetValue(az, out var used);
                    if (need.NatsPerAz[az] > q.NatGatewaysPerAz - used)
                    {
                        Add(null, DrChecks.NatGatewayQuota, PolicySeverity.Warning,
                            $"A rebuild needs {need.NatsPerAz[az]} NAT gateway(s) in AZ {dr}{az}, but {used} of the quota of {q.NatGatewaysPerAz} per AZ (Quotas.NatGatewaysPerAz, an assumption) are in use.",
                            $"Request an increase of 'NAT gateways per Availability Zone' in {dr}.");
                    }
                }
                var instanceQuota = c.InstanceQuota ?? q.RunningInstancesPerRegion;
                if (need.Instances > instanceQuota - c.RunningInstances)
                {
                    Add(null, DrChecks.InstanceQuota, PolicySeverity.Warning,
                        $"A rebuild needs {need.Instances} instance(s) in {dr}, but {c.RunningInstances} of {instanceQuota} ({(c.InstanceQuota != null ? "read from AWS (max-instances)" : "Quotas.RunningInstancesPerRegion")}) are running.",
                        $"Request an increase of the On-Demand instance (vCPU) quota in {dr}.");
                }
            });
            return findings;
        }

        /// <summary>What rebuilding the applications consumes: from each blueprint, else one VPC, one NAT gateway and the declared instances.</summary>
        private sealed class RebuildNeed
        {
            private readonly List<(string App, int Nats)> _apps = new List<(string, int)>();
            public int Vpcs { get; private set; }
            public int ElasticIps { get; private set; }
            public int Instances { get; private set; }
            public Dictionary<string, int> NatsPerAz { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

            public void Add(ApplicationPolicy app, RecoveryBlueprint bp)
            {
                var nats = bp?.Network?.NatGateways.Select(n => n.AvailabilityZone ?? "a").ToList() ?? new List<string> { "a" };
                Vpcs += 1;
                ElasticIps += nats.Count;
                foreach (var az in nats) NatsPerAz[az] = (NatsPerAz.TryGetValue(az, out var n) ? n : 0) + 1;
                Instances += Math.Max(Math.Max(bp?.AutoScalingGroup?.DesiredCapacity ?? 0, bp?.AutoScalingGroup?.MinSize ?? 0), app.DeclaredInstances ?? 1);
                _apps.Add((app.Name, nats.Count));
            }

            public string Detail(Func<(string App, int Nats), int> f) => string.Join(", ", _apps.Select(a => $"{a.App} {f(a)}"));
        }
    }
}
