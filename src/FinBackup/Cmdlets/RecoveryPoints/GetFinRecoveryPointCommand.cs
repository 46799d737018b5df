using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>Lists FinBackup's recovery points of every kind across regions, filtered server-side by tags.</summary>
    [Cmdlet(VerbsCommon.Get, "FinRecoveryPoint")]
    [OutputType(typeof(FinRecoveryPoint))]
    public sealed class GetFinRecoveryPointCommand : RecoveryPointCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Application { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] ResourceId { get; set; }

        [Parameter]
        public RecoveryPointKind[] Kind { get; set; }

        [Parameter]
        public RecoveryPointState[] State { get; set; }

        /// <summary>Regions to list; default the policy's regions, else the session's region. Hides the base -Region.</summary>
        [Parameter]
        [Alias("RegionToCall")]
        [ValidateNotNullOrEmpty]
        public new string[] Region { get; set; }

        [Parameter]
        public BackupPolicy Policy { get; set; }

        [Parameter]
        public DateTime? CreatedAfter { get; set; }

        /// <summary>Only points older than this (created more than this long ago).</summary>
        [Parameter]
        [FinBackup.Common.Duration]
        public TimeSpan? OlderThan { get; set; }

        /// <summary>Also list snapshots and images FinBackup did not create.</summary>
        [Parameter]
        public SwitchParameter IncludeUnmanaged { get; set; }

        /// <summary>Only the newest Available point of each resource, per kind and region (what a restore usually wants).</summary>
        [Parameter]
        public SwitchParameter Latest { get; set; }

        protected override void ProcessRecord()
        {
            var regions = (Region != null && Region.Length > 0 ? Region : Policy?.Regions.ToArray() ?? new string[0])
                .Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var r in Region ?? new string[0]) ValidateRegion(r, "-Region");
            if (regions.Count > 0 && string.IsNullOrEmpty(base.Region)) base.Region = regions[0];
            DefaultRegionFrom(Policy);
            if (regions.Count == 0) regions.Add(Session.Region);

            var runtime = BuildRuntime(Policy);
            var query = new RecoveryPointQuery
            {
                PolicyName = Policy?.Name,
                CreatedAfter = CreatedAfter?.ToUniversalTime(),
                CreatedBefore = OlderThan.HasValue ? DateTime.UtcNow - OlderThan.Value : (DateTime?)null,
                IncludeUnmanaged = IncludeUnmanaged,
                BackupVaultName = Policy?.BackupVaultName,
            };
            foreach (var a in Application ?? new string[0]) query.Applications.Add(a);
            foreach (var r in ResourceId ?? new string[0]) query.ResourceIds.Add(r);
            foreach (var s in State ?? new RecoveryPointState[0]) query.States.Add(s);

            foreach (var region in regions)
            {
                IEnumerable<Domain.Ports.IRecoveryPointProvider> providers;
                try
                {
                    var catalog = runtime.Providers(region);
                    providers = Kind != null && Kind.Length > 0
                        ? Kind.Distinct().Select(k => catalog.Provider(k) ?? throw new FinBackupException("FinRecoveryPointKindNotSupported", FinErrorKind.NotImplemented,
                            $"No recovery-point provider for kind {k} is installed.", "Use EbsSnapshotSet, Ami or RdsSnapshot.")).ToList()
                        : catalog.All;
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, region);
                    continue;
                }
                foreach (var provider in providers)
                {
                    try
                    {
                        var listed = provider.List(query, CancellationToken).OrderByDescending(p => p.CreatedAt).ToList();
                        if (Latest)
                            listed = listed.Where(p => p.State == RecoveryPointState.Available)
                                .GroupBy(p => p.ResourceId ?? p.RecoveryPointId, StringComparer.Ordinal).Select(g => g.First()).ToList();
                        foreach (var p in listed)
                        {
                            CarryPolicy(p, Policy);
                            WriteObject(p);
                        }
                    }
                    catch (FinBackupException ex)
                    {
                        WriteFinError(new FinBackupException(ex.ErrorId, ex.Kind, $"Listing {provider.Kind} in {region} failed: {ex.Message}", ex.RecommendedAction, ex), region);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
    }
}
