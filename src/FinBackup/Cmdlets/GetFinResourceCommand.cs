using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Resources;

namespace FinBackup.Cmdlets
{
    /// <summary>Finds each application's EC2 instances, EBS volumes and RDS DB instances by the policy's tag.</summary>
    [Cmdlet(VerbsCommon.Get, "FinResource")]
    [OutputType(typeof(FinResource))]
    public sealed class GetFinResourceCommand : FinAwsCmdlet
    {
        private const string Activity = "Finding resources by tag";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy whose applications to look for, from Import-FinBackupPolicy.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Application names from the policy; wildcards allowed. Default: every application.</summary>
        [Parameter(Position = 1)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Application { get; set; }

        /// <summary>Regions to search; default the policy's primary region. Hides the base -Region (one region to call).</summary>
        [Parameter]
        [Alias("RegionToCall")]
        [ValidateNotNullOrEmpty]
        public new string[] Region { get; set; }

        /// <summary>Only these resource types. Asking for EbsVolume lists every volume, including those attached to the instances found.</summary>
        [Parameter]
        public FinResourceType[] ResourceType { get; set; }

        protected override void ProcessRecord()
        {
            var apps = SelectApplications();
            if (apps.Count == 0) return;
            var regions = (Region != null && Region.Length > 0 ? Region : new[] { Policy.PrimaryRegion })
                .Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (regions.Count == 0)
            {
                ThrowFinError(new FinBackupException("FinPolicyRegionMissing", FinErrorKind.InvalidArgument,
                    $"The policy '{Policy}' names no primary region and no -Region was given.", "Pass -Region us-east-1 or set PrimaryRegion in the policy."), Policy);
            }
            foreach (var r in regions) ValidateRegion(r, "-Region");
            // The connection (credentials, endpoint) resolves with the first region searched as its default.
            base.Region = base.Region ?? regions[0];

            var session = Session;
            var discovery = new ResourceDiscovery(r => session.Get<IEc2ResourceInventory>(r), r => session.Get<IRdsResourceInventory>(r));
            DiscoveryResult result;
            try
            {
                result = discovery.Discover(Policy, apps, regions, ResourceType, CancellationToken,
                    (i, n, what) => WriteFinProgress(1, Activity, $"Searching {what} for tag '{Policy.TagKey}'", n == 0 ? 0 : i * 100 / n));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                CompleteFinProgress(1, Activity);
            }

            foreach (var failure in result.Failures)
            {
                WriteFinError(new FinBackupException(failure.Error.ErrorId, failure.Error.Kind,
                    $"Could not search {failure.Service} in {failure.Region}: {failure.Error.Message}", failure.Error.RecommendedAction, failure.Error), failure.Region);
            }
            foreach (var resource in result.Resources)
            {
                CarryPolicy(resource, Policy);
                WriteObject(resource);
            }
            var searched = ResourceType != null && ResourceType.Length > 0 ? string.Join(", ", ResourceType) : "EC2 instances, EBS volumes or RDS DB instances";
            foreach (var name in result.Unmatched)
            {
                WriteWarning($"No {searched} in {string.Join(", ", regions)} carry the tag {Policy.TagKey}={name}, so application '{name}' has nothing to back up there." +
                             (result.Failures.Count > 0 ? " (Some searches failed; see the errors.)" : " Tag its resources, or check the name in the policy."));
            }
        }

        private List<ApplicationPolicy> SelectApplications()
        {
            var all = Policy.Applications ?? new List<ApplicationPolicy>();
            if (Application == null || Application.Length == 0) return all.ToList();
            var selected = new List<ApplicationPolicy>();
            foreach (var pattern in Application)
            {
                var wildcard = WildcardPattern.ContainsWildcardCharacters(pattern);
                var matcher = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                var matches = all.Where(a => a.Name != null && (wildcard ? matcher.IsMatch(a.Name) : string.Equals(a.Name, pattern, StringComparison.OrdinalIgnoreCase))).ToList();
                if (matches.Count == 0 && !wildcard)
                {
                    var guess = NameSuggester.Closest(pattern, all.Select(a => a.Name).Where(n => n != null));
                    WriteFinError(new FinBackupException("FinApplicationNotInPolicy", FinErrorKind.ObjectNotFound,
                        $"The policy '{Policy}' has no application '{pattern}'" + (guess != null ? $"; did you mean '{guess}'?" : "."),
                        "Use an application name from the policy: " + string.Join(", ", all.Select(a => "'" + a.Name + "'")) + "."), pattern);
                }
                foreach (var m in matches)
                {
                    if (!selected.Contains(m)) selected.Add(m);
                }
            }
            return selected;
        }
    }
}
