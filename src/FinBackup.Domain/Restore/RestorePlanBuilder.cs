using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Restore
{
    /// <summary>Target overrides of a plan: the Invoke-FinRestore parameters New-FinRestorePlan mirrors. Null: the recorded value.</summary>
    public sealed class RestoreTargets
    {
        /// <summary>Target region; null: each point's own region.</summary>
        public string Region { get; set; }
        public string TargetDBInstanceIdentifier { get; set; }
        public string DBInstanceClass { get; set; }
        public string SubnetId { get; set; }
        public string InstanceType { get; set; }
        public string AvailabilityZone { get; set; }
        /// <summary>FileBackup: the directory files are restored to (required for file points).</summary>
        public string Destination { get; set; }
    }

    /// <summary>
    /// Builds one sealed <see cref="RestorePlan"/> for one application from its recovery points, the target overrides, the
    /// policy (RTO, Restore figures) and the requester. Resolves every default that decides what gets created (e.g. the new
    /// DB instance identifier) into the plan, so the approver approves exactly what will run.
    /// </summary>
    public sealed class RestorePlanBuilder
    {
        public const string ParamDestination = "Destination";
        public const string ParamTargetDBInstanceIdentifier = "TargetDBInstanceIdentifier";
        public const string ParamDBInstanceClass = "DBInstanceClass";
        public const string ParamSubnetId = "SubnetId";
        public const string ParamInstanceType = "InstanceType";
        public const string ParamAvailabilityZone = "AvailabilityZone";

        private readonly Func<DateTime> _utcNow;
        private readonly Func<string> _newId;

        public RestorePlanBuilder(Func<DateTime> utcNow = null, Func<string> newId = null)
        {
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
            _newId = newId ?? (() => Guid.NewGuid().ToString("N").Substring(0, 8));
        }

        public RestorePlan Build(BackupPolicy policy, string application, IReadOnlyList<FinRecoveryPoint> points, RestoreTargets targets, string requestedBy)
        {
            if (policy == null) throw new ArgumentNullException(nameof(policy));
            targets = targets ?? new RestoreTargets();
            if (points == null || points.Count == 0)
                throw new FinBackupException("FinRestorePlanEmpty", FinErrorKind.InvalidArgument,
                    "No recovery points were given for the restore plan.", "Pipe points from Get-FinRecoveryPoint into New-FinRestorePlan.");
            var app = policy.FindApplication(application);
            if (app == null)
                throw new FinBackupException("FinRestorePlanApplicationUnknown", FinErrorKind.InvalidArgument,
                    $"Policy '{policy.Name}' has no application '{application}' (the points' fin:application tag).",
                    "Plan points of an application the policy lists, with the policy they were taken under.");
            var dbItems = points.Count(p => IsDatabase(p));
            if (dbItems > 1 && !string.IsNullOrEmpty(targets.TargetDBInstanceIdentifier))
                throw new FinBackupException("FinRestorePlanAmbiguousTarget", FinErrorKind.InvalidArgument,
                    $"-TargetDBInstanceIdentifier '{targets.TargetDBInstanceIdentifier}' was given for {dbItems} database points; one DB instance cannot be restored twice.",
                    "Plan one database point at a time with -TargetDBInstanceIdentifier, or omit it to get one new identifier per point.");

            var now = _utcNow();
            var id = "rplan-" + now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + _newId();
            var estimator = new RestoreEstimator(policy.Restore);
            var plan = new RestorePlan
            {
                PlanId = id,
                PolicyName = policy.Name,
                Application = app.Name,
                Region = targets.Region ?? points[0].Region,
                RequestedBy = requestedBy,
                CreatedAt = now,
                ExpiresAt = policy.Restore != null && policy.Restore.PlanValidity > TimeSpan.Zero ? now + policy.Restore.PlanValidity : (DateTime?)null,
                TargetRto = app.Rto,
            };
            foreach (var p in points.OrderBy(p => p.Kind).ThenBy(p => p.ResourceId, StringComparer.Ordinal).ThenBy(p => p.RecoveryPointId, StringComparer.Ordinal))
            {
                var target = targets.Region ?? p.Region;
                var item = new RestorePlanItem
                {
                    RecoveryPointId = p.RecoveryPointId,
                    Kind = p.Kind,
                    SourceRegion = p.Region,
                    TargetRegion = target,
                    ResourceId = p.ResourceId,
                    SizeGiB = p.SizeGiB,
                };
                Describe(p, item, targets, now);
                var estimate = estimator.Estimate(p.Kind, p.SizeGiB, p.ResourceType);
                item.EstimatedDuration = estimate.Duration;
                item.EstimateBasis = estimate.Basis;
                plan.Items.Add(item);
            }
            if (plan.Items.Select(i => i.TargetRegion).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
                throw new FinBackupException("FinRestorePlanRegionsDiffer", FinErrorKind.InvalidArgument,
                    $"The points of '{app.Name}' are in several regions ({string.Join(", ", points.Select(x => x.Region).Distinct())}); a plan restores into one region.",
                    "Pass -Region for the target region, or pipe the points of one region (Get-FinRecoveryPoint -Region).");
            plan.EstimatedDuration = TimeSpan.FromTicks(plan.Items.Sum(i => i.EstimatedDuration.Ticks));
            return RestorePlanHash.Seal(plan);
        }

        private static bool IsDatabase(FinRecoveryPoint p) =>
            p.Kind == RecoveryPointKind.RdsSnapshot || (p.Kind == RecoveryPointKind.BackupVaultPoint && IsRdsType(p.ResourceType));

        private static bool IsRdsType(string t) => string.Equals(t, "RDS", StringComparison.OrdinalIgnoreCase) || string.Equals(t, "Aurora", StringComparison.OrdinalIgnoreCase);

        private static void Describe(FinRecoveryPoint p, RestorePlanItem item, RestoreTargets t, DateTime now)
        {
            var where = item.TargetRegion;
            var family = p.Kind == RecoveryPointKind.BackupVaultPoint ? (p.ResourceType ?? string.Empty).ToUpperInvariant() : p.Kind.ToString();
            switch (family)
            {
                case nameof(RecoveryPointKind.EbsSnapshotSet):
                case "EBS":
                    Set(item, ParamAvailabilityZone, t.AvailabilityZone);
                    var n = p.Kind == RecoveryPointKind.EbsSnapshotSet ? Math.Max(1, p.SnapshotIds?.Count ?? 0) : 1;
                    item.ResourceToCreate = $"EBS volume x{n} in {t.AvailabilityZone ?? "the recorded AZ of " + where}";
                    break;
                case nameof(RecoveryPointKind.Ami):
                case "EC2":
                    Set(item, ParamSubnetId, t.SubnetId);
                    Set(item, ParamInstanceType, t.InstanceType);
                    item.ResourceToCreate = $"EC2 instance {t.InstanceType ?? "(recorded type)"} in {t.SubnetId ?? "the recorded subnet"} ({where})";
                    break;
                case nameof(RecoveryPointKind.RdsSnapshot):
                case "RDS":
                case "AURORA":
                    var db = t.TargetDBInstanceIdentifier ?? DefaultDbIdentifier(p.ResourceArn ?? p.ResourceId, now);
                    Set(item, ParamTargetDBInstanceIdentifier, db);
                    Set(item, ParamDBInstanceClass, t.DBInstanceClass);
                    item.ResourceToCreate = $"DB instance {db} {t.DBInstanceClass ?? "(recorded class)"} ({where})";
                    break;
                case nameof(RecoveryPointKind.FileBackup):
                    if (string.IsNullOrEmpty(t.Destination))
                        throw new FinBackupException("FinRestorePlanDestinationMissing", FinErrorKind.InvalidArgument,
                            $"The FileBackup point {p.RecoveryPointId} needs a destination directory.",
                            "Pass -Destination <directory> to New-FinRestorePlan (the directory the files are restored to on the machine that runs the restore).");
                    Set(item, ParamDestination, t.Destination);
                    item.ResourceToCreate = $"Files of {p.ResourceId ?? p.RecoveryPointId} to {t.Destination}";
                    break;
                default:
                    item.ResourceToCreate = $"{p.ResourceType ?? p.Kind.ToString()} resource from {p.RecoveryPointId} ({where})";
                    break;
            }
        }

        private static void Set(RestorePlanItem item, string name, string value)
        {
            if (!string.IsNullOrEmpty(value)) item.Parameters[name] = value;
        }

        /// <summary>"&lt;source&gt;-restored-&lt;yyyyMMddHHmm&gt;": RDS rules (letters, digits, hyphens; a letter first; at most 63; no "--").</summary>
        internal static string DefaultDbIdentifier(string source, DateTime now)
        {
            var name = source ?? "db";
            var colon = name.LastIndexOf(':');
            if (colon >= 0) name = name.Substring(colon + 1);
            var sb = new StringBuilder();
            foreach (var c in name.ToLowerInvariant())
            {
                var ch = char.IsLetterOrDigit(c) && c < 128 ? c : '-';
                if (ch == '-' && (sb.Length == 0 || sb[sb.Length - 1] == '-')) continue;
                sb.Append(ch);
            }
            if (sb.Length == 0 || !char.IsLetter(sb[0])) sb.Insert(0, "db-");
            var suffix = "-restored-" + now.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
            var stem = sb.ToString().TrimEnd('-');
            if (stem.Length + suffix.Length > 63) stem = stem.Substring(0, 63 - suffix.Length).TrimEnd('-');
            return stem + suffix;
        }
    }
}
