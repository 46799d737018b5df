using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FinBackup.Domain;
using FinBackup.Domain.Policy;
using FinBackup.Domain.Ports;
using FinBackup.Domain.Restore;
using FinBackup.Domain.Waiting;

namespace FinBackup.Cmdlets.Restore
{
    /// <summary>
    /// Removes what one restore (or drill) created, found by its fin:restore-id tag, and nothing else: restored instances are
    /// terminated, volumes deleted (detached first), launch template versions deleted, DB instances deleted without a final
    /// snapshot. Volumes swapped out by -ReplaceVolumes are kept (they carry fin:replaced-by-restore, not fin:restore-id).
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "FinRestoredResource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FinRestoredResource))]
    public sealed class RemoveFinRestoredResourceCommand : FinAwsCmdlet
    {
        private const string Activity = "Remove-FinRestoredResource";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The id of the restore whose resources to remove (restore-<UTC time>-<6 hex>), as in the RestoreId of an Invoke-FinRestore result; pipe the results to remove what they created.")]
        [ValidateNotNullOrEmpty]
        public string RestoreId { get; set; }

        /// <summary>The regions to search (default: the policy's regions, else the session's region).</summary>
        [Parameter]
        public BackupPolicy Policy { get; set; }

        /// <summary>Do not ask the final "remove N resources?" question (ShouldProcess and -WhatIf still apply).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private readonly HashSet<string> _done = new HashSet<string>(StringComparer.Ordinal);

        protected override void ProcessRecord()
        {
            if (!_done.Add(RestoreId)) return; // several results of one restore piped in
            // -Region, else every region of the policy, else the session's: the base's one precedence.
            var regions = RegionsFor(Policy, everyPolicyRegion: true).ToList();
            var session = Session;
            var remover = new RestoredResourceRemover(new RestoreRuntime
            {
                Ec2 = r => session.Get<IEc2RestoreGateway>(r),
                Rds = r => session.Get<IRdsRestoreGateway>(r),
                Waiter = new Waiter(),
            });
            IReadOnlyList<FinRestoredResource> found;
            try
            {
                found = remover.Find(RestoreId, regions, CancellationToken);
            }
            catch (FinBackupException ex)
            {
                WriteFinError(ex, RestoreId);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (found.Count == 0)
            {
                WriteVerbose($"Nothing tagged {RestoreTags.RestoreId}={RestoreId} in {string.Join(", ", regions)}.");
                return;
            }
            var selected = RestoredResourceRemover.Order(found)
                .Where(r => ShouldProcess($"{r.ResourceType} {r.ResourceId} ({r.Region})", $"Remove (restored by {RestoreId})")).ToList();
            if (selected.Count == 0) return;
            if (!Force && !ShouldContinue($"Remove {selected.Count} resource(s) created by restore {RestoreId}? This cannot be undone.", "Remove-FinRestoredResource")) return;
            var i = 0;
            var audit = AuditTrailFor(Policy);
            try
            {
                foreach (var r in selected)
                {
                    WriteFinProgress(4, Activity, $"{r.ResourceType} {r.ResourceId}", i++ * 100 / selected.Count);
                    try
                    {
                        remover.Remove(r, CancellationToken);
                        RestoreAudit.ResourceRemoved(audit, r, ct: CancellationToken);
                    }
                    catch (FinBackupException ex)
                    {
                        RestoreAudit.ResourceRemoved(audit, r, ex.ErrorId, CancellationToken);
                        r.Status = "Failed";
                        WriteFinError(new FinBackupException("FinRestoredResourceRemoveFailed", FinErrorKind.InvalidOperation, $"{r.ResourceType} {r.ResourceId} in {r.Region} was not removed: {ex.Message}",
                            ex.RecommendedAction ?? "Run Remove-FinRestoredResource again; what was removed stays removed.", ex), r);
                    }
                    WriteObject(r);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                CompleteFinProgress(4, Activity);
            }
        }
    }
}
