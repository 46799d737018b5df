using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using FinBackup.Domain.Ports;

namespace FinBackup.Domain.Restore
{
    /// <summary>
    /// Finds what a restore created (by its fin:restore-id tag, in the given regions) and removes it: instances terminated,
    /// volumes deleted, launch template versions deleted, DB instances deleted without a final snapshot. Nothing without
    /// the tag is ever touched; volumes swapped out by -ReplaceVolumes carry another tag and are kept.
    /// </summary>
    public sealed class RestoredResourceRemover
    {
        private readonly RestoreRuntime _runtime;

        public RestoredResourceRemover(RestoreRuntime runtime) { _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime)); }

        public IReadOnlyList<FinRestoredResource> Find(string restoreId, IEnumerable<string> regions, CancellationToken ct)
        {
            if (string.IsNullOrWhiteSpace(restoreId) || !restoreId.StartsWith("restore-", StringComparison.Ordinal))
                throw new FinBackupException("FinRestoreIdInvalid", FinErrorKind.InvalidArgument, $"'{restoreId}' is not a restore id.",
                    "Give the RestoreId of an Invoke-FinRestore result (restore-20261201t100000z-1a2b3c).");
            var found = new List<FinRestoredResource>();
            foreach (var region in regions.Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                ct.ThrowIfCancellationRequested();
                found.AddRange(_runtime.Ec2(region).FindRestored(restoreId, ct));
                found.AddRange(_runtime.Rds(region).FindRestored(restoreId, ct));
            }
            return found;
        }

        /// <summary>Removes one found resource (instances first is the caller's order: see <see cref="Order"/>).</summary>
        public void Remove(FinRestoredResource resource, CancellationToken ct)
        {
            if (resource.ResourceType == "RdsDbInstance") _runtime.Rds(resource.Region).Remove(resource, ct);
            else _runtime.Ec2(resource.Region).Remove(resource, ct);
            resource.Status = "Removed";
        }

        /// <summary>Instances before volumes (a volume attached to a restored instance goes with it), then the rest.</summary>
        public static IEnumerable<FinRestoredResource> Order(IEnumerable<FinRestoredResource> found) =>
            found.OrderBy(r => r.ResourceType == "Ec2Instance" ? 0 : r.ResourceType == "RdsDbInstance" ? 1 : r.ResourceType == "LaunchTemplateVersion" ? 2 : 3)
                 .ThenBy(r => r.ResourceId, StringComparer.Ordinal);
    }
}
