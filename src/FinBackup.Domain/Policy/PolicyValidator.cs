using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace FinBackup.Domain.Policy
{
    /// <summary>
    /// Checks what a policy says before anything runs: that each application's schedule can meet its RPO, that
    /// retention keeps at least one recovery point, that AWS Backup can run the rules it is given, that DR copies
    /// have a key and a bucket, and that the schedule fits AWS quotas and the copy bandwidth. One finding per
    /// problem; each rule has a stable name (<see cref="PolicyRules"/>).
    /// </summary>
    public sealed class PolicyValidator
    {
        /// <summary>AWS Backup cannot schedule a backup rule more often than every 60 minutes.</summary>
        public static readonly TimeSpan AwsBackupMinimumFrequency = TimeSpan.FromMinutes(60);
        /// <summary>AWS Backup lifecycles are in whole days, at least 1 day.</summary>
        public static readonly TimeSpan AwsBackupMinimumRetention = TimeSpan.FromDays(1);
        /// <summary>Quota usage above this share gives a warning (headroom for manual and ad-hoc snapshots).</summary>
        public const double QuotaWarningShare = 0.8;

        private readonly List<PolicyFinding> _findings = new List<PolicyFinding>();
        private BackupPolicy _policy;

        public static IReadOnlyList<PolicyFinding> Validate(BackupPolicy policy)
        {
            if (policy == null) throw new ArgumentNullException(nameof(policy));
            var v = new PolicyValidator { _policy = policy };
            v.Run();
            return v._findings;
        }

        private IList<ApplicationPolicy> Apps => _policy.Applications ?? new List<ApplicationPolicy>();

        private void Run()
        {
            for (int i = 0; i < Apps.Count; i++)
            {
                CheckApplication(Apps[i], $"Applications[{i}]");
            }
            CheckKeysBucketsAndVault();
            CheckDrTargets();
            CheckEbsCopyConcurrency();
            CheckManualRdsSnapshots();
            CheckRtoEstimates();
        }

        /// <summary>The plan-time failover estimate (Recovery.RtoEstimator) against each application's RTO.</summary>
        private void CheckRtoEstimates()
        {
            for (int i = 0; i < Apps.Count; i++)
            {
                var app = Apps[i];
                if (app.Rto == null) continue;
                var e = Recovery.RtoEstimator.Estimate(_policy, app);
                if (e.Meets == false)
                {
                    Add(app.Name, PolicySeverity.Warning, PolicyRules.RtoEstimateMeetsRto, $"Applications[{i}].Rto",
                        $"Rebuilding '{app.Name}' in the DR region is estimated at {Recovery.RtoEstimator.Fmt(e.Estimated)}, over its RTO of {D(app.Rto.Value)} (critical path: {e.CriticalPath}).",
                        "Run Get-FinRtoEstimate to see the steps; shorten the critical path (smaller volumes, faster restore, a pre-built DR network), measure the Assumptions in a drill, or agree a longer RTO.");
                }
            }
        }

        // ----- per application -----

        private void CheckApplication(ApplicationPolicy app, string field)
        {
            var name = app.Name;
            if (app.Rpo == null)
            {
                Add(name, PolicySeverity.Error, PolicyRules.RpoDefined, field + ".Rpo",
                    $"'{name}' states no RPO, so nothing can show that its backups are frequent enough.",
                    $"Agree the RPO with the application owner and add Rpo = '1h' (or what the business needs); the schedule is checked against it.");
            }
            if (app.Rto == null)
            {
                Add(name, PolicySeverity.Error, PolicyRules.RtoDefined, field + ".Rto",
                    $"'{name}' states no RTO, so restore drills have no target.",
                    "Add Rto = '2h' (or what the business needs).");
            }
            if (app.Frequency == null)
            {
                Add(name, PolicySeverity.Error, PolicyRules.FrequencyDefined, field + ".Frequency",
                    $"'{name}' states no backup frequency.", "Add Frequency = '1h' (or shorter, to meet the RPO).");
            }
            if (app.Retention == null)
            {
                Add(name, PolicySeverity.Error, PolicyRules.RetentionDefined, field + ".Retention",
                    $"'{name}' states no retention.", "Add Retention = '12h' (at least the RPO and one backup interval).");
            }
            if ((app.RecoveryPoints == null || app.RecoveryPoints.Count == 0) && (app.FileSets == null || app.FileSets.Count == 0))
            {
                Add(name, PolicySeverity.Error, PolicyRules.RecoveryPointsDefined, field + ".RecoveryPoints",
                    $"'{name}' asks for no recovery points and has no file sets, so nothing would be backed up.",
                    "Add RecoveryPoints = @('EbsSnapshotSet') for EC2, @('RdsSnapshot', 'BackupPlan') for RDS, or FileSets.");
            }

            CheckFrequencyAgainstRpo(app, field);
            CheckRetention(app, field);
            CheckAwsBackupLimits(app, field);
            CheckPendingSnapshots(app, field);
            CheckDrCopyTime(app, field);

            if (app.RestoreApprovers == null || app.RestoreApprovers.Count == 0)
            {
                Add(name, PolicySeverity.Warning, PolicyRules.RestoreApproversDefined, field + ".RestoreApprovers",
                    $"'{name}' names nobody who may approve a restore.",
                    "Add RestoreApprovers = @('<IAM role or group ARN>') so restores need an authorised approver.");
            }
        }

        private void CheckFrequencyAgainstRpo(ApplicationPolicy app, string field)
        {
            if (app.Rpo == null) return;
            var rpo = app.Rpo.Value;
            bool snapshots = app.RecoveryPoints != null && app.RecoveryPoints.Any(k => k != RecoveryPointKindRequest.BackupPlan && k != RecoveryPointKindRequest.FileBackup);
            if (app.Frequency is TimeSpan f && f > rpo && (snapshots || !app.UsesBackupPlan || app.BackupPlanFrequency == null))
            {
                Add(app.Name, PolicySeverity.Error, PolicyRules.FrequencyMeetsRpo, field + ".Frequency",
                    $"'{app.Name}' is backed up every {D(f)} but its RPO is {D(rpo)}: up to {D(f)} of data could be lost.",
                    $"Back up at least every {D(rpo)} (Frequency = '{D(rpo)}'), or agree a longer RPO with the business.");
            }
            else if (app.UsesBackupPlan && !snapshots && app.EffectiveBackupPlanFrequency is TimeSpan bf && bf > rpo)
            {
                Add(app.Name, PolicySeverity.Error, PolicyRules.FrequencyMeetsRpo, field + (app.BackupPlanFrequency != null ? ".BackupPlanFrequency" : ".Frequency"),
                    $"'{app.Name}' is protected only by an AWS Backup rule every {D(bf)} but its RPO is {D(rpo)}.",
                    "Add RdsSnapshot (taken by FinBackup on the application's own frequency) or shorten the AWS Backup schedule.");
            }
            for (int i = 0; i < (app.FileSets?.Count ?? 0); i++)
            {
                var set = app.FileSets[i];
                var sf = set.Frequency ?? app.Frequency;
                if (sf is TimeSpan s && s > rpo)
                {
                    Add(app.Name, PolicySeverity.Error, PolicyRules.FrequencyMeetsRpo, $"{field}.FileSets[{i}].Frequency",
                        $"File set '{set.Name}' of '{app.Name}' is backed up every {D(s)} but the RPO is {D(rpo)}.",
                        $"Set the file set's Frequency to '{D(rpo)}' or less.");
                }
            }
        }

        private void CheckRetention(ApplicationPolicy app, string field)
        {
            if (!(app.Retention is TimeSpan r)) return;
            if (app.Rpo is TimeSpan rpo && r < rpo)
            {
                Add(app.Name, PolicySeverity.Error, PolicyRules.RetentionCoversRpo, field + ".Retention",
                    $"'{app.Name}' keeps recovery points for {D(r)}, less than its RPO of {D(rpo)}.",
                    $"Keep them at least {D(rpo)} (Retention = '{D(rpo)}'); 12h or more is usual.");
            }
            if (app.Frequency is TimeSpan f && r < f)
            {
                Add(app.Name, PolicySeverity.Error, PolicyRules.RetentionCoversInterval, field + ".Retention",
                    $"'{app.Name}' keeps recovery points for {D(r)} but takes one every {D(f)}: for part of every interval there is no recovery point at all.",
                    $"Keep them longer than one interval (Retention = '{D(f + f)}' or more).");
            }
            for (int i = 0; i < (app.FileSets?.Count ?? 0); i++)
            {
                var set = app.FileSets[i];
                if (set.Frequency is TimeSpan sf && r < sf)
                {
                    Add(app.Name, PolicySeverity.Error, PolicyRules.RetentionCoversInterval, $"{field}.FileSets[{i}].Frequency",
                        $"File set '{set.Name}' of '{app.Name}' is backed up every {D(sf)} but kept only {D(r)}.",
                        "Keep backups longer than one file set interval.");
                }
            }
        }

        private void CheckAwsBackupLimits(ApplicationPolicy app, string field)
        {
            if (!app.UsesBackupPlan) return;
            if (app.EffectiveBackupPlanFrequency is TimeSpan f && f < AwsBackupMinimumFrequency)
            {
                Add(app.Name, PolicySeverity.Error, PolicyRules.AwsBackupMinimumFrequency, field + (app.BackupPlanFrequency != null ? ".BackupPlanFrequency" : ".Frequency"),
                    $"'{app.Name}' asks AWS Backup to run every {D(f)}; AWS Backup cannot schedule a rule more often than every 60 minutes.",
                    "Set BackupPlanFrequency = '1h' (or longer) and let FinBackup take the sub-hourly recovery points (RdsSnapshot, EbsSnapshotSet, FileSets).");
            }
            if (app.EffectiveBackupPlanRetention is TimeSpan r && r < AwsBackupMinimumRetention)
            {
                Add(app.Name, PolicySeverity.Error, PolicyRules.AwsBackupMinimumRetention, field + (app.BackupPlanRetention != null ? ".BackupPlanRetention" : ".Retention"),
                    $"'{app.Name}' asks AWS Backup to keep recovery points for {D(r)}; AWS Backup lifecycles are in whole days, at least 1 day.",
                    "Set BackupPlanRetention = '1d' for the AWS Backup rule; hour-level expiry of FinBackup's own recovery points is done by Remove-FinExpiredBackup.");
            }
        }

        private void CheckPendingSnapshots(ApplicationPolicy app, string field)
        {
            bool ebs = app.RecoveryPoints != null && (app.RecoveryPoints.Contains(RecoveryPointKindRequest.EbsSnapshotSet) || app.RecoveryPoints.Contains(RecoveryPointKindRequest.Ami));
            if (!ebs || !(app.Frequency is TimeSpan f)) return;
            var duration = _policy.Assumptions.EbsSnapshotDuration;
            int pending = (int)Math.Ceiling(duration.TotalSeconds / f.TotalSeconds);
            if (app.RecoveryPoints.Contains(RecoveryPointKindRequest.EbsSnapshotSet) && app.RecoveryPoints.Contains(RecoveryPointKindRequest.Ami))
            {
                pending *= 2; // an AMI snapshots the same volumes again
            }
            int limit = _policy.Quotas.PendingSnapshotsPerVolume;
            if (pending > limit)
            {
                Add(app.Name, PolicySeverity.Error, PolicyRules.PendingSnapshotsPerVolume, field + ".Frequency",
                    $"'{app.Name}' snapshots each volume every {D(f)}; with snapshots taking about {D(duration)} (assumed, Assumptions.EbsSnapshotDuration) up to {pending} would be pending per volume, over the EBS limit of {limit}.",
                    $"Snapshot less often than every {D(TimeSpan.FromSeconds(Math.Ceiling(duration.TotalSeconds / limit)))}, or use FileSets for the data that changes faster.");
            }
        }

        private void CheckDrCopyTime(ApplicationPolicy app, string field)
        {
            if (!app.CopyToDrRegion || !(app.Frequency is TimeSpan f) || !(app.Rpo is TimeSpan rpo)) return;
            var a = _policy.Assumptions;
            if (app.DeclaredDataGiB == null)
            {
                Add(app.Name, PolicySeverity.Info, PolicyRules.DrCopyFitsRpo, field + ".DeclaredDataGiB",
                    $"'{app.Name}' declares no data size, so the time to copy its recovery points to the DR region was not estimated.",
                    "Add DeclaredDataGiB = <size> to have the DR copy time checked against the RPO.");
                return;
            }
            double deltaGiB = app.DeclaredDataGiB.Value * a.ChangeRatePercentPerHour / 100.0 * f.TotalHours;
            var copy = TimeSpan.FromSeconds(Math.Ceiling(deltaGiB * 1024.0 / a.CopyThroughputMiBps));
            var assumption = $"assuming {N(a.ChangeRatePercentPerHour)}% of the declared {N(app.DeclaredDataGiB.Value)} GiB changes per hour and copies run at {N(a.CopyThroughputMiBps)} MiB/s (Assumptions in the policy)";
            if (copy > rpo)
            {
                Add(app.Name, PolicySeverity.Warning, PolicyRules.DrCopyFitsRpo, field + ".Rpo",
                    $"Copying each recovery point of '{app.Name}' to the DR region ({N(deltaGiB)} GiB changed per {D(f)}) takes about {D(copy)}, longer than its RPO of {D(rpo)}, {assumption}. DR copies would fall further behind every interval.",
                    "Back up more often (smaller increments), raise the copy throughput (more parallel copies, time-based EBS copies), or agree a longer DR RPO.");
            }
            else if (f + copy > rpo)
            {
                Add(app.Name, PolicySeverity.Info, PolicyRules.DrCopyFitsRpo, field + ".Rpo",
                    $"Each DR copy of '{app.Name}' ({N(deltaGiB)} GiB changed per {D(f)}) takes about {D(copy)}, so in a regional disaster up to {D(f + copy)} could be lost (RPO {D(rpo)}), {assumption}.",
                    "If the RPO must also hold after losing the primary region, back up more often than the RPO by at least the copy time.");
            }
        }

        // ----- policy-wide -----

        private void CheckKeysBucketsAndVault()
        {
            var primary = _policy.PrimaryRegion;
            if (primary != null && string.IsNullOrEmpty(_policy.KmsKeyFor(primary)))
            {
                Add(null, PolicySeverity.Error, PolicyRules.PrimaryKmsKeyDefined, "KmsKeys",
                    $"No KMS key is given for the primary region {primary}; every recovery point must be encrypted with the bank's key.",
                    $"Add KmsKeys = @{{ '{primary}' = 'alias/fin-backup' }}.");
            }
            var withFiles = Apps.Where(a => a.FileSets != null && a.FileSets.Count > 0).ToList();
            if (primary != null && withFiles.Count > 0 && string.IsNullOrEmpty(_policy.BucketFor(primary)))
            {
                Add(null, PolicySeverity.Error, PolicyRules.PrimaryBucketDefined, "Buckets",
                    $"{Names(withFiles)} back up file sets to S3, but no backup bucket is given for {primary}.",
                    $"Add Buckets = @{{ '{primary}' = '<bucket>' }}.");
            }
            var withPlan = Apps.Where(a => a.UsesBackupPlan).ToList();
            if (withPlan.Count > 0 && string.IsNullOrEmpty(_policy.BackupVaultName))
            {
                Add(null, PolicySeverity.Error, PolicyRules.BackupVaultDefined, "BackupVaultName",
                    $"{Names(withPlan)} ask for an AWS Backup plan, but the policy names no backup vault.",
                    "Add BackupVaultName = 'fin-backup-vault'.");
            }
        }

        private void CheckDrTargets()
        {
            var copying = Apps.Where(a => a.CopyToDrRegion).ToList();
            if (copying.Count == 0) return;
            var dr = _policy.DrRegion;
            if (string.IsNullOrEmpty(dr))
            {
                Add(null, PolicySeverity.Error, PolicyRules.DrRegionDefined, "DrRegion",
                    $"{Names(copying)} copy to the DR region, but the policy names no DR region.",
                    "Add DrRegion = 'us-west-2' (or set CopyToDrRegion = $false for applications that need no DR copy).");
                return;
            }
            if (string.Equals(dr, _policy.PrimaryRegion, StringComparison.OrdinalIgnoreCase))
            {
                Add(null, PolicySeverity.Error, PolicyRules.DrRegionDefined, "DrRegion",
                    $"The DR region {dr} is the primary region; a copy there does not survive losing the region.",
                    "Choose a different region for DrRegion.");
            }
            if (string.IsNullOrEmpty(_policy.KmsKeyFor(dr)))
            {
                Add(null, PolicySeverity.Error, PolicyRules.DrKmsKeyDefined, "KmsKeys",
                    $"{Names(copying)} copy encrypted recovery points to {dr}, but no KMS key is given for {dr}; KMS keys are regional, so the copies could not be re-encrypted there.",
                    $"Add '{dr}' = 'alias/fin-backup' to KmsKeys (a customer-managed key in {dr}).");
            }
            var copyingFiles = copying.Where(a => a.FileSets != null && a.FileSets.Count > 0).ToList();
            if (copyingFiles.Count > 0 && string.IsNullOrEmpty(_policy.BucketFor(dr)))
            {
                Add(null, PolicySeverity.Error, PolicyRules.DrBucketDefined, "Buckets",
                    $"{Names(copyingFiles)} copy file sets to {dr}, but no backup bucket is given for {dr}.",
                    $"Add '{dr}' = '<bucket in {dr}>' to Buckets.");
            }
        }

        /// <summary>EBS snapshot copies started in one window to the DR region, against the concurrent-copy quota there.</summary>
        private void CheckEbsCopyConcurrency()
        {
            var dr = _policy.DrRegion;
            if (string.IsNullOrEmpty(dr)) return;
            int copies = 0;
            var unknown = new List<ApplicationPolicy>();
            foreach (var app in Apps.Where(a => a.CopyToDrRegion && a.RecoveryPoints != null))
            {
                int kinds = (app.RecoveryPoints.Contains(RecoveryPointKindRequest.EbsSnapshotSet) ? 1 : 0) + (app.RecoveryPoints.Contains(RecoveryPointKindRequest.Ami) ? 1 : 0);
                if (kinds == 0) continue;
                var volumes = app.DeclaredVolumes;
                if (volumes == null)
                {
                    unknown.Add(app);
                    continue;
                }
                copies += kinds * volumes.Value;
            }
            int quota = _policy.Quotas.ConcurrentSnapshotCopiesPerRegion;
            if (copies > quota)
            {
                Add(null, PolicySeverity.Warning, PolicyRules.EbsCopyConcurrency, "Applications",
                    $"When the windows coincide, {copies} EBS snapshot copies start towards {dr} at once (declared volumes × snapshot sets and AMIs), over the quota of {quota} concurrent copies per destination region; the rest must wait for earlier copies to finish.",
                    "Stagger the applications' windows, copy AMIs less often than snapshot sets, or request a quota increase and set Quotas.ConcurrentSnapshotCopiesPerRegion.");
            }
            if (unknown.Count > 0)
            {
                Add(null, PolicySeverity.Info, PolicyRules.EbsCopyConcurrency, "Applications",
                    $"{Names(unknown)} declare no volume count (DeclaredVolumes), so their EBS copies to {dr} were not counted against the quota of {quota}.",
                    "Add DeclaredVolumes = <n> to each EC2 application.");
            }
        }

        /// <summary>Manual RDS snapshots kept at once per region: (retention / frequency + 1) × databases, per schedule; DR copies count in the DR region.</summary>
        private void CheckManualRdsSnapshots()
        {
            int quota = _policy.Quotas.ManualRdsSnapshotsPerRegion;
            var primary = new List<string>();
            var dr = new List<string>();
            int primaryCount = 0, drCount = 0;
            foreach (var app in Apps.Where(a => a.RecoveryPoints != null))
            {
                int dbs = app.DeclaredDatabases ?? 1;
                if (app.RecoveryPoints.Contains(RecoveryPointKindRequest.RdsSnapshot) && app.Frequency is TimeSpan f && app.Retention is TimeSpan r)
                {
                    int n = Kept(r, f) * dbs;
                    primaryCount += n;
                    primary.Add($"{app.Name} RdsSnapshot {n}");
                    if (app.CopyToDrRegion)
                    {
                        drCount += n;
                        dr.Add($"{app.Name} RdsSnapshot copies {n}");
                    }
                }
                if (app.UsesBackupPlan && app.EffectiveBackupPlanFrequency is TimeSpan bf && app.EffectiveBackupPlanRetention is TimeSpan br)
                {
                    int n = Kept(Max(br, AwsBackupMinimumRetention), Max(bf, AwsBackupMinimumFrequency)) * dbs;
                    primaryCount += n;
                    primary.Add($"{app.Name} AWS Backup {n}");
                    if (app.CopyToDrRegion)
                    {
                        drCount += n;
                        dr.Add($"{app.Name} AWS Backup copies {n}");
                    }
                }
            }
            Report(_policy.PrimaryRegion, primaryCount, primary);
            if (!string.IsNullOrEmpty(_policy.DrRegion) && !string.Equals(_policy.DrRegion, _policy.PrimaryRegion, StringComparison.OrdinalIgnoreCase))
            {
                Report(_policy.DrRegion, drCount, dr);
            }

            void Report(string region, int count, List<string> parts)
            {
                if (count == 0) return;
                var detail = $"{count} manual RDS snapshots kept at once in {region} ({string.Join(", ", parts)}; (retention ÷ frequency + 1) × databases; AWS Backup's RDS snapshots counted too, at its 1-day minimum lifecycle)";
                if (count > quota)
                {
                    Add(null, PolicySeverity.Error, PolicyRules.ManualRdsSnapshotQuota, "Applications",
                        $"{detail}: over the quota of {quota} per region, so snapshots would start failing.",
                        "Take AWS Backup snapshots less often (e.g. BackupPlanFrequency = '12h'), shorten retention, or request a quota increase and set Quotas.ManualRdsSnapshotsPerRegion.");
                }
                else if (count > quota * QuotaWarningShare)
                {
                    Add(null, PolicySeverity.Warning, PolicyRules.ManualRdsSnapshotQuota, "Applications",
                        $"{detail}: more than {QuotaWarningShare:P0} of the quota of {quota} per region, leaving little room for ad-hoc snapshots.",
                        "Leave headroom: take AWS Backup snapshots less often or request a quota increase.");
                }
            }
        }

        // ----- helpers -----

        private static int Kept(TimeSpan retention, TimeSpan frequency) =>
            (int)Math.Ceiling(retention.TotalSeconds / frequency.TotalSeconds) + 1;

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        /// <summary>Applications[0].FileSets[1].Frequency -> Applications[0].FileSets[1] -> Applications[0] -> Applications -> null.</summary>
        private static string Parent(string field)
        {
            int dot = field.LastIndexOf('.');
            int bracket = field.LastIndexOf('[');
            int cut = Math.Max(dot, bracket);
            return cut > 0 ? field.Substring(0, cut) : null;
        }

        private static string D(TimeSpan t) => Duration.Format(t);

        private static string N(double d) => d.ToString(d >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture);

        private static string Names(IEnumerable<ApplicationPolicy> apps)
        {
            var list = apps.Select(a => "'" + a.Name + "'").ToList();
            return list.Count == 1 ? list[0] : string.Join(", ", list.Take(list.Count - 1)) + " and " + list.Last();
        }

        private void Add(string application, PolicySeverity severity, string rule, string field, string message, string suggestion)
        {
            string location = null;
            for (var f = field; f != null && location == null && _policy.Locations != null; f = Parent(f))
            {
                _policy.Locations.TryGetValue(f, out location);
            }
            _findings.Add(new PolicyFinding
            {
                Application = application,
                Severity = severity,
                Rule = rule,
                Message = message,
                Suggestion = suggestion,
                Field = field,
                Location = location,
            });
        }
    }
}
