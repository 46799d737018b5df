using System;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.RecoveryPoints;

namespace FinBackup.Cmdlets
{
    /// <summary>
    /// Deletes the recovery points whose expiry has passed, in every region the policy covers, under the retention safety
    /// rules. Emits one RetentionDecision per point.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "FinExpiredBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RetentionDecision))]
    public sealed class RemoveFinExpiredBackupCommand : RecoveryPointCmdlet
    {
        private const string Activity = "Removing expired recovery points";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The policy whose points (fin:policy tag) are expired, in its regions.")]
        [ValidateNotNull]
        public BackupPolicy Policy { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Application { get; set; }

        [Parameter]
        public RecoveryPointKind[] Kind { get; set; }

        /// <summary>Delete without asking (ConfirmImpact is High); -WhatIf and $WhatIfPreference still only report.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Regions to expire in; default every region of the policy. Hides the base -Region.</summary>
        [Parameter]
        [Alias("RegionToCall")]
        [ValidateNotNullOrEmpty]
        public new string[] Region { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var r in Region ?? new string[0]) ValidateRegion(r, "-Region");
            var scope = new ExpiryScope { Policy = Policy };
            foreach (var r in Region ?? new string[0]) scope.Regions.Add(r);
            foreach (var k in Kind ?? new RecoveryPointKind[0]) scope.Kinds.Add(k);
            foreach (var a in Application ?? new string[0]) scope.Applications.Add(a);
            var regions = ExpiryRunner.RegionsOf(scope).ToList();
            if (regions.Count == 0)
                Fail("FinExpiryRegionMissing", FinErrorKind.InvalidArgument, $"Policy '{Policy}' names no regions and no -Region was given.",
                    "Set PrimaryRegion/DrRegion in the policy or pass -Region.", Policy);
            if (string.IsNullOrEmpty(base.Region)) base.Region = regions[0];

            var runner = new ExpiryRunner(BuildRuntime(Policy));
            try
            {
                WriteFinProgress(1, Activity, "Listing recovery points in " + string.Join(", ", regions), 0);
                var listing = runner.List(scope, CancellationToken);
                foreach (var f in listing.Failures)
                {
                    WriteFinError(new FinBackupException(f.Item3.ErrorId, f.Item3.Kind,
                        $"Listing {f.Item2} in {f.Item1} failed, so no {f.Item2} is removed anywhere this run: {f.Item3.Message}", f.Item3.RecommendedAction, f.Item3), f.Item1);
                }
                var decisions = runner.Plan(listing, DateTime.UtcNow);
                runner.Execute(decisions,
                    d => ShouldProcessUnlessForced(Force, $"{d.Kind} {d.RecoveryPointId} ({d.Application}, {d.Region}, expired {d.ExpiresAt:u})",
                        d.Kind == RecoveryPointKind.Ami ? "Deregister the AMI and delete its snapshots" : "Delete"),
                    (d, i, n) => WriteFinProgress(1, Activity, $"{i} of {n} removed", n == 0 ? 100 : i * 100 / n, $"{d.Kind} {d.RecoveryPointId} in {d.Region}"),
                    CancellationToken);
                foreach (var d in decisions)
                {
                    if (d.Outcome == RetentionOutcome.Failed && d.Exception != null) WriteFinError(d.Exception, d.RecoveryPoint);
                    WriteObject(d);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                CompleteFinProgress(1, Activity);
            }
        }
    }
}
