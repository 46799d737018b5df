using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Recovery;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Domain.Compliance
{
    /// <summary>The ports compliance reads, per region. Any of them may throw FinPortNotImplemented: the source is then unavailable.</summary>
    public sealed class CompliancePorts
    {
        public Func<string, IRecoveryPointProviders> RecoveryPoints { get; set; }
        public Func<string, IAuditLog> AuditLog { get; set; }
        public Func<string, IRecoveryDrillStore> Drills { get; set; }
        public Func<string, IBackupVaultLockReader> Vaults { get; set; }
        public Func<string, IFileBackupStore> Buckets { get; set; }
        public Func<string, IKmsKeyCheck> Kms { get; set; }
    }

    /// <summary>
    /// Reads the evidence once, read-only: every FinBackup point of the policy in both regions, the audit trail (primary
    /// region), the drill records (each region's bucket), the vault and bucket lock facts and the policy's keys. A source that
    /// fails is recorded as unavailable with the reason (never thrown), so the controls that need it are Unknown.
    /// </summary>
    public sealed class ComplianceEvidenceCollector
    {
        private readonly CompliancePorts _ports;
        private readonly Func<DateTime> _clock;

        public ComplianceEvidenceCollector(CompliancePorts ports, Func<DateTime> clock = null)
        {
            _ports = ports ?? throw new ArgumentNullException(nameof(ports));
            _clock = clock ?? (() => DateTime.UtcNow);
        }

        /// <summary>Called before each source is read ("Recovery points in us-east-1").</summary>
        public Action<string> Progress { get; set; }

        public ComplianceEvidence Collect(BackupPolicy policy, IReadOnlyList<ApplicationPolicy> applications, DateTime? from, DateTime? to, CancellationToken ct)
        {
            if (policy == null) throw new ArgumentNullException(nameof(policy));
            var now = _clock();
            var end = to?.ToUniversalTime() ?? now;
            var start = from?.ToUniversalTime() ?? end - ComplianceEvaluator.DefaultPeriod;
            var e = new ComplianceEvidence { Policy = policy, Now = now, From = start, To = end };
            var names = applications.Select(a => a.Name).ToList();

            foreach (var region in policy.Regions)
            {
                ct.ThrowIfCancellationRequested();
                Progress?.Invoke("Recovery points in " + region);
                Try(() =>
                {
                    var providers = _ports.RecoveryPoints(region);
                    foreach (var provider in providers.All)
                    {
                        ct.ThrowIfCancellationRequested();
                        try
                        {
                            var query = new RecoveryPointQuery { PolicyName = policy.Name, BackupVaultName = policy.BackupVaultName };
                            foreach (var n in names) query.Applications.Add(n);
                            e.Points.AddRange(provider.List(query, ct));
                        }
                        catch (FinBackupException ex)
                        {
                            e.PointsUnavailable[region] = Reason($"{provider.Kind} points", ex);
                        }
                    }
                }, why => e.PointsUnavailable[region] = why);

                var key = policy.KmsKeyFor(region);
                if (!string.IsNullOrEmpty(key))
                {
                    Try(() => e.KmsKeyArns[region] = _ports.Kms(region).RequireUsableKey(key, ct), _ => { });
                }

                if (!string.IsNullOrEmpty(policy.BackupVaultName) && applications.Any(a => ComplianceControl.ExpectedKinds(policy, a, region).Contains(RecoveryPointKind.BackupVaultPoint)))
                {
                    Progress?.Invoke($"Vault {policy.BackupVaultName} in {region}");
                    Try(() => e.Vaults[region] = _ports.Vaults(region).Describe(policy.BackupVaultName, ct), why => e.VaultUnavailable[region] = why);
                }

                var bucket = policy.BucketFor(region);
                if (!string.IsNullOrEmpty(bucket))
                {
                    Progress?.Invoke($"Object Lock of {bucket}");
                    Try(() =>
                    {
                        var p = _ports.Buckets(region).DescribeBucket(bucket, ct);
                        e.Buckets[region] = new BucketLockState { Bucket = bucket, ObjectLockEnabled = p != null && p.ObjectLockEnabled, Mode = p?.ObjectLockMode };
                    }, why => e.BucketUnavailable[region] = why);

                    Progress?.Invoke($"Drill records in {bucket}");
                    Try(() =>
                    {
                        var drills = _ports.Drills(region).List(bucket, null, ct);
                        (e.Drills ?? (e.Drills = new List<RecoveryDrillRecord>())).AddRange(drills.Where(d => d != null));
                    }, why => { if (e.DrillsUnavailable == null) e.DrillsUnavailable = why; });
                }
            }
            if (e.Drills != null) e.DrillsUnavailable = null;
            else if (e.DrillsUnavailable == null) e.DrillsUnavailable = "the policy names no backup bucket to hold drill records";

            ct.ThrowIfCancellationRequested();
            Progress?.Invoke("Audit trail");
            var auditLocation = policy.AuditLocation();
            if (auditLocation == null) e.AuditUnavailable = "the policy has no audit log (no Audit.Bucket and no backup bucket for its primary region, or Audit.Enabled is false)";
            else
            {
                // The port is bound to the policy's audit location (bucket, prefix) before it is read.
                Try(() => e.AuditEvents = Audit.AuditLogs.Open(_ports.AuditLog(auditLocation.Region), policy).Read(policy.Name, null, end, ct)?.ToList() ?? new List<Audit.AuditEvent>(),
                    why => e.AuditUnavailable = why);
            }
            return e;
        }

        private static void Try(Action read, Action<string> unavailable)
        {
            try
            {
                read();
            }
            catch (FinBackupException ex)
            {
                unavailable(Reason(null, ex));
            }
        }

        private static string Reason(string what, FinBackupException ex)
        {
            if (ex.ErrorId == FinErrorIds.PortNotImplemented)
                return (what != null ? what + ": " : string.Empty) + "this FinBackup build has no adapter for it yet (" + ex.Message.TrimEnd('.') + ")";
            var text = (what != null ? what + ": " : string.Empty) + ex.Message.TrimEnd('.') + " [" + ex.ErrorId + "]";
            return string.IsNullOrEmpty(ex.RecommendedAction) ? text : text + "; " + ex.RecommendedAction.TrimEnd('.');
        }
    }
}
