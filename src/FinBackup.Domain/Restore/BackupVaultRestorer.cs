using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;
using FinBackup.Domain.RecoveryPoints;
using FinBackup.Domain.Waiting;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// Restores an AWS Backup vault point: reads the resource type's restore metadata (GetRecoveryPointRestoreMetadata),
    /// applies the overrides (Invoke-FinRestore parameter names mapped to the metadata keys of the resource type), starts the
    /// job (StartRestoreJob, idempotent by the restore id) and follows it with DescribeRestoreJob through the one
    /// <see cref="Waiter"/> until COMPLETED, FAILED or ABORTED. Metadata values are never logged (they can be sensitive).
    /// </summary>
    public sealed class BackupVaultRestorer
    {
        /// <summary>AWS's default AWS Backup service role, used when no IamRoleArn is given.</summary>
        public const string DefaultRoleName = "service-role/AWSBackupDefaultServiceRole";

        private static readonly Dictionary<string, Dictionary<string, string>> Overrides = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["RDS"] = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                [RestorePlanBuilder.ParamTargetDBInstanceIdentifier] = "DBInstanceIdentifier",
                [RestorePlanBuilder.ParamDBInstanceClass] = "DBInstanceClass",
                [RestorePlanBuilder.ParamAvailabilityZone] = "AvailabilityZone",
            },
            ["Aurora"] = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                [RestorePlanBuilder.ParamTargetDBInstanceIdentifier] = "DBClusterIdentifier",
            },
            ["EC2"] = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                [RestorePlanBuilder.ParamSubnetId] = "SubnetId",
                [RestorePlanBuilder.ParamInstanceType] = "InstanceType",
            },
            ["EBS"] = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                [RestorePlanBuilder.ParamAvailabilityZone] = "availabilityZone",
            },
        };

        private readonly IBackupVaultRestoreGateway _gateway;
        private readonly Waiter _waiter;

        public BackupVaultRestorer(IBackupVaultRestoreGateway gateway, Waiter waiter = null)
        {
            _gateway = gateway ?? throw new ArgumentNullException(nameof(gateway));
            _waiter = waiter ?? new Waiter();
        }

        public WaitPolicy WaitPolicy { get; set; } = new WaitPolicy { FirstDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromMinutes(1) };

        /// <summary>Starts the restore and, with <paramref name="wait"/>, follows it to the end. Returns the last job state.</summary>
        /// <param name="parameters">Overrides: Invoke-FinRestore names (TargetDBInstanceIdentifier, SubnetId...) or literal metadata keys; IamRoleArn.</param>
        /// <param name="restoreId">Idempotency token: the same id never starts a second job.</param>
        public VaultRestoreJob Restore(FinRecoveryPoint point, IDictionary<string, string> parameters, string restoreId, bool wait,
            CancellationToken ct, Action<WaitProgress<VaultRestoreJob>> progress = null, Action<string> verbose = null)
        {
            if (point == null) throw new ArgumentNullException(nameof(point));
            var arn = point.Arn ?? point.RecoveryPointId;
            if (point.Kind != RecoveryPointKind.BackupVaultPoint || string.IsNullOrEmpty(arn) || string.IsNullOrEmpty(point.BackupVaultName))
                throw new FinBackupException("FinVaultPointInvalid", FinErrorKind.InvalidArgument,
                    $"{point.RecoveryPointId} is not an AWS Backup vault point with a vault and an ARN.",
                    "Pipe the point from Get-FinRecoveryPoint -Kind BackupVaultPoint -Policy $policy.");
            parameters = parameters ?? new Dictionary<string, string>();

            var recorded = _gateway.GetRestoreMetadata(point.BackupVaultName, arn, ct);
            var type = recorded.ResourceType ?? point.ResourceType;
            var metadata = new Dictionary<string, string>(recorded.Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            verbose?.Invoke($"Restore metadata of {arn} ({type}): keys {string.Join(", ", metadata.Keys.OrderBy(k => k, StringComparer.Ordinal))}.");
            Overrides.TryGetValue(type ?? string.Empty, out var map);
            string role = null;
            foreach (var p in parameters)
            {
                if (string.Equals(p.Key, "IamRoleArn", StringComparison.OrdinalIgnoreCase)) { role = p.Value; continue; }
                string key = null;
                if (map != null && map.TryGetValue(p.Key, out var mapped)) key = mapped;
                else key = metadata.Keys.FirstOrDefault(k => string.Equals(k, p.Key, StringComparison.OrdinalIgnoreCase));
                if (key == null)
                    throw new FinBackupException("FinVaultRestoreParameterUnknown", FinErrorKind.InvalidArgument,
                        $"'{p.Key}' cannot be applied to the {type} restore of {arn}: it is neither a restore parameter of that type nor one of its restore metadata keys ({string.Join(", ", metadata.Keys.OrderBy(k => k, StringComparer.Ordinal))}).",
                        "Use a key AWS Backup reports for this resource type (GetRecoveryPointRestoreMetadata), or TargetDBInstanceIdentifier / SubnetId / InstanceType / AvailabilityZone.");
                metadata[key] = p.Value;
            }
            if ((string.Equals(type, "RDS", StringComparison.OrdinalIgnoreCase) || string.Equals(type, "Aurora", StringComparison.OrdinalIgnoreCase))
                && !parameters.Keys.Any(k => string.Equals(k, RestorePlanBuilder.ParamTargetDBInstanceIdentifier, StringComparison.OrdinalIgnoreCase)))
                throw new FinBackupException("FinRestoreTargetIdentifierMissing", FinErrorKind.InvalidArgument,
                    $"Restoring {arn} would reuse the source identifier recorded in its metadata; RDS never restores in place.",
                    "Pass -TargetDBInstanceIdentifier <new identifier> (New-FinRestorePlan sets one by default).");

            role = role ?? DefaultRole(arn);
            var jobId = _gateway.StartRestoreJob(new VaultRestoreJobRequest
            {
                RecoveryPointArn = arn,
                Metadata = metadata,
                IamRoleArn = role,
                IdempotencyToken = restoreId,
                ResourceType = type,
            }, ct);
            verbose?.Invoke($"AWS Backup restore job {jobId} started for {arn} with role {role}.");
            var job = wait
                ? _waiter.Until($"AWS Backup restore job {jobId}", c => _gateway.DescribeRestoreJob(jobId, c), j => j != null && j.IsFinished, WaitPolicy, ct,
                    progress, (a, b) => a?.PercentDone != b?.PercentDone || a?.Status != b?.Status)
                : _gateway.DescribeRestoreJob(jobId, ct);
            if (job != null && (job.Status == "FAILED" || job.Status == "ABORTED"))
                throw new FinBackupException("FinVaultRestoreJobFailed", FinErrorKind.ResourceUnavailable,
                    $"AWS Backup restore job {jobId} of {arn} ended {job.Status}: {job.StatusMessage}" +
                    (string.IsNullOrEmpty(job.CreatedResourceArn) ? "." : $" It had created {job.CreatedResourceArn}, which is left for you to inspect or remove."),
                    "Read the job in the AWS Backup console (restore jobs), fix the cause (role, subnet, identifier in use) and restore again.");
            return job;
        }

        /// <summary>arn:aws:iam::&lt;account of the point&gt;:role/service-role/AWSBackupDefaultServiceRole.</summary>
        internal static string DefaultRole(string recoveryPointArn)
        {
            var parts = (recoveryPointArn ?? string.Empty).Split(':');
            var partition = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : "aws";
            var account = parts.Length > 4 ? parts[4] : string.Empty;
            return $"arn:{partition}:iam::{account}:role/{DefaultRoleName}";
        }
    }
}
