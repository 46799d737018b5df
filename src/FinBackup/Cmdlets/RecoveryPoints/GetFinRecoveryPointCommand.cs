using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>Lists FinBackup's recovery points of every kind across regions, filtered server-side by tags.</summary>
    [Cmdlet(VerbsCommon.Get, "FinRecoveryPoint")]
    [OutputType(typeof(FinRecoveryPoint))]
    public sealed class GetFinRecoveryPointCommand : FinAwsMultiRegionCmdlet
    {
        /// <summary>Only these applications (the fin:application tag); wildcards allowed ('Agent*').</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ApplicationCompleter]
        public string[] Application { get; set; }

        /// <summary>Only the points of these resources; wildcards allowed ('i-0ab*').</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ResourceIdCompleter]
        public string[] ResourceId { get; set; }

        [Parameter]
        public RecoveryPointKind[] Kind { get; set; }

        [Parameter]
        public RecoveryPointState[] State { get; set; }

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
            // -Region, else the policy's regions (primary and DR), else the session's: the base's one precedence.
            var regions = RegionsFor(Policy, everyPolicyRegion: true).ToList();
            foreach (var r in RegionParameterValues) ValidateRegion(r, "-Region");
            var apps = Application ?? new string[0];
            if (Policy != null && apps.Length > 0)
            {
                // The policy knows its applications: patterns become its names (server-side filter), unknown names are errors.
                apps = ApplicationFilter.Select(Policy, apps, WriteFinError).Select(a => a.Name).ToArray();
                if (apps.Length == 0) return;
            }
            var appPatterns = ApplicationFilter.HasWildcards(apps) ? apps : null;
            var idPatterns = ApplicationFilter.HasWildcards(ResourceId) ? ResourceId : null;

            var runtime = RecoveryPointRuntimes.Build(Session, Policy, AuditTrailFor(Policy));
            var query = new RecoveryPointQuery
            {
                PolicyName = Policy?.Name,
                CreatedAfter = CreatedAfter?.ToUniversalTime(),
                CreatedBefore = OlderThan.HasValue ? DateTime.UtcNow - OlderThan.Value : (DateTime?)null,
                IncludeUnmanaged = IncludeUnmanaged,
                BackupVaultName = Policy?.BackupVaultName,
            };
            // Exact names filter server-side; wildcard patterns are matched here, on what the listing returns.
            if (appPatterns == null) foreach (var a in apps) query.Applications.Add(a);
            if (idPatterns == null) foreach (var r in ResourceId ?? new string[0]) query.ResourceIds.Add(r);
            foreach (var s in State ?? new RecoveryPointState[0]) query.States.Add(s);

            var foundApplications = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var listedEverywhere = true;
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
                    listedEverywhere = false;
                    WriteFinError(ex, region);
                    continue;
                }
                foreach (var provider in providers)
                {
                    try
                    {
                        var listed = provider.List(query, CancellationToken).OrderByDescending(p => p.CreatedAt).ToList();
                        if (appPatterns != null) listed = listed.Where(p => ApplicationFilter.Matches(appPatterns, p.Application)).ToList();
                        if (idPatterns != null) listed = listed.Where(p => ApplicationFilter.Matches(idPatterns, p.ResourceId)).ToList();
                        if (Latest)
                            listed = listed.Where(p => p.State == RecoveryPointState.Available)
                                .GroupBy(p => p.ResourceId ?? p.RecoveryPointId, StringComparer.Ordinal).Select(g => g.First()).ToList();
                        foreach (var p in listed)
                        {
                            CarryPolicy(p, Policy);
                            foundApplications.Add(p.Application ?? string.Empty);
                            SessionResults.Current.Remember(p);
                            WriteObject(p);
                        }
                    }
                    catch (FinBackupException ex)
                    {
                        listedEverywhere = false;
                        WriteFinError(new FinBackupException(ex.ErrorId, ex.Kind, $"Listing {provider.Kind} in {region} failed: {ex.Message}", ex.RecommendedAction, ex), region);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
            if (Policy == null && listedEverywhere) WarnUnmatched(apps, foundApplications, regions);
        }

        /// <summary>
        /// Without a policy FinBackup cannot tell an unknown application from one with no points, so a name that listed
        /// nothing is a warning (with -Policy it is the error FinApplicationNotInPolicy, as in every cmdlet that takes -Application).
        /// </summary>
        private void WarnUnmatched(string[] apps, HashSet<string> found, IReadOnlyList<string> regions)
        {
            foreach (var name in apps.Where(a => !found.Any(f => ApplicationFilter.Matches(new[] { a }, f))))
            {
                var seen = SessionResults.Current.Applications.Select(kv => kv.Key).ToList();
                WriteWarning($"No recovery point in {string.Join(", ", regions)} carries application '{name}'." +
                             (seen.Count > 0 ? " Applications seen in this session: " + string.Join(", ", seen.Select(n => "'" + n + "'")) + "." : string.Empty) +
                             " Pass -Policy to check the name against the policy.");
            }
        }
    }
}