using System;
using System.Collections.Generic;
using System.Linq;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// Maps recorded network ids to the restore region. In the region the point was taken in, ids are used as recorded; in
    /// another region, every recorded id goes through the application's RestoreTargets[region]; a missing entry fails with
    /// FinRestoreTargetMappingMissing naming the id and the policy key to add. Explicit parameters are never mapped.
    /// </summary>
    public sealed class RestoreTargetMapper
    {
        private readonly string _application;
        private readonly string _region;
        private readonly RestoreTarget _target;

        public RestoreTargetMapper(ApplicationPolicy app, string recordedRegion, string restoreRegion)
        {
            _application = app?.Name ?? "(no application)";
            _region = restoreRegion;
            IsCrossRegion = !string.IsNullOrEmpty(recordedRegion) && !string.Equals(recordedRegion, restoreRegion, StringComparison.OrdinalIgnoreCase);
            _target = app?.RestoreTargetFor(restoreRegion);
        }

        public bool IsCrossRegion { get; }
        public RestoreTarget Target => _target;

        public string Subnet(string recorded, string parameter = "-SubnetId") => MapOne(recorded, _target?.SubnetIds, "SubnetIds", parameter);

        public IList<string> SecurityGroups(IEnumerable<string> recorded, string parameter = "-SecurityGroupId") =>
            (recorded ?? Enumerable.Empty<string>()).Select(g => MapOne(g, _target?.SecurityGroupIds, "SecurityGroupIds", parameter)).ToList();

        /// <summary>A per-region name (DB subnet group): the target's value in another region, else the recorded one.</summary>
        public string Named(string recorded, Func<RestoreTarget, string> fromTarget, string key, string parameter, bool required)
        {
            if (!IsCrossRegion) return recorded;
            var v = _target != null ? fromTarget(_target) : null;
            if (!string.IsNullOrEmpty(v)) return v;
            if (required && !string.IsNullOrEmpty(recorded)) throw Missing($"{key} (the point recorded '{recorded}')", key, parameter);
            return recorded;
        }

        private string MapOne(string recorded, IDictionary<string, string> map, string key, string parameter)
        {
            if (string.IsNullOrEmpty(recorded) || !IsCrossRegion) return recorded;
            if (map != null && map.TryGetValue(recorded, out var mapped) && !string.IsNullOrEmpty(mapped)) return mapped;
            throw Missing($"{key}['{recorded}']", key, parameter);
        }

        private FinBackupException Missing(string what, string key, string parameter) =>
            new FinBackupException("FinRestoreTargetMappingMissing", FinErrorKind.InvalidArgument,
                $"Restoring '{_application}' in {_region}: the policy has no RestoreTargets['{_region}'].{what}, so the primary's network cannot be mapped there. Nothing was created.",
                $"Add it to the application's RestoreTargets in the policy (RestoreTargets = @{{ '{_region}' = @{{ {key} = @{{ ... }} }} }}), or pass {parameter}.");
    }

    /// <summary>Checks a point-in-time restore's time against the instance's restorable window.</summary>
    public static class RestoreWindow
    {
        /// <summary>The earliest restorable time: what the service reports, else the later of creation and now minus the backup retention.</summary>
        public static DateTime? Earliest(DateTime? reported, DateTime? created, int retentionDays, DateTime latest)
        {
            if (reported.HasValue) return reported.Value;
            if (retentionDays <= 0) return null;
            var byRetention = latest - TimeSpan.FromDays(retentionDays);
            return created.HasValue && created.Value > byRetention ? created.Value : byRetention;
        }

        /// <summary>FinRestoreTimeOutsideWindow when <paramref name="requested"/> is not within [earliest, latest].</summary>
        public static void Check(string instance, DateTime requested, DateTime? earliest, DateTime? latest, int retentionDays)
        {
            if (retentionDays <= 0 || !latest.HasValue || !earliest.HasValue)
                throw new FinBackupException("FinRestorePointInTimeUnavailable", FinErrorKind.InvalidOperation,
                    $"DB instance '{instance}' has no automated backups (backup retention {retentionDays} days), so it cannot be restored to a point in time.",
                    "Restore an RDS snapshot instead (Get-FinRecoveryPoint -Kind RdsSnapshot | Invoke-FinRestore), or enable automated backups.");
            var t = requested.ToUniversalTime();
            if (t < earliest.Value || t > latest.Value)
                throw new FinBackupException("FinRestoreTimeOutsideWindow", FinErrorKind.InvalidArgument,
                    $"{t:yyyy-MM-dd HH:mm:ss}Z is outside the restorable window of DB instance '{instance}': {earliest.Value:yyyy-MM-dd HH:mm:ss}Z to {latest.Value:yyyy-MM-dd HH:mm:ss}Z. Nothing was created.",
                    "Pick a -RestoreTime inside the window, or use -UseLatestRestorableTime.");
        }
    }
}
