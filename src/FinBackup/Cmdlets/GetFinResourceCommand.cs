using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Common;
using FinBackup.Completion;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Resources;

namespace FinBackup.Cmdlets
{
    /// <summary>Finds each application's EC2 instances, EBS volumes and RDS DB instances by the policy's tag.</summary>
    [Cmdlet(VerbsCommon.Get, "FinResource")]
    [OutputType(typeof(FinResource))]
    public sealed class GetFinResourceCommand : FinAwsMultiRegionCmdlet
    {
        private const string Activity = "Finding resources by tag";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy whose applications to look for, from Import-FinBackupPolicy.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Application names from the policy; wildcards allowed. Default: every application.</summary>
        [Parameter(Position = 1)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ApplicationCompleter]
        public string[] Application { get; set; }

        /// <summary>Only these resource types. Asking for EbsVolume lists every volume, including those attached to the instances found.</summary>
        [Parameter]
        public FinResourceType[] ResourceType { get; set; }

        protected override void ProcessRecord()
        {
            var apps = SelectApplications();
            if (apps.Count == 0) return;
            // -Region (every one given), else the policy's primary region, else the session's: the base's one precedence.
            var regions = RegionsFor(Policy, everyPolicyRegion: false).ToList();
            foreach (var r in regions) ValidateRegion(r, "-Region");

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
                SessionResults.Current.Remember(resource);
                WriteObject(resource);
            }
            var searched = ResourceType != null && ResourceType.Length > 0 ? string.Join(", ", ResourceType) : "EC2 instances, EBS volumes or RDS DB instances";
            foreach (var name in result.Unmatched)
            {
                WriteWarning($"No {searched} in {string.Join(", ", regions)} carry the tag {Policy.TagKey}={name}, so application '{name}' has nothing to back up there." +
                             (result.Failures.Count > 0 ? " (Some searches failed; see the errors.)" : " Tag its resources, or check the name in the policy."));
            }
        }

        private List<ApplicationPolicy> SelectApplications() => ApplicationFilter.Select(Policy, Application, WriteFinError);
    }
}
