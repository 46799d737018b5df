using System;
using System.Collections.Generic;

namespace FinBackup.Domain.RecoveryPoints
{
    /// <summary>
    /// What to list. Every filter is optional; an empty collection means "any". Providers translate what they can
    /// into server-side filters (tag filters, identifiers) and apply the rest locally. The region is the provider's own.
    /// </summary>
    public sealed class RecoveryPointQuery
    {
        public IList<string> Applications { get; set; } = new List<string>();
        public IList<string> ResourceIds { get; set; } = new List<string>();
        public IList<string> RecoveryPointIds { get; set; } = new List<string>();
        public IList<RecoveryPointState> States { get; set; } = new List<RecoveryPointState>();
        public string PolicyName { get; set; }
        /// <summary>Only points of this policy window (the fin:window tag value).</summary>
        public string Window { get; set; }
        /// <summary>Only copies of this source point (the fin:source-id tag value).</summary>
        public string SourceRecoveryPointId { get; set; }
        public DateTime? CreatedAfter { get; set; }
        public DateTime? CreatedBefore { get; set; }
        /// <summary>AWS Backup vault points: the vault to list (the policy's BackupVaultName); null lists no vault points.</summary>
        public string BackupVaultName { get; set; }
        /// <summary>Include points not tagged fin:managed-by=FinBackup (default false: FinBackup's own only).</summary>
        public bool IncludeUnmanaged { get; set; }

        /// <summary>The local part of the filter, for what a provider could not ask the service for.</summary>
        public bool Matches(FinRecoveryPoint p)
        {
            if (p == null) return false;
            if (!IncludeUnmanaged && !p.ManagedByFinBackup) return false;
            if (Applications.Count > 0 && !Contains(Applications, p.Application)) return false;
            if (ResourceIds.Count > 0 && !Contains(ResourceIds, p.ResourceId)) return false;
            if (RecoveryPointIds.Count > 0 && !Contains(RecoveryPointIds, p.RecoveryPointId)) return false;
            if (States.Count > 0 && !States.Contains(p.State)) return false;
            if (!string.IsNullOrEmpty(PolicyName) && !string.Equals(PolicyName, p.PolicyName, StringComparison.OrdinalIgnoreCase)) return false;
            if (!string.IsNullOrEmpty(Window) && !string.Equals(Window, p.Window, StringComparison.Ordinal)) return false;
            if (!string.IsNullOrEmpty(SourceRecoveryPointId) && !string.Equals(SourceRecoveryPointId, p.SourceRecoveryPointId, StringComparison.Ordinal)) return false;
            if (CreatedAfter.HasValue && p.CreatedAt < CreatedAfter.Value) return false;
            if (CreatedBefore.HasValue && p.CreatedAt >= CreatedBefore.Value) return false;
            return true;
        }

        private static bool Contains(IList<string> values, string value)
        {
            if (value == null) return false;
            foreach (var v in values)
            {
                if (string.Equals(v, value, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }
    }
}
