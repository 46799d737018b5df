using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Restore;

namespace FinBackup.Cmdlets.Restore
{
    /// <summary>Reads a stored restore plan back from the policy's backup bucket (for the approver, on another machine).</summary>
    [Cmdlet(VerbsCommon.Get, "FinRestorePlan")]
    [OutputType(typeof(RestorePlan))]
    public sealed class GetFinRestorePlanCommand : RestorePlanCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The plan id(s) New-FinRestorePlan printed (rplan-<time>-<random>).")]
        [ValidateNotNullOrEmpty]
        public string[] PlanId { get; set; }

        [Parameter(Mandatory = true, HelpMessage = "The backup policy whose buckets hold the plans.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        protected override void ProcessRecord()
        {
            var region = Region;
            RegionFor(null, Policy); // the connection's default region: -Region, else the policy's
            var repository = Repository(Policy);
            foreach (var id in PlanId)
            {
                try
                {
                    var plan = repository.Find(id, region, CancellationToken);
                    if (plan == null)
                    {
                        WriteFinError(new FinBackupException("FinRestorePlanNotFound", FinErrorKind.ObjectNotFound,
                            $"No restore plan {id} is stored in the backup bucket of {(string.IsNullOrEmpty(region) ? string.Join(" or ", Policy.Regions) : region)}.",
                            "Check the plan id New-FinRestorePlan printed, and pass -Region when the plan restores into another region."), id);
                        continue;
                    }
                    if (!string.Equals(RestorePlanHash.Compute(plan), plan.ContentHash, System.StringComparison.OrdinalIgnoreCase))
                        WriteWarning($"Restore plan {id} does not match its recorded content hash: it was edited in the bucket. Invoke-FinRestore will refuse it.");
                    WriteObject(plan);
                }
                catch (FinBackupException ex)
                {
                    WriteFinError(ex, id);
                }
            }
        }
    }
}
