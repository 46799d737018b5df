using System;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Recovery;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// The plan-time RTO estimate of a DR rebuild, one row per application: the failover steps in order, the critical
    /// path summed, against the application's RTO. Arithmetic on the policy's declared sizes and Assumptions; no AWS call.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "FinRtoEstimate")]
    [OutputType(typeof(FinRtoEstimate))]
    public sealed class GetFinRtoEstimateCommand : FinCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy, from Import-FinBackupPolicy: its applications, tag key (default fin:application), regions, buckets and KMS keys.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        /// <summary>Only these applications (exact names, case-insensitive; wildcards allowed).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [FinBackup.Completion.ApplicationCompleter]
        public string[] Application { get; set; }

        protected override void ProcessRecord()
        {
            var apps = Policy.Applications ?? new System.Collections.Generic.List<ApplicationPolicy>();
            if (Application != null && Application.Length > 0) apps = Common.ApplicationFilter.Select(Policy, Application, WriteFinError);
            foreach (var app in apps)
            {
                WriteObject(FinRtoEstimate.From(RtoEstimator.Estimate(Policy, app)));
            }
        }
    }
}
